"""A keyword or search-term export's ad-group rows count for the channel only where no campaign, ad
group or ad report covers the same account and day: those reports hold all of the account's spend
(keyword reports leave out Performance Max, search-term reports the rare terms), and both together
would count it twice."""
from __future__ import annotations

import duckdb
import polars as pl

from roi.warehouse.load import DETAIL_TABLES

# The account id roi derives for an export that names no account (from the source's name): two such
# exports of one account get two ids, so they are compared by the platform's campaign names instead.
DERIVED_ACCOUNT = "acc_[0-9a-f]{16}"


def is_detail(extras: dict) -> bool:
    """Whether an export's ad-group rows are sums of its keyword or search-term rows."""
    return any(table in DETAIL_TABLES for table in extras)


def same_account(a: str, b: str) -> str:
    """SQL: rows `a` and `b` of ad tables are of one account — the same id, or, where either id was
    derived from a source's name, the same campaign name of the platform."""
    return (f"CASE WHEN regexp_full_match({a}.account_id, '{DERIVED_ACCOUNT}') "
            f"OR regexp_full_match({b}.account_id, '{DERIVED_ACCOUNT}') "
            f"THEN {a}.campaign_name = {b}.campaign_name ELSE {a}.account_id = {b}.account_id END")


def covered(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> pl.Series:
    """The `_row`s of a detail export's ad-group rows whose account and day a campaign, ad group or
    ad report (any source's load that filled no keyword or search-term rows) already holds."""
    if rows.is_empty():
        return pl.Series("_row", [], pl.Int64)
    detail_loads = " UNION ".join(f"SELECT load_id FROM core.{t}" for t in DETAIL_TABLES)
    con.register("_roi_detail", rows.select("_row", "platform", "account_id", "campaign_name", "date_start",
                                            "date_end").to_arrow())
    try:
        found = con.execute(
            f"""SELECT DISTINCT d._row FROM _roi_detail d JOIN core.ad_performance a
                  ON a.platform = d.platform AND a.date_start <= d.date_end AND a.date_end >= d.date_start
                 AND {same_account("a", "d")}
                WHERE a.load_id NOT IN ({detail_loads})""").fetchall()
    finally:
        con.unregister("_roi_detail")
    return pl.Series("_row", [r[0] for r in found], pl.Int64)
