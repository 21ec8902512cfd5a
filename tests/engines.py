"""Real database engines for tests: a throw-away PostgreSQL cluster on 127.0.0.1 (initdb in a temporary folder,
pg_ctl start on a free port, stopped by pg_ctl stop, else by its postmaster's PID)."""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PG_USER = "roi"            # the cluster's superuser; its databases trust connections from 127.0.0.1


def pg_bin(name: str) -> Path | None:
    """A PostgreSQL server program: on PATH, else where Debian puts it (/usr/lib/postgresql/<version>/bin)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(candidates[-1]) if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """One PostgreSQL server of our own: `conninfo(db)` is what [warehouse] catalog = "postgres:…" takes."""

    def __init__(self, folder: Path, bindir: Path):
        self.folder = folder
        self.bindir = bindir
        self.data = folder / "data"
        self.port = free_port()
        # initdb refuses to run as root: a root test run starts the server as the postgres system user
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> None:
        if self._as:
            pw = pwd.getpwnam("postgres")
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", PG_USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off", "start")

    def createdb(self, name: str) -> str:
        """A new empty database; returns its conninfo."""
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name)
        return self.conninfo(name)

    def conninfo(self, name: str) -> str:
        return f"dbname={name} host=127.0.0.1 port={self.port} user={PG_USER}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=30)
        except (RuntimeError, subprocess.TimeoutExpired):
            pid_file = self.data / "postmaster.pid"
            if pid_file.is_file():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                    time.sleep(0.5)


@contextlib.contextmanager
def postgres_cluster():
    """A running PostgreSQL cluster, stopped and removed afterwards; the test is skipped, saying why, only
    when the server programs are not installed."""
    initdb = pg_bin("initdb")
    if initdb is None:
        pytest.skip("PostgreSQL's initdb is not installed (Debian: apt-get install postgresql; .ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="roi-pg-"))
    cluster = PostgresCluster(folder, initdb.resolve().parent)   # /usr/local/bin/initdb may be a link
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
