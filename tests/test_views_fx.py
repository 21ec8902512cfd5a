"""Currency: amounts converted with the rate of the day or the latest earlier one; a missing rate is NULL and listed, never guessed."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def test_a_weekend_uses_fridays_rate(wh):
    wh.rate("2024-03-01", "USD", 1.10)                              # Friday: 1 EUR = 1.10 USD
    wh.rate("2024-03-04", "USD", 1.20)                              # Monday
    wh.ad("2024-03-02", spend=110, currency="USD")                  # Saturday
    wh.ad("2024-03-03", spend=55, currency="USD", campaign_id="c2")  # Sunday
    wh.ad("2024-03-04", spend=120, currency="USD")                  # Monday
    rows = wh.rows("SELECT date, spend FROM marts.channel_daily ORDER BY date")
    assert [(r["date"].day, r["spend"]) for r in rows] == [
        (2, approx(100.0)),                                          # 110 / 1.10
        (3, approx(50.0)),                                           # 55 / 1.10
        (4, approx(100.0)),                                          # 120 / 1.20
    ]
    sunday = wh.one("SELECT * FROM marts.campaign_daily WHERE date = DATE '2024-03-03'")
    assert sunday["currency"] == "EUR" and sunday["original_currency"] == "USD"
    assert sunday["spend"] == approx(50.0)


def test_the_reporting_currency_converts_at_one_without_any_rate(wh):
    wh.ad("2024-03-02", spend=80, currency="EUR")
    wh.order("o1", "2024-03-02", 40, currency="EUR")
    row = wh.one("SELECT spend, revenue FROM marts.channel_daily")
    assert (row["spend"], row["revenue"]) == approx((80, 40))
    assert wh.rows("SELECT * FROM marts.fx_missing") == []


def test_another_reporting_currency_is_honoured(wh):
    wh.settings(reporting_currency="USD")
    wh.rate("2024-03-01", "EUR", 0.5)                               # 1 USD = 0.5 EUR (made up)
    wh.ad("2024-03-02", spend=100, currency="USD")                  # rate 1
    wh.ad("2024-03-02", spend=10, currency="EUR", campaign_id="c2")  # 10 / 0.5 = 20 USD
    row = wh.one("SELECT spend, currency FROM marts.channel_daily")
    assert row["spend"] == approx(120) and row["currency"] == "USD"


def test_a_missing_rate_gives_null_money_and_a_fx_missing_row(wh):
    wh.rate("2024-03-10", "GBP", 0.85)                              # GBP rates start on 10 March
    wh.order("o1", "2024-03-05", 170, currency="GBP")               # before any GBP rate
    wh.order("o2", "2024-03-05", 100, currency="EUR")
    wh.order("o3", "2024-03-12", 85, currency="GBP")                # 85 / 0.85 = 100
    wh.ad("2024-03-01", "2024-03-03", spend=30, currency="CHF")      # no CHF rate at all: 3 days
    day5 = wh.one("SELECT revenue, orders FROM marts.channel_daily WHERE date = DATE '2024-03-05'")
    assert day5["revenue"] is None and day5["orders"] == 2          # unknown, not 100
    day12 = wh.one("SELECT revenue FROM marts.channel_daily WHERE date = DATE '2024-03-12'")
    assert day12["revenue"] == approx(100)
    month = wh.one("SELECT revenue, spend, total_cost, roi_pct FROM marts.channel_monthly")
    assert month["revenue"] is None and month["spend"] is None      # a total with an unknown part
    assert month["total_cost"] is None and month["roi_pct"] is None
    missing = wh.rows("SELECT * FROM marts.fx_missing ORDER BY table_name")
    assert missing == [
        dict(source="gads", table_name="ad_performance", currency="CHF",
             first_date=D(2024, 3, 1), last_date=D(2024, 3, 3), rows=1),
        dict(source="shop", table_name="orders", currency="GBP",
             first_date=D(2024, 3, 5), last_date=D(2024, 3, 5), rows=1),
    ]


def test_duplicate_rates_for_a_day_take_the_lowest_source_name(wh):
    wh.rate("2024-03-01", "USD", 1.25, source="zz_manual")
    wh.rate("2024-03-01", "USD", 1.00, source="ecb")
    wh.ad("2024-03-01", spend=100, currency="USD")
    assert wh.one("SELECT spend FROM marts.channel_daily")["spend"] == approx(100)   # ecb: 100 / 1.00


def test_each_money_table_is_converted(wh):
    wh.rate("2024-03-01", "USD", 2.0)
    wh.email("2024-03-04", revenue=50, currency="USD", recipients=10, delivered=10)
    wh.cost("2024-03-01", 62, end="2024-03-31", currency="USD")      # 31 USD in EUR over 31 days
    wh.order("o1", "2024-03-04", 400, currency="USD")
    wh.budget("2024-03-01", "google_ads", 1000, currency="USD")
    assert wh.one("SELECT revenue FROM marts.email_campaign_kpis")["revenue"] == approx(25)
    assert wh.one("SELECT other_costs FROM marts.channel_monthly WHERE channel = 'google_ads'")["other_costs"] == approx(31)
    assert wh.one("SELECT revenue FROM marts.channel_monthly WHERE channel = 'google_ads'")["revenue"] == approx(200)
    wh.settings(as_of="2024-03-31")
    assert wh.one("SELECT planned FROM marts.budget_pacing")["planned"] == approx(500)


def test_a_monthly_budget_uses_the_first_rate_of_its_month_when_none_is_earlier(wh):
    wh.rate("2024-01-02", "USD", 1.10)                               # no rate on 1 January (holiday)
    wh.rate("2024-01-03", "USD", 1.25)
    wh.budget("2024-01-01", "google_ads", 1100, currency="USD")
    wh.budget("2024-02-01", "google_ads", 1250, currency="USD")      # 1 Feb: latest earlier = 3 Jan
    wh.settings(as_of="2024-02-15")
    rows = wh.rows("SELECT month, planned FROM marts.budget_pacing ORDER BY month")
    assert [r["planned"] for r in rows] == approx([1000, 1000])      # 1100 / 1.10, 1250 / 1.25
    assert wh.rows("SELECT * FROM marts.fx_missing") == []


def test_a_period_row_lists_only_its_days_before_the_first_rate(wh):
    wh.rate("2024-03-10", "USD", 1.10)                               # USD rates start on 10 March
    wh.ad("2024-03-08", "2024-03-12", spend=50, currency="usd ")     # 8 and 9 March have no rate
    wh.ad("2024-03-09", spend=10, currency="USD", campaign_id="c2")  # no rate
    wh.ad("2024-03-11", spend=10, currency="USD", campaign_id="c3")  # rate of the 10th
    wh.ad("2024-03-01", spend=10, currency="EUR", campaign_id="c4")  # the reporting currency
    assert wh.rows("SELECT * FROM marts.fx_missing") == [
        dict(source="gads", table_name="ad_performance", currency="USD",
             first_date=D(2024, 3, 8), last_date=D(2024, 3, 9), rows=2),
    ]
