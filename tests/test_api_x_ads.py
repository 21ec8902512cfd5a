"""X Ads API v12 analytics through the real load path, against a local server playing ads-api.x.com: OAuth 1.0a
signatures (checked with oauthlib's own implementation), cursor-paged entity lists, active entities per placement,
synchronous stats of <= 7 days aligned to the account's midnights, asynchronous jobs polled then downloaded as
gzipped JSON, micro-currency, {"errors": [...]} bodies, 429s with x-rate-limit-reset."""
import datetime as dt
import gzip
import json
import time
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from oauthlib.oauth1.rfc5849 import signature as oauth

import roi.sources.x_ads as x
from roi.pipeline.runs import run_window
from roi.transforms.context import SourceContext
from roi.transforms.x_ads import normalise_api
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
LA = ZoneInfo("America/Los_Angeles")
RUN_DATE = D(2026, 6, 3)
ACCOUNT = "18ce54d4x5t"
KEYS = {"CONSUMER_KEY": "ck-xvz1evFS4wEEPTGE", "CONSUMER_SECRET": "cs-kAcSOqF21Fu85e7zjz7ZN2U4",
        "ACCESS_TOKEN": "370773112-GmHxMAgYyLbNEtIKZe", "ACCESS_TOKEN_SECRET": "ts-LswwdoUaIvS8ltyTt5jkRh"}

CAMPAIGNS = [{"id": "c1", "name": "Summer Launch ☀️", "currency": "USD", "deleted": False},   # page 1
             {"id": "c3", "name": "Old test", "currency": "USD", "deleted": True},
             {"id": "c2", "name": "Retargeting, 30 days", "currency": "USD", "deleted": False}]   # page 2
LINE_ITEMS = [{"id": "l1", "campaign_id": "c1", "name": "Lookalikes", "currency": "USD"},
              {"id": "l2", "campaign_id": "c1", "name": "Interests: cycling", "currency": "USD"},
              {"id": "l3", "campaign_id": "c2", "name": "Site visitors 30d", "currency": "USD"}]
PROMOTED = [{"id": "p1", "line_item_id": "l1", "tweet_id": "1790000000000000001"},
            {"id": "p2", "line_item_id": "l2", "tweet_id": "1790000000000000002"},
            {"id": "p3", "line_item_id": "l3", "tweet_id": "1790000000000000003"}]
PARENT = {"p1": ("c1", "l1"), "p2": ("c1", "l2"), "p3": ("c2", "l3")}
METRICS = ["impressions", "url_clicks", "clicks", "engagements", "billed_charge_local_micro", "video_total_views"]
PURCHASES = ["metric", "post_view", "post_engagement", "sale_amount", "sale_amount_view", "sale_amount_engagement"]
# (account-local day, promoted tweet, placement) -> METRICS, then PURCHASES
ROWS = {
    (D(2026, 5, 28), "p1", "ALL_ON_TWITTER"): ((4000, 50, 90, 150, 20_500_000, 1200),
                                               (2, 1, 1, 59_800_000, 19_900_000, 39_900_000)),
    (D(2026, 5, 28), "p3", "ALL_ON_TWITTER"): ((1000, 9, 12, 20, 5_550_000, 0), (0, 0, 0, 0, 0, 0)),
    (D(2026, 5, 30), "p2", "ALL_ON_TWITTER"): ((3010, 22, 40, 61, 13_450_000, 300),
                                               (1, 0, 1, 29_900_000, 0, 29_900_000)),
    (D(2026, 5, 30), "p2", "PUBLISHER_NETWORK"): ((500, 3, 3, 3, 1_250_000, 0), (0, 0, 0, 0, 0, 0)),
    (D(2026, 6, 2), "p1", "ALL_ON_TWITTER"): ((3300, 40, 70, 110, 12_345_678, 900),
                                              (3, 1, 2, 119_700_000, 30_000_000, 89_700_000)),
    (D(2026, 6, 3), "p3", "ALL_ON_TWITTER"): ((0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)),
    (D(2026, 5, 20), "p1", "ALL_ON_TWITTER"): ((9999, 99, 120, 130, 99_990_000, 0),
                                               (9, 4, 5, 999_000_000, 400_000_000, 599_000_000)),
    (D(2026, 5, 1), "p1", "ALL_ON_TWITTER"): ((1, 1, 1, 1, 1_000_000, 0), (0, 0, 0, 0, 0, 0)),   # outside
}


def errors(status, code, message, **extra):
    return Reply(status, {"errors": [{"code": code, "message": message, **extra}], "request": {"params": {}}})


class XAds:
    """ads-api.x.com/12 as far as roi uses it."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.stats_calls: list[dict] = []
        self.jobs: dict[str, dict] = {}
        v = r"/12"
        api.route("GET", rf"{v}/accounts/{ACCOUNT}", self.guard(self.account))
        api.route("GET", rf"{v}/accounts/{ACCOUNT}/(campaigns|line_items|promoted_tweets)", self.guard(self.listing))
        api.route("GET", rf"{v}/stats/accounts/{ACCOUNT}/active_entities", self.guard(self.active))
        api.route("GET", rf"{v}/stats/accounts/{ACCOUNT}", self.guard(self.sync_stats))
        api.route("POST", rf"{v}/stats/jobs/accounts/{ACCOUNT}", self.guard(self.create_job))
        api.route("GET", rf"{v}/stats/jobs/accounts/{ACCOUNT}", self.guard(self.job_status))
        api.route("GET", r"/advertiser-api-async-analytics/(\w+)\.json\.gz", self.download)

    # -- OAuth 1.0a: every API call must carry a valid HMAC-SHA1 signature of the user's tokens
    def signed(self, req) -> bool:
        header = req.headers.get("authorization", "")
        if not header.startswith("OAuth "):
            return False
        pairs = [(k, v) for k, values in req.query.items() for v in values]
        params = oauth.collect_parameters(uri_query=urlencode(pairs), headers={"Authorization": header},
                                          exclude_oauth_signature=True)
        given = dict(oauth.collect_parameters(headers={"Authorization": header},
                                              exclude_oauth_signature=False))["oauth_signature"]
        uri = oauth.base_string_uri(f"http://{req.headers['host']}{req.path}")
        base = oauth.signature_base_string(req.method, uri, oauth.normalize_parameters(params))
        expected = oauth.sign_hmac_sha1_with_client(base, SimpleNamespace(
            client_secret=KEYS["CONSUMER_SECRET"], resource_owner_secret=KEYS["ACCESS_TOKEN_SECRET"]))
        keys = dict(params)
        return (given == expected and keys.get("oauth_consumer_key") == KEYS["CONSUMER_KEY"]
                and keys.get("oauth_token") == KEYS["ACCESS_TOKEN"])

    def guard(self, handler):
        def serve(req, m):
            if not self.signed(req):
                return errors(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated")
            reply = handler(req, m)
            reply.headers.update({"x-rate-limit-limit": "250", "x-rate-limit-remaining": "249",
                                  "x-rate-limit-reset": str(int(time.time()) + 900)})
            return reply
        return serve

    # -- entities
    def account(self, req, m):
        return Reply(200, {"data_type": "account", "request": {"params": {"account_id": ACCOUNT}},
                           "data": {"id": ACCOUNT, "name": "Acme on X", "timezone": "America/Los_Angeles",
                                    "approval_status": "ACCEPTED", "deleted": False}})

    def listing(self, req, m):
        items = {"campaigns": CAMPAIGNS, "line_items": LINE_ITEMS, "promoted_tweets": PROMOTED}[m.group(1)]
        assert req.arg("with_deleted") == "true"
        count, start = int(req.arg("count")), int(req.arg("cursor") or 0)
        page = items[start:start + count]
        after = start + count if start + count < len(items) else None
        return Reply(200, {"data": page, "data_type": m.group(1)[:-1], "total_count": len(items),
                           "next_cursor": str(after) if after else None, "request": {"params": {}}})

    # -- time: DAY granularity needs start and end at midnight in the account's time zone
    @staticmethod
    def local_days(req) -> tuple[D, D] | Reply:
        start, end = (dt.datetime.strptime(req.arg(k), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
                      .astimezone(LA) for k in ("start_time", "end_time"))
        if start.time() != dt.time(0) or end.time() != dt.time(0):
            return errors(400, "INVALID_PARAMETER", "Expected time to be aligned with midnight in account timezone",
                          parameter="start_time")
        return start.date(), end.date()

    @staticmethod
    def matches(level: str, entity: str, tweet: str) -> bool:
        campaign, line_item = PARENT[tweet]
        return entity == {"CAMPAIGN": campaign, "LINE_ITEM": line_item, "PROMOTED_TWEET": tweet}[level]

    def active(self, req, m):
        span = self.local_days(req)
        if isinstance(span, Reply):
            return span
        level, found = req.arg("entity"), {}
        for (day, tweet, placement) in ROWS:
            if span[0] <= day < span[1]:
                entity = [e for e in ("c1", "c2", "l1", "l2", "l3", "p1", "p2", "p3") if self.matches(level, e, tweet)]
                found.setdefault(entity[0], set()).add(placement)
        return Reply(200, {"data_type": "active_entities", "request": {"params": {}},
                           "data": [{"entity_id": e, "placements": sorted(p)} for e, p in sorted(found.items())]})

    def report(self, req) -> dict | Reply:
        span = self.local_days(req)
        if isinstance(span, Reply):
            return span
        assert req.arg("granularity") == "DAY" and set(req.arg("metric_groups").split(",")) >= {"BILLING",
                                                                                                "WEB_CONVERSION"}
        ids, placement, level = req.arg("entity_ids").split(","), req.arg("placement"), req.arg("entity")
        if len(ids) > 20:
            return errors(400, "INVALID_PARAMETER", "Up to 20 entity_ids may be provided", parameter="entity_ids")
        days = (span[1] - span[0]).days
        self.stats_calls.append({"ids": ids, "placement": placement, "days": days, "start": req.arg("start_time")})
        data = []
        for entity in ids:
            series = {name: [None] * days for name in METRICS}
            purchases = {name: [None] * days for name in PURCHASES}
            for (day, tweet, where), (values, conversions) in ROWS.items():
                if where != placement or not self.matches(level, entity, tweet) or not span[0] <= day < span[1]:
                    continue
                i = (day - span[0]).days
                for target, names, numbers in ((series, METRICS, values), (purchases, PURCHASES, conversions)):
                    for name, number in zip(names, numbers):
                        target[name][i] = (target[name][i] or 0) + number
            metrics = {name: (None if all(v is None for v in vs) else vs) for name, vs in series.items()}
            metrics["conversion_purchases"] = {k: (None if all(v is None for v in vs) else vs)
                                               for k, vs in purchases.items()}
            metrics.update({"retweets": None, "likes": None, "conversion_sign_ups": None})
            data.append({"id": entity, "id_data": [{"segment": None, "metrics": metrics}]})
        return {"data_type": "stats", "time_series_length": days, "data": data,
                "request": {"params": {"entity": level, "entity_ids": ids, "placement": placement,
                                       "granularity": "DAY", "start_time": req.arg("start_time"),
                                       "end_time": req.arg("end_time")}}}

    def sync_stats(self, req, m):
        span = self.local_days(req)
        if not isinstance(span, Reply) and (span[1] - span[0]).days > 7:
            return errors(400, "INVALID_PARAMETER", "Maximum time range of 7 days allowed", parameter="end_time")
        report = self.report(req)
        return report if isinstance(report, Reply) else Reply(200, report)

    # -- asynchronous jobs: queued, PROCESSING at the first poll, SUCCESS with a file URL at the second
    def create_job(self, req, m):
        report = self.report(req)
        if isinstance(report, Reply):
            return report
        job_id = str(1_111_111_111_111_111_111 + len(self.jobs))
        self.jobs[job_id] = {"report": report, "polls": 0}
        return Reply(200, {"request": {"params": {}}, "data": {
            "id": int(job_id), "id_str": job_id, "status": "QUEUED", "url": None, "account_id": ACCOUNT,
            "entity": req.arg("entity"), "granularity": "DAY", "placement": req.arg("placement")}})

    def job_status(self, req, m):
        data = []
        for job_id in req.arg("job_ids").split(","):
            job = self.jobs[job_id]
            job["polls"] += 1
            done = job["polls"] >= 2
            data.append({"id": int(job_id), "id_str": job_id, "status": "SUCCESS" if done else "PROCESSING",
                         "url": f"{self.api.url}/advertiser-api-async-analytics/{job_id}.json.gz" if done else None})
        return Reply(200, {"request": {"params": {}}, "next_cursor": None, "data": data})

    def download(self, req, m):
        assert "authorization" not in req.headers            # a pre-signed file URL
        return Reply(200, gzip.compress(json.dumps(self.jobs[m.group(1)]["report"]).encode()),
                     {"Content-Type": "application/gzip"})


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(x, "PAGE_SIZE", 2)     # 3 campaigns in 2 cursor pages


FAKE = XAds
SOURCES = [{"name": "x", "kind": "x_ads", "account_ids": [ACCOUNT], "base_url": "{api}/", "lookback_days": 6}]
SECRETS = KEYS
COLUMNS = ("date_start, account_id, account_name, campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, "
           "ad_name, currency, impressions, clicks, spend, conversions, conversion_value, video_views, engagements")


def test_a_week_pulls_signed_synchronous_stats_per_placement_in_the_accounts_days(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # 28 May .. 3 June 2026 in Los Angeles (UTC-7): one 7-day request per placement, from 07:00Z
    assert sorted((c["placement"], c["ids"], c["days"], c["start"]) for c in server.stats_calls) == [
        ("ALL_ON_TWITTER", ["c1", "c2"], 7, "2026-05-28T07:00:00Z"),
        ("PUBLISHER_NETWORK", ["c1"], 7, "2026-05-28T07:00:00Z")]
    assert server.api.count("GET", f"/12/accounts/{ACCOUNT}/campaigns") == 2          # two cursor pages
    got = query(settings, f"SELECT {COLUMNS} FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got == [
        (D(2026, 5, 28), ACCOUNT, "Acme on X", "c1", "Summer Launch ☀️", "", None, "", None, "USD",
         4000, 50, Decimal("20.500000"), 2.0, Decimal("59.800000"), 1200, 150),
        (D(2026, 5, 28), ACCOUNT, "Acme on X", "c2", "Retargeting, 30 days", "", None, "", None, "USD",
         1000, 9, Decimal("5.550000"), 0.0, Decimal("0.000000"), 0, 20),
        # both placements of 30 May in one row: 3010 + 500 impressions, 13.45 + 1.25 spent
        (D(2026, 5, 30), ACCOUNT, "Acme on X", "c1", "Summer Launch ☀️", "", None, "", None, "USD",
         3510, 25, Decimal("14.700000"), 1.0, Decimal("29.900000"), 300, 64),
        (D(2026, 6, 2), ACCOUNT, "Acme on X", "c1", "Summer Launch ☀️", "", None, "", None, "USD",
         3300, 40, Decimal("12.345678"), 3.0, Decimal("119.700000"), 900, 110),
        # a day of zeros is a row of zeros; days whose metrics are null are no rows
        (D(2026, 6, 3), ACCOUNT, "Acme on X", "c2", "Retargeting, 30 days", "", None, "", None, "USD",
         0, 0, Decimal("0.000000"), 0.0, Decimal("0.000000"), 0, 0),
    ]
    # 20.50 + 5.55 + 14.70 + 12.345678 spent; 59.80 + 29.90 + 119.70 of purchases
    assert query(settings, "SELECT sum(spend), sum(conversion_value), sum(conversions) FROM core.ad_performance")[0] \
        == (Decimal("53.095678"), Decimal("209.400000"), 6.0)
    assert waits == []
    assert_no_secret_anywhere(settings, record, *KEYS.values())


def test_ad_level_names_every_level_and_asks_for_at_most_the_ids_per_request(make_settings, server, waits,
                                                                           monkeypatch):
    monkeypatch.setattr(x, "IDS_PER_REQUEST", 2)
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert sorted((c["placement"], c["ids"]) for c in server.stats_calls) == [
        ("ALL_ON_TWITTER", ["p1", "p2"]), ("ALL_ON_TWITTER", ["p3"]), ("PUBLISHER_NETWORK", ["p2"])]
    got = query(settings, "SELECT campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name, spend "
                          "FROM core.ad_performance WHERE date_start = DATE '2026-05-30'")
    assert got == [("c1", "Summer Launch ☀️", "l2", "Interests: cycling", "p2", "1790000000000000002",
                    Decimal("14.700000"))]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (5, Decimal("53.095678"))


def test_a_longer_window_runs_asynchronous_jobs_polled_until_done(make_settings, server, waits):
    settings = make_settings(lookback_days=20)          # 14 May .. 3 June: 21 days, more than a synchronous 7
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(server.jobs) == 2 and sorted(c["days"] for c in server.stats_calls) == [21, 21]
    assert server.api.count("GET", f"/12/stats/accounts/{ACCOUNT}") == 0            # no synchronous call
    assert waits == [5.0, 10.0]                         # PROCESSING at the first poll, SUCCESS at the second
    # the week's 53.095678 plus 20 May's 99.99; its 999.00 of purchases
    assert query(settings, "SELECT count(*), sum(spend), sum(conversion_value), sum(impressions) "
                           "FROM core.ad_performance")[0] == (6, Decimal("153.085678"), Decimal("1208.400000"), 21809)


def test_attribution_option_counts_post_engagement_conversions_only(make_settings, server, waits):
    settings = make_settings(attribution="post_engagement")
    assert run_window(settings, settings.source("x"), RUN_DATE).status == "succeeded"
    # post-engagement purchases 1 + 1 + 2, valued 39.90 + 29.90 + 89.70
    assert query(settings, "SELECT sum(conversions), sum(conversion_value) FROM core.ad_performance")[0] == (
        4.0, Decimal("159.500000"))


def test_429_waits_for_x_rate_limit_reset_and_a_used_up_limit_waits_before_the_next_call(make_settings, server,
                                                                                        waits):
    settings = make_settings()
    used_up = {"x-rate-limit-limit": "250", "x-rate-limit-remaining": "0",
               "x-rate-limit-reset": str(int(time.time()) + 30)}
    server.api.fail_next("GET", f"/12/accounts/{ACCOUNT}", Reply(200, {"data": {
        "id": ACCOUNT, "name": "Acme on X", "timezone": "America/Los_Angeles"}}, used_up))
    server.api.fail_next("GET", f"/12/stats/accounts/{ACCOUNT}",
                         Reply(429, {"errors": [{"code": "TOO_MANY_REQUESTS", "message": "Rate limit exceeded"}]},
                               used_up),
                         Reply(503, "Service Unavailable"))
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 3
    assert 25 < waits[0] <= 30 and 25 < waits[1] <= 30     # remaining 0 on a 200, then the 429: until the reset
    assert 1 <= waits[2] <= 2                               # the 503, a second try: backoff with jitter
    assert query(settings, "SELECT sum(spend) FROM core.ad_performance")[0] == (Decimal("53.095678"),)


def test_an_error_body_fails_in_one_line_with_xs_message_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("x"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.fail_next("GET", f"/12/stats/accounts/{ACCOUNT}", errors(
        400, "INVALID_PARAMETER", "Expected time to be aligned with midnight in account timezone",
        parameter="start_time"))
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "HTTP 400" in record.error and "aligned with midnight" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_refused_credentials_fail_fast_naming_the_four_secrets(make_settings, server, waits):
    wrong = {**KEYS, "ACCESS_TOKEN_SECRET": "ts-revoked-0000000000"}
    settings = make_settings(secrets=wrong)
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "UNAUTHORIZED_ACCESS" in record.error
    for name in x.SECRETS:
        assert f"ROI_X__{name}" in record.error
    assert server.api.count() == 1 and waits == []           # OAuth 1.0a tokens do not expire: nothing to refresh
    assert_no_secret_anywhere(settings, record, *wrong.values())


def test_the_signature_is_xs_published_example():
    """developer.x.com, 'Creating a signature': its POST statuses/update example signs to
    hCtSmYh+iHYCEqBWrE7C7hYmtUk=."""
    params = [("include_entities", "true"), ("status", "Hello Ladies + Gentlemen, a signed OAuth request!"),
              ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
              ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
              ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "1318622958"),
              ("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"), ("oauth_version", "1.0")]
    assert x.signature("POST", "https://api.twitter.com/1.1/statuses/update.json", params,
                       "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                       "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE") == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_unknown_level_is_a_clear_error(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "failed" and "level" in record.error and "keyword" in record.error


def test_an_unknown_attribution_fails_before_any_call(make_settings, server, waits):
    settings = make_settings(attribution="last_click")
    record = run_window(settings, settings.source("x"), RUN_DATE)
    assert record.status == "failed" and "attribution" in record.error and "last_click" in record.error
    assert server.api.count() == 0


def test_normalise_api_divides_micros_and_reports_bad_cells():
    records = pl.DataFrame({
        "account_id": ["18ce54d4x5t"], "account_name": ["Acme"], "currency": ["eur"], "campaign_id": ["c1"],
        "campaign_name": ["Summer"], "date": ["2026-06-01"], "impressions": ["1000"], "url_clicks": ["12"],
        "billed_charge_local_micro": ["1234567"], "conversion_purchases_metric": ["2"],
        "conversion_purchases_sale_amount": ["45500000"], "engagements": ["x"]},
    ).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    row = normalise_api(records, SourceContext(source="x", kind="x_ads")).frame.row(0, named=True)
    assert (row["spend"], row["conversion_value"], row["conversions"], row["currency"], row["clicks"]) == (
        pytest.approx(1.234567), pytest.approx(45.5), 2.0, "EUR", 12)
    assert row["_errors"] == ["engagements: 'x' is not a number"]
