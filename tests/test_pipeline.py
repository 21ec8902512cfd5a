"""The load path end to end without Prefect (`roi ingest`): counts, quarantine, idempotency, supersession."""
import contextlib
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from roi.pipeline.runs import ingest_files
from roi.pipeline.config import load_settings

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
    [strict] = ingest_files(settings, [FIXTURES / "google_totals_mismatch.csv"], "google_ads", "strict_google",
                            force_new_source=True)
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


def _spy_batches(monkeypatch) -> list:
    """What each batched read of roi.pipeline.ingest returned (None: the export was read whole instead)."""
    import roi.pipeline.ingest
    results, normalise_in_batches = [], roi.pipeline.ingest._normalise_in_batches
    monkeypatch.setattr(roi.pipeline.ingest, "_normalise_in_batches", lambda *args, **kwargs: results.append(
        normalise_in_batches(*args, **kwargs)) or results[-1])
    return results


def _ingest_in_batches(settings, monkeypatch, export: Path, kind: str, batch_rows: int, sample_rows: int | None = None):
    """`export` loaded as a big export read `batch_rows` records at a time (the batched read's check
    keeping `sample_rows` first rows): its load record, and what the batched read returned."""
    import roi.pipeline.ingest
    batched = _spy_batches(monkeypatch)
    monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", 0)
    monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", batch_rows)
    if sample_rows is not None:
        monkeypatch.setattr(roi.pipeline.ingest, "SAMPLE_ROWS", sample_rows)
    [record] = ingest_files(settings, [export], kind, kind)
    return record, batched


def test_a_big_export_read_in_batches_of_its_used_columns_loads_the_same(settings, tmp_path, monkeypatch):
    """Above PRUNE_BYTES an export is read BATCH_ROWS records at a time, in the columns the
    transform maps only: same facts, same quarantine, and a quarantined row's raw_row still holds
    every cell of the file (CTR too)."""
    import roi.pipeline.ingest
    export = tmp_path / "with_ctr.csv"
    lines = (FIXTURES / "google_daily_v1.csv").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Day,"))
    export.write_text("\n".join(line + (",CTR" if i == at else ',"1,5%"' if i > at else "")
                                for i, line in enumerate(lines)) + "\n")
    whole, batched = [], []
    read_export, read_export_batches = roi.pipeline.ingest.read_export, roi.pipeline.ingest.read_export_batches
    monkeypatch.setattr(roi.pipeline.ingest, "read_export", lambda path, keep=None: whole.append(
        read_export(path, keep).rows.width) or read_export(path, keep))

    @contextlib.contextmanager
    def counted(path, keep, rows):
        with read_export_batches(path, keep, rows) as batches:
            yield (batched.append(batch.rows.height) or batch for batch in batches)

    monkeypatch.setattr(roi.pipeline.ingest, "read_export_batches", counted)
    monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", 2)
    results = []
    for prune_bytes in (1 << 40, 0):   # never pruned, then always
        monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", prune_bytes)
        [record] = ingest_files(settings, [export], "google_ads", "g")
        assert (record.status, record.rows_loaded, record.rows_quarantined) == ("succeeded", 3, 1)
        assert record.totals_check is None   # the totals row, read in the last batch, adds up
        results.append((checksum(settings), query(settings, "SELECT row_number, reasons, raw_row FROM ops.quarantine")))
    assert results[0] == results[1]
    assert whole == [11, 11]   # _row + 10 cells, whole; again for the batched read's quarantined row
    assert sum(batched) == 4 and len(batched) >= 2 and max(batched) <= 2
    [(row, reasons, raw)] = results[1][1]
    assert '"CTR":"1,5%"' in str(raw) and "clicks: 'abc' is not a number" in reasons


def test_a_batched_read_loads_a_big_italian_export_like_a_whole_one(settings, tmp_path, monkeypatch):
    """Title and date-range lines, decimal commas, thousands dots and totals rows: the same
    warehouse (facts, reconciled totals, window) whichever way the file is read."""
    import roi.pipeline.ingest
    from bench import generate
    export = generate.google_ads(tmp_path / "it.csv", 3_000, "it", messy=True)
    monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", 0)
    batched = _spy_batches(monkeypatch)
    seen = []
    for batch_rows in (1 << 30, 700):   # one batch, then five
        monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", batch_rows)
        [record] = ingest_files(settings, [export], "google_ads", "g")
        assert record.status == "succeeded", record.error
        seen.append((record.rows_loaded, record.rows_quarantined, record.totals_check, record.window_start,
                     record.window_end, checksum(settings)))
    assert seen[0] == seen[1] and seen[0][:3] == (3_000, 0, None)
    assert all(result is not None for result in batched) and len(batched) == 2   # read in batches both times


def test_a_batched_read_takes_the_date_order_and_decimal_mark_from_the_whole_export(settings, tmp_path, monkeypatch):
    """The first batch alone (days <= 12, '1,234') would read month-first dates and a thousands
    comma; the whole export (a 25th, '2,50') says day-first and a decimal comma: the whole wins."""
    export = tmp_path / "ambiguous.csv"
    export.write_text("Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost\n"
                      "05/01/2026,Brand,111,EUR,100,10,\"1,234\"\n"
                      "06/01/2026,Brand,111,EUR,100,10,\"1,000\"\n"
                      "25/01/2026,Brand,111,EUR,100,10,\"2,50\"\n")
    record, batched = _ingest_in_batches(settings, monkeypatch, export, "google_ads", batch_rows=2)
    assert record.status == "succeeded", record.error
    assert batched == [None]   # the first batch's choices were not the whole export's: read whole
    assert query(settings, "SELECT date_start, spend FROM core.ad_performance ORDER BY 1") == [
        (dt.date(2026, 1, 5), Decimal("1.234")), (dt.date(2026, 1, 6), Decimal("1.000")),
        (dt.date(2026, 1, 25), Decimal("2.500"))]


def test_a_big_meta_export_is_read_in_batches_like_a_whole_one(settings, tmp_path, monkeypatch):
    import roi.pipeline.ingest
    from bench import generate
    export = generate.meta_ads(tmp_path / "meta.csv", 3_000)
    batched = _spy_batches(monkeypatch)
    seen = []
    for prune_bytes, batch_rows in ((1 << 40, 1 << 30), (0, 700)):   # whole, then in five batches
        monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", prune_bytes)
        monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", batch_rows)
        [record] = ingest_files(settings, [export], "meta_ads", "m")
        assert record.status == "succeeded", record.error
        seen.append((record.rows_loaded, record.rows_quarantined, record.totals_check, record.window_start,
                     record.window_end, checksum(settings)))
    assert seen[0] == seen[1] and seen[0][:2] == (3_000, 0)
    assert len(batched) == 1 and batched[0] is not None   # the second load was read in batches


def test_a_batched_meta_read_takes_the_date_order_from_both_date_columns_of_every_batch(settings, tmp_path,
                                                                                         monkeypatch):
    """Only the last batch's Reporting ends (the 25th) says day-first; the first batch alone (days
    <= 12, an English export) would read month-first. The check keeps one first row only here, as
    it keeps the first 100,000 of a big export: the date cells of every batch must decide."""
    export = tmp_path / "ranges.csv"
    export.write_text("Campaign name,Reporting starts,Reporting ends,Impressions,Amount spent (EUR)\n"
                      "A,05/01/2026,05/01/2026,100,1.00\n"
                      "B,06/01/2026,06/01/2026,100,2.00\n"
                      "C,10/01/2026,25/01/2026,100,3.00\n")
    record, batched = _ingest_in_batches(settings, monkeypatch, export, "meta_ads", batch_rows=2, sample_rows=1)
    assert (record.status, record.rows_loaded) == ("succeeded", 3), record.error
    assert batched == [None]   # the first batch's choice was not the whole export's: read whole
    assert query(settings, "SELECT campaign_name, date_start, date_end FROM core.ad_performance ORDER BY 1") == [
        ("A", dt.date(2026, 1, 5), dt.date(2026, 1, 5)), ("B", dt.date(2026, 1, 6), dt.date(2026, 1, 6)),
        ("C", dt.date(2026, 1, 10), dt.date(2026, 1, 25))]


def test_a_meta_export_that_may_open_with_its_summary_row_is_read_whole(settings, tmp_path, monkeypatch):
    """A summary row is known by the sum of every row below it, which neither the first batch nor
    the first rows kept for the check (one here, 100,000 of a big export) see."""
    export = tmp_path / "summary.csv"
    export.write_text("Campaign name,Day,Impressions,Amount spent (EUR)\n"
                      ",,300,30.00\n"
                      "A,2026-06-01,100,10.00\n"
                      "B,2026-06-02,200,20.00\n")
    record, batched = _ingest_in_batches(settings, monkeypatch, export, "meta_ads", batch_rows=1, sample_rows=1)
    assert (record.status, record.rows_loaded, record.rows_quarantined) == ("succeeded", 2, 0), record.error
    assert record.totals_check is None and batched == [None]   # the summary row is the totals, not a fact
    assert query(settings, "SELECT campaign_name, spend FROM core.ad_performance ORDER BY 1") == [
        ("A", Decimal("10.000000")), ("B", Decimal("20.000000"))]


def test_a_big_export_that_turns_out_not_utf8_is_loaded_whole(settings, tmp_path, monkeypatch):
    import roi.pipeline.ingest
    export = tmp_path / "late.csv"
    rows = "".join(f"2026-06-01,Campaign {i},{i},5,1.00\n" for i in range(5_000))
    export.write_bytes(("Day,Campaign,Campaign ID,Clicks,Cost\n" + rows).encode()
                       + "2026-06-02,Città,9999,7,2.00\n".encode("cp1252"))
    monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", 0)
    monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", 1_000)
    [record] = ingest_files(settings, [export], "google_ads", "g")
    assert (record.status, record.rows_loaded) == ("succeeded", 5_001), record.error
    assert query(settings, "SELECT campaign_name, clicks FROM core.ad_performance WHERE campaign_id = '9999'") == \
        [("Città", 7)]


def test_a_restated_day_is_recorded_with_its_before_and_after(settings):
    """v2 re-pulls 3 June: Brand 800 -> 900 impressions, 40 -> 45 clicks, 80 -> 90 spend, 4 -> 4.5
    conversions, 400 -> 450 value (v1's other 3 June row was quarantined, so not counted before)."""
    ingest_files(settings, [FIXTURES / "google_daily_v1.csv"], "google_ads", "g")
    assert query(settings, "SELECT count(*) FROM ops.restatements") == [(0,)]   # nothing loaded before
    [record] = ingest_files(settings, [FIXTURES / "google_daily_v2.csv"], "google_ads", "g")
    assert query(settings, "SELECT load_id, source, date, metric, before, after FROM ops.restatements "
                           "ORDER BY metric") == [
        (record.load_id, "g", dt.date(2026, 6, 3), "clicks", 40.0, 45.0),
        (record.load_id, "g", dt.date(2026, 6, 3), "conversion_value", 400.0, 450.0),
        (record.load_id, "g", dt.date(2026, 6, 3), "conversions", 4.0, 4.5),
        (record.load_id, "g", dt.date(2026, 6, 3), "impressions", 800.0, 900.0),
        (record.load_id, "g", dt.date(2026, 6, 3), "spend", 80.0, 90.0)]
    ingest_files(settings, [FIXTURES / "google_daily_v2.csv"], "google_ads", "g")   # the same again
    assert query(settings, "SELECT count(*) FROM ops.restatements") == [(5,)]


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


def _segmented_export(path: Path, devices: bool) -> Path:
    """A keyword report (30 keywords per ad group and day; with `devices`, each keyword row twice, for
    two devices) with one row whose cost cannot be read and one with more clicks than impressions."""
    import polars as pl

    from bench import generate
    generate.google_segmented(path, 1_800)
    rows = pl.read_csv(path, infer_schema=False)
    if devices:
        rows = pl.concat([rows.with_columns(pl.lit(d).alias("Device")) for d in ("Mobile", "Computers")]) \
            .sort("Day", "Ad group ID", "Keyword", "Device", maintain_order=True)
    rows = rows.with_columns(
        pl.when(pl.int_range(pl.len()) == 1_000).then(pl.lit("12x")).otherwise(pl.col("Cost")).alias("Cost"),
        pl.when(pl.int_range(pl.len()) == 1_201).then(pl.lit("1")).otherwise(pl.col("Impr.")).alias("Impr."))
    rows.write_csv(path)
    return path


@pytest.mark.parametrize("devices", [False, True], ids=["keywords", "keywords-by-device"])
def test_a_segmented_export_read_in_batches_is_summed_batch_by_batch_like_a_whole_read(
        settings, tmp_path, monkeypatch, devices):
    """A keyword report read in batches (whose ad-group days, and by device whose keyword days, run
    across batch ends) loads the same ad-group and keyword rows, quarantine and counts as read whole:
    its rows are checked and summed a batch at a time, its keyword rows kept on disk until the load."""
    import roi.pipeline.ingest
    export = _segmented_export(tmp_path / "keywords.csv", devices)
    lines = 1_800 * (2 if devices else 1)
    seen, scans = [], []
    extract = roi.pipeline.ingest.extract
    monkeypatch.setattr(roi.pipeline.ingest, "extract", lambda *a, **k: scans.append(
        extract(*a, **k)) or scans[-1])
    for prune_bytes, batch_rows in ((1 << 40, 1 << 30), (0, 701)):   # whole, then in batches of 701
        monkeypatch.setattr(roi.pipeline.ingest, "PRUNE_BYTES", prune_bytes)
        monkeypatch.setattr(roi.pipeline.ingest, "BATCH_ROWS", batch_rows)
        from roi.pipeline import runs
        monkeypatch.setattr(runs, "extract", roi.pipeline.ingest.extract)
        [record] = ingest_files(settings, [export], "google_ads", "g")
        assert record.status == "succeeded", record.error
        # (conversions are doubles: summed batch by batch, they may differ in the 15th digit)
        seen.append((record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined,
                     *[query(settings, f"SELECT * EXCLUDE (load_id, conversions), round(conversions, 9) "
                                       f"FROM core.{table} ORDER BY ALL")
                       for table in ("ad_performance", "keyword_performance")],
                     query(settings, "SELECT row_number, reasons FROM ops.quarantine ORDER BY 1")))
    import polars as pl
    assert isinstance(scans[1].extras["keyword_performance"], pl.LazyFrame)   # on disk until the load
    assert seen[0] == seen[1]
    rows_in, loaded, combined, quarantined, *_ = seen[1]
    keyword_rows = 1_800 if devices else 1_800 - 2   # by device, each bad line's other device is loaded
    assert len(seen[1][5]) == keyword_rows
    assert rows_in == lines and quarantined == 2 and rows_in == loaded + combined + quarantined
    assert loaded == 1_800 // 30   # 60 ad-group days
    [(reason_a,), (reason_b,)] = [(r,) for _, r in seen[1][-1]]
    assert "cost" in reason_a.lower() or "spend" in reason_a.lower()
    assert "clicks exceed impressions" in reason_b
    # The spend loaded is the export's, less the two quarantined rows': in both tables.
    cells = pl.read_csv(export, infer_schema=False)
    good = cells.with_row_index().filter(~pl.col("index").is_in([1_000, 1_201]))
    expected = round(good["Cost"].cast(pl.Float64).sum(), 2)
    assert [round(float(v), 2) for v in query(settings, "SELECT sum(spend) FROM core.ad_performance")[0]] == [expected]
    assert [round(float(v), 2) for v in query(settings, "SELECT sum(spend) FROM core.keyword_performance")[0]] \
        == [expected]


def test_a_whole_period_export_s_window_runs_to_the_last_day_its_rows_cover(settings, tmp_path):
    """Rows over a week (Meta's Reporting starts / ends, no date-range line above the header): the load's
    window is the week, not its first day."""
    export = tmp_path / "week.csv"
    export.write_text("Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,Link clicks\n"
                      "Brand,2026-06-01,2026-06-07,70.00,7000,140\n"
                      "Promo,2026-06-01,2026-06-07,35.00,3500,70\n")
    [record] = ingest_files(settings, [export], "meta_ads", "m")
    assert record.status == "succeeded", record.error
    assert (record.window_start, record.window_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 7))
