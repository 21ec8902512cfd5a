"""Canonical SMART goals: a KPI, a target, a baseline and a deadline."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import CHANNEL_PATTERN, not_after

GOAL_KPIS = [
    "spend", "total_cost", "revenue", "leads", "customers", "conversions", "clicks", "impressions",
    "roi_pct", "roas", "cpl", "cac", "cpa", "cpc", "cpm", "ctr", "conversion_rate",
    "lead_to_customer_rate", "open_rate", "click_rate",
]


class Goals(pa.DataFrameModel):
    source: str
    goal_id: str = pa.Field(str_length={"min_value": 1})
    name: str
    kpi: str = pa.Field(isin=GOAL_KPIS)
    channel: Optional[str] = pa.Field(nullable=True, str_matches=CHANNEL_PATTERN)  # null: all channels
    target_value: float
    direction: str = pa.Field(isin=["at_least", "at_most"])
    baseline_value: Optional[float] = pa.Field(nullable=True)
    start_date: dt.date
    deadline: dt.date
    owner: Optional[str] = pa.Field(nullable=True)
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="deadline is before start_date")
    def period_in_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return not_after("start_date", "deadline")(data)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "goal_id"]
