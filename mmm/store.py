"""Fits and plans into the warehouse's mmm tables (warehouse/ddl/04_mmm.sql), each under an id of its own, in one
transaction under the writer lock; and the latest fit's draws back out for `roi plan`."""
from __future__ import annotations

import datetime as dt
import json

import duckdb

from roi.contracts.errors import ConfigError
from roi.contracts.settings import Settings
from roi.warehouse import build, db


def new_id(con: duckdb.DuckDBPyConnection, table: str, column: str, now: dt.datetime) -> str:
    """YYYYMMDD-HHMMSS of now, with -2, -3 … when that second already names one."""
    base = now.strftime("%Y%m%d-%H%M%S")
    taken = {row[0] for row in con.execute(f"SELECT {column} FROM {table} WHERE {column} LIKE ?",
                                           [base + "%"]).fetchall()}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def write(settings: Settings, table_rows: dict[str, list[dict]], id_table: str, id_column: str) -> str:
    """Inserts the rows of each mmm table (the id column filled in) in one transaction; returns the new id."""
    with db.WriterLock(settings.warehouse, settings.lock_timeout_seconds), db.connect(settings.warehouse) as con:
        build.ensure(con)
        con.execute("BEGIN TRANSACTION")
        try:
            new = new_id(con, id_table, id_column, dt.datetime.now(dt.timezone.utc))
            for table, rows in table_rows.items():
                if not rows:
                    continue
                columns = [id_column, *rows[0]]
                marks = ", ".join("?" for _ in columns)
                con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                [[new, *row.values()] for row in rows])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return new


def latest_fit(con: duckdb.DuckDBPyConnection, fit_id: str | None = None) -> dict:
    """The fit `roi plan` uses: the given one, else the latest (a full fit before a --quick preview)."""
    try:
        if fit_id is None:
            row = con.execute("SELECT fit_id FROM marts.mmm_channel_roi WHERE is_latest LIMIT 1").fetchone()
            if row is None:
                raise ConfigError("no media-mix fit yet — run `roi mmm` first (`roi mmm --quick` for a preview)")
            fit_id = row[0]
    except duckdb.CatalogException:
        raise ConfigError("no media-mix fit yet — run `roi mmm` first (`roi mmm --quick` for a preview)") from None
    fit = con.execute("SELECT fit_id, period_start, period_end, weeks, outcome, currency, quick, doubts "
                      "FROM mmm.fits WHERE fit_id = ?", [fit_id]).fetchone()
    if fit is None:
        known = [r[0] for r in con.execute("SELECT fit_id FROM mmm.fits ORDER BY fitted_at DESC LIMIT 5").fetchall()]
        raise ConfigError(f"no media-mix fit '{fit_id}' (latest: {', '.join(known) or 'none'})")
    keys = ("fit_id", "period_start", "period_end", "weeks", "outcome", "currency", "quick", "doubts")
    found = dict(zip(keys, fit))
    found["doubts"] = json.loads(found["doubts"] or "[]")
    found["params"] = {}
    for channel, beta, lam, alpha, scale in con.execute(
            "SELECT channel, list(beta ORDER BY draw), list(lam ORDER BY draw), list(alpha ORDER BY draw), "
            "any_value(scale) FROM mmm.params WHERE fit_id = ? GROUP BY channel ORDER BY channel",
            [fit_id]).fetchall():
        found["params"][channel] = {"beta": beta, "lam": lam, "alpha": alpha, "scale": scale}
    return found
