"""Real engines on 127.0.0.1 for tests: a Prefect server, a Dask scheduler and Dask worker processes, each in its
own process group, stopped (by that group) when the `with` ends.

    with prefect_server(tmp / "prefect-home") as (api, env):
        with dask_scheduler(env) as address, dask_workers(address, env, 4, cwd=tmp):
            ... run a flow with PREFECT_API_URL = api and [engine] dask_address = address ...
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_env(home: Path) -> dict[str, str]:
    """This environment without any PREFECT_ setting, with its own PREFECT_HOME and no telemetry or UI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_UI_ENABLED="false")
    return env


def stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """SIGTERM to the process's group (twice: an idle Prefect worker may ignore the first), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=seconds / 2)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def _start(args: list[str], env: dict, log: Path, cwd: Path | None = None) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(ready, process: subprocess.Popen, what: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (exit {process.poll()}): {log.read_text()[-2000:]}")
        time.sleep(0.2)


@contextmanager
def prefect_server(home: Path, seconds: float = 60):
    """`prefect server start` on a free port of 127.0.0.1; yields its API URL and the environment that reaches it
    (PREFECT_API_URL set) for the processes a test starts."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = quiet_env(home)
    log = home / "server.log"
    server = _start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log)
    api = f"http://127.0.0.1:{port}/api"

    def healthy() -> bool:
        try:
            return requests.get(f"{api}/health", timeout=1).ok
        except requests.ConnectionError:
            return False
    try:
        _wait(healthy, server, f"prefect server on port {port}", log, seconds)
        yield api, dict(env, PREFECT_API_URL=api)
    finally:
        stop(server)


@contextmanager
def dask_scheduler(env: dict, log_dir: Path, seconds: float = 30):
    """`dask scheduler` on a free port of 127.0.0.1, no dashboard; yields its tcp:// address."""
    port = free_port()
    log = log_dir / "dask-scheduler.log"
    scheduler = _start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                        "--no-dashboard"], env, log)
    address = f"tcp://127.0.0.1:{port}"

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0
    try:
        _wait(listening, scheduler, f"dask scheduler on port {port}", log, seconds)
        yield address
    finally:
        stop(scheduler)


@contextmanager
def dask_workers(address: str, env: dict, count: int, cwd: Path, log_dir: Path, seconds: float = 60):
    """`count` `dask worker` processes (one thread each, no nanny, no dashboard, roi's flows preloaded) on
    127.0.0.1; returns once the scheduler sees them all beside those it had."""
    from distributed import Client
    with Client(address, timeout=seconds) as client:
        before = len(client.scheduler_info()["workers"])
        workers = [_start([str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                           "--no-nanny", "--no-dashboard", "--preload", "roi.flows.fanout",
                           "--local-directory", str(log_dir / "dask-space")],
                          env, log_dir / f"dask-worker-{before + i}.log", cwd=cwd) for i in range(count)]
        try:
            client.wait_for_workers(before + count, timeout=seconds)
            yield workers
        finally:
            for worker in workers:
                stop(worker)
