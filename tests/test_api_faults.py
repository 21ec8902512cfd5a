"""A misbehaving API: every row arrives exactly once, or the window fails cleanly and the next run completes it."""
import pytest

from roi.pipeline.runs import run_window
from tests.fakeapi import Reply, query
from tests.test_api_meta_ads import (  # noqa: F401 — FAKE, SOURCES, SECRETS: for conftest.py
    FAKE, RUN_DATE, SECRETS, SOURCES, TOKEN, V)

INSIGHTS = f"{V}/act_1111/insights"
# The window [2026-05-28, 2026-06-03] holds 6 Italian rows (114.90 EUR) and 1 US row (150.00 USD).
EXPECTED = [("EUR", 6, 114.90), ("USD", 1, 150.00)]


def loaded(settings):
    return [(c, n, round(float(s), 2)) for c, n, s in query(
        settings, "SELECT currency, count(*), sum(spend) FROM core.ad_performance GROUP BY 1 ORDER BY 1")]


def run(settings):
    return run_window(settings, settings.source("meta"), RUN_DATE)


def status(settings):
    return query(settings, "SELECT status, error FROM ops.loads ORDER BY started_at DESC LIMIT 1")[0]


THROTTLED = Reply(400, {"error": {"message": "User request limit reached", "code": 17, "type": "OAuthException"}},
                  {"x-business-use-case-usage": '{"1111": [{"call_count": 100, "estimated_time_to_regain_access": 0}]}'})
RECOVERABLE = {
    "429 storm": [Reply(429, {"error": {"message": "Too many calls"}}, {"Retry-After": "0"})] * 4,
    "5xx burst": [Reply(500, {"error": {"message": "An unknown error occurred", "code": 1}}),
                  Reply(503, "Service Unavailable")],
    "connection resets": [Reply(drop=True), Reply(drop=True)],
    "throttling codes": [THROTTLED, THROTTLED],
}
FATAL = {
    "a 5xx storm beyond the retry budget": [Reply(502, "Bad Gateway")] * 12,
    "truncated JSON": [Reply(200, '{"data": [{"account_id": "1111", "spend": "25.5')],
    "a page missing (expired cursor)": None,
    "a sudden schema change": None,
}


@pytest.mark.parametrize("fault", list(RECOVERABLE))
def test_recoverable_faults_deliver_every_row_exactly_once(make_settings, server, waits, fault):
    settings = make_settings()
    server.api.fail_next("GET", INSIGHTS, *RECOVERABLE[fault])
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert loaded(settings) == EXPECTED


def test_a_repeated_page_is_not_counted_twice(make_settings, server, waits):
    settings = make_settings()
    server.repeat_after = "c2"
    assert run(settings).status == "succeeded"
    assert loaded(settings) == EXPECTED


@pytest.mark.parametrize("fault", list(FATAL))
def test_fatal_faults_fail_the_window_cleanly_and_the_next_run_completes_it(make_settings, server, waits, fault):
    settings = make_settings()
    assert run(settings).status == "succeeded"
    before = loaded(settings)
    if fault == "a page missing (expired cursor)":
        server.api.route("GET", INSIGHTS, lambda req, m: Reply(400, {"error": {
            "message": "Invalid cursor: the page after c2 expired", "code": 100}})
            if req.arg("after") == "c2" else server.insights(req, m))
    elif fault == "a sudden schema change":
        server.api.route("GET", rf"{V}/act_\d+/insights", lambda req, m: Reply(200, {"data": [
            {"adAccount": "1111", "cost": {"amount": 1}}], "paging": {}}))
    else:
        server.api.fail_next("GET", INSIGHTS, *FATAL[fault])
    record = run(settings)
    assert record.status == "failed"
    assert record.error and "\n" not in record.error and TOKEN not in record.error
    assert status(settings) == ("failed", record.error)
    assert loaded(settings) == before            # the previous state of the window is kept
    server.api.reset()
    type(server).__init__(server, server.api)     # the API behaves again
    assert run(settings).status == "succeeded"
    assert loaded(settings) == EXPECTED


def test_report_polls_pause_in_turn_and_stop_before_the_limit(waits):
    from roi.sources import http
    # 0, then 2 s, then 3 s (the last delay repeats): a further 3 s would pass 6 s, so the polls end at 5 s waited
    assert list(http.polls([2, 3], 6)) == [0.0, 2.0, 5.0]
    assert waits == [2, 3]
