"""Monthly budget plans per channel in the 70/20/10 buckets -> core.budgets."""
from __future__ import annotations

import polars as pl

from roi.schemas.budgets import BUCKETS
from roi.contracts.raw import RawTable
from roi.transforms import business, channels, numbers
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext

TABLE = "budgets"

# field -> header aliases, tried in order (a header feeds one field; earlier fields claim first).
FIELDS: dict[str, list[str]] = {
    "month": ["month", "mese", "mes", "mois", "monat", "mês", "period", "periodo", "période",
              "date", "data"],
    "channel": ["channel", "canale", "canal", "kanal"],
    "bucket": ["bucket", "categoria", "category", "70/20/10", "regola 70/20/10", "bucket 70/20/10",
               "fascia", "livello", "tier", "allocation", "allocazione", "tipo", "type", "categoría",
               "catégorie", "kategorie"],
    "planned_amount": ["planned_amount", "planned amount", "planned", "budget", "amount", "importo",
                       "budget pianificato", "pianificato", "previsto", "importo previsto",
                       "budget previsto", "presupuesto", "montant", "budget prévu", "betrag",
                       "orçamento", "valor"],
    "currency": ["currency", "valuta", "moneda", "divisa", "devise", "währung", "moeda"],
}
ITALIAN = frozenset({
    "mese", "periodo", "data", "canale", "categoria", "regola 70/20/10", "fascia", "livello",
    "allocazione", "tipo", "importo", "budget pianificato", "pianificato", "previsto",
    "importo previsto", "budget previsto", "valuta",
})

# Bucket word/number keys -> bucket ("Proven (70%)" is read word by word).
BUCKET_ALIASES: dict[str, str] = {
    **dict.fromkeys(["proven", "70", "consolidato", "consolidati", "consolidata", "core",
                     "collaudato", "collaudati", "provato", "provati", "probado", "eprouve",
                     "bewahrt", "comprovado"], "proven"),
    **dict.fromkeys(["new", "20", "nuovo", "nuovi", "nuova", "nuove", "growth", "crescita",
                     "emerging", "emergente", "emergenti", "nuevo", "nouveau", "neu", "novo"], "new"),
    **dict.fromkeys(["experiment", "experiments", "experimental", "10", "sperimentale",
                     "sperimentali", "test", "tests", "esperimento", "esperimenti",
                     "sperimentazione", "experimento", "experimentation", "experimentell"],
                    "experiment"),
}


def bucket(name: str) -> tuple[pl.Expr, pl.Expr]:
    """(bucket, error): proven/new/experiment from '70', '70%', 'Consolidato', 'Test (10%)' …"""
    given = numbers.text(name)
    words = channels.label_key(given).str.extract_all(r"[a-z]+|[0-9]+")
    hits = (words.list.eval(pl.element().replace_strict(BUCKET_ALIASES, default=None,
                                                         return_dtype=pl.Utf8))
            .list.drop_nulls().list.unique())
    value = pl.when(hits.list.len() == 1).then(hits.list.first())
    error = pl.when(given.is_not_null() & value.is_null()).then(
        pl.concat_str([pl.lit(f"bucket: '"), given,
                       pl.lit(f"' is not a budget bucket ({', '.join(BUCKETS)} — 70/20/10)")]))
    return value.alias(name), error.cast(pl.Utf8).alias(err(name))


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    m = business.map_columns(raw, ctx, FIELDS, ITALIAN)
    for needed in ("month", "channel", "planned_amount"):
        if needed not in m.found:
            raise ValueError(f"{raw.path.name}: no {needed} column (looked for "
                             f"{', '.join(repr(a) for a in FIELDS[needed][:4])} …) — map it under "
                             f"columns.{needed} in roi.toml")
    warnings = []
    df = m.frame
    if "bucket" not in m.found:
        df = df.with_columns(pl.lit("proven").alias("bucket"))
        warnings.append("no bucket column: every budget row counted as 'proven' (70%)")
    dec = business.decimal_mark(raw, ctx, df, ["planned_amount"], m.italian)
    order = business.date_order(ctx, df, ["month"])
    df = business.parse_each(df, {
        "month": business.month("month", order),
        "channel": business.channel_label("channel", ctx),
        "bucket": bucket("bucket"),
        "planned_amount": numbers.number("planned_amount", dec, label="planned_amount"),
        "currency": business.currency("currency", m.currency.get("planned_amount")
                                      or ctx.default_currency),
    })
    df = business.required(df, ["month", "channel", "bucket", "planned_amount"])
    return Normalised(business.finish(df, TABLE, ctx), warnings=warnings)
