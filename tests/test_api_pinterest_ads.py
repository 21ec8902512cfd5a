"""Pinterest API v5 ad analytics through the real load path, against a local server playing api.pinterest.com/v5:
bookmark-paged entity listings (ACTIVE and PAUSED unless asked), analytics 90 days back at most, async reports for
older windows (create, poll, download a pre-signed JSON file), micro-currency, {code, message} error bodies,
429 with X-RateLimit headers, the OAuth refresh with HTTP Basic client credentials."""
import base64
import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

import roi.sources.pinterest_ads as pinterest
from roi.pipeline.runs import run_source, run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
TODAY = D(2026, 6, 4)             # UTC: analytics answer from 2026-03-06 on
RUN_DATE = D(2026, 6, 3)          # lookback 40 -> window 24 April .. 3 June 2026
ACCOUNT = "549755885175"
TOKEN = "pina_AccessToken0a0b0c"
CLIENT_ID, CLIENT_SECRET, REFRESH = "1480000", "app-secret-9f8e7d", "pinr_RefreshToken1a2b3c"
FRESH = "pina_FreshToken4d5e6f"

CAMPAIGNS = {"626736533506": ("Spring Homes", "ACTIVE"), "626736533507": ("Always-on, retargeting", "PAUSED"),
             "626736533508": ("Winter sale", "ARCHIVED")}
AD_GROUPS = {"2680059592705": ("626736533506", "Living room"), "2680059592706": ("626736533507", "Visitors 30d"),
             "2680059592707": ("626736533508", "Snow")}
ADS = {"687311495517": ("2680059592705", "Sofa pin"), "687311495518": ("2680059592705", "Lamp pin"),
       "687311495519": ("2680059592706", "Catalog"), "687311495520": ("2680059592707", "Snow boots")}
COLUMNS = ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1", "OUTBOUND_CLICK_1", "ENGAGEMENT_1",
           "TOTAL_IMPRESSION_USER", "VIDEO_MRC_VIEWS_1", "TOTAL_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"]
# (day, ad) -> the COLUMNS; money in micro-units of GBP. A day of all zeros Pinterest leaves out.
DAYS = {
    (D(2026, 4, 25), "687311495517"): (12_345_678, 4000, 50, 30, 70, 3500, 0, 2, 59_900_000),
    (D(2026, 4, 25), "687311495518"): (5_000_000, 1200, 9, 4, 12, 1100, 300, 0, 0),
    (D(2026, 5, 10), "687311495519"): (7_250_000, 2100, 14, 10, 20, 1900, 0, 1, 45_000_000),
    (D(2026, 5, 23), "687311495517"): (31_050_000, 15020, 162, 120, 200, 12450, 0, 6, 310_350_000),
    (D(2026, 5, 23), "687311495520"): (1_000_000, 300, 2, 1, 3, 280, 0, 0, 0),
    (D(2026, 3, 1), "687311495517"): (99_000_000, 9999, 99, 9, 9, 9999, 0, 9, 999_000_000),   # outside
    (D(2025, 8, 1), "687311495517"): (10_000_000, 1000, 10, 5, 12, 900, 0, 1, 20_000_000),    # reports only
    (D(2026, 1, 20), "687311495519"): (2_500_000, 500, 5, 2, 6, 450, 0, 0, 0),                # reports only
}
LISTINGS = {"campaigns": {i: {"id": i, "name": n, "status": s, "ad_account_id": ACCOUNT}
                          for i, (n, s) in CAMPAIGNS.items()},
            "ad_groups": {i: {"id": i, "name": n, "campaign_id": c, "status": CAMPAIGNS[c][1]}
                          for i, (c, n) in AD_GROUPS.items()},
            "ads": {i: {"id": i, "name": n, "ad_group_id": g, "campaign_id": AD_GROUPS[g][0],
                        "status": CAMPAIGNS[AD_GROUPS[g][0]][1]} for i, (g, n) in ADS.items()}}
ID_KEYS = {"campaigns": "CAMPAIGN_ID", "ad_groups": "AD_GROUP_ID", "ads": "AD_ID"}
REPORT_LEVELS = {"CAMPAIGN": "campaigns", "AD_GROUP": "ad_groups", "PIN_PROMOTION": "ads"}


def error(status: int, code: int, message: str, headers: dict | None = None) -> Reply:
    return Reply(status, {"code": code, "message": message}, headers or {})


class Pinterest:
    def __init__(self, api: FakeApi):
        self.api = api
        self.tokens = {TOKEN}
        self.refreshes = 0
        self.analytics: list[dict] = []
        self.reports: list[dict] = []
        self.polls: dict[str, int] = {}
        api.route("POST", r"/v5/oauth/token", self.token)
        api.route("GET", r"/v5/ad_accounts/(\d+)", self.account)
        api.route("GET", r"/v5/ad_accounts/(\d+)/(campaigns|ad_groups|ads)", self.listing)
        api.route("GET", r"/v5/ad_accounts/(\d+)/(campaigns|ad_groups|ads)/analytics", self.analytics_answer)
        api.route("POST", r"/v5/ad_accounts/(\d+)/reports", self.create_report)
        api.route("GET", r"/v5/ad_accounts/(\d+)/reports", self.report_status)
        api.route("GET", r"/download/(.+)\.json", self.download)

    def refused(self, req):
        if req.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return error(401, 2, "Authentication failed.")
        return None

    def token(self, req, m):
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = req.form()
        if req.headers.get("authorization") != f"Basic {basic}" or form.get("refresh_token") != REFRESH \
                or form.get("grant_type") != "refresh_token":
            return Reply(401, {"code": 2, "message": "Authentication failed."})
        self.refreshes += 1
        self.tokens = {FRESH}
        return Reply(200, {"access_token": FRESH, "token_type": "bearer", "expires_in": 2592000,
                           "scope": "ads:read", "response_type": "refresh_token"})

    def account(self, req, m):
        if (no := self.refused(req)):
            return no
        if m[1] != ACCOUNT:
            return error(403, 29, "You are not permitted to access that resource.")
        return Reply(200, {"id": ACCOUNT, "name": "Acme Pins UK", "currency": "GBP", "country": "GB",
                           "owner": {"username": "acme"}, "permissions": ["OWNER"]})

    def listing(self, req, m):
        if (no := self.refused(req)):
            return no
        statuses = (req.arg("entity_statuses") or "ACTIVE,PAUSED").split(",")
        size = int(req.arg("page_size") or 25)
        assert size <= 250
        items = [i for i in LISTINGS[m[2]].values() if i["status"] in statuses]
        start = int(req.arg("bookmark") or "0", 16) if req.arg("bookmark") else 0
        page = items[start:start + size]
        more = start + size < len(items)
        return Reply(200, {"items": page, "bookmark": format(start + size, "x") if more else None})

    def entity(self, ad: str, listing: str) -> str:
        group = ADS[ad][0]
        return {"ads": ad, "ad_groups": group, "campaigns": AD_GROUPS[group][0]}[listing]

    def rows(self, listing: str, start: D, end: D, ids: set[str] | None, extra_ids: list[str]) -> list[dict]:
        merged: dict[tuple, list[int]] = {}
        for (day, ad), values in sorted(DAYS.items()):
            entity = self.entity(ad, listing)
            if start <= day <= end and (ids is None or entity in ids):
                old = merged.setdefault((day, entity), [0] * len(COLUMNS))
                merged[(day, entity)] = [a + b for a, b in zip(old, values)]
        out = []
        for (day, entity), values in merged.items():
            row = {"DATE": day.isoformat(), ID_KEYS[listing]: int(entity) if listing == "campaigns" else entity}
            row.update({c: v for c, v in zip(COLUMNS, values) if v})          # JSON answers omit zeros
            if "CAMPAIGN_ID" in extra_ids and listing != "campaigns":
                row["CAMPAIGN_ID"] = self.entity(next(a for a in ADS if self.entity(a, listing) == entity),
                                                 "campaigns")
            out.append(row)
        return out

    def analytics_answer(self, req, m):
        if (no := self.refused(req)):
            return no
        start, end = D.fromisoformat(req.arg("start_date")), D.fromisoformat(req.arg("end_date"))
        if start < TODAY - dt.timedelta(days=90) or (end - start).days + 1 > 90:
            return error(400, 1, "You can only get data from the last 90 days, 90 days per request.")
        columns = req.arg("columns").split(",")
        if not set(columns) <= set(COLUMNS) or req.arg("granularity") != "DAY":
            return error(400, 1, f"Invalid parameters. columns: {[c for c in columns if c not in COLUMNS]}")
        ids_param = {"campaigns": "campaign_ids", "ad_groups": "ad_group_ids", "ads": "ad_ids"}[m[2]]
        ids = req.arg(ids_param).split(",")
        assert 0 < len(ids) <= 250
        self.analytics.append({k: v[0] for k, v in req.query.items()})
        return Reply(200, self.rows(m[2], start, end, set(ids), []))

    def create_report(self, req, m):
        if (no := self.refused(req)):
            return no
        body = req.json()
        start, end = D.fromisoformat(body["start_date"]), D.fromisoformat(body["end_date"])
        assert (end - start).days + 1 <= 186 and start >= TODAY - dt.timedelta(days=914)
        assert body["granularity"] == "DAY" and body["report_format"] == "JSON"
        self.reports.append(body)
        token = f"report-{len(self.reports)}"
        self.polls[token] = 0
        return Reply(200, {"report_status": "IN_PROGRESS", "token": token, "message": ""})

    def report_status(self, req, m):
        if (no := self.refused(req)):
            return no
        token = req.arg("token")
        self.polls[token] += 1
        if self.polls[token] < 2:
            return Reply(200, {"report_status": "IN_PROGRESS", "url": None, "size": None})
        return Reply(200, {"report_status": "FINISHED", "url": f"{self.api.url}/download/{token}.json", "size": 321})

    def download(self, req, m):
        assert "authorization" not in req.headers          # a pre-signed URL: no credentials go with it
        body = self.reports[int(m[1].split("-")[1]) - 1]
        listing = REPORT_LEVELS[body["level"]]
        start, end = D.fromisoformat(body["start_date"]), D.fromisoformat(body["end_date"])
        by_entity: dict[str, list] = {}
        for row in self.rows(listing, start, end, None, body["columns"]):
            if listing == "ads":                           # a PIN_PROMOTION report names its ads so
                row["PIN_PROMOTION_ID"] = row.pop("AD_ID")
            by_entity.setdefault(str(row.get("PIN_PROMOTION_ID") or row[ID_KEYS[listing]]), []).append(row)
        return Reply(200, json.dumps(by_entity).encode())


@pytest.fixture(autouse=True)
def fixed_today_and_small_pages(monkeypatch):
    monkeypatch.setattr(pinterest, "utc_today", lambda: TODAY)
    monkeypatch.setattr(pinterest, "PAGE_SIZE", 2)      # small pages so that the listings span several


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = Pinterest
SOURCES = [{"name": "pins", "kind": "pinterest_ads", "account_ids": [ACCOUNT], "base_url": "{api}/v5/",
            "token_url": "{api}/v5/oauth/token", "lookback_days": 40}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


def test_campaign_level_reads_every_status_and_divides_micro_units(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.analytics) == 1
    sent = server.analytics[0]
    assert (sent["start_date"], sent["end_date"], sent["granularity"]) == ("2026-04-24", "2026-06-03", "DAY")
    assert sorted(sent["campaign_ids"].split(",")) == sorted(CAMPAIGNS)     # the archived one too
    assert sent["columns"].split(",") == COLUMNS
    assert "click_window_days" not in sent                                  # Pinterest's defaults unless set
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (4, 4, 0)
    got = query(settings, "SELECT date_start, platform, account_id, account_name, campaign_id, campaign_name, "
                          "ad_group_id, ad_id, currency, impressions, clicks, spend, conversions, conversion_value, "
                          "reach, video_views, engagements FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 4, 25), "pinterest_ads", ACCOUNT, "Acme Pins UK", "626736533506", "Spring Homes", "",
                      "", "GBP", 5200, 59, Decimal("17.345678"), 2.0, Decimal("59.900000"), 4600, 300, 82)
    # a metric a JSON row leaves out is 0: video views of 10 May, conversions of the archived campaign
    assert got[1][4:6] == ("626736533507", "Always-on, retargeting") and got[1][15] == 0
    assert got[3][4:6] == ("626736533508", "Winter sale") and got[3][12:14] == (0.0, Decimal("0"))
    assert [r[0] for r in got] == [D(2026, 4, 25), D(2026, 5, 10), D(2026, 5, 23), D(2026, 5, 23)]
    # 17.345678 + 7.25 + 31.05 + 1.00; 5200 + 2100 + 15020 + 300; 59 + 14 + 162 + 2; 2 + 1 + 6; 59.90 + 45 + 310.35
    assert query(settings, "SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions), "
                           "sum(conversion_value), sum(engagements) FROM core.ad_performance")[0] == (
        Decimal("56.645678"), 22620, 237, 9.0, Decimal("415.250000"), 305)
    assert waits == []
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_entities_are_asked_for_250_at_a_time(make_settings, server, waits, monkeypatch):
    monkeypatch.setattr(pinterest, "MAX_IDS", 2)
    settings = make_settings()
    assert run_window(settings, settings.source("pins"), RUN_DATE).status == "succeeded"
    assert [len(a["campaign_ids"].split(",")) for a in server.analytics] == [2, 1]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (4, Decimal("56.645678"))


def test_ad_level_names_every_level_from_the_listings(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert sorted(server.analytics[0]["ad_ids"].split(",")) == sorted(ADS)
    assert (record.rows_in, record.rows_loaded) == (5, 5)
    got = query(settings, "SELECT campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name, spend "
                          "FROM core.ad_performance WHERE date_start = DATE '2026-04-25' ORDER BY ad_id")
    assert got == [("626736533506", "Spring Homes", "2680059592705", "Living room", "687311495517", "Sofa pin",
                    Decimal("12.345678")),
                   ("626736533506", "Spring Homes", "2680059592705", "Living room", "687311495518", "Lamp pin",
                    Decimal("5.000000"))]
    assert query(settings, "SELECT sum(spend) FROM core.ad_performance")[0] == (Decimal("56.645678"),)


def test_attribution_windows_and_report_time_reach_the_request(make_settings, server, waits):
    settings = make_settings(click_window_days=7, view_window_days=0, conversion_report_time="time_of_conversion")
    assert run_window(settings, settings.source("pins"), RUN_DATE).status == "succeeded"
    sent = server.analytics[0]
    assert (sent["click_window_days"], sent["view_window_days"], sent["conversion_report_time"]) == (
        "7", "0", "TIME_OF_CONVERSION")


def test_a_window_older_than_90_days_comes_from_async_reports(make_settings, server, waits):
    settings = make_settings(level="ad_group")
    window = (D(2025, 7, 15), D(2026, 1, 31))          # 201 days: reports of 186 and 15 days
    record = run_source(settings, settings.source("pins"), window, "backfill")
    assert record.status == "succeeded", record.error
    assert server.analytics == []
    assert [(r["start_date"], r["end_date"], r["level"]) for r in server.reports] == [
        ("2025-07-15", "2026-01-16", "AD_GROUP"), ("2026-01-17", "2026-01-31", "AD_GROUP")]
    assert server.reports[0]["columns"][:2] == ["CAMPAIGN_ID", "AD_GROUP_ID"]
    assert waits == [2, 2]                                # each report polled once while in progress
    got = query(settings, "SELECT date_start, campaign_id, campaign_name, ad_group_id, ad_group_name, currency, "
                          "impressions, spend, conversion_value FROM core.ad_performance ORDER BY date_start")
    assert got == [(D(2025, 8, 1), "626736533506", "Spring Homes", "2680059592705", "Living room", "GBP", 1000,
                    Decimal("10.000000"), Decimal("20.000000")),
                   (D(2026, 1, 20), "626736533507", "Always-on, retargeting", "2680059592706", "Visitors 30d", "GBP",
                    500, Decimal("2.500000"), Decimal("0"))]


def test_ad_level_reports_name_ads_by_pin_promotion_id(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_source(settings, settings.source("pins"), (D(2025, 8, 1), D(2025, 8, 31)), "backfill")
    assert record.status == "succeeded", record.error
    assert server.reports[0]["level"] == "PIN_PROMOTION"
    assert query(settings, "SELECT date_start, campaign_name, ad_group_name, ad_id, ad_name, spend "
                           "FROM core.ad_performance") == [
        (D(2025, 8, 1), "Spring Homes", "Living room", "687311495517", "Sofa pin", Decimal("10.000000"))]


def test_429_with_rate_limit_headers_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("GET", f"/v5/ad_accounts/{ACCOUNT}/campaigns/analytics",
                         error(429, 8, "You have exceeded your rate limit. Try again later.",
                               {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "7"}),
                         Reply(503, "<html>Service Unavailable</html>"))
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert waits[0] == 7.0                              # X-RateLimit-Reset: seconds to the reset
    assert len(waits) == 2 and 0 < waits[1] <= 2        # the 503: backoff with jitter
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (4, Decimal("56.645678"))


def test_an_expired_access_token_is_refreshed_with_basic_client_credentials(make_settings, server, waits):
    settings = make_settings(secrets={"ACCESS_TOKEN": "pina_ExpiredToken7g8h9i", "CLIENT_ID": CLIENT_ID,
                                      "CLIENT_SECRET": CLIENT_SECRET, "REFRESH_TOKEN": REFRESH})
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.refreshes == 1
    assert query(settings, "SELECT count(*) FROM core.ad_performance")[0] == (4,)
    assert_no_secret_anywhere(settings, record, "pina_ExpiredToken7g8h9i", CLIENT_SECRET, REFRESH, FRESH)


def test_a_refused_refresh_names_the_secrets_in_one_line(make_settings, server, waits):
    settings = make_settings(secrets={"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": "wrong-secret-0000",
                                      "REFRESH_TOKEN": REFRESH})
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_PINS__CLIENT_SECRET" in record.error and "refresh" in record.error
    assert "wrong-secret-0000" not in record.error and REFRESH not in record.error


def test_an_error_body_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("pins"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    settings = make_settings(conversion_metric="TOTAL_NOPE")
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "HTTP 400" in record.error and "TOTAL_NOPE" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_an_ad_account_the_token_may_not_read_names_account_ids(make_settings, server, waits):
    settings = make_settings(account_ids=["549755000000"])
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "549755000000" in record.error and "account_ids" in record.error and "code 29" in record.error


@pytest.mark.parametrize("options, words", [({"level": "keyword"}, ["level", "keyword"]),
                                            ({"click_window_days": 3}, ["click_window_days", "3"]),
                                            ({"conversion_report_time": "LATER"}, ["conversion_report_time"])])
def test_bad_options_are_clear_errors(make_settings, server, waits, options, words):
    settings = make_settings(**options)
    record = run_window(settings, settings.source("pins"), RUN_DATE)
    assert record.status == "failed" and all(w in record.error for w in words)
    assert server.api.count() == 0


def test_normalise_api_reads_the_answer_shape():
    """Ids as numbers, money in micro-units or missing, a row without DATE."""
    records = pl.DataFrame({
        "ad_account_id": ["1", "1"], "ad_account_name": ["Acme", "Acme"], "ad_account_currency": ["usd", "usd"],
        "DATE": ["2026-05-01", None], "CAMPAIGN_ID": ["626736533506", "626736533506"], "CAMPAIGN_NAME": ["A", "A"],
        "SPEND_IN_MICRO_DOLLAR": ["1500000", "2"], "IMPRESSION_1": ["100", None], "CLICKTHROUGH_1": [None, "x"],
        "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": ["12990000", None],
    }).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    from roi.transforms.context import SourceContext
    from roi.transforms.pinterest_ads import normalise_api
    out = normalise_api(records, SourceContext(source="pins", kind="pinterest_ads")).frame
    first, second = out.row(0, named=True), out.row(1, named=True)
    assert (first["date_start"], first["spend"], first["currency"], first["impressions"], first["clicks"],
            first["conversions"], first["conversion_value"], first["_errors"]) == (
        D(2026, 5, 1), 1.5, "USD", 100, 0, 0.0, 12.99, [])
    assert second["_errors"] == ["DATE: missing date", "CLICKTHROUGH_1: 'x' is not a number"]
