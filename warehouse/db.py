"""DuckDB connections: short write sessions under a writer lock, and read-only sessions that wait politely."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

import duckdb

from roi.contracts.errors import RoiError

BASE_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
READ_WAIT_SECONDS = 30.0


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection; hold it only for the short load step (readers wait meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return _open(path, read_only=False, wait=READ_WAIT_SECONDS)


def connect_read_only(path: Path, *, wait: float = READ_WAIT_SECONDS, sandbox: bool = False,
                      note_old_views: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection; while a load holds the file it retries for up to `wait` seconds.

    sandbox=True also forbids reading or attaching other files (for `roi query`); note_old_views
    says on stderr when the warehouse's views are an older roi's (off where a load follows)."""
    if not path.is_file():
        raise RoiError(f"{path}: no warehouse yet — run `roi run` (or `roi ingest FILE --kind KIND`) first")
    con = _open(path, read_only=True, wait=wait)
    if note_old_views:
        _note_other_build(con)
    if sandbox:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


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
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise RoiError(f"{path}: the warehouse is busy ({_first_line(exc)}) — try again in a minute") from None
            time.sleep(0.2)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160]


class WriterLock:
    """One writer at a time: an flock on <warehouse>.lock that records who holds it."""

    def __init__(self, warehouse: Path, timeout: float):
        self.path = warehouse.with_name(warehouse.name + ".lock")
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> "WriterLock":
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
