"""The flows fanned out for real on 127.0.0.1: a Prefect server, a Dask scheduler and worker processes, and a
Google Ads API that answers each account's request in 0.5 s and a second request of a busy account with a 429.
A backfill of 8 accounts gives the same warehouse on 1 and on 4 workers; a platform's concurrency limit holds
across threads and workers."""
import datetime as dt
import re
import threading
import time

import duckdb
import pytest
import requests

from tests.cluster_kit import dask_scheduler, dask_workers, prefect_server
from tests.fakeapi import Reply
from tests.test_api_google_ads import SECRETS, GoogleAdsServer, campaign_row, customer

ACCOUNTS = [str(1_000_000_001 + i) for i in range(8)]          # account i+1 spends i+1 EUR a day
FIRST, LAST = dt.date(2026, 6, 1), dt.date(2026, 6, 14)        # one 14-day chunk per account
PULL_SECONDS = 0.5


class ThrottledGoogleAds(GoogleAdsServer):
    """searchStream of 8 accounts, one campaign each, a row a day: each request takes PULL_SECONDS; a request for
    an account already being answered gets a 429 with Retry-After; the most requests in flight at once is kept."""

    def __init__(self, api):
        super().__init__(api, batch_size=50)
        self.lock = threading.Lock()
        self.busy: set[str] = set()
        self.in_flight = self.most_in_flight = self.throttled = 0

    def rows(self, query, customer_id):
        n = ACCOUNTS.index(customer_id) + 1
        cust = customer(customer_id, f"Account {n}", "EUR", "Europe/Rome")
        return [campaign_row(cust, str(100 + n), f"Campaign {n}", str(FIRST + dt.timedelta(days=d)),
                             impressions=str(100 * n), clicks=str(n), costMicros=str(n * 1_000_000),
                             conversions=1.0, conversionsValue=float(10 * n)) for d in range((LAST - FIRST).days + 1)]

    def stream(self, req, m):
        account = m.group(1)
        with self.lock:
            if account in self.busy:
                self.throttled += 1
                return Reply(429, {"error": {"code": 429, "message": "Too many requests for this customer",
                                             "status": "RESOURCE_EXHAUSTED"}}, {"Retry-After": "0.5"})
            self.busy.add(account)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(PULL_SECONDS)
            return super().stream(req, m)
        finally:
            with self.lock:
                self.busy.discard(account)
                self.in_flight -= 1


@pytest.fixture(scope="module")
def prefect(tmp_path_factory):
    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as (api, env):
        yield api, env


@pytest.fixture
def google(api):
    return ThrottledGoogleAds(api)


@pytest.fixture
def on_server(prefect, monkeypatch):
    """This process's flows report to the module's Prefect server (as `roi run` with PREFECT_API_URL set)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    api, env = prefect
    monkeypatch.setenv("PREFECT_API_URL", api)
    with temporary_settings(updates={PREFECT_API_URL: api}):
        yield api, env
        drain_prefect_workers()   # while this server still answers: else the session's harness waits on them


def drain_prefect_workers() -> None:
    """Send this process's queued Prefect events and logs now: workers left holding events for a server
    that has stopped make prefect_test_harness's teardown wait for ever."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain():
        try:
            result = APILogWorker.instance().drain()
            if hasattr(result, "__await__"):
                await result
        except RuntimeError:   # never started
            pass
        result = EventsWorker.drain_all()
        if hasattr(result, "__await__"):
            await result
    run_coro_as_sync(drain())


def project(folder, fake_url: str, engine: str, lookback_days: int = 28):
    """A roi.toml of one Google Ads source with the 8 accounts, its secrets in .env beside it (where a Dask
    worker reads them too)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roi.toml").write_text(
        f'[warehouse]\npath = "roi.duckdb"\n\n[engine]\n{engine}\n\n'
        f'[[sources]]\nname = "gads"\nkind = "google_ads"\nmode = "api"\nbase_url = "{fake_url}"\n'
        f'token_url = "{fake_url}/token"\nlookback_days = {lookback_days}\n'
        f'account_ids = [{", ".join(repr(a) for a in ACCOUNTS)}]\n'.replace("'", '"'))
    (folder / ".env").write_text("".join(f"ROI_GADS__{k}={v}\n" for k, v in SECRETS.items()))
    return folder / "roi.toml"


def warehouse(config) -> dict:
    with duckdb.connect(str(config.parent / "roi.duckdb"), read_only=True) as con:
        return {
            "facts": con.execute("SELECT * EXCLUDE (load_id) FROM core.ad_performance ORDER BY ALL").fetchall(),
            "channel_daily": con.execute("SELECT * FROM marts.channel_daily ORDER BY ALL").fetchall(),
            "spend": con.execute("SELECT account_id, count(*), sum(spend) FROM core.ad_performance "
                                 "GROUP BY 1 ORDER BY 1").fetchall(),
            "loads": con.execute("SELECT account, count(*) FILTER (status = 'succeeded') FROM ops.loads "
                                 "GROUP BY 1 ORDER BY 1").fetchall(),
        }


def limit(api: str, name: str) -> int:
    return requests.get(f"{api}/v2/concurrency_limits/{name}", timeout=10).json()["limit"]


def test_a_backfill_of_8_accounts_gives_the_same_warehouse_on_1_and_on_4_dask_workers(
        on_server, api, google, tmp_path, capsys):
    from roi.flows.backfill import backfill
    prefect_api, env = on_server
    timings, contents = {}, {}
    with dask_scheduler(env, tmp_path) as address:
        engine = f'task_runner = "dask"\ndask_address = "{address}"\napi_concurrency = {{ google_ads = 3 }}'
        with dask_workers(address, env, 1, cwd=tmp_path, log_dir=tmp_path):
            config = project(tmp_path / "one", api.url, engine)
            started = time.monotonic()
            records = backfill(start=FIRST, end=LAST, config=str(config), chunk_days=14)
            timings[1] = time.monotonic() - started
            contents[1] = warehouse(config)
            assert google.most_in_flight == 1                       # one worker of one thread: one pull at a time
            with dask_workers(address, env, 3, cwd=tmp_path, log_dir=tmp_path):
                google.most_in_flight = 0
                config = project(tmp_path / "four", api.url, engine)
                started = time.monotonic()
                again = backfill(start=FIRST, end=LAST, config=str(config), chunk_days=14)
                timings[4] = time.monotonic() - started
                contents[4] = warehouse(config)
    for done in (records, again):
        assert {r["status"] for r in done} == {"succeeded"}, [r["error"] for r in done]
        # the accounts in roi.toml's order, whatever order they finished in: the CLI's table reads as before
        assert [(r["account"], r["window_start"], r["window_end"], r["rows_loaded"]) for r in done] == \
            [(a, FIRST, LAST, 14) for a in ACCOUNTS]
    assert contents[1] == contents[4]
    # account n: 14 days of n EUR
    assert contents[4]["spend"] == [(a, 14, 14.0 * n) for n, a in enumerate(ACCOUNTS, 1)]
    assert contents[4]["loads"] == [(a, 1) for a in ACCOUNTS]         # each account loaded alone
    assert sum(row[-1] for row in contents[4]["spend"]) == 504.0     # 14 × (1 + … + 8)
    assert 1 < google.most_in_flight <= 3                             # 4 workers, google_ads = 3 across them
    assert limit(prefect_api, "roi-api-google_ads") == 3
    with capsys.disabled():
        print(f"\nfan-out backfill, 8 accounts × 1 chunk, {PULL_SECONDS} s per pull, google_ads = 3: "
              f"1 Dask worker {timings[1]:.1f} s, 4 workers {timings[4]:.1f} s, "
              f"ratio {timings[1] / timings[4]:.2f}; 429s answered: {google.throttled}")


def test_the_platform_limit_holds_for_threads_and_pulls_overlap_up_to_it(on_server, api, google, tmp_path):
    from roi.flows.nightly import nightly
    prefect_api, _ = on_server
    config = project(tmp_path, api.url, 'task_runner = "threads"\nmax_workers = 8\n'
                                        'api_concurrency = { google_ads = 2 }', lookback_days=0)
    started = time.monotonic()
    records = nightly(config=str(config), run_date=LAST)
    elapsed = time.monotonic() - started
    assert [(r["account"], r["window_start"], r["rows_loaded"]) for r in records] == [(a, LAST, 1) for a in ACCOUNTS]
    assert google.most_in_flight == 2                 # 8 tasks at once, 2 pulls at a time
    assert elapsed >= 4 * PULL_SECONDS                # 8 pulls, 2 by 2
    assert limit(prefect_api, "roi-api-google_ads") == 2
    assert warehouse(config)["spend"] == [(a, 1, float(n)) for n, a in enumerate(ACCOUNTS, 1)]


def test_roi_deploy_sets_the_limits_of_roi_toml_on_the_server(on_server, api, tmp_path):
    from roi.flows.deploy import register
    from roi.pipeline.config import load_settings
    prefect_api, _ = on_server
    config = project(tmp_path, api.url, 'api_concurrency = { google_ads = 5, meta_ads = 4 }')
    register(load_settings(config))
    assert (limit(prefect_api, "roi-api-google_ads"), limit(prefect_api, "roi-api-meta_ads")) == (5, 4)


def test_dask_without_a_prefect_server_is_one_line_naming_the_setting(tmp_path, monkeypatch, api):
    from roi.contracts.errors import ConfigError
    from roi.flows.fanout import run_items
    from roi.pipeline.config import load_settings
    from roi.pipeline.plan import nightly_items
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = load_settings(project(tmp_path, api.url, 'task_runner = "dask"\ndask_address = "tcp://127.0.0.1:1"'))
    with pytest.raises(ConfigError, match=re.escape('[engine] task_runner = "dask" needs a Prefect server')):
        run_items(settings, nightly_items(list(settings.sources), LAST), "run", None)
