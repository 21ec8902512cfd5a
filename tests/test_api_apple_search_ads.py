"""Apple Search Ads Campaign Management API v5 through the real load path, against a local server playing
appleid.apple.com's client-credentials grant (an ES256-signed client secret, verified here with the public key)
and api.searchads.apple.com/api/v5: acls, daily reports per org (X-AP-Context), offset/limit paging with
pagination.totalResults, 90-day spans, Apple's error body, 429s with X-Rate-Limit, an expired access token."""
import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import roi.sources.apple_search_ads as asa
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)      # lookback 100 -> window 23 Feb .. 3 June 2026: a 90-day span and an 11-day one
ORG = "4040404"
CLIENT_ID, TEAM_ID, KEY_ID = "SEARCHADS.7f1e2d3c-0000-4a5b-9c8d-0123456789ab", "SEARCHADS.7f1e2d3c-team", "a1b2c3d4-kid"
KEY = ec.generate_private_key(ec.SECP256R1())          # a throwaway key: its public half is "uploaded" to the fake
PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                        serialization.NoEncryption()).decode()

CAMPAIGNS = {111: "Brand IT", 222: "Generic – ‘apps’"}
AD_GROUPS = {1110: (111, "Exact"), 2220: (222, "Broad")}
ADS = {11101: (1110, "Default product page"), 11102: (1110, "CPP Summer"), 22201: (2220, "Default product page")}
# (day, ad id) -> impressions, taps, spend as Apple writes it, tap-through installs, view-through installs
DAYS = {
    (D(2026, 3, 1), 11101): (1000, 50, "25.50", 10, 2),
    (D(2026, 3, 1), 22201): (400, 8, "6.40", 1, 0),
    (D(2026, 5, 23), 11102): (2500, 120, "60.12", 30, 5),
    (D(2026, 5, 24), 11101): (800, 30, "15.00", 6, 1),
    (D(2026, 6, 2), 22201): (0, 0, "0", 0, 0),
    (D(2026, 1, 10), 11101): (9999, 99, "99.99", 9, 9),          # before the window: never asked for
}


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def apple_error(status, code, message, field="", headers=None):
    return Reply(status, {"data": None, "pagination": None,
                          "error": {"errors": [{"messageCode": code, "message": message, "field": field}]}},
                 headers or {})


class AppleAds:
    def __init__(self, api: FakeApi):
        self.api = api
        self.issued: list[str] = []          # access tokens handed out, newest last
        self.valid: set[str] = set()
        self.spans: list[tuple[str, str, str]] = []
        self.public_key = KEY.public_key()
        api.route("POST", r"/auth/oauth2/token", self.token)
        api.route("GET", r"/api/v5/acls", self.acls)
        api.route("POST", r"/api/v5/reports/campaigns", self.campaigns)
        api.route("POST", r"/api/v5/reports/campaigns/(\d+)/(adgroups|ads)", self.below)

    # -- appleid.apple.com
    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("scope"), form.get("client_id")) != (
                "client_credentials", "searchadsorg", CLIENT_ID) or not self.signed_by_us(form.get("client_secret")):
            return Reply(400, {"error": "invalid_client"})
        token = f"asa-access-{len(self.issued) + 1}-9f8e7d"
        self.issued.append(token)
        self.valid.add(token)
        return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def signed_by_us(self, jwt: str | None) -> bool:
        try:
            head, body, signature = (jwt or "").split(".")
            header, claims, raw = json.loads(b64decode(head)), json.loads(b64decode(body)), b64decode(signature)
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
            self.public_key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            return False
        return (header.get("alg"), header.get("kid"), claims.get("sub"), claims.get("iss"), claims.get("aud")) == (
            "ES256", KEY_ID, CLIENT_ID, TEAM_ID, "https://appleid.apple.com") and claims["iat"] < claims["exp"]

    # -- api.searchads.apple.com
    def refused(self, req, org=True):
        bearer = req.headers.get("authorization", "")
        if not bearer.startswith("Bearer ") or bearer[7:] not in self.valid:
            return apple_error(401, "UNAUTHORIZED", "Invalid token")
        if org and req.headers.get("x-ap-context") != f"orgId={ORG}":
            return apple_error(403, "FORBIDDEN", "A required header was not specified or was invalid.")
        return None

    def acls(self, req, m):
        if (no := self.refused(req, org=False)):
            return no
        return Reply(200, {"data": [{"orgName": "Acme Apps S.r.l.", "orgId": int(ORG), "currency": "EUR",
                                     "paymentModel": "PAYG", "roleNames": ["API Account Read Only"],
                                     "timeZone": "Europe/Rome"}], "pagination": None, "error": None})

    def campaigns(self, req, m):
        return self.report(req, "campaign", None)

    def below(self, req, m):
        return self.report(req, {"adgroups": "ad_group", "ads": "ad"}[m.group(2)], int(m.group(1)))

    def report(self, req, level, campaign):
        if (no := self.refused(req)):
            return no
        body = req.json()
        start, end = D.fromisoformat(body["startTime"]), D.fromisoformat(body["endTime"])
        if (end - start).days + 1 > 90:
            return apple_error(400, "INVALID_DATE_RANGE", "Date range cannot exceed 90 days for DAILY granularity",
                               "startTime")
        assert (body["granularity"], body["timeZone"], body["returnRowTotals"]) == ("DAILY", "ORTZ", False)
        self.spans.append((level, body["startTime"], body["endTime"]))
        key = {"campaign": "campaignId", "ad_group": "adGroupId", "ad": "adId"}[level]
        assert body["selector"]["orderBy"] == [{"field": key, "sortOrder": "ASCENDING"}]
        rows: dict[int, dict] = {}
        for (day, ad), (impressions, taps, spend, tap_installs, view_installs) in sorted(DAYS.items()):
            ad_group, ad_name = ADS[ad]
            campaign_id, ad_group_name = AD_GROUPS[ad_group]
            if not start <= day <= end or (campaign is not None and campaign_id != campaign):
                continue
            entity = {"campaign": campaign_id, "ad_group": ad_group, "ad": ad}[level]
            meta = {"campaign": {"campaignId": campaign_id, "campaignName": CAMPAIGNS[campaign_id],
                                 "campaignStatus": "ENABLED", "deleted": False, "orgId": int(ORG),
                                 "app": {"appName": "Acme", "adamId": 123456789}, "countriesOrRegions": ["IT"]},
                    "ad_group": {"adGroupId": ad_group, "adGroupName": ad_group_name, "campaignId": campaign_id,
                                 "adGroupStatus": "ENABLED", "orgId": int(ORG)},
                    "ad": {"adId": ad, "adName": ad_name, "adGroupId": ad_group, "campaignId": campaign_id,
                           "creativeType": "DEFAULT_PRODUCT_PAGE", "orgId": int(ORG)}}[level]
            row = rows.setdefault(entity, {"other": False, "metadata": meta, "granularity": []})
            days = {g["date"]: g for g in row["granularity"]}
            g = days.get(day.isoformat())
            if g is None:
                g = {"date": day.isoformat(), "impressions": 0, "taps": 0, "tapInstalls": 0, "viewInstalls": 0,
                     "totalInstalls": 0, "localSpend": {"amount": "0", "currency": "EUR"},
                     "avgCPT": {"amount": "0", "currency": "EUR"}, "ttr": 0.0}
                row["granularity"].append(g)
            g["impressions"] += impressions
            g["taps"] += taps
            g["tapInstalls"] += tap_installs
            g["viewInstalls"] += view_installs
            g["totalInstalls"] += tap_installs + view_installs
            g["localSpend"]["amount"] = str(Decimal(g["localSpend"]["amount"]) + Decimal(spend))
        offset, limit = body["selector"]["pagination"]["offset"], body["selector"]["pagination"]["limit"]
        ordered = [rows[k] for k in sorted(rows)]
        return Reply(200, {"data": {"reportingDataResponse": {"row": ordered[offset:offset + limit]}},
                           "pagination": {"totalResults": len(ordered), "startIndex": offset,
                                          "itemsPerPage": len(ordered[offset:offset + limit])},
                           "error": None}, {"X-Rate-Limit": "user-hour-lim:20000;user-hour-rem:19990;"})


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(asa, "PAGE_SIZE", 1)     # one row a page, so that every report spans pages


FAKE = AppleAds
SOURCES = [{"name": "asa", "kind": "apple_search_ads", "account_ids": [ORG], "base_url": "{api}/api/",
            "token_url": "{api}/auth/oauth2/token", "lookback_days": 100}]
SPENT = "user-hour-lim:20000;user-hour-rem:0;"     # X-Rate-Limit: the rolling hour's quota used up
SECRETS = {"CLIENT_ID": CLIENT_ID, "TEAM_ID": TEAM_ID, "KEY_ID": KEY_ID, "PRIVATE_KEY": PEM}
COLUMNS = ("SELECT date_start, account_id, account_name, campaign_id, campaign_name, ad_group_id, ad_group_name, "
           "ad_id, ad_name, currency, impressions, clicks, spend, conversions, conversion_value "
           "FROM core.ad_performance")


def test_campaign_level_daily_rows_page_by_page_in_90_day_spans(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # two campaigns in each span, one a page
    assert server.spans == [("campaign", "2026-02-23", "2026-05-23")] * 2 + [
        ("campaign", "2026-05-24", "2026-06-03")] * 2
    assert len(server.issued) == 1 and server.api.count("POST", "/auth/oauth2/token") == 1
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (5, 5, 0)
    got = query(settings, COLUMNS + " ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 3, 1), ORG, "Acme Apps S.r.l.", "111", "Brand IT", "", None, "", None, "EUR",
                      1000, 50, Decimal("25.50"), 12.0, None)           # conversions: 10 tap + 2 view installs
    assert [(r[0], r[3]) for r in got] == [(D(2026, 3, 1), "111"), (D(2026, 3, 1), "222"), (D(2026, 5, 23), "111"),
                                           (D(2026, 5, 24), "111"), (D(2026, 6, 2), "222")]
    assert got[1][4] == "Generic – ‘apps’"
    assert got[4][10:13] == (0, 0, Decimal("0"))                         # a zero day is a row of zeros
    # 25.50 + 6.40 + 60.12 + 15.00 + 0; 1000 + 400 + 2500 + 800; 50 + 8 + 120 + 30; 12 + 1 + 35 + 7
    assert query(settings, "SELECT sum(spend), sum(impressions), sum(clicks), sum(conversions) "
                           "FROM core.ad_performance")[0] == (Decimal("107.02"), 4700, 208, 55.0)
    assert waits == []
    assert_no_secret_anywhere(settings, record, PEM.splitlines()[1], server.issued[0])


def test_ad_level_names_every_level_and_sums_to_the_campaigns(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded) == (5, 5)
    got = query(settings, COLUMNS + " WHERE date_start = DATE '2026-05-23' OR date_start = DATE '2026-03-01' "
                                    "ORDER BY date_start, ad_id")
    assert [r[3:9] for r in got] == [
        ("111", "Brand IT", "1110", "Exact", "11101", "Default product page"),
        ("222", "Generic – ‘apps’", "2220", "Broad", "22201", "Default product page"),
        ("111", "Brand IT", "1110", "Exact", "11102", "CPP Summer")]
    assert query(settings, "SELECT sum(spend), sum(conversions) FROM core.ad_performance")[0] == (
        Decimal("107.02"), 55.0)
    # per span: the campaigns report, then each campaign's ad groups (for their names) and ads
    assert [s for s in server.spans if s[0] == "ad"] == [("ad", "2026-02-23", "2026-05-23")] * 3 + [
        ("ad", "2026-05-24", "2026-06-03")] * 2


def test_ad_group_level(make_settings, server, waits):
    settings = make_settings(level="ad_group")
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT ad_group_id, ad_group_name, ad_id, sum(spend) FROM core.ad_performance "
                           "GROUP BY ALL ORDER BY 1") == [("1110", "Exact", "", Decimal("100.62")),
                                                          ("2220", "Broad", "", Decimal("6.40"))]


def test_tap_through_installs_as_conversions(make_settings, server, waits):
    settings = make_settings(conversion_metric="tapInstalls")
    assert run_window(settings, settings.source("asa"), RUN_DATE).status == "succeeded"
    assert query(settings, "SELECT sum(conversions) FROM core.ad_performance")[0] == (47.0,)   # 10 + 1 + 30 + 6


def test_429_with_retry_after_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", "/api/v5/reports/campaigns",
                         apple_error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded",
                                     headers={"Retry-After": "7", "X-Rate-Limit": SPENT}),
                         Reply(503, "Service Unavailable"))
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 2 and waits[0] == 7.0 and 0 < waits[1] <= 2    # Retry-After, then backoff with jitter
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (5, Decimal("107.02"))


def test_an_hourly_quota_used_up_fails_in_one_line_without_waiting(make_settings, server, waits):
    settings = make_settings()
    server.api.route("POST", r"/api/v5/reports/campaigns", lambda req, m: apple_error(
        429, "TOO_MANY_REQUESTS", "Rate limit exceeded", headers={"X-Rate-Limit": SPENT}))
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "hourly request quota" in record.error and "user-hour-rem:0" in record.error
    assert waits == []


def test_an_expired_access_token_is_replaced_once(make_settings, server, waits):
    # the key on one .env line, newlines written as \n
    settings = make_settings(secrets={**SECRETS, "PRIVATE_KEY": PEM.strip().replace("\n", "\\n")})
    calls = {"n": 0}
    original = server.campaigns

    def expiring(req, m):
        calls["n"] += 1
        if calls["n"] == 2:                   # the first token expires after one report page
            server.valid.discard(server.issued[0])
        return original(req, m)
    server.api.route("POST", r"/api/v5/reports/campaigns", expiring)
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.issued) == 2                                   # one new token, not one per call
    assert query(settings, "SELECT sum(spend) FROM core.ad_performance")[0] == (Decimal("107.02"),)
    assert_no_secret_anywhere(settings, record, *server.issued)


def test_refused_client_credentials_name_the_secrets_and_leak_none(make_settings, server, waits):
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings = make_settings(secrets={**SECRETS, "PRIVATE_KEY": other})       # not the key Apple holds
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "invalid_client" in record.error and "ROI_ASA__PRIVATE_KEY" in record.error
    assert server.api.count("POST", "/api/v5/.*") == 0 and waits == []
    assert_no_secret_anywhere(settings, record, other.splitlines()[1])


def test_an_org_the_api_user_cannot_read_is_named(make_settings, server, waits):
    settings = make_settings(account_ids=["5050505"])
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "5050505" in record.error and "4040404 (Acme Apps S.r.l.)" in record.error
    assert server.api.count("POST", "/api/v5/reports/.*") == 0


def test_apple_error_body_is_one_line_with_its_message(make_settings, server, waits):
    settings = make_settings()
    server.api.route("POST", r"/api/v5/reports/campaigns", lambda req, m: apple_error(
        400, "INVALID_INPUT", "startTime must be within the last 24 months\nfor DAILY", "startTime"))
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "INVALID_INPUT: startTime must be within the last 24 months" in record.error
    assert "(field startTime)" in record.error and waits == []


def test_a_key_that_is_not_a_p256_key_is_a_clear_error(make_settings, server, waits):
    settings = make_settings(secrets={**SECRETS, "PRIVATE_KEY": "not a key"})
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "ROI_ASA__PRIVATE_KEY" in record.error and "private key" in record.error
    assert server.api.count() == 0


def test_unknown_level_is_a_clear_error(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run_window(settings, settings.source("asa"), RUN_DATE)
    assert record.status == "failed" and "level" in record.error and "keyword" in record.error
