"""What the report reads, from the marts views only: the SQL of every section, and `gather`, which runs them for a
period into one dict the sections draw from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from roi.contracts.errors import ConfigError
from roi.outputs.report.period import Period

DEFAULT_DAYS = 30

AS_OF_SQL = "SELECT as_of FROM stg.settings"
SETTINGS_SQL = "SELECT reporting_currency, attribution, revenue_basis, cac_trailing_days FROM stg.settings"
# The headline KPIs of any period (ROI and revenue on the channels that carry cost, see the macro's header).
HEADLINE_SQL = "SELECT * FROM marts.period_kpis(?::DATE, ?::DATE)"
# Each source with fact rows, its first day with data, and whether it has rows in the period: the
# previous period compares only when every source of this period already had data on its first day.
COVERAGE_SQL = """
WITH facts AS (
    {facts}
)
SELECT source, min(first) AS first, sum(in_period) > 0 AS in_period, bool_and(is_cost) AS is_cost
FROM facts
GROUP BY source
ORDER BY first DESC, source
"""
FACT_DATES = {"ad_performance": ("date_start", "date_end"), "email_campaigns": ("send_date", "send_date"),
              "leads": ("created_date", "created_date"), "orders": ("order_date", "order_date"),
              "costs": ("cost_date", "period_end")}
LTV_CAC_SQL = """
SELECT
    sum(new_customers) AS new_customers,
    (int.strict_sum(revenue_to_date) / nullif(sum(new_customers), 0))
        / nullif(int.strict_sum(acquisition_cost) / nullif(sum(new_customers), 0), 0) AS ltv_to_cac
FROM marts.ltv_cac_cohorts(list_min(?::DATE[]), list_max(?::DATE[]))
WHERE cohort_month IN (SELECT unnest(?::DATE[]))
"""
BY_CHANNEL_SQL = """
SELECT
    channel,
    int.strict_sum(spend) AS spend,
    int.strict_sum(total_cost) AS total_cost,
    int.strict_sum(revenue) AS revenue,
    int.strict_sum(conversion_value) / nullif(int.strict_sum(spend), 0) AS roas,
    int.strict_sum(total_cost) / nullif(sum(leads), 0) AS cpl,
    int.strict_sum(total_cost) / nullif(sum(customers), 0) AS cac,
    (int.strict_sum(revenue) - int.strict_sum(total_cost)) * 100
        / nullif(int.strict_sum(total_cost), 0) AS roi_pct,
    sum(leads) AS leads,
    sum(customers) AS customers
FROM marts.channel_daily_between(?::DATE, ?::DATE)
GROUP BY channel
ORDER BY int.strict_sum(total_cost) DESC NULLS LAST, int.strict_sum(revenue) DESC NULLS LAST, channel
"""
SERIES_SQL = """
SELECT
    date_trunc(?, date)::DATE AS bucket,
    channel,
    int.strict_sum(spend) AS spend,
    int.strict_sum(revenue) AS revenue,
    int.strict_sum(total_cost) / nullif(sum(leads), 0) AS cpl,
    int.strict_sum(spend) / nullif(sum(conversions), 0) AS cpa
FROM marts.channel_daily_between(?::DATE, ?::DATE)
GROUP BY ALL
ORDER BY bucket, channel
"""
FUNNEL_SQL = """
SELECT
    channel,
    sum(leads) AS leads,
    sum(mqls) AS mqls,
    sum(sqls) AS sqls,
    sum(customers) AS customers,
    sum(customers) / nullif(sum(leads), 0) AS lead_to_customer_rate,
    sum(sales_cycle_days * customers) / nullif(sum(customers) FILTER (WHERE sales_cycle_days IS NOT NULL), 0)
        AS sales_cycle_days
FROM marts.funnel_monthly
WHERE month IN (SELECT unnest(?::DATE[]))
GROUP BY channel
ORDER BY leads DESC, channel
"""
EMAIL_SQL = """
SELECT
    campaign_name, send_date, recipients, delivered, delivery_rate, open_rate, click_rate,
    click_to_open_rate, bounce_rate, unsubscribe_rate, revenue
FROM marts.email_campaign_kpis
WHERE send_date BETWEEN ? AND ?
ORDER BY send_date, campaign_name
"""
PACING_SQL = """
SELECT
    channel, bucket, planned, actual_to_date, projected_month_end, projected_to_planned,
    pacing_status, days_elapsed, days_in_month, as_of
FROM marts.budget_pacing_between(?::DATE, ?::DATE)
ORDER BY planned DESC, channel, bucket
"""
MIX_SQL = """
SELECT bucket, planned_share, actual_share, target_share, planned, actual
FROM marts.budget_mix_between(?::DATE, ?::DATE)
"""
# Every goal: the days read are those of the goals' windows (GOALS_SPAN_SQL; no goal, no read).
GOALS_SPAN_SQL = "SELECT min(start_date), max(least(deadline, as_of)) FROM stg.goals CROSS JOIN stg.settings"
GOALS_SQL = """
SELECT goal_id, name, kpi, channel, direction, target_value, current_value, progress_pct,
       expected_progress_pct, status, days_left, deadline, owner
FROM marts.goal_progress_within(?::DATE, ?::DATE)
ORDER BY deadline, goal_id
"""
ALERTS_SQL = """
SELECT alert_date, channel, kind, metric, value, expected, lower, upper, severity, message, subject
FROM marts.kpi_alerts_between(?::DATE, ?::DATE)
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, alert_date DESC,
         channel, metric
"""
# The site beside the platforms (int.web_channel_period): paid channels first, by sessions.
SITE_SQL = """
SELECT *
FROM int.web_channel_period(?, ?)
ORDER BY platform_conversions IS NULL, sessions DESC, channel
"""
# Keywords and search terms (every month the period touches: the marts are monthly), and the site's section,
# shown only when the warehouse has such rows (the mart each is read from, by its core table).
HAS_TABLE_SQL = "SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'core' AND table_name = ?"
FACT_MARTS = {"keyword_performance": "keyword_performance", "search_term_performance": "search_terms_wasted",
              "web_sessions": "web_channel_daily", "organic_search": "web_channel_daily"}
KEYWORDS_SQL = """
SELECT channel, keyword, match_type, campaign_name, ad_group_name, spend, impressions, clicks, conversions,
       conversion_value, r.ctr, r.cpc, r.cpa, r.roas, keywords_in_period
FROM (
    SELECT
        channel, keyword, match_type,
        max(campaign_name) AS campaign_name,
        max(ad_group_name) AS ad_group_name,
        int.strict_sum(spend) AS spend,
        sum(impressions) AS impressions,
        sum(clicks) AS clicks,
        sum(conversions) AS conversions,
        int.strict_sum(conversion_value) AS conversion_value,
        int.kpi_ratios(int.strict_sum(spend), sum(impressions), sum(clicks), sum(conversions),
                       int.strict_sum(conversion_value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS r,
        count(*) OVER () AS keywords_in_period
    FROM marts.keyword_performance
    WHERE month IN (SELECT unnest(?::DATE[]))
    GROUP BY channel, source, account_id, campaign_id, ad_group_id, keyword, match_type
)
ORDER BY spend DESC NULLS LAST, clicks DESC, keyword, match_type
LIMIT ?
"""
WASTED_SQL = """
SELECT month, channel, search_term, keywords, campaign_name, ad_group_name, spend, clicks, impressions, cpc,
       wasted_spend_min
FROM marts.search_terms_wasted
WHERE month IN (SELECT unnest(?::DATE[]))
ORDER BY spend DESC, search_term, month
"""
WASTED_MIN_SQL = "SELECT wasted_spend_min FROM stg.settings"
MAX_KEYWORD_ROWS = 20


def resolve_period(con: duckdb.DuckDBPyConnection, date_from: dt.date | None, date_to: dt.date | None) -> Period:
    """--to defaults to the latest day with data, --from to 30 days before --to."""
    end = date_to or con.execute(AS_OF_SQL).fetchone()[0]
    start = date_from or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ConfigError(f"--to {end} is before --from {start}")
    return Period(start, end)



def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _has_view(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                        [schema, name]).fetchone()[0]
    return found > 0


def _has_facts(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """core.<table> holds rows and its mart is built (a warehouse of an older version has neither until
    its next run)."""
    if not con.execute(HAS_TABLE_SQL, [table]).fetchone()[0] or not _has_view(con, "marts", FACT_MARTS[table]):
        return False
    return bool(con.execute(f"SELECT EXISTS (SELECT 1 FROM core.{table})").fetchone()[0])


def headline(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """The headline KPIs of a period: spend, total_cost, revenue, roi_pct, roas, cac, ltv_to_cac."""
    row = _rows(con, HEADLINE_SQL, [period.start, period.end])[0]
    months = period.cohort_months()
    ltv = _rows(con, LTV_CAC_SQL, [months, months, months])[0]
    row["ltv_to_cac"] = ltv["ltv_to_cac"]
    row["new_customers"] = ltv["new_customers"]
    return row


@dataclass(frozen=True)
class Comparison:
    """Whether the previous period compares with this one. records_start: the first day of the records
    (ads, email, leads, orders; costs are often entered ahead or back-dated, so they do not count); after the
    previous period's first day there is nothing to compare against. new: the sources of this period whose
    data starts after the previous period's first day while other records reach back before it — a launch
    (or a source loaded from a later day), named beside the comparison."""
    records_start: dt.date | None
    comparable: bool
    new: tuple[tuple[str, dt.date], ...] = ()


def goals(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every goal's progress (marts.goal_progress), reading only the days of the goals' windows."""
    lo, hi = con.execute(GOALS_SPAN_SQL).fetchone()
    return [] if lo is None else _rows(con, GOALS_SQL, [lo, hi])


def comparison(con: duckdb.DuckDBPyConnection, period: Period) -> Comparison:
    facts = " UNION ALL ".join(
        f"SELECT source, min({lo})::DATE AS first, count(*) FILTER (WHERE {hi} >= $start AND {lo} <= $end) "
        f"AS in_period, {table == 'costs'} AS is_cost FROM core.{table} GROUP BY source"
        for table, (lo, hi) in FACT_DATES.items())
    rows = con.execute(COVERAGE_SQL.format(facts=facts), {"start": period.start, "end": period.end}).fetchall()
    records_start = min((first for _, first, _, is_cost in rows if not is_cost), default=None)
    comparable = records_start is not None and records_start <= period.previous.start
    new = sorted((first, source) for source, first, in_period, _ in rows
                 if in_period and first > period.previous.start)
    return Comparison(records_start, comparable, tuple((source, first) for first, source in new))


def gather(con: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """Everything the report shows, from the marts views."""
    from roi.outputs.report.mmm_queries import latest_fit   # it reads with this module's _rows
    months = period.cohort_months()
    search_months = period.touched_months()
    budget_month = period.end.replace(day=1)
    data = {
        "now": headline(con, period),
        "prev": headline(con, period.previous),
        "by_channel": _rows(con, BY_CHANNEL_SQL, [period.start, period.end]),
        "series": _rows(con, SERIES_SQL, [period.grain, period.start, period.end]),
        "trends": _rows(con, SERIES_SQL, [period.trend_grain, period.start, period.end]),
        "funnel": _rows(con, FUNNEL_SQL, [months]),
        "email": _rows(con, EMAIL_SQL, [period.start, period.end]),
        "site": (_rows(con, SITE_SQL, [period.start, period.end])
                 if _has_facts(con, "web_sessions") or _has_facts(con, "organic_search") else []),
        "pacing": _rows(con, PACING_SQL, [budget_month, budget_month]),
        "mix": _rows(con, MIX_SQL, [budget_month, budget_month]),
        "goals": goals(con),
        "alerts": _rows(con, ALERTS_SQL, [period.start, period.end]) if _has_view(con, "marts", "kpi_alerts") else None,
        # None: the warehouse holds no keyword (search-term) rows at all, and the section is left out
        "keywords": (_rows(con, KEYWORDS_SQL, [search_months, MAX_KEYWORD_ROWS])
                     if _has_facts(con, "keyword_performance") else None),
        "wasted": _rows(con, WASTED_SQL, [search_months]) if _has_facts(con, "search_term_performance") else None,
        "budget_month": budget_month,
        "months": months,
        "search_months": search_months,
        "as_of": con.execute(AS_OF_SQL).fetchone()[0],
        "mmm": latest_fit(con),   # None: no media-mix fit (or a warehouse from before `roi mmm`)
    }
    (data["currency"], data["attribution"], data["revenue_basis"],
     data["cac_trailing_days"]) = con.execute(SETTINGS_SQL).fetchone()
    data["comparison"] = comparison(con, period)
    data["wasted_min"] = con.execute(WASTED_MIN_SQL).fetchone()[0] if data["wasted"] is not None else None
    return data
