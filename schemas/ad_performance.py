"""Canonical ad performance rows: one per source, period and account/campaign/ad group/ad."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.checks import count, currency, money


class AdPerformance(pa.DataFrameModel):
    source: str
    platform: str
    date_start: dt.date
    date_end: dt.date
    account_id: str
    account_name: Optional[str] = pa.Field(nullable=True)
    campaign_id: str
    campaign_name: Optional[str] = pa.Field(nullable=True)
    ad_group_id: str
    ad_group_name: Optional[str] = pa.Field(nullable=True)
    ad_id: str
    ad_name: Optional[str] = pa.Field(nullable=True)
    currency: str = currency()
    impressions: Optional[int] = count()
    clicks: Optional[int] = count()
    spend: Optional[float] = money()
    conversions: Optional[float] = count()
    conversion_value: Optional[float] = money()
    reach: Optional[int] = count()
    video_views: Optional[int] = count()
    engagements: Optional[int] = count()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="date_start is after date_end")
    def period_in_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_start") <= pl.col("date_end"))

    @pa.dataframe_check(name="clicks exceed impressions")
    def clicks_within_impressions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("clicks").is_null() | pl.col("impressions").is_null()
            | (pl.col("impressions") == 0) | (pl.col("clicks") <= pl.col("impressions"))
        )

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "ad_id"]
