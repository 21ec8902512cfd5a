"""LinkedIn adAnalytics through the real load path, against a local server playing the versioned /rest API."""
import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest

import roi.sources.linkedin_ads as linkedin
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)          # lookback 2 -> window 1..3 June 2026
VERSION = "202607"
SECRETS = {"CLIENT_ID": "li-client-id-5151", "CLIENT_SECRET": "li-client-secret-9f9f",
           "REFRESH_TOKEN": "li-refresh-7a7a7a", "ACCESS_TOKEN": "li-stale-access-0000"}

# What the account spent: (campaign id, day) -> (impressions, clicks, costInLocalCurrency, costInUsd,
# externalWebsiteConversions, conversionValueInLocalCurrency, approximateMemberReach, videoViews, totalEngagements)
SPEND = {
    (7001, D(2026, 6, 1)): (19090, 100, "209.449", "227.118", 3, "450.5", 15000, 0, 140),
    (7001, D(2026, 6, 2)): (20210, 408, "509.980", "553.010", 7, "1020", 16100, 0, 512),
    (7002, D(2026, 6, 1)): (4100, 21, "45.1", "48.9", 0, "0", 3900, 800, 30),
    (7002, D(2026, 6, 3)): (5200, 33, "60.005", "65.06", 1, "99.99", 4800, 950, 41),
    (7003, D(2026, 6, 3)): (900, 4, "7.25", "7.86", 0, None, 850, 0, 6),
}
# creatives of the account -> their campaign
CREATIVES = {9101: 7001, 9102: 7001, 9201: 7002}
CREATIVE_SPEND = {
    (9101, D(2026, 6, 1)): (10000, 60, "120.000", "130.1", 2, "300", 8000, 0, 90),
    (9102, D(2026, 6, 1)): (9090, 40, "89.449", "97.0", 1, "150.5", 7000, 0, 50),
    (9201, D(2026, 6, 2)): (4100, 21, "45.1", "48.9", 0, "0", 3900, 800, 30),
}
FIELDS = ["impressions", "clicks", "costInLocalCurrency", "costInUsd", "externalWebsiteConversions",
          "conversionValueInLocalCurrency", "approximateMemberReach", "videoViews", "totalEngagements"]


class LinkedIn:
    """The parts of api.linkedin.com the source uses, with its quirks: Rest.li 2.0 query syntax, the
    LinkedIn-Version header, pageToken listings, no paging and a silent cap on adAnalytics."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.tokens = {SECRETS["ACCESS_TOKEN"]}   # the stale one is valid until a test expires it
        self.issued = 0
        self.cap = 15_000
        api.route("POST", r"/oauth/v2/accessToken", self.token)
        api.route("GET", r"/rest/adAccounts/(\d+)", self.account)
        api.route("GET", r"/rest/adAccounts/(\d+)/adCampaigns", self.campaigns)
        api.route("GET", r"/rest/adAccounts/(\d+)/creatives", self.creatives)
        api.route("GET", r"/rest/adAnalytics", self.analytics)

    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("refresh_token"), form.get("client_secret")) != (
                "refresh_token", SECRETS["REFRESH_TOKEN"], SECRETS["CLIENT_SECRET"]):
            return Reply(400, {"error": "invalid_request", "error_description": "bad refresh"})
        self.issued += 1
        token = f"li-fresh-access-{self.issued}"
        self.tokens.add(token)
        return Reply(200, {"access_token": token, "expires_in": 5184000})

    def refused(self, req):
        if req.headers.get("linkedin-version") != VERSION:
            return Reply(426, {"status": 426, "code": "NONEXISTENT_VERSION",
                               "message": f"Requested version {req.headers.get('linkedin-version')}01 is not active"})
        if req.headers.get("x-restli-protocol-version") != "2.0.0":
            return Reply(400, {"status": 400, "message": "Rest.li protocol 2.0.0 expected"})
        auth = req.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return Reply(401, {"status": 401, "serviceErrorCode": 65601, "code": "EXPIRED_ACCESS_TOKEN",
                               "message": "The token used in the request has expired"})
        return None

    def account(self, req, m):
        return self.refused(req) or Reply(200, {"id": int(m.group(1)), "name": "Acme Italia", "currency": "EUR",
                                                "status": "ACTIVE", "type": "BUSINESS"})

    def campaigns(self, req, m):
        if (no := self.refused(req)):
            return no
        assert req.arg("q") == "search" and "status:(values:List(" in req.arg("search")
        pages = {None: ([7001, 7002], "CAEQAA"), "CAEQAA": ([7003], None)}   # pageSize is honoured loosely
        ids, token = pages[req.arg("pageToken")]
        names = {7001: "Lead Gen – CFO", 7002: "Retargeting Q2", 7003: "Brand video"}
        body = {"elements": [{"id": i, "name": names[i], "account": f"urn:li:sponsoredAccount:{m.group(1)}",
                              "campaignGroup": "urn:li:sponsoredCampaignGroup:600111", "status": "ACTIVE"}
                             for i in ids], "metadata": {"nextPageToken": token} if token else {}}
        return Reply(200, body)

    def creatives(self, req, m):
        if (no := self.refused(req)):
            return no
        assert req.headers.get("x-restli-method") == "FINDER"
        return Reply(200, {"elements": [
            {"id": f"urn:li:sponsoredCreative:{c}", "campaign": f"urn:li:sponsoredCampaign:{k}",
             **({"name": f"Creative {c}"} if c != 9201 else {})} for c, k in CREATIVES.items()],
            "metadata": {}})

    def analytics(self, req, m):
        if (no := self.refused(req)):
            return no
        query = unquote(req.path + "?" + "&".join(f"{k}={v[0]}" for k, v in req.query.items()))
        assert req.arg("q") == "analytics" and req.arg("timeGranularity") == "DAILY"
        assert req.arg("accounts") == "List(urn:li:sponsoredAccount:5001)", query
        found = re.search(r"start:\(year:(\d+),month:(\d+),day:(\d+)\),end:\(year:(\d+),month:(\d+),day:(\d+)\)",
                          req.arg("dateRange"))
        y1, m1, d1, y2, m2, d2 = map(int, found.groups())
        first, last = D(y1, m1, d1), D(y2, m2, d2)
        fields = req.arg("fields").split(",")
        pivot = req.arg("pivot")
        data, kind = (SPEND, "sponsoredCampaign") if pivot == "CAMPAIGN" else (CREATIVE_SPEND, "sponsoredCreative")
        elements = []
        for (entity, day), values in sorted(data.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if first <= day <= last:
                element = {"pivotValues": [f"urn:li:{kind}:{entity}"],
                           "dateRange": {"start": {"year": day.year, "month": day.month, "day": day.day},
                                         "end": {"year": day.year, "month": day.month, "day": day.day}}}
                for name, value in zip(FIELDS, values):
                    if name in fields and value is not None:
                        element[name] = value
                elements.append(element)
        return Reply(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements[:self.cap]})


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = LinkedIn
SOURCES = [{"name": "li", "kind": "linkedin_ads", "account_ids": ["urn:li:sponsoredAccount:5001"],
            "base_url": "{api}/rest/", "token_url": "{api}/oauth/v2/accessToken", "lookback_days": 2}]
# the secrets and the access tokens the fake gives
NEVER_STORED = [*SECRETS.values(), *(f"li-fresh-access-{i}" for i in range(1, 4))]


def test_campaign_level_loads_every_day_once_with_local_currency_spend(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (5, 5, 0)
    got = query(settings, "SELECT date_start, date_end, account_id, account_name, campaign_id, campaign_name, "
                          "ad_group_id, ad_id, currency, impressions, clicks, spend, conversions, conversion_value, "
                          "reach, video_views, engagements, platform FROM core.ad_performance "
                          "ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 6, 1), D(2026, 6, 1), "5001", "Acme Italia", "7001", "Lead Gen – CFO", "", "", "EUR",
                      19090, 100, Decimal("209.449"), 3.0, Decimal("450.5"), 15000, 0, 140, "linkedin_ads")
    assert [(r[0], r[4], r[5]) for r in got] == [
        (D(2026, 6, 1), "7001", "Lead Gen – CFO"), (D(2026, 6, 1), "7002", "Retargeting Q2"),
        (D(2026, 6, 2), "7001", "Lead Gen – CFO"), (D(2026, 6, 3), "7002", "Retargeting Q2"),
        (D(2026, 6, 3), "7003", "Brand video")]            # 7003's name came from the second listing page
    # costInLocalCurrency, never costInUsd: 209.449 + 45.1 + 509.980 + 60.005 + 7.25
    assert query(settings, "SELECT sum(spend), sum(conversions), sum(conversion_value), sum(clicks) "
                           "FROM core.ad_performance")[0] == (Decimal("831.784"), 11.0, Decimal("1570.49"), 566)
    # an expired stale token was not involved; the stale ACCESS_TOKEN worked and no refresh happened
    assert server.issued == 0 and waits == []
    assert server.api.count("GET", r"/rest/adAnalytics") == 1
    assert linkedin.DEFAULT_API_VERSION == VERSION           # every /rest call carried the current version
    assert {r.headers.get("linkedin-version") for r in server.api.log if r.path.startswith("/rest/")} == {VERSION}
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)
    # the same window again replaces it: nothing doubles
    assert run_window(settings, settings.source("li"), RUN_DATE).status == "succeeded"
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (5, Decimal("831.784"))


def test_creative_level_maps_creatives_to_their_campaigns(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    got = query(settings, "SELECT date_start, campaign_id, campaign_name, ad_id, ad_name, spend "
                          "FROM core.ad_performance ORDER BY date_start, ad_id")
    assert got == [(D(2026, 6, 1), "7001", "Lead Gen – CFO", "9101", "Creative 9101", Decimal("120")),
                   (D(2026, 6, 1), "7001", "Lead Gen – CFO", "9102", "Creative 9102", Decimal("89.449")),
                   (D(2026, 6, 2), "7002", "Retargeting Q2", "9201", None, Decimal("45.1"))]


def test_an_answer_at_linkedins_cap_is_split_until_nothing_is_cut(make_settings, server, waits, monkeypatch):
    monkeypatch.setattr(linkedin, "MAX_ELEMENTS", 3)
    server.cap = 3           # the API silently truncates to the cap
    settings = make_settings()
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (5, Decimal("831.784"))
    # 1-3 June: 5 rows, cut to 3 -> 1-2 June: 3 rows, at the cap -> 1 June (2), 2 June (1); 3 June (2)
    assert server.api.count("GET", r"/rest/adAnalytics") == 5


def test_a_single_day_at_the_cap_fails_rather_than_load_a_cut_answer(make_settings, server, waits, monkeypatch):
    monkeypatch.setattr(linkedin, "MAX_ELEMENTS", 2)
    server.cap = 2
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "failed"
    assert "2026-06-01" in record.error and 'level = "campaign"' in record.error
    assert query(settings, "SELECT count(*) FROM core.ad_performance")[0] == (0,)


def test_expired_access_token_is_refreshed_once_and_the_call_retried(make_settings, server, waits):
    server.tokens.clear()                          # the stored ACCESS_TOKEN has expired
    settings = make_settings()
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.issued == 1
    assert server.api.count("POST", r"/oauth/v2/accessToken") == 1
    assert query(settings, "SELECT count(*) FROM core.ad_performance")[0] == (5,)
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)


def test_refresh_trio_without_access_token_gets_a_token_first(make_settings, server, waits):
    secrets = {k: v for k, v in SECRETS.items() if k != "ACCESS_TOKEN"}
    settings = make_settings(secrets=secrets)
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.issued == 1


def test_access_token_alone_that_is_refused_fails_fast_naming_it(make_settings, server, waits):
    server.tokens.clear()
    settings = make_settings(secrets={"ACCESS_TOKEN": SECRETS["ACCESS_TOKEN"]})
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "failed"
    assert "ROI_LI__ACCESS_TOKEN" in record.error and "\n" not in record.error
    assert SECRETS["ACCESS_TOKEN"] not in record.error
    assert server.api.count() == 1 and waits == []        # no retries on refused credentials
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)


def test_missing_secrets_are_named_at_start_up(make_settings, server):
    from roi.contracts.errors import ConfigError
    with pytest.raises(ConfigError, match="ROI_LI__CLIENT_ID"):
        make_settings(secrets={"REFRESH_TOKEN": "x"})


def test_429_waits_for_retry_after_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("GET", "/rest/adAccounts/5001/adCampaigns", Reply(503, "upstream connect error"),
                         Reply(500, {"status": 500, "message": "Internal Server Error"}))
    server.api.fail_next("GET", "/rest/adAnalytics", Reply(429, {"status": 429, "message": "Resource level throttle "
                                                                  "APPLICATION DAY limit for calls to this resource "
                                                                  "is reached."}, {"Retry-After": "7"}))
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 3 and waits[2] == 7.0           # two backoffs for the 5xx, then Retry-After
    assert 0 < waits[0] <= 1 and 0 < waits[1] <= 2       # exponential backoff with jitter
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (5, Decimal("831.784"))


def test_persistent_5xx_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("li"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.route("GET", r"/rest/adAnalytics", lambda req, m: Reply(504, "Gateway Timeout"))
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "failed"
    assert "still throttled or failing" in record.error and "\n" not in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before
    assert query(settings, "SELECT status FROM ops.loads ORDER BY started_at") == [("succeeded",), ("failed",)]


def test_a_sunset_version_names_api_version(make_settings, server, waits):
    settings = make_settings(api_version="202401")
    record = run_window(settings, settings.source("li"), RUN_DATE)
    assert record.status == "failed"
    assert "api_version" in record.error and "202401" in record.error and "\n" not in record.error
    assert waits == []



def test_an_unreadable_metric_of_an_api_record_keeps_its_reason():
    """impressions read into `impressions`: the cell that could not be read is quarantined with its reason."""
    import polars as pl

    from roi.transforms.context import SourceContext
    from roi.transforms.linkedin_ads import normalise_api
    day = '{"start": {"year": 2026, "month": 6, "day": 1}, "end": {"year": 2026, "month": 6, "day": 1}}'
    records = pl.DataFrame({"dateRange": [day], "account_id": ["5"], "campaign_id": ["77"], "pivot": ["CAMPAIGN"],
                            "impressions": ["abc"], "clicks": ["3"], "costInLocalCurrency": ["1.50"], "_row": [1]})
    [(impressions, clicks, errors)] = normalise_api(records, SourceContext(source="li", kind="linkedin_ads")) \
        .frame.select("impressions", "clicks", "_errors").rows()
    assert impressions is None and clicks == 3
    assert any(e.startswith("impressions:") and "abc" in e for e in errors), errors
