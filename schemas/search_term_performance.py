"""Canonical search-term rows: one per source, period, account, campaign, ad group, search term and matched keyword."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdRowChecks, count, currency, money
from roi.schemas.keyword_performance import MATCH_TYPES


class SearchTermPerformance(AdRowChecks):
    source: str
    platform: str
    date_start: dt.date
    date_end: dt.date
    account_id: str
    campaign_id: str
    campaign_name: Optional[str] = pa.Field(nullable=True)
    ad_group_id: str
    ad_group_name: Optional[str] = pa.Field(nullable=True)
    search_term: str = pa.Field(str_length={"min_value": 1})
    keyword: str                                     # the matched keyword; '' where the export does not say
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
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "search_term",
                  "keyword", "match_type"]
