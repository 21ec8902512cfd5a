"""pandera models of the canonical tables, one module per table, looked up by table name."""
from schemas.ad_performance import AdPerformance
from schemas.budgets import Budgets
from schemas.costs import Costs
from schemas.email_campaigns import EmailCampaigns
from schemas.fx_rates import FxRates
from schemas.goals import Goals
from schemas.leads import Leads
from schemas.orders import Orders

MODELS = {
    "ad_performance": AdPerformance,
    "email_campaigns": EmailCampaigns,
    "leads": Leads,
    "orders": Orders,
    "costs": Costs,
    "budgets": Budgets,
    "goals": Goals,
    "fx_rates": FxRates,
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
}


def columns(table: str) -> list[str]:
    """Canonical column order of a table, without load_id (added at load time)."""
    return [c for c in MODELS[table].to_schema().columns if c != "load_id"]
