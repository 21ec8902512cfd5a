"""Google Ads API mode: the real client, transform and load path against a local server playing searchStream."""
import datetime as dt
import re

import polars as pl
import pytest

from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)           # lookback_days = 2 -> window 2026-06-01 .. 2026-06-03
SECRETS = {"DEVELOPER_TOKEN": "devtok-5ecret-AbC", "CLIENT_ID": "client-id-123.apps.example",
           "CLIENT_SECRET": "client-5ecret-XyZ", "REFRESH_TOKEN": "1//refresh-5ecret-QrS"}
STREAM = r"/v26/customers/(\d+)/googleAds:searchStream"


def customer(cid, name, currency, tz):
    return {"resourceName": f"customers/{cid}", "id": cid, "descriptiveName": name, "currencyCode": currency,
            "timeZone": tz}


IT = customer("1234567890", "Negozio Italia", "EUR", "Europe/Rome")
US = customer("9876543210", "Shop US", "USD", "America/New_York")


def campaign_row(cust, cid, name, day, **metrics):
    """A searchStream row as REST answers it: int64 as strings, doubles as numbers, zero metrics left out."""
    return {"customer": cust, "campaign": {"resourceName": f"customers/{cust['id']}/campaigns/{cid}", "id": cid,
                                           "name": name},
            "metrics": {k: v for k, v in metrics.items() if v not in (0, "0")}, "segments": {"date": day}}


# customer -> rows of the campaign-level report (the server filters them by the query's dates)
CAMPAIGN_ROWS = {
    "1234567890": [
        campaign_row(IT, "111", "Brand Search", "2026-06-01", impressions="1200", clicks="60",
                     costMicros="45500000", conversions=3.0, conversionsValue=150.0),
        campaign_row(IT, "222", "Saldi – Estate ☀️", "2026-06-01", impressions="800", clicks="20",
                     costMicros="12250000", conversions=0.5, conversionsValue=20.25, engagements="7"),
        campaign_row(IT, "111", "Brand Search", "2026-06-02", impressions="1000", clicks="50",
                     costMicros="40000000", conversions=2.5, conversionsValue=1125.4),
        campaign_row(IT, "222", "Saldi – Estate ☀️", "2026-06-02", impressions="5"),   # no clicks, no cost
        campaign_row(IT, "111", "Brand Search", "2026-06-03", impressions="950", clicks="38",
                     costMicros="39900000", conversions=1.0, conversionsValue=80.0, videoTrueviewViews="12"),
        campaign_row(IT, "111", "Brand Search", "2026-05-31", impressions="1", clicks="1", costMicros="999000000"),
    ],
    "9876543210": [
        campaign_row(US, "333", "US Prospecting", "2026-06-02", impressions="3000", clicks="90",
                     costMicros="123456789", conversions=4.0, conversionsValue=400.0),
        campaign_row(US, "333", "US Prospecting", "2026-06-03", impressions="2500", clicks="75",
                     costMicros="100000000", conversions=3.0, conversionsValue=310.0),
    ],
}
AD_ROWS = {
    "1234567890": [
        {**campaign_row(IT, "111", "Brand Search", "2026-06-01", impressions="700", clicks="40",
                        costMicros="30000000", conversions=2.0, conversionsValue=100.0),
         "adGroup": {"resourceName": "customers/1234567890/adGroups/5551", "id": "5551", "name": "Brand exact"},
         "adGroupAd": {"resourceName": "customers/1234567890/adGroupAds/5551~9001", "ad": {
             "resourceName": "customers/1234567890/ads/9001", "id": "9001"}}},           # RSAs have no name
        {**campaign_row(IT, "111", "Brand Search", "2026-06-01", impressions="500", clicks="20",
                        costMicros="15500000", conversions=1.0, conversionsValue=50.0),
         "adGroup": {"resourceName": "customers/1234567890/adGroups/5551", "id": "5551", "name": "Brand exact"},
         "adGroupAd": {"resourceName": "customers/1234567890/adGroupAds/5551~9002", "ad": {
             "resourceName": "customers/1234567890/ads/9002", "id": "9002", "name": "Display banner"}}},
    ],
}


def ads_error(http, message, status, code=None, details=None):
    error = {"code": http, "message": message, "status": status}
    if code:
        failure = {"@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                   "errors": [{"errorCode": code, "message": message, **({"details": details} if details else {})}],
                   "requestId": "req-err-1"}
        error["details"] = [failure]
    return error


class GoogleAdsServer:
    """Plays the OAuth token endpoint and GoogleAdsService.SearchStream (REST)."""

    def __init__(self, api: FakeApi, batch_size: int = 2):
        self.api = api
        self.batch_size = batch_size
        self.tokens: list[str] = []
        self.valid: set[str] = set()
        self.queries: list[str] = []
        api.route("POST", "/token", self.token)
        api.route("POST", STREAM, self.stream)

    def token(self, req, m):
        form = req.form()
        expected = {"grant_type": "refresh_token", "client_id": SECRETS["CLIENT_ID"],
                    "client_secret": SECRETS["CLIENT_SECRET"], "refresh_token": SECRETS["REFRESH_TOKEN"]}
        if any(form.get(k) != v for k, v in expected.items()):
            return Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        token = f"ya29.access-{len(self.tokens) + 1}"
        self.tokens.append(token)
        self.valid.add(token)
        return Reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                           "scope": "https://www.googleapis.com/auth/adwords"})

    def expire(self):
        self.valid.clear()

    def rows(self, query, customer_id):
        """The rows of the queried resource for one customer, before the date filter."""
        return (AD_ROWS if "FROM ad_group_ad" in query else CAMPAIGN_ROWS).get(customer_id, [])

    def stream(self, req, m):
        bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.valid:
            return Reply(401, {"error": ads_error(401, "Request had invalid authentication credentials. Expected "
                                                       "OAuth 2 access token.", "UNAUTHENTICATED",
                                                  {"authenticationError": "OAUTH_TOKEN_EXPIRED"})})
        if req.headers.get("developer-token") != SECRETS["DEVELOPER_TOKEN"]:
            return Reply(401, {"error": ads_error(401, "The developer token is not valid.", "UNAUTHENTICATED",
                                                  {"authenticationError": "DEVELOPER_TOKEN_INVALID"})})
        query = req.json()["query"]
        self.queries.append(query)
        since, until = re.search(r"segments\.date BETWEEN '([\d-]+)' AND '([\d-]+)'", query).groups()
        rows = [r for r in self.rows(query, m.group(1)) if since <= r["segments"]["date"] <= until]
        batches = [rows[i:i + self.batch_size] for i in range(0, len(rows), self.batch_size)] or [[]]
        mask = ",".join(re.sub(r"_([a-z])", lambda x: x.group(1).upper(), f)
                        for f in re.search(r"SELECT (.*) FROM", query).group(1).split(", "))
        return Reply(200, [{"results": b, "fieldMask": mask, "requestId": f"req-{i}"} if b else
                           {"fieldMask": mask, "requestId": f"req-{i}"} for i, b in enumerate(batches)])


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = GoogleAdsServer
SOURCES = [{"name": "gads", "kind": "google_ads", "account_ids": ["123-456-7890", "9876543210"],
            "token_url": "{api}/token", "lookback_days": 2, "login_customer_id": "111-222-3333"}]


def run(settings):
    return run_window(settings, settings.source("gads"), RUN_DATE)


def facts(settings):
    return query(settings, "SELECT account_id, campaign_id, date_start, impressions, clicks, spend::DOUBLE, "
                           "conversions::DOUBLE, conversion_value::DOUBLE, currency FROM core.ad_performance "
                           "ORDER BY account_id, date_start, campaign_id")


def test_pulls_every_customer_and_day_once_with_money_from_micros(make_settings, server, waits):
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert record.rows_in == record.rows_loaded == 7 and record.rows_quarantined == 0
    rows = facts(settings)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("1234567890", "111", D(2026, 6, 1)), ("1234567890", "222", D(2026, 6, 1)),
        ("1234567890", "111", D(2026, 6, 2)), ("1234567890", "222", D(2026, 6, 2)),
        ("1234567890", "111", D(2026, 6, 3)),
        ("9876543210", "333", D(2026, 6, 2)), ("9876543210", "333", D(2026, 6, 3))]
    # cost_micros / 1e6, hand-summed: 45.50 + 12.25 + 40.00 + 0 + 39.90 (EUR) and 123.456789 + 100 (USD)
    it = [r for r in rows if r[0] == "1234567890"]
    us = [r for r in rows if r[0] == "9876543210"]
    assert sum(r[5] for r in it) == pytest.approx(137.65) and {r[8] for r in it} == {"EUR"}
    assert sum(r[5] for r in us) == pytest.approx(223.456789) and {r[8] for r in us} == {"USD"}
    assert rows[3][3:8] == (5, 0, 0.0, 0.0, 0.0)            # metrics left out of the JSON are zeros
    assert sum(r[6] for r in it) == pytest.approx(7.0) and sum(r[7] for r in it) == pytest.approx(1375.65)
    assert sum(r[3] for r in rows) == 1200 + 800 + 1000 + 5 + 950 + 3000 + 2500
    names = query(settings, "SELECT DISTINCT account_name, campaign_name, ad_group_id, ad_id, video_views, "
                            "engagements FROM core.ad_performance WHERE campaign_id = '222' AND "
                            "date_start = '2026-06-01'")
    assert names == [("Negozio Italia", "Saldi – Estate ☀️", "", "", 0, 7)]
    # the request: one GAQL per customer, the window's dates, headers Google requires
    assert len(server.queries) == 2 and all("BETWEEN '2026-06-01' AND '2026-06-03'" in q for q in server.queries)
    assert "FROM campaign " in server.queries[0] and "metrics.cost_micros" in server.queries[0]
    calls = [r for r in server.api.log if r.path.endswith(":searchStream")]
    assert [r.path for r in calls] == ["/v26/customers/1234567890/googleAds:searchStream",
                                       "/v26/customers/9876543210/googleAds:searchStream"]
    assert {r.headers["login-customer-id"] for r in calls} == {"1112223333"}
    assert {r.headers["developer-token"] for r in calls} == {SECRETS["DEVELOPER_TOKEN"]}
    assert server.api.count("POST", "/token") == 1                  # one access token for the whole run
    raw = pl.read_parquet(settings.raw_dir / "gads" / "2026-06-01_2026-06-03.parquet")
    assert {"customer.currencyCode", "customer.timeZone", "metrics.costMicros"} <= set(raw.columns)
    assert set(raw["customer.timeZone"]) == {"Europe/Rome", "America/New_York"}
    assert waits == []
    # rerunning the window replaces it: same rows, not twice
    assert run(settings).status == "succeeded"
    assert facts(settings) == rows


def test_ad_level_keeps_ad_group_and_ad_ids(make_settings, server, waits):
    settings = make_settings(level="ad", account_ids=["1234567890"])
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert "FROM ad_group_ad " in server.queries[0] and "ad_group_ad.ad.id" in server.queries[0]
    rows = query(settings, "SELECT campaign_id, ad_group_id, ad_group_name, ad_id, ad_name, spend::DOUBLE "
                           "FROM core.ad_performance ORDER BY ad_id")
    assert rows == [("111", "5551", "Brand exact", "9001", None, 30.0),
                    ("111", "5551", "Brand exact", "9002", "Display banner", 15.5)]


def test_expired_access_token_is_refreshed_once_and_the_call_retried(make_settings, server, waits):
    settings = make_settings()
    original = server.stream

    def expire_once(req, m):
        if m.group(1) == "9876543210" and server.api.count("POST", STREAM) == 2:
            server.expire()                       # the token expired between the two customers
        return original(req, m)
    server.api.route("POST", STREAM, expire_once)
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert server.api.count("POST", "/token") == 2
    assert server.api.count("POST", STREAM) == 3
    assert record.rows_loaded == 7


def test_refused_refresh_token_fails_fast_naming_the_secrets(make_settings, server, waits, monkeypatch):
    settings = make_settings()
    monkeypatch.setitem(settings.env, "ROI_GADS__REFRESH_TOKEN", "1//revoked-5ecret")
    record = run(settings)
    assert record.status == "failed"
    assert "ROI_GADS__REFRESH_TOKEN" in record.error and "\n" not in record.error
    assert server.api.count("POST", STREAM) == 0 and waits == []


def test_credentials_still_refused_after_one_refresh_fail_naming_the_secrets(make_settings, server, waits):
    settings = make_settings()
    unauthenticated = Reply(401, {"error": ads_error(
        401, "Request had invalid authentication credentials.", "UNAUTHENTICATED",
        {"authenticationError": "OAUTH_TOKEN_INVALID"})})
    server.api.fail_next("POST", "/v26/customers/1234567890/googleAds:searchStream", unauthenticated, unauthenticated)
    record = run(settings)
    assert record.status == "failed"
    assert "HTTP 401" in record.error and "ROI_GADS__REFRESH_TOKEN" in record.error
    assert server.api.count("POST", "/token") == 2 and waits == []


def test_unapproved_developer_token_names_it(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", "/v26/customers/1234567890/googleAds:searchStream", Reply(403, {"error": ads_error(
        403, "The developer token is only approved for use with test accounts.", "PERMISSION_DENIED",
        {"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"})}))
    record = run(settings)
    assert record.status == "failed"
    assert "ROI_GADS__DEVELOPER_TOKEN" in record.error and "DEVELOPER_TOKEN_NOT_APPROVED" in record.error


def test_throttling_and_server_errors_are_retried_with_the_wait_google_asks_for(make_settings, server, waits):
    settings = make_settings()
    first, second = (f"/v26/customers/{c}/googleAds:searchStream" for c in ("1234567890", "9876543210"))
    exhausted = Reply(429, {"error": ads_error(
        429, "Too many requests. Retry in 27 seconds.", "RESOURCE_EXHAUSTED", {"quotaError": "RESOURCE_EXHAUSTED"},
        {"quotaErrorDetails": {"rateScope": "DEVELOPER", "rateName": "Number of operations for basic access",
                               "retryDelay": "27s"}})})
    # a stream that fails half way: HTTP 200, some rows, then an error object as the last element
    half = [{"results": CAMPAIGN_ROWS["1234567890"][:2], "fieldMask": "customer.id", "requestId": "r1"},
            {"error": ads_error(500, "Internal error encountered.", "INTERNAL")}]
    server.api.fail_next("POST", first, Reply(503, "Service Unavailable"), exhausted, Reply(200, half))
    server.api.fail_next("POST", second, Reply(429, {"error": ads_error(
        429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED")}, {"Retry-After": "4"}))
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert 0 < waits[0] <= 1.0                          # backoff after the 503
    assert waits[1:] == [27.0, 5.0, 4.0]                # retryDelay, a broken stream, Retry-After
    assert server.api.count("POST", first) == 4 and server.api.count("POST", second) == 2
    assert record.rows_loaded == 7                      # the half stream's rows are not counted twice
    assert query(settings, "SELECT count(*), count(DISTINCT (account_id, campaign_id, date_start)) "
                           "FROM core.ad_performance") == [(7, 7)]


def test_persistent_5xx_fails_cleanly_and_keeps_the_loaded_window(make_settings, server, waits):
    settings = make_settings()
    assert run(settings).status == "succeeded"
    before = facts(settings)
    server.api.route("POST", STREAM, lambda req, m: Reply(500, {"error": ads_error(
        500, "Internal error encountered.", "INTERNAL")}))
    record = run(settings)
    assert record.status == "failed"
    assert record.error.startswith("gads: ") and "HTTP 500" in record.error and "\n" not in record.error
    assert len(waits) == 5                              # bounded retries with backoff, then give up
    assert facts(settings) == before
    assert query(settings, "SELECT status FROM ops.loads ORDER BY started_at") == [("succeeded",), ("failed",)]


def test_sunset_version_names_api_version(make_settings, server, waits):
    settings = make_settings(api_version="v19")
    record = run(settings)                              # the fake serves only /v26/…: v19 is 404 as after a sunset
    assert record.status == "failed"
    assert "v19" in record.error and 'api_version = "v26"' in record.error and waits == []


def test_manager_account_and_bad_query_errors_are_one_clear_line(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", "/v26/customers/1234567890/googleAds:searchStream", Reply(400, {"error": ads_error(
        400, "Metrics cannot be requested for a manager account. To retrieve metrics, issue separate requests "
             "against each client account under the manager account.", "INVALID_ARGUMENT",
        {"queryError": "REQUESTED_METRICS_FOR_MANAGER"})}))
    record = run(settings)
    assert record.status == "failed"
    assert "customer 1234567890" in record.error and "login_customer_id" in record.error


def test_level_option_is_checked(make_settings, server, waits):
    settings = make_settings(level="keywords")
    record = run(settings)
    assert record.status == "failed" and "level" in record.error and "'search_term'" in record.error
    assert server.api.count("POST", STREAM) == 0


def test_secrets_never_reach_errors_raw_files_or_the_warehouse(make_settings, server, waits):
    settings = make_settings()
    assert run(settings).status == "succeeded"
    # an error body that echoes the credentials back is scrubbed before it becomes the load's error
    echo = f"Invalid developer token {SECRETS['DEVELOPER_TOKEN']} for client {SECRETS['CLIENT_SECRET']}"
    server.api.fail_next("POST", "/v26/customers/1234567890/googleAds:searchStream", Reply(400, {"error": ads_error(
        400, echo, "INVALID_ARGUMENT", {"requestError": "INVALID_INPUT"})}))
    record = run(settings)
    assert record.status == "failed" and "***" in record.error
    assert_no_secret_anywhere(settings, record, *SECRETS.values(), *server.tokens)


def test_transform_reports_unreadable_values_and_keeps_every_row():
    from roi.transforms.context import SourceContext
    from roi.transforms.google_ads import normalise_api
    from roi.sources.google_ads import api_columns, flatten
    rows = [flatten(campaign_row(IT, "111", "Brand Search", "2026-06-01", impressions="10", costMicros="12x")),
            flatten(campaign_row(IT, "111", "Brand Search", "2026-13-01", clicks="1", impressions="3")),
            flatten({"customer": {"id": "1"}, "campaign": {"id": "7"}, "segments": {"date": "2026-06-02"},
                     "metrics": {"videoViews": "4", "costMicros": "1"}})]     # an older API version's field
    names = api_columns("campaign", "v19")
    frame = pl.DataFrame([[r.get(c) for c in names] for r in rows], schema={c: pl.Utf8 for c in names},
                         orient="row").with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(frame, SourceContext(source="gads", kind="google_ads", currency="CHF"))
    assert out.frame["_row"].to_list() == [1, 2, 3]
    assert out.frame["_errors"].to_list() == [["spend: '12x' is not a number"],
                                              ["day: '2026-13-01' is not a date"], []]
    assert out.frame["video_views"].to_list() == [0, 0, 4]
    assert out.frame["spend"].to_list() == [None, 0.0, 0.000001]
    assert out.frame["currency"].to_list() == ["EUR", "EUR", "CHF"]       # none in the row: the source's currency
    empty = normalise_api(frame.clear(), SourceContext(source="gads", kind="google_ads"))
    assert empty.frame.height == 0 and empty.frame.columns[-2:] == ["_row", "_errors"]
