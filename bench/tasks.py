"""One measured task per child process (`python -m bench.tasks NAME JSON-ARGS`): it prints one JSON line."""
from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM (reset by exec, unlike ru_maxrss, which a child
    inherits from the bench process that forked it), else ru_maxrss."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    for p in path.parent.glob(path.name + "*"):
        if p.is_file():
            p.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _config(folder: Path, warehouse: Path, sources: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "roi.toml"
    config.write_text(f'[warehouse]\npath = "{warehouse}"\n' + sources)
    return config


def duckdb_csv(csv: str, db: str, types: str) -> dict:
    """The physical reference: DuckDB's own typed read_csv into a table of a fresh database file."""
    import duckdb

    from bench import generate
    columns = getattr(generate, types)
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    _fresh(Path(db))
    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(f"CREATE TABLE facts AS SELECT * FROM read_csv(?, header = true, columns = {spec})", [csv])
    rows = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows}


# The clean English Google Ads export projected onto core.ad_performance's columns (in the order of
# schemas.columns, then load_id), in SQL only.
GOOGLE_CANONICAL = """
    'google_ads', 'google_ads', "Day", "Day", '', NULL, "Campaign ID"::VARCHAR, "Campaign",
    "Ad group ID"::VARCHAR, "Ad group", '', NULL, "Currency code", "Impr.", "Clicks", "Cost", "Conversions",
    "Conv. value", NULL, NULL, NULL, 'Lbench'"""


def duckdb_canonical(csv: str, db: str) -> dict:
    """DuckDB alone storing what roi stores: its typed read_csv of the same file inserted straight
    into core.ad_performance (22 columns, our constraints) of a fresh warehouse — no normalising,
    no validation, no quarantine. The schema is built before the clock starts."""
    import duckdb

    from roi import schemas
    from bench import generate
    from roi.warehouse import build
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in generate.GOOGLE_TYPES.items()) + "}"
    _fresh(Path(db))
    con = duckdb.connect(db)
    build.ensure(con)
    con.close()
    start = time.perf_counter()
    con = duckdb.connect(db)
    columns = ", ".join(schemas.columns("ad_performance") + ["load_id"])
    con.execute(f"INSERT INTO core.ad_performance ({columns}) SELECT {GOOGLE_CANONICAL} "
                f"FROM read_csv(?, header = true, columns = {spec})", [csv])
    rows = con.execute("SELECT count(*) FROM core.ad_performance").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - start, "rows": rows}


def roi_ingest(csv: str, folder: str, kind: str = "google_ads", keep: bool = False) -> dict:
    """`roi ingest FILE --kind KIND` into a fresh warehouse, as the command runs it (imports excluded)."""
    import roi.pipeline.ingest
    from roi.pipeline.runs import ingest_files
    from roi.pipeline.config import load_settings
    from roi.warehouse.db import WriterLock

    validating = [0.0]
    split = roi.pipeline.ingest.split

    def timed_split(*args, **kwargs):
        t = time.perf_counter()
        try:
            return split(*args, **kwargs)
        finally:
            validating[0] += time.perf_counter() - t

    roi.pipeline.ingest.split = timed_split
    work = Path(folder)
    warehouse = _fresh(work / "roi.duckdb")
    settings = load_settings(_config(work, warehouse), check_secrets=False)
    start = time.perf_counter()
    with WriterLock(settings.warehouse_path, settings.lock_timeout_seconds):
        records = ingest_files(settings, [Path(csv)], kind, None)
    seconds = time.perf_counter() - start
    record = records[0]
    if record.status != "succeeded":
        raise RuntimeError(f"roi ingest failed: {record.error}")
    return {"seconds": seconds, "validate_seconds": validating[0], "rows": record.rows_loaded,
            "quarantined": record.rows_quarantined}


def restatement(base: str, nightly: str, folder: str) -> dict:
    """The nightly re-pull of the last 28 days + yesterday into a warehouse already holding the history."""
    from roi.pipeline.runs import ingest_files
    from roi.pipeline.config import load_settings

    work = Path(folder)
    warehouse = _fresh(work / "roi.duckdb")
    shutil.copyfile(base, warehouse)
    with open(warehouse, "rb+") as fh:   # a warehouse on disk, as a user's is: else DuckDB's first
        os.fsync(fh.fileno())             # commit would flush this fresh 100 MB copy
    settings = load_settings(_config(work, warehouse), check_secrets=False)
    start = time.perf_counter()
    record = ingest_files(settings, [Path(nightly)], "google_ads", None)[0]
    seconds = time.perf_counter() - start
    if record.status != "succeeded":
        raise RuntimeError(f"restatement failed: {record.error}")
    import duckdb
    with duckdb.connect(str(warehouse), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM core.ad_performance").fetchone()[0]
        restated = con.execute("SELECT count(*) FROM ops.restatements").fetchone()[0]
    return {"seconds": seconds, "rows": record.rows_loaded, "warehouse_rows": total,
            "restated_metrics": restated}


def dlt_merge(csv: str, folder: str) -> dict:
    """dlt: the same rows merged (idempotent upsert on the grain) into DuckDB, from an Arrow table."""
    work = _fresh(Path(folder))
    work.mkdir(parents=True)
    os.environ["DLT_DATA_DIR"] = str(work / "dlt")
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    import dlt
    import pyarrow.csv as pacsv

    start = time.perf_counter()
    table = pacsv.read_csv(csv)
    table = table.rename_columns([c.lower().replace(".", "").replace(" ", "_") for c in table.column_names])
    resource = dlt.resource(table, name="ad_performance", write_disposition="merge",
                            primary_key=["day", "campaign_id", "ad_group_id"])
    pipeline = dlt.pipeline(pipeline_name="bench", destination=dlt.destinations.duckdb(str(work / "dlt.duckdb")),
                            dataset_name="core", pipelines_dir=str(work / "pipelines"))
    pipeline.run(resource)
    seconds = time.perf_counter() - start
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT count(*) FROM ad_performance")[0][0]
    return {"seconds": seconds, "rows": rows}


def pandas_to_sql(csv: str, folder: str) -> dict:
    """pandas: read_csv + DataFrame.to_sql into DuckDB through SQLAlchemy (duckdb-engine)."""
    import pandas as pd
    import sqlalchemy

    work = _fresh(Path(folder))
    work.mkdir(parents=True)
    start = time.perf_counter()
    frame = pd.read_csv(csv)
    engine = sqlalchemy.create_engine(f"duckdb:///{work / 'pandas.duckdb'}")
    frame.to_sql("ad_performance", engine, index=False, if_exists="replace", chunksize=10_000)
    engine.dispose()
    return {"seconds": time.perf_counter() - start, "rows": len(frame)}


def views(db: str, rows: int) -> dict:
    """marts.channel_monthly over a warehouse of `rows` ad rows, and the hand-written aggregate: both
    run once to warm DuckDB's cache, then alternately three times each (medians)."""
    import duckdb

    from roi.warehouse import build
    path = Path(db)
    if not path.exists():
        _build_big_warehouse(path, rows)
    with duckdb.connect(db) as con:
        build.ensure(con)        # the views of this checkout
    con = duckdb.connect(db, read_only=True)
    queries = {
        "mart": "SELECT * FROM marts.channel_monthly",
        "hand": """SELECT date_trunc('month', date_start)::DATE AS month, platform AS channel, sum(spend) AS spend,
                          sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions,
                          sum(conversion_value) AS conversion_value
                   FROM core.ad_performance GROUP BY ALL""",
    }
    rows = {name: len(con.execute(sql).fetchall()) for name, sql in queries.items()}   # both warm
    seconds: dict[str, list[float]] = {"mart": [], "hand": []}
    for _ in range(3):
        for name, sql in queries.items():
            start = time.perf_counter()
            con.execute(sql).fetchall()
            seconds[name].append(time.perf_counter() - start)
    con.close()
    mart_seconds, hand_seconds = (sorted(seconds[n])[1] for n in ("mart", "hand"))
    return {"seconds": mart_seconds, "hand_seconds": hand_seconds, "mart_rows": rows["mart"],
            "hand_rows": rows["hand"]}


# The column that places a mart's rows in time, by preference; a mart without one is read whole.
TIME_COLUMNS = ("date", "month", "cohort_month", "send_date", "alert_date")


def marts_month(db: str, rows: int) -> dict:
    """Over the warehouse of `rows` ad rows (views:big builds it): every marts view read for one month
    (October 2026, on its date or month column; whole when it has none), warm, the slowest three-run
    median kept; marts.channel_daily for that month beside the hand-written aggregate of the same days on
    core.ad_performance; and `roi report`'s default period (the 30 days up to the latest data) rendered."""
    import datetime as dt

    import duckdb

    from roi.outputs.report import render_report
    from roi.warehouse import build
    path = Path(db)
    if not path.exists():
        _build_big_warehouse(path, rows)
    with duckdb.connect(db) as con:
        build.ensure(con)
    con = duckdb.connect(db, read_only=True)
    lo, hi = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts' "
                                       "ORDER BY view_name").fetchall()]

    def query(view: str) -> str:
        cols = {r[0] for r in con.execute(f"DESCRIBE marts.{view}").fetchall()}
        at = next((c for c in TIME_COLUMNS if c in cols), None)
        return f"SELECT * FROM marts.{view}" + (f" WHERE {at} BETWEEN DATE '{lo}' AND DATE '{hi}'" if at else "")

    def median(sql: str) -> float:
        con.execute(sql).fetchall()                          # warm
        times = []
        for _ in range(3):
            start = time.perf_counter()
            con.execute(sql).fetchall()
            times.append(time.perf_counter() - start)
        return sorted(times)[1]

    per_view = {view: median(query(view)) for view in views}
    hand = median(f"""SELECT date_start AS date, platform AS channel, sum(spend), sum(impressions), sum(clicks),
                             sum(conversions), sum(conversion_value)
                      FROM core.ad_performance WHERE date_start BETWEEN DATE '{lo}' AND DATE '{hi}' GROUP BY ALL""")
    start = time.perf_counter()
    render_report(con, lang="it")
    report_seconds = time.perf_counter() - start
    con.close()
    slowest = max(per_view, key=per_view.get)
    return {"seconds": per_view[slowest], "slowest": slowest, "channel_daily_seconds": per_view["channel_daily"],
            "hand_seconds": hand, "report_seconds": report_seconds,
            "views": {v: round(t, 3) for v, t in sorted(per_view.items(), key=lambda kv: -kv[1])}}


def _build_big_warehouse(path: Path, rows: int) -> None:
    """A warehouse of `rows` daily ad rows (three platforms, three years), written straight in SQL."""
    import duckdb

    from roi.warehouse import build
    tmp = path.with_name(path.name + ".tmp")
    _fresh(tmp)
    con = duckdb.connect(str(tmp))
    build.ensure(con)
    days = 1095
    per_day = max(1, rows // days)
    con.execute(f"""
        INSERT INTO core.ad_performance
        SELECT CASE i % 3 WHEN 0 THEN 'google_it' WHEN 1 THEN 'meta' ELSE 'linkedin' END,
               CASE i % 3 WHEN 0 THEN 'google_ads' WHEN 1 THEN 'meta_ads' ELSE 'linkedin_ads' END,
               DATE '2026-10-31' - (i // {per_day})::INTEGER, DATE '2026-10-31' - (i // {per_day})::INTEGER,
               'acc_' || (i % 3), 'Account ' || (i % 3), 'cmp_' || (i % {per_day} // 8), 'Campaign ' || (i % {per_day} // 8),
               'adg_' || (i % {per_day}), 'Ad group ' || (i % {per_day}), '', NULL, 'EUR',
               (hash(i) % 5000)::BIGINT, (hash(i + 1) % 100)::BIGINT, ((hash(i + 2) % 10000) / 100.0)::DECIMAL(18, 6),
               (hash(i + 3) % 500) / 100.0, ((hash(i + 4) % 50000) / 100.0)::DECIMAL(18, 6), NULL, NULL, NULL,
               'Lbench'
        FROM range({rows}) t(i)""")
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(path)


def backfill(folder: str, files: str, start: str, end: str) -> dict:
    """`roi backfill` of a files-mode source over [start, end] in 30-day chunks, without Prefect."""
    import datetime as dt

    from roi.pipeline.runs import backfill as run_backfill
    from roi.pipeline.config import load_settings
    work = Path(folder)
    warehouse = _fresh(work / "roi.duckdb")
    source = f'\n[[sources]]\nname = "google_ads"\nkind = "google_ads"\nmode = "files"\npath = "{files}"\n'
    settings = load_settings(_config(work, warehouse, source), check_secrets=False)
    t = time.perf_counter()
    records = run_backfill(settings, list(settings.sources), dt.date.fromisoformat(start), dt.date.fromisoformat(end),
                           30, True)
    failed = [r["error"] for r in records if r["status"] != "succeeded"]   # runs.backfill reports dicts
    if failed:
        raise RuntimeError(f"backfill failed: {failed[0]}")
    return {"seconds": time.perf_counter() - t, "rows": sum(r["rows_loaded"] for r in records), "chunks": len(records)}


TASKS = {f.__name__: f for f in (duckdb_csv, duckdb_canonical, roi_ingest, restatement, dlt_merge, pandas_to_sql, views,
                                  marts_month, backfill)}


def main() -> None:
    sys.modules.setdefault("hypothesis", None)   # as the `roi` command runs (roi.cli.main.main)
    name, args = sys.argv[1], json.loads(sys.argv[2])
    result = TASKS[name](**args)
    result["peak_rss_mb"] = _peak_rss_mb()
    print("BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
