"""Snapchat Marketing API v1 stats through the real load path, against a local server playing adsapi.snapchat.com:
the OAuth refresh-token grant, ad account / campaign / ad squad / ad listings and DAY stats broken down by
entity, both paged by paging.next_link, start_time/end_time as local midnights in the account's time zone
(DST included), money in micro-currency, Snap's error body and its 429s."""
import datetime as dt
import time
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import polars as pl
import pytest

import roi.sources.snapchat_ads as snap
from roi.pipeline.runs import run_window
from roi.transforms.context import SourceContext
from roi.transforms.snapchat_ads import normalise_api
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 4, 10)        # lookback 40 -> 1 March .. 10 April 2026: slices 1-31 March and 1-10 April
ZONE = "Europe/Berlin"           # summer time from 29 March 2026: +01:00 before, +02:00 after
ACCOUNT = "8a1c5e7e-7a3b-4b59-9d5a-2f0e11c0a001"
CLIENT_ID, CLIENT_SECRET, REFRESH = "snap-client-id-77aa", "snap-client-secret-88bb", "snap-refresh-token-99cc"

CAMPAIGNS = {"c1000000-0000-4000-8000-000000000001": "Spring Drop 🌸",
             "c1000000-0000-4000-8000-000000000002": "Retargeting, always-on"}
SQUADS = {"5a000000-0000-4000-8000-000000000011": ("Gen Z 18-24", "c1000000-0000-4000-8000-000000000001"),
          "5a000000-0000-4000-8000-000000000022": ("Visitors 30d", "c1000000-0000-4000-8000-000000000002")}
ADS = {"ad000000-0000-4000-8000-000000000101": ("Lens teaser", "5a000000-0000-4000-8000-000000000011"),
       "ad000000-0000-4000-8000-000000000102": ("Story ad", "5a000000-0000-4000-8000-000000000011"),
       "ad000000-0000-4000-8000-000000000203": ("Collection ad", "5a000000-0000-4000-8000-000000000022")}
A1, A2, A3 = ADS
C1, C2 = CAMPAIGNS
# (day, ad) -> spend (micro), impressions, swipes, conversion_purchases, conversion_purchases_value (micro), video_views
DAYS = {
    (D(2026, 3, 1), A1): (12_500_000, 5000, 60, 2, 59_900_000, 3100),
    (D(2026, 3, 1), A3): (4_250_000, 1500, 12, 0, 0, 0),
    (D(2026, 3, 15), A2): (8_000_000, 3200, 25, 1, 24_990_000, 1800),
    (D(2026, 3, 29), A1): (20_010_000, 9000, 110, 4, 139_960_000, 7000),      # the day clocks go forward
    (D(2026, 3, 31), A3): (6_660_000, 2100, 18, 1, 45_000_000, 0),
    (D(2026, 4, 1), A1): (3_330_000, 1200, 9, 0, 0, 900),
    (D(2026, 2, 27), A1): (99_990_000, 9999, 99, 9, 999_000_000, 0),         # outside the window
}
FIELDS = ["spend", "impressions", "swipes", "conversion_purchases", "conversion_purchases_value", "video_views"]


def snap_error(status, message, code="E1001"):
    return Reply(status, {"request_status": "ERROR", "request_id": "5f0a1b2c00ff0e6d", "debug_message": message,
                          "display_message": "We're sorry, but the data provided in the request is incomplete or "
                                             "incorrect", "error_code": code})


class Snapchat:
    def __init__(self, api: FakeApi):
        self.api = api
        self.issued: list[str] = []
        self.expired: set[str] = set()
        self.spans: list[tuple[str, str]] = []
        self.stats_params: list[dict] = []
        api.route("POST", r"/login/oauth2/access_token", self.token)
        api.route("GET", r"/v1/adaccounts/([^/]+)", self.account)
        api.route("GET", r"/v1/adaccounts/([^/]+)/(campaigns|adsquads|ads)", self.listing)
        api.route("GET", r"/v1/adaccounts/([^/]+)/stats", self.stats)

    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("refresh_token")) != (
                "refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH):
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"})
        self.issued.append(f"snap-access-{len(self.issued) + 1}-x7y8")
        return Reply(200, {"access_token": self.issued[-1], "token_type": "Bearer", "expires_in": 1800,
                           "refresh_token": REFRESH, "scope": "snapchat-marketing-api"})

    def refused(self, req):
        token = (req.headers.get("authorization") or "").removeprefix("Bearer ")
        if token not in self.issued or token in self.expired:
            return Reply(401, {"request_status": "ERROR", "request_id": "5f0a1b2c00ff0e6e",
                               "debug_message": "Unauthorized", "error_code": "E3003"})
        return None

    def page(self, req, items: list, key: str, body: dict) -> Reply:
        """`limit` items from `cursor` on; paging.next_link carries the query on, as Snap's does."""
        limit, cursor = int(req.arg("limit") or 50), int(req.arg("cursor") or 0)
        assert 1 <= limit <= 1000
        body = {"request_status": "SUCCESS", "request_id": "5f0a1b2c00ff0e70", **body}
        body[key] = items[cursor:cursor + limit]
        if cursor + limit < len(items):
            args = {k: v[0] for k, v in req.query.items() if k != "cursor"}
            body["paging"] = {"next_link": f"{self.api.url}{req.path}?{urlencode({**args, 'cursor': cursor + limit})}"}
        return Reply(200, body)

    def account(self, req, m):
        if (no := self.refused(req)):
            return no
        if m.group(1) != ACCOUNT:
            return snap_error(403, "User does not have permission to access this resource", "E3002")
        return Reply(200, {"request_status": "SUCCESS", "request_id": "5f0a1b2c00ff0e6f", "adaccounts": [
            {"sub_request_status": "SUCCESS", "adaccount": {
                "id": ACCOUNT, "name": "Acme Snap DE", "type": "PARTNER", "status": "ACTIVE",
                "organization_id": "0f0f0f0f-0000-4000-8000-00000000000f", "currency": "EUR", "timezone": ZONE,
                "lifetime_spend_cap_micro": 0}}]})

    def listing(self, req, m):
        if (no := self.refused(req)):
            return no
        kind = m.group(2)
        if kind == "campaigns":
            items = [{"sub_request_status": "SUCCESS", "campaign": {"id": i, "name": n, "ad_account_id": ACCOUNT,
                                                                    "status": "ACTIVE"}} for i, n in CAMPAIGNS.items()]
        elif kind == "adsquads":
            items = [{"sub_request_status": "SUCCESS", "adsquad": {"id": i, "name": n, "campaign_id": c,
                                                                   "status": "ACTIVE"}} for i, (n, c) in SQUADS.items()]
        else:
            items = [{"sub_request_status": "SUCCESS", "ad": {"id": i, "name": n, "ad_squad_id": s,
                                                              "status": "ACTIVE"}} for i, (n, s) in ADS.items()]
        return self.page(req, items, kind, {})

    def stats(self, req, m):
        if (no := self.refused(req)):
            return no
        zone = ZoneInfo(ZONE)
        start, end = dt.datetime.fromisoformat(req.arg("start_time")), dt.datetime.fromisoformat(req.arg("end_time"))
        for t in (start, end):
            local = t.astimezone(zone)
            if (local.hour, local.minute, local.second) != (0, 0, 0) or t.utcoffset() != local.utcoffset():
                return snap_error(400, "Start time and end time should start at the beginning of a day in the ad "
                                       "account's timezone", "E1008")
        if (end - start).days > 31:
            return snap_error(400, "Time range too long for granularity DAY, max is 31 days", "E1010")
        assert req.arg("granularity") == "DAY" and req.arg("omit_empty") == "true"
        assert req.arg("fields").split(",")[:4] == ["impressions", "swipes", "spend", "video_views"]
        self.stats_params.append({k: v[0] for k, v in req.query.items()})
        if req.arg("cursor") is None:
            self.spans.append((req.arg("start_time"), req.arg("end_time")))
        breakdown = req.arg("breakdown")
        first, last = start.astimezone(zone).date(), end.astimezone(zone).date() - dt.timedelta(days=1)
        series: dict[str, dict[D, list[int]]] = {}
        for (day, ad), values in sorted(DAYS.items()):
            if not first <= day <= last:
                continue
            squad = ADS[ad][1]
            entity = {"ad": ad, "adsquad": squad, "campaign": SQUADS[squad][1]}[breakdown]
            sums = series.setdefault(entity, {}).setdefault(day, [0] * len(FIELDS))
            series[entity][day] = [a + b for a, b in zip(sums, values)]
        entities = []
        for entity, days in series.items():
            points = []
            for day, values in sorted(days.items()):
                begin = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
                finish = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
                points.append({"start_time": begin.isoformat(timespec="milliseconds"),
                               "end_time": finish.isoformat(timespec="milliseconds"),
                               "stats": dict(zip(FIELDS, values))})
            entities.append({"id": entity, "type": breakdown.upper(), "granularity": "DAY",
                             "start_time": req.arg("start_time"), "end_time": req.arg("end_time"),
                             "timeseries": points})
        reply = self.page(req, entities, "_entities", {})
        body = reply.body
        body["timeseries_stats"] = [{"sub_request_status": "SUCCESS", "timeseries_stat": {
            "id": ACCOUNT, "type": "AD_ACCOUNT", "granularity": "DAY", "start_time": req.arg("start_time"),
            "end_time": req.arg("end_time"), "finalized_data_end_time": "2026-04-08T00:00:00.000+02:00",
            "swipe_up_attribution_window": req.arg("swipe_up_attribution_window"),
            "view_attribution_window": req.arg("view_attribution_window"),
            "breakdown_stats": {breakdown: body.pop("_entities")}}}]
        return reply


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(snap, "PAGE_SIZE", 1)     # one entity a page, so that every answer spans several


FAKE = Snapchat
SOURCES = [{"name": "snap", "kind": "snapchat_ads", "account_ids": [ACCOUNT], "base_url": "{api}/",
            "token_url": "{api}/login/oauth2/access_token", "lookback_days": 40}]
SECRETS = {"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET, "REFRESH_TOKEN": REFRESH}
SECRET_VALUES = (CLIENT_SECRET, REFRESH)


def test_campaign_level_local_days_micro_currency_every_page(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # local midnights, the offset of each day: +01:00 before 29 March, +02:00 from then on
    assert server.spans == [("2026-03-01T00:00:00.000+01:00", "2026-04-01T00:00:00.000+02:00"),
                            ("2026-04-01T00:00:00.000+02:00", "2026-04-11T00:00:00.000+02:00")]
    assert server.api.count("GET", r"/v1/adaccounts/.*/stats") == 3       # 2 campaigns a page each, then 1
    assert server.api.count("GET", r"/v1/adaccounts/.*/campaigns") == 2
    assert server.stats_params[0]["breakdown"] == "campaign"
    assert (server.stats_params[0]["swipe_up_attribution_window"], server.stats_params[0]["view_attribution_window"],
            server.stats_params[0]["action_report_time"]) == ("28_DAY", "1_DAY", "conversion")
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (6, 6, 0)
    got = query(settings, "SELECT date_start, date_end, account_id, account_name, campaign_id, campaign_name, "
                          "ad_group_id, ad_id, currency, impressions, clicks, spend, conversions, conversion_value, "
                          "video_views, platform FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 3, 1), D(2026, 3, 1), ACCOUNT, "Acme Snap DE", C1, "Spring Drop 🌸", "", "", "EUR",
                      5000, 60, Decimal("12.50"), 2.0, Decimal("59.90"), 3100, "snapchat_ads")
    assert [(r[0], r[4]) for r in got] == [(D(2026, 3, 1), C1), (D(2026, 3, 1), C2), (D(2026, 3, 15), C1),
                                           (D(2026, 3, 29), C1), (D(2026, 3, 31), C2), (D(2026, 4, 1), C1)]
    # 12.50 + 4.25 + 8.00 + 20.01 + 6.66 + 3.33; 2+0+1+4+1+0; 59.90 + 24.99 + 139.96 + 45.00; swipes 60+12+25+110+18+9
    assert query(settings, "SELECT sum(spend), sum(conversions), sum(conversion_value), sum(impressions), "
                           "sum(clicks), sum(video_views) FROM core.ad_performance")[0] == (
        Decimal("54.75"), 8.0, Decimal("269.85"), 22000, 234, 12800)
    assert waits == []
    assert_no_secret_anywhere(settings, record, *SECRET_VALUES, *server.issued)


def test_ad_level_names_every_level_and_pages_the_listings(make_settings, server, waits):
    settings = make_settings(level="ad", swipe_up_attribution_window="7_DAY", view_attribution_window="none")
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.stats_params[0]["breakdown"] == "ad"
    assert (server.stats_params[0]["swipe_up_attribution_window"],
            server.stats_params[0]["view_attribution_window"]) == ("7_DAY", "none")
    assert server.api.count("GET", r"/v1/adaccounts/.*/ads") == 3           # 3 ads, one a page
    assert server.api.count("GET", r"/v1/adaccounts/.*/adsquads") == 2
    got = query(settings, "SELECT campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name, spend "
                          "FROM core.ad_performance WHERE date_start = DATE '2026-03-01' ORDER BY ad_id")
    assert got == [(C1, "Spring Drop 🌸", "5a000000-0000-4000-8000-000000000011", "Gen Z 18-24", A1, "Lens teaser",
                    Decimal("12.50")),
                   (C2, "Retargeting, always-on", "5a000000-0000-4000-8000-000000000022", "Visitors 30d", A3,
                    "Collection ad", Decimal("4.25"))]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (6, Decimal("54.75"))


def test_ad_squad_level(make_settings, server, waits):
    settings = make_settings(level="ad_group")
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.stats_params[0]["breakdown"] == "adsquad"
    got = query(settings, "SELECT ad_group_id, ad_group_name, campaign_name, ad_id, sum(spend) FROM "
                          "core.ad_performance GROUP BY ALL ORDER BY 1")
    assert got == [("5a000000-0000-4000-8000-000000000011", "Gen Z 18-24", "Spring Drop 🌸", "", Decimal("43.84")),
                   ("5a000000-0000-4000-8000-000000000022", "Visitors 30d", "Retargeting, always-on", "",
                    Decimal("10.91"))]                  # 12.50 + 8.00 + 20.01 + 3.33; 4.25 + 6.66


def test_an_expired_access_token_is_refreshed_once(make_settings, server, waits):
    settings = make_settings()
    original = server.listing

    def expire_then_list(req, m):      # the first token expires after the account call
        server.expired.add(server.issued[0])
        return original(req, m)
    server.api.route("GET", r"/v1/adaccounts/([^/]+)/(campaigns|adsquads|ads)", expire_then_list)
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.issued) == 2 and server.api.count("POST", "/login/oauth2/access_token") == 2
    assert query(settings, "SELECT sum(spend) FROM core.ad_performance")[0] == (Decimal("54.75"),)
    assert_no_secret_anywhere(settings, record, *SECRET_VALUES, *server.issued)


def test_a_refused_refresh_token_names_the_secrets(make_settings, server, waits):
    settings = make_settings(secrets={**SECRETS, "REFRESH_TOKEN": "snap-revoked-refresh-1234"})
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_SNAP__REFRESH_TOKEN" in record.error and "snap-revoked-refresh-1234" not in record.error
    assert server.api.count("GET") == 0
    assert_no_secret_anywhere(settings, record, "snap-revoked-refresh-1234", CLIENT_SECRET)


def test_429_waits_for_the_rate_limit_reset_then_backs_off(make_settings, server, waits):
    settings = make_settings()
    path = f"/v1/adaccounts/{ACCOUNT}/stats"
    server.api.fail_next("GET", path, Reply(429, {"request_status": "ERROR", "request_id": "r1",
                                                  "msg": "Rate limit exceeded"},
                                            {"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "0",
                                             "X-Rate-Limit-Reset": str(int(time.time()) + 3)}),
                         Reply(429, {"request_status": "ERROR", "request_id": "r2", "msg": "Rate limit exceeded"}),
                         Reply(503, "Service Unavailable"))
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 3
    assert 1.0 <= waits[0] <= 3.0                  # until X-Rate-Limit-Reset (epoch seconds)
    assert 0 < waits[1] <= 2 and 0 < waits[2] <= 4  # no header: backoff with jitter
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (6, Decimal("54.75"))


def test_snap_error_body_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("snap"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.route("GET", r"/v1/adaccounts/([^/]+)/stats", lambda req, m: snap_error(
        403, "User does not have the permission to read stats of this ad account", "E3002"))
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "E3002" in record.error and "permission to read stats" in record.error and "role" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_a_failed_sub_request_is_not_a_day_without_spend(make_settings, server, waits):
    settings = make_settings()
    server.api.route("GET", r"/v1/adaccounts/([^/]+)/stats", lambda req, m: Reply(200, {
        "request_status": "SUCCESS", "request_id": "r3", "timeseries_stats": [
            {"sub_request_status": "ERROR", "debug_message": "Internal error computing stats",
             "error_code": "E5000"}]}))
    record = run_window(settings, settings.source("snap"), RUN_DATE)
    assert record.status == "failed" and "Internal error computing stats" in record.error


def test_unknown_options_are_clear_errors(make_settings, server, waits):
    for options, words in (({"level": "keyword"}, ("level", "keyword")),
                           ({"swipe_up_attribution_window": "3_DAY"}, ("swipe_up_attribution_window", "3_DAY")),
                           ({"view_attribution_window": "2_DAY"}, ("view_attribution_window", "2_DAY"))):
        settings = make_settings(**options)
        record = run_window(settings, settings.source("snap"), RUN_DATE)
        assert record.status == "failed" and all(w in record.error for w in words), record.error


def test_normalise_api_reads_micro_currency_and_the_local_day():
    records = pl.DataFrame({
        "ad_account_id": ["acc"], "ad_account_name": ["Acme"], "ad_account_currency": ["usd"],
        "ad_account_timezone": ["America/Los_Angeles"], "breakdown": ["campaign"], "campaign_id": ["c"],
        "campaign_name": ["Launch"], "start_time": ["2026-03-08T00:00:00.000-08:00"],
        "end_time": ["2026-03-09T00:00:00.000-07:00"], "spend": ["1234567"], "impressions": ["100"],
        "swipes": ["7"], "conversion_purchases": ["abc"], "conversion_purchases_value": ["2500000"],
    }).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(records, SourceContext(source="snap", kind="snapchat_ads")).frame
    row = out.row(0, named=True)
    assert (row["date_start"], row["currency"], row["clicks"], row["video_views"]) == (D(2026, 3, 8), "USD", 7, None)
    assert row["spend"] == pytest.approx(1.234567) and row["conversion_value"] == pytest.approx(2.5)
    assert row["_errors"] == ["conversion_purchases: 'abc' is not a number"]
