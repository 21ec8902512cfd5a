"""The Prefect flows on the bundled demo: nightly loads every kind, reruns are identical, backfill resumes."""
import datetime as dt

import duckdb
import pytest

from roi.pipeline.config import DEMO_CONFIG, load_settings

VIEWS = ["channel_daily", "channel_monthly", "campaign_daily", "email_campaign_kpis", "funnel_monthly",
         "ltv_cac", "budget_pacing", "budget_mix", "goal_progress"]


@pytest.fixture
def demo(tmp_path, monkeypatch, prefect_harness):
    monkeypatch.chdir(tmp_path)
    return load_settings(None)


def rows(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def core_checksum(settings):
    tables = ["ad_performance", "email_campaigns", "leads", "orders", "costs", "budgets", "goals", "fx_rates"]
    return [rows(settings, f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM core.{t} t")[0] for t in tables]


def test_nightly_loads_every_demo_source_and_fills_every_view(demo):
    from roi.flows.nightly import nightly
    records = nightly(config=None, run_date=dt.date(2026, 10, 31))
    assert {r["source"] for r in records} == {s.name for s in demo.sources}
    assert all(r["status"] == "succeeded" for r in records), [r["error"] for r in records]
    for r in records:
        assert r["rows_in"] == r["rows_loaded"] + r["rows_combined"] + r["rows_quarantined"]
    for view in VIEWS:
        assert rows(demo, f"SELECT count(*) FROM marts.{view}")[0][0] > 0, view
    first = core_checksum(demo)
    nightly(config=None, run_date=dt.date(2026, 10, 31))
    assert core_checksum(demo) == first


def test_backfill_skips_completed_chunks_unless_forced(demo):
    from roi.flows.backfill import backfill
    names = ["meta_ads"]
    done = backfill(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 20), sources=names, chunk_days=10)
    assert [(r["window_start"], r["window_end"]) for r in done] == [
        (dt.date(2026, 8, 1), dt.date(2026, 8, 10)), (dt.date(2026, 8, 11), dt.date(2026, 8, 20))]
    # an interrupted backfill resumes: the two chunks above are skipped, only the new one loads
    again = backfill(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 30), sources=names, chunk_days=10)
    assert [r["window_start"] for r in again] == [dt.date(2026, 8, 21)]
    forced = backfill(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 10), sources=names, chunk_days=10,
                      force=True)
    assert len(forced) == 1
    days = rows(demo, "SELECT count(DISTINCT date_start), min(date_start), max(date_start) "
                      "FROM core.ad_performance WHERE source = 'meta_ads'")
    # the demo's Meta account starts spending on 3 August
    assert days == [(28, dt.date(2026, 8, 3), dt.date(2026, 8, 30))]
