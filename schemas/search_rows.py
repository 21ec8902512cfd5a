"""What keyword and search-term rows share: the key columns up to the ad group, and the match types."""
import datetime as dt
from typing import Optional

import pandera.polars as pa

from roi.schemas.checks import AdRowChecks

# A keyword's match type, lower case; '' where the export does not say.
MATCH_TYPES = ["exact", "phrase", "broad", ""]


class SearchRowKey(AdRowChecks):
    """The columns a search row's key starts with: source, period, account, campaign and ad group
    (names beside their ids). Each search model's key class adds its own columns after these."""
    source: str
    platform: str
    date_start: dt.date
    date_end: dt.date
    account_id: str
    campaign_id: str
    campaign_name: Optional[str] = pa.Field(nullable=True)
    ad_group_id: str
    ad_group_name: Optional[str] = pa.Field(nullable=True)
