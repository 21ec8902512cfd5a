"""SMART goal sheets (KPI, target, baseline, start, deadline, owner) -> core.goals."""
from __future__ import annotations

import polars as pl

from roi.schemas.goals import GOAL_KPIS
from roi.contracts.raw import RawTable
from roi.transforms import business, channels, dates, numbers
from roi.transforms.business import err, parsed
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.ids import stable_id

TABLE = "goals"

# field -> header aliases, tried in order (a header feeds one field; earlier fields claim first).
FIELDS: dict[str, list[str]] = {
    "goal_id": ["goal_id", "goal id", "id", "id obiettivo", "codice", "code", "codice obiettivo"],
    "kpi": ["kpi", "metric", "metrica", "indicatore", "métrica", "métrique", "kennzahl"],
    "name": ["name", "nome", "goal", "goal name", "nome obiettivo", "titolo", "title", "description",
             "descrizione", "nombre", "nom", "ziel name"],
    "channel": ["channel", "canale", "canal", "kanal"],
    "target_value": ["target_value", "target value", "target", "obiettivo", "valore obiettivo",
                     "traguardo", "goal value", "objetivo", "cible", "zielwert", "ziel", "meta"],
    "direction": ["direction", "direzione", "verso", "condition", "condizione", "tipo obiettivo",
                  "dirección", "sens", "richtung"],
    "baseline_value": ["baseline_value", "baseline value", "baseline", "valore iniziale",
                       "valore di partenza", "punto di partenza", "base", "línea base",
                       "valeur de départ", "ausgangswert", "linha de base"],
    "start_date": ["start_date", "start date", "start", "inizio", "data inizio", "data di inizio",
                   "dal", "from", "fecha inicio", "fecha de inicio", "début", "date de début",
                   "beginn", "startdatum", "data de início"],
    "deadline": ["deadline", "scadenza", "end date", "end", "data fine", "data di fine", "fine",
                 "entro", "entro il", "due date", "al", "to", "fecha límite", "échéance", "frist",
                 "prazo"],
    "owner": ["owner", "responsabile", "referente", "assegnato a", "assignee", "proprietario",
              "responsable", "verantwortlich", "dono"],
}
ITALIAN = frozenset({
    "id obiettivo", "codice", "codice obiettivo", "metrica", "indicatore", "nome", "nome obiettivo",
    "titolo", "descrizione", "canale", "obiettivo", "valore obiettivo", "traguardo", "direzione",
    "verso", "condizione", "tipo obiettivo", "valore iniziale", "valore di partenza",
    "punto di partenza", "inizio", "data inizio", "data di inizio", "dal", "scadenza", "data fine",
    "data di fine", "fine", "entro", "entro il", "al", "responsabile", "referente", "assegnato a",
    "proprietario",
})

# KPI label keys -> KPI (plus every GOAL_KPIS name itself).
KPI_ALIASES: dict[str, str] = {
    **dict.fromkeys(["roi", "roi_percent", "roi_perc", "return_on_investment"], "roi_pct"),
    **dict.fromkeys(["cost_per_lead", "costo_per_lead", "costo_lead"], "cpl"),
    **dict.fromkeys(["customer_acquisition_cost", "costo_acquisizione_cliente",
                     "costo_di_acquisizione_cliente", "costo_acquisizione", "costo_per_cliente"], "cac"),
    **dict.fromkeys(["cost_per_acquisition", "cost_per_conversion", "costo_per_acquisizione",
                     "costo_per_conversione"], "cpa"),
    **dict.fromkeys(["cost_per_click", "costo_per_clic", "costo_per_click"], "cpc"),
    **dict.fromkeys(["cost_per_mille", "costo_per_mille"], "cpm"),
    **dict.fromkeys(["click_through_rate"], "ctr"),
    **dict.fromkeys(["tasso_di_conversione", "tasso_conversione", "cr", "conv_rate"], "conversion_rate"),
    **dict.fromkeys(["close_rate", "tasso_di_chiusura", "lead_to_customer", "lead_customer_rate",
                     "tasso_lead_cliente"], "lead_to_customer_rate"),
    **dict.fromkeys(["tasso_di_apertura", "tasso_apertura"], "open_rate"),
    **dict.fromkeys(["tasso_di_clic", "tasso_di_click", "tasso_clic"], "click_rate"),
    **dict.fromkeys(["ricavi", "fatturato", "entrate", "ricavo", "sales", "vendite"], "revenue"),
    **dict.fromkeys(["lead", "contatti", "contacts"], "leads"),
    **dict.fromkeys(["clienti", "nuovi_clienti", "new_customers", "customer"], "customers"),
    **dict.fromkeys(["conversioni", "conversion"], "conversions"),
    **dict.fromkeys(["clic", "click"], "clicks"),
    **dict.fromkeys(["impressioni", "impression"], "impressions"),
    **dict.fromkeys(["spesa", "ad_spend", "spesa_pubblicitaria", "spesa_media", "media_spend"], "spend"),
    **dict.fromkeys(["costo_totale", "costi_totali", "total_costs", "costs"], "total_cost"),
    **{k: k for k in GOAL_KPIS},
}
RATE_KPIS = frozenset({"ctr", "conversion_rate", "lead_to_customer_rate", "open_rate", "click_rate"})
# Cost KPIs: lower is better, so a goal without a direction is a ceiling.
COST_KPIS = frozenset({"cpl", "cac", "cpa", "cpc", "cpm", "spend", "total_cost"})
DIRECTION_ALIASES: dict[str, str] = {
    **dict.fromkeys([">=", "≥", ">", "at_least", "at least", "atleast", "min", "minimum", "minimo",
                     "almeno", "non meno di", "higher", "higher is better", "increase", "aumentare",
                     "aumento", "up", "al menos", "au moins", "mindestens", "pelo menos"], "at_least"),
    **dict.fromkeys(["<=", "≤", "<", "at_most", "at most", "atmost", "max", "maximum", "massimo",
                     "al massimo", "non oltre", "non più di", "lower", "lower is better", "decrease",
                     "ridurre", "riduzione", "diminuire", "down", "como máximo", "como maximo",
                     "au plus", "höchstens", "no máximo"], "at_most"),
}
_ALL_CHANNELS = ["all", "any", "tutti", "tutti_i_canali", "totale", "total", "todos", "tous", "alle"]


def _goal_number(name: str, dec: str) -> tuple[pl.Expr, pl.Expr]:
    """(value, error) for a target/baseline in the KPI's unit: rates as fractions ('3%', '3' and
    '0.03' are all 0.03), roi_pct in percent ('150%' and '150' are 150), others as written."""
    value, error = numbers.number(name, dec, label=name)
    has_pct = numbers.text(name).str.contains("%").fill_null(False)
    kpi = pl.col("kpi")
    value = (pl.when(kpi.is_in(sorted(RATE_KPIS)) & (value.abs() > 1)).then(value / 100.0)
             .when((kpi == "roi_pct") & has_pct).then(value * 100.0)
             .otherwise(value))
    return value.alias(name), error


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    m = business.map_columns(raw, ctx, FIELDS, ITALIAN)
    for needed in ("kpi", "target_value"):
        if needed not in m.found:
            raise ValueError(f"{raw.path.name}: no {needed} column (looked for "
                             f"{', '.join(repr(a) for a in FIELDS[needed][:4])} …) — map it under "
                             f"columns.{needed} in roi.toml")
    df = m.frame
    dec = business.decimal_mark(raw, ctx, df, ["target_value", "baseline_value"], m.italian)
    order = business.date_order(ctx, df, ["start_date", "deadline"])

    given_kpi = numbers.text("kpi")
    kpi = channels.label_key(given_kpi).replace_strict(KPI_ALIASES, default=None, return_dtype=pl.Utf8)
    chan_key = channels.label_key(pl.col("channel"))
    all_channels = chan_key.is_in(_ALL_CHANNELS).fill_null(False) | (numbers.text("channel") == "*")
    chan, chan_err = channels.channel_from_column("channel", ctx.channels,
                                                  ctx.options.get("channel_aliases"))
    df = df.with_columns(
        kpi.alias("kpi"),
        pl.when(given_kpi.is_not_null() & kpi.is_null())
        .then(pl.concat_str([pl.lit("kpi: '"), given_kpi,
                             pl.lit(f"' is not a known KPI ({', '.join(GOAL_KPIS)})")]))
        .alias(err("kpi")),
        pl.when(all_channels).then(None).otherwise(chan).alias("channel"),
        pl.when(all_channels).then(None).otherwise(chan_err).alias(err("channel")),
        numbers.text("goal_id"), numbers.text("name"), numbers.text("owner"),
        *[e for d in ("start_date", "deadline") for e in parsed(*dates.date(d, order, label=d), d)],
    )
    direction_text = numbers.text("direction")
    direction = (direction_text.str.to_lowercase().str.replace_all(r"[\s_]+", " ")
                 .replace_strict(DIRECTION_ALIASES, default=None, return_dtype=pl.Utf8))
    default_direction = (pl.when(pl.col("kpi").is_in(sorted(COST_KPIS))).then(pl.lit("at_most"))
                         .otherwise(pl.lit("at_least")))
    df = df.with_columns(
        *parsed(*_goal_number("target_value", dec), "target_value"),
        *parsed(*_goal_number("baseline_value", dec), "baseline_value"),
        pl.when(direction_text.is_null()).then(default_direction).otherwise(direction)
        .alias("direction"),
        pl.when(direction_text.is_not_null() & direction.is_null())
        .then(pl.concat_str([pl.lit("direction: '"), direction_text,
                             pl.lit("' is not at_least / at_most (>=, <=, almeno, al massimo …)")]))
        .alias(err("direction")),
        pl.coalesce("name", "goal_id", pl.col("kpi")).alias("name"),
    )
    df = df.with_columns(
        pl.coalesce("goal_id", stable_id("name", "kpi", "channel", prefix="goal_")).alias("goal_id"))
    df = business.required(df, ["kpi", "target_value", "start_date", "deadline"])
    return Normalised(business.finish(df, TABLE, ctx))
