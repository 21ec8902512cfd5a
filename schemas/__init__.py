"""pandera models of the canonical tables, one module per table, looked up by table name."""
from roi.schemas.ad_performance import AdPerformance
from roi.schemas.budgets import Budgets
from roi.schemas.costs import Costs
from roi.schemas.email_campaigns import EmailCampaigns
from roi.schemas.fx_rates import FxRates
from roi.schemas.goals import Goals
from roi.schemas.keyword_performance import KeywordPerformance
from roi.schemas.leads import Leads
from roi.schemas.orders import Orders
from roi.schemas.organic_search import OrganicSearch
from roi.schemas.search_term_performance import SearchTermPerformance
from roi.schemas.web_sessions import WebSessions

MODELS = {
    "ad_performance": AdPerformance,
    "email_campaigns": EmailCampaigns,
    "leads": Leads,
    "orders": Orders,
    "costs": Costs,
    "budgets": Budgets,
    "goals": Goals,
    "fx_rates": FxRates,
    "keyword_performance": KeywordPerformance,
    "search_term_performance": SearchTermPerformance,
    "web_sessions": WebSessions,
    "organic_search": OrganicSearch,
}

# The date column that places a row in a load window (None: the whole source is replaced).
WINDOW_COLUMN = {
    "ad_performance": "date_start",
    "email_campaigns": "send_date",
    "leads": "created_date",
    "orders": "order_date",
    "costs": "cost_date",
    "budgets": "month",
    "goals": None,
    "fx_rates": "rate_date",
    "keyword_performance": "date_start",
    "search_term_performance": "date_start",
    "web_sessions": "date",
    "organic_search": "date",
}

# Metrics that add up across the rows of one key (segments of an export: device, hour, keyword …):
# rows of one export sharing their table's key are summed on these (roi.schemas.validate.sum_to_grain).
_AD_METRICS = ["impressions", "clicks", "spend", "conversions", "conversion_value"]
ADDITIVE = {
    "ad_performance": _AD_METRICS + ["video_views", "engagements"],
    "keyword_performance": _AD_METRICS,
    "search_term_performance": _AD_METRICS,
    "email_campaigns": ["recipients", "delivered", "hard_bounces", "soft_bounces", "unique_opens", "total_opens",
                        "unique_clicks", "total_clicks", "unsubscribes", "complaints", "orders", "revenue"],
    "web_sessions": ["sessions", "engaged_sessions", "new_users", "key_events", "revenue"],
    "organic_search": ["clicks", "impressions", "position_sum"],
}
# Metrics that never add up (people reached on two days or two devices overlap): kept where one row
# of a key carries them, null where several rows were summed.
NOT_ADDITIVE = {"ad_performance": ["reach"]}


def columns(table: str) -> list[str]:
    """Canonical column order of a table, without load_id (added at load time)."""
    return [c for c in MODELS[table].to_schema().columns if c != "load_id"]
