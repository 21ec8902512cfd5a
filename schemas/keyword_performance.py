"""Canonical keyword rows: one per source, period, account, campaign, ad group, keyword and match type."""
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdMetrics
from roi.schemas.search_rows import MATCH_TYPES, SearchRowKey


class KeywordKey(SearchRowKey):
    keyword: str = pa.Field(str_length={"min_value": 1})
    match_type: str = pa.Field(isin=MATCH_TYPES)


class KeywordPerformance(AdMetrics, KeywordKey):
    """KeywordKey's columns, then AdMetrics' (currency and metrics), then load_id."""
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "keyword",
                  "match_type"]
