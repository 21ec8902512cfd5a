"""`roi deploy` against a real Prefect server on 127.0.0.1: the deployments read back through its API, and a
process work pool's worker running the nightly one into the warehouse."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

from roi.mmm.extra import installed as mmm_installed
from tests.cluster_kit import free_port as _free_port
from tests.cluster_kit import prefect_server as prefect_server_started

ROOT = Path(__file__).resolve().parent.parent
PREFECT = Path(sys.executable).parent / "prefect"


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """`prefect server start` on a free port with its own PREFECT_HOME, shared by this module's tests (its start
    is most of their time); stopped (by its process group) after."""
    with prefect_server_started(tmp_path_factory.mktemp("prefect-home")) as (api, env):
        yield api, env


def test_roi_deploy_registers_nightly_on_its_cron_and_time_zone(prefect_server, tmp_path):
    api, env = prefect_server
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n'
                                       '[schedule]\ncron = "30 5 * * *"\ntimezone = "Europe/Rome"\n'
                                       '[mmm]\ncron = "0 7 2 * *"\n')
    done = subprocess.run([sys.executable, "-m", "roi.cli.main", "deploy", "--config", str(tmp_path / "roi.toml")],
                          env=dict(env, PREFECT_API_URL=api), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    found = requests.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {d["name"]: d for d in found}
    # the monthly media-mix fit where its extra is installed (make test installs it), said in a line where not
    assert set(by_name) == {"nightly", "backfill"} | ({"monthly"} if mmm_installed() else set())
    if mmm_installed():
        [monthly] = by_name["monthly"]["schedules"]
        assert (monthly["schedule"]["cron"], monthly["schedule"]["timezone"]) == ("0 7 2 * *", "Europe/Rome")
    else:
        assert "not registered: roi-mmm/monthly" in done.stdout
    [schedule] = by_name["nightly"]["schedules"]
    assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == ("30 5 * * *", "Europe/Rome")
    assert by_name["backfill"]["schedules"] == []
    assert by_name["nightly"]["global_concurrency_limit"]["limit"] == 1   # never two nightly runs at once


def _google_export(folder: Path) -> None:
    """Three days of Google Ads spend inside the nightly window (it ends yesterday and reaches 28 days back)."""
    today = dt.date.today()
    rows = [f"{today - dt.timedelta(days=back)},Brand,111,EUR,100,10,{cost},1,50.00"
            for back, cost in ((2, "10.00"), (3, "20.50"), (4, "5.25"))]
    (folder / "google.csv").write_text(
        "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n" + "\n".join(rows) + "\n")
    (folder / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n'
                                     '[schedule]\ncron = "0 4 * * *"\ntimezone = "Europe/Rome"\n'
                                     '[[sources]]\nname = "google_ads"\nkind = "google_ads"\nmode = "files"\n'
                                     'path = "google.csv"\n')


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _final_state(api: str, run_id: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        state = requests.get(f"{api}/flow_runs/{run_id}", timeout=10).json()["state"]["type"]
        if state in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} or time.monotonic() > deadline:
            return state
        time.sleep(1)


def test_a_process_pool_worker_runs_the_nightly_deployment_into_the_warehouse(prefect_server, tmp_path):
    api, env = prefect_server
    _google_export(tmp_path)
    done = subprocess.run([sys.executable, "-m", "roi.cli.main", "deploy", "--pool", "roi-test",
                           "--config", str(tmp_path / "roi.toml")],
                          env=dict(env, PREFECT_API_URL=api), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert requests.get(f"{api}/work_pools/roi-test", timeout=10).json()["type"] == "process"
    found = requests.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    by_name = {d["name"]: d for d in found}
    assert {by_name[n]["work_pool_name"] for n in ("nightly", "backfill")} == {"roi-test"}
    [schedule] = by_name["nightly"]["schedules"]
    assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == ("0 4 * * *", "Europe/Rome")
    assert by_name["nightly"]["parameters"] == {"config": str((tmp_path / "roi.toml").resolve())}

    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen([str(PREFECT), "worker", "start", "--pool", "roi-test", "--type", "process"],
                                  env=dict(env, PREFECT_API_URL=api, PREFECT_WORKER_QUERY_SECONDS="1"),
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        run = _create_flow_run(api, by_name["nightly"]["id"])
        state = _final_state(api, run["id"], seconds=120)
        assert state == "COMPLETED", worker_log.read_text()[-3000:]
    finally:
        _stop(worker)   # before the server: a worker that cannot reach its server is slow to stop
    with duckdb.connect(str(tmp_path / "roi.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), sum(spend) FROM core.ad_performance").fetchone() == (3, 35.75)


def _create_flow_run(api: str, deployment_id: str) -> dict:
    """A flow run of the deployment, created through the API; the SQLite-backed server may answer 5xx while
    another request holds its database (seen with the whole suite on 2 cores): asked again then."""
    for attempt in range(5):
        run = requests.post(f"{api}/deployments/{deployment_id}/create_flow_run", json={}, timeout=10)
        if run.status_code < 500:
            break
        time.sleep(1 + attempt)
    assert run.status_code in (200, 201), f"{run.status_code}: {run.text[:500]}"
    return run.json()


def _deploy_to_pool(api: str, env: dict, folder: Path, pool: str) -> subprocess.CompletedProcess:
    (folder / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    return subprocess.run([sys.executable, "-m", "roi.cli.main", "deploy", "--pool", pool, "--config",
                           str(folder / "roi.toml")], env=dict(env, PREFECT_API_URL=api), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_pool_of_another_type_is_refused_in_one_line(prefect_server, tmp_path):
    api, env = prefect_server
    requests.post(f"{api}/work_pools/", json={"name": "roi-docker", "type": "docker"}, timeout=10).raise_for_status()
    done = _deploy_to_pool(api, env, tmp_path, "roi-docker")
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["roi: error: work pool 'roi-docker' is of type 'docker', roi deploys to a "
                                        "process pool: give another --pool name (roi creates it) or delete that pool"]


def test_an_unreachable_server_is_one_line_naming_it(tmp_path):
    api = f"http://127.0.0.1:{_free_port()}/api"   # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = _deploy_to_pool(api, dict(env, PREFECT_HOME=str(tmp_path / "prefect-home")), tmp_path, "roi")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"roi: error: cannot reach the Prefect server at {api} (")
    assert line.endswith("start it with `prefect server start` or fix PREFECT_API_URL")


def _served_nightly(api: str, serve: subprocess.Popen, config: Path, seconds: float):
    """The nightly deployment once `roi serve --config config` has registered both (None if it did not in time or
    ended): earlier tests registered the same names with other configs, so wait for this one's parameters."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings
    deadline = time.monotonic() + seconds
    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
        while serve.poll() is None and time.monotonic() < deadline:
            try:
                found = [client.read_deployment_by_name(n) for n in ("roi-nightly/nightly", "roi-backfill/backfill")]
            except ObjectNotFound:
                found = []
            if found and all(d.parameters == {"config": str(config.resolve())} for d in found):
                return found[0]
            time.sleep(0.5)
    return None


def test_roi_serve_runs_a_nightly_flow_run_created_through_the_api_into_the_warehouse(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    api, env = prefect_server
    _google_export(tmp_path)
    serve_log = tmp_path / "serve.log"
    with serve_log.open("w") as log:
        serve = subprocess.Popen([str(Path(sys.executable).parent / "roi"), "serve",
                                  "--config", str(tmp_path / "roi.toml")],
                                 env=dict(env, PREFECT_API_URL=api, PREFECT_LOGGING_LEVEL="INFO",
                                          PREFECT_RUNNER_POLL_FREQUENCY="1"),
                                 cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        nightly = _served_nightly(api, serve, tmp_path / "roi.toml", seconds=60)
        assert nightly is not None, "roi serve registered no deployments (its output is below)"
        [schedule] = nightly.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 4 * * *", "Europe/Rome")
        assert nightly.global_concurrency_limit.limit == 1
        assert nightly.work_pool_name is None   # served here, off the pool an earlier test deployed it to

        with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
            run = client.create_flow_run_from_deployment(nightly.id)
        state = _final_state(api, str(run.id), seconds=120)
        assert state == "COMPLETED"
        # read while `roi serve` still runs: between runs it holds no lock on the warehouse
        with duckdb.connect(str(tmp_path / "roi.duckdb"), read_only=True) as con:
            assert con.execute("SELECT count(*), sum(spend) FROM core.ad_performance").fetchone() == (3, 35.75)
    except BaseException:
        print(serve_log.read_text()[-5000:])   # pytest shows it with the failure
        raise
    finally:
        try:
            _stop(serve)   # before the server fixture stops
        except ProcessLookupError:
            pass           # it had ended, and nothing it started is left in its group
