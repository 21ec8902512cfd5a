"""Whether an export's rows are already in the warehouse under another source: `roi ingest` refuses to count the same money twice."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import duckdb
import polars as pl

from roi import schemas
from roi.contracts.errors import ConfigError
from roi.pipeline.ingest import _load_id
from roi.contracts.settings import Settings, SourceConfig
from roi.transforms.ids import stable_key
from roi.warehouse import db


class AlreadyLoaded(ConfigError):
    """An export's rows are already loaded under another source (exit 2); `records`: the files of the
    same command loaded before it."""

    def __init__(self, message: str, records: list | None = None):
        super().__init__(message)
        self.records = list(records or [])


def others_hold(settings: Settings, table: str, kind: str, name: str) -> bool:
    """Whether another source of this kind than `name` has rows in core.<table>: only then is an
    export compared (a platform's rows carry the kind's name, so other kinds' rows never match)."""
    if not settings.warehouse_path.is_file():
        return False
    with db.connect_read_only(settings.warehouse_path, note_old_views=False) as con:
        if not _exists(con, "core", table) or not _exists(con, "ops", "loads"):
            return False
        return con.execute(
            f"""SELECT count(*) FROM (SELECT 1 FROM ops.loads l WHERE status = 'succeeded' AND source <> ? AND kind = ?
                  AND EXISTS (SELECT 1 FROM core.{table} t WHERE t.source = l.source) LIMIT 1)""",
            [name, kind]).fetchall()[0][0] > 0


def holder(settings: Settings, extracted, name: str) -> tuple[str, str] | None:
    """(the other source holding these rows, why we know) or None.

    Same file: a load of another source, whose rows for that load's days are still there, read a
    file with this digest (known from the load's id for a one-file load, or from ops.loads.digests
    where loads record it). Same account and days (the ad platforms' tables): another source has
    rows of the same platform and account on days this export covers. Accounts an export does not
    name (their id falls back to one derived from the source name) are compared by the file only."""
    table, kind = extracted.table, extracted.source.kind
    digests = [f.digest for f in extracted.files]
    with db.connect_read_only(settings.warehouse_path, note_old_views=False) as con:
        if not _exists(con, "ops", "loads") or not _exists(con, "core", table):
            return None
        stored = _has_column(con, "ops", "loads", "digests")   # the files' digests, where loads record them
        loads = con.execute(
            f"SELECT load_id, source, window_start, window_end, {'digests' if stored else 'NULL'} FROM ops.loads "
            "WHERE status = 'succeeded' AND source <> ? AND kind = ? ORDER BY started_at DESC",
            [name, kind]).fetchall()
        for load_id, source, lo, hi, listed in loads:
            window = (lo, hi) if lo is not None else None
            other = SourceConfig(name=source, kind=kind)
            same = any(d in (listed or "").split(";")
                       or _load_id(other, window, SimpleNamespace(files=[SimpleNamespace(digest=d)])) == load_id
                       for d in digests)
            if same and _holds(con, table, source, window):
                return source, "same file"
        source = _same_account_days(con, extracted, name)
        if source is not None:
            return source, "same account and days"
    return None


def refusal(path, source: str, why: str) -> str:
    return (f"{path}: these rows are already loaded as source {source} ({why}): use --source {source} to "
            "replace them, or --force-new-source")


ACCOUNT_DAYS = ["platform", "account_id", "date_start", "date_end"]   # ad platforms' tables have them


def _same_account_days(con: duckdb.DuckDBPyConnection, extracted, name: str) -> str | None:
    """The other source with the most rows of this export's platform-accounts on its days."""
    frame = extracted.frame if extracted.frame is not None else extracted.rows(None)
    if not set(ACCOUNT_DAYS) <= set(frame.columns):
        return None
    spans = (frame.select(ACCOUNT_DAYS).drop_nulls()
             .filter(pl.col("account_id") != stable_key(name, prefix="acc_")).unique())
    if spans.is_empty():
        return None
    con.register("_roi_spans", spans.to_arrow())
    try:
        row = con.execute(
            f"""SELECT a.source FROM core.{extracted.table} a JOIN _roi_spans s
                 ON a.platform = s.platform AND a.account_id = s.account_id
                AND a.date_start <= s.date_end AND a.date_end >= s.date_start
               WHERE a.source <> ? GROUP BY a.source ORDER BY count(*) DESC, a.source LIMIT 1""",
            [name]).fetchall()
    finally:
        con.unregister("_roi_spans")
    return row[0][0] if row else None


def _holds(con: duckdb.DuckDBPyConnection, table: str, source: str,
           window: tuple[dt.date, dt.date] | None) -> bool:
    """Whether `source` still has rows of `table` in `window` (not forgotten, not replaced by nothing)."""
    col = schemas.WINDOW_COLUMN.get(table)
    where, params = "source = ?", [source]
    if col is not None and window is not None:
        where, params = f"{where} AND {col} BETWEEN ? AND ?", params + list(window)
    return con.execute(f"SELECT count(*) FROM (SELECT 1 FROM core.{table} WHERE {where} LIMIT 1)",
                       params).fetchall()[0][0] > 0


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [schema, table]).fetchall()[0][0] > 0


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                       "AND column_name = ?", [schema, table, column]).fetchall()[0][0] > 0
