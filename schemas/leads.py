"""Canonical CRM leads with their funnel dates and UTM channel."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import CHANNEL_PATTERN, not_after


class Leads(pa.DataFrameModel):
    source: str
    lead_id: str = pa.Field(str_length={"min_value": 1})
    customer_id: Optional[str] = pa.Field(nullable=True)
    created_date: dt.date
    mql_date: Optional[dt.date] = pa.Field(nullable=True)
    sql_date: Optional[dt.date] = pa.Field(nullable=True)
    customer_date: Optional[dt.date] = pa.Field(nullable=True)
    lost_date: Optional[dt.date] = pa.Field(nullable=True)
    utm_source: Optional[str] = pa.Field(nullable=True)
    utm_medium: Optional[str] = pa.Field(nullable=True)
    utm_campaign: Optional[str] = pa.Field(nullable=True)
    channel: str = pa.Field(str_matches=CHANNEL_PATTERN)
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="customer_date is before created_date")
    def customer_after_created(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return not_after("created_date", "customer_date")(data)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "lead_id"]
