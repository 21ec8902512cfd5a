"""Microsoft Advertising at level keyword and search_term: keyword and search query performance reports submitted,
polled and downloaded by the real client, loaded into core.keyword_performance / core.search_term_performance
beside their ad groups."""
import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from roi.pipeline.runs import run_window
from tests.fakeapi import load_counts as counts, query
# SECRETS: the secrets conftest.py's make_settings sets for this module's source
from tests.test_api_microsoft_ads import RUN_DATE, SECRETS, Microsoft  # noqa: F401

D = dt.date
BRAND, GENERIC = ("501", "Brand - Exact", "7001", "Exact brand"), ("502", "Generic, broad", "7003", "Broad")
# Columns each report type takes (KeywordPerformanceReportColumn, SearchQueryPerformanceReportColumn, Reporting v13),
# among those roi could ask for: a search query report has no CurrencyCode.
ALLOWED = {
    "KeywordPerformanceReportRequest": {
        "TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "AdGroupId", "AdGroupName",
        "Keyword", "KeywordId", "BidMatchType", "DeliveredMatchType", "CurrencyCode", "Impressions", "Clicks",
        "Spend", "Conversions", "Revenue"},
    "SearchQueryPerformanceReportRequest": {
        "TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName", "AdGroupId", "AdGroupName",
        "SearchQuery", "Keyword", "KeywordId", "BidMatchType", "DeliveredMatchType", "Impressions", "Clicks",
        "Spend", "Conversions", "Revenue"},
}
KEYWORDS = [
    # day, (campaign, ad group), KeywordId, Keyword, BidMatchType, Impressions, Clicks, Spend, Conversions, Revenue
    (D(2026, 6, 1), BRAND, "81", "acme shoes", "Exact", 600, 30, "15.30", "2", "100.00"),
    (D(2026, 6, 1), BRAND, "82", "acme", "Phrase", 400, 20, "10.00", "", ""),
    (D(2026, 6, 1), GENERIC, "83", "running shoes", "Broad", 980, 12, "13.20", "", ""),
    (D(2026, 6, 2), BRAND, "81", "acme shoes", "Exact", 1102, 61, "31.72", "4.50", "212.40"),
    (D(2026, 6, 3), GENERIC, "84", "trail shoes", "Unknown", 450, 9, "8.05", "1", "40.00"),
    (D(2026, 5, 31), BRAND, "81", "acme shoes", "Exact", 999, 9, "9.99", "9", "99.00"),       # outside the window
]
SEARCH_QUERIES = [
    # day, (campaign, ad group), SearchQuery, KeywordId, Keyword, BidMatchType, Impr., Clicks, Spend, Conv., Revenue
    (D(2026, 6, 1), BRAND, "acme shoes online", "81", "acme shoes", "Exact", 300, 15, "7.50", "1", "50.00"),
    (D(2026, 6, 1), BRAND, "acme shoe store", "81", "acme shoes", "Exact", 200, 10, "5.00", "", ""),
    (D(2026, 6, 1), GENERIC, "free running shoes", "83", "running shoes", "Broad", 500, 8, "12.40", "", ""),
    (D(2026, 6, 2), GENERIC, "shoes near me", "", "", "", 100, 5, "10.50", "0", "0.00"),     # no keyword matched
]


class MicrosoftSearchReports(Microsoft):
    """The Reporting API fake answering keyword and search query performance reports too."""

    def report_rows(self, job) -> list[dict]:
        kind = job["report"]["Type"]
        if kind not in ALLOWED:
            return super().report_rows(job)
        unknown = set(job["report"]["Columns"]) - ALLOWED[kind]
        assert not unknown, f"{kind} has no column {unknown}"   # the real service refuses the request
        rows = []
        if kind == "KeywordPerformanceReportRequest":
            for day, (cid, cname, agid, agname), kid, keyword, bid, impr, clicks, spend, conv, rev in KEYWORDS:
                rows.append({"TimePeriod": day, "CampaignId": cid, "CampaignName": cname, "AdGroupId": agid,
                             "AdGroupName": agname, "KeywordId": kid, "Keyword": keyword, "BidMatchType": bid,
                             "CurrencyCode": "EUR", "Impressions": impr, "Clicks": clicks, "Spend": spend,
                             "Conversions": conv, "Revenue": rev})
        else:
            for day, (cid, cname, agid, agname), term, kid, keyword, bid, impr, clicks, spend, conv, rev \
                    in SEARCH_QUERIES:
                rows.append({"TimePeriod": day, "CampaignId": cid, "CampaignName": cname, "AdGroupId": agid,
                             "AdGroupName": agname, "SearchQuery": term, "KeywordId": kid, "Keyword": keyword,
                             "BidMatchType": bid, "Impressions": impr, "Clicks": clicks, "Spend": spend,
                             "Conversions": conv, "Revenue": rev})
        return [{**r, "TimePeriod": r["TimePeriod"].isoformat(), "AccountId": job["account"], "AccountName": "Acme IT"}
                for r in rows if job["start"] <= r["TimePeriod"] <= job["end"]]


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = MicrosoftSearchReports
SOURCES = [{"name": "ms", "kind": "microsoft_ads", "account_ids": ["9001"], "customer_id": "1500100",
            "base_url": "{api}/Reporting/", "token_url": "{api}/common/oauth2/v2.0/token", "lookback_days": 2}]


def run(settings):
    return run_window(settings, settings.source("ms"), RUN_DATE)


def ad_groups(settings):
    return query(settings, "SELECT ad_group_id, date_start, ad_id, impressions, clicks, spend, conversions, "
                           "conversion_value, currency FROM core.ad_performance ORDER BY ad_group_id, date_start")


def test_keyword_report_loads_keywords_and_their_ad_groups_summed(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run(settings)
    assert record.status == "succeeded", record.error
    report = next(iter(server.jobs.values()))["report"]
    assert report["Type"] == "KeywordPerformanceReportRequest" and report["Aggregation"] == "Daily"
    assert {"Keyword", "KeywordId", "BidMatchType", "AdGroupId", "CurrencyCode"} <= set(report["Columns"])
    # 5 rows of the window: 4 ad group-days, acme's row summed into acme shoes' ad group-day
    assert counts(settings) == [(5, 4, 1, 0)]
    assert ad_groups(settings) == [
        ("7001", D(2026, 6, 1), "", 1000, 50, Decimal("25.30"), 2.0, Decimal("100.00"), "EUR"),   # 15.30 + 10.00
        ("7001", D(2026, 6, 2), "", 1102, 61, Decimal("31.72"), 4.5, Decimal("212.40"), "EUR"),
        ("7003", D(2026, 6, 1), "", 980, 12, Decimal("13.20"), None, None, "EUR"),
        ("7003", D(2026, 6, 3), "", 450, 9, Decimal("8.05"), 1.0, Decimal("40.00"), "EUR"),
    ]
    keywords = query(settings, "SELECT ad_group_id, date_start, keyword, match_type, clicks, spend, campaign_name "
                               "FROM core.keyword_performance ORDER BY ad_group_id, date_start, keyword")
    assert keywords == [
        ("7001", D(2026, 6, 1), "acme", "phrase", 20, Decimal("10.00"), "Brand - Exact"),
        ("7001", D(2026, 6, 1), "acme shoes", "exact", 30, Decimal("15.30"), "Brand - Exact"),
        ("7001", D(2026, 6, 2), "acme shoes", "exact", 61, Decimal("31.72"), "Brand - Exact"),
        ("7003", D(2026, 6, 1), "running shoes", "broad", 12, Decimal("13.20"), "Generic, broad"),
        ("7003", D(2026, 6, 3), "trail shoes", "", 9, Decimal("8.05"), "Generic, broad"),      # bid match Unknown
    ]
    assert query(settings, "SELECT k.ad_group_id, k.date_start FROM core.keyword_performance k "
                           "JOIN core.ad_performance a USING (ad_group_id, date_start) "
                           "GROUP BY ALL HAVING sum(k.spend) <> any_value(a.spend)") == []
    mart = query(settings, "SELECT keyword, match_type, spend, clicks, cpc, conversions, roas "
                           "FROM marts.keyword_performance WHERE keyword = 'acme shoes'")
    assert mart == [("acme shoes", "exact", pytest.approx(47.02), 91, pytest.approx(47.02 / 91), 6.5,
                     pytest.approx(312.40 / 47.02))]


def test_search_query_report_keeps_the_keyword_and_lists_wasted_queries(make_settings, server, waits):
    settings = make_settings(level="search_term")
    record = run(settings)
    assert record.status == "succeeded", record.error
    report = next(iter(server.jobs.values()))["report"]
    assert report["Type"] == "SearchQueryPerformanceReportRequest" and "CurrencyCode" not in report["Columns"]
    assert counts(settings) == [(4, 3, 1, 0)]
    assert ad_groups(settings) == [
        ("7001", D(2026, 6, 1), "", 500, 25, Decimal("12.50"), 1.0, Decimal("50.00"), "EUR"),     # 7.50 + 5.00
        ("7003", D(2026, 6, 1), "", 500, 8, Decimal("12.40"), None, None, "EUR"),
        ("7003", D(2026, 6, 2), "", 100, 5, Decimal("10.50"), 0.0, Decimal("0.00"), "EUR"),
    ]
    terms = query(settings, "SELECT ad_group_id, date_start, search_term, keyword, match_type, spend "
                            "FROM core.search_term_performance ORDER BY ad_group_id, date_start, search_term")
    assert terms == [
        ("7001", D(2026, 6, 1), "acme shoe store", "acme shoes", "exact", Decimal("5.00")),
        ("7001", D(2026, 6, 1), "acme shoes online", "acme shoes", "exact", Decimal("7.50")),
        ("7003", D(2026, 6, 1), "free running shoes", "running shoes", "broad", Decimal("12.40")),
        ("7003", D(2026, 6, 2), "shoes near me", "", "", Decimal("10.50")),
    ]
    wasted = query(settings, "SELECT search_term, keywords, spend, clicks, conversions FROM marts.search_terms_wasted "
                             "ORDER BY search_term")
    assert wasted == [("free running shoes", "running shoes", pytest.approx(12.40), 8, 0),
                      ("shoes near me", None, pytest.approx(10.50), 5, 0)]


def test_a_search_query_row_takes_the_source_currency():
    """The search query report has no CurrencyCode column: its rows are in the source's `currency`."""
    from roi.sources.records import text_frame
    from roi.transforms.context import SourceContext
    from roi.transforms.microsoft_ads import normalise_api
    rows = [{"TimePeriod": "2026-06-01", "AccountId": "9001", "CampaignId": "501", "AdGroupId": "7001",
             "SearchQuery": "acme", "Keyword": "acme", "BidMatchType": "Phrase", "Spend": "2.50", "Clicks": "1"}]
    frame = text_frame(rows, ["TimePeriod"]).with_row_index("_row", offset=1).with_columns(
        pl.col("_row").cast(pl.Int64))
    out = normalise_api(frame, SourceContext(source="ms", kind="microsoft_ads", currency="USD"))
    terms = out.extra["search_term_performance"]
    assert terms.select("currency", "search_term", "keyword", "match_type", "spend", "_errors").row(0) == (
        "USD", "acme", "acme", "phrase", 2.5, [])
    assert out.frame["currency"].to_list() == ["USD"]


def test_level_option_is_checked(make_settings, server, waits):
    settings = make_settings(level="keywords")
    record = run(settings)
    assert record.status == "failed" and "'search_term'" in record.error and "keywords" in record.error
    assert server.api.count("POST", r".*/Submit") == 0
