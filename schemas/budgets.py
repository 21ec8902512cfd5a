"""Canonical monthly budgets per channel in the 70/20/10 buckets."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import CHANNEL_PATTERN, currency

BUCKETS = ["proven", "new", "experiment"]


class Budgets(pa.DataFrameModel):
    source: str
    month: dt.date
    channel: str = pa.Field(str_matches=CHANNEL_PATTERN)
    bucket: str = pa.Field(isin=BUCKETS)
    planned_amount: float = pa.Field(ge=0)
    currency: str = currency()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="month is not the first day of a month")
    def month_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("month").dt.day() == 1)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "month", "channel", "bucket"]
