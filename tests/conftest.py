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


# -- API sources against a fake server ----------------------------------------------------------------------
# An API test module (tests/test_api_*.py) names only what differs between platforms:
#   FAKE       the class that plays the platform's API on a FakeApi (tests/fakeapi.py): FAKE(api)
#   SOURCES    the roi.toml [[sources]] it loads, as dicts: mode = "api" and base_url = the fake server's URL
#              unless given; "{api}" in a value stands for that URL; a "secrets" entry gives a source its own
#   SECRETS    the secrets of every source, by key (set as ROI_<NAME>__<KEY>); optional
#   WAREHOUSE  roi.toml's [warehouse] keys besides its path; optional
# and takes the fixtures below: `api`, `server`, `make_settings` (and `waits`).

@pytest.fixture(scope="module")
def fake_api_server():
    """One fake API server on 127.0.0.1 per test module (starting and stopping one takes ~0.4 s), stopped after
    the module's last test."""
    from tests.fakeapi import FakeApi
    with FakeApi() as api:
        yield api


@pytest.fixture
def api(fake_api_server):
    """The module's fake API server, with no routes, faults or requests left by an earlier test."""
    fake_api_server.reset()
    return fake_api_server


@pytest.fixture
def server(request, api):
    """The test module's FAKE, fresh, playing on `api`."""
    return request.module.FAKE(api)


@pytest.fixture
def make_settings(request, tmp_path, monkeypatch, empty_warehouse, api):
    """make_settings(secrets=None, warehouse=None, **options) -> the Settings of a roi.toml in tmp_path holding
    the test module's SOURCES: `options` set in every source (None leaves a key out), `secrets` instead of
    SECRETS, `warehouse` keys over WAREHOUSE. The warehouse is a copy of the session's empty one, made once per
    test: a test that writes its roi.toml again keeps what it loaded."""
    import shutil

    from roi.pipeline.config import load_settings
    shutil.copyfile(empty_warehouse, tmp_path / "roi.duckdb")
    module = request.module

    def make(secrets=None, warehouse=None, **options):
        text = "[warehouse]\n" + _toml({"path": "roi.duckdb", **getattr(module, "WAREHOUSE", {}), **(warehouse or {})})
        for source in module.SOURCES:
            keys = {"mode": "api", "base_url": "{api}", **source, **options}
            own = keys.pop("secrets", {})
            keys = {k: v.replace("{api}", api.url) if isinstance(v, str) else v for k, v in keys.items()}
            text += "\n[[sources]]\n" + _toml(keys)
            given = getattr(module, "SECRETS", {}) if secrets is None else secrets
            _set_secrets(monkeypatch, keys["name"], {**given, **own})
        (tmp_path / "roi.toml").write_text(text, encoding="utf-8")
        return load_settings(tmp_path / "roi.toml")
    return make


def _toml(table: dict) -> str:
    """`key = value` lines; JSON strings, numbers and lists are TOML too, tables are written inline."""
    import json

    def value(v) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)
    return "".join(f"{key} = {value(v)}\n" for key, v in table.items() if v is not None)


def _set_secrets(monkeypatch, source: str, secrets: dict[str, str]) -> None:
    """The source's secrets in the environment are exactly these (none left over from the shell or a call before)."""
    prefix = f"ROI_{source.upper()}__"
    for name in [n for n in os.environ if n.startswith(prefix)]:
        monkeypatch.delenv(name)
    for key, value in secrets.items():
        monkeypatch.setenv(prefix + key, value)
