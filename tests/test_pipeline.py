"""The load path end to end without Prefect (`roi ingest`): counts, quarantine, idempotency, supersession."""
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.runs import ingest_files
from flows.settings import load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "roi.toml").write_text(
        '[warehouse]\npath = "roi.duckdb"\nreporting_currency = "EUR"\n'
        '[[sources]]\nname = "strict_google"\nkind = "google_ads"\nmode = "files"\n'
        f'path = "{FIXTURES}/google_daily_v1.csv"\nstrict_totals = true\n')
    return load_settings(tmp_path / "roi.toml")


def query(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def checksum(settings):
    tables = ["ad_performance", "email_campaigns", "leads", "orders", "costs", "budgets", "goals", "fx_rates"]
    return {t: query(settings, f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM core.{t} AS t")[0] for t in tables}


def test_rows_in_equal_loaded_plus_quarantined(settings):
    [record] = ingest_files(settings, [FIXTURES / "google_daily_v1.csv"], "google_ads", None)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (4, 3, 1)
    assert (record.window_start, record.window_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 3))
    assert record.totals_check is None  # 150 clicks, 320.00 spend: the rows add up to "Total: Campaigns"
    # spend 100 + 120 + 80 = 300 (the 'abc' row is quarantined, not loaded)
    assert query(settings, "SELECT sum(spend), sum(clicks), min(source) FROM core.ad_performance") == \
        [(300, 150, "google_ads")]
    [(row, reasons, raw)] = query(settings, "SELECT row_number, reasons, raw_row FROM ops.quarantine")
    assert row == 7 and "clicks: 'abc' is not a number" in reasons and '"Campaign":"Generic"' in str(raw)


def test_rerun_leaves_the_warehouse_identical(settings):
    ingest_files(settings, [FIXTURES / "google_daily_v1.csv"], "google_ads", "g")
    first = checksum(settings)
    ingest_files(settings, [FIXTURES / "google_daily_v1.csv"], "google_ads", "g")
    assert checksum(settings) == first
    assert query(settings, "SELECT count(*) FROM ops.quarantine") == [(1,)]
    assert query(settings, "SELECT count(*) FROM ops.loads") == [(2,)]


def test_a_later_export_of_the_same_days_supersedes(settings):
    ingest_files(settings, [FIXTURES / "google_daily_v1.csv"], "google_ads", "g")
    ingest_files(settings, [FIXTURES / "google_daily_v2.csv"], "google_ads", "g")
    # June 3 now holds only v2's Brand row (90.00); June 1-2 keep v1's 100 + 120.
    assert query(settings, "SELECT date_start, sum(spend) FROM core.ad_performance GROUP BY 1 ORDER BY 1") == [
        (dt.date(2026, 6, 1), 100), (dt.date(2026, 6, 2), 120), (dt.date(2026, 6, 3), 90)]


def test_totals_mismatch_is_recorded_and_fails_a_strict_source(settings):
    [loose] = ingest_files(settings, [FIXTURES / "google_totals_mismatch.csv"], "google_ads", "loose")
    assert loose.status == "succeeded"
    assert "110" in loose.totals_check and "100" in loose.totals_check
    [strict] = ingest_files(settings, [FIXTURES / "google_totals_mismatch.csv"], "google_ads", "strict_google")
    assert strict.status == "failed" and "strict_totals" in strict.error
    assert query(settings, "SELECT count(*) FROM core.ad_performance WHERE source = 'strict_google'") == [(0,)]


def test_a_bad_file_fails_alone(settings, tmp_path):
    good = tmp_path / "good.csv"
    shutil.copy(FIXTURES / "google_daily_v1.csv", good)
    records = ingest_files(settings, [FIXTURES / "garbage.csv", good], "google_ads", "g")
    assert [r.status for r in records] == ["failed", "succeeded"]
    assert "garbage.csv" in records[0].error and "\n" not in records[0].error
    assert query(settings, "SELECT count(*) FROM core.ad_performance") == [(3,)]
    assert query(settings, "SELECT status FROM ops.loads ORDER BY started_at") == [("failed",), ("succeeded",)]


def test_a_big_export_read_in_its_used_columns_loads_the_same(settings, tmp_path, monkeypatch):
    """Above PRUNE_BYTES only the columns the transform maps are parsed: same facts, same
    quarantine, and a quarantined row's raw_row still holds every cell of the file (CTR too)."""
    import flows.ingest
    export = tmp_path / "with_ctr.csv"
    lines = (FIXTURES / "google_daily_v1.csv").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Day,"))
    export.write_text("\n".join(line + (",CTR" if i == at else ',"1,5%"' if i > at else "")
                                for i, line in enumerate(lines)) + "\n")
    widths, read_export = [], flows.ingest.read_export
    monkeypatch.setattr(flows.ingest, "read_export", lambda path, keep=None: widths.append(
        read_export(path, keep).rows.width) or read_export(path, keep))
    results = []
    for prune_bytes in (1 << 40, 0):   # never pruned, then always
        monkeypatch.setattr(flows.ingest, "PRUNE_BYTES", prune_bytes)
        [record] = ingest_files(settings, [export], "google_ads", "g")
        assert (record.status, record.rows_loaded, record.rows_quarantined) == ("succeeded", 3, 1)
        results.append((checksum(settings), query(settings, "SELECT row_number, reasons, raw_row FROM ops.quarantine")))
    assert results[0] == results[1]
    assert widths == [11, 10, 11]   # _row + 10 cells; CTR skipped; all again for the quarantined row
    [(row, reasons, raw)] = results[1][1]
    assert '"CTR":"1,5%"' in str(raw) and "clicks: 'abc' is not a number" in reasons


def test_each_loaded_export_is_archived_once_by_content(settings, tmp_path):
    export = tmp_path / "google.csv"
    shutil.copyfile(FIXTURES / "google_daily_v1.csv", export)
    ingest_files(settings, [export], "google_ads", "g")
    ingest_files(settings, [export], "google_ads", "g")
    original = export.read_bytes()
    export.write_text(export.read_text().replace("100.00", "101.00"))   # overwritten in place
    ingest_files(settings, [export], "google_ads", "g")
    archived = sorted((settings.raw_dir / "g").iterdir())
    assert [p.name.split("-", 1)[1] for p in archived] == ["google.csv", "google.csv"]   # no partial files
    assert {p.read_bytes() for p in archived} == {original, export.read_bytes()}
    [(load_ids,)] = query(settings, "SELECT count(DISTINCT load_id) FROM ops.loads")
    assert load_ids == 2   # the same file twice is one load id; its new content another
