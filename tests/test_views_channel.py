"""marts.channel_daily / channel_monthly / kpi_summary: every ratio from summed parts, dense days, spreading."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def daily(wh, channel, date):
    return wh.one("SELECT * FROM marts.channel_daily WHERE channel = ? AND date = ?", channel, D.fromisoformat(date))


def monthly(wh, channel, month):
    return wh.one(
        "SELECT * FROM marts.channel_monthly WHERE channel = ? AND month = ?", channel, D.fromisoformat(month)
    )


def test_every_ratio_of_a_channel_day(wh):
    wh.ad("2024-03-04", impressions=2000, clicks=100, spend=120, conversions=4, conversion_value=480, engagements=50)
    wh.cost("2024-03-04", 30, cost_type="staff")                     # non-media cost
    for n in range(3):
        wh.lead(f"l{n}", "2024-03-04", channel="google_ads")          # 3 leads ...
    wh.lead("l3", "2024-03-04", channel="google_ads", customer_date="2024-03-09")   # ... + 1 that converted
    wh.order("o1", "2024-03-04", 300, customer_id="c1", is_first_order=True, channel="google_ads")
    row = daily(wh, "google_ads", "2024-03-04")
    assert row["spend"] == approx(120) and row["other_costs"] == approx(30)
    assert row["total_cost"] == approx(150)                          # 120 + 30
    assert row["revenue"] == approx(300) and row["leads"] == 4 and row["customers"] == 1
    assert row["converted_leads"] == 1
    assert row["ctr"] == approx(0.05)                                # 100 / 2000
    assert row["cpc"] == approx(1.2)                                 # 120 / 100
    assert row["cpm"] == approx(60.0)                                # 120 * 1000 / 2000
    assert row["conversion_rate"] == approx(0.04)                    # 4 / 100
    assert row["cpa"] == approx(30.0)                                # 120 / 4
    assert row["roas"] == approx(4.0)                                # 480 / 120
    assert row["cpl"] == approx(37.5)                                # 150 / 4
    assert row["cac"] == approx(150.0)                               # 150 / 1
    assert row["roi_pct"] == approx(100.0)                           # (300 - 150) * 100 / 150
    assert row["lead_to_customer_rate"] == approx(0.25)              # 1 converted lead / 4 leads
    assert row["engagement_rate"] == approx(0.025)                   # 50 / 2000
    assert row["currency"] == "EUR" and row["channel_kind"] == "paid"


def test_ratios_with_a_zero_denominator_are_null(wh):
    # spend without impressions, clicks, conversions, leads or customers
    wh.ad("2024-03-04", spend=50, impressions=0, clicks=0, conversions=0, conversion_value=0)
    # a channel with nothing at all that day but a lead
    wh.lead("l1", "2024-03-04", channel="organic_search")
    row = daily(wh, "google_ads", "2024-03-04")
    for name in ("ctr", "cpc", "cpm", "conversion_rate", "cpa", "cpl", "cac",
                 "lead_to_customer_rate", "engagement_rate"):
        assert row[name] is None, name
    assert row["roas"] == approx(0.0)                                # 0 / 50: defined, zero
    assert row["roi_pct"] == approx(-100.0)                          # (0 - 50) * 100 / 50
    organic = daily(wh, "organic_search", "2024-03-04")
    assert organic["roas"] is None and organic["roi_pct"] is None   # spend 0, total_cost 0
    assert organic["lead_to_customer_rate"] == approx(0.0)          # 0 customers / 1 lead
    assert organic["cpl"] == approx(0.0)                            # 0 cost / 1 lead


def test_days_are_dense_with_zeros_for_every_channel_with_data(wh):
    wh.ad("2024-03-01", spend=10, impressions=100, clicks=5)
    wh.ad("2024-03-04", spend=20, impressions=100, clicks=5)
    wh.ad("2024-03-02", platform="meta_ads", source="meta", spend=7, impressions=70, clicks=7)
    rows = wh.rows("SELECT channel, date, spend, clicks, leads, revenue, total_cost, ctr FROM marts.channel_daily ORDER BY channel, date")
    assert [(r["channel"], r["date"].day) for r in rows] == [
        ("google_ads", 1), ("google_ads", 2), ("google_ads", 3), ("google_ads", 4),
        ("meta_ads", 1), ("meta_ads", 2), ("meta_ads", 3), ("meta_ads", 4),
    ]
    gap = rows[1]                                                    # google_ads, 2 March: no data
    assert (gap["spend"], gap["clicks"], gap["leads"], gap["revenue"], gap["total_cost"]) == (0, 0, 0, 0, 0)
    assert gap["ctr"] is None
    assert [r["spend"] for r in rows[4:]] == approx([0, 7, 0, 0])


def test_a_period_row_is_spread_evenly_over_its_three_days(wh):
    wh.ad("2024-03-01", "2024-03-03", spend=90, impressions=300, clicks=30, conversions=3, conversion_value=180)
    rows = wh.rows("SELECT date, spend, impressions, clicks, conversions, conversion_value, ctr, cpc FROM marts.channel_daily ORDER BY date")
    assert [r["date"].day for r in rows] == [1, 2, 3]
    for r in rows:                                                   # 90 / 3, 300 / 3, 30 / 3 ...
        assert (r["spend"], r["impressions"], r["clicks"], r["conversions"], r["conversion_value"]) == approx((30, 100, 10, 1, 60))
        assert r["ctr"] == approx(0.1) and r["cpc"] == approx(3.0)


def test_a_period_row_across_a_month_boundary_splits_into_both_months(wh):
    # 30 Jan .. 2 Feb = 4 days: 2 in January, 2 in February
    wh.ad("2024-01-30", "2024-02-02", spend=100, clicks=40, impressions=400)
    jan, feb = monthly(wh, "google_ads", "2024-01-01"), monthly(wh, "google_ads", "2024-02-01")
    assert (jan["spend"], jan["clicks"]) == approx((50, 20))        # 100 * 2/4, 40 * 2/4
    assert (feb["spend"], feb["clicks"]) == approx((50, 20))
    assert jan["cpc"] == approx(2.5) and feb["cpc"] == approx(2.5)  # 50 / 20
    assert jan["days"] == 2 and feb["days"] == 2                    # range 30 Jan .. 2 Feb


def test_a_monthly_cost_is_spread_over_its_days_and_split_across_months(wh):
    wh.cost("2024-02-01", 290, end="2024-02-29", cost_type="tool")   # 29 days (leap year): 10 a day
    wh.cost("2024-01-25", 100, end="2024-02-03", cost_type="agency")  # 10 days: 7 in Jan, 3 in Feb
    assert daily(wh, "google_ads", "2024-02-10")["other_costs"] == approx(10)
    assert daily(wh, "google_ads", "2024-02-02")["other_costs"] == approx(20)   # 10 + 10
    assert monthly(wh, "google_ads", "2024-01-01")["other_costs"] == approx(70)
    assert monthly(wh, "google_ads", "2024-02-01")["other_costs"] == approx(320)  # 290 + 30
    assert monthly(wh, "google_ads", "2024-02-01")["total_cost"] == approx(320)   # no media spend


def test_monthly_ratios_come_from_summed_parts_never_averaged(wh):
    wh.ad("2024-03-01", impressions=100, clicks=10, spend=10, conversions=1)   # ctr 0.10
    wh.ad("2024-03-02", impressions=900, clicks=9, spend=90, conversions=2)    # ctr 0.01
    row = monthly(wh, "google_ads", "2024-03-01")
    assert row["ctr"] == approx(19 / 1000)                          # 0.019, not (0.10 + 0.01) / 2
    assert row["cpc"] == approx(100 / 19)
    assert row["cpm"] == approx(100 * 1000 / 1000)
    assert row["conversion_rate"] == approx(3 / 19)
    assert row["cpa"] == approx(100 / 3)


def test_monthly_business_ratios(wh):
    wh.ad("2024-03-01", spend=200, impressions=1000, clicks=50, conversions=5, conversion_value=500, engagements=30)
    wh.cost("2024-03-01", 300, end="2024-03-31")                    # whole month, 300 in March
    for n in range(10):                                              # 10 leads, 3 of them converted
        wh.lead(f"l{n}", "2024-03-05", customer_date="2024-04-02" if n < 3 else None)
    wh.order("o1", "2024-03-10", 1000, customer_id="a", is_first_order=True)
    wh.order("o2", "2024-03-12", 500, customer_id="b", is_first_order=True)
    wh.order("o3", "2024-03-20", 250, customer_id="a", is_first_order=False)   # repeat order
    row = monthly(wh, "google_ads", "2024-03-01")
    assert row["total_cost"] == approx(500)                         # 200 + 300
    assert row["revenue"] == approx(1750) and row["orders"] == 3 and row["customers"] == 2
    assert row["converted_leads"] == 3                              # by the leads' month, not April
    assert row["cpl"] == approx(50)                                 # 500 / 10
    assert row["cac"] == approx(250)                                # 500 / 2
    assert row["roi_pct"] == approx(250)                            # (1750 - 500) * 100 / 500
    assert row["lead_to_customer_rate"] == approx(0.3)              # 3 converted / 10, not 2 orders / 10
    assert row["roas"] == approx(2.5)                               # 500 / 200
    assert row["engagement_rate"] == approx(0.03)                   # 30 / 1000


def test_email_campaigns_count_in_the_email_channel(wh):
    wh.email("2024-03-05", recipients=1000, delivered=900, unique_opens=360, unique_clicks=90, orders=9, revenue=450)
    wh.order("o1", "2024-03-05", 200, channel="email", is_first_order=True)
    row = daily(wh, "email", "2024-03-05")
    assert row["clicks"] == 90 and row["conversions"] == 9 and row["conversion_value"] == approx(450)
    assert row["open_rate"] == approx(0.4) and row["click_rate"] == approx(0.1)   # 360/900, 90/900
    assert row["conversion_rate"] == approx(0.1)                    # 9 / 90
    assert row["revenue"] == approx(200)                            # orders, not the platform's figure
    assert row["roi_pct"] is None                                   # no cost recorded for email
    assert row["channel_kind"] == "email"


def test_a_custom_offline_channel_counts_costs_and_revenue(wh):
    wh.con.execute("INSERT INTO ops.channels VALUES ('events', 'offline')")
    wh.cost("2024-03-10", 500, channel="events", cost_type="other")
    wh.order("o1", "2024-03-10", 800, channel="events", is_first_order=True)
    row = wh.one("SELECT * FROM marts.kpi_summary WHERE channel = 'events'")
    assert row["channel_kind"] == "offline"
    assert row["total_cost"] == approx(500) and row["revenue"] == approx(800)
    assert row["roi_pct"] == approx(60)                             # (800 - 500) * 100 / 500
    assert row["cac"] == approx(500)


def test_kpi_summary_sums_every_day_of_a_channel(wh):
    wh.ad("2024-01-15", spend=100, clicks=50, impressions=5000)
    wh.ad("2024-03-15", spend=300, clicks=50, impressions=5000)
    wh.lead("l1", "2024-02-01")
    wh.order("o1", "2024-02-10", 1200, is_first_order=True)
    row = wh.one("SELECT * FROM marts.kpi_summary WHERE channel = 'google_ads'")
    assert (row["spend"], row["clicks"], row["impressions"]) == approx((400, 100, 10000))
    assert row["cpc"] == approx(4.0) and row["ctr"] == approx(0.01)  # 400 / 100, 100 / 10000
    assert row["roi_pct"] == approx(200.0)                          # (1200 - 400) * 100 / 400
    assert row["first_date"] == D(2024, 1, 15) and row["last_date"] == D(2024, 3, 15)


def test_the_close_rate_counts_leads_that_converted_not_first_orders_of_the_channel(wh):
    # email: 2 leads in March, 1 of them became a customer (its order came through google_ads) ...
    wh.lead("e1", "2024-03-03", channel="email", customer_id="A", customer_date="2024-03-08")
    wh.lead("e2", "2024-03-04", channel="email")
    wh.order("a1", "2024-03-08", 80, customer_id="A", channel="google_ads", is_first_order=True)
    # ... while 5 first orders of customers without an email lead carry the email UTM
    for n in range(5):
        wh.order(f"n{n}", "2024-03-10", 20, customer_id=f"N{n}", channel="email", is_first_order=True)
    email = monthly(wh, "email", "2024-03-01")
    assert (email["leads"], email["converted_leads"], email["customers"]) == (2, 1, 5)
    assert email["lead_to_customer_rate"] == approx(0.5)            # 1 / 2, not 5 / 2
    assert email["cac"] == approx(0.0)                              # cac keeps first orders: 0 cost / 5
    google = monthly(wh, "google_ads", "2024-03-01")
    assert (google["leads"], google["converted_leads"], google["customers"]) == (0, 0, 1)
    assert google["lead_to_customer_rate"] is None                  # no leads: no rate
    day = daily(wh, "email", "2024-03-03")
    assert (day["leads"], day["converted_leads"], day["lead_to_customer_rate"]) == (1, 1, approx(1.0))


def test_amazon_ads_revenue_is_the_sales_amazon_attributes_to_its_ads(wh):
    # Sponsored Products sell on Amazon: 640 € of attributed sales on 160 € of spend, no shop order
    wh.ad("2024-03-05", platform="amazon_ads", source="amz", spend=100, conversions=4, conversion_value=400)
    wh.ad("2024-03-06", platform="amazon_ads", source="amz", spend=60, conversions=3, conversion_value=240)
    wh.cost("2024-03-05", 40, channel="amazon_ads", cost_type="staff")
    wh.ad("2024-03-05", spend=100, conversions=5, conversion_value=900)       # google_ads: value is not revenue
    assert wh.one("SELECT has_revenue_source FROM int.revenue_source")["has_revenue_source"]
    row = wh.one("SELECT * FROM marts.kpi_summary WHERE channel = 'amazon_ads'")
    assert row["revenue"] == approx(640) and row["total_cost"] == approx(200)
    assert row["roi_pct"] == approx(220)                            # (640 - 200) * 100 / 200
    assert row["roas"] == approx(4.0) and row["customers"] == 0 and row["cac"] is None
    google = wh.one("SELECT * FROM marts.kpi_summary WHERE channel = 'google_ads'")
    assert google["revenue"] == approx(0)
    # [kpi] platform_revenue = [] : no channel takes the platform's figure
    wh.settings(platform_revenue="")
    assert wh.one("SELECT revenue FROM marts.kpi_summary WHERE channel = 'amazon_ads'")["revenue"] == approx(0)
    assert not wh.one("SELECT has_revenue_source FROM int.revenue_source")["has_revenue_source"]
    # … or another one, such as a marketplace the user sells on through its ads
    wh.settings(platform_revenue="google_ads")
    assert wh.one("SELECT revenue FROM marts.kpi_summary WHERE channel = 'google_ads'")["revenue"] == approx(900)
