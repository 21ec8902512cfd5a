"""Canonical keyword rows: one per source, period, account, campaign, ad group, keyword and match type."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdRowChecks, count, currency, money

# A keyword's match type, lower case; '' where the export does not say.
MATCH_TYPES = ["exact", "phrase", "broad", ""]


class KeywordPerformance(AdRowChecks):
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
