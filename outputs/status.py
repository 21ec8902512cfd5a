"""`roi status`: per source its last load, the days its rows cover, rows, last loaded at; its latest backfill."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from roi.contracts.settings import Settings
from roi.outputs.show import load_table
from roi.outputs.tables import Col, format_rows, note, print_table
from roi.warehouse import db

# The last load of each source: its window and outcome (the columns load_table shows).
LAST_LOADS = """
    SELECT source, window_start, window_end, rows_in, rows_loaded, rows_quarantined,
           coalesce(rows_combined, 0) AS rows_combined, combined_by, status, error, totals_check FROM (
      SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC) AS rn FROM ops.loads)
    WHERE rn = 1 ORDER BY source"""


class Chunk(NamedTuple):
    start: dt.date
    end: dt.date
    status: str
    loaded: int | None
    quarantined: int | None
    error: str | None


# Columns by rank: on a narrow terminal the highest ranks are left out first (roi.outputs.tables.fit).
COVERED = [Col("source", "text", 0, least=16), Col("first day", "fixed", 1), Col("last day", "fixed", 2),
           Col("rows", "count", 3), Col("last loaded", "fixed", 4)]
BACKFILL = [Col("source", "text", 0, least=16), Col("ran", "fixed", 6), Col("chunks", "count", 3),
            Col("first day", "fixed", 1), Col("last day", "fixed", 2), Col("loaded", "count", 4),
            Col("quarantined", "count", 5), Col("failed", "count", 1)]


@dataclass
class Backfill:
    """The chunks of one source's latest backfill, in date order."""
    source: str
    ran: str                                   # when its first chunk started, in the configured time zone
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def failed(self) -> list[Chunk]:
        return [c for c in self.chunks if c.status != "succeeded"]


def status(settings: Settings) -> None:
    from roi.warehouse.source_rows import core_tables, per_table
    with db.connect_read_only(settings.warehouse) as con:
        covered = con.execute(f"""
            WITH t AS ({per_table(core_tables(con))}),
            s AS (SELECT source, sum(n_rows)::BIGINT AS n_rows, min(first) AS first, max(last) AS last
                  FROM t GROUP BY source),
            l AS (SELECT source, max(finished_at) FILTER (WHERE status = 'succeeded') AS loaded
                  FROM ops.loads GROUP BY source)
            SELECT source, s.first AS "first day", s.last AS "last day", coalesce(s.n_rows, 0) AS "rows",
                   strftime(timezone($tz, l.loaded), '%Y-%m-%d %H:%M') AS "last loaded"
            FROM l FULL JOIN s USING (source) ORDER BY source""", {"tz": settings.timezone}).fetchall()
        cursor = con.execute(LAST_LOADS)
        last = [dict(zip((d[0] for d in cursor.description), row)) for row in cursor.fetchall()]
        backfills = latest_backfills(con, settings.timezone)
        missing = con.execute("SELECT * FROM marts.fx_missing").fetchall()
    if not covered:
        note("no loads yet — load some with `roi run`, `roi backfill` or `roi ingest`")
        return
    lang = settings.report_lang
    note("the last load of each source:")
    load_table(last, lang)
    print_table(COVERED, format_rows(COVERED, covered, lang),
                title=f"sources: the days their rows cover (last loaded in {settings.timezone} time)")
    if backfills:
        show_backfills(backfills, lang)
    for source, table, currency, first, last_day, n in missing:
        note(f"missing exchange rate: {n} {table} rows of {source} in {currency} between {first} and "
             f"{last_day} have no rate on or before their day — load ECB rates (kind fx_rates)")


def latest_backfills(con, timezone: str) -> list[Backfill]:
    """Each source's latest backfill: its run of consecutive backfill loads, each chunk (of each account)
    once, in date order.

    ops.loads has no backfill id; a backfill loads each chunk of a source (of each of its accounts) once,
    side by side in any order, so another trigger (a run, an ingest) or a chunk loaded again ends one."""
    has_account = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ops' "
                              "AND table_name = 'loads' AND column_name = 'account'").fetchone()[0]
    rows = con.execute(f"""
        SELECT source, trigger, strftime(timezone($tz, started_at), '%Y-%m-%d %H:%M'),
               {'account' if has_account else 'NULL'}, window_start, window_end,
               status, rows_loaded, rows_quarantined, error
        FROM ops.loads ORDER BY source, started_at""", {"tz": timezone}).fetchall()
    latest: dict[str, Backfill] = {}
    current: Backfill | None = None
    seen: set = set()
    for source, trigger, started, account, *values in rows:
        chunk = Chunk(*values)
        if trigger != "backfill":
            current = None
            continue
        if current is None or current.source != source or (account, chunk.start) in seen:
            current = latest[source] = Backfill(source, started)
            seen = set()
        seen.add((account, chunk.start))
        current.chunks.append(chunk)
    for backfill in latest.values():
        backfill.chunks.sort(key=lambda c: c.start)
    return list(latest.values())


def show_backfills(backfills: list[Backfill], lang: str) -> None:
    """One row per source's latest backfill, then each failed chunk with its error."""
    rows = [(b.source, b.ran, len(b.chunks), b.chunks[0].start, b.chunks[-1].end, sum(c.loaded or 0 for c in b.chunks),
             sum(c.quarantined or 0 for c in b.chunks), len(b.failed)) for b in backfills]
    print_table(BACKFILL, format_rows(BACKFILL, rows, lang), title="latest backfill of each source (every chunk)")
    for b in backfills:
        for c in b.failed:
            note(f"failed chunk: {b.source} {c.start} … {c.end} ({c.status}): {c.error or 'no error recorded'}")
    if any(b.failed for b in backfills):
        note("run the same `roi backfill` again: it loads the failed chunks and skips the loaded ones")
