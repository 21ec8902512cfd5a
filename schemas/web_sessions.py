"""Canonical web-analytics sessions: one row per source, property, day, channel group, source / medium and campaign."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import CHANNEL_PATTERN, count, currency, money


class WebSessions(pa.DataFrameModel):
    """GA4 (or another analytics tool) as the site saw its visits. channel_group is the tool's own
    grouping ("Organic Search", "Paid Social" …, '' when not exported); utm_source / utm_medium /
    utm_campaign are the session's source, medium and campaign ('' when the export has none); channel is
    roi's, from the same UTM rules as leads and orders. key_events are the tool's conversions (GA4 "key
    events", fractional when counted by a model); revenue is the purchase revenue the tool recorded, in
    the property's currency."""
    source: str
    platform: str
    property_id: str = pa.Field(str_length={"min_value": 1})
    date: dt.date
    channel_group: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    channel: str = pa.Field(str_matches=CHANNEL_PATTERN)
    sessions: Optional[int] = count()
    engaged_sessions: Optional[int] = count()
    new_users: Optional[int] = count()
    key_events: Optional[float] = count()
    revenue: Optional[float] = money()
    currency: str = currency()
    load_id: Optional[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="engaged sessions exceed sessions")
    def engaged_within_sessions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("engaged_sessions").is_null() | pl.col("sessions").is_null()
            | (pl.col("engaged_sessions") <= pl.col("sessions"))
        )

    class Config:
        strict = True
        coerce = True
        unique = ["source", "property_id", "date", "channel_group", "utm_source", "utm_medium", "utm_campaign"]
