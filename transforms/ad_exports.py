"""Mapping an ad platform's export columns (ids, names, currency, metrics) onto ad_performance columns."""
from __future__ import annotations

import polars as pl

import schemas
from transforms.context import SourceContext
from transforms.headers import configured, find_field, find_with_currency, names
from transforms.ids import derive_ids
from transforms.numbers import currency_code, error_list, number, text


def find_export_columns(header: list[str], aliases: dict, canonical, user_columns: dict[str, str]
                        ) -> tuple[dict[str, str | None], str | None]:
    """The header of each field (the user's roi.toml mapping wins), and a currency named in a money
    header such as "Spend (EUR)"."""
    col = {field: find_field(header, aliases, field) for field in aliases}
    col.update(configured(header, user_columns, canonical))
    header_currency = None
    for field in ("spend", "conversion_value"):
        found = find_with_currency(header, names(aliases, field))
        if found:
            col[field] = col[field] or found[0]
            header_currency = header_currency or found[1]
    return col, header_currency


def export_currency(col: dict[str, str | None], default: str) -> tuple[pl.Expr, pl.Expr | None]:
    """The rows' currency: the code in the export's currency column (`default` where a cell is
    empty), else `default`; and the column's error expression (None without one)."""
    if not col["currency"]:
        return pl.lit(default), None
    return currency_code(col["currency"], default)


def map_export_columns(frame: pl.DataFrame, col: dict[str, str | None], metrics, decimal: str,
                       default_currency: str, errors: list[pl.Expr]) -> tuple[pl.DataFrame, set[str]]:
    """Names, private ids (`_account_id` …), currency and metrics read from the found headers `col`;
    every unreadable cell adds its reason to `errors`. Returns the frame and the levels present."""
    currency, currency_error = export_currency(col, default_currency)
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


def finish_ad_rows(frame: pl.DataFrame, ctx: SourceContext, levels: set[str], errors: list[pl.Expr]) -> pl.DataFrame:
    """ad_performance rows of mapped export rows or API records: source and platform set, the
    counts the platform does not report null, ids derived where missing, `_errors` collected,
    columns in canonical order."""
    errors = [e for e in errors if e is not None]
    frame = frame.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        *[pl.lit(None, dtype=pl.Int64).alias(c) for c in ("reach", "video_views", "engagements")
          if c not in frame.columns],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)])
    frame, id_errors = derive_ids(frame, source=ctx.source, levels=levels)
    frame = frame.with_columns(error_list([pl.col(f"_e{i}") for i in range(len(errors))]
                                          + [pl.col(c) for c in id_errors]))
    return frame.select(*schemas.columns("ad_performance"), pl.col("_row").cast(pl.Int64), "_errors")
