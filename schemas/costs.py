"""Canonical non-media costs (staff time, tools, agency fees ...) per channel and period."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import CHANNEL_PATTERN, currency, not_after

COST_TYPES = ["staff", "tool", "agency", "freelance", "content", "training", "other"]


class Costs(pa.DataFrameModel):
    source: str
    cost_date: dt.date
    period_end: dt.date
    channel: str = pa.Field(str_matches=CHANNEL_PATTERN)
    campaign_name: Optional[str] = pa.Field(nullable=True)
    cost_type: str = pa.Field(isin=COST_TYPES)
    description: Optional[str] = pa.Field(nullable=True)
    hours: Optional[float] = pa.Field(ge=0, nullable=True)
    hourly_rate: Optional[float] = pa.Field(ge=0, nullable=True)
    amount: float = pa.Field(ge=0)
    currency: str = currency()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="period_end is before cost_date")
    def period_in_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return not_after("cost_date", "period_end")(data)

    class Config:
        strict = True
        coerce = True
