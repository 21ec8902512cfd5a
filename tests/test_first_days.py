"""A new user's first days: a run on exports outside its window says which command loads them, roi.toml is
found from a subfolder, the bundled demo never runs silently, a starter's missing paths are named at once,
and a future --date is refused."""
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from roi.pipeline import runs
from roi.contracts.errors import ConfigError
from roi.pipeline.config import DEMO_CONFIG, load_settings
from clikit import roi

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline" / "google_daily_v1.csv"
# One Brand day at the start of August, mid-September and the end of October: the files hold 1 Aug … 31 Oct.
GADS = ("Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"
        "2026-08-01,Brand,111,EUR,1000,50,10.00,1.00,100.00\n"
        "2026-09-15,Brand,111,EUR,1000,50,20.00,1.00,100.00\n"
        "2026-10-31,Brand,111,EUR,1000,50,30.00,1.00,100.00\n")
NOTE = ("note: gads: 0 rows in {lo} … {hi}; its files hold 2026-08-01 … 2026-10-31 — load them with "
        "`roi backfill --start 2026-08-01 --end 2026-10-31 --source gads` "
        "(or `roi ingest FILE… --kind google_ads --source gads`)")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "gads.csv").write_text(GADS)
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n[[sources]]\nname = "gads"\n'
                                       'kind = "google_ads"\npath = "exports/*.csv"\nlookback_days = 7\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- honest empty runs ----------------

def test_a_run_whose_window_misses_the_files_says_which_command_loads_them(project, capsys, prefect_harness):
    code, out, err = roi(capsys, "run", "--date", "2026-11-30")   # window [23 Nov, 30 Nov]
    assert code == 0, err
    assert NOTE.format(lo="2026-11-23", hi="2026-11-30") in out.splitlines()
    # Following it loads the three days, and says nothing more.
    code, out, err = roi(capsys, "backfill", "--start", "2026-08-01", "--end", "2026-10-31", "--chunk-days", "100")
    assert code == 0, err
    assert "1 load(s): 3 rows in, 3 loaded" in out and "note:" not in out


def test_a_backfill_that_loads_nothing_says_so_once_per_source(project, capsys, prefect_harness):
    code, out, err = roi(capsys, "backfill", "--start", "2026-11-01", "--end", "2026-11-30", "--chunk-days", "10")
    assert code == 0, err
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert notes == [NOTE.format(lo="2026-11-01", hi="2026-11-30")]


def test_no_note_when_the_files_days_were_loaded_or_the_window_holds_rows(project):
    settings = load_settings(None)
    gads = settings.source("gads")
    # A window with one of the files' days: 1 row, no note.
    [loaded] = runs.backfill(settings, [gads], dt.date(2026, 10, 25), dt.date(2026, 10, 31), 7, force=False)
    assert loaded["rows_in"] == 1 and loaded["note"] is None
    # August-October already loaded (one 92-day chunk); a wider backfill in 92-day chunks skips that one
    # and loads nothing in May-July and November: the files' days were in its range, nothing to say.
    runs.backfill(settings, [gads], dt.date(2026, 8, 1), dt.date(2026, 10, 31), 92, force=False)
    wider = runs.backfill(settings, [gads], dt.date(2026, 5, 1), dt.date(2026, 11, 30), 92, force=False)
    assert [(r["window_start"], r["window_end"], r["rows_in"]) for r in wider] == [
        (dt.date(2026, 5, 1), dt.date(2026, 7, 31), 0), (dt.date(2026, 11, 1), dt.date(2026, 11, 30), 0)]
    assert wider[-1]["note"] is None


def test_api_sources_get_no_note():
    record = runs.LoadRecord(load_id="L1", source="meta", kind="meta_ads", window_start=dt.date(2026, 11, 1),
                             window_end=dt.date(2026, 11, 30), started_at=dt.datetime.now(dt.timezone.utc),
                             status="succeeded")
    assert runs.reported([record], None, None)[0].get("note") is None
    note = runs.outside_files_note([record], (dt.date(2026, 8, 1), dt.date(2026, 10, 31)), "/p/roi.toml")
    assert note.endswith("`roi backfill --start 2026-08-01 --end 2026-10-31 --source meta --config /p/roi.toml` "
                         "(or `roi ingest FILE… --kind meta_ads --source meta --config /p/roi.toml`)")


# ---------------------------------------------------------------- roi.toml from a subfolder, no silent demo --

def test_roi_toml_is_found_in_the_nearest_parent_folder(tmp_path, monkeypatch):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "outer.duckdb"\n')
    project = tmp_path / "client"
    (project / "exports").mkdir(parents=True)
    (project / "exports" / "g.csv").write_text(GADS)
    (project / "roi.toml").write_text('[warehouse]\npath = "data/roi.duckdb"\n[[sources]]\nname = "gads"\n'
                                      'kind = "google_ads"\npath = "exports/*.csv"\n')
    deeper = project / "reports" / "2026"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    s = load_settings(None)
    assert s.config_path == project / "roi.toml" and not s.is_demo
    # paths relative to the toml's own folder, as if given with --config
    assert s.warehouse_path == project / "data" / "roi.duckdb"
    assert s.source("gads").path == str(project / "exports" / "*.csv")
    monkeypatch.chdir(tmp_path / "client")   # the current folder's own roi.toml comes first
    assert load_settings(None).warehouse_path == project / "data" / "roi.duckdb"


DEMO_LINE = ("demo data: no roi.toml in {cwd} or its parents — using the bundled demo (warehouse data/roi.duckdb); "
             "`roi init` writes your own")


def test_every_command_on_the_demo_says_demo_data_first(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert load_settings(None).config_path == DEMO_CONFIG
    line = DEMO_LINE.format(cwd=tmp_path)
    code, out, err = roi(capsys, "ingest", str(FIXTURE), "--kind", "google_ads")
    assert code == 0, err
    assert out.splitlines()[0] == line
    for command in (["status"], ["kpi"], ["sources"], ["quarantine"], ["query", "SELECT 1 AS x"], ["alerts"],
                    ["export", "--out", str(tmp_path / "export")]):
        code, out, err = roi(capsys, *command)
        assert out.splitlines()[0] == line, (command, out, err)
    # stdout of `roi query --csv` is data for another program: the line goes to stderr
    code, out, err = roi(capsys, "query", "SELECT 1 AS x", "--csv")
    assert code == 0 and out == "x\n1\n" and err.splitlines()[0] == line
    code, out, err = roi(capsys, "run", "--source", "nope")   # said before the error, too
    assert code == 2 and out.splitlines() == [line] and "no source named 'nope'" in err


def test_a_project_of_ones_own_never_says_demo_data(project, capsys):
    code, out, err = roi(capsys, "ingest", str(FIXTURE), "--kind", "google_ads")
    code, out, err = roi(capsys, "status")
    assert code == 0 and "demo" not in out + err


# ---------------------------------------------------------------- small ones ------------------------

def test_every_missing_path_is_named_at_once(tmp_path):
    (tmp_path / "exports" / "meta").mkdir(parents=True)
    (tmp_path / "exports" / "meta" / "m.csv").write_text("Day,Campaign name,Amount spent (EUR)\n")
    sources = [("gads", "google_ads", "exports/google/*.csv"), ("meta", "meta_ads", "exports/meta/*.csv"),
               ("shop", "orders", "exports/shop/*.xlsx"), ("fx", "fx_rates", "/nowhere/fx.csv")]
    (tmp_path / "roi.toml").write_text("".join(f'[[sources]]\nname = "{n}"\nkind = "{k}"\npath = "{p}"\n'
                                               for n, k, p in sources))
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "roi.toml")
    message = str(info.value)
    assert "\n" not in message and "no file matches the path of 3 sources" in message
    assert "(gads: exports/google/*.csv; shop: exports/shop/*.xlsx; fx: /nowhere/fx.csv)" in message
    assert "meta" not in message


def test_the_starter_config_names_all_its_example_paths_in_one_error(tmp_path, monkeypatch, capsys):
    assert roi(capsys, "init", str(tmp_path))[0] == 0
    examples = re.findall(r'^path = "(exports/[^"]+)"', (tmp_path / "roi.toml").read_text(), re.M)
    assert len(examples) > 1
    monkeypatch.chdir(tmp_path)
    code, out, err = roi(capsys, "run")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"no file matches the path of {len(examples)} sources" in err
    assert all(path in err for path in examples)


def test_a_future_date_is_a_usage_error_naming_today(project, capsys):
    today = dt.datetime.now(ZoneInfo("Europe/Rome")).date()
    code, out, err = roi(capsys, "run", "--date", str(today + dt.timedelta(days=1)))
    assert code == 2 and err.strip() == (
        f"roi: error: --date {today + dt.timedelta(days=1)} is after today ({today} in Europe/Rome): a window "
        "cannot end in the future — leave --date out to load up to yesterday")
