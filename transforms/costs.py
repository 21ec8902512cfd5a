"""Non-media cost sheets (staff time, tools, agency fees …; by day, period or month) -> core.costs."""
from __future__ import annotations

import polars as pl

from roi.schemas.costs import COST_TYPES
from roi.contracts.raw import RawTable
from roi.transforms import business, channels, dates, numbers
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext

TABLE = "costs"

# field -> header aliases, tried in order (a header feeds one field; earlier fields claim first).
FIELDS: dict[str, list[str]] = {
    "cost_date": ["cost_date", "cost date", "date", "data", "data costo", "giorno", "day", "start date",
                  "start", "data inizio", "inizio", "dal", "from", "fecha", "date du coût", "datum",
                  "dia", "jour"],
    "month": ["month", "mese", "mes", "mois", "monat", "mês", "period", "periodo", "période",
              "zeitraum", "competenza", "mese di competenza"],
    "period_end": ["period_end", "period end", "end date", "end", "fine periodo", "data fine", "fine",
                   "al", "to", "until", "fecha fin", "date de fin", "enddatum", "data final"],
    "channel": ["channel", "canale", "canal", "kanal"],
    "campaign_name": ["campaign_name", "campaign name", "campaign", "campagna", "nome campagna",
                      "campaña", "campagne", "kampagne", "campanha"],
    "cost_type": ["cost_type", "cost type", "type", "tipo", "tipo costo", "tipo di costo", "category",
                  "categoria", "tipo de costo", "type de coût", "kostenart", "catégorie", "kategorie",
                  "tipo de custo"],
    "description": ["description", "descrizione", "voce", "dettaglio", "note", "notes", "descripción",
                    "beschreibung", "descrição", "libellé"],
    "hours": ["hours", "ore", "ore lavorate", "horas", "heures", "stunden", "hrs", "h"],
    "hourly_rate": ["hourly_rate", "hourly rate", "rate", "tariffa oraria", "costo orario", "tariffa",
                    "costo ora", "costo/ora", "€/h", "eur/h", "tarifa por hora", "taux horaire",
                    "stundensatz", "valor hora"],
    "amount": ["amount", "importo", "costo", "cost", "costo totale", "total", "totale", "spesa",
               "importe", "coste", "montant", "coût", "betrag", "kosten", "valor", "custo"],
    "currency": ["currency", "valuta", "moneda", "divisa", "devise", "währung", "moeda"],
}
ITALIAN = frozenset({
    "data", "data costo", "giorno", "data inizio", "inizio", "dal", "mese", "periodo", "competenza",
    "mese di competenza", "fine periodo", "data fine", "fine", "al", "canale", "campagna",
    "nome campagna", "tipo", "tipo costo", "tipo di costo", "categoria", "descrizione", "voce",
    "dettaglio", "ore", "ore lavorate", "tariffa oraria", "costo orario", "tariffa", "costo ora",
    "costo/ora", "importo", "costo", "costo totale", "totale", "spesa", "valuta",
})

# Cost-type label keys -> cost type.
COST_TYPE_ALIASES: dict[str, str] = {
    **dict.fromkeys(["staff", "personale", "people", "persone", "salary", "salaries", "salario",
                     "stipendio", "stipendi", "dipendente", "dipendenti", "team", "interno",
                     "internal", "in_house", "personnel", "personal", "employee", "employees",
                     "labour", "labor", "hr", "risorse_umane", "mitarbeiter", "gehalt", "salaire",
                     "equipe", "ore_uomo"], "staff"),
    **dict.fromkeys(["tool", "tools", "strumento", "strumenti", "software", "saas", "licenza",
                     "licenze", "license", "licence", "licenses", "subscription", "abbonamento",
                     "abbonamenti", "piattaforma", "platform", "herramienta", "outil", "werkzeug",
                     "ferramenta", "app"], "tool"),
    **dict.fromkeys(["agency", "agenzia", "agenzie", "agencia", "agence", "agentur"], "agency"),
    **dict.fromkeys(["freelance", "freelancer", "freelancers", "consulente", "consulenti",
                     "consulenza", "consultant", "consulting", "contractor", "collaboratore",
                     "collaboratori", "libero_professionista", "autonomo", "consultor",
                     "berater"], "freelance"),
    **dict.fromkeys(["content", "contents", "contenuti", "contenuto", "creativita", "creative",
                     "creativo", "creativi", "creativity", "copywriting", "design", "video", "foto",
                     "photo", "contenido", "contenu", "inhalt", "conteudo"], "content"),
    **dict.fromkeys(["training", "formazione", "corso", "corsi", "course", "courses", "formacion",
                     "formation", "schulung", "weiterbildung", "formacao"], "training"),
    **dict.fromkeys(["other", "others", "altro", "altri", "varie", "misc", "miscellaneous", "otro",
                     "autre", "sonstiges", "outro"], "other"),
}


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    m = business.map_columns(raw, ctx, FIELDS, ITALIAN)
    if "cost_date" not in m.found and "month" not in m.found:
        raise ValueError(f"{raw.path.name}: no date or month column (looked for 'date', 'data', "
                         "'month', 'mese' …) — map it under columns.cost_date or columns.month")
    if "amount" not in m.found and not {"hours", "hourly_rate"} <= set(m.found):
        raise ValueError(f"{raw.path.name}: no amount column and no hours + hourly_rate columns "
                         "(looked for 'amount', 'importo', 'costo', 'ore', 'tariffa oraria' …)")
    df = m.frame
    dec = business.decimal_mark(raw, ctx, df, ["amount", "hours", "hourly_rate"], m.italian)
    order = business.date_order(ctx, df, ["cost_date", "period_end"])
    default_currency = (m.currency.get("amount") or m.currency.get("hourly_rate")
                        or ctx.default_currency)

    # A row covers one day, an explicit period, or a whole month (month column, or a date column
    # holding "giugno 2026" / "2026-06").
    day, day_err = dates.date("cost_date", order, label="cost_date")
    month_col, month_err = business.month("month", order)
    month_in_date, _ = business.month("cost_date", order)
    end, end_err = dates.date("period_end", order, label="period_end")
    df = business.on_distinct(df, "cost_date", [day.alias("_day"), day_err.alias("_day_err"),
                                                 month_in_date.alias("_month_in_date")])
    df = business.on_distinct(df, "month", [month_col.alias("_month"), month_err.alias("_month_err")])
    df = business.parse_each(df, {"period_end": (end, end_err)})
    day, month_in_date = pl.col("_day"), pl.col("_month_in_date")
    month_start = pl.coalesce(pl.when(day.is_null()).then(month_in_date), pl.col("_month"))
    df = df.with_columns(
        pl.coalesce(day, month_start).alias("cost_date"),
        pl.when(day.is_null() & month_in_date.is_not_null()).then(None).otherwise(pl.col("_day_err"))
        .alias(err("cost_date")),
        pl.when(day.is_null()).then(pl.col("_month_err")).alias(err("month")),
        pl.coalesce("period_end", pl.when(day.is_null()).then(month_start.dt.month_end()), day)
        .alias("period_end"),
    )

    df = business.parse_each(df, {
        "hours": numbers.number("hours", dec, label="hours"),
        "hourly_rate": numbers.number("hourly_rate", dec, label="hourly_rate"),
        "amount": numbers.number("amount", dec, label="amount"),
        "currency": business.currency("currency", default_currency),
        "channel": business.channel_label("channel", ctx),
    })
    kind = channels.label_key(pl.col("cost_type"))
    cost_type = kind.replace_strict(COST_TYPE_ALIASES, default=None, return_dtype=pl.Utf8)
    given = numbers.text("cost_type")
    df = df.with_columns(
        pl.when(given.is_null()).then(pl.when(pl.col("hours").is_not_null()).then(pl.lit("staff"))
                                      .otherwise(pl.lit("other")))
        .otherwise(cost_type).alias("cost_type"),
        pl.when(given.is_not_null() & cost_type.is_null())
        .then(pl.concat_str([pl.lit("cost_type: '"), given,
                             pl.lit(f"' is not a cost type ({', '.join(COST_TYPES)})")]))
        .alias(err("cost_type")),
        numbers.text("campaign_name"),
        numbers.text("description"),
    )
    # amount = hours × hourly_rate where only time is given.
    no_amount = pl.col("amount").is_null() & pl.col(err("amount")).is_null()
    h_ok, r_ok = pl.col("hours").is_not_null(), pl.col("hourly_rate").is_not_null()
    df = df.with_columns(
        pl.coalesce("amount", pl.col("hours") * pl.col("hourly_rate")).alias("amount"),
        pl.when(no_amount & ~(h_ok & r_ok) & pl.col(err("hours")).is_null()
                & pl.col(err("hourly_rate")).is_null())
        .then(pl.when(h_ok).then(pl.lit("hourly_rate: missing (hours without an amount)"))
              .when(r_ok).then(pl.lit("hours: missing (hourly_rate without an amount)"))
              .otherwise(pl.lit("amount: missing (give an amount, or hours and hourly_rate)")))
        .otherwise(pl.col(err("amount"))).alias(err("amount")),
    )
    df = business.required(df, ["channel"]).with_columns(
        pl.when(pl.col("cost_date").is_null() & pl.col(err("cost_date")).is_null()
                & pl.col(err("month")).is_null())
        .then(pl.lit("cost_date: missing")).otherwise(pl.col(err("cost_date"))).alias(err("cost_date")))
    return Normalised(business.finish(df, TABLE, ctx))
