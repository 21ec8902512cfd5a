"""marts.keyword_performance and marts.search_terms_wasted: keyword rows summed to the month in the reporting currency, the search terms that spend without converting."""
from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)


def keywords(wh):
    """marts.keyword_performance; the core rows' defaults (viewkit): running shoes, exact, ad group g1, EUR."""
    return wh.rows("SELECT * FROM marts.keyword_performance ORDER BY month, keyword, match_type, ad_group_id")


def wasted(wh):
    """marts.search_terms_wasted; the core rows' defaults (viewkit): keyword running shoes, broad."""
    return wh.rows("SELECT * FROM marts.search_terms_wasted ORDER BY month, search_term, ad_group_id")


# ------------------------------------------------------------------ marts.keyword_performance

def test_keyword_days_sum_to_the_month_and_ratios_come_from_the_sums(wh):
    wh.keyword("2026-03-02", impressions=1000, clicks=10, spend=20, conversions=1, conversion_value=50)
    wh.keyword("2026-03-20", impressions=3000, clicks=30, spend=40, conversions=2, conversion_value=70)
    wh.keyword("2026-04-01", impressions=500, clicks=5, spend=5)
    march, april = keywords(wh)
    assert (march["month"].isoformat(), march["keyword"], march["match_type"]) == (
        "2026-03-01", "running shoes", "exact")
    assert (march["spend"], march["clicks"], march["impressions"], march["conversions"],
            march["conversion_value"]) == approx((60, 40, 4000, 3, 120))
    assert march["ctr"] == approx(0.01)                              # 40 / 4000
    assert march["cpc"] == approx(1.5)                               # 60 / 40
    assert march["cpa"] == approx(20.0)                              # 60 / 3
    assert march["roas"] == approx(2.0)                              # 120 / 60
    assert march["conversion_rate"] == approx(0.075)                 # 3 / 40
    assert (march["campaign_name"], march["ad_group_name"], march["channel"], march["currency"]) == (
        "Shoes", "Running", "google_ads", "EUR")
    assert (april["spend"], april["clicks"], april["cpa"], april["roas"]) == (approx(5), approx(5), None, 0)


def test_match_types_ad_groups_and_sources_stay_apart(wh):
    wh.keyword("2026-03-02", spend=10, clicks=5)
    wh.keyword("2026-03-02", match_type="phrase", spend=4, clicks=1)
    wh.keyword("2026-03-02", ad_group_id="g2", ad_group_name="Trail", spend=3, clicks=3)
    wh.keyword("2026-03-02", source="gads_en", spend=1, clicks=1)
    wh.keyword("2026-03-02", platform="microsoft_ads", source="bing", match_type="", spend=2, clicks=2)
    rows = keywords(wh)
    assert sorted((r["source"], r["ad_group_id"], r["match_type"], r["spend"], r["cpc"]) for r in rows) == [
        ("bing", "g1", "", approx(2), approx(1.0)),
        ("gads", "g1", "exact", approx(10), approx(2.0)),
        ("gads", "g1", "phrase", approx(4), approx(4.0)),
        ("gads", "g2", "exact", approx(3), approx(1.0)),
        ("gads_en", "g1", "exact", approx(1), approx(1.0)),
    ]
    assert {r["channel"] for r in rows} == {"google_ads", "microsoft_ads"}


def test_money_is_converted_with_the_rate_of_each_day_and_a_missing_rate_is_null(wh):
    wh.rate("2026-03-01", "USD", 2.0)                                # 1 EUR = 2 USD
    wh.rate("2026-03-03", "USD", 1.25)
    wh.keyword("2026-03-02", currency="USD", spend=10, clicks=2, conversions=1, conversion_value=40)  # 5 EUR, 20
    wh.keyword("2026-03-04", currency="USD", spend=10, clicks=3)                                      # 8 EUR
    wh.keyword("2026-03-04", keyword="trail shoes", currency="CHF", spend=7, clicks=1)                # no CHF rate
    usd, chf = keywords(wh)
    assert usd["currency"] == "EUR"
    assert (usd["spend"], usd["conversion_value"]) == approx((13.0, 20.0))
    assert usd["cpc"] == approx(2.6)                                 # 13 / 5
    assert usd["roas"] == approx(20 / 13)
    assert (chf["spend"], chf["cpc"], chf["roas"]) == (None, None, None)
    assert chf["clicks"] == approx(1)


def test_a_period_row_is_spread_over_its_days_and_months(wh):
    wh.keyword("2026-03-30", "2026-04-02", spend=40, clicks=8, impressions=400, conversions=2)   # a quarter a day
    march, april = keywords(wh)
    assert (march["spend"], march["clicks"], march["impressions"], march["conversions"]) == approx((20, 4, 200, 1))
    assert (april["spend"], april["clicks"], april["impressions"], april["conversions"]) == approx((20, 4, 200, 1))
    assert march["cpa"] == approx(20.0)


def test_zero_denominators_are_null(wh):
    wh.keyword("2026-03-02", spend=0, clicks=0, impressions=0, conversions=0)
    row = keywords(wh)[0]
    for name in ("ctr", "cpc", "cpa", "roas", "conversion_rate"):
        assert row[name] is None, name


# ------------------------------------------------------------------ marts.search_terms_wasted

def test_search_terms_spending_above_the_minimum_without_conversions_are_listed(wh):
    wh.search_term("2026-03-02", "free shoes", spend=6, clicks=4, impressions=100)
    wh.search_term("2026-03-20", "free shoes", keyword="shoes", match_type="exact", spend=6, clicks=2, impressions=50)
    wh.search_term("2026-03-05", "cheap shoes", spend=30, clicks=10, conversions=1)        # converted
    wh.search_term("2026-03-05", "shoe repair", spend=10, clicks=5)                        # 10 is not above 10
    wh.search_term("2026-03-25", "shoes jobs", spend=8, clicks=2)                          # 8 in March …
    wh.search_term("2026-04-02", "shoes jobs", spend=8, clicks=2)                          # … and 8 in April
    wh.search_term("2026-03-07", "shoes near me", keyword="", match_type="", spend=11, clicks=1, conversions=None)
    rows = wasted(wh)
    assert [(r["month"].isoformat(), r["search_term"]) for r in rows] == [
        ("2026-03-01", "free shoes"), ("2026-03-01", "shoes near me"),
    ]
    free = rows[0]
    assert (free["spend"], free["clicks"], free["impressions"], free["conversions"]) == approx((12, 6, 150, 0))
    assert free["cpc"] == approx(2.0) and free["ctr"] == approx(0.04)              # 12 / 6, 6 / 150
    assert free["keywords"] == "[shoes], running shoes"                          # both keywords that matched it
    assert (free["campaign_name"], free["ad_group_name"], free["currency"], free["wasted_spend_min"]) == (
        "Shoes", "Running", "EUR", approx(10.0))
    assert rows[1]["keywords"] is None                                           # no keyword (dynamic ads)


def test_the_minimum_comes_from_the_settings_and_each_ad_group_month_is_judged_alone(wh):
    wh.settings(wasted_spend_min="5")
    wh.search_term("2026-03-05", "shoe repair", spend=10, clicks=5)
    wh.search_term("2026-03-25", "shoes jobs", spend=8, clicks=2)
    wh.search_term("2026-04-02", "shoes jobs", spend=8, clicks=2)
    wh.search_term("2026-04-02", "shoes jobs", ad_group_id="g2", ad_group_name="Trail", spend=4, clicks=1)  # not > 5
    rows = wasted(wh)
    assert [(r["month"].month, r["search_term"], r["ad_group_id"], r["spend"]) for r in rows] == [
        (3, "shoe repair", "g1", approx(10)), (3, "shoes jobs", "g1", approx(8)), (4, "shoes jobs", "g1", approx(8)),
    ]
    assert {r["wasted_spend_min"] for r in rows} == {5.0}


def test_a_minimum_that_is_not_a_number_means_ten(wh):
    wh.settings(wasted_spend_min="dieci")
    wh.search_term("2026-03-05", "shoes jobs", spend=10.5, clicks=2)
    wh.search_term("2026-03-05", "shoe repair", spend=9.5, clicks=2)
    assert [r["search_term"] for r in wasted(wh)] == ["shoes jobs"]


def test_spend_in_another_currency_is_judged_in_the_reporting_currency(wh):
    wh.rate("2026-03-01", "USD", 2.0)                                # 1 EUR = 2 USD
    wh.search_term("2026-03-05", "free shoes", currency="USD", spend=30, clicks=3)       # 15 EUR: listed
    wh.search_term("2026-03-05", "shoes jobs", currency="USD", spend=16, clicks=3)       # 8 EUR: not
    wh.search_term("2026-03-05", "shoe repair", currency="CHF", spend=500, clicks=3)     # no rate: unknown, not listed
    rows = wasted(wh)
    assert [(r["search_term"], r["spend"], r["currency"]) for r in rows] == [("free shoes", approx(15.0), "EUR")]
