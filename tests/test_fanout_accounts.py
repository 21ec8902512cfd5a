"""Loading a source account by account (pipeline/plan.py, warehouse/load.py's account scope), without Prefect: which
sources split, that one account's load replaces only that account's rows, restatements and skipped chunks."""
import datetime as dt
import shutil

import pytest

import tests.test_fanout_dask as fake
from roi.contracts.settings import SourceConfig
from roi.pipeline import runs
from roi.pipeline.config import load_settings
from roi.pipeline.plan import WorkItem, accounts, backfill_items, nightly_items
from tests.fakeapi import query
from tests.test_fanout_dask import ThrottledGoogleAds, project

A1, A2, A3 = fake.ACCOUNTS[:3]
DAY = dt.date(2026, 6, 14)


def test_only_an_ad_platform_api_source_with_several_accounts_is_split():
    google = SourceConfig(name="g", kind="google_ads", mode="api", account_ids=("111-222-3333", "4445556666"))
    assert accounts(google) == ["111-222-3333", "4445556666"]
    assert accounts(SourceConfig(name="g", kind="google_ads", mode="api", account_ids=("1112223333",))) == [None]
    # Mailchimp's account_ids pick audiences of one account: one pull
    assert accounts(SourceConfig(name="m", kind="mailchimp", mode="api", account_ids=("list1", "list2"))) == [None]
    assert accounts(SourceConfig(name="f", kind="google_ads", path="x.csv")) == [None]
    items = nightly_items([google, SourceConfig(name="f", kind="meta_ads", path="x.csv", lookback_days=2)], DAY)
    window = (dt.date(2026, 5, 17), DAY)                                      # lookback 28 days
    assert items == [WorkItem("g", "111-222-3333", (window,)), WorkItem("g", "4445556666", (window,)),
                     WorkItem("f", None, ((dt.date(2026, 6, 12), DAY),))]
    assert items[0].label == "g 111-222-3333 2026-05-17…2026-06-14"


@pytest.fixture
def gads(api, tmp_path, empty_warehouse, monkeypatch):
    """Three Google Ads accounts (the second written with dashes in roi.toml), one day a run; pulls at once."""
    monkeypatch.setattr(fake, "PULL_SECONDS", 0.0)
    monkeypatch.setattr(fake, "ACCOUNTS", [A1, A2, A3])
    shutil.copyfile(empty_warehouse, tmp_path / "roi.duckdb")
    config = project(tmp_path, api.url, "", lookback_days=0)
    config.write_text(config.read_text().replace(f'"{A2}"', f'"{A2[:3]}-{A2[3:6]}-{A2[6:]}"'))
    return ThrottledGoogleAds(api), load_settings(config)


def run(settings, *names):
    """The nightly items of these accounts (all when none given), one after another."""
    items = [i for i in nightly_items(list(settings.sources), DAY) if not names or i.account in names]
    return [r for item in items for r in runs.run_item(settings, item, "run")]


def spend(settings):
    return query(settings, f"SELECT account_id, sum(spend) FROM core.ad_performance WHERE date_start = '{DAY}' "
                           "GROUP BY 1 ORDER BY 1")


def test_one_accounts_load_replaces_that_accounts_rows_only(gads):
    google, settings = gads
    dashed = f"{A2[:3]}-{A2[3:6]}-{A2[6:]}"
    first = run(settings)
    assert [(r["account"], r["status"], r["rows_loaded"]) for r in first] == [(A1, "succeeded", 1),
                                                                              (dashed, "succeeded", 1),
                                                                              (A3, "succeeded", 1)]
    assert len({r["load_id"] for r in first}) == 3
    assert spend(settings) == [(A1, 1.0), (A2, 2.0), (A3, 3.0)]               # account n spends n EUR a day

    google.rows = lambda query, cid: ThrottledGoogleAds.rows(google, query, cid) if cid != A1 else [
        {**row, "metrics": {**row["metrics"], "costMicros": "5000000"}}
        for row in ThrottledGoogleAds.rows(google, query, cid)]              # account 1 restates: 5 EUR a day
    [again] = run(settings, A1)
    assert again["status"] == "succeeded"
    assert spend(settings) == [(A1, 5.0), (A2, 2.0), (A3, 3.0)]
    # the restatement compares account 1's day before (1 EUR) and after (5 EUR), not the source's 6 → 10 EUR
    assert query(settings, "SELECT date, before, after FROM ops.restatements WHERE metric = 'spend'") == \
        [(DAY, 1.0, 5.0)]

    google.rows = lambda query, cid: []                                       # account 2 (dashed id) has no rows
    [empty] = run(settings, dashed)
    assert (empty["status"], empty["rows_in"]) == ("succeeded", 0)
    assert spend(settings) == [(A1, 5.0), (A3, 3.0)]                          # its day emptied; the others kept


def test_a_backfill_skips_each_accounts_loaded_chunks_only(gads):
    _, settings = gads
    source = settings.source("gads")
    run(settings, A1)                                                         # account 1's window [DAY, DAY]
    items, skipped = backfill_items(settings, [source], DAY, DAY, 1, force=False)
    assert [i.account for i in items] == [A2[:3] + "-" + A2[3:6] + "-" + A2[6:], A3] and skipped == []
    run(settings)
    items, skipped = backfill_items(settings, [source], DAY, DAY, 1, force=False)
    assert items == [] and skipped == [("gads", (DAY, DAY))]
    assert len(backfill_items(settings, [source], DAY, DAY, 1, force=True)[0]) == 3


def test_keyword_level_sources_load_in_a_wave_after_the_others(tmp_path):
    """A keyword- or search-term-level API source's ad-group days count only where no campaign-level load
    holds them: it commits after every other source's items, whatever order roi.toml lists them in."""
    from roi.pipeline.plan import waves
    (tmp_path / "roi.toml").write_text(
        '[warehouse]\npath = "roi.duckdb"\n\n'
        '[[sources]]\nname = "kw"\nkind = "google_ads"\nmode = "api"\nlevel = "keyword"\naccount_ids = ["1112223333"]\n\n'
        '[[sources]]\nname = "terms"\nkind = "microsoft_ads"\nmode = "api"\nlevel = "search_term"\n'
        'account_ids = ["1"]\ncustomer_id = "2"\n\n'
        '[[sources]]\nname = "campaigns"\nkind = "google_ads"\nmode = "api"\naccount_ids = ["1112223333"]\n\n'
        '[[sources]]\nname = "meta"\nkind = "meta_ads"\npath = "meta.csv"\n')
    (tmp_path / "meta.csv").write_text("")
    settings = load_settings(tmp_path / "roi.toml", check_secrets=False)
    items = nightly_items(list(settings.sources), DAY)
    assert [[item.source for item in wave] for wave in waves(settings, items)] == [["campaigns", "meta"],
                                                                                   ["kw", "terms"]]
    assert waves(settings, items[2:]) == [items[2:]]   # no keyword level: one wave


def test_the_load_table_names_the_account_of_an_account_s_load(capsys):
    from roi.outputs.show import load_table
    record = {"source": "gads", "account": "111-222-3333", "window_start": DAY, "window_end": DAY, "rows_in": 2,
              "rows_loaded": 2, "rows_combined": 0, "rows_quarantined": 0, "status": "succeeded", "error": None,
              "totals_check": None, "combined_by": None}
    load_table([record, dict(record, account=None, source="meta")])
    rows = [line for line in capsys.readouterr().out.splitlines() if "succeeded" in line]
    assert "gads 111-222-3333" in rows[0] and "meta " in rows[1] and "None" not in rows[1]
