"""Shared test setup: no telemetry, a throw-away Prefect home, and one Prefect harness per session."""
import os
import tempfile

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="roi-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for every flow test (~11 s), started only if a flow test runs."""
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness():
        yield


def pytest_unconfigure(config):
    """Collect leftover DuckDB objects while their module is alive, not during interpreter teardown
    (otherwise DuckDB's bindings print spurious 'leaked instance' lines after the test summary)."""
    import gc
    gc.collect()


@pytest.fixture
def waits(monkeypatch):
    """The waits between an API client's retries and polls, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr("roi.sources.http.pause", recorded.append)
    return recorded


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory):
    """A warehouse file with every table and view, built once per session (building the views takes
    about a second); tests copy it to start from an empty warehouse."""
    from roi.warehouse import build, db
    path = tmp_path_factory.mktemp("empty_warehouse") / "roi.duckdb"
    with db.connect(path) as con:
        build.ensure(con)
    return path


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """The bundled demo's files loaded into a warehouse once per session (no Prefect: extract and load
    per source, about 10 s); tests only read it (read-only connections)."""
    from roi.pipeline.ingest import extract, file_window, load
    from roi.pipeline.config import DEMO_CONFIG, load_settings
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("demo"))   # the demo's warehouse path is relative to the cwd
        settings = load_settings(DEMO_CONFIG)
    for source in settings.sources:
        extracted = extract(settings, source)
        load(settings, extracted, file_window(extracted), "test")
    return settings.warehouse_path
