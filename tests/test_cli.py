"""The `roi` command as a user types it: exit codes, one-line errors, read-only commands without Prefect."""
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


def roi(*args, cwd):
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "roi.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _cells(table: str, key: str) -> list[str]:
    """The cells of the table row that mentions `key`."""
    row = next(line for line in table.splitlines() if f" {key} " in line)
    return [cell.strip() for cell in row.strip("│ ").split("│")]


def test_ingest_then_read_commands(tmp_path):
    out = roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "quarantined" in out.stdout
    kpi = roi("kpi", "--by", "channel", cwd=tmp_path)
    assert kpi.returncode == 0
    # Brand's three good days (the Generic row is quarantined): 300.00 spent, 1,500.00 conversion value,
    # no orders loaded: revenue and ROI not shown (not 0 and -100 %); ROAS 1500 / 300, no leads or customers:
    # CPL and CAC undefined. The demo configuration's [report] lang is it: 1.234,56.
    assert _cells(kpi.stdout, "google_ads") == ["google_ads", "300,00", "–", "–", "5,00", "300,00", "0", "0",
                                                "–", "–"]
    assert "no revenue source loaded" in kpi.stdout
    campaign = roi("kpi", "--by", "campaign", cwd=tmp_path)
    # 3,000 impressions, 150 clicks, 15 conversions: CTR 5 %, CPC 300 / 150, CPA 300 / 15, ROAS 5
    assert _cells(campaign.stdout, "Brand") == ["google_ads", "Brand", "300,00", "–", "–", "5,00", "0", "–", "15,0",
                                                "20,00", "150", "2,00", "5,00 %", "3.000"]
    status = roi("status", cwd=tmp_path)
    assert status.returncode == 0 and "succeeded" in status.stdout
    q = roi("quarantine", cwd=tmp_path)
    assert "not a number" in q.stdout
    csv = roi("query", "SELECT sum(spend) AS s FROM core.ad_performance", "--csv", cwd=tmp_path)
    assert csv.stdout.splitlines() == ["s", "300.00"]                 # rounded for reading
    csv = roi("query", "SELECT sum(spend) AS s FROM core.ad_performance", "--csv", "--raw", cwd=tmp_path)
    assert csv.stdout.splitlines() == ["s", "300.000000"]             # as DuckDB returns it (DECIMAL(38, 6))


def test_query_errors_print_every_line_of_duckdb_s_text(tmp_path):
    roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    for debug in ([], ["--debug"]):
        out = roi(*debug, "query", "SELECT * FROM marts.kpi_sumary", cwd=tmp_path)
        lines = out.stderr.strip().splitlines()[-2:]
        assert out.returncode == 1 and lines[0] == (
            "roi: error: query failed: Catalog Error: Table with name kpi_sumary does not exist!")
        assert lines[1].startswith('Did you mean "') and "kpi_summary" in lines[1]
    out = roi("query", "SELECT chanel FROM marts.channel_daily", cwd=tmp_path)
    assert out.stderr.splitlines()[1].startswith('Candidate bindings: "channel"')


def test_query_cannot_write(tmp_path):
    roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    out = roi("query", "DELETE FROM core.ad_performance", cwd=tmp_path)
    assert out.returncode == 1 and "read-only" in out.stderr.lower()
    out = roi("query", f"SELECT * FROM read_csv('{FIXTURES / 'google_daily_v1.csv'}')", cwd=tmp_path)
    assert out.returncode == 1


def test_bad_file_exit_1_and_bad_usage_exit_2(tmp_path):
    out = roi("ingest", str(FIXTURES / "garbage.csv"), "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1 and "garbage.csv" in out.stderr
    assert "Traceback" not in out.stderr
    out = roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "myspace", cwd=tmp_path)
    assert out.returncode == 2 and "not a file kind" in out.stderr
    out = roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "numbers", cwd=tmp_path)
    assert out.returncode == 2 and "not a file kind" in out.stderr   # a helper module of transforms/, no kind
    out = roi("kpi", "--by", "weather", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.startswith("roi: error: argument --by: invalid choice: 'weather'")
    assert len(out.stderr.strip().splitlines()) == 1 and "roi kpi --help" in out.stderr
    out = roi("ingest", "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [
        "roi: error: the following arguments are required: PATH (see `roi ingest --help`)"]
    for command in (["run"], ["backfill", "--start", "2026-01-01", "--end", "2026-01-31"]):
        out = roi(*command, "--source", "google_ads_it", "--source", "nope", cwd=tmp_path)   # before Prefect starts
        assert out.returncode == 2 and out.stderr.startswith("roi: error: no source named 'nope'")
        assert len(out.stderr.strip().splitlines()) == 1
    out = roi(cwd=tmp_path)              # no command: the list of commands, as a usage error
    assert out.returncode == 2 and "kpi" in out.stderr and "backfill" in out.stderr


def test_every_command_has_help_and_the_global_debug_flag_goes_first(tmp_path):
    out = roi("--help", cwd=tmp_path)
    assert out.returncode == 0 and "--debug" in out.stdout
    commands = ["init", "run", "backfill", "ingest", "deploy", "serve", "status", "sources", "forget", "kpi",
                "quarantine", "query", "report", "export", "alerts"]
    assert all(f"    {name}" in out.stdout for name in commands)
    for name in commands:
        help_ = roi(name, "--help", cwd=tmp_path)
        assert help_.returncode == 0 and f"usage: roi {name}" in help_.stdout and "--config FILE" in help_.stdout
    plain = roi("query", "SELECT 1", cwd=tmp_path)            # no warehouse yet: one line, exit 1
    assert plain.returncode == 1 and len(plain.stderr.strip().splitlines()) == 1 and "no warehouse yet" in plain.stderr
    debug = roi("--debug", "query", "SELECT 1", cwd=tmp_path)  # the same, with its traceback
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == plain.stderr.strip()


def test_read_commands_do_not_import_prefect(tmp_path):
    roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    code = ("import sys, runpy; sys.argv = ['roi', 'kpi']\n"
            "try:\n    runpy.run_module('roi.cli.main', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "assert 'prefect' not in sys.modules, 'prefect imported'\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    ingest_code = code.replace("'kpi'", f"'ingest', '{FIXTURES / 'google_daily_v2.csv'}', '--kind', 'google_ads'")
    out = subprocess.run([sys.executable, "-c", ingest_code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def roi_then(args: list[str], check: str, cwd) -> subprocess.CompletedProcess:
    """`roi ARGS` run in a fresh interpreter (as the command runs it), then the Python `check` in it,
    which sees the modules the command imported in sys.modules."""
    code = (f"import sys, runpy; sys.argv = {['roi', *args]!r}\n"
            "try:\n    runpy.run_module('roi.cli.main', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n" + check)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_read_commands_import_neither_polars_nor_arrow_nor_pydantic(tmp_path):
    roi("ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads", cwd=tmp_path)
    for command in (["kpi"], ["kpi", "--by", "campaign"], ["status"], ["sources"], ["quarantine"],
                    ["query", "SELECT channel FROM marts.channel_daily"]):
        out = roi_then(command, "heavy = sorted({'polars', 'pyarrow', 'prefect', 'pydantic'} & set(sys.modules))\n"
                                  "assert not heavy, f'imported {heavy}'\n", cwd=tmp_path)
        assert out.returncode == 0, (command, out.stderr)
        assert "google_ads" in out.stdout


def test_ingest_validates_without_importing_hypothesis(tmp_path):
    out = roi_then(["ingest", str(FIXTURES / "google_daily_v1.csv"), "--kind", "google_ads"],
                   "assert sys.modules.get('hypothesis') is None, 'hypothesis imported'\n", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "3 loaded, 1 quarantined" in out.stdout   # pandera still finds the bad row


def test_init_writes_a_starter_that_refuses_to_overwrite(tmp_path):
    out = roi("init", str(tmp_path / "proj"), cwd=tmp_path)
    assert out.returncode == 0
    assert (tmp_path / "proj" / "roi.toml").is_file() and (tmp_path / "proj" / ".env.example").is_file()
    out = roi("init", str(tmp_path / "proj"), cwd=tmp_path)
    assert out.returncode == 2 and "already exists" in out.stderr


def test_read_commands_say_when_the_views_are_an_older_roi_s_until_a_load_rebuilds_them(tmp_path):
    import duckdb
    fixture = str(FIXTURES / "google_daily_v1.csv")
    assert roi("ingest", fixture, "--kind", "google_ads", cwd=tmp_path).returncode == 0
    assert roi("kpi", cwd=tmp_path).stderr == ""
    with duckdb.connect(str(tmp_path / "data" / "roi.duckdb")) as con:   # as an upgrade leaves it
        con.execute("UPDATE ops.settings SET value = 'an older build' WHERE key = 'views_hash'")
    kpi = roi("kpi", cwd=tmp_path)
    assert kpi.returncode == 0 and "google_ads" in kpi.stdout
    assert kpi.stderr.strip() == ("roi: note: this warehouse's views were built by another version of roi; "
                                  "the next `roi run` or `roi ingest` rebuilds them")
    assert roi("ingest", fixture, "--kind", "google_ads", cwd=tmp_path).returncode == 0
    assert roi("kpi", cwd=tmp_path).stderr == ""


def test_ingest_a_folder_loads_its_export_files_oldest_first(tmp_path):
    import duckdb
    folder = tmp_path / "exports"
    folder.mkdir()
    # v1 (June 1-3) is the older export, v2 restates June 3 (80.00 → 90.00): named so that by name v2 goes first.
    (folder / "b.csv").write_bytes((FIXTURES / "google_daily_v1.csv").read_bytes())
    (folder / "a.CSV").write_bytes((FIXTURES / "google_daily_v2.csv").read_bytes())
    os.utime(folder / "b.csv", (1_700_000_000, 1_700_000_000))
    for junk in ("~$a.xlsx", ".b.csv.swp", ".hidden.csv", "notes.pdf"):   # Excel's lock file, hidden files, others
        (folder / junk).write_bytes((FIXTURES / "garbage.csv").read_bytes())
    out = roi("ingest", str(folder), "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    with duckdb.connect(str(tmp_path / "data" / "roi.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ops.loads WHERE trigger = 'ingest'").fetchone()[0] == 2
        # June 1 and 2 of v1 (100 + 120), June 3 of v2 (90); the quarantined Generic row adds nothing
        assert con.execute("SELECT sum(spend) FROM core.ad_performance").fetchone()[0] == 310
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_text("not an export")
    out = roi("ingest", str(tmp_path / "empty"), "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [
        f"roi: error: {tmp_path / 'empty'}: no export files in this folder "
        "(looked for *.csv, *.tsv, *.txt, *.xlsx, *.xlsm, *.xls)"]
    out = roi("ingest", str(tmp_path / "nowhere"), "--kind", "google_ads", cwd=tmp_path)
    assert out.returncode == 2 and "nowhere: no such file or folder" in out.stderr


def test_quarantine_names_an_unknown_source(tmp_path):
    fixture = str(FIXTURES / "google_daily_v1.csv")
    assert roi("ingest", fixture, "--kind", "google_ads", cwd=tmp_path).returncode == 0
    assert roi("ingest", str(FIXTURES / "google_daily_v2.csv"), "--kind", "google_ads", "--source", "clean",
               "--force-new-source", cwd=tmp_path).returncode == 0
    out = roi("quarantine", "--source", "nosuch", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [
        "roi: error: unknown source 'nosuch' (sources in the warehouse: clean, google_ads)"]   # as `roi forget` says it
    out = roi("quarantine", "--source", "clean", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "no quarantined rows for clean"
    out = roi("quarantine", "--source", "google_ads", cwd=tmp_path)
    assert out.returncode == 0 and "not a number" in out.stdout


def test_the_starter_lists_every_kind(tmp_path):
    import re

    from roi.sources.registry import api_kinds, file_kinds
    assert roi("init", str(tmp_path), cwd=tmp_path).returncode == 0
    text = (tmp_path / "roi.toml").read_text(encoding="utf-8")
    comment = re.search(r"^# kind is one of: (.*?)\n(?!#   )", text, re.S | re.M).group(1)
    listed = [k for k in re.split(r"[,\s#]+", comment) if k]
    assert sorted(listed) == sorted(file_kinds() | api_kinds()) and len(listed) == 25
    assert max(len(line) for line in text.splitlines()) <= 120
