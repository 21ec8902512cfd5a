"""Shared helpers for the view tests: one built in-memory warehouse, a rolled-back transaction per test, terse inserts."""
from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from roi.warehouse.build import build

# Values for the NOT NULL columns a test does not care about; a test names only what it checks.
DEFAULTS: dict[str, dict[str, Any]] = {
    "core.ad_performance": dict(
        source="gads", platform="google_ads", account_id="acc1", account_name="Account 1",
        campaign_id="c1", campaign_name="Campaign 1", ad_group_id="", ad_id="", currency="EUR",
        impressions=0, clicks=0, spend=0, conversions=0, conversion_value=0, load_id="test",
    ),
    "core.email_campaigns": dict(
        source="mc", platform="mailchimp", campaign_id="e1", campaign_name="Newsletter",
        currency="EUR", load_id="test",
    ),
    "core.leads": dict(source="crm", channel="google_ads", load_id="test"),
    "core.orders": dict(source="shop", currency="EUR", channel="google_ads", load_id="test"),
    "core.costs": dict(source="costs", channel="google_ads", cost_type="staff", currency="EUR", load_id="test"),
    "core.budgets": dict(source="budget", currency="EUR", bucket="proven", load_id="test"),
    "core.goals": dict(source="goals", name="goal", direction="at_least", channel=None, load_id="test"),
    "core.fx_rates": dict(source="ecb", load_id="test"),
    "core.keyword_performance": dict(
        source="gads", platform="google_ads", account_id="acc1", campaign_id="c1", campaign_name="Shoes",
        ad_group_id="g1", ad_group_name="Running", keyword="running shoes", match_type="exact", currency="EUR",
        impressions=0, clicks=0, spend=0, conversions=0, conversion_value=0, load_id="test",
    ),
    "core.search_term_performance": dict(
        source="gads", platform="google_ads", account_id="acc1", campaign_id="c1", campaign_name="Shoes",
        ad_group_id="g1", ad_group_name="Running", keyword="running shoes", match_type="broad", currency="EUR",
        impressions=0, clicks=0, spend=0, conversions=0, conversion_value=0, load_id="test",
    ),
    "core.web_sessions": dict(
        source="ga4", platform="ga4", property_id="p1", channel_group="", utm_source="", utm_medium="",
        utm_campaign="", channel="direct", currency="EUR", load_id="test",
    ),
    "core.organic_search": dict(source="gsc", site_url="sc-domain:example.it", query="", page="", load_id="test"),
}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Warehouse:
    """A built warehouse connection with helpers to insert facts and read views as dicts."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    # -- writing ---------------------------------------------------------------------------
    def add(self, table: str, **values: Any) -> None:
        row = {**DEFAULTS.get(table, {}), **values}
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        params = [day(v) if isinstance(v, str) and _is_iso_date(v) else v for v in row.values()]
        self.con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", params)

    def ad(self, date: str, end: str | None = None, **values: Any) -> None:
        """One ad_performance row over date..end (end defaults to date: a day row)."""
        self.add("core.ad_performance", date_start=date, date_end=end or date, **values)

    def keyword(self, date: str, end: str | None = None, **values: Any) -> None:
        """One keyword_performance row over date..end (end defaults to date: a day row)."""
        self.add("core.keyword_performance", date_start=date, date_end=end or date, **values)

    def search_term(self, date: str, search_term: str, end: str | None = None, **values: Any) -> None:
        """One search_term_performance row over date..end (end defaults to date: a day row)."""
        self.add("core.search_term_performance", date_start=date, date_end=end or date, search_term=search_term,
                 **values)

    def email(self, send_date: str, **values: Any) -> None:
        self.add("core.email_campaigns", send_date=send_date, **values)

    def lead(self, lead_id: str, created: str, **values: Any) -> None:
        self.add("core.leads", lead_id=lead_id, created_date=created, **values)

    def order(self, order_id: str, date: str, amount: float, **values: Any) -> None:
        self.add("core.orders", order_id=order_id, order_date=date, amount=amount, **values)

    def cost(self, start: str, amount: float, end: str | None = None, **values: Any) -> None:
        self.add("core.costs", cost_date=start, period_end=end or start, amount=amount, **values)

    def budget(self, month: str, channel: str, planned: float, **values: Any) -> None:
        self.add("core.budgets", month=month, channel=channel, planned_amount=planned, **values)

    def goal(self, goal_id: str, kpi: str, target: float, start: str, deadline: str, **values: Any) -> None:
        self.add(
            "core.goals", goal_id=goal_id, kpi=kpi, target_value=target, start_date=start,
            deadline=deadline, **values,
        )

    def rate(self, date: str, currency: str, units_per_reporting: float, **values: Any) -> None:
        self.add(
            "core.fx_rates", rate_date=date, currency=currency,
            units_per_reporting=units_per_reporting, **values,
        )

    def sessions(self, date: str, channel: str, sessions: int, **values: Any) -> None:
        self.add("core.web_sessions", date=date, channel=channel, sessions=sessions, **values)

    def search(self, date: str, clicks: int, impressions: int, position: float, **values: Any) -> None:
        """One Search Console row (a day's total row unless query / page are given); position is the average."""
        self.add("core.organic_search", date=date, clicks=clicks, impressions=impressions,
                 position_sum=position * impressions, **values)

    def settings(self, **values: str) -> None:
        for key, value in values.items():
            self.con.execute(
                "INSERT INTO ops.settings VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # -- reading ---------------------------------------------------------------------------
    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str, *params: Any) -> dict[str, Any]:
        found = self.rows(sql, *params)
        assert len(found) == 1, f"expected one row, got {len(found)}: {found}"
        return found[0]


def _is_iso_date(text: str) -> bool:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_BUILT: duckdb.DuckDBPyConnection | None = None


@pytest.fixture
def wh():
    """A warehouse built once per test session; each test runs in a transaction rolled back after it."""
    global _BUILT
    if _BUILT is None:
        _BUILT = duckdb.connect(config={"threads": 1})  # tiny data: one thread plans and runs faster
        build(_BUILT)
    _BUILT.execute("BEGIN TRANSACTION")
    try:
        yield Warehouse(_BUILT)
    finally:
        _BUILT.execute("ROLLBACK")
