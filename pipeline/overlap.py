"""Whether an export's rows are already in the warehouse under another source: `roi ingest` refuses to count the same money twice."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import duckdb

from roi import schemas
from roi.contracts.errors import ConfigError
from roi.pipeline.coverage import same_account
from roi.pipeline.ingest import _load_id
from roi.contracts.settings import Settings, SourceConfig
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
    if not db.exists(settings.warehouse):
        return False
    with db.connect_read_only(settings.warehouse, note_old_views=False) as con:
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
    rows of the same platform and account on days this export covers; where an export names no
    account (its id falls back to one derived from the source name), the same campaign names."""
    table, kind = extracted.table, extracted.source.kind
    digests = [f.digest for f in extracted.files]
    with db.connect_read_only(settings.warehouse, note_old_views=False) as con:
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
        return _same_account_days(con, extracted, name)
    return None


def refusal(path, source: str, why: str) -> str:
    return (f"{path}: these rows are already loaded as source {source} ({why}): use --source {source} to "
            "replace them, or --force-new-source")


ACCOUNT_DAYS = ["platform", "account_id", "date_start", "date_end"]   # ad platforms' tables have them


def _same_account_days(con: duckdb.DuckDBPyConnection, extracted, name: str) -> tuple[str, str] | None:
    """The other source with the most rows of this export's platform-accounts on its days, and why:
    the same account ids; or, where either side's export named no account (a keyword report and a
    campaign report of one account, downloaded without the Customer ID column), the same campaign
    names of the platform on the same days."""
    frame = extracted.frame if extracted.frame is not None else extracted.rows(None)
    if not set(ACCOUNT_DAYS + ["campaign_name"]) <= set(frame.columns):
        return None
    spans = frame.select(*ACCOUNT_DAYS, "campaign_name").drop_nulls(ACCOUNT_DAYS).unique()
    if spans.is_empty():
        return None
    con.register("_roi_spans", spans.to_arrow())
    try:
        row = con.execute(
            f"""WITH matched AS (
                    SELECT a.source, a.account_id = s.account_id AS same_account
                    FROM core.{extracted.table} a JOIN _roi_spans s
                      ON a.platform = s.platform AND a.date_start <= s.date_end AND a.date_end >= s.date_start
                     AND {same_account("a", "s")}
                    WHERE a.source <> ?)
                SELECT source, bool_or(same_account) FROM matched
                GROUP BY source ORDER BY count(*) DESC, source LIMIT 1""",
            [name]).fetchall()
    finally:
        con.unregister("_roi_spans")
    if not row:
        return None
    source, by_id = row[0]
    return source, "same account and days" if by_id else \
        "same campaigns on the same days; an export without the account's id is compared by campaign names"


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
