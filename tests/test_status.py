"""`roi status`: per source the days its rows cover, rows, last loaded at, its last load, and every chunk of
the latest backfill (failed chunks named)."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import duckdb
import pytest

from roi.pipeline import runs
from roi.pipeline.config import load_settings
from clikit import roi

HEAD = "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"
# Five good Brand days (1-5 August), then 11-12 August whose clicks cannot be read: the backfill chunk
# 11-20 August has rows but none loadable, so it fails (its rows go to quarantine).
GADS = HEAD + "".join(f"2026-08-0{d},Brand,111,EUR,1000,50,10.00,1.00,100.00\n" for d in range(1, 6)) \
    + "2026-08-11,Brand,111,EUR,1000,abc,10.00,1.00,100.00\n2026-08-12,Brand,111,EUR,1000,abc,10.00,1.00,100.00\n"
META = "Day,Campaign name,Impressions,Link clicks,Amount spent (EUR)\n" + "".join(
    f"2026-08-0{d},Summer,1000,10,5.00\n" for d in (2, 3, 4))


@pytest.fixture
def project(tmp_path, monkeypatch):
    for folder, text in (("g", GADS), ("m", META)):
        (tmp_path / "exports" / folder).mkdir(parents=True)
        (tmp_path / "exports" / folder / "export.csv").write_text(text)
    (tmp_path / "roi.toml").write_text(
        '[warehouse]\npath = "roi.duckdb"\ntimezone = "Europe/Rome"\n'
        '[[sources]]\nname = "gads"\nkind = "google_ads"\npath = "exports/g/*.csv"\n'
        '[[sources]]\nname = "meta"\nkind = "meta_ads"\npath = "exports/m/*.csv"\n')
    monkeypatch.chdir(tmp_path)
    return load_settings(tmp_path / "roi.toml")


def table(out: str, title: str) -> dict[str, dict[str, str]]:
    """The rows of the table printed under `title`, by their first cell: {column header: cell}."""
    lines = out[out.index(title):].splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    names = [c.strip() for c in header.strip("┃ ").split("┃")]
    rows = {}
    for line in lines[1:]:
        if line.startswith("└"):
            break
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip().strip("│").split("│")]
            rows[cells[0]] = dict(zip(names, cells))
    return rows


def cells(row: dict[str, str], *names: str) -> list[str]:
    return [row[n] for n in names]


AUG = dt.date(2026, 8, 1)
SUMMARY = ("chunks", "first day", "last day", "loaded", "quarantined", "failed")


def test_status_shows_days_covered_rows_loaded_at_last_load_and_every_backfill_chunk(project, capsys):
    runs.backfill(project, list(project.sources), AUG, dt.date(2026, 8, 25), 10, force=False)
    # then a nightly run of meta alone: [4 Aug − 28 days, 4 Aug]
    assert runs.run_window(project, project.source("meta"), dt.date(2026, 8, 4)).rows_loaded == 3
    code, out, err = roi(capsys, "status")
    assert code == 0, err
    with duckdb.connect(str(project.warehouse_path), read_only=True) as con:
        finished = dict(con.execute("SELECT source, max(finished_at) FROM ops.loads WHERE status = 'succeeded' "
                                    "GROUP BY source").fetchall())
    rome = {s: t.astimezone(ZoneInfo("Europe/Rome")).strftime("%Y-%m-%d %H:%M") for s, t in finished.items()}
    covered = table(out, "sources: the days their rows cover")
    assert covered["gads"] == {"source": "gads", "first day": "2026-08-01", "last day": "2026-08-05", "rows": "5",
                               "last loaded": rome["gads"]}
    assert covered["meta"] == {"source": "meta", "first day": "2026-08-02", "last day": "2026-08-04", "rows": "3",
                               "last loaded": rome["meta"]}
    last = table(out, "the last load of each source")
    load = ("window", "rows in", "loaded", "quarantined", "status")
    assert cells(last["gads"], *load) == ["2026-08-21 … 2026-08-25", "0", "0", "0", "succeeded"]
    assert cells(last["meta"], *load) == ["2026-07-07 … 2026-08-04", "3", "3", "0", "succeeded"]
    # Chunks 1-10, 11-20, 21-25 August: gads 5 rows loaded in the first, the 2 of the middle one quarantined
    # (it failed); meta 3 rows in the first chunk.
    chunks = table(out, "latest backfill of each source")
    assert cells(chunks["gads"], *SUMMARY) == ["3", "2026-08-01", "2026-08-25", "5", "2", "1"]
    assert cells(chunks["meta"], *SUMMARY) == ["3", "2026-08-01", "2026-08-25", "3", "0", "0"]
    assert re.fullmatch(r"2026-\d\d-\d\d \d\d:\d\d", chunks["gads"]["ran"])
    failed = [line for line in out.splitlines() if line.startswith("failed chunk:")]
    assert len(failed) == 1 and failed[0].startswith("failed chunk: gads 2026-08-11 … 2026-08-20 (failed): ")
    assert "roi quarantine --source gads" in failed[0]
    assert "run the same `roi backfill` again" in out


def test_a_new_backfill_starts_a_new_summary(project, capsys):
    runs.backfill(project, list(project.sources), AUG, dt.date(2026, 8, 25), 10, force=False)
    # The same first chunk again (--force): the latest backfill of gads is that one chunk, of meta the first three.
    runs.backfill(project, [project.source("gads")], AUG, dt.date(2026, 8, 10), 10, force=True)
    code, out, _ = roi(capsys, "status")
    chunks = table(out, "latest backfill of each source")
    assert cells(chunks["gads"], *SUMMARY) == ["1", "2026-08-01", "2026-08-10", "5", "0", "0"]
    assert chunks["meta"]["chunks"] == "3"
    assert "failed chunk:" not in out


def test_status_without_a_backfill_shows_no_backfill_table(project, capsys):
    runs.run_window(project, project.source("gads"), dt.date(2026, 8, 5))
    code, out, _ = roi(capsys, "status")
    assert code == 0 and "latest backfill" not in out
    assert cells(table(out, "sources: the days")["gads"], "first day", "last day", "rows") == [
        "2026-08-01", "2026-08-05", "5"]
