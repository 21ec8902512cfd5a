"""What the report's media-mix section reads: the latest fit (marts.mmm_channel_roi), its response curves and its
latest plan, with each channel's attributed outcome and spend over the fit's weeks from marts.channel_daily. None
when the warehouse holds no fit, or was built before the mmm views existed."""
from __future__ import annotations

import datetime as dt
import json

import duckdb

from roi.outputs.report.queries import _rows   # the report's one row reader

VIEWS = ("mmm_channel_roi", "mmm_response_curves", "mmm_plan")
RECENT_WEEKS = 4        # where a channel stands today: its mean weekly spend over the fit's last weeks
FIT_SQL = """
SELECT fit_id, fitted_at, period_start, period_end, weeks, outcome, currency, method, quick, r_hat_max,
       divergences, mape, r2, doubts
FROM marts.mmm_channel_roi
WHERE is_latest
LIMIT 1
"""
CHANNELS_SQL = """
SELECT channel, spend, incremental, incremental_p05, incremental_p95, roi, roi_p05, roi_p95, share_explained
FROM marts.mmm_channel_roi
WHERE fit_id = ?
ORDER BY spend DESC, channel
"""
# The outcome each channel is credited by the report's attribution (revenue, sales or leads, as the fit's outcome),
# its media spend over the fit's weeks, and its mean weekly spend over the last RECENT_WEEKS of them.
ATTRIBUTED_SQL = """
SELECT
    channel,
    int.strict_sum(revenue) AS revenue,
    sum(orders) AS orders,
    sum(leads) AS leads,
    int.strict_sum(spend) AS spend,
    int.strict_sum(CASE WHEN date > $end - INTERVAL ($days) DAY THEN spend ELSE 0 END) / $weeks AS recent_weekly
FROM marts.channel_daily_between($start, $end)   -- the fit's weeks only (a big warehouse is not read whole)
GROUP BY channel
"""
CURVES_SQL = """
SELECT channel, weekly_spend, incremental, incremental_p05, incremental_p95
FROM marts.mmm_response_curves
WHERE fit_id = ?
ORDER BY channel, weekly_spend
"""
PLAN_SQL = """
SELECT plan_id, planned_at, weeks, budget, gain, gain_p05, gain_p95, channel, bucket, current_weekly, planned_weekly,
       outcome_current, outcome_planned, bucket_current_share, bucket_planned_share, bucket_target_share
FROM marts.mmm_plan
WHERE plan_id = (SELECT arg_max(plan_id, (planned_at, plan_id)) FROM marts.mmm_plan WHERE fit_id = ?)
ORDER BY planned_weekly DESC, channel
"""


def latest_fit(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The latest fit: {"fit": its row with doubts as a list, "channels": a row per channel with `touch` (the
    outcome the report's attribution credits it over the fit's weeks ÷ its media spend there) and `recent_weekly`,
    "curves": rows, "plan": the rows of its latest plan ([] without one)}; None without a fit or the mmm tables."""
    if not _built(con):
        return None
    fit = _rows(con, FIT_SQL)
    if not fit:
        return None
    fit = fit[0]
    fit["doubts"] = json.loads(fit["doubts"] or "[]")
    channels = _rows(con, CHANNELS_SQL, [fit["fit_id"]])
    touch = {r["channel"]: r for r in _rows(con, ATTRIBUTED_SQL, {
        "start": fit["period_start"], "end": fit["period_end"], "days": 7 * RECENT_WEEKS, "weeks": RECENT_WEEKS})}
    for row in channels:
        found = touch.get(row["channel"], {})
        attributed, spend = found.get(fit["outcome"]), found.get("spend")
        row["touch"] = float(attributed) / float(spend) if attributed is not None and spend else None
        row["recent_weekly"] = found.get("recent_weekly")
    return {"fit": fit, "channels": channels, "curves": _rows(con, CURVES_SQL, [fit["fit_id"]]),
            "plan": _rows(con, PLAN_SQL, [fit["fit_id"]])}


def recent_start(fit: dict) -> dt.date:
    """The first day of the fit's last RECENT_WEEKS weeks."""
    return fit["period_end"] - dt.timedelta(days=7 * RECENT_WEEKS - 1)


def _built(con: duckdb.DuckDBPyConnection) -> bool:
    """The mmm tables and the views over them exist (an older roi built neither)."""
    views = con.execute("SELECT count(DISTINCT view_name) FROM duckdb_views() WHERE schema_name = 'marts' "
                        "AND view_name IN (SELECT unnest(?))", [list(VIEWS)]).fetchone()[0]
    fits = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'mmm' AND table_name = 'fits'"
                       ).fetchone()[0]
    return views == len(VIEWS) and fits > 0
