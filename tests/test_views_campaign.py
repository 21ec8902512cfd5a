"""marts.campaign_daily: ad rows summed to the campaign-day, ratios from the sums, reach never summed."""
from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)


def campaign(wh, date, campaign_id="c1"):
    return wh.one(
        "SELECT * FROM marts.campaign_daily WHERE date = CAST(? AS DATE) AND campaign_id = ?", date, campaign_id
    )


def test_ad_rows_sum_to_the_campaign_and_ratios_come_from_the_sums(wh):
    wh.ad("2024-03-04", ad_group_id="g1", ad_id="a1", impressions=1000, clicks=10, spend=20,
          conversions=1, conversion_value=50, engagements=30, reach=900)
    wh.ad("2024-03-04", ad_group_id="g1", ad_id="a2", impressions=3000, clicks=50, spend=40,
          conversions=2, conversion_value=70, engagements=10, reach=2500)
    row = campaign(wh, "2024-03-04")
    assert (row["impressions"], row["clicks"], row["spend"], row["conversions"], row["conversion_value"]) == approx(
        (4000, 60, 60, 3, 120)
    )
    assert row["ctr"] == approx(0.015)                               # 60 / 4000
    assert row["cpc"] == approx(1.0)                                 # 60 / 60
    assert row["cpm"] == approx(15.0)                                # 60 * 1000 / 4000
    assert row["conversion_rate"] == approx(0.05)                    # 3 / 60
    assert row["cpa"] == approx(20.0)                                # 60 / 3
    assert row["roas"] == approx(2.0)                                # 120 / 60
    assert row["engagement_rate"] == approx(0.01)                    # 40 / 4000
    assert row["reach"] is None                                      # two rows: 900 + 2500 is not a reach
    assert row["source_rows"] == 2 and row["channel"] == "google_ads" and row["currency"] == "EUR"


def test_reach_is_kept_for_one_campaign_level_day_row_only(wh):
    wh.ad("2024-03-04", campaign_id="c1", reach=800, impressions=1000)                    # campaign level, one day
    wh.ad("2024-03-04", campaign_id="c2", ad_group_id="g", ad_id="a", reach=300)          # ad level
    wh.ad("2024-03-01", "2024-03-03", campaign_id="c3", reach=1500, impressions=300)      # a period row
    assert campaign(wh, "2024-03-04", "c1")["reach"] == 800
    wh.ad("2024-03-05", campaign_id="c1", reach=800, load_id="a")                         # the same row
    wh.ad("2024-03-05", campaign_id="c1", reach=700, load_id="b")                         # loaded twice
    assert campaign(wh, "2024-03-05", "c1")["reach"] is None
    assert campaign(wh, "2024-03-04", "c2")["reach"] is None
    period = wh.rows("SELECT date, reach, impressions FROM marts.campaign_daily WHERE campaign_id = 'c3' ORDER BY date")
    assert [(r["date"].day, r["reach"], r["impressions"]) for r in period] == [
        (1, None, approx(100)), (2, None, approx(100)), (3, None, approx(100)),
    ]


def test_zero_denominators_are_null_and_campaigns_stay_apart(wh):
    wh.ad("2024-03-04", campaign_id="c1", spend=0, impressions=0, clicks=0, conversions=0)
    wh.ad("2024-03-04", campaign_id="c2", account_id="acc2", spend=10, impressions=100, clicks=0)
    zero = campaign(wh, "2024-03-04", "c1")
    for name in ("ctr", "cpc", "cpm", "conversion_rate", "cpa", "roas", "engagement_rate"):
        assert zero[name] is None, name
    other = campaign(wh, "2024-03-04", "c2")
    assert other["cpc"] is None and other["ctr"] == approx(0.0) and other["cpm"] == approx(100.0)
    assert other["account_id"] == "acc2"


def test_a_period_row_overlapping_a_day_row_adds_its_share(wh):
    wh.ad("2024-03-01", "2024-03-03", spend=30, clicks=3)                # 10 and 1 a day
    wh.ad("2024-03-02", spend=5, clicks=4, ad_group_id="g", ad_id="a")   # another level, same campaign
    row = campaign(wh, "2024-03-02")
    assert (row["spend"], row["clicks"]) == approx((15, 5))
    assert row["cpc"] == approx(3.0)                                 # 15 / 5


def test_period_rows_in_other_currencies_add_their_converted_share_and_a_missing_rate_is_null(wh):
    wh.rate("2024-03-01", "USD", 2.0)                                              # 1 EUR = 2 USD
    wh.ad("2024-03-01", "2024-03-04", spend=80, clicks=8, currency="usd ", ad_group_id="g", ad_id="a")  # 10 EUR, 2 a day
    wh.ad("2024-03-01", "2024-03-04", spend=40, currency="USD", ad_group_id="g", ad_id="b")            # 5 EUR a day
    wh.ad("2024-03-02", spend=6, clicks=1, currency="EUR")                          # a day row in euros
    wh.ad("2024-03-04", spend=10, currency="CHF", ad_group_id="g", ad_id="c")       # no CHF rate at all
    rows = wh.rows("SELECT * FROM marts.campaign_daily WHERE campaign_id = 'c1' ORDER BY date")
    assert [(r["date"].day, r["spend"], r["clicks"], r["source_rows"]) for r in rows] == [
        (1, approx(15), approx(2), 2),                                              # 10 + 5
        (2, approx(21), approx(3), 3),                                              # 10 + 5 + 6
        (3, approx(15), approx(2), 2),
        (4, None, approx(2), 3),                                                    # 15 + an unknown amount
    ]
    assert rows[1]["cpc"] == approx(7.0)                                            # 21 / 3
    assert rows[3]["cpc"] is None and rows[3]["roas"] is None
    assert [r["original_currency"] for r in rows] == ["USD", "USD", "USD", "USD"]   # 'usd ' read as USD


def test_reach_is_not_shown_when_a_period_row_or_another_currency_shares_the_day(wh):
    wh.ad("2024-03-02", campaign_id="c1", reach=500)
    wh.ad("2024-03-01", "2024-03-03", campaign_id="c1", ad_group_id="g", ad_id="a")   # covers the 2nd too
    wh.ad("2024-03-02", campaign_id="c2", reach=400, currency="EUR")
    wh.ad("2024-03-02", campaign_id="c2", reach=300, currency="USD")                  # the same campaign-day
    wh.ad("2024-03-02", campaign_id="c3", reach=250, currency="CHF")                  # no rate: reach still shown
    assert campaign(wh, "2024-03-02", "c1")["reach"] is None
    assert campaign(wh, "2024-03-02", "c2")["reach"] is None
    alone = campaign(wh, "2024-03-02", "c3")
    assert alone["reach"] == 250 and alone["spend"] is None


def test_a_campaign_renamed_within_its_period_shows_the_greatest_name_of_the_days_rows(wh):
    wh.ad("2024-03-01", "2024-03-03", campaign_name="Spring", spend=3)
    wh.ad("2024-03-02", campaign_name="Spring sale", ad_group_id="g", ad_id="a", spend=1)
    wh.ad("2024-03-02", source="gads_it", campaign_name="Primavera", spend=2)         # same id, another source
    rows = wh.rows("SELECT date, source, campaign_name, spend FROM marts.campaign_daily ORDER BY date, source")
    assert [(r["date"].day, r["source"], r["campaign_name"], r["spend"]) for r in rows] == [
        (1, "gads", "Spring", approx(1)),
        (2, "gads", "Spring sale", approx(2)),
        (2, "gads_it", "Primavera", approx(2)),
        (3, "gads", "Spring", approx(1)),
    ]
