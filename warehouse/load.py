"""Writes one source's window in a single transaction: facts replaced, quarantine replaced, load recorded."""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from roi import schemas
from roi.warehouse.db import retry_conflicts


@dataclass
class LoadRecord:
    load_id: str
    source: str
    kind: str
    window_start: dt.date | None
    window_end: dt.date | None
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = "running"
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_combined: int = 0              # summed into another row of their key: rows_in = loaded + combined + quarantined
    combined_by: str | None = None      # the segments those rows differed by
    rows_superseded: int = 0            # replaced by a later export of the same key (not in rows_in)
    error: str | None = None
    totals_check: str | None = None
    files: str | None = None
    digests: str | None = None          # sha1 of each file read, in the order of `files`
    trigger: str = "run"
    account: str | None = None          # one account's load (its rows only); None: the whole source's
    note: str | None = None             # for the command's output only (not stored): what the load chose to do


LOAD_COLUMNS = [c for c in LoadRecord.__dataclass_fields__ if c != "note"]
# Tables of keyword and search-term rows: an export filling them also gives its ad-group rows, summed.
DETAIL_TABLES = ("keyword_performance", "search_term_performance")


@retry_conflicts("replacing the window")   # a DuckLake: another load wrote the same table meanwhile
def replace_window(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord,
                   good: pl.DataFrame, quarantine: pl.DataFrame,
                   extras: dict[str, pl.DataFrame | pl.LazyFrame] | None = None) -> None:
    """Replace `record.source`'s rows of `table` inside the window with `good`, and of each other
    table the same exports fill with its `extras` rows (a frame, or rows on disk to scan), atomically;
    of `record.account`'s rows only when the load is one account's.

    quarantine: columns row_number, raw_row (JSON text), reasons, file."""
    tables = {table: good, **(extras or {})}
    scope = _account_scope(record, tables)
    staged = tempfile.TemporaryDirectory(prefix="roi-load-")
    for name, rows in tables.items():
        con.register(f"_roi_facts_{name}", _facts(con, rows.select(schemas.columns(name)), Path(staged.name) / name))
    con.execute("BEGIN TRANSACTION")
    try:
        restating = table in RESTATED and record.window_start is not None and \
            _keep_day_sums(con, table, record, scope)
        detail = any(name in DETAIL_TABLES for name in tables)
        for name in tables:   # the export's own table first: see _replace_facts(detail_only)
            _replace_facts(con, name, record, scope, detail_only=detail and name == table)
        # Quarantine of earlier loads of the same window is superseded too.
        con.execute(
            """DELETE FROM ops.quarantine WHERE source = ? AND load_id IN (
                   SELECT load_id FROM ops.loads WHERE source = ?
                   AND coalesce(window_start, DATE '1900-01-01') >= coalesce(?::DATE, DATE '1900-01-01')
                   AND coalesce(window_end, DATE '9999-12-31') <= coalesce(?::DATE, DATE '9999-12-31')
                   AND (?::VARCHAR IS NULL OR account IS NOT DISTINCT FROM ?))""",
            [record.source, record.source, record.window_start, record.window_end, record.account, record.account])
        if restating:
            _record_restatements(con, table, record)
        _insert_rejected(con, record, quarantine)
        record.status = "succeeded"
        record.finished_at = dt.datetime.now(dt.timezone.utc)
        insert_load(con, record)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        record.status = "running"
        raise
    finally:
        for name in tables:
            con.unregister(f"_roi_facts_{name}")
        con.execute("DROP TABLE IF EXISTS temp._roi_day_sums")
        staged.cleanup()


@retry_conflicts("keeping the rejected rows")
def keep_rejected(con: duckdb.DuckDBPyConnection, record: LoadRecord, quarantine: pl.DataFrame) -> None:
    """A load none of whose rows could be loaded: its rows go to quarantine and the load is recorded
    as failed (with `record.error`), in one transaction; the facts stay as they were."""
    con.execute("BEGIN TRANSACTION")
    try:
        _insert_rejected(con, record, quarantine)
        record.status = "failed"
        record.finished_at = dt.datetime.now(dt.timezone.utc)
        insert_load(con, record)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        record.status = "running"
        raise


def account_ids(account: str) -> list[str]:
    """The account ids one configured account's rows may carry: as roi.toml writes it, and bare — without
    Meta's act_, a LinkedIn urn:li:…: prefix or Google's dashes, as the platforms' rows give it."""
    written = str(account).strip()
    bare = re.sub(r"^act_", "", written.rsplit(":", 1)[-1]).replace("-", "").replace(" ", "")
    return sorted({written, bare})


def _account_scope(record: LoadRecord, tables: dict[str, pl.DataFrame | pl.LazyFrame]) -> list[str] | None:
    """None for a load of the whole source; for one account's load, the account ids whose rows it replaces:
    the configured account's, and those its new rows carry (should a platform spell the id otherwise)."""
    if record.account is None:
        return None
    ids = set(account_ids(record.account))
    for name, rows in tables.items():
        if "account_id" not in rows.collect_schema().names():
            raise ValueError(f"{record.source}: table {name} has no account_id: it cannot be loaded one account "
                             "at a time")
        found = rows.lazy().select(pl.col("account_id").drop_nulls().unique()).collect()
        ids |= set(found["account_id"].to_list())
    return sorted(ids)


def _in_scope(scope: list[str] | None) -> tuple[str, list]:
    """The SQL condition (and its parameter) that keeps a load's deletes to its accounts' rows."""
    return ("", []) if scope is None else (" AND account_id IN (SELECT unnest(?::VARCHAR[]))", [scope])


def _replace_facts(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord,
                   scope: list[str] | None = None, detail_only: bool = False) -> None:
    """The source's rows of `table` in the window (all of them for a table without dates; of the accounts
    in `scope` only, when given; with `detail_only`, only the rows of earlier keyword and search-term
    exports, whose loads filled DETAIL_TABLES: a campaign report's rows stay) replaced by the
    registered `_roi_facts_<table>`."""
    cols = schemas.columns(table)
    window_col = schemas.WINDOW_COLUMN[table]
    accounts, params = _in_scope(scope)
    if detail_only:   # before DETAIL_TABLES' own rows of those loads are replaced
        accounts += " AND load_id IN (" + " UNION ".join(f"SELECT load_id FROM core.{t}" for t in DETAIL_TABLES) + ")"
    if window_col is None:
        con.execute(f"DELETE FROM core.{table} WHERE source = ?{accounts}", [record.source, *params])
    elif record.window_start is not None:
        con.execute(f"DELETE FROM core.{table} WHERE source = ? AND {window_col} BETWEEN ? AND ?{accounts}",
                    [record.source, record.window_start, record.window_end, *params])
    con.execute(f"INSERT INTO core.{table} ({', '.join(cols)}, load_id) "
                f"SELECT {', '.join(cols)}, ?::VARCHAR FROM _roi_facts_{table}", [record.load_id])


def _insert_rejected(con: duckdb.DuckDBPyConnection, record: LoadRecord, quarantine: pl.DataFrame) -> None:
    """A row is quarantined once: the latest verdict on the same file line replaces earlier ones."""
    rejected = quarantine.select(
        pl.lit(record.load_id).alias("load_id"), pl.lit(record.source).alias("source"),
        pl.lit(record.kind).alias("kind"), pl.col("row_number").cast(pl.Int64), "raw_row", "reasons",
        pl.lit(record.started_at).alias("quarantined_at"), "file")
    con.register("_roi_rejected", rejected.to_arrow())
    try:
        con.execute("DELETE FROM ops.quarantine q USING _roi_rejected r WHERE q.source = r.source "
                    "AND q.file IS NOT DISTINCT FROM r.file AND q.row_number = r.row_number")
        con.execute("INSERT INTO ops.quarantine (load_id, source, kind, row_number, raw_row, reasons, "
                    "quarantined_at, file) SELECT * FROM _roi_rejected")
    finally:
        con.unregister("_roi_rejected")


SLICE_ROWS = 500_000   # rows per Arrow record batch handed to DuckDB
DUCKDB_ROW_GROUP = 122_880
ARROW_ROWS = 500_000   # more rows than this go to DuckDB through a Parquet file (_facts)


def _facts(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame | pl.LazyFrame, folder: Path):
    """What DuckDB inserts: a small frame's Arrow stream; a big frame, or rows kept on disk (a big
    export's keyword rows), as a Parquet file polars writes, which DuckDB reads itself: inserting
    millions of rows from Arrow inside a transaction holds them all in memory until the commit
    (measured, DuckDB 1.5.5: 5M rows 1.4 GB from Arrow, 0.2 GB from Parquet). Its row groups are
    DuckDB's own size, so that DuckDB writes each to the file as it inserts it; bigger ones it held
    until the checkpoint (13 s and 1.2 GB more for those 5M rows)."""
    if isinstance(rows, pl.DataFrame) and rows.height <= ARROW_ROWS:
        return arrow_stream(rows)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rows.parquet"
    if isinstance(rows, pl.DataFrame):
        rows.write_parquet(path, compression="lz4", row_group_size=DUCKDB_ROW_GROUP)
    else:
        rows.sink_parquet(path, compression="lz4", row_group_size=DUCKDB_ROW_GROUP)
    return con.read_parquet(str(path))


def arrow_stream(frame: pl.DataFrame | pl.LazyFrame) -> pa.RecordBatchReader:
    """`frame` as a stream of Arrow record batches (string views: DuckDB takes the strings as they
    are), made a slice at a time: a column polars holds as one repeated value (source, a metric the
    export lacks) is spelled out for one slice at a time, never for the whole frame. A LazyFrame (rows
    kept on disk) is read a batch at a time."""
    def batches():
        parts = frame.collect_batches(chunk_size=SLICE_ROWS) if isinstance(frame, pl.LazyFrame) else \
            frame.iter_slices(SLICE_ROWS)
        for part in parts:
            yield from part.to_arrow(compat_level=pl.CompatLevel.newest()).to_batches()
    schema = frame.head(0).collect().to_arrow(compat_level=pl.CompatLevel.newest()).schema \
        if isinstance(frame, pl.LazyFrame) else frame.head(0).to_arrow(compat_level=pl.CompatLevel.newest()).schema
    return pa.RecordBatchReader.from_batches(schema, batches())


# Tables whose past days platforms revise, and the day-level metrics compared when a day is re-pulled.
RESTATED = {"ad_performance": ("date_start", ["impressions", "clicks", "spend", "conversions", "conversion_value"])}


def _keep_day_sums(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord,
                   scope: list[str] | None = None) -> bool:
    """Before a window is replaced, keep its day-metric sums (temp._roi_day_sums; of the accounts in
    `scope` only, when given); False when the window holds nothing yet (then nothing can have been restated)."""
    date_col, metrics = RESTATED[table]
    sums = ", ".join(f"sum({m})::DOUBLE AS {m}" for m in metrics)
    accounts, params = _in_scope(scope)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _roi_day_sums AS SELECT {date_col} AS date, {sums} "
                f"FROM core.{table} WHERE source = ? AND {date_col} BETWEEN ? AND ?{accounts} GROUP BY 1",
                [record.source, record.window_start, record.window_end, *params])
    return con.execute("SELECT count(*) FROM temp._roi_day_sums").fetchall()[0][0] > 0


def _record_restatements(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord) -> None:
    """Once the window is replaced, keep each day-metric whose value the new pull changed."""
    date_col, metrics = RESTATED[table]
    sums = ", ".join(f"sum({m})::DOUBLE AS {m}" for m in metrics)
    names = ", ".join(f"'{m}'" for m in metrics)
    con.execute(f"""
        INSERT INTO ops.restatements
        WITH after AS (SELECT {date_col} AS date, {sums} FROM core.{table}
                       WHERE source = ? AND {date_col} BETWEEN ? AND ? AND load_id = ? GROUP BY 1),
             b AS (UNPIVOT temp._roi_day_sums ON {", ".join(metrics)} INTO NAME metric VALUE value),
             a AS (UNPIVOT after ON {", ".join(metrics)} INTO NAME metric VALUE value)
        SELECT ?, ?, b.date, b.metric, b.value, coalesce(a.value, 0), ?
        FROM b LEFT JOIN a USING (date, metric)
        WHERE b.metric IN ({names}) AND b.value IS DISTINCT FROM coalesce(a.value, 0)
        """, [record.source, record.window_start, record.window_end, record.load_id, record.load_id,
              record.source, record.started_at])


def insert_load(con: duckdb.DuckDBPyConnection, record: LoadRecord) -> None:
    values = [getattr(record, c) for c in LOAD_COLUMNS]
    con.execute(f"INSERT INTO ops.loads ({', '.join(LOAD_COLUMNS)}) VALUES ({', '.join('?' * len(values))})",
                values)


@retry_conflicts("storing roi.toml's settings")
def sync_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str], custom_channels: tuple[str, ...]) -> None:
    """Store what the views need from roi.toml (reporting currency, attribution, custom channels); nothing is
    written when the warehouse holds them already (loads running at once then never conflict here)."""
    stored = dict(con.execute("SELECT key, value FROM ops.settings WHERE key IN (SELECT unnest(?::VARCHAR[]))",
                              [list(values)]).fetchall())
    channels = {c for (c,) in con.execute("SELECT channel FROM ops.channels").fetchall()}
    if stored == values and channels == set(custom_channels):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM ops.settings WHERE key IN (SELECT unnest(?::VARCHAR[]))", [list(values)])
        con.execute("INSERT INTO ops.settings SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                    [list(values), list(values.values())])
        con.execute("DELETE FROM ops.channels")
        con.execute("INSERT INTO ops.channels SELECT unnest(?::VARCHAR[]), 'custom'", [list(custom_channels)])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):   # a failed COMMIT has rolled back already
            con.execute("ROLLBACK")
        raise

