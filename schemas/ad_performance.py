"""Canonical ad performance rows: one per source, period and account/campaign/ad group/ad."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdMetrics, AdRowChecks, count


class AdRowKey(AdRowChecks):
    """The key columns of an ad row: source, period, account, campaign, ad group and ad (names beside ids)."""
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


class AdPerformance(AdMetrics, AdRowKey):
    """AdRowKey's columns, then AdMetrics' (currency and metrics), then these."""
    reach: Optional[int] = count()
    video_views: Optional[int] = count()
    engagements: Optional[int] = count()
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "ad_id"]
