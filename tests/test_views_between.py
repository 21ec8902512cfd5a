"""The period macros (`*_between`, `*_within`, `*_cohorts`) give what their view gives filtered to the period, on the
bundled demo (several periods) and on a channel that pauses longer than the alert history."""
import datetime as dt

import duckdb
import pytest
from pytest import approx

from roi.warehouse.build import build
from viewkit import Warehouse

D = dt.date


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    """The session's demo warehouse (tests/conftest.py), read-only."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def periods(demo):
    """The report's default period (30 days to as_of), the month before it, the first 45 days of data and a
    period across a month's end in the middle."""
    as_of, first = demo.execute("SELECT as_of, (SELECT min(date) FROM int.channel_day_facts) FROM stg.settings"
                                ).fetchone()
    middle = first + (as_of - first) / 2
    month = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return [(as_of - dt.timedelta(days=29), as_of), (month, as_of.replace(day=1) - dt.timedelta(days=1)),
            (first, first + dt.timedelta(days=44)), (middle, middle + dt.timedelta(days=40))]


def rows(con, sql, params=()):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return sorted((dict(zip(names, r)) for r in cur.fetchall()), key=lambda r: [str(v) for v in r.values()])


def same(got, want):
    """The same rows; floats to the last digits (a bounded read sums in another order)."""
    assert len(got) == len(want)
    assert want, "the period has rows: the comparison compares something"
    for g, w in zip(got, want):
        assert list(g) == list(w)
        assert g == {k: approx(v, rel=1e-9, abs=1e-9) if isinstance(v, float) else v for k, v in w.items()}


def months(lo, hi):
    return lo.replace(day=1), hi.replace(day=1)


def test_a_periods_ad_days_are_the_days_of_all_of_them(demo, periods):
    for lo, hi in periods:
        same(rows(demo, "SELECT * FROM stg.ad_metric_days('int.ad_periods', lo := ?::DATE, hi := ?::DATE)", [lo, hi]),
             rows(demo, "SELECT * FROM stg.ad_metric_days('int.ad_periods') WHERE date BETWEEN ? AND ?", [lo, hi]))


def test_a_row_of_several_days_gives_the_periods_days_only():
    """The multi-day branch of stg.period_days, bounded: a row of 4 days gives the 2 of them in the period."""
    con = duckdb.connect()
    build(con)
    wh = Warehouse(con)
    wh.ad("2026-03-30", "2026-04-02", spend=40, impressions=400)
    got = rows(con, "SELECT date, spend FROM stg.ad_metric_days('int.ad_periods', lo := DATE '2026-04-01', "
                    "hi := DATE '2026-04-05')")
    assert got == [{"date": D(2026, 4, 1), "spend": 10.0}, {"date": D(2026, 4, 2), "spend": 10.0}]


def test_channel_day_grid_and_channel_daily_between(demo, periods):
    for lo, hi in periods:
        same(rows(demo, "SELECT * FROM int.channel_day_grid(?::DATE, ?::DATE)", [lo, hi]),
             rows(demo, "SELECT * FROM int.channel_day_facts WHERE date BETWEEN ? AND ?", [lo, hi]))
        same(rows(demo, "SELECT * FROM marts.channel_daily_between(?::DATE, ?::DATE)", [lo, hi]),
             rows(demo, "SELECT * FROM marts.channel_daily WHERE date BETWEEN ? AND ?", [lo, hi]))


def test_channel_day_sums_are_the_grids_days_with_facts(demo, periods):
    for lo, hi in periods:
        sums = rows(demo, "SELECT * FROM int.channel_day_sums(?::DATE, ?::DATE)", [lo, hi])
        grid = rows(demo, "SELECT * FROM int.channel_day_facts WHERE date BETWEEN ? AND ?", [lo, hi])
        by_day = {(r["date"], r["channel"]): r for r in grid}
        for row in sums:
            want = by_day.pop((row["date"], row["channel"]))
            assert row == {k: approx(want[k], rel=1e-9, abs=1e-9) if isinstance(want[k], float) else want[k]
                           for k in row}
        assert all(v == 0 for r in by_day.values() for k, v in r.items() if k not in ("date", "channel"))


def test_budget_macros_are_their_views_for_the_months(demo, periods):
    for lo, hi in periods:
        first, last = months(lo, hi)
        for view, macro in [("int.budget_lines", "int.budget_lines_between"),
                            ("marts.budget_pacing", "marts.budget_pacing_between"),
                            ("marts.budget_mix", "marts.budget_mix_between")]:
            same(rows(demo, f"SELECT * FROM {macro}(?::DATE, ?::DATE)", [first, last]),
                 rows(demo, f"SELECT * FROM {view} WHERE month BETWEEN ? AND ?", [first, last]))


def test_goal_progress_within_is_the_goals_measured_in_it(demo):
    lo, hi = demo.execute("SELECT min(start_date), max(measured_until) FROM marts.goal_progress").fetchone()
    same(rows(demo, "SELECT * FROM marts.goal_progress_within(?::DATE, ?::DATE)", [lo, hi]),
         rows(demo, "SELECT * FROM marts.goal_progress"))
    for a, b in demo.execute("SELECT DISTINCT start_date, measured_until FROM marts.goal_progress").fetchall():
        same(rows(demo, "SELECT * FROM marts.goal_progress_within(?::DATE, ?::DATE)", [a, b]),
             rows(demo, "SELECT * FROM marts.goal_progress WHERE start_date >= ? AND measured_until <= ?", [a, b]))


def test_ltv_cac_cohorts_are_the_views_cohort_columns(demo, periods):
    for lo, hi in periods:
        first, last = months(lo, hi)
        got = rows(demo, "SELECT * FROM marts.ltv_cac_cohorts(?::DATE, ?::DATE)", [first, last])
        names = ", ".join(got[0])
        same(got, rows(demo, f"SELECT {names} FROM marts.ltv_cac WHERE cohort_month BETWEEN ? AND ?", [first, last]))


def test_alert_macros_are_their_views_for_the_days(demo, periods):
    for lo, hi in periods:
        same(rows(demo, "SELECT * FROM int.alert_metrics_between(?::DATE, ?::DATE)", [lo, hi]),
             rows(demo, "SELECT * FROM int.alert_metrics WHERE date BETWEEN ? AND ?", [lo, hi]))
    # the demo's alerts are few: every day of the data, and the report's default period
    first, as_of = demo.execute("SELECT min(date), max(date) FROM int.alert_metrics").fetchone()
    for lo, hi in [(first, as_of), periods[0]]:
        same(rows(demo, "SELECT * FROM marts.kpi_alerts_between(?::DATE, ?::DATE)", [lo, hi]),
             rows(demo, "SELECT * FROM marts.kpi_alerts WHERE alert_date BETWEEN ? AND ?", [lo, hi]))
    assert rows(demo, "SELECT * FROM marts.kpi_alerts_between(?::DATE, ?::DATE)", [first, as_of])


def test_a_channel_back_after_a_long_pause_keeps_its_zero_days():
    """Its first day read (56 days before the period) falls in the pause: the days before are read to know it was
    active then, so the pause's zero days count as history, as in the view."""
    con = duckdb.connect()
    build(con)
    wh = Warehouse(con)
    start, end = D(2026, 1, 1), D(2026, 8, 31)
    for n in range((end - start).days + 1):
        day = start + dt.timedelta(days=n)
        if not D(2026, 3, 1) <= day <= D(2026, 6, 15):
            wh.ad(day.isoformat(), spend=100 + n % 7, impressions=1000, clicks=40, conversions=4, conversion_value=300)
    lo, hi = D(2026, 7, 1), D(2026, 7, 31)
    got = rows(con, "SELECT * FROM int.alert_metrics_between(?::DATE, ?::DATE)", [lo, hi])
    assert got == rows(con, "SELECT * FROM int.alert_metrics WHERE date BETWEEN ? AND ?", [lo, hi])
    assert got
    alerts = rows(con, "SELECT * FROM marts.kpi_alerts_between(?::DATE, ?::DATE)", [D(2026, 6, 16), hi])
    assert alerts == rows(con, "SELECT * FROM marts.kpi_alerts WHERE alert_date BETWEEN ? AND ?", [D(2026, 6, 16), hi])
