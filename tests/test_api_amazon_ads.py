"""Amazon Ads Reporting API v3 through the real load path, against a local server playing it: Login with Amazon
refresh, GET /v2/profiles (each profile's currency), POST /reporting/reports (31-day reports, 425 for a duplicate
still being built, 429 with Retry-After), GET /reporting/reports/{id} until COMPLETED, the gzipped JSON behind a
pre-signed url that takes no credentials."""
import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest

import roi.sources.amazon_ads as amazon
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)          # lookback 40 -> window 24 April .. 3 June 2026: two reports of <= 31 days
CLIENT_ID = "amzn1.application-oa2-client.0a1b2c3d4e"
CLIENT_SECRET = "amzn1.oa2-cs.v1.secret-9f8e7d6c"
REFRESH_TOKEN = "Atzr|IwEBrefresh-token-5a6b7c8d"
IT, UK, DE = 3012345678901234, 3098765432109876, 3055555555555555
PROFILES = [   # as GET /v2/profiles lists them (airbyte's recorded answer has the same shape)
    {"profileId": IT, "countryCode": "IT", "currencyCode": "EUR", "dailyBudget": 999999999.0, "timezone": "Europe/Rome",
     "accountInfo": {"marketplaceStringId": "APJ6JRA9NG5V4", "id": "A2SELLER01", "type": "seller",
                     "name": "Caffè Rossi Srl", "validPaymentMethod": True}},
    {"profileId": UK, "countryCode": "UK", "currencyCode": "GBP", "timezone": "Europe/London",
     "accountInfo": {"marketplaceStringId": "A1F83G8C2ARO7P", "id": "A2SELLER01", "type": "seller",
                     "name": "Caffè Rossi Srl", "validPaymentMethod": True}},
    {"profileId": DE, "countryCode": "DE", "currencyCode": "EUR", "timezone": "Europe/Paris",
     "accountInfo": {"marketplaceStringId": "A1PA6795UKMFR9", "id": "A2SELLER01", "type": "seller",
                     "name": "Caffè Rossi Srl", "validPaymentMethod": True}},
]
# (profile, ad product, day) -> rows with every column a report may ask for; one ad group and one ad per campaign
SP, SB, SD = "SPONSORED_PRODUCTS", "SPONSORED_BRANDS", "SPONSORED_DISPLAY"


def sp(campaign, name, impressions, clicks, cost, purchases, sales):
    return {"campaignId": campaign, "campaignName": name, "adGroupId": campaign + 10, "adGroupName": f"{name} / ag",
            "adId": campaign + 20, "advertisedSku": f"SKU-{campaign % 1000}", "advertisedAsin": "B0MOKA0003",
            "impressions": impressions, "clicks": clicks, "cost": cost,
            **{f"purchases{w}": p for w, p in zip(("1d", "7d", "14d", "30d"), purchases)},
            **{f"sales{w}": s for w, s in zip(("1d", "7d", "14d", "30d"), sales)}}


def brand(campaign, name, impressions, clicks, cost, purchases, sales, **extra):
    return {"campaignId": campaign, "campaignName": name, "adGroupId": campaign + 10, "adGroupName": f"{name} / ag",
            "adId": campaign + 20, "promotedSku": f"SKU-{campaign % 1000}", "impressions": impressions,
            "clicks": clicks, "cost": cost, "purchases": purchases, "sales": sales, **extra}


DATA = {
    (IT, SP, D(2026, 4, 25)): [sp(144000000000001, "SP - Auto - Moka", 1200, 15, 7.35, (1, 2, 3, 3),
                                  (19.9, 39.8, 59.7, 59.7))],
    (IT, SP, D(2026, 5, 24)): [sp(144000000000001, "SP - Auto - Moka", 900, 10, 5.1, (0, 1, 1, 1),
                                  (0, 24.5, 24.5, 24.5))],
    (IT, SP, D(2026, 5, 25)): [sp(144000000000002, "SP - Exact - caffettiera", 400, 6, 3.03, (1, 1, 1, 1),
                                  (29.9, 29.9, 29.9, 29.9))],
    (IT, SP, D(2026, 3, 1)): [sp(144000000000001, "SP - Auto - Moka", 9999, 99, 99.99, (9, 9, 9, 9),
                                 (999, 999, 999, 999))],                                          # outside
    (IT, SB, D(2026, 5, 10)): [brand(500000000000001, "SB - Marchio", 3000, 20, 12.4, 2, 59.8, video5SecondViews=150)],
    (IT, SD, D(2026, 6, 2)): [brand(600000000000001, "SD - Remarketing", 5000, 8, 4.44, 1, 24.5)],
    (UK, SP, D(2026, 6, 1)): [sp(244000000000001, "SP - Auto - Moka UK", 700, 9, 6.3, (0, 1, 2, 2),
                                 (0, 22.0, 44.0, 44.0))],
}
# The documented report types: (level's groupBy, ad product) -> reportTypeId
REPORT_TYPES = {(("campaign",), SP): "spCampaigns", (("campaign",), SB): "sbCampaigns",
                (("campaign",), SD): "sdCampaigns", (("campaign", "adGroup"), SP): "spCampaigns",
                (("adGroup",), SB): "sbAdGroup", (("adGroup",), SD): "sdAdGroup",
                (("advertiser",), SP): "spAdvertisedProduct", (("ads",), SB): "sbAds",
                (("advertiser",), SD): "sdAdvertisedProduct"}


def report_id_of(n: int, profile: int) -> str:
    """The reportId the fake gives its n-th report (a UUID, as Amazon's are)."""
    return f"6e1c7a52-{n:04d}-4d7e-9a55-{profile % 10**12:012d}"


class Amazon:
    def __init__(self, api: FakeApi):
        self.api = api
        self.tokens: list[str] = []
        self.token_uses = 10_000      # API calls one access token serves before it expires
        self.used = 0
        self.reports: dict[str, dict] = {}
        self.bodies: list[dict] = []
        self.slow: set[str] = set()   # report ids that stay PENDING
        api.route("POST", r"/auth/o2/token", self.token)
        api.route("GET", r"/v2/profiles", self.profiles)
        api.route("POST", r"/reporting/reports", self.create)
        api.route("GET", r"/reporting/reports/(?P<id>[^/]+)", self.status)
        api.route("GET", r"/s3/(?P<id>[^/]+)\.json\.gz", self.file)

    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("refresh_token")) != (
                "refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN):
            return Reply(400, {"error_description": "The request has an invalid grant parameter : refresh_token",
                               "error": "invalid_grant"})
        self.tokens.append(f"Atza|IwEBaccess-{len(self.tokens) + 1}-f00d")
        self.used = 0
        return Reply(200, {"access_token": self.tokens[-1], "refresh_token": REFRESH_TOKEN, "token_type": "bearer",
                           "expires_in": 3600})

    def refused(self, req, scoped=True):
        if req.headers.get("amazon-advertising-api-clientid") != CLIENT_ID:
            return Reply(400, {"code": "400", "details": "Amazon-Advertising-API-ClientId header is missing"})
        self.used += 1
        if not self.tokens or req.headers.get("authorization") != f"Bearer {self.tokens[-1]}" \
                or self.used > self.token_uses:
            return Reply(401, {"code": "UNAUTHORIZED", "details": "HTTP 401 Unauthorized", "requestId": "R1"})
        if scoped and int(req.headers.get("amazon-advertising-api-scope", "0")) not in (IT, UK, DE):
            return Reply(401, {"code": "401", "details": "Not authorized to access scope", "requestId": "R2"})
        return None

    def profiles(self, req, m):
        return self.refused(req, scoped=False) or Reply(200, PROFILES)

    def create(self, req, m):
        if (no := self.refused(req)):
            return no
        assert req.headers["content-type"] == "application/vnd.createasyncreportrequest.v3+json"
        body = req.json()
        self.bodies.append({"scope": int(req.headers["amazon-advertising-api-scope"]), **body})
        conf = body["configuration"]
        start, end = D.fromisoformat(body["startDate"]), D.fromisoformat(body["endDate"])
        if (end - start).days + 1 > 31:
            return Reply(400, {"code": "400", "detail": "Date range exceeds the maximum of 31 days."})
        assert (conf["timeUnit"], conf["format"]) == ("DAILY", "GZIP_JSON") and conf["columns"][0] == "date"
        if REPORT_TYPES.get((tuple(conf["groupBy"]), conf["adProduct"])) != conf["reportTypeId"]:
            return Reply(400, {"code": "400", "detail": f"Invalid groupBy for {conf['reportTypeId']}"})
        key = json.dumps([req.headers["amazon-advertising-api-scope"], body["startDate"], body["endDate"], conf],
                         sort_keys=True)
        for report_id, report in self.reports.items():
            if report["key"] == key and report["polls"] < 99:       # still being built
                return Reply(425, {"code": "425", "detail": f"The Request is a duplicate of : {report_id}"})
        scope = int(req.headers["amazon-advertising-api-scope"])
        report_id = report_id_of(len(self.reports) + 1, scope)
        rows = [{"date": day.isoformat(), **{c: row[c] for c in conf["columns"] if c in row}}
                for (profile, product, day), entities in sorted(DATA.items(), key=lambda kv: str(kv[0]))
                if profile == scope and product == conf["adProduct"] and start <= day <= end for row in entities]
        self.reports[report_id] = {"key": key, "rows": rows, "polls": 0}
        return Reply(200, {"reportId": report_id, "status": "PENDING", "configuration": conf, "url": None,
                           "startDate": body["startDate"], "endDate": body["endDate"], "failureReason": None})

    def status(self, req, m):
        if (no := self.refused(req)):
            return no
        report = self.reports[m["id"]]
        report["polls"] += 1
        if m["id"] in self.slow or report["polls"] < 3:
            state = "PENDING" if report["polls"] == 1 or m["id"] in self.slow else "PROCESSING"
            return Reply(200, {"reportId": m["id"], "status": state, "url": None})
        report["polls"] = 99
        return Reply(200, {"reportId": m["id"], "status": "COMPLETED", "fileSize": 120,
                           "url": f"{self.api.url}/s3/{m['id']}.json.gz?X-Amz-Signature=abc",
                           "urlExpiresAt": "2026-06-03T10:00:00Z"})

    def file(self, req, m):
        if "authorization" in req.headers:      # S3: "Only one auth mechanism allowed"
            return Reply(400, "<Error><Code>InvalidArgument</Code></Error>")
        return Reply(200, gzip.compress(json.dumps(self.reports[m["id"]]["rows"]).encode()),
                     {"Content-Type": "application/x-gzip"})


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = Amazon
SOURCES = [{"name": "amz", "kind": "amazon_ads", "account_ids": [str(IT), str(UK)], "base_url": "{api}/",
            "token_url": "{api}/auth/o2/token", "lookback_days": 40}]
SECRETS = {"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET, "REFRESH_TOKEN": REFRESH_TOKEN}

ROWS = "SELECT date_start, account_id, account_name, campaign_id, campaign_name, currency, impressions, clicks, " \
       "spend, conversions, conversion_value, video_views FROM core.ad_performance ORDER BY account_id, date_start"


def test_every_profile_and_ad_product_pulled_as_daily_reports_into_the_warehouse(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # 2 profiles x 3 ad products x 2 reports (24 April .. 24 May, 25 May .. 3 June)
    assert len(server.bodies) == 12 and len(server.reports) == 12
    assert {(b["startDate"], b["endDate"]) for b in server.bodies} == {("2026-04-24", "2026-05-24"),
                                                                     ("2026-05-25", "2026-06-03")}
    sp_body = next(b for b in server.bodies if b["configuration"]["adProduct"] == SP)
    assert sp_body["configuration"]["columns"] == ["date", "campaignId", "campaignName", "impressions", "clicks",
                                                   "cost", "purchases7d", "sales7d"]
    assert waits == [5, 10] * 12            # each report PENDING, PROCESSING, then COMPLETED
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (6, 6, 0)
    got = query(settings, ROWS)
    assert got == [
        (D(2026, 4, 25), str(IT), "Caffè Rossi Srl (IT)", "144000000000001", "SP - Auto - Moka", "EUR", 1200, 15,
         Decimal("7.35"), 2.0, Decimal("39.80"), None),
        (D(2026, 5, 10), str(IT), "Caffè Rossi Srl (IT)", "500000000000001", "SB - Marchio", "EUR", 3000, 20,
         Decimal("12.40"), 2.0, Decimal("59.80"), 150),
        (D(2026, 5, 24), str(IT), "Caffè Rossi Srl (IT)", "144000000000001", "SP - Auto - Moka", "EUR", 900, 10,
         Decimal("5.10"), 1.0, Decimal("24.50"), None),
        (D(2026, 5, 25), str(IT), "Caffè Rossi Srl (IT)", "144000000000002", "SP - Exact - caffettiera", "EUR", 400,
         6, Decimal("3.03"), 1.0, Decimal("29.90"), None),
        (D(2026, 6, 2), str(IT), "Caffè Rossi Srl (IT)", "600000000000001", "SD - Remarketing", "EUR", 5000, 8,
         Decimal("4.44"), 1.0, Decimal("24.50"), None),
        (D(2026, 6, 1), str(UK), "Caffè Rossi Srl (UK)", "244000000000001", "SP - Auto - Moka UK", "GBP", 700, 9,
         Decimal("6.30"), 1.0, Decimal("22.00"), None)]
    # cost is in the currency itself, not micros: 7.35 + 12.40 + 5.10 + 3.03 + 4.44 = 32.32 EUR
    assert query(settings, "SELECT currency, sum(spend), sum(conversions), sum(conversion_value) FROM "
                           "core.ad_performance GROUP BY ALL ORDER BY 1") == [
        ("EUR", Decimal("32.32"), 7.0, Decimal("178.50")), ("GBP", Decimal("6.30"), 1.0, Decimal("22.00"))]
    assert len(server.tokens) == 1
    assert_no_secret_anywhere(settings, record, CLIENT_SECRET, REFRESH_TOKEN, server.tokens[0])


def test_attribution_window_picks_sponsored_products_purchases_and_sales(make_settings, server, waits):
    settings = make_settings(attribution_window="14d")
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert "purchases14d" in next(b for b in server.bodies if b["configuration"]["adProduct"] == SP)[
        "configuration"]["columns"]
    assert next(b for b in server.bodies if b["configuration"]["adProduct"] == SB)["configuration"]["columns"][-3:] \
        == ["purchases", "sales", "video5SecondViews"]            # Brands and Display: their own 14 days
    # SP 14d: 3 + 1 + 1 (IT) and 2 (UK); SB 2, SD 1. Sales 59.70 + 24.50 + 29.90 + 59.80 + 24.50 = 198.40 EUR
    assert query(settings, "SELECT currency, sum(conversions), sum(conversion_value) FROM core.ad_performance "
                           "GROUP BY ALL ORDER BY 1") == [("EUR", 8.0, Decimal("198.40")),
                                                          ("GBP", 2.0, Decimal("44.00"))]


def test_ad_level_names_ads_by_sku(make_settings, server, waits):
    settings = make_settings(level="ad", ad_products=["sponsored_products"])
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert {b["configuration"]["reportTypeId"] for b in server.bodies} == {"spAdvertisedProduct"}
    got = query(settings, "SELECT campaign_id, ad_group_id, ad_group_name, ad_id, ad_name, spend FROM "
                          "core.ad_performance WHERE date_start = DATE '2026-05-25'")
    assert got == [("144000000000002", "144000000000012", "SP - Exact - caffettiera / ag", "144000000000022",
                    "SKU-2", Decimal("3.03"))]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance") == [(4, Decimal("21.78"))]


def test_ad_group_level_asks_each_ad_product_for_its_ad_group_report(make_settings, server, waits):
    settings = make_settings(level="ad_group")
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert {(b["configuration"]["reportTypeId"], tuple(b["configuration"]["groupBy"])) for b in server.bodies} == {
        ("spCampaigns", ("campaign", "adGroup")), ("sbAdGroup", ("adGroup",)), ("sdAdGroup", ("adGroup",))}
    assert query(settings, "SELECT campaign_id, ad_group_id, ad_group_name, ad_id FROM core.ad_performance "
                           "WHERE date_start = DATE '2026-05-10'") == [
        ("500000000000001", "500000000000011", "SB - Marchio / ag", "")]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance") == [(6, Decimal("38.62"))]


def test_a_429_waits_its_retry_after_and_a_report_still_building_is_picked_up_next_run(
        make_settings, server, waits, monkeypatch):
    monkeypatch.setattr(amazon, "MAX_POLL_SECONDS", 40)
    settings = make_settings(ad_products=["sponsored_products"])
    server.api.fail_next("POST", "/reporting/reports",
                         Reply(429, {"code": "429", "detail": "Too Many Requests"}, {"Retry-After": "3"}))
    server.slow.add(report_id_of(1, IT))          # the first report takes its time
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "still PENDING" in record.error and "next run" in record.error
    assert waits[0] == 3.0                        # Retry-After of the 429
    assert query(settings, "SELECT count(*) FROM core.ad_performance") == [(0,)]
    # next run: Amazon answers 425 for the same request and names the report it is building: that one is read
    server.slow.clear()
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.reports) == 4               # 2 profiles x 2 reports: none asked for twice
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance") == [(4, Decimal("21.78"))]


def test_an_expired_access_token_is_refreshed_and_the_pull_goes_on(make_settings, server, waits):
    server.token_uses = 5
    settings = make_settings(ad_products=["sponsored_products"])
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.tokens) >= 3                # a new token every 5 calls
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance") == [(4, Decimal("21.78"))]
    assert_no_secret_anywhere(settings, record, CLIENT_SECRET, REFRESH_TOKEN, *server.tokens)


def test_a_refused_refresh_token_names_the_secrets(make_settings, server, waits):
    settings = make_settings(secrets={**SECRETS, "REFRESH_TOKEN": "Atzr|IwEBrevoked-0000"})
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_AMZ__REFRESH_TOKEN" in record.error and "Atzr|IwEBrevoked-0000" not in record.error
    assert_no_secret_anywhere(settings, record, "Atzr|IwEBrevoked-0000", CLIENT_SECRET)


def test_a_profile_of_another_region_is_named(make_settings, server, waits):
    settings = make_settings(account_ids=[str(IT), "4111111111111111"])
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "4111111111111111" in record.error and "region" in record.error and str(DE) in record.error
    assert server.bodies == []


def test_an_error_body_is_shown_in_one_line(make_settings, server, waits):
    settings = make_settings()
    server.api.route("POST", r"/reporting/reports", lambda req, m: Reply(
        400, {"code": "400", "detail": "Invalid Advertiser or Marketplace ID."}))
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "Invalid Advertiser or Marketplace ID" in record.error and "ad_products" in record.error
    assert str(IT) in record.error


def test_a_failed_report_fails_the_run_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings(ad_products=["sponsored_products"])
    assert run_window(settings, settings.source("amz"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.route("GET", r"/reporting/reports/(?P<id>[^/]+)", lambda req, m: Reply(
        200, {"reportId": m["id"], "status": "FAILED", "failureReason": "Internal error while building the report"}))
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and "FAILED" in record.error and "Internal error" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


@pytest.mark.parametrize("options, word", [({"level": "keyword"}, "level"), ({"region": "us"}, "region"),
                                           ({"attribution_window": "28d"}, "attribution_window"),
                                           ({"ad_products": ["sponsored_tv"]}, "ad_products")])
def test_wrong_options_are_clear_errors(make_settings, server, waits, options, word):
    settings = make_settings(**options)
    record = run_window(settings, settings.source("amz"), RUN_DATE)
    assert record.status == "failed" and word in record.error
