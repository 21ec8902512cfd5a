"""Google Analytics 4 report and exploration CSVs, and Data API runReport rows -> canonical web_sessions rows."""
from __future__ import annotations

import re

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms import channels
from roi.transforms.ad_exports import export_decimal
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order
from roi.transforms.headers import Aliases, configured, find_field, language
from roi.transforms.numbers import error_list, number, row_currency, text

TABLE = "web_sessions"
# property_id: the property's name in the table when a file's "# Property:" line should not be it (files).
OPTIONS = ("property_id",)

# English names are GA4's (Reports > Share > Download file > CSV; Explore > Export > CSV); the Italian ones
# are the Italian UI's, the other languages best effort. A dimension may come as one "Session source /
# medium" column ("google / cpc") or as two.
ALIASES: Aliases = {
    "date": {"en": ["Date"], "it": ["Data"], "pt": ["Data"], "es": ["Fecha"], "fr": ["Date"], "de": ["Datum"]},
    "channel_group": {
        "en": ["Session default channel group", "Session primary channel group (Default Channel Group)",
               "Session default channel grouping", "Default channel group"],
        "it": ["Gruppo di canali predefinito della sessione",
               "Gruppo di canali principale della sessione (Gruppo di canali predefinito)",
               "Gruppo di canali predefinito"],
        "pt": ["Grupo de canais padrão da sessão"], "es": ["Grupo de canales predeterminado de la sesión"],
        "fr": ["Groupe de canaux par défaut de la session"], "de": ["Standard-Channelgruppe der Sitzung"]},
    "source_medium": {
        "en": ["Session source / medium", "Session source/medium", "Source / medium"],
        "it": ["Sorgente/mezzo della sessione", "Sorgente / mezzo della sessione", "Sessione - sorgente/mezzo",
               "Sorgente/mezzo"],
        "pt": ["Origem/mídia da sessão"], "es": ["Fuente/medio de la sesión"],
        "fr": ["Source/support de la session"],
        "de": ["Quelle/Medium der Sitzung"]},
    "source": {"en": ["Session source", "Source"], "it": ["Sorgente della sessione", "Sorgente"],
               "pt": ["Origem da sessão"], "es": ["Fuente de la sesión"], "fr": ["Source de la session"],
               "de": ["Quelle der Sitzung"]},
    "medium": {"en": ["Session medium", "Medium"], "it": ["Mezzo della sessione", "Mezzo"],
               "pt": ["Mídia da sessão"], "es": ["Medio de la sesión"], "fr": ["Support de la session"],
               "de": ["Medium der Sitzung"]},
    "campaign": {"en": ["Session campaign", "Session campaign name", "Campaign"],
                 "it": ["Campagna della sessione", "Nome della campagna della sessione", "Campagna"],
                 "pt": ["Campanha da sessão"], "es": ["Campaña de la sesión"], "fr": ["Campagne de la session"],
                 "de": ["Kampagne der Sitzung"]},
    "sessions": {"en": ["Sessions"], "it": ["Sessioni"], "pt": ["Sessões"], "es": ["Sesiones"], "fr": ["Sessions"],
                 "de": ["Sitzungen"]},
    "engaged_sessions": {"en": ["Engaged sessions"], "it": ["Sessioni con engagement"],
                         "pt": ["Sessões engajadas"], "es": ["Sesiones con interacción"],
                         "fr": ["Sessions avec engagement"], "de": ["Sitzungen mit Interaktion"]},
    "new_users": {"en": ["New users"], "it": ["Nuovi utenti"], "pt": ["Novos usuários"], "es": ["Usuarios nuevos"],
                  "fr": ["Nouveaux utilisateurs"], "de": ["Neue Nutzer"]},
    "key_events": {"en": ["Key events", "Conversions"], "it": ["Eventi chiave", "Conversioni"],
                   "pt": ["Eventos principais", "Conversões"], "es": ["Eventos clave", "Conversiones"],
                   "fr": ["Événements clés", "Conversions"], "de": ["Schlüsselereignisse", "Conversions"]},
    "revenue": {"en": ["Total revenue", "Purchase revenue"],
                "it": ["Entrate totali", "Entrate generate dagli acquisti"],
                "pt": ["Receita total"], "es": ["Ingresos totales"], "fr": ["Revenu total", "Revenus totaux"],
                "de": ["Gesamtumsatz"]},
}
DIMENSIONS = ("date", "channel_group", "source_medium", "source", "medium", "campaign")
METRICS = [("sessions", True), ("engaged_sessions", True), ("new_users", True), ("key_events", False),
           ("revenue", False)]
# The totals row's label as GA4 writes it in a report (first cell) or an exploration (a cell past the header's
# last column, dimension cells empty), in the UI languages.
GRAND_TOTAL = re.compile(r"(?i)^\s*(grand total|totale complessivo|totals?|totali|totale|total general|"
                         r"total geral|total général|gesamtsumme)\s*:?\s*$")
# The first column of a chart's series that a report download may put above its table ("Nth day,Users").
CHART_SERIES = re.compile(r"(?i)^\s*(nth (day|week|month|hour|minute)|giorno n|settimana n|mese n|ora n)")
_PROPERTY_LINE = re.compile(r"(?i)^#?\s*(property|proprietà|propiedad|propriedade|propriété)\s*:\s*(.+)$")

# API mode: the dimensions and metrics roi.sources.ga4.fetch asks for, as the Data API names them.
API_DIMENSIONS = {"date": "date", "channel_group": "sessionDefaultChannelGroup", "source": "sessionSource",
                  "medium": "sessionMedium", "campaign": "sessionCampaignName"}
API_METRICS = {"sessions": "sessions", "engaged_sessions": "engagedSessions", "new_users": "newUsers"}
DEFAULT_KEY_EVENTS = "keyEvents"
DEFAULT_REVENUE = "purchaseRevenue"


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical web_sessions rows of one GA4 report or exploration CSV: its table by day (pure, no I/O)."""
    header = raw.header
    col = {field: find_field(header, ALIASES, field) for field in ALIASES}
    col.update(configured(header, ctx.columns, {"utm_source": "source", "utm_medium": "medium",
                                                 "utm_campaign": "campaign"}))
    name = raw.path.name
    shown = ", ".join(h.strip() for h in header[:8]) + (" …" if len(header) > 8 else "")
    if not col["sessions"]:
        raise ValueError(f"{name}: no Sessions column among {shown or 'its columns'} — export a GA4 table with "
                         "Date, Session source / medium and Sessions (Explore > Free form > Export CSV), whose "
                         "first table is that one and not a chart's series")
    if not col["date"] and header and CHART_SERIES.match(header[0]):
        raise ValueError(f"{name}: its first table is a chart's series ({shown}), which takes the header of the table "
                         "below it — download the table by itself (Explore > Free form with the Date dimension > "
                         "Export CSV) or delete the lines above its header")
    if not col["date"]:
        raise ValueError(f"{name}: no Date column — web sessions are loaded by day: add the Date dimension to the "
                         "GA4 report or exploration (a secondary dimension in a report) and download it again")
    rows, warnings = _table_rows(raw, col)
    lang = language(header, ALIASES)
    metric_cols = [col[m] for m, _ in METRICS if col[m]]
    decimal = export_decimal(raw, ctx, metric_cols, lang)
    order = ctx.options.get("date_order") or infer_date_order(rows.get_column(col["date"]), "dmy")
    day, day_error = date(col["date"], order, label="date")
    errors = [day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("date: missing date"))]
    values: dict[str, pl.Expr] = {}
    for metric, integer in METRICS:
        if col[metric]:
            value, error = number(col[metric], decimal, label=metric, integer=integer)
            errors.append(error)
        else:
            value = pl.lit(None, dtype=pl.Int64 if integer else pl.Float64)
        values[metric] = value
    currency, currency_error = row_currency({"revenue": col["revenue"]} if col["revenue"] else {}, None,
                                            configured=ctx.currency, fallback=ctx.default_currency)
    errors.append(currency_error)
    source, medium = _source_medium(col)
    frame = rows.with_columns(
        day.alias("date"), _cell(col["channel_group"]).alias("channel_group"), source.alias("utm_source"),
        medium.alias("utm_medium"), _cell(col["campaign"]).alias("utm_campaign"), currency.alias("currency"),
        *[v.alias(m) for m, v in values.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)])
    by_utm = bool(col["source_medium"] or col["source"] or col["medium"])
    frame = frame.with_columns(_channel(ctx, by_utm), pl.lit(_property(raw, ctx)).alias("property_id"))
    return Normalised(frame=_finish(frame, ctx, len(errors)), warnings=warnings)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of runReport rows as roi.sources.ga4.fetch returns them: one record per row, the Data API's
    dimension and metric names as columns, beside property_id, currency_code and time_zone (pure)."""
    errors: list[pl.Expr] = []

    def cell(column: str) -> pl.Expr:
        """As sent, GA4's "(not set)" kept as in files."""
        return pl.col(column).str.strip_chars() if column in records.columns else pl.lit(None, dtype=pl.Utf8)

    def read(column: str, label: str, integer: bool) -> pl.Expr:
        if column not in records.columns:
            return pl.lit(None, dtype=pl.Int64 if integer else pl.Float64)
        value, error = number(column, ".", label=label, integer=integer)
        errors.append(error)
        return value

    key_events = str(ctx.options.get("key_event_metric") or DEFAULT_KEY_EVENTS)
    revenue = str(ctx.options.get("revenue_metric") or DEFAULT_REVENUE)
    if "date" in records.columns:
        day, day_error = date("date", "ymd", label="date")
    else:
        day, day_error = pl.lit(None, dtype=pl.Date), pl.lit("date: missing")
    errors += [day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("date: missing date"))]
    values = {metric: read(column, metric, True) for metric, column in API_METRICS.items()}
    values["key_events"] = read(key_events, "key_events", False)
    values["revenue"] = read(revenue, "revenue", False)
    frame = records.with_columns(
        day.alias("_date"), cell("property_id").alias("_property"),
        *[cell(column).fill_null("").alias(f"_{field}") for field, column in API_DIMENSIONS.items() if field != "date"],
        pl.coalesce(text("currency_code").str.to_uppercase() if "currency_code" in records.columns else None,
                    pl.lit(ctx.default_currency)).alias("currency"),
        *[v.alias(f"_{m}") for m, v in values.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)])
    frame = frame.select(
        "_row", "currency", *[f"_e{i}" for i in range(len(errors))],
        pl.col("_date").alias("date"), pl.col("_property").alias("property_id"),
        pl.col("_channel_group").alias("channel_group"), pl.col("_source").alias("utm_source"),
        pl.col("_medium").alias("utm_medium"), pl.col("_campaign").alias("utm_campaign"),
        *[pl.col(f"_{m}").alias(m) for m in values])
    return Normalised(frame=_finish(frame.with_columns(_channel(ctx, True)), ctx, len(errors)),
                      warnings=_time_zone_warnings(records, ctx))


# ---------------------------------------------------------------- files

def _table_rows(raw: RawTable, col: dict[str, str | None]) -> tuple[pl.DataFrame, list[str]]:
    """The rows of the file's first table: up to the next section (a '#' line, a blank line, another table's
    header) that GA4 writes below it, without the totals row."""
    rows = raw.rows
    first = raw.header[0]
    totals_at = set(raw.totals["_row"].to_list()) if "_row" in raw.totals.columns else set()
    # where a line was skipped (a blank line, a '#' line the reader set apart) or a '#' line starts a row
    breaks = rows.select(pl.arg_where((pl.col("_row").diff() > 1)
                                      | pl.col(first).fill_null("").str.strip_chars().str.starts_with("#"))
                         ).to_series().to_list()
    end = rows.height
    for i in breaks:
        at, comment = rows["_row"][i], (rows[first][i] or "").strip().startswith("#")
        skipped = i > 0 and any(n not in totals_at for n in range(rows["_row"][i - 1] + 1, at))
        if comment or skipped:   # what follows is another section
            end = i
            break
    table = rows.head(end)
    dims = [col[d] for d in DIMENSIONS if col[d]]
    empty = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in dims])
    labelled = pl.col(first).fill_null("").str.contains(GRAND_TOTAL.pattern)
    warnings = [f"{rows.height - end} rows of the tables below the first were left out"] if end < rows.height else []
    return table.filter(~(empty | labelled)), warnings


def _cell(column: str | None) -> pl.Expr:
    """A dimension cell as written (GA4's "(not set)", "(direct)" kept), '' when the export has no such column."""
    return pl.col(column).fill_null("").str.strip_chars() if column else pl.lit("")


def _source_medium(col: dict[str, str | None]) -> tuple[pl.Expr, pl.Expr]:
    """Source and medium from their own columns, else from "Session source / medium" ("google / cpc",
    "(direct) / (none)"; a cell without " / ", such as "(not set)", is the source alone)."""
    if col["source"] or col["medium"] or not col["source_medium"]:
        return _cell(col["source"]), _cell(col["medium"])
    both = _cell(col["source_medium"])
    split = both.str.extract_groups(r"^(?P<s>.*?)\s*/\s*(?P<m>[^/]*)$")
    has_slash = both.str.contains(r"\s/\s|/")
    source = pl.when(has_slash).then(split.struct.field("s").str.strip_chars()).otherwise(both)
    medium = pl.when(has_slash).then(split.struct.field("m").str.strip_chars()).otherwise(pl.lit(""))
    return source.fill_null(""), medium.fill_null("")


def _property(raw: RawTable, ctx: SourceContext) -> str:
    """The source's property_id option, else the file's "# Property: …" line, else the source's name."""
    if ctx.options.get("property_id"):
        return str(ctx.options["property_id"])
    for line in raw.preamble:
        m = _PROPERTY_LINE.match(line.strip())
        if m and m.group(2).strip():
            return m.group(2).strip()
    return ctx.source


# ---------------------------------------------------------------- both

def _channel(ctx: SourceContext, by_utm: bool) -> pl.Expr:
    """roi's channel: the session's source / medium through the channel rules; without them (a table by
    channel group only), GA4's channel group read as a channel label, 'other' when it names none."""
    known = channels.known(ctx.channels)
    if by_utm:
        return channels.channel_expr("utm_source", "utm_medium", tuple(ctx.channel_rules), known)
    labels = channels.label_map(known, ctx.options.get("channel_aliases"))
    return (channels.label_key(pl.col("channel_group"))
            .replace_strict(labels, default="other", return_dtype=pl.Utf8).alias("channel"))


def _finish(frame: pl.DataFrame, ctx: SourceContext, n_errors: int) -> pl.DataFrame:
    """The canonical columns in order, `_row` and `_errors`."""
    frame = frame.with_columns(pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
                               error_list([pl.col(f"_e{i}") for i in range(n_errors)]))
    model = schemas.MODELS[TABLE].to_schema().columns
    return frame.select(*[pl.col(c).cast(model[c].dtype.type) if c in frame.columns
                          else pl.lit(None, dtype=model[c].dtype.type).alias(c) for c in schemas.columns(TABLE)],
                        pl.col("_row").cast(pl.Int64), "_errors")


def _time_zone_warnings(records: pl.DataFrame, ctx: SourceContext) -> list[str]:
    """A property whose days are not the reporting time zone's: said once, its days kept as GA4 counts them."""
    if "time_zone" not in records.columns or "property_id" not in records.columns:
        return []
    zones = records.select("property_id", "time_zone").unique().drop_nulls().sort("property_id").rows()
    return [f"property {p} counts its days in {zone}, not in {ctx.timezone}: its days are loaded as GA4 counts them"
            for p, zone in zones if zone != ctx.timezone]
