"""TikTok API for Business reports through the real load path, against a local server playing
/open_api/v1.3: the {code, message, data} envelope, 30-day spans, page/page_size paging, codes in 200 bodies."""
import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

import roi.sources.tiktok_ads as tiktok
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)          # lookback 40 -> window 24 April .. 3 June 2026: two slices of <= 30 days
TOKEN = "tt-long-term-token-0a0b0c"
ADVERTISER = "7000000000000000001"

# day, campaign, adgroup, ad -> metrics as TikTok writes them (strings, some ints)
CAMPAIGNS = {"1790000000000000001": "Summer Drop 🌞", "1790000000000000002": "Always-on, retargeting"}
ADS = {   # ad id -> (ad group id, ad group name, campaign id, ad name)
    "1790000000000001001": ("1790000000000000101", "UGC 18-24", "1790000000000000001", "Hook v1"),
    "1790000000000001002": ("1790000000000000101", "UGC 18-24", "1790000000000000001", "Creator duet"),
    "1790000000000002001": ("1790000000000000201", "Visitors 30d", "1790000000000000002", "Catalog carousel"),
}
# (day, ad id) -> spend, impressions, clicks, reach, conversion, purchase value, video views, likes, comments,
# shares, follows
DAYS = {
    (D(2026, 4, 25), "1790000000000001001"): ("20.00", "4696", "51", "3822", "2", "59.80", 4179, 18, 0, 1, 0),
    (D(2026, 4, 25), "1790000000000002001"): ("5.55", "1200", "9", "1100", "0", "0.00", 0, 0, 0, 0, 0),
    (D(2026, 5, 10), "1790000000000001002"): ("13.45", "3010", "22", "2500", "1", "29.90", 2300, 7, 2, 0, 1),
    (D(2026, 5, 23), "1790000000000001001"): ("31.05", "15020", "162", "12450", "6", "310.35", 10300, 40, 5, 3, 2),
    (D(2026, 5, 23), "1790000000000002001"): ("7.70", "2100", "14", "1900", "1", "45.00", 0, 1, 0, 0, 0),
    (D(2026, 5, 24), "1790000000000001002"): ("0.00", "0", "0", "0", "0", "0.00", 0, 0, 0, 0, 0),
    (D(2026, 6, 2), "1790000000000001001"): ("12.25", "3300", "40", "2900", "3", "119.70", 2800, 11, 1, 1, 0),
    (D(2026, 3, 1), "1790000000000001001"): ("99.99", "9999", "99", "9999", "9", "999.00", 0, 0, 0, 0, 0),  # outside
}
METRIC_NAMES = ["spend", "impressions", "clicks", "reach", "conversion", "total_complete_payment_rate",
                "video_play_actions", "likes", "comments", "shares", "follows"]


class TikTok:
    def __init__(self, api: FakeApi):
        self.api = api
        self.spans: list[tuple[str, str]] = []
        api.route("GET", r"/open_api/v1\.3/advertiser/info/", self.info)
        api.route("GET", r"/open_api/v1\.3/report/integrated/get/", self.report)

    @staticmethod
    def envelope(code=0, message="OK", data=None):
        return Reply(200, {"code": code, "message": message, "request_id": "2026060300000001", "data": data or {}})

    def refused(self, req):
        if req.headers.get("access-token") != TOKEN:
            return self.envelope(40105, "Access token is incorrect or has been revoked.")
        return None

    def info(self, req, m):
        if (no := self.refused(req)):
            return no
        ids = json.loads(req.arg("advertiser_ids"))
        return self.envelope(data={"list": [{"advertiser_id": i, "name": "Acme TikTok", "currency": "EUR",
                                             "timezone": "Europe/Rome", "display_timezone": "Europe/Rome"}
                                            for i in ids]})

    def report(self, req, m):
        if (no := self.refused(req)):
            return no
        start, end = D.fromisoformat(req.arg("start_date")), D.fromisoformat(req.arg("end_date"))
        if (end - start).days + 1 > 30:
            return self.envelope(40002, "The time span between start_date and end_date cannot exceed 30 days.")
        assert req.arg("report_type") == "BASIC" and req.arg("advertiser_id") == ADVERTISER
        level = req.arg("data_level")
        dimensions = json.loads(req.arg("dimensions"))
        metrics = json.loads(req.arg("metrics"))
        self.spans.append((req.arg("start_date"), req.arg("end_date")))
        key = {"AUCTION_CAMPAIGN": "campaign_id", "AUCTION_AD": "ad_id"}[level]
        assert dimensions == [key, "stat_time_day"]
        merged: dict[tuple, dict] = {}
        for (day, ad), values in sorted(DAYS.items()):
            if not start <= day <= end:
                continue
            adgroup, adgroup_name, campaign, ad_name = ADS[ad]
            entity = campaign if key == "campaign_id" else ad
            row = merged.setdefault((day, entity), {
                "dimensions": {key: entity, "stat_time_day": f"{day} 00:00:00"},
                "metrics": {name: (0 if isinstance(v, int) else "0") for name, v in zip(METRIC_NAMES, values)}})
            for name, value in zip(METRIC_NAMES, values):   # campaign rows sum their ads, strings stay strings
                old = row["metrics"][name]
                row["metrics"][name] = old + value if isinstance(value, int) else str(Decimal(old) + Decimal(value))
            attributes = {"campaign_name": CAMPAIGNS[campaign], "campaign_id": campaign, "adgroup_id": adgroup,
                          "adgroup_name": adgroup_name, "ad_name": ad_name}
            row["metrics"].update({k: v for k, v in attributes.items() if k in metrics})
        for row in merged.values():
            row["metrics"] = {k: v for k, v in row["metrics"].items() if k in metrics}
        page, size = int(req.arg("page")), int(req.arg("page_size"))
        assert size <= 1000
        items = list(merged.values())
        total_page = (len(items) + size - 1) // size
        return self.envelope(data={"list": items[(page - 1) * size: page * size],
                                   "page_info": {"page": page, "page_size": size, "total_number": len(items),
                                                 "total_page": total_page}})


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(tiktok, "PAGE_SIZE", 2)     # small pages so that the data spans several


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = TikTok
SOURCES = [{"name": "tt", "kind": "tiktok_ads", "account_ids": [ADVERTISER], "base_url": "{api}/open_api/",
            "lookback_days": 40}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


def test_campaign_level_pulls_30_day_slices_page_by_page_once(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # 5 rows in pages of 2, then 2 rows in one page
    assert server.spans == [("2026-04-24", "2026-05-23")] * 3 + [("2026-05-24", "2026-06-03")]
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (7, 7, 0)
    got = query(settings, "SELECT date_start, account_id, account_name, campaign_id, campaign_name, ad_group_id, "
                          "ad_id, currency, impressions, clicks, spend, conversions, conversion_value, reach, "
                          "video_views, engagements FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got[0] == (D(2026, 4, 25), ADVERTISER, "Acme TikTok", "1790000000000000001", "Summer Drop 🌞", "", "",
                      "EUR", 4696, 51, Decimal("20.00"), 2.0, Decimal("59.80"), 3822, 4179, 19)
    assert [(r[0], r[3]) for r in got] == [
        (D(2026, 4, 25), "1790000000000000001"), (D(2026, 4, 25), "1790000000000000002"),
        (D(2026, 5, 10), "1790000000000000001"), (D(2026, 5, 23), "1790000000000000001"),
        (D(2026, 5, 23), "1790000000000000002"), (D(2026, 5, 24), "1790000000000000001"),
        (D(2026, 6, 2), "1790000000000000001")]
    assert got[5][8:11] == (0, 0, Decimal("0"))          # a zero-spend day is a row of zeros, not missing
    # engagements = likes + comments + shares + follows: 19 + 0 + 10 + 50 + 1 + 0 + 13
    assert query(settings, "SELECT sum(spend), sum(conversions), sum(conversion_value), sum(engagements) "
                           "FROM core.ad_performance")[0] == (Decimal("90.00"), 13.0, Decimal("564.75"), 93)
    assert waits == []
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_ad_level_names_every_level(make_settings, server, waits):
    settings = make_settings(level="ad")
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded) == (7, 7)
    got = query(settings, "SELECT campaign_id, campaign_name, ad_group_id, ad_group_name, ad_id, ad_name, spend "
                          "FROM core.ad_performance WHERE date_start = DATE '2026-05-23' ORDER BY ad_id")
    assert got == [("1790000000000000001", "Summer Drop 🌞", "1790000000000000101", "UGC 18-24",
                    "1790000000000001001", "Hook v1", Decimal("31.05")),
                   ("1790000000000000002", "Always-on, retargeting", "1790000000000000201", "Visitors 30d",
                    "1790000000000002001", "Catalog carousel", Decimal("7.70"))]
    assert query(settings, "SELECT sum(spend) FROM core.ad_performance")[0] == (Decimal("90.00"),)


def test_throttling_in_headers_and_in_200_bodies_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("GET", "/open_api/v1.3/advertiser/info/", Reply(502, "Bad Gateway"))
    server.api.fail_next("GET", "/open_api/v1.3/report/integrated/get/",
                         Reply(429, "Too Many Requests", {"Retry-After": "2"}),
                         Reply(200, {"code": 40100, "message": "Too many requests. Please retry in some time.",
                                     "request_id": "r1", "data": {}}))
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 3 and 0 < waits[0] <= 1       # the 502: backoff with jitter
    assert waits[1:] == [2.0, 5.0]                      # Retry-After, then TikTok's code 40100 in a 200 body
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (7, Decimal("90.00"))


def test_persistent_internal_error_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("tt"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.route("GET", r"/open_api/v1\.3/report/integrated/get/", lambda req, m: TikTok.envelope(
        51001, "Internal service error, please try again later."))
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "still throttled or failing" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_revoked_token_fails_fast_naming_the_secret(make_settings, server, waits):
    settings = make_settings(secrets={"ACCESS_TOKEN": "tt-revoked-token-9z9z9z"})
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_TT__ACCESS_TOKEN" in record.error and "40105" in record.error
    assert "tt-revoked-token-9z9z9z" not in record.error
    assert server.api.count() == 1 and waits == []
    assert_no_secret_anywhere(settings, record, "tt-revoked-token-9z9z9z")


def test_a_retired_api_version_names_api_version(make_settings, server, waits):
    settings = make_settings(api_version="v1.2")
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "api_version" in record.error and "v1.2" in record.error


def test_unknown_level_is_a_clear_error(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run_window(settings, settings.source("tt"), RUN_DATE)
    assert record.status == "failed" and "level" in record.error and "keyword" in record.error


def test_normalise_api_reads_the_sample_shape():
    """Mixed types as TikTok sends them: spend/impressions as strings, likes as ints, times with hours."""
    records = pl.DataFrame({
        "advertiser_id": ["872746382648"], "advertiser_name": [None], "advertiser_currency": ["USD"],
        "campaign_id": ["11111111"], "stat_time_day": ["2024-01-01 00:00:00"], "spend": ["20.00"],
        "impressions": ["4696"], "clicks": ["51"], "reach": ["3822"], "video_play_actions": ["4179"],
        "likes": ["18"], "comments": ["0"], "shares": ["0"], "follows": ["0"], "campaign_name": ["Website Traffic"],
        "conversion": ["abc"]}).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    from roi.transforms.context import SourceContext
    from roi.transforms.tiktok_ads import normalise_api
    out = normalise_api(records, SourceContext(source="tt", kind="tiktok_ads")).frame
    row = out.row(0, named=True)
    assert (row["date_start"], row["spend"], row["currency"], row["engagements"], row["video_views"]) == (
        D(2024, 1, 1), 20.0, "USD", 18, 4179)
    assert row["_errors"] == ["conversion: 'abc' is not a number"]


def test_an_unreadable_metric_of_an_api_record_is_quarantined_with_its_reason():
    """The API's metric names are roi's own (impressions, clicks, spend): a value read into its own name must
    keep the reason of a cell that could not be read, not turn it into a silent NULL."""
    import polars as pl

    from roi.transforms.context import SourceContext
    from roi.transforms.tiktok_ads import normalise_api
    records = pl.DataFrame({"stat_time_day": ["2026-06-01 00:00:00"], "advertiser_id": ["7001"],
                            "advertiser_currency": ["EUR"], "campaign_id": ["11"], "campaign_name": ["Spring"],
                            "impressions": ["abc"], "clicks": ["3"], "spend": ["1.50"], "_row": [1]})
    frame = normalise_api(records, SourceContext(source="tt", kind="tiktok_ads")).frame
    [(impressions, clicks, errors)] = frame.select("impressions", "clicks", "_errors").rows()
    assert impressions is None and clicks == 3
    assert any(e.startswith("impressions:") and "abc" in e for e in errors), errors
