"""Google Search Console: the Performance report's Dates export and Search Analytics API rows -> core.organic_search."""
from __future__ import annotations

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms.ad_exports import export_decimal
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import date, infer_date_order
from roi.transforms.headers import Aliases, configured, find_field, language
from roi.transforms.numbers import error_list, number

TABLE = "organic_search"
# site_url: the property a files source's exports belong to (Search Console writes it nowhere in them).
OPTIONS = ("site_url",)

# The Performance report's export (Export → Download CSV: a zip of Queries.csv, Pages.csv, Countries.csv,
# Devices.csv, Search appearance.csv, Dates.csv, Filters.csv; the Sheets / Excel export has the same tabs).
# English and Italian as Search Console writes them; the other languages are best effort.
ALIASES: Aliases = {
    "date": {"en": ["Date"], "it": ["Data"], "pt": ["Data"], "es": ["Fecha"], "fr": ["Date"], "de": ["Datum"]},
    "clicks": {"en": ["Clicks"], "it": ["Clic"], "pt": ["Cliques"], "es": ["Clics"], "fr": ["Clics"],
               "de": ["Klicks"]},
    "impressions": {"en": ["Impressions"], "it": ["Impressioni"], "pt": ["Impressões"], "es": ["Impresiones"],
                    "fr": ["Impressions"], "de": ["Impressionen"]},
    "ctr": {"en": ["CTR"]},
    "position": {"en": ["Position"], "it": ["Posizione"], "pt": ["Posição"], "es": ["Posición"],
                 "fr": ["Position"], "de": ["Position"]},
}
TOTALS = "date"                   # the API rows of a date-only query: the day's totals
DETAIL = "date,query,page"        # the API rows of a date, query and page query


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """The day total rows (query = page = '') of a Performance report's Dates export, CSV or XLSX (pure, no I/O)."""
    header = raw.header
    col = {field: find_field(header, ALIASES, field) for field in ALIASES}
    col.update(configured(header, ctx.columns))
    if not (col["clicks"] and col["impressions"]):
        raise ValueError(f"{raw.path.name}: no Clicks and Impressions columns (Clic, Impressioni) — is it a "
                         "Search Console Performance export?")
    if not col["date"]:
        raise ValueError(f"{raw.path.name}: its rows ('{header[0]}') are totals over the whole period, which "
                         "cannot be placed on days — load the Dates.csv of the same export (Performance → Export "
                         "→ Download CSV), or set mode = \"api\" for queries and pages day by day")
    site = str(ctx.options.get("site_url") or "").strip()
    if not site:
        raise ValueError(f"{raw.path.name}: a Search Console export does not name its property — set site_url = "
                         "\"https://www.example.it/\" (or \"sc-domain:example.it\") in its [[sources]] entry in "
                         "roi.toml (roi ingest … --source <that name>)")
    lang = language(header, ALIASES)
    decimal = export_decimal(raw, ctx, [c for c in (col["ctr"], col["position"]) if c], lang)
    order = ctx.options.get("date_order") or infer_date_order(raw.rows.get_column(col["date"]),
                                                              "mdy" if lang == "en" else "dmy")
    day, day_error = date(col["date"], order, label="date")
    clicks, clicks_error = number(col["clicks"], decimal, label="clicks", integer=True)
    impressions, impressions_error = number(col["impressions"], decimal, label="impressions", integer=True)
    position, position_error = number(col["position"], decimal, label="position") if col["position"] \
        else (pl.lit(None, dtype=pl.Float64), None)
    errors = [day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("date: missing date")),
              clicks_error, impressions_error, position_error]
    frame = raw.rows.with_columns(
        pl.lit(site).alias("_site"), day.alias("_date"), pl.lit("").alias("_query"), pl.lit("").alias("_page"),
        clicks.alias("_clicks"), impressions.alias("_impressions"), position.alias("_position"),
        error_list([e for e in errors if e is not None]))
    return Normalised(frame=_finish(frame, ctx))


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of the rows roi.sources.search_console.fetch returns (pure): a date-only row is the day's
    total (query = page = ''), a date, query and page row a detail row; position_sum = position × impressions."""
    cells = {c: (pl.col(c) if c in records.columns else pl.lit(None, dtype=pl.Utf8)) for c in
             ("site_url", "dimensions", "date", "query", "page")}
    records = records.with_columns(*[pl.lit(None, dtype=pl.Utf8).alias(c) for c in
                                     ("date", "clicks", "impressions", "position") if c not in records.columns])
    day, day_error = date("date", "ymd", label="date")
    clicks, clicks_error = number("clicks", ".", label="clicks", integer=True)
    impressions, impressions_error = number("impressions", ".", label="impressions", integer=True)
    position, position_error = number("position", ".", label="position")
    dimensions = cells["dimensions"]
    total = dimensions == TOTALS
    errors = [
        day_error, pl.when(day.is_null() & day_error.is_null()).then(pl.lit("date: missing date")),
        clicks_error, impressions_error, position_error,
        pl.when(~dimensions.is_in([TOTALS, DETAIL]).fill_null(False))
        .then(pl.format("dimensions: '{}' is neither a day total nor a query and page row",
                        dimensions.fill_null(""))),
        pl.when((dimensions == DETAIL) & cells["query"].is_null()).then(pl.lit("query: missing")),
        pl.when((dimensions == DETAIL) & cells["page"].is_null()).then(pl.lit("page: missing")),
    ]
    frame = records.with_columns(
        cells["site_url"].alias("_site"), day.alias("_date"),
        pl.when(total).then(pl.lit("")).otherwise(cells["query"]).alias("_query"),
        pl.when(total).then(pl.lit("")).otherwise(cells["page"]).alias("_page"),
        clicks.alias("_clicks"), impressions.alias("_impressions"), position.alias("_position"),
        error_list(errors))
    return Normalised(frame=_finish(frame, ctx))


def _finish(frame: pl.DataFrame, ctx: SourceContext) -> pl.DataFrame:
    """organic_search columns in canonical order, `_row` and `_errors`, from the private `_…` columns."""
    return frame.select(
        pl.lit(ctx.source).alias("source"), pl.col("_site").alias("site_url"), pl.col("_date").alias("date"),
        pl.col("_query").alias("query"), pl.col("_page").alias("page"),
        pl.col("_clicks").alias("clicks"), pl.col("_impressions").alias("impressions"),
        (pl.col("_position") * pl.col("_impressions")).alias("position_sum"),
        pl.col("_row").cast(pl.Int64), "_errors",
    ).select(*schemas.columns(TABLE), "_row", "_errors")
