"""`roi deploy` against a real Prefect server on 127.0.0.1: the deployments read back through its API."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
PREFECT = Path(sys.executable).parent / "prefect"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free port with its own PREFECT_HOME; stopped (by its PID) after."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), DO_NOT_TRACK="1",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="false")
    server = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{api}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"prefect server did not start on port {port} (exit {server.poll()})")
            time.sleep(0.3)
        yield api, env
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def test_roi_deploy_registers_nightly_on_its_cron_and_time_zone(prefect_server, tmp_path):
    api, env = prefect_server
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n'
                                       '[schedule]\ncron = "30 5 * * *"\ntimezone = "Europe/Rome"\n')
    done = subprocess.run([sys.executable, "-m", "flows.cli", "deploy", "--config", str(tmp_path / "roi.toml")],
                          env=dict(env, PREFECT_API_URL=api), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    found = requests.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {d["name"]: d for d in found}
    assert set(by_name) == {"nightly", "backfill"}
    [schedule] = by_name["nightly"]["schedules"]
    assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == ("30 5 * * *", "Europe/Rome")
    assert by_name["backfill"]["schedules"] == []
    assert by_name["nightly"]["global_concurrency_limit"]["limit"] == 1   # never two nightly runs at once
