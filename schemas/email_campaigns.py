"""Canonical email campaign results: one row per source and campaign."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import count, currency, money


class EmailCampaigns(pa.DataFrameModel):
    source: str
    platform: str
    campaign_id: str
    campaign_name: Optional[str] = pa.Field(nullable=True)
    subject: Optional[str] = pa.Field(nullable=True)
    list_name: Optional[str] = pa.Field(nullable=True)
    send_time: Optional[dt.datetime] = pa.Field(nullable=True)
    send_date: dt.date
    recipients: Optional[int] = count()
    delivered: Optional[int] = count()
    hard_bounces: Optional[int] = count()
    soft_bounces: Optional[int] = count()
    unique_opens: Optional[int] = count()
    total_opens: Optional[int] = count()
    unique_clicks: Optional[int] = count()
    total_clicks: Optional[int] = count()
    unsubscribes: Optional[int] = count()
    complaints: Optional[int] = count()
    orders: Optional[int] = count()
    revenue: Optional[float] = money()
    currency: str = currency()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="delivered exceeds recipients")
    def delivered_within_recipients(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("delivered").is_null() | pl.col("recipients").is_null()
            | (pl.col("delivered") <= pl.col("recipients"))
        )

    class Config:
        strict = True
        coerce = True
        unique = ["source", "campaign_id"]
