"""Mapping an ad platform's export columns (ids, names, currency, metrics) onto ad_performance columns."""
from __future__ import annotations

from collections.abc import Collection

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms.context import SourceContext
from roi.transforms.dates import date, infer_date_order
from roi.transforms.headers import configured, decimal_hint, find_field, find_with_currency, names
from roi.transforms.ids import derive_ids
from roi.transforms.numbers import error_list, infer_decimal, number, row_currency, text
from roi.transforms.totals import label_of


def find_export_columns(header: list[str], aliases: dict, canonical, user_columns: dict[str, str]
                        ) -> tuple[dict[str, str | None], str | None]:
    """The header of each field (the user's roi.toml mapping wins), and a currency named in a money
    header: its ISO code ("Spend (EUR)", "Cost (US$)" -> "USD"), or an ambiguous mark as written
    ("Cost ($)" -> "$", which export_currency resolves)."""
    col = {field: find_field(header, aliases, field) for field in aliases}
    col.update(configured(header, user_columns, canonical))
    header_currency = None
    for field in ("spend", "conversion_value"):
        found = find_with_currency(header, names(aliases, field), ambiguous=True)
        if found:
            col[field] = col[field] or found[0]
            header_currency = header_currency or found[1]
    return col, header_currency


def export_currency(col: dict[str, str | None], ctx: SourceContext, *, header: str | None = None,
                    money: dict[str, str] | None = None) -> tuple[pl.Expr, pl.Expr | None]:
    """The rows' currency and its reason expression, the one rule of every ad export (numbers.row_currency):
    the export's currency column, else a currency mark in the row's money cells ("US$50.00", "50,00 €")
    or in a money header (`header`, from find_export_columns), else the source's `currency`, else
    the reporting currency. An ambiguous "$" or "kr" with neither a currency column nor the source's
    currency, or a mark that contradicts the column, is a reason, never a guess. `money`: label ->
    column of the money cells (default: col's spend and conversion_value)."""
    if money is None:
        money = {field: col[field] for field in ("spend", "conversion_value") if col.get(field)}
    return row_currency(money, col.get("currency"), header=header, configured=ctx.currency,
                        fallback=ctx.default_currency)


def map_export_columns(frame: pl.DataFrame, col: dict[str, str | None], metrics, decimal: str,
                       errors: list[pl.Expr], ctx: SourceContext, *, header: str | None = None
                       ) -> tuple[pl.DataFrame, set[str]]:
    """Names, private ids (`_account_id` …), currency (export_currency, with the money header's
    currency mark `header`) and metrics read from the found headers `col`; every unreadable cell adds
    its reason to `errors`. Returns the frame and the levels present."""
    currency, currency_error = export_currency(col, ctx, header=header)
    errors.append(currency_error)
    values = {}
    for metric, integer in metrics:
        if col[metric]:
            value, error = number(col[metric], decimal, label=metric, integer=integer)
            values[metric] = value
            errors.append(error)
        else:
            values[metric] = pl.lit(None, dtype=pl.Int64 if integer else pl.Float64)

    def name(field: str) -> pl.Expr:
        return text(col[field]) if col[field] else pl.lit(None, dtype=pl.Utf8)

    frame = frame.with_columns(
        name("account").alias("account_name"), name("account_id").alias("_account_id"),
        name("campaign").alias("campaign_name"), name("campaign_id").alias("_campaign_id"),
        name("ad_group").alias("ad_group_name"), name("ad_group_id").alias("_ad_group_id"),
        name("ad").alias("ad_name"), name("ad_id").alias("_ad_id"),
        currency.alias("currency"), *[v.alias(m) for m, v in values.items()],
    )
    levels = {level for level in ("campaign", "ad_group", "ad") if col[level] or col[f"{level}_id"]}
    return frame, levels


def period_dates(frame: pl.DataFrame, period: tuple | None, errors: list[pl.Expr], missing: str) -> pl.DataFrame:
    """date_start and date_end of rows without a date column: the report's own period (from its header
    lines), else null dates and the reason `missing` added to `errors` (never a guessed date)."""
    if period:
        return frame.with_columns(pl.lit(period[0]).alias("date_start"), pl.lit(period[1]).alias("date_end"))
    errors.append(pl.lit(missing))
    return frame.with_columns(pl.lit(None, dtype=pl.Date).alias("date_start"),
                              pl.lit(None, dtype=pl.Date).alias("date_end"))


def export_decimal(raw: RawTable, ctx: SourceContext, metric_cols: list[str], lang: str | None) -> str:
    """The export's decimal mark: the source's `decimal` option, '.' for typed (XLSX) cells, else what the
    metric cells of the rows and the totals row say (the UI language breaking a tie)."""
    return ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(
        pl.concat([raw.totals, raw.rows], how="diagonal_relaxed"), metric_cols, hint=decimal_hint(lang)))


def dated_rows(frame: pl.DataFrame, col: dict[str, str | None], ctx: SourceContext, lang: str | None,
               period: tuple | None, errors: list[pl.Expr], missing: str) -> pl.DataFrame:
    """date_start = date_end = the Day column's date (its order from the `date_order` option, else the
    cells, month-first for an English export), or without a Day column the report's period
    (period_dates: else null dates and the reason `missing`)."""
    if not col["day"]:
        return period_dates(frame, period, errors, missing)
    order = ctx.options.get("date_order") or infer_date_order(frame.get_column(col["day"]),
                                                              "mdy" if lang == "en" else "dmy")
    day, error = date(col["day"], order, label="date")
    errors += [error, pl.when(day.is_null() & error.is_null()).then(pl.lit("date: missing date"))]
    return frame.with_columns(day.alias("date_start"), day.alias("date_end"))


def totals_row(raw: RawTable, col: dict[str, str | None], decimal: str, **whole
               ) -> tuple[dict[str, float] | None, str | None]:
    """The export's first totals row as {metric: value} and its label, for the load's reconciliation;
    (None, None) without one."""
    if not raw.totals.height:
        return None, None
    first = raw.totals.head(1)
    totals = metric_totals(first, col, decimal, **whole)
    return (totals, label_of(first, raw.header)[0] if raw.header else None) if totals else (None, None)


# The metrics read from an export's totals row: those roi.transforms.totals reconciles the rows with.
TOTALS_METRICS = ("impressions", "clicks", "spend", "conversions", "conversion_value")


def metric_totals(totals: pl.DataFrame, col: dict[str, str | None], decimal: str, *,
                  whole: Collection[str] = ()) -> dict[str, float]:
    """TOTALS_METRICS of a one-row totals frame, read as the rows' cells are: `col` holds each metric's
    header, `whole` the metrics read as whole numbers. A metric the export lacks, or whose total cell
    is empty or unreadable, is left out (nothing to reconcile it with)."""
    values: dict[str, float] = {}
    for metric in TOTALS_METRICS:
        if col.get(metric) and col[metric] in totals.columns:
            value, _ = number(col[metric], decimal, label=metric, integer=metric in whole)
            v = totals.select(value).item()
            if v is not None:
                values[metric] = float(v)
    return values


class ApiRecords:
    """Readers of an ad API's record columns, any of which a response may leave out (null then);
    each number read adds its error expression to `errors`."""

    def __init__(self, records: pl.DataFrame):
        self.columns = set(records.columns)
        self.errors: list[pl.Expr] = []

    def text(self, column: str) -> pl.Expr:
        return text(column) if column in self.columns else pl.lit(None, dtype=pl.Utf8)

    def number(self, column: str, label: str, integer: bool) -> pl.Expr:
        if column not in self.columns:
            return pl.lit(None, dtype=pl.Int64 if integer else pl.Float64)
        value, error = number(column, ".", label=label, integer=integer)
        self.errors.append(error)
        return value

    def with_values(self, records: pl.DataFrame, *values: pl.Expr) -> pl.DataFrame:
        """`records` with `values` added and the reasons of every number read so far kept in `_read<i>`
        columns, computed in the same step from the records' own cells: a value read into its own
        column's name (`impressions` into `impressions`) would otherwise replace the cell its reason
        reads. `errors` then points at those columns, for finish_ad_rows."""
        reasons = [e.cast(pl.Utf8).alias(f"_read{i}") for i, e in enumerate(e for e in self.errors if e is not None)]
        self.errors[:] = [pl.col(r.meta.output_name()) for r in reasons]
        return records.with_columns(*values, *reasons)


_ID_COLUMNS = ("_account_id", "_campaign_id", "_ad_group_id", "_ad_id")
_SCIENTIFIC = r"^\s*\d+(?:[.,]\d+)?[eE][+-]?\d+\s*$"   # 2,08154E+10: an id Excel turned into a rounded number


def _excel_mangled(column: str) -> pl.Expr:
    """The reason for an id cell in Excel's scientific notation: its digits are lost for good."""
    label = column.lstrip("_")
    return pl.when(pl.col(column).str.contains(_SCIENTIFIC)).then(pl.format(
        "{}: '{}' looks like Excel scientific notation — download the export again instead of saving it "
        "from Excel", pl.lit(label), pl.col(column)))


def finish_ad_rows(frame: pl.DataFrame, ctx: SourceContext, levels: set[str], errors: list[pl.Expr]) -> pl.DataFrame:
    """ad_performance rows of mapped export rows or API records: source and platform set, the
    counts the platform does not report null, ids derived where missing, `_errors` collected,
    columns in canonical order."""
    errors = [e for e in errors if e is not None] + [_excel_mangled(c) for c in _ID_COLUMNS if c in frame.columns]
    frame = frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        *[pl.lit(None, dtype=pl.Int64).alias(c) for c in ("reach", "video_views", "engagements")
          if c not in frame.columns],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)])
    frame, id_errors = derive_ids(frame, source=ctx.source, levels=levels)
    frame = frame.with_columns(error_list([pl.col(f"_e{i}") for i in range(len(errors))]
                                          + [pl.col(c) for c in id_errors]))
    return frame.select(*schemas.columns("ad_performance"), pl.col("_row").cast(pl.Int64), "_errors")
