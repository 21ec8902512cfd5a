"""Google Ads API mode at level keyword and search_term: keyword_view and search_term_view rows through the real
client, transform and load, into core.keyword_performance / core.search_term_performance beside their ad groups."""
import datetime as dt

import polars as pl
import pytest

from roi.pipeline.runs import run_window
from tests.fakeapi import load_counts as counts, query
# SECRETS: the secrets conftest.py's make_settings sets for this module's source
from tests.test_api_google_ads import IT, RUN_DATE, SECRETS, GoogleAdsServer, campaign_row  # noqa: F401

D = dt.date
BRAND = ("111", "Brand Search", "5551", "Brand exact")
GENERIC = ("222", "Saldi – Estate ☀️", "5552", "Generico")


def ad_group_row(entity, day, **metrics):
    """A row of an ad-group-level view: the campaign_row of its campaign with its adGroup."""
    cid, cname, agid, agname = entity
    return {**campaign_row(IT, cid, cname, day, **metrics),
            "adGroup": {"resourceName": f"customers/{IT['id']}/adGroups/{agid}", "id": agid, "name": agname}}


def keyword_row(entity, day, criterion, text, match_type, **metrics):
    """A keyword_view row as REST answers it (the criterion id an int64 string, the match type an enum name)."""
    agid = entity[2]
    return {**ad_group_row(entity, day, **metrics),
            "adGroupCriterion": {"resourceName": f"customers/{IT['id']}/adGroupCriteria/{agid}~{criterion}",
                                 "criterionId": criterion, "keyword": {"text": text, "matchType": match_type}},
            "keywordView": {"resourceName": f"customers/{IT['id']}/keywordViews/{agid}~{criterion}"}}


def search_term_row(entity, day, term, keyword=None, **metrics):
    """A search_term_view row; `keyword` (text, match type) the segments.keyword of the keyword that matched
    it, left out of the row where none did."""
    cid, _, agid, _ = entity
    segments = {"date": day}
    if keyword:
        segments["keyword"] = {"adGroupCriterion": f"customers/{IT['id']}/adGroupCriteria/{agid}~{keyword[2]}",
                               "info": {"text": keyword[0], "matchType": keyword[1]}}
    return {**ad_group_row(entity, day, **metrics), "segments": segments,
            "searchTermView": {"resourceName": f"customers/{IT['id']}/searchTermViews/{cid}~{agid}~{term[:6]}",
                               "searchTerm": term}}


KEYWORD_ROWS = [
    keyword_row(BRAND, "2026-06-01", "7001", "scarpe rosse", "EXACT", impressions="400", clicks="20",
                costMicros="10500000", conversions=1.0, conversionsValue=50.0),
    keyword_row(BRAND, "2026-06-01", "7002", "scarpe da corsa", "PHRASE", impressions="300", clicks="12",
                costMicros="6250000"),
    keyword_row(BRAND, "2026-06-01", "7003", "scarpe", "BROAD", impressions="100", clicks="3", costMicros="1000000"),
    keyword_row(BRAND, "2026-06-02", "7001", "scarpe rosse", "EXACT", impressions="500", clicks="25",
                costMicros="12000000", conversions=2.0, conversionsValue=90.0),
    keyword_row(BRAND, "2026-06-02", "7002", "scarpe da corsa", "PHRASE", impressions="10", clicks="1",
                costMicros="12x"),                                     # unreadable: quarantined with its keyword
    keyword_row(GENERIC, "2026-06-02", "7101", "scarpe saldi", "BROAD", impressions="50", clicks="2",
                costMicros="2000000"),
    keyword_row(BRAND, "2026-05-31", "7001", "scarpe rosse", "EXACT", impressions="1", costMicros="999000000"),
]
RED, SHOES = ("scarpe rosse", "EXACT", "7001"), ("scarpe", "BROAD", "7003")
SEARCH_TERM_ROWS = [
    search_term_row(BRAND, "2026-06-01", "scarpe rosse donna", RED, impressions="150", clicks="9",
                    costMicros="4500000", conversions=1.0, conversionsValue=30.0),
    search_term_row(BRAND, "2026-06-01", "scarpe rosse", RED, impressions="200", clicks="10", costMicros="5000000"),
    search_term_row(BRAND, "2026-06-01", "scarpe gratis", SHOES, impressions="80", clicks="6",
                    costMicros="12300000"),                            # 12.30, no conversion: wasted
    search_term_row(BRAND, "2026-06-02", "scarpe rosse", RED, impressions="100", clicks="4", costMicros="2000000"),
    search_term_row(GENERIC, "2026-06-02", "negozio scarpe vicino", None, impressions="40", clicks="5",
                    costMicros="11000000"),                            # no keyword matched it (dynamic ads)
]


class SearchViews(GoogleAdsServer):
    """GoogleAdsServer answering keyword_view and search_term_view queries too."""

    def rows(self, query, customer_id):
        if "FROM keyword_view" in query:
            return KEYWORD_ROWS if customer_id == IT["id"] else []
        if "FROM search_term_view" in query:
            return SEARCH_TERM_ROWS if customer_id == IT["id"] else []
        return super().rows(query, customer_id)


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = SearchViews
SOURCES = [{"name": "gads", "kind": "google_ads", "account_ids": ["123-456-7890", "9876543210"],
            "token_url": "{api}/token", "lookback_days": 2}]


def run(settings):
    return run_window(settings, settings.source("gads"), RUN_DATE)


def ad_groups(settings):
    return query(settings, "SELECT ad_group_id, date_start, ad_id, impressions, clicks, spend::DOUBLE, "
                           "conversions::DOUBLE, conversion_value::DOUBLE FROM core.ad_performance "
                           "ORDER BY ad_group_id, date_start")


def test_keyword_level_loads_keywords_and_their_ad_groups_summed(make_settings, server, waits):
    settings = make_settings(level="keyword")
    record = run(settings)
    assert record.status == "succeeded", record.error
    gaql = server.queries[0]
    assert "FROM keyword_view " in gaql and "ad_group_criterion.keyword.match_type" in gaql
    assert "ad_group_criterion.criterion_id" in gaql and "metrics.engagements" not in gaql
    # 6 rows of the window: 3 ad group-days loaded, 2 keyword rows summed into them, 1 quarantined
    assert counts(settings) == [(6, 3, 2, 1)]
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (6, 3, 2, 1)
    assert record.combined_by == "keyword"
    assert ad_groups(settings) == [
        ("5551", D(2026, 6, 1), "", 800, 35, pytest.approx(17.75), 1.0, 50.0),    # 10.50 + 6.25 + 1.00
        ("5551", D(2026, 6, 2), "", 500, 25, pytest.approx(12.0), 2.0, 90.0),     # the 12x row is out
        ("5552", D(2026, 6, 2), "", 50, 2, pytest.approx(2.0), 0.0, 0.0),
    ]
    keywords = query(settings, "SELECT ad_group_id, date_start, keyword, match_type, impressions, clicks, "
                               "spend::DOUBLE, conversions::DOUBLE, currency, campaign_name, ad_group_name "
                               "FROM core.keyword_performance ORDER BY ad_group_id, date_start, keyword")
    assert keywords == [
        ("5551", D(2026, 6, 1), "scarpe", "broad", 100, 3, 1.0, 0.0, "EUR", "Brand Search", "Brand exact"),
        ("5551", D(2026, 6, 1), "scarpe da corsa", "phrase", 300, 12, 6.25, 0.0, "EUR", "Brand Search", "Brand exact"),
        ("5551", D(2026, 6, 1), "scarpe rosse", "exact", 400, 20, 10.5, 1.0, "EUR", "Brand Search", "Brand exact"),
        ("5551", D(2026, 6, 2), "scarpe rosse", "exact", 500, 25, 12.0, 2.0, "EUR", "Brand Search", "Brand exact"),
        ("5552", D(2026, 6, 2), "scarpe saldi", "broad", 50, 2, 2.0, 0.0, "EUR", "Saldi – Estate ☀️", "Generico"),
    ]
    # each ad group-day's spend is the sum of its keywords'
    assert query(settings, "SELECT k.ad_group_id, k.date_start FROM core.keyword_performance k "
                           "JOIN core.ad_performance a USING (ad_group_id, date_start) "
                           "GROUP BY ALL HAVING abs(sum(k.spend) - any_value(a.spend)) > 0.000001") == []
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [("spend: '12x' is not a number",)]
    mart = query(settings, "SELECT month, ad_group_id, keyword, match_type, spend, clicks, cpc, cpa, roas "
                           "FROM marts.keyword_performance ORDER BY ad_group_id, keyword")
    assert mart == [
        (D(2026, 6, 1), "5551", "scarpe", "broad", pytest.approx(1.0), 3, pytest.approx(1 / 3), None, 0.0),
        (D(2026, 6, 1), "5551", "scarpe da corsa", "phrase", pytest.approx(6.25), 12, pytest.approx(6.25 / 12),
         None, 0.0),
        (D(2026, 6, 1), "5551", "scarpe rosse", "exact", pytest.approx(22.5), 45, pytest.approx(0.5),  # 22.50 / 45
         pytest.approx(7.5), pytest.approx(140 / 22.5)),                                               # / 3 conv.
        (D(2026, 6, 1), "5552", "scarpe saldi", "broad", pytest.approx(2.0), 2, pytest.approx(1.0), None, 0.0),
    ]
    assert query(settings, "SELECT count(*) FROM core.search_term_performance") == [(0,)]
    # rerunning the window replaces the keywords, not adds to them
    assert run(settings).status == "succeeded"
    assert query(settings, "SELECT count(*), sum(spend)::DOUBLE FROM core.keyword_performance") == [
        (5, pytest.approx(31.75))]


def test_search_term_level_keeps_the_matched_keyword_and_lists_wasted_terms(make_settings, server, waits):
    settings = make_settings(level="search_term", account_ids=["1234567890"])
    record = run(settings)
    assert record.status == "succeeded", record.error
    gaql = server.queries[0]
    assert "FROM search_term_view " in gaql and "search_term_view.search_term" in gaql
    assert "segments.keyword.info.text" in gaql and "segments.keyword.info.match_type" in gaql
    assert counts(settings) == [(5, 3, 2, 0)] and record.combined_by == "search term"
    assert ad_groups(settings) == [
        ("5551", D(2026, 6, 1), "", 430, 25, pytest.approx(21.8), 1.0, 30.0),     # 4.50 + 5.00 + 12.30
        ("5551", D(2026, 6, 2), "", 100, 4, pytest.approx(2.0), 0.0, 0.0),
        ("5552", D(2026, 6, 2), "", 40, 5, pytest.approx(11.0), 0.0, 0.0),
    ]
    terms = query(settings, "SELECT ad_group_id, date_start, search_term, keyword, match_type, clicks, "
                            "spend::DOUBLE FROM core.search_term_performance ORDER BY ad_group_id, date_start, "
                            "search_term")
    assert terms == [
        ("5551", D(2026, 6, 1), "scarpe gratis", "scarpe", "broad", 6, 12.3),
        ("5551", D(2026, 6, 1), "scarpe rosse", "scarpe rosse", "exact", 10, 5.0),
        ("5551", D(2026, 6, 1), "scarpe rosse donna", "scarpe rosse", "exact", 9, 4.5),
        ("5551", D(2026, 6, 2), "scarpe rosse", "scarpe rosse", "exact", 4, 2.0),
        ("5552", D(2026, 6, 2), "negozio scarpe vicino", "", "", 5, 11.0),          # no keyword: '' and ''
    ]
    assert query(settings, "SELECT k.ad_group_id, k.date_start FROM core.search_term_performance k "
                           "JOIN core.ad_performance a USING (ad_group_id, date_start) "
                           "GROUP BY ALL HAVING abs(sum(k.spend) - any_value(a.spend)) > 0.000001") == []
    wasted = query(settings, "SELECT month, ad_group_id, search_term, keywords, spend, clicks, conversions "
                             "FROM marts.search_terms_wasted ORDER BY search_term")
    assert wasted == [                                   # above 10 EUR without a conversion; scarpe rosse spent 7
        (D(2026, 6, 1), "5552", "negozio scarpe vicino", None, pytest.approx(11.0), 5, 0),
        (D(2026, 6, 1), "5551", "scarpe gratis", "scarpe", pytest.approx(12.3), 6, 0),
    ]
    assert query(settings, "SELECT count(*) FROM core.keyword_performance") == [(0,)]


def test_unspecified_match_types_are_blank_and_a_keyword_row_without_text_is_quarantined():
    from roi.sources.google_ads import api_columns, flatten
    from roi.transforms.context import SourceContext
    from roi.transforms.google_ads import normalise_api
    rows = [flatten(keyword_row(BRAND, "2026-06-01", "1", "scarpe", "UNSPECIFIED", impressions="5")),
            flatten(keyword_row(BRAND, "2026-06-01", "2", "", "EXACT", impressions="7", costMicros="1500000"))]
    names = api_columns("keyword", "v26")
    frame = pl.DataFrame([[r.get(c) for c in names] for r in rows], schema={c: pl.Utf8 for c in names},
                         orient="row").with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(frame, SourceContext(source="gads", kind="google_ads"))
    kw = out.extra["keyword_performance"]
    assert kw["match_type"].to_list() == ["", "exact"]
    assert kw["_errors"].to_list() == [[], ["keyword: missing"]]
    assert out.frame["_errors"].to_list() == [[], []]          # the ad group's spend is still whole
    # metrics the keyword query does not ask for are unknown, not zero
    assert out.frame["video_views"].to_list() == [None, None] and out.frame["engagements"].to_list() == [None, None]
    assert out.frame["spend"].to_list() == [0.0, 1.5]
