"""Writes one source's window in a single transaction: facts replaced, quarantine replaced, load recorded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

from roi import schemas


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


LOAD_COLUMNS = list(LoadRecord.__dataclass_fields__)


def replace_window(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord,
                   good: pl.DataFrame, quarantine: pl.DataFrame,
                   extras: dict[str, pl.DataFrame] | None = None) -> None:
    """Replace `record.source`'s rows of `table` inside the window with `good`, and of each other
    table the same exports fill with its `extras` rows, atomically.

    quarantine: columns row_number, raw_row (JSON text), reasons, file."""
    tables = {table: good, **(extras or {})}
    for name, rows in tables.items():
        con.register(f"_roi_facts_{name}", arrow_stream(rows.select(schemas.columns(name))))
    con.execute("BEGIN TRANSACTION")
    try:
        restating = table in RESTATED and record.window_start is not None and _keep_day_sums(con, table, record)
        for name in tables:
            _replace_facts(con, name, record)
        # Quarantine of earlier loads of the same window is superseded too.
        con.execute(
            """DELETE FROM ops.quarantine WHERE source = ? AND load_id IN (
                   SELECT load_id FROM ops.loads WHERE source = ?
                   AND coalesce(window_start, DATE '1900-01-01') >= coalesce(?::DATE, DATE '1900-01-01')
                   AND coalesce(window_end, DATE '9999-12-31') <= coalesce(?::DATE, DATE '9999-12-31'))""",
            [record.source, record.source, record.window_start, record.window_end])
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


def _replace_facts(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord) -> None:
    """The source's rows of `table` in the window (all of them for a table without dates) replaced by
    the registered `_roi_facts_<table>`."""
    cols = schemas.columns(table)
    window_col = schemas.WINDOW_COLUMN[table]
    if window_col is None:
        con.execute(f"DELETE FROM core.{table} WHERE source = ?", [record.source])
    elif record.window_start is not None:
        con.execute(f"DELETE FROM core.{table} WHERE source = ? AND {window_col} BETWEEN ? AND ?",
                    [record.source, record.window_start, record.window_end])
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


def arrow_stream(frame: pl.DataFrame) -> pa.RecordBatchReader:
    """`frame` as a stream of Arrow record batches (string views: DuckDB takes the strings as they
    are), made a slice at a time: a column polars holds as one repeated value (source, a metric the
    export lacks) is spelled out for one slice at a time, never for the whole frame."""
    def batches():
        for part in frame.iter_slices(SLICE_ROWS):
            yield from part.to_arrow(compat_level=pl.CompatLevel.newest()).to_batches()
    schema = frame.head(0).to_arrow(compat_level=pl.CompatLevel.newest()).schema
    return pa.RecordBatchReader.from_batches(schema, batches())


# Tables whose past days platforms revise, and the day-level metrics compared when a day is re-pulled.
RESTATED = {"ad_performance": ("date_start", ["impressions", "clicks", "spend", "conversions", "conversion_value"])}


def _keep_day_sums(con: duckdb.DuckDBPyConnection, table: str, record: LoadRecord) -> bool:
    """Before a window is replaced, keep its day-metric sums (temp._roi_day_sums); False when the
    window holds nothing yet (then nothing can have been restated)."""
    date_col, metrics = RESTATED[table]
    sums = ", ".join(f"sum({m})::DOUBLE AS {m}" for m in metrics)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _roi_day_sums AS SELECT {date_col} AS date, {sums} "
                f"FROM core.{table} WHERE source = ? AND {date_col} BETWEEN ? AND ? GROUP BY 1",
                [record.source, record.window_start, record.window_end])
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


def sync_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str], custom_channels: tuple[str, ...]) -> None:
    """Store what the views need from roi.toml (reporting currency, attribution, custom channels)."""
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM ops.settings WHERE key IN (SELECT unnest(?::VARCHAR[]))", [list(values)])
    con.execute("INSERT INTO ops.settings SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                [list(values), list(values.values())])
    con.execute("DELETE FROM ops.channels")
    con.execute("INSERT INTO ops.channels SELECT unnest(?::VARCHAR[]), 'custom'", [list(custom_channels)])
    con.execute("COMMIT")

