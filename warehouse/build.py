"""Builds the warehouse: runs the DDL, then (re)creates every view of warehouse/views in dependency order
(in a DuckLake: the tables in the lake, the views and macros in each session's memory)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from roi.warehouse import db

WAREHOUSE_DIR = Path(__file__).resolve().parent
DDL_DIR = WAREHOUSE_DIR / "ddl"
VIEWS_DIR = WAREHOUSE_DIR / "views"
VIEW_SCHEMAS = ("stg", "int", "marts")  # the layers, in build order; build owns these schemas
HASH_KEY = "views_hash"                 # ops.settings key: hash of the DDL and view files last built
HASHES_KEY = "views_hashes"             # ops.settings key: JSON {view: hash} of the views last built
TABLES_KEY = "tables_hash"              # ops.settings key (DuckLake): hash of the DDL files its tables are from
# DuckLake: the lake's core, ops and mmm tables, and the session's own stg/int/marts views and macros (a name
# `schema.table` resolves through the search path's entry of that schema)
LAKE_SEARCH_PATH = ",".join([f"{db.LAKE}.main", f"{db.LAKE}.core", f"{db.LAKE}.ops", f"{db.LAKE}.mmm",
                             *(f"memory.{s}" for s in VIEW_SCHEMAS)])
_PRIMARY_KEY = re.compile(r",\s*PRIMARY\s+KEY\s*\([^)]*\)|\s+PRIMARY\s+KEY\b", re.IGNORECASE)

_FILE_NAME = re.compile(r"^(stg|int|marts)\.([a-z_][a-z0-9_]*)\.sql$")
_CREATE = re.compile(
    r"\bCREATE\s+OR\s+REPLACE\s+(VIEW|MACRO)\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)", re.IGNORECASE
)
_REFERENCE = re.compile(r"\b(stg|int|marts)\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"'(?:[^']|'')*'")
# A view named in a string, as a table macro's argument read with query_table: stg.ad_metric_days('int.ad_periods')
_NAMED = re.compile(r"'(stg|int|marts)\.([a-z_][a-z0-9_]*)'", re.IGNORECASE)


class BuildError(Exception):
    """A view file that cannot be built; the message names the file and what to fix."""


@dataclass(frozen=True)
class ViewFile:
    name: str                   # schema.view, from the file name
    kind: str                   # VIEW or MACRO
    path: Path
    sql: str
    depends_on: frozenset[str]  # other view/macro names (schema.name) the SQL reads


def _where(path: Path) -> str:
    try:
        return str(path.relative_to(WAREHOUSE_DIR.parent))
    except ValueError:
        return str(path)


def load_views(views_dir: Path = VIEWS_DIR) -> list[ViewFile]:
    """Reads every <schema>.<view>.sql file and the schema.view names each one references."""
    paths = sorted(views_dir.glob("*.sql"))
    parsed: list[tuple[str, str, Path, str, set[str]]] = []
    for path in paths:
        match = _FILE_NAME.match(path.name)
        if not match:
            raise BuildError(
                f"{_where(path)}: view files are named <schema>.<view>.sql with schema one of "
                f"{', '.join(VIEW_SCHEMAS)} (lower case); rename the file"
            )
        name = f"{match.group(1)}.{match.group(2)}"
        sql = path.read_text(encoding="utf-8")
        code = _STRING.sub("''", _COMMENT.sub(" ", sql))
        creates = _CREATE.findall(code)
        if len(creates) != 1:
            raise BuildError(
                f"{_where(path)}: expected exactly one 'CREATE OR REPLACE VIEW {name} AS ...', "
                f"found {len(creates)}"
            )
        kind, schema, view = creates[0]
        if f"{schema}.{view}".lower() != name:
            raise BuildError(
                f"{_where(path)}: the file creates {schema}.{view} but is named {path.name}; "
                f"file name and view name must match"
            )
        refs = {f"{s.lower()}.{v.lower()}"
                for s, v in _REFERENCE.findall(code) + _NAMED.findall(_COMMENT.sub(" ", sql))} - {name}
        parsed.append((name, kind.upper(), path, sql, refs))
    known = {name for name, *_ in parsed}
    views = []
    for name, kind, path, sql, refs in parsed:
        unknown = sorted(refs - known)
        if unknown:
            raise BuildError(
                f"{_where(path)}: reads {', '.join(unknown)}, which has no file in "
                f"{_where(views_dir)}; fix the name or add the view"
            )
        views.append(ViewFile(name, kind, path, sql, frozenset(refs)))
    return views


def order_views(views: list[ViewFile]) -> list[ViewFile]:
    """Dependencies first (stable: layer, then name); raises BuildError on a cycle."""
    by_name = {v.name: v for v in views}

    def rank(name: str) -> tuple[int, str]:
        return (VIEW_SCHEMAS.index(name.split(".")[0]), name)

    ordered: list[ViewFile] = []
    done: set[str] = set()
    pending = sorted(by_name, key=rank)
    while pending:
        ready = [n for n in pending if by_name[n].depends_on <= done]
        if not ready:
            raise BuildError(f"views depend on each other in a cycle: {_cycle(by_name, pending)}")
        for name in ready:
            ordered.append(by_name[name])
            done.add(name)
        pending = [n for n in pending if n not in done]
    return ordered


def _cycle(by_name: dict[str, ViewFile], pending: list[str]) -> str:
    """One cycle among the pending views, as 'a -> b -> a'."""
    left = set(pending)
    path: list[str] = []
    node = pending[0]
    while node not in path:
        path.append(node)
        node = sorted(by_name[node].depends_on & left)[0]
    loop = path[path.index(node):] + [node]
    return " -> ".join(loop)


def files_hash(views_dir: Path = VIEWS_DIR, ddl_dir: Path = DDL_DIR) -> str:
    """sha256 over the names and contents of the DDL and view files."""
    digest = hashlib.sha256()
    for path in sorted(ddl_dir.glob("*.sql")) + sorted(views_dir.glob("*.sql")):
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def build(
    con: duckdb.DuckDBPyConnection,
    views_dir: Path = VIEWS_DIR,
    ddl_dir: Path = DDL_DIR,
    *,
    full: bool = False,
) -> None:
    """Runs warehouse/ddl/*.sql in file-name order, then (re)creates the views, in one transaction
    (the caller's, when one is open).

    A view is (re)created when it is missing, its file changed since the last build, the DDL
    changed, or a view it reads was recreated; full=True recreates every view. Views and macros
    left in stg/int/marts by files that no longer exist are dropped. The hash of all files is
    stored in ops.settings ('views_hash') for ensure(), the per-view hashes in 'views_hashes'.
    """
    if db.is_lake(con):   # tables in the lake, views in this session only (see "DuckLake" below)
        _build_lake_tables(con, ddl_dir)
        session_views(con, views_dir)
        return
    views = order_views(load_views(views_dir))
    ddl_paths = sorted(ddl_dir.glob("*.sql"))
    ddl_digest = hashlib.sha256(b"".join(p.read_bytes() + b"\0" for p in ddl_paths)).hexdigest()
    hashes = {
        v.name: hashlib.sha256(f"{ddl_digest}\0{v.sql}".encode()).hexdigest()[:16] for v in views
    }
    own_transaction = not _in_transaction(con)  # else the caller commits or rolls back
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        # A new warehouse has no view schemas yet, so no view to keep or drop: no catalog scan.
        fresh = not _has_view_schemas(con)
        for path in ddl_paths:
            _run(con, path, path.read_text(encoding="utf-8"))
        for schema in VIEW_SCHEMAS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        stored = {} if full or fresh else _stored_hashes(con)
        existing = set() if fresh else _drop_stale(con, set(hashes))
        recreated: set[str] = set()
        # CREATE binds the view's query and the views it reads: ~0.3 s for all of them, whether in one
        # transaction or one script. Hence only the views that changed are recreated.
        for view in views:
            if (
                full
                or view.name not in existing
                or stored.get(view.name) != hashes[view.name]
                or view.depends_on & recreated
            ):
                _run(con, view.path, view.sql)
                recreated.add(view.name)
        _store(con, HASH_KEY, files_hash(views_dir, ddl_dir))
        _store(con, HASHES_KEY, json.dumps(hashes, sort_keys=True))
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise


def ensure(con: duckdb.DuckDBPyConnection) -> bool:
    """Builds only when the files changed since the last build (or a view is missing); True if built."""
    if db.is_lake(con):
        return _ensure_lake(con)
    views = {v.name for v in load_views() if v.kind == "VIEW"}
    try:
        row = con.execute("SELECT value FROM ops.settings WHERE key = ?", [HASH_KEY]).fetchone()
    except duckdb.CatalogException:
        row = None
    if row is not None and row[0] == files_hash() and views <= _existing_views(con):
        return False
    build(con)
    return True


def built_by_other_files(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse's tables and views were last built from other DDL and view files than
    this roi's (it was upgraded since the last load). The next load rebuilds them (`ensure`); a
    read-only session cannot."""
    if db.is_lake(con):
        return lake_tables(con) == "old"
    try:
        row = con.execute("SELECT value FROM ops.settings WHERE key = ?", [HASH_KEY]).fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] != files_hash()


# ------------------------------------------------------------------ DuckLake ---------------------
# What DuckLake (1.5) lacks, and what roi does instead:
# - PRIMARY KEY / UNIQUE constraints: dropped from the DDL (lake_ddl). The keys they held are kept by the
#   code that writes those tables: ops.settings and ops.channels are rewritten by delete-then-insert in one
#   transaction (_store, load.sync_settings), ops.alerts_sent is inserted where absent (alerts.mark_sent);
#   core tables never had keys: pandera checks every row and its grain before a load (schemas.validate).
# - A macro parameter's default (int.kpi_ratios' `converted_leads := NULL`): stored in the lake's catalog it
#   fails to commit, and a typed one (NULL::DOUBLE) leaves a catalog no session can open again. So no view
#   or macro is stored in the lake: each session builds them in its own memory from this roi's files
#   (session_views, ~0.3 s), so every reader has the views of its own version and loads never write views.
# - Indexes and sequences: roi uses none.

def ddl_hash(ddl_dir: Path = DDL_DIR) -> str:
    """sha256 over the DDL files (the tables a DuckLake's catalog holds)."""
    digest = hashlib.sha256()
    for path in sorted(ddl_dir.glob("*.sql")):
        digest.update(f"{path.name}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def lake_ddl(sql: str) -> str:
    """A DDL file as a DuckLake takes it: without PRIMARY KEY constraints (see above)."""
    return _PRIMARY_KEY.sub("", sql)


def lake_tables(con: duckdb.DuckDBPyConnection) -> str:
    """The lake's tables: "none" (a new lake), "current" (made from this roi's DDL files) or "old"."""
    try:
        row = con.execute("SELECT value FROM ops.settings WHERE key = ?", [TABLES_KEY]).fetchone()
    except duckdb.CatalogException:
        return "none"
    return "current" if row is not None and row[0] == ddl_hash() else "old"


def session_views(con: duckdb.DuckDBPyConnection, views_dir: Path = VIEWS_DIR) -> None:
    """Creates every view and macro of warehouse/views in this session's memory database, over the lake's
    tables: `marts.x`, `int.f(…)` and `core.y` resolve through the search path as in the file warehouse."""
    for schema in VIEW_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS memory.{schema}")
    con.execute(f"SET search_path = '{LAKE_SEARCH_PATH}'")
    for view in order_views(load_views(views_dir)):
        _run(con, view.path, view.sql)


def _ensure_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """The lake's tables made (or updated) from this roi's DDL, and this session's views; True if the tables were."""
    built = lake_tables(con) != "current"
    if built:
        _build_lake_tables(con)
    has_views = con.execute("SELECT count(*) FROM duckdb_schemas() WHERE database_name = 'memory' "
                            "AND schema_name = 'marts'").fetchone()[0] > 0
    if built or not has_views:
        session_views(con)
    return built


@db.retry_conflicts("building the DuckLake's tables")
def _build_lake_tables(con: duckdb.DuckDBPyConnection, ddl_dir: Path = DDL_DIR) -> None:
    """Runs the DDL files in the lake, in one transaction (two processes doing it at once: one retries)."""
    con.execute("BEGIN TRANSACTION")
    try:
        for path in sorted(ddl_dir.glob("*.sql")):
            _run(con, path, lake_ddl(path.read_text(encoding="utf-8")))
        _store(con, TABLES_KEY, ddl_hash(ddl_dir))
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):   # a failed COMMIT has rolled back already
            con.execute("ROLLBACK")
        raise


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """True inside an explicit transaction: there, two statements share one transaction id."""
    first = con.execute("SELECT txid_current()").fetchone()[0]
    return con.execute("SELECT txid_current()").fetchone()[0] == first


def _store(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    # Delete, then insert: a DuckLake's ops.settings has no primary key to upsert on.
    con.execute("DELETE FROM ops.settings WHERE key = ?", [key])
    con.execute("INSERT INTO ops.settings (key, value) VALUES (?, ?)", [key, value])


def _stored_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    row = con.execute("SELECT value FROM ops.settings WHERE key = ?", [HASHES_KEY]).fetchone()
    try:
        stored = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}
    return stored if isinstance(stored, dict) else {}


def _run(con: duckdb.DuckDBPyConnection, path: Path, sql: str) -> None:
    try:
        con.execute(sql)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BuildError(f"{_where(path)}: {first_line}") from exc


def _has_view_schemas(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any of stg/int/marts exists (a new warehouse has none)."""
    schemas = ", ".join(f"'{s}'" for s in VIEW_SCHEMAS)
    return con.execute(
        f"SELECT count(*) FROM duckdb_schemas() "
        f"WHERE database_name = current_database() AND schema_name IN ({schemas})"
    ).fetchone()[0] > 0


def _existing_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The views of stg/int/marts (information_schema answers at once; the macros' catalog,
    duckdb_functions(), lists every built-in function and is read only when building)."""
    schemas = ", ".join(f"'{s}'" for s in VIEW_SCHEMAS)
    rows = con.execute(f"SELECT table_schema || '.' || table_name FROM information_schema.views "
                       f"WHERE table_catalog = current_database() AND table_schema IN ({schemas})").fetchall()
    return {r[0] for r in rows}


def _drop_stale(con: duckdb.DuckDBPyConnection, keep: set[str]) -> set[str]:
    """Drops the views and macros of stg/int/marts that have no file; returns those that remain."""
    schemas = ", ".join(f"'{s}'" for s in VIEW_SCHEMAS)
    remaining: set[str] = set()
    views = con.execute(
        f"SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
        f"AND database_name = current_database() AND schema_name IN ({schemas})"
    ).fetchall()
    for schema, view in views:
        if f"{schema}.{view}" in keep:
            remaining.add(f"{schema}.{view}")
        else:
            con.execute(f'DROP VIEW IF EXISTS {schema}."{view}"')
    macros = con.execute(
        f"SELECT DISTINCT schema_name, function_name, function_type FROM duckdb_functions() "
        f"WHERE function_type IN ('macro', 'table_macro') AND database_name = current_database() "
        f"AND schema_name IN ({schemas})"
    ).fetchall()
    for schema, name, ftype in macros:
        if f"{schema}.{name}" in keep:
            remaining.add(f"{schema}.{name}")
        else:
            table = "TABLE " if ftype == "table_macro" else ""
            con.execute(f'DROP MACRO {table}IF EXISTS {schema}."{name}"')
    return remaining
