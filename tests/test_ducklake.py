"""[warehouse] backend = "ducklake": the demo loaded into a DuckLake (SQLite and PostgreSQL catalogs) gives the
same marts as the one-file warehouse; loads in two processes at once end exact; a reader is never blocked by a
load; roi kpi / query / report read a lake."""
import datetime as dt
import math
import os
import re
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import WarehouseTarget
from roi.pipeline.config import DEMO_CONFIG, load_settings
from roi.warehouse import build, db
from engines import postgres_cluster

ROOT = Path(__file__).resolve().parent.parent


def demo_toml(folder: Path, warehouse: str) -> Path:
    """The bundled demo's roi.toml in `folder`, its sources' paths made absolute, [warehouse] keys added."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    head, sources = text.split("\n[[sources]]", 1)
    sources = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{DEMO_CONFIG.parent / m.group(1)}"', sources,
                     flags=re.MULTILINE)
    assert head.count('\npath = "data/roi.duckdb"\n') == 1
    head = head.replace('\npath = "data/roi.duckdb"\n', '\npath = "data/roi.duckdb"\n' + warehouse)
    (folder / "roi.toml").write_text(head + "\n[[sources]]" + sources, encoding="utf-8")
    return folder / "roi.toml"


def load_demo(toml: Path):
    from roi.pipeline.ingest import extract, file_window, load
    settings = load_settings(toml)
    for source in settings.sources:
        extracted = extract(settings, source)
        assert load(settings, extracted, file_window(extracted), "test").status == "succeeded"
    return settings


def _key(value):
    """A cell as rows are sorted by: floating sums rounded (their order of addition may differ)."""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {k: _key(v) for k, v in value.items()}
    return value


def _same(a, b) -> bool:
    """Cells equal; floats to 1e-9 (a sum's last bits depend on the order DuckDB added its parts in)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def mart_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every marts view's rows (sorted), and the table macros' at fixed arguments."""
    views = [v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                       "AND schema_name = 'marts' ORDER BY 1").fetchall()]
    queries = {v: f"SELECT * FROM marts.{v}" for v in views}
    queries["period_kpis(2025)"] = "SELECT * FROM marts.period_kpis(DATE '2025-01-01', DATE '2025-12-31')"
    queries["channel_kpis(month)"] = "SELECT * FROM int.channel_kpis('month')"
    return {name: sorted(con.execute(sql).fetchall(), key=lambda r: repr([_key(c) for c in r]))
            for name, sql in queries.items()}


def assert_same_marts(lake: dict[str, list[tuple]], file: dict[str, list[tuple]]) -> None:
    assert {n: len(r) for n, r in lake.items()} == {n: len(r) for n, r in file.items()}
    for name in file:
        for lake_row, file_row in zip(lake[name], file[name]):
            assert all(_same(a, b) for a, b in zip(lake_row, file_row)), (name, lake_row, file_row)


@pytest.fixture(scope="module")
def pg():
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def file_marts(demo_warehouse):
    with db.connect_read_only(demo_warehouse) as con:
        return mart_rows(con)


@pytest.fixture(scope="module")
def sqlite_lake(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite_lake")
    toml = demo_toml(folder, 'backend = "ducklake"\ncatalog = "sqlite:lake/catalog.sqlite"\ndata_path = "lake/files"\n')
    return load_demo(toml)


@pytest.fixture(scope="module")
def postgres_lake(tmp_path_factory, pg):
    folder = tmp_path_factory.mktemp("postgres_lake")
    catalog = pg.createdb("demo")
    toml = demo_toml(folder, f'backend = "ducklake"\ncatalog = "postgres:{catalog}"\ndata_path = "lake/"\n')
    return load_demo(toml)


def test_demo_marts_in_a_sqlite_catalog_lake_equal_the_file_warehouse(sqlite_lake, file_marts):
    with db.connect_read_only(sqlite_lake.warehouse) as con:
        lake = mart_rows(con)
    empty = sorted(name for name, rows in file_marts.items() if not rows)
    # the demo has every rate it needs, and no keyword or search-term exports
    assert len(file_marts) > 15 and empty == ["fx_missing", "keyword_performance", "mmm_channel_roi",
                                                 "mmm_plan", "mmm_response_curves", "search_terms_wasted"]
    assert_same_marts(lake, file_marts)
    assert sorted(p.suffix for p in (sqlite_lake.base_dir / "lake" / "files").rglob("*.*"))[0] == ".parquet"


def test_demo_marts_in_a_postgres_catalog_lake_equal_the_file_warehouse(postgres_lake, file_marts):
    with db.connect_read_only(postgres_lake.warehouse) as con:
        assert_same_marts(mart_rows(con), file_marts)
        # what the lake holds is not the session's: tables in the lake, views in the session's memory
        kinds = dict(con.execute("SELECT schema_name, any_value(database_name) FROM duckdb_tables() "
                                 "GROUP BY 1").fetchall())
        assert kinds == {"core": "lake", "ops": "lake", "mmm": "lake"}
        assert con.execute("SELECT DISTINCT database_name FROM duckdb_views() WHERE schema_name = 'marts'"
                           ).fetchall() == [("memory",)]


def test_read_commands_read_a_lake_as_they_read_a_file(sqlite_lake, demo_warehouse, tmp_path):
    """roi kpi prints the same table from the lake as from the file; roi query and roi report read the lake."""
    file_dir = tmp_path / "file"
    file_dir.mkdir()
    (file_dir / "roi.toml").write_text(f'[warehouse]\npath = "{demo_warehouse}"\n[report]\nlang = "en"\n')
    lake_dir = tmp_path / "lake"
    lake_dir.mkdir()
    lake = sqlite_lake.warehouse
    (lake_dir / "roi.toml").write_text(f'[warehouse]\nbackend = "ducklake"\ncatalog = "{lake.catalog}"\n'
                                       f'data_path = "{lake.data_path}"\n[report]\nlang = "en"\n')

    def roi(*args, cwd):
        out = subprocess.run([sys.executable, "-m", "roi.cli.main", *args], cwd=cwd, capture_output=True,
                             text=True, timeout=120, env=dict(os.environ, COLUMNS="200"))
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert roi("kpi", "--by", "channel", cwd=lake_dir) == roi("kpi", "--by", "channel", cwd=file_dir)
    sql = "SELECT count(*) AS n, sum(spend) AS spend FROM core.ad_performance"
    assert roi("query", sql, "--csv", "--raw", cwd=lake_dir) == roi("query", sql, "--csv", "--raw", cwd=file_dir)
    roi("report", "--out", str(tmp_path / "report.html"), cwd=lake_dir)
    assert "</html>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_query_on_a_lake_is_sandboxed(sqlite_lake, tmp_path):
    (tmp_path / "secret.csv").write_text("a\n1\n")
    from roi.outputs import show
    with pytest.raises(RoiError, match="disabled"):
        show.query(sqlite_lake, f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')", False, False)
    with db.connect_read_only(sqlite_lake.warehouse, sandbox=True) as con:   # the lake's own files still read
        assert con.execute("SELECT count(*) > 0 FROM core.orders").fetchone()[0]
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM core.orders")


# ------------------------------------------------------------------ many writers -----------------

GOOGLE_CSV = "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import roi.warehouse.db as db
    from roi.pipeline.config import load_settings
    from roi.pipeline.ingest import extract, file_window, load
    toml, name, loads, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    conflicts = []
    is_conflict = db.is_conflict
    db.is_conflict = lambda exc: conflicts.append(1) or is_conflict(exc)   # counts what the retries saw
    settings = load_settings(toml)
    source = settings.source(name)
    while not start.exists():
        time.sleep(0.01)
    for i in range(1, loads + 1):
        rows = "".join(f"2026-06-{d:02d},{name} Brand,{100 + len(name)},EUR,1000,{i},{i * 1.25:.2f},1,10.00\\n"
                       for d in range(1, 11))
        Path(source.path).write_text({GOOGLE_CSV!r} + rows)
        extracted = extract(settings, source)
        record = load(settings, extracted, file_window(extracted), "test")
        assert record.status == "succeeded", record.error
    print(len(conflicts))
""")


def lake_toml(folder: Path, catalog: str, names: list[str]) -> Path:
    text = (f'[warehouse]\nbackend = "ducklake"\ncatalog = "{catalog}"\ndata_path = "lake/"\n'
            + "".join(f'[[sources]]\nname = "{n}"\nkind = "google_ads"\npath = "{folder / n}.csv"\n' for n in names))
    (folder / "roi.toml").write_text(text)
    return folder / "roi.toml"


def test_two_processes_loading_one_lake_table_at_once_end_exact(pg, tmp_path):
    toml = lake_toml(tmp_path, "postgres:" + pg.createdb("writers"), ["ga_north", "ga_south"])
    loads = 6
    start = tmp_path / "start"
    for name in ("ga_north", "ga_south"):    # roi.toml's paths must exist; each writer rewrites its own file
        (tmp_path / f"{name}.csv").write_text(GOOGLE_CSV)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER.replace("{GOOGLE_CSV!r}", repr(GOOGLE_CSV)), str(toml),
                               name, str(loads), str(start)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for name in ("ga_north", "ga_south")]
    try:
        time.sleep(1.0)
        start.touch()
        outs = [p.communicate(timeout=240) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], [err.strip().splitlines()[-1:] for _, err in outs]
    with db.connect_read_only(load_settings(toml).warehouse) as con:
        # each source holds its last load only: 10 days at 6 × 1.25 = 7.50 → 75.00, 6 clicks a day → 60
        assert con.execute("SELECT source, count(*), sum(spend), sum(clicks) FROM core.ad_performance "
                           "GROUP BY 1 ORDER BY 1").fetchall() == [
            ("ga_north", 10, Decimal("75.000000"), 60), ("ga_south", 10, Decimal("75.000000"), 60)]
        assert con.execute("SELECT source, count(*) FROM ops.loads WHERE status = 'succeeded' GROUP BY 1 ORDER BY 1"
                           ).fetchall() == [("ga_north", loads), ("ga_south", loads)]
        assert con.execute("SELECT count(DISTINCT load_id) FROM core.ad_performance").fetchone()[0] == 2
    print("write conflicts retried:", [out.strip() for out, _ in outs])


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from roi.warehouse import db
    from roi.pipeline.config import load_settings
    toml, holding, release = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    con = db.connect(load_settings(toml).warehouse)
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE core.ad_performance SET spend = spend * 2")
    holding.touch()
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    con.execute("COMMIT")
""")


def test_a_reader_is_not_blocked_by_a_load_in_progress(pg, tmp_path):
    toml = lake_toml(tmp_path, "postgres:" + pg.createdb("reader"), ["ga_one"])
    (tmp_path / "ga_one.csv").write_text(GOOGLE_CSV + "2026-06-01,Brand,1,EUR,1000,10,40.00,1,10.00\n")
    from roi.pipeline.ingest import extract, file_window, load
    settings = load_settings(toml)
    extracted = extract(settings, settings.source("ga_one"))
    assert load(settings, extracted, file_window(extracted), "test").status == "succeeded"
    holding, release = tmp_path / "holding", tmp_path / "release"
    writer = subprocess.Popen([sys.executable, "-c", HOLDER, str(toml), str(holding), str(release)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not holding.exists():
            assert writer.poll() is None and time.monotonic() < deadline, writer.stderr.read()
            time.sleep(0.05)
        started = time.monotonic()
        with db.connect_read_only(settings.warehouse, wait=0) as con:    # a file warehouse would refuse: busy
            spend = con.execute("SELECT sum(spend) FROM marts.channel_daily").fetchone()[0]
        assert spend == 40 and time.monotonic() - started < 10           # the state before the load commits
        release.touch()
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    finally:
        if writer.poll() is None:
            writer.kill()
    with db.connect_read_only(settings.warehouse) as con:
        assert con.execute("SELECT sum(spend) FROM marts.channel_daily").fetchone()[0] == 80


def test_a_window_replace_that_loses_a_conflict_is_run_again(pg, tmp_path, monkeypatch):
    """Another writer deletes from the same table while a load's transaction is open: the load's commit
    conflicts, it is run again, and the end state holds both writers' work exactly."""
    import polars as pl

    from roi import schemas
    from roi.warehouse import load as load_module
    target = WarehouseTarget("ducklake", catalog="postgres:" + pg.createdb("conflict"), data_path=f"{tmp_path}/files/")
    con, other = db.connect(target), db.connect(target)
    build.ensure(con)
    build.ensure(other)
    row = {"source": "a", "platform": "google_ads", "date_start": dt.date(2026, 6, 1), "date_end": dt.date(2026, 6, 1),
           "account_id": "1", "account_name": None, "campaign_id": "c", "campaign_name": None, "ad_group_id": "",
           "ad_group_name": None, "ad_id": "", "ad_name": None, "currency": "EUR", "impressions": 10, "clicks": 1,
           "spend": Decimal("2.50"), "conversions": 0.0, "conversion_value": Decimal("0"), "reach": None,
           "video_views": None, "engagements": None}
    frame = pl.DataFrame([row]).select(schemas.columns("ad_performance"))
    other.execute("INSERT INTO core.ad_performance SELECT *, 'old' FROM frame")
    other.execute("INSERT INTO core.ad_performance SELECT * REPLACE ('b' AS source), 'b-old' FROM frame")
    tries = []
    real = load_module._insert_rejected

    def meanwhile(con_, record, quarantine):   # on the first try only: another process's delete commits
        tries.append(record.load_id)
        if len(tries) == 1:
            other.execute("DELETE FROM core.ad_performance WHERE source = 'b'")
        real(con_, record, quarantine)
    monkeypatch.setattr(load_module, "_insert_rejected", meanwhile)
    record = load_module.LoadRecord("new", "a", "google_ads", dt.date(2026, 6, 1), dt.date(2026, 6, 1),
                                    dt.datetime.now(dt.timezone.utc))
    quarantine = pl.DataFrame(schema={"row_number": pl.Int64, "raw_row": pl.String, "reasons": pl.String,
                                      "file": pl.String})
    load_module.replace_window(con, "ad_performance", record, frame, quarantine)
    assert tries == ["new", "new"]
    assert con.execute("SELECT source, load_id, spend FROM core.ad_performance").fetchall() == [
        ("a", "new", Decimal("2.500000"))]
    assert con.execute("SELECT load_id, status FROM ops.loads").fetchall() == [("new", "succeeded")]
    con.close()
    other.close()


def test_retries_end_in_one_line_when_conflicts_never_stop(monkeypatch):
    monkeypatch.setattr(db, "CONFLICT_WAIT", 0.001)
    calls = []

    @db.retry_conflicts("replacing the window")
    def always_conflicts():
        calls.append(1)
        raise duckdb.TransactionException("Failed to commit: Transaction conflict - another transaction has "
                                          "deleted from it")
    with pytest.raises(RoiError, match=r"^replacing the window: lost a write conflict to other loads 8 times "
                                       r"\(.*another transaction.*\) — run it again once they finish$"):
        always_conflicts()
    assert len(calls) == db.CONFLICT_RETRIES

    @db.retry_conflicts("x")
    def other_error():
        calls.append(1)
        raise duckdb.CatalogException("Table with name nope does not exist!")
    calls.clear()
    with pytest.raises(duckdb.CatalogException):
        other_error()
    assert calls == [1]                                   # not a conflict: not tried again


# ------------------------------------------------------------------ settings and errors ----------

@pytest.mark.parametrize("keys, message", [
    ('backend = "lake"', 'backend must be "duckdb" (one file, `path`) or "ducklake"'),
    ('backend = "ducklake"\ncatalog = "mysql:db=roi"\ndata_path = "x"', 'needs catalog = "postgres:dbname=roi'),
    ('backend = "ducklake"\ncatalog = "sqlite:c.sqlite"', 'needs data_path = "/srv/roi/lake/"'),
    ('backend = "ducklake"\ncatalog = "postgres:dbname=roi password=hunter2"\ndata_path = "x"',
     "remove it from roi.toml and give it in the environment as PGPASSWORD"),
    ('catalog = "sqlite:c.sqlite"', 'catalog is read with backend = "ducklake" only'),
])
def test_warehouse_backend_settings_errors_are_one_line(tmp_path, keys, message):
    (tmp_path / "roi.toml").write_text(f"[warehouse]\n{keys}\n")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path / "roi.toml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_lake_settings_resolve_against_the_toml_folder(tmp_path):
    (tmp_path / "roi.toml").write_text('[warehouse]\nbackend = "ducklake"\ncatalog = "sqlite:meta/c.sqlite"\n'
                                       'data_path = "parquet"\n')
    settings = load_settings(tmp_path / "roi.toml")
    assert settings.warehouse == WarehouseTarget("ducklake", catalog=f"sqlite:{tmp_path}/meta/c.sqlite",
                                                 data_path=f"{tmp_path}/parquet/")
    assert load_settings(tmp_path / "roi.toml", sources=False).warehouse == settings.warehouse
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "w.duckdb"\n')
    assert load_settings(tmp_path / "roi.toml").warehouse == WarehouseTarget("duckdb", path=tmp_path / "w.duckdb")


def test_an_empty_lake_is_no_warehouse_yet(tmp_path):
    target = WarehouseTarget("ducklake", catalog=f"sqlite:{tmp_path / 'c.sqlite'}", data_path=f"{tmp_path}/f/")
    assert not db.exists(target)
    with pytest.raises(RoiError, match="no warehouse yet — run `roi run`"):
        db.connect_read_only(target)
    with db.connect(target) as con:
        assert build.ensure(con) is True and build.ensure(con) is False
    assert db.exists(target)


def test_a_missing_extension_names_the_extra_to_install(tmp_path):
    """No wheel and no download (DuckDB's repository pointed at a closed local port): one line naming the fix."""
    con = duckdb.connect(config={**db.BASE_CONFIG, "extension_directory": str(tmp_path)})
    con.execute("SET custom_extension_repository = 'http://127.0.0.1:9'")
    with pytest.raises(RoiError, match=r"needs DuckDB's spatial extension.*pip install 'roi\[ducklake\]'"):
        db.load_extension(con, "spatial")


def test_writer_lock_locks_a_file_warehouse_and_a_sqlite_catalog_not_a_postgres_one(tmp_path):
    """A PostgreSQL catalog takes many writers at once; a SQLite catalog one at a time (the demo's sources
    loaded side by side in threads failed on "database is locked" without this lock)."""
    lake = WarehouseTarget("ducklake", catalog="postgres:dbname=roi host=127.0.0.1", data_path="/y/")
    with db.WriterLock(lake, 1), db.WriterLock(lake, 1):        # many writers at once
        pass
    sqlite = WarehouseTarget("ducklake", catalog=f"sqlite:{tmp_path / 'catalog.sqlite'}", data_path="/y/")
    with db.WriterLock(sqlite, 1):
        assert (tmp_path / "catalog.sqlite.lock").exists()
        with pytest.raises(RoiError, match="another roi process holds the warehouse"):
            with db.WriterLock(sqlite, 0.3):
                pass
    with db.WriterLock(tmp_path / "w.duckdb", 1):
        with pytest.raises(RoiError, match="another roi process holds the warehouse"):
            with db.WriterLock(tmp_path / "w.duckdb", 0.3):
                pass


def test_a_media_mix_fit_is_kept_in_the_lake_and_read_through_its_mart(sqlite_lake):
    from roi.mmm import store
    from tests.test_mmm_data import _fit_rows
    fit_id = store.write(sqlite_lake, _fit_rows(2.5), "mmm.fits", "fit_id")
    with db.connect_read_only(sqlite_lake.warehouse) as con:
        assert con.execute("SELECT fit_id, channel, roi, is_latest FROM marts.mmm_channel_roi").fetchall() == [
            (fit_id, "google_ads", 2.5, True)]
        assert store.latest_fit(con)["params"]["google_ads"]["beta"] == [100.0]
