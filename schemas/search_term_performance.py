"""Canonical search-term rows: one per source, period, account, campaign, ad group, search term and matched keyword."""
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdMetrics
from roi.schemas.search_rows import MATCH_TYPES, SearchRowKey


class SearchTermKey(SearchRowKey):
    search_term: str = pa.Field(str_length={"min_value": 1})
    keyword: str                                     # the matched keyword; '' where the export does not say
    match_type: str = pa.Field(isin=MATCH_TYPES)


class SearchTermPerformance(AdMetrics, SearchTermKey):
    """SearchTermKey's columns, then AdMetrics' (currency and metrics), then load_id."""
    load_id: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        unique = ["source", "date_start", "date_end", "account_id", "campaign_id", "ad_group_id", "search_term",
                  "keyword", "match_type"]
