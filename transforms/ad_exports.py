"""Mapping an ad platform's export columns (ids, names, currency, metrics) onto ad_performance columns."""
from __future__ import annotations

import polars as pl

from transforms.headers import configured, find_field, find_with_currency, names
from transforms.numbers import currency_code, number, text


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


def map_export_columns(frame: pl.DataFrame, col: dict[str, str | None], metrics, decimal: str,
                       default_currency: str, errors: list[pl.Expr]) -> tuple[pl.DataFrame, set[str]]:
    """Names, private ids (`_account_id` …), currency and metrics read from the found headers `col`;
    every unreadable cell adds its reason to `errors`. Returns the frame and the levels present."""
    if col["currency"]:
        currency, currency_error = currency_code(col["currency"], default_currency)
        errors.append(currency_error)
    else:
        currency = pl.lit(default_currency)
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
