"""Canonical ad performance rows: one per source, period and account/campaign/ad group/ad."""
import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl

from roi.schemas.checks import AdRowChecks, count, currency, money


class AdPerformance(AdRowChecks):
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

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "ad_id"]
