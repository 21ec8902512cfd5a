"""Warehouse connections: a DuckDB file (short write sessions under a writer lock, read-only sessions that wait
politely) or a DuckLake (an in-memory DuckDB attached to the lake: many writers at once)."""
from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import socket
import sys
import time
from pathlib import Path

import duckdb

from roi.contracts.errors import RoiError
from roi.contracts.settings import WarehouseTarget

BASE_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
READ_WAIT_SECONDS = 30.0
LAKE = "lake"           # the DuckLake's name in a session; `USE lake`: core.x and ops.y resolve unchanged
# Extensions roi installs (from the roi[ducklake] wheels, or DuckDB's repository) go here, not to ~/.duckdb.
EXTENSION_DIR = Path.home() / ".cache" / "roi" / "duckdb_extensions"
NO_WAREHOUSE = "no warehouse yet — run `roi run` (or `roi ingest FILE --kind KIND`) first"


def connect(target: WarehouseTarget | Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection; hold it only for the short load step (a file's readers wait meanwhile)."""
    target = as_target(target)
    if target.is_lake:
        return _open_lake(target, read_only=False)
    target.path.parent.mkdir(parents=True, exist_ok=True)
    return _open(target.path, read_only=False, wait=READ_WAIT_SECONDS)


def connect_read_only(target: WarehouseTarget | Path, *, wait: float = READ_WAIT_SECONDS, sandbox: bool = False,
                      note_old_views: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection; while a load holds the file it retries for up to `wait` seconds (a DuckLake
    never makes a reader wait).

    sandbox=True also forbids reading or attaching other files (for `roi query`); note_old_views
    says on stderr when the warehouse's views are an older roi's (off where a load follows)."""
    target = as_target(target)
    if target.is_lake:
        con = _open_lake(target, read_only=True)
    else:
        if not target.path.is_file():
            raise RoiError(f"{target.path}: {NO_WAREHOUSE}")
        con = _open(target.path, read_only=True, wait=wait)
    if note_old_views:
        _note_other_build(con)
    if sandbox:
        if target.is_lake:   # the lake's own Parquet files stay readable, nothing else
            con.execute(f"SET allowed_directories = [{_quote(target.data_path)}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def as_target(target: WarehouseTarget | Path) -> WarehouseTarget:
    """A bare path is the one-file backend's warehouse (tests and tools still pass one)."""
    return target if isinstance(target, WarehouseTarget) else WarehouseTarget(backend="duckdb", path=Path(target))


def exists(target: WarehouseTarget | Path) -> bool:
    """Whether the warehouse holds roi's tables yet (a load made it): the file exists, or the lake has ops.loads."""
    target = as_target(target)
    if not target.is_lake:
        return target.path.is_file()
    try:
        with _open_lake(target, read_only=True, views=False):
            return True
    except RoiError as exc:
        if NO_WAREHOUSE in str(exc):
            return False
        raise


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this session's warehouse is a DuckLake (its current database is one)."""
    return con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
                       ).fetchone()[0] == "ducklake"


# ------------------------------------------------------------------ DuckLake ---------------------

def _open_lake(target: WarehouseTarget, *, read_only: bool, views: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` (its core and ops tables), and roi's views and
    macros built in the session's own memory (build.session_views): every name our SQL uses resolves as
    in the one-file warehouse."""
    con = duckdb.connect(config={**BASE_CONFIG, "extension_directory": str(EXTENSION_DIR)})
    try:
        kind = target.catalog.split(":", 1)[0]
        for name in ("ducklake", kind):
            load_extension(con, name)
        options = [f"DATA_PATH {_quote(target.data_path)}"] + (["READ_ONLY"] if read_only else [])
        if not read_only and "://" not in target.data_path:
            Path(target.data_path).mkdir(parents=True, exist_ok=True)
        if kind == "sqlite" and not read_only:
            Path(target.catalog[len("sqlite:"):]).parent.mkdir(parents=True, exist_ok=True)
        _attach(con, f"ATTACH {_quote('ducklake:' + target.catalog)} AS {LAKE} ({', '.join(options)})",
                target, read_only)
        con.execute(f"USE {LAKE}")
        from roi.warehouse import build
        tables = build.lake_tables(con)
        if tables == "none" and read_only:
            raise RoiError(f"{target.label}: {NO_WAREHOUSE}")
        if views and (tables == "current" or (tables == "old" and read_only)):
            build.session_views(con)   # a writer with older tables: build.ensure updates them first
        return con
    except BaseException:
        con.close()
        raise


def _attach(con: duckdb.DuckDBPyConnection, sql: str, target: WarehouseTarget, read_only: bool) -> None:
    """ATTACH, retried while a SQLite catalog is locked by a writer; a one-line error otherwise."""
    deadline = time.monotonic() + READ_WAIT_SECONDS
    while True:
        try:
            con.execute(sql)
            return
        except duckdb.Error as exc:
            text = str(exc)
            # a SQLite catalog locked by a writer; or a new catalog another process is initialising this moment
            racing = "Failed to initialize DuckLake" in text and ("already exists" in text or "duplicate key" in text)
            if ("locked" in text.lower() or racing) and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            if read_only and ("unable to open database file" in text or "metadata" in text.lower()
                              and "does not exist" in text):
                raise RoiError(f"{target.label}: {NO_WAREHOUSE}") from None
            fix = ("a password goes in the environment as PGPASSWORD (or in ~/.pgpass), never in roi.toml"
                   if target.catalog.startswith("postgres:") else "check that the file's folder exists and is writable")
            raise RoiError(f"{target.label}: cannot open the DuckLake catalog ({_first_line(exc)}) — "
                           f"check [warehouse] catalog; {fix}") from None


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOADs a DuckDB extension: already installed in EXTENSION_DIR, else installed from its roi[ducklake]
    wheel (offline), else from DuckDB's extension repository (online), else a one-line error."""
    with contextlib.suppress(duckdb.Error):
        con.execute(f"LOAD {name}")
        return
    wheel = _wheel_extension(name)
    try:
        con.execute(f"INSTALL {_quote(str(wheel))}" if wheel else f"INSTALL {name}")
        con.execute(f"LOAD {name}")
    except duckdb.Error as exc:
        raise RoiError(f"the DuckLake backend needs DuckDB's {name} extension, which is neither installed nor "
                       f"downloadable here ({_first_line(exc)}) — pip install 'roi[ducklake]' "
                       f"(duckdb {duckdb.__version__}'s extensions as wheels)") from None


def _wheel_extension(name: str) -> Path | None:
    """The extension file inside the installed duckdb-extension-<name> wheel, for this duckdb version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.is_file() else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ------------------------------------------------------------------ write conflicts --------------

# What DuckLake (and its catalog database) say when two transactions wrote the same table at once, or a
# SQLite catalog was locked: the transaction is rolled back and may simply be run again.
CONFLICT_MARKS = ("conflict", "another transaction", "database is locked", "could not serialize")
CONFLICT_RETRIES = 8
CONFLICT_WAIT = 0.1     # seconds before the 2nd try; doubled each time (at most 3.2 s), with jitter


def is_conflict(exc: BaseException) -> bool:
    """Whether exc (or the error it was raised from) is a write conflict worth retrying."""
    while exc is not None:
        if isinstance(exc, duckdb.Error) and any(m in str(exc).lower() for m in CONFLICT_MARKS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retry_conflicts(what: str):
    """Decorator: runs a function that writes in its own transaction (and rolls back on error) again when
    it lost a write conflict to another writer — bounded, with backoff — then raises a one-line RoiError."""
    import functools
    import random

    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            for attempt in range(1, CONFLICT_RETRIES + 1):
                try:
                    return fn(*args, **kwargs)
                except Exception as exc:
                    if not is_conflict(exc):
                        raise
                    if attempt == CONFLICT_RETRIES:
                        raise RoiError(f"{what}: lost a write conflict to other loads {CONFLICT_RETRIES} times "
                                       f"({_conflict_line(exc)}) — run it again once they finish") from None
                    time.sleep(min(CONFLICT_WAIT * 2 ** (attempt - 1), 3.2) * random.uniform(0.5, 1.5))
        return run
    return wrap


def _conflict_line(exc: BaseException) -> str:
    while exc is not None and not (isinstance(exc, duckdb.Error) and any(m in str(exc).lower() for m in CONFLICT_MARKS)):
        exc = exc.__cause__ or exc.__context__
    return " ".join(str(exc).split())[:160] if exc is not None else "conflict"


def _note_other_build(con: duckdb.DuckDBPyConnection) -> None:
    """After an upgrade, until the next load rebuilds them, the warehouse's views are an older roi's:
    say so before a command fails on (or shows) what the old views lack."""
    from roi.warehouse import build
    if build.built_by_other_files(con):
        print("roi: note: this warehouse's views were built by another version of roi; the next "
              "`roi run` or `roi ingest` rebuilds them", file=sys.stderr)


def _open(path: Path, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(BASE_CONFIG))
        except duckdb.IOException as exc:
            if "version number" in str(exc):   # DuckDB 2.x's files (storage 999) do not open in 1.5
                raise RoiError(f"{path}: written by another DuckDB version than roi's duckdb {duckdb.__version__} "
                               f"({_first_line(exc)}) — copy it with that DuckDB: ATTACH it and a new file "
                               "(STORAGE_VERSION 'v1.5.0'), then COPY FROM DATABASE") from None
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise RoiError(f"{path}: the warehouse is busy ({_first_line(exc)}) — try again in a minute") from None
            time.sleep(0.2)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160]


class WriterLock:
    """One writer at a time: an flock on <warehouse>.lock that records who holds it. A DuckLake with a
    PostgreSQL catalog takes many writers at once (a conflict on one table is retried:
    load.replace_window), so there it locks nothing; a SQLite catalog admits one writer at a time (the
    others fail on "database is locked" — measured: the demo's sources loaded side by side gave up after
    30 s of it), so there it locks <catalog>.lock, on the one machine a SQLite catalog serves."""

    def __init__(self, warehouse: WarehouseTarget | Path, timeout: float):
        target = as_target(warehouse)
        if not target.is_lake:
            self.path = target.path.with_name(target.path.name + ".lock")
        elif target.catalog.startswith("sqlite:"):
            catalog = Path(target.catalog[len("sqlite:"):])
            self.path = catalog.with_name(catalog.name + ".lock")
        else:
            self.path = None
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> "WriterLock":
        if self.path is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise RoiError(
                        f"another roi process holds the warehouse ({holder}); it waited {self.timeout:g} s — "
                        "let it finish, or raise [warehouse] lock_timeout_seconds") from None
                time.sleep(0.25)
        os.ftruncate(fd, 0)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(sys.argv[:3]),
                "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {info['pid']} on {info['host']}, `{info['command']}` since {info['since']}"
    except (ValueError, KeyError, OSError):
        return "unknown process"
