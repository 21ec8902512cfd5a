"""The benchmark's generator writes the exports the parsers expect, and `python -m bench --json` reports ratios."""
import json
import subprocess
import sys
from pathlib import Path

from bench import generate
from roi.sources.files import read_export
from roi.transforms import google_ads
from roi.transforms.context import SourceContext

ROOT = Path(__file__).resolve().parent.parent


def _normalise(path):
    return google_ads.normalise(read_export(path), SourceContext(source="g", kind="google_ads"))


def test_generator_is_deterministic_and_both_locales_read_back_the_same(tmp_path):
    en = generate.google_ads(tmp_path / "en.csv", 2_000)
    it = generate.google_ads(tmp_path / "it.csv", 2_000, "it", messy=True)
    assert en.read_bytes() == generate.google_ads(tmp_path / "again.csv", 2_000).read_bytes()
    assert it.read_bytes().startswith("\ufeffRapporto sui gruppi di annunci\n".encode())
    a, b = _normalise(en), _normalise(it)
    assert a.frame.height == b.frame.height == 2_000
    assert a.frame["_errors"].list.len().sum() == 0 and b.frame["_errors"].list.len().sum() == 0
    cols = ["date_start", "campaign_id", "ad_group_id", "impressions", "clicks", "spend", "conversions"]
    assert a.frame.select(cols).equals(b.frame.select(cols))
    assert b.totals_label == "Totale: gruppi di annunci" and b.totals["clicks"] == a.frame["clicks"].sum()


def test_other_generated_exports_parse(tmp_path):
    meta = read_export(generate.meta_ads(tmp_path / "meta.csv", 500))
    mailchimp = read_export(generate.mailchimp(tmp_path / "mc.csv", 60))
    assert meta.rows.height == 500 and "Amount spent (EUR)" in meta.header
    assert mailchimp.rows.height == 60 and mailchimp.rows["Revenue_Created"].to_list()[:2] == ["n/a", "9893.69"]
    months = generate.google_months(tmp_path / "months", 3, 5)
    assert [p.name for p in months] == ["google_ads_2026_08.csv", "google_ads_2026_09.csv", "google_ads_2026_10.csv"]


def test_json_output(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--rows", "2000", "--runs", "1", "--only", "channel_monthly",
                           "--json", str(out), "--data", str(tmp_path / "data")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["rows"] == 2000 and report["runs"] == 1
    [m] = report["measurements"]
    assert m["name"] == "channel_monthly" and m["unit"] == "x" and m["value"] > 0 and m["target"] == "<= 1.5"
    assert report["tasks"]["views:big"]["samples"][0]["mart_rows"] > 0
    assert "| measurement |" in done.stdout
    benchmarks = ROOT / "BENCHMARKS.md"
    assert not benchmarks.exists() or "Rows: 2,000 ·" not in benchmarks.read_text()   # --json leaves it alone


def test_the_backfill_measurement_runs_the_pipeline_backfill(tmp_path):
    # the bench calls roi.pipeline.runs.backfill directly: a change of what it returns must not break `make bench`
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--rows", "2000", "--runs", "1", "--only", "rss_backfill",
                           "--json", str(out), "--data", str(tmp_path / "data")],
                          capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    tasks = json.loads(out.read_text())["tasks"]
    assert tasks["backfill:36"]["samples"][0]["chunks"] > tasks["backfill:3"]["samples"][0]["chunks"] > 0
    assert tasks["backfill:3"]["samples"][0]["rows"] > 0


def test_duckdb_alone_loads_the_same_rows_into_our_table(tmp_path):
    """The floor measurement stores every row of the English export in core.ad_performance."""
    from bench.tasks import duckdb_canonical
    csv = generate.google_ads(tmp_path / "en.csv", 2_000)
    result = duckdb_canonical(str(csv), str(tmp_path / "floor" / "roi.duckdb"))
    assert result["rows"] == 2_000 and result["seconds"] > 0
    import duckdb
    with duckdb.connect(str(tmp_path / "floor" / "roi.duckdb"), read_only=True) as con:
        spend, days = con.execute("SELECT sum(spend), count(DISTINCT date_start) FROM core.ad_performance").fetchone()
    frame = _normalise(csv).frame
    assert float(spend) == round(frame["spend"].sum(), 6) and days == frame["date_start"].n_unique()


def test_the_segmented_export_repeats_each_ad_group_day_and_loads_summed(tmp_path):
    from roi.pipeline.runs import ingest_files
    from roi.pipeline.config import load_settings
    path = generate.google_segmented(tmp_path / "seg.csv", 3_000, repeats=30)
    frame = _normalise(path).frame
    assert frame.height == 3_000 and frame.select("date_start", "ad_group_id").n_unique() == 100
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    [record] = ingest_files(load_settings(tmp_path / "roi.toml"), [path], "google_ads", None)
    assert (record.rows_in, record.rows_loaded, record.rows_combined) == (3_000, 100, 2_900)
    assert record.combined_by.startswith("keyword")
