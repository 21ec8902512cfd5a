"""One export's money under one source only: `roi ingest` refuses rows another source holds, `roi sources`
lists what each source holds, `roi forget` removes one source in one transaction."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from clikit import roi

ROOT = Path(__file__).parent / "fixtures"
EXPORT = ROOT / "google_ads" / "campaign_daily_en.csv"   # 5 campaign-days, June 1-3 2026, 137.65 EUR, no account id
WITH_BAD_ROW = ROOT / "pipeline" / "google_daily_v1.csv"  # 4 rows: 3 loaded, 1 quarantined ('abc' clicks)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\nlock_timeout_seconds = 0.5\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def query(project, sql, params=()):
    with duckdb.connect(str(project / "roi.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def spend_by_source(project):
    return query(project, "SELECT source, count(*), sum(spend) FROM core.ad_performance GROUP BY 1 ORDER BY 1")


def cells(table: str, key: str) -> list[str]:
    """The cells of the table row whose first cell is `key`."""
    for line in table.splitlines():
        row = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if row and row[0] == key:
            return row
    raise AssertionError(f"no row {key!r} in\n{table}")


def listed(table: str) -> list[str]:
    """The first cells of a table's rows."""
    return [line.strip("│ ").split("│")[0].strip() for line in table.splitlines() if line.startswith("│")]


def test_the_same_export_under_another_source_is_refused_until_forced(project, capsys):
    code, _, err = roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    assert code == 0, err
    # 45.50 + 12.25 + 40.00 + 0.00 + 39.90
    assert spend_by_source(project) == [("google_ads_it", 5, Decimal("137.65"))]

    code, out, err = roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")   # source: the kind, google_ads
    assert code == 2
    assert err.splitlines() == [
        f"roi: error: {EXPORT}: these rows are already loaded as source google_ads_it (same file): "
        "use --source google_ads_it to replace them, or --force-new-source"]
    assert spend_by_source(project) == [("google_ads_it", 5, Decimal("137.65"))]   # nothing written ...
    assert query(project, "SELECT count(*) FROM ops.loads") == [(1,)]
    assert not (project / "raw" / "google_ads").exists()                          # ... nor archived

    code, _, err = roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    assert code == 0, err                                     # the same source replaces its rows, as ever
    assert spend_by_source(project) == [("google_ads_it", 5, Decimal("137.65"))]

    code, _, err = roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--force-new-source")
    assert code == 0, err
    assert spend_by_source(project) == [("google_ads", 5, Decimal("137.65")), ("google_ads_it", 5, Decimal("137.65"))]
    assert (project / "raw" / "google_ads").is_dir()          # archived once accepted


def test_the_kind_named_source_is_protected_from_a_new_name_too(project, capsys):
    assert roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")[0] == 0
    code, _, err = roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    assert code == 2 and "already loaded as source google_ads (same file): use --source google_ads to" in err
    assert spend_by_source(project) == [("google_ads", 5, Decimal("137.65"))]


HEAD = ("Campaign report\nJune 1, 2026 - June 3, 2026\n"
        "Day,Customer ID,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n")


def test_another_export_of_the_same_account_and_days_is_refused(project, capsys):
    first = project / "first.csv"
    first.write_text(HEAD + "2026-06-01,123-456-7890,Brand,111,EUR,1000,50,100.00,5.00,500.00\n"
                            "2026-06-02,123-456-7890,Brand,111,EUR,1200,60,120.00,6.00,600.00\n")
    assert roi(capsys, "ingest", str(first), "--kind", "google_ads", "--source", "google_ads_it")[0] == 0
    # Another export (other campaign, other figures) of the same account on June 2-3: June 2 is held.
    later = project / "later.csv"
    later.write_text(HEAD + "2026-06-02,123-456-7890,Generic,222,EUR,500,5,10.00,0.00,0.00\n"
                            "2026-06-03,123-456-7890,Generic,222,EUR,400,4,8.00,0.00,0.00\n")
    code, _, err = roi(capsys, "ingest", str(later), "--kind", "google_ads")
    assert code == 2 and err.splitlines() == [
        f"roi: error: {later}: these rows are already loaded as source google_ads_it (same account and days): "
        "use --source google_ads_it to replace them, or --force-new-source"]
    # Another account on the same days is other money.
    other = project / "other.csv"
    other.write_text(HEAD + "2026-06-02,999-000-1111,Generic,333,EUR,500,5,10.00,0.00,0.00\n")
    assert roi(capsys, "ingest", str(other), "--kind", "google_ads")[0] == 0
    # The same account on days no other source holds is new money too.
    july = project / "july.csv"
    july.write_text(HEAD.replace("June 1, 2026 - June 3, 2026", "July 1, 2026 - July 1, 2026")
                    + "2026-07-01,123-456-7890,Brand,111,EUR,1000,50,70.00,5.00,500.00\n")
    assert roi(capsys, "ingest", str(july), "--kind", "google_ads", "--source", "google_ads_july")[0] == 0
    assert spend_by_source(project) == [("google_ads", 1, Decimal("10.00")), ("google_ads_it", 2, Decimal("220.00")),
                                        ("google_ads_july", 1, Decimal("70.00"))]


def test_sources_lists_each_source_with_its_rows_and_days(project, capsys):
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--force-new-source")
    roi(capsys, "ingest", str(WITH_BAD_ROW), "--kind", "google_ads", "--source", "g_pipeline")
    code, out, err = roi(capsys, "sources")
    assert code == 0, err
    today = dt.date.today().isoformat()[:4]   # loaded just now (in the configured time zone)
    for source, rows, quarantined in (("google_ads", "5", "0"), ("google_ads_it", "5", "0"), ("g_pipeline", "3", "1")):
        row = cells(out, source)
        assert row[:7] == [source, "google_ads", "ad_performance", rows, quarantined, "2026-06-01", "2026-06-03"]
        assert row[7][:2] == today[:2] and len(row[7]) == len("2026-06-30 04:00")


def test_forget_removes_one_source_in_one_go_and_records_it(project, capsys):
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--force-new-source")
    roi(capsys, "ingest", str(WITH_BAD_ROW), "--kind", "google_ads", "--source", "g_pipeline")

    code, out, err = roi(capsys, "forget", "google_ads")
    assert code == 0, err
    assert "forgot source google_ads (kind google_ads, its days 2026-06-01 … 2026-06-03)" in out
    assert "5 rows of core.ad_performance" in out
    assert spend_by_source(project) == [("g_pipeline", 3, Decimal("300.00")), ("google_ads_it", 5, Decimal("137.65"))]
    [forgotten] = query(project, "SELECT status, trigger, rows_in, rows_loaded, error, window_start, window_end "
                                 "FROM ops.loads WHERE source = 'google_ads' ORDER BY started_at DESC LIMIT 1")
    assert forgotten == ("forgotten", "forget", 0, 0, "forgot 5 rows (ad_performance 5)",
                         dt.date(2026, 6, 1), dt.date(2026, 6, 3))
    code, out, _ = roi(capsys, "status")
    assert code == 0 and cells(out, "google_ads")[-2:] == ["forgotten", "forgot 5 rows (ad_performance 5)"]

    # Its quarantined rows go with it: 100 + 120 + 80 loaded, the 'abc' row quarantined.
    code, out, _ = roi(capsys, "forget", "g_pipeline")
    assert code == 0 and "3 rows of core.ad_performance" in out and "1 quarantined row" in out
    assert query(project, "SELECT count(*) FROM ops.quarantine") == [(0,)]
    assert query(project, "SELECT error FROM ops.loads WHERE trigger = 'forget' AND source = 'g_pipeline'") == [
        ("forgot 3 rows (ad_performance 3) and 1 quarantined",)]

    code, out, _ = roi(capsys, "sources")
    assert code == 0 and listed(out) == ["google_ads_it"]
    # Forgotten, the export may go under the kind's name: nothing holds it twice now.
    assert roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")[0] == 2   # google_ads_it still holds it
    assert roi(capsys, "forget", "google_ads_it")[0] == 0
    assert roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")[0] == 0
    assert spend_by_source(project) == [("google_ads", 5, Decimal("137.65"))]


def test_forget_of_an_unknown_source_names_the_known_ones(project, capsys):
    code, _, err = roi(capsys, "forget", "google_ads")
    assert code == 2 and err.splitlines() == [
        f"roi: error: unknown source 'google_ads' (no warehouse yet at {project / 'roi.duckdb'})"]
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    roi(capsys, "ingest", str(WITH_BAD_ROW), "--kind", "google_ads", "--source", "g_pipeline")
    loads = query(project, "SELECT count(*) FROM ops.loads")
    code, _, err = roi(capsys, "forget", "googel_ads")
    assert code == 2 and err.splitlines() == [
        "roi: error: unknown source 'googel_ads' (sources in the warehouse: g_pipeline, google_ads_it)"]
    assert query(project, "SELECT count(*) FROM ops.loads") == loads


def test_forget_waits_for_the_writer_lock(project, capsys):
    from roi.warehouse.db import WriterLock
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")
    with WriterLock(project / "roi.duckdb", 10):
        code, _, err = roi(capsys, "forget", "google_ads")
    assert code == 1 and "another roi process holds the warehouse" in err
    assert spend_by_source(project) == [("google_ads", 5, Decimal("137.65"))]


def test_a_forgotten_source_backfills_again(project, capsys):
    from roi.pipeline.runs import completed_windows
    from roi.contracts.settings import SourceConfig
    from roi.pipeline.config import load_settings
    settings = load_settings(project / "roi.toml")
    source = SourceConfig(name="google_ads", kind="google_ads")
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads")
    assert completed_windows(settings, source) == {(dt.date(2026, 6, 1), dt.date(2026, 6, 3))}
    roi(capsys, "forget", "google_ads")
    assert completed_windows(settings, source) == set()


def test_every_canonical_table_has_its_days():
    from roi import schemas
    from roi.warehouse.source_rows import DATES
    assert set(schemas.MODELS) <= set(DATES)
    for table, column in schemas.WINDOW_COLUMN.items():
        assert column is None or DATES[table][0] == column


def test_ingest_help_names_the_flag(capsys):
    code, out, _ = roi(capsys, "ingest", "--help")
    assert code == 0 and "--force-new-source" in out


def test_the_files_before_a_refused_one_stay_loaded_and_are_shown(project, capsys):
    roi(capsys, "ingest", str(EXPORT), "--kind", "google_ads", "--source", "google_ads_it")
    july = project / "july.csv"
    july.write_text(HEAD.replace("June 1, 2026 - June 3, 2026", "July 1, 2026 - July 1, 2026")
                    + "2026-07-01,123-456-7890,Brand,111,EUR,1000,50,70.00,5.00,500.00\n")
    code, out, err = roi(capsys, "ingest", str(july), str(EXPORT), "--kind", "google_ads")
    assert code == 2 and len(err.splitlines()) == 1 and "already loaded as source google_ads_it" in err
    assert cells(out, "google_ads")[:4] == ["google_ads", "2026-07-01 … 2026-07-01", "1", "1"]
    assert spend_by_source(project) == [("google_ads", 1, Decimal("70.00")), ("google_ads_it", 5, Decimal("137.65"))]


NO_ID = "Campaign report\nJune 1, 2026 - June 2, 2026\nDay,Campaign,Currency code,Impr.,Clicks,Cost\n"
KEYWORDS = ("Search keyword report\nJune 1, 2026 - June 2, 2026\n"
            "Day,Campaign,Ad group,Keyword,Match type,Currency code,Impr.,Clicks,Cost\n"
            "2026-06-01,Brand,Shoes,red shoes,Exact match,EUR,600,30,60.00\n"
            "2026-06-01,Brand,Shoes,shoes,Phrase match,EUR,400,20,40.00\n"
            "2026-06-02,Brand,Shoes,red shoes,Exact match,EUR,1100,55,110.00\n")   # 10.00 without keywords


@pytest.mark.parametrize("campaign_head", [NO_ID, HEAD], ids=["no-account-id", "campaign-report-with-id"])
def test_a_keyword_report_of_campaigns_another_source_holds_is_refused_without_account_ids(
        project, capsys, campaign_head):
    """A campaign report and a keyword report of one account, downloaded without the Customer ID
    column, get account ids derived from their sources' names: they are compared by campaign names
    on the same days, so that the channel's spend is not counted twice."""
    from clikit import roi as run
    campaigns = project / "campaigns.csv"
    rows = (["2026-06-01,Brand,EUR,1000,50,100.00", "2026-06-02,Brand,EUR,1200,60,120.00"] if campaign_head == NO_ID
            else ["2026-06-01,123-456-7890,Brand,111,EUR,1000,50,100.00,0,0",
                  "2026-06-02,123-456-7890,Brand,111,EUR,1200,60,120.00,0,0"])
    campaigns.write_text(campaign_head + "\n".join(rows) + "\n")
    assert run(capsys, "ingest", str(campaigns), "--kind", "google_ads", "--source", "gads_campaigns")[0] == 0
    keywords = project / "keywords.csv"
    keywords.write_text(KEYWORDS)
    code, _, err = run(capsys, "ingest", str(keywords), "--kind", "google_ads", "--source", "gads_keywords")
    assert code == 2 and err.splitlines() == [
        f"roi: error: {keywords}: these rows are already loaded as source gads_campaigns (same campaigns on the "
        "same days; an export without the account's id is compared by campaign names): use --source "
        "gads_campaigns to replace them, or --force-new-source"]
    assert query(project, "SELECT sum(spend) FROM marts.channel_daily") == [(Decimal("220.00"),)]
    # Loaded anyway — under the campaign report's source, or as a new one — its keywords fill their table,
    # and its ad-group days, which the campaign report holds in full, are not counted again.
    for source in ("gads_campaigns", "gads_keywords"):
        args = ("--source", source) + (("--force-new-source",) if source == "gads_keywords" else ())
        code, out, err = run(capsys, "ingest", str(keywords), "--kind", "google_ads", *args)
        assert code == 0, err
        assert f"note: {source}: 2 ad-group rows on 2 day(s) are already held by a campaign report" in out
        assert query(project, "SELECT sum(spend) FROM marts.channel_daily") == [(Decimal("220.00"),)]
        assert query(project, "SELECT sum(spend) FROM core.keyword_performance WHERE source = ?", [source]) == \
            [(Decimal("210.00"),)]
        assert query(project, "SELECT rows_in, rows_loaded, rows_combined, rows_superseded FROM ops.loads "
                              "WHERE source = ? ORDER BY started_at DESC LIMIT 1", [source]) == [(0, 0, 0, 3)]
    # A campaign report again (the same days): its rows replace the source's, keywords stay.
    assert run(capsys, "ingest", str(campaigns), "--kind", "google_ads", "--source", "gads_campaigns")[0] == 0
    assert query(project, "SELECT sum(spend) FROM marts.channel_daily") == [(Decimal("220.00"),)]
    # Another campaign name on those days, named by no account id either, is other money.
    other = project / "other.csv"
    other.write_text(NO_ID + "2026-06-01,Generic,EUR,100,5,10.00\n")
    assert run(capsys, "ingest", str(other), "--kind", "google_ads", "--source", "gads_other")[0] == 0
