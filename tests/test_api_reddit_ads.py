"""Reddit Ads API v3 reports through the real load path, against a local server playing ads-api.reddit.com:
the {data: …, pagination: {next_url}} envelope, reports posted again to each next_url, micro-currency spend and
purchase values in cents, the refresh token traded at www.reddit.com/api/v1/access_token with HTTP Basic auth,
429s with x-ratelimit-* headers, and a report request refused field by field."""
import base64
import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl

import roi.sources.reddit_ads as reddit
from roi.pipeline.runs import run_window
from roi.transforms.context import SourceContext
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)          # lookback 40 -> window 24 April .. 3 June 2026: two reports of <= 30 days
ACCOUNT = "a2_7hq3x1"
ZONE = "America/New_York"         # the account's days begin at 04:00 UTC in spring
SECRETS = {"CLIENT_ID": "rd-app-id-31d2", "CLIENT_SECRET": "rd-app-secret-8c8c8c", "REFRESH_TOKEN": "rd-refresh-5e5e5e"}

CAMPAIGNS = {"c1": "Spring Sale r/running", "c2": "Always-on, retargeting", "c3": "Paused test"}
AD_GROUPS = {"g1": ("c1", "Runners 25-44"), "g2": ("c1", "Lookalike buyers"), "g3": ("c2", "Visitors 30d")}
ADS = {"a1": ("g1", "c1", "Video v1"), "a2": ("g2", "c1", "Carousel"), "a3": ("g3", "c2", "Catalog")}
# (day, ad) -> impressions, clicks, spend (micro-currency), purchase clicks, purchase views, purchase value
# (cents), reach, video starts
DAYS = {
    (D(2026, 4, 25), "a1"): (4696, 51, 20_000_000, 2, 0, 5980, 3822, 0),
    (D(2026, 4, 25), "a3"): (1200, 9, 5_550_000, 0, 1, 4500, 1100, 0),
    (D(2026, 5, 10), "a2"): (3010, 22, 13_456_789, 1, 0, 2990, 2500, 2300),
    (D(2026, 5, 23), "a1"): (15020, 162, 31_050_000, 5, 1, 31035, 12450, 10300),
    (D(2026, 5, 24), "a3"): (2100, 14, 7_700_000, 1, 0, 4500, 1900, 0),     # the first day of the second report
    (D(2026, 6, 2), "a1"): (3300, 40, 12_250_000, 2, 1, 11970, 2900, 2800),
    (D(2026, 6, 3), "a2"): (0, 0, 0, 0, 0, 0, 0, 0),
    (D(2026, 3, 1), "a1"): (9999, 99, 99_000_000, 9, 9, 99900, 9999, 0),   # before the window
    (D(2026, 6, 4), "a1"): (8888, 88, 88_000_000, 8, 8, 88800, 8888, 0),   # after it (today, in New York)
}
FIELDS = ["impressions", "clicks", "spend", "conversion_purchase_clicks", "conversion_purchase_views",
          "conversion_purchase_total_value", "reach", "video_started"]
VALID_FIELDS = {f.upper() for f in FIELDS} | {"CTR", "CPC", "ECPM", "KEY_CONVERSION_TOTAL_COUNT",
                                              "CONVERSION_LEAD_CLICKS", "CONVERSION_LEAD_VIEWS"}
REPORT_PAGE = 2                   # rows per report page: every report here spans pages


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Reddit:
    """ads-api.reddit.com/api/v3 and the token endpoint: the first access token expires after `lifetime` API calls."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.issued: list[str] = []
        self.lifetime = 1000
        self.used: dict[str, int] = {}
        self.reports: list[dict] = []
        self.shifting = False             # a row moves onto the next page while paging (it is seen twice)
        api.route("POST", r"/api/v1/access_token", self.token)
        api.route("GET", r"/api/v3/ad_accounts/([^/]+)", self.account)
        api.route("GET", r"/api/v3/ad_accounts/([^/]+)/(campaigns|ad_groups|ads)", self.listing)
        api.route("POST", r"/api/v3/ad_accounts/([^/]+)/reports", self.report)
        api.route("GET", r"/api/v2\.0/.*", lambda req, m: Reply(410, {"error": {"code": 410, "message": "Gone"}}))
        api.route("GET", r"/api/v2/.*", lambda req, m: Reply(410, {"error": {"code": 410, "message": "Gone"}}))

    def token(self, req, m):
        form = req.form()
        if req.headers.get("authorization") != basic(SECRETS["CLIENT_ID"], SECRETS["CLIENT_SECRET"]) or \
                "client_secret" in form or self.generic_agent(req):
            return Reply(401, {"message": "Unauthorized", "error": 401})
        if (form.get("grant_type"), form.get("refresh_token")) != ("refresh_token", SECRETS["REFRESH_TOKEN"]):
            return Reply(400, {"error": "invalid_grant"})
        token = f"rd-access-{len(self.issued) + 1}-f00d"
        self.issued.append(token)
        return Reply(200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "adsread"})

    @staticmethod
    def generic_agent(req) -> bool:
        """Reddit blocks requests without a User-Agent of their own (a library's default one)."""
        return req.headers.get("user-agent", "python-requests").startswith("python-requests")

    def refused(self, req):
        auth = req.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        expired = token == self.issued[0] and self.used.get(token, 0) >= self.lifetime
        if self.generic_agent(req):
            return Reply(403, {"error": {"code": 403, "message": "Blocked: send a unique User-Agent"}})
        if token not in self.issued or expired:
            return Reply(401, {"error": {"code": 401, "message": "Unauthorized"}})
        self.used[token] = self.used.get(token, 0) + 1
        return None

    def account(self, req, m):
        if (no := self.refused(req)):
            return no
        return Reply(200, {"data": {"id": m[1], "name": "Acme Reddit", "currency": "USD", "time_zone_id": ZONE,
                                    "type": "MANAGED", "admin_approval": "APPROVED"}})

    def listing(self, req, m):
        if (no := self.refused(req)):
            return no
        kind = m[2]
        items = ([{"id": i, "name": n, "configured_status": "ACTIVE"} for i, n in CAMPAIGNS.items()]
                 if kind == "campaigns" else
                 [{"id": i, "campaign_id": c, "name": n} for i, (c, n) in AD_GROUPS.items()]
                 if kind == "ad_groups" else
                 [{"id": i, "ad_group_id": g, "campaign_id": c, "name": n} for i, (g, c, n) in ADS.items()])
        size = int(req.arg("page.size", "1000"))
        at = int(req.arg("page.token", "0"))
        following = at + size < len(items)
        next_url = f"{self.api.url}{req.path}?page.size={size}&page.token={at + size}" if following else None
        return Reply(200, {"data": items[at:at + size], "pagination": {"next_url": next_url}})

    def report(self, req, m):
        if (no := self.refused(req)):
            return no
        data = req.json()["data"]
        unknown = [f for f in data["fields"] if f not in VALID_FIELDS]
        if unknown:
            return Reply(400, {"error": {"code": "INVALID_ARGUMENT", "message": "invalid request", "fields": [
                {"field": f"data.fields[{data['fields'].index(unknown[0])}]",
                 "message": f"'{unknown[0]}' is not one of " + str(sorted(VALID_FIELDS) * 20)}]}})
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00Z", data["starts_at"]), data["starts_at"]
        assert data["time_zone_id"] == ZONE and data["breakdowns"][0] == "DATE"
        # the report covers [starts_at, ends_at + 24 h) in the report's time zone
        first = dt.datetime.fromisoformat(data["starts_at"].replace("Z", "+00:00")).astimezone(ZoneInfo(ZONE)).date()
        last = dt.datetime.fromisoformat(data["ends_at"].replace("Z", "+00:00")).astimezone(ZoneInfo(ZONE)).date()
        key = {"CAMPAIGN_ID": "campaign_id", "AD_GROUP_ID": "ad_group_id", "AD_ID": "ad_id"}[data["breakdowns"][1]]
        rows: dict[tuple, dict] = {}
        for (day, ad), values in sorted(DAYS.items()):
            if not first <= day <= last:
                continue
            group, campaign, _ = ADS[ad]
            entity = {"campaign_id": campaign, "ad_group_id": group, "ad_id": ad}[key]
            row = rows.setdefault((day, entity), {"date": day.isoformat(), key: entity, **{f: 0 for f in FIELDS}})
            for name, value in zip(FIELDS, values):     # campaign and ad group rows sum their ads
                row[name] += value
        items = [{k: v for k, v in r.items() if k in (key, "date") or k.upper() in data["fields"]}
                 for r in rows.values()]
        at = int(req.arg("page.token", "0"))
        if at == 0:
            self.reports.append({"first": first, "last": last, "body": data})
        else:
            assert data == self.reports[-1]["body"]          # each next_url is posted the same body
        following = at + REPORT_PAGE < len(items)
        next_url = f"{self.api.url}{req.path}?page.token={at + REPORT_PAGE}" if following else None
        page = items[max(0, at - 1) if self.shifting else at:at + REPORT_PAGE]
        return Reply(200, {"data": {"metrics": page, "metrics_updated_at": "2026-06-04T06:00:00Z"},
                           "pagination": {"next_url": next_url}})


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = Reddit
SOURCES = [{"name": "rd", "kind": "reddit_ads", "account_ids": [ACCOUNT], "base_url": "{api}/api/",
            "token_url": "{api}/api/v1/access_token", "lookback_days": 40}]
REPORTS = "/api/v3/ad_accounts/a2_7hq3x1/reports"


def small_pages(monkeypatch):
    monkeypatch.setattr(reddit, "PAGE_SIZE", 2)     # the three campaigns come on two pages


def test_campaign_level_pulls_two_reports_page_by_page_and_loads_each_day_once(make_settings, server, waits,
                                                                               monkeypatch):
    small_pages(monkeypatch)
    settings = make_settings()
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # 24 April 00:00 and 24 May 00:00 in New York, in UTC: the reports ask for each day once
    assert [(r["body"]["starts_at"], r["body"]["ends_at"]) for r in server.reports] == [
        ("2026-04-24T04:00:00Z", "2026-05-24T04:00:00Z"), ("2026-05-24T04:00:00Z", "2026-06-04T04:00:00Z")]
    assert server.reports[0]["body"]["breakdowns"] == ["DATE", "CAMPAIGN_ID"]
    # 5 campaign-days (24 May included) in pages of 2, then 4 (4 June included): 3 + 2 report calls
    assert server.api.count("POST", REPORTS) == 5
    assert server.api.count("GET", r"/api/v3/ad_accounts/a2_7hq3x1/campaigns") == 2
    assert len(server.issued) == 1                        # one access token from the refresh token
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (7, 7, 0)
    # the raw pull kept holds the window's rows only: not 4 June, which the second report also covered
    kept = pl.read_parquet(settings.raw_dir / "rd" / "2026-04-24_2026-06-03.parquet")
    assert sorted(kept["date"].to_list()) == ["2026-04-25", "2026-04-25", "2026-05-10", "2026-05-23", "2026-05-24",
                                              "2026-06-02", "2026-06-03"]
    assert kept["account_time_zone"].unique().to_list() == [ZONE] and kept["spend"][0] == "20000000"
    got = query(settings, "SELECT date_start, account_id, account_name, campaign_id, campaign_name, ad_group_id, "
                          "ad_id, currency, impressions, clicks, spend, conversions, conversion_value, reach, "
                          "video_views, engagements FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 4, 25), ACCOUNT, "Acme Reddit", "c1", "Spring Sale r/running", "", "", "USD",
                      4696, 51, Decimal("20.000000"), 2.0, Decimal("59.800000"), 3822, 0, None)
    assert [(r[0], r[3]) for r in got] == [
        (D(2026, 4, 25), "c1"), (D(2026, 4, 25), "c2"), (D(2026, 5, 10), "c1"), (D(2026, 5, 23), "c1"),
        (D(2026, 5, 24), "c2"), (D(2026, 6, 2), "c1"), (D(2026, 6, 3), "c1")]
    assert got[2][10] == Decimal("13.456789")             # 13,456,789 micro-currency
    assert got[6][8:13] == (0, 0, Decimal("0"), 0.0, Decimal("0"))   # a zero day is a row of zeros
    # spend 20 + 5.55 + 13.456789 + 31.05 + 7.70 + 12.25 + 0; purchases (2+0)+(0+1)+(1+0)+(5+1)+(1+0)+(2+1);
    # value (5980 + 4500 + 2990 + 31035 + 4500 + 11970) cents
    assert query(settings, "SELECT sum(impressions), sum(clicks), sum(spend), sum(conversions), "
                           "sum(conversion_value) FROM core.ad_performance")[0] == (
        29326, 298, Decimal("90.006789"), 14.0, Decimal("609.750000"))
    assert waits == []
    assert_no_secret_anywhere(settings, record, *SECRETS.values(), *server.issued)


def test_ad_level_names_every_level_from_the_entity_lists(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.reports[0]["body"]["breakdowns"] == ["DATE", "AD_ID"]
    got = query(settings, "SELECT date_start, campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name, "
                          "spend, conversions FROM core.ad_performance WHERE date_start IN "
                          "(DATE '2026-04-25', DATE '2026-05-10') ORDER BY date_start, ad_id")
    assert got == [
        (D(2026, 4, 25), "c1", "Spring Sale r/running", "g1", "Runners 25-44", "a1", "Video v1",
         Decimal("20.000000"), 2.0),
        (D(2026, 4, 25), "c2", "Always-on, retargeting", "g3", "Visitors 30d", "a3", "Catalog",
         Decimal("5.550000"), 1.0),
        (D(2026, 5, 10), "c1", "Spring Sale r/running", "g2", "Lookalike buyers", "a2", "Carousel",
         Decimal("13.456789"), 1.0)]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (7, Decimal("90.006789"))


def test_a_row_met_on_two_pages_counts_once(make_settings, server, waits):
    server.shifting = True
    settings = make_settings()
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT count(*), sum(spend), sum(conversions) FROM core.ad_performance")[0] == (
        7, Decimal("90.006789"), 14.0)


def test_only_click_through_purchases_when_configured(make_settings, server, waits):
    settings = make_settings(conversion_metrics=["CONVERSION_PURCHASE_CLICKS"])
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert "CONVERSION_PURCHASE_VIEWS" not in server.reports[0]["body"]["fields"]
    # 2 + 0 + 1 + 5 + 1 + 2 + 0 click-through purchases
    assert query(settings, "SELECT sum(conversions) FROM core.ad_performance")[0] == (11.0,)


def test_an_expired_access_token_is_refreshed_with_basic_auth_and_the_call_retried(make_settings, server, waits):
    server.lifetime = 3                   # the first token dies after the account, campaigns and one report page
    settings = make_settings()
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.issued == ["rd-access-1-f00d", "rd-access-2-f00d"]
    assert server.api.count("POST", r"/api/v1/access_token") == 2
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (7, Decimal("90.006789"))
    assert_no_secret_anywhere(settings, record, *SECRETS.values(), *server.issued)


def test_a_refused_refresh_token_fails_in_one_line_naming_the_secrets(make_settings, server, waits):
    settings = make_settings(secrets={**SECRETS, "REFRESH_TOKEN": "rd-revoked-refresh-9z9z"})
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_RD__REFRESH_TOKEN" in record.error and "invalid_grant" in record.error
    assert server.api.count("GET") == 0 and waits == []
    assert_no_secret_anywhere(settings, record, *SECRETS.values(), "rd-revoked-refresh-9z9z")


def test_an_access_token_alone_is_used_as_given_and_when_refused_named(make_settings, server, waits):
    server.issued.append("rd-manual-access-7777")           # one the user made by hand (it lasts an hour)
    settings = make_settings(secrets={"ACCESS_TOKEN": "rd-manual-access-7777"})
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.api.count("POST", r"/api/v1/access_token") == 0
    server.lifetime = 0                                       # an hour later
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_RD__ACCESS_TOKEN" in record.error and "REFRESH_TOKEN" in record.error and "HTTP 401" in record.error
    assert server.api.count("POST", r"/api/v1/access_token") == 0 and waits == []
    assert_no_secret_anywhere(settings, record, "rd-manual-access-7777")


def test_429_waits_for_the_rate_limit_reset_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", REPORTS,
                         Reply(429, {"error": {"code": 429, "message": "Too Many Requests"}},
                               {"X-Ratelimit-Used": "60", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "7"}),
                         Reply(429, {"error": {"code": 429, "message": "Too Many Requests"}},
                               {"RateLimit": '"ads-reporting";r=0;t=3'}),
                         Reply(503, "upstream connect error"))
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert waits[:2] == [7.0, 3.0] and len(waits) == 3 and 0 < waits[2] <= 4    # then backoff with jitter
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (7, Decimal("90.006789"))


def test_an_unknown_report_field_fails_naming_it_and_the_option(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("rd"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    settings = make_settings(conversion_value_metric="CONVERSION_PURCHASE_VALUE")
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "'CONVERSION_PURCHASE_VALUE' is not a valid value" in record.error
    assert "conversion_value_metric" in record.error and "IMPRESSIONS" not in record.error   # no enum dump
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_a_retired_api_version_names_api_version(make_settings, server, waits):
    settings = make_settings(api_version="v2")
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "api_version" in record.error and "v2" in record.error


def test_unknown_level_is_a_clear_error(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run_window(settings, settings.source("rd"), RUN_DATE)
    assert record.status == "failed" and "level" in record.error and "keyword" in record.error


def test_normalise_api_divides_micros_and_cents_and_keeps_bad_cells_as_reasons():
    records = pl.DataFrame({
        "account_id": ["a2_x"], "account_name": [None], "account_currency": ["eur"], "date": ["2026-06-01"],
        "campaign_id": ["c9"], "campaign_name": ["Test"], "spend": ["1234567"], "impressions": ["100"],
        "clicks": ["4"], "conversion_purchase_clicks": ["1"], "conversion_purchase_views": ["abc"],
        "conversion_purchase_total_value": ["2599"]}).with_row_index("_row", offset=1).with_columns(
        pl.col("_row").cast(pl.Int64))
    from roi.transforms.reddit_ads import normalise_api
    row = normalise_api(records, SourceContext(source="rd", kind="reddit_ads")).frame.row(0, named=True)
    assert (row["spend"], row["conversion_value"], row["currency"], row["platform"]) == (1.234567, 25.99, "EUR",
                                                                                         "reddit_ads")
    assert row["_errors"] == ["conversion_purchase_views: 'abc' is not a number"]
