"""Canonical keyword rows: one per source, period, account, campaign, ad group, keyword and match type."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.checks import count, currency, money

# A keyword's match type, lower case; '' where the export does not say.
MATCH_TYPES = ["exact", "phrase", "broad", ""]


class KeywordChecks(pa.DataFrameModel):
    """The row checks of ad_performance, shared by the keyword and search-term tables."""

    @pa.dataframe_check(name="date_start is after date_end")
    def period_in_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_start") <= pl.col("date_end"))

    @pa.dataframe_check(name="clicks exceed impressions")
    def clicks_within_impressions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("clicks").is_null() | pl.col("impressions").is_null()
            | (pl.col("impressions") == 0) | (pl.col("clicks") <= pl.col("impressions"))
        )


class KeywordPerformance(KeywordChecks):
    source: str
    platform: str
    date_start: dt.date
    date_end: dt.date
    account_id: str
    campaign_id: str
    campaign_name: Optional[str] = pa.Field(nullable=True)
    ad_group_id: str
    ad_group_name: Optional[str] = pa.Field(nullable=True)
    keyword: str = pa.Field(str_length={"min_value": 1})
    match_type: str = pa.Field(isin=MATCH_TYPES)
    currency: str = currency()
    impressions: Optional[int] = count()
    clicks: Optional[int] = count()
    spend: Optional[float] = money()
    conversions: Optional[float] = count()
    conversion_value: Optional[float] = money()
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "keyword",
                  "match_type"]
