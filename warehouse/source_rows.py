"""Each source's rows across the core tables: the days they cover (`roi sources`) and removing them in one transaction (`roi forget`)."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import duckdb

from roi.contracts.errors import ConfigError

# The first and last day each core table's rows cover (a table not named here shows no dates).
DATES = {
    "ad_performance": ("date_start", "date_end"),
    "keyword_performance": ("date_start", "date_end"),
    "search_term_performance": ("date_start", "date_end"),
    "email_campaigns": ("send_date", "send_date"),
    "leads": ("created_date", "created_date"),
    "orders": ("order_date", "order_date"),
    "costs": ("cost_date", "period_end"),
    "budgets": ("month", "last_day(month)"),
    "goals": ("start_date", "deadline"),
    "fx_rates": ("rate_date", "rate_date"),
    "web_sessions": ("date", "date"),
    "organic_search": ("date", "date"),
}


@dataclass
class Forgotten:
    source: str
    kind: str
    rows: dict[str, int] = field(default_factory=dict)   # core table -> rows removed (tables that had some)
    quarantined: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    load_id: str = ""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def core_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The core tables whose rows carry their source."""
    return [t for (t,) in con.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'core' AND column_name = 'source' "
        "ORDER BY table_name").fetchall()]


def per_table(tables: list[str], source: str | None = None) -> str:
    """SQL: one row per source and table (source, table_name, n_rows, first, last), for one source
    ($source) or all."""
    parts = []
    for t in tables:
        lo, hi = DATES.get(t, ("NULL::DATE", "NULL::DATE"))
        where = "WHERE source = $source " if source is not None else ""
        parts.append(f"SELECT source, '{t}' AS table_name, count(*) AS n_rows, min({lo})::DATE AS first, "
                     f"max({hi})::DATE AS last FROM core.{t} {where}GROUP BY source")
    return " UNION ALL ".join(parts) or ("SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS table_name, "
                                         "0::BIGINT AS n_rows, NULL::DATE AS first, NULL::DATE AS last LIMIT 0")


def source_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sources with rows in a core table or in quarantine."""
    union = " UNION ".join([f"SELECT DISTINCT source FROM core.{t}" for t in core_tables(con)]
                           + ["SELECT DISTINCT source FROM ops.quarantine"])
    return [s for (s,) in con.execute(f"SELECT source FROM ({union}) ORDER BY source").fetchall()]


def forget(con: duckdb.DuckDBPyConnection, source: str) -> Forgotten:
    """Remove `source`'s rows from every core table, its quarantined rows and its restatements, and
    record it in ops.loads (status 'forgotten'), in one transaction."""
    from roi.warehouse.load import LoadRecord, insert_load   # polars and Arrow: `roi sources` reads this module without
    known = source_names(con)
    if source not in known:
        raise ConfigError(f"unknown source '{source}' (sources in the warehouse: {', '.join(known) or 'none'})")
    now = dt.datetime.now(dt.timezone.utc)
    tables = core_tables(con)
    kind = con.execute("SELECT arg_max(kind, started_at) FROM ops.loads WHERE source = ?", [source]).fetchall()[0][0]
    result = Forgotten(source=source, kind=kind or "unknown",
                       load_id="X" + hashlib.sha1(f"{source}|forget|{now.isoformat()}".encode()).hexdigest()[:15])
    con.execute("BEGIN TRANSACTION")
    try:
        spans = con.execute(per_table(tables, source), {"source": source}).fetchall()
        result.first = min((first for *_, first, _ in spans if first is not None), default=None)
        result.last = max((last for *_, last in spans if last is not None), default=None)
        for table in tables:
            [(removed,)] = con.execute(f"DELETE FROM core.{table} WHERE source = ?", [source]).fetchall()
            if removed:
                result.rows[table] = removed
        [(result.quarantined,)] = con.execute("DELETE FROM ops.quarantine WHERE source = ?", [source]).fetchall()
        # How its days were restated describes rows that are gone.
        con.execute("DELETE FROM ops.restatements WHERE source = ?", [source])
        note = f"forgot {result.total:,} row{'s' * (result.total != 1)}"
        if result.rows:
            note += " (" + ", ".join(f"{t} {n:,}" for t, n in result.rows.items()) + ")"
        if result.quarantined:
            note += f" and {result.quarantined:,} quarantined"
        insert_load(con, LoadRecord(
            load_id=result.load_id, source=source, kind=result.kind, window_start=result.first,
            window_end=result.last, started_at=now, finished_at=now, status="forgotten", error=note,
            trigger="forget"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result
