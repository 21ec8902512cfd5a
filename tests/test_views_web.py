"""marts.web_channel_daily and marts.conversion_gap: what the site saw beside what each platform claims."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def test_a_channel_day_of_sessions_beside_its_spend(wh):
    # google/cpc and a second campaign of the same channel: 400 + 100 sessions on 2024-03-05
    wh.sessions("2024-03-05", "google_ads", 400, engaged_sessions=260, new_users=300, key_events=12, revenue=600,
                utm_source="google", utm_medium="cpc", utm_campaign="brand")
    wh.sessions("2024-03-05", "google_ads", 100, engaged_sessions=40, new_users=90, key_events=3, revenue=150,
                utm_source="google", utm_medium="cpc", utm_campaign="generic")
    wh.ad("2024-03-05", spend=250, clicks=520, conversions=20, conversion_value=1100)
    wh.sessions("2024-03-05", "direct", 200, key_events=4, revenue=None)
    row = wh.one("SELECT * FROM marts.web_channel_daily WHERE channel = 'google_ads'")
    assert (row["sessions"], row["engaged_sessions"], row["new_users"]) == (500, 300, 390)
    assert row["key_events"] == approx(15) and row["web_revenue"] == approx(750)
    assert row["conversion_rate"] == approx(0.03)                   # 15 / 500
    assert row["engagement_rate"] == approx(0.6)                    # 300 / 500
    assert row["revenue_per_session"] == approx(1.5)                # 750 / 500
    assert row["cost_per_session"] == approx(0.5)                   # 250 / 500
    direct = wh.one("SELECT * FROM marts.web_channel_daily WHERE channel = 'direct'")
    assert direct["cost_per_session"] is None and direct["web_revenue"] == approx(0)   # no spend; not reported
    assert direct["conversion_rate"] == approx(0.02)


def test_web_revenue_in_another_currency_is_converted_on_its_day(wh):
    wh.rate("2024-03-04", "USD", 1.25)                              # 1 EUR = 1.25 USD
    wh.sessions("2024-03-05", "direct", 10, revenue=250, currency="USD")
    row = wh.one("SELECT * FROM marts.web_channel_daily")
    assert row["web_revenue"] == approx(200) and row["currency"] == "EUR"


def test_organic_search_takes_the_day_total_over_the_query_rows(wh):
    # the day's total (anonymised queries in) beside its query rows: only the total counts
    wh.search("2024-03-05", 120, 4000, 8.0)
    wh.search("2024-03-05", 70, 1500, 3.0, query="crema viso", page="/crema")
    wh.search("2024-03-05", 30, 1000, 12.0, query="shampoo bio", page="/shampoo")
    # another day with query rows only: their sum, impression-weighted position (1500*3 + 1000*12) / 2500
    wh.search("2024-03-06", 70, 1500, 3.0, query="crema viso", page="/crema")
    wh.search("2024-03-06", 30, 1000, 12.0, query="shampoo bio", page="/shampoo")
    days = {r["date"]: r for r in wh.rows("SELECT * FROM stg.organic_search_days")}
    assert days[D(2024, 3, 5)]["from_totals"] and not days[D(2024, 3, 6)]["from_totals"]
    rows = {r["date"]: r for r in wh.rows("SELECT * FROM marts.web_channel_daily WHERE channel = 'organic_search'")}
    first, second = rows[D(2024, 3, 5)], rows[D(2024, 3, 6)]
    assert (first["search_clicks"], first["search_impressions"]) == (120, 4000)
    assert first["search_position"] == approx(8.0) and first["search_ctr"] == approx(0.03)
    assert (second["search_clicks"], second["search_impressions"]) == (100, 2500)
    assert second["search_position"] == approx(6.6)                 # 16500 / 2500
    assert first["sessions"] == 0                                   # no GA4 loaded: 0 sessions, not a guess


def test_conversion_gap_compares_platform_site_and_shop_by_month(wh):
    # March: Meta claims 30 conversions worth 2,400; GA4 saw 12 key events (960); the shop sold 10 orders
    # with a Meta UTM (gross 1,000 = 900 paid + 100 kept of a refunded one), one unpaid order not counted
    wh.ad("2024-03-05", platform="meta_ads", source="meta", spend=500, conversions=30, conversion_value=2400)
    wh.sessions("2024-03-05", "meta_ads", 800, key_events=12, revenue=960, utm_source="facebook",
                utm_medium="paid_social")
    for i in range(9):
        wh.order(f"m{i}", "2024-03-06", 100, channel="meta_ads", utm_source="facebook", utm_medium="paid_social")
    wh.order("m9", "2024-03-07", 150, channel="meta_ads", refunded=50, utm_source="facebook",
             utm_medium="paid_social")
    wh.order("m10", "2024-03-07", 500, channel="meta_ads", paid=False, utm_source="facebook",
             utm_medium="paid_social")
    # Amazon sells on Amazon: not in the gap
    wh.ad("2024-03-05", platform="amazon_ads", source="amz", spend=50, conversions=3, conversion_value=90)
    row = wh.one("SELECT * FROM marts.conversion_gap")
    assert row["channel"] == "meta_ads" and row["month"] == D(2024, 3, 1) and row["has_site_data"]
    assert row["platform_conversions"] == approx(30) and row["platform_value"] == approx(2400)
    assert row["site_key_events"] == approx(12) and row["site_revenue"] == approx(960)
    assert row["orders"] == 10 and row["order_revenue"] == approx(1000)
    assert row["conversions_vs_site"] == approx(2.5)                # 30 / 12
    assert row["conversions_vs_orders"] == approx(3.0)              # 30 / 10
    assert row["value_vs_site"] == approx(2.5)                      # 2400 / 960
    assert row["value_vs_orders"] == approx(2.4)                    # 2400 / 1000
    assert row["site_vs_orders"] == approx(1.2)                     # 12 / 10


def test_conversion_gap_without_site_data_says_so(wh):
    wh.ad("2024-04-02", spend=100, conversions=5, conversion_value=300)
    row = wh.one("SELECT * FROM marts.conversion_gap")
    assert not row["has_site_data"] and row["site_key_events"] == 0
    assert row["conversions_vs_site"] is None and row["conversions_vs_orders"] is None
