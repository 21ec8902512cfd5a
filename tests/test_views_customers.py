"""Orders and leads: new customers, last/first-touch attribution, marts.funnel_monthly and marts.ltv_cac."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def revenue_by_channel(wh):
    rows = wh.rows("SELECT channel, revenue, customers FROM marts.kpi_summary ORDER BY channel")
    return {r["channel"]: (r["revenue"], r["customers"]) for r in rows}


def attribution_data(wh):
    # customer A: first lead from meta_ads, a later lead from google_ads, buys through google_ads
    wh.lead("la1", "2024-01-03", customer_id="A", channel="meta_ads")
    wh.lead("la2", "2024-01-10", customer_id="A", channel="google_ads")
    wh.order("o1", "2024-01-20", 500, customer_id="A", channel="google_ads", is_first_order=True)
    # customer "L9": the order's customer_id is a lead_id (lead without customer_id); bought from a newsletter
    wh.lead("L9", "2024-01-05", channel="linkedin_ads")
    wh.order("o2", "2024-01-21", 300, customer_id="L9", channel="email", utm_source="newsletter",
             utm_medium="email", is_first_order=True)
    # no lead at all: first touch falls back to the order's own channel
    wh.order("o3", "2024-01-22", 100, customer_id="Z", channel="direct", is_first_order=True)


def test_last_touch_is_the_default_and_credits_the_orders_channel(wh):
    attribution_data(wh)
    by = revenue_by_channel(wh)
    assert by["google_ads"] == (approx(500), 1)
    assert by["email"] == (approx(300), 1)
    assert by["direct"] == (approx(100), 1)
    assert by["meta_ads"] == (approx(0), 0) and by["linkedin_ads"] == (approx(0), 0)


def test_first_touch_credits_the_customers_earliest_lead(wh):
    attribution_data(wh)
    wh.settings(attribution="first_touch")
    by = revenue_by_channel(wh)
    assert by["meta_ads"] == (approx(500), 1)                       # A's earliest lead
    assert by["linkedin_ads"] == (approx(300), 1)                   # lead_id = customer_id
    assert by["direct"] == (approx(100), 1)                         # no lead: own channel
    assert by["google_ads"] == (approx(0), 0)
    order = wh.one("SELECT * FROM int.orders_attributed WHERE order_id = 'o1'")
    assert (order["order_channel"], order["first_touch_channel"], order["channel"]) == ("google_ads", "meta_ads", "meta_ads")


def test_new_customers_follow_is_first_order_else_the_earliest_order(wh):
    wh.order("o2", "2024-02-01", 10, customer_id="c1")              # flag unknown, later order
    wh.order("o1", "2024-01-15", 10, customer_id="c1", source="web")  # flag unknown, earliest: new
    wh.order("o3", "2024-01-15", 10, customer_id="c2", is_first_order=False)   # flag says repeat
    wh.order("o4", "2024-01-16", 10, customer_id="c3", is_first_order=True)
    wh.order("o5", "2024-01-17", 10)                                 # no customer id: new each time
    wh.order("o6", "2024-01-17", 10)
    wh.order("o8", "2024-01-18", 10, customer_id="c4")              # same day: the lower order_id wins
    wh.order("o7", "2024-01-18", 10, customer_id="c4")
    rows = wh.rows("SELECT order_id, is_new_customer FROM int.orders_attributed ORDER BY order_id")
    assert {r["order_id"]: r["is_new_customer"] for r in rows} == {
        "o1": True, "o2": False, "o3": False, "o4": True, "o5": True, "o6": True, "o7": True, "o8": False,
    }
    month = wh.one("SELECT customers, orders FROM marts.channel_monthly WHERE month = DATE '2024-01-01'")
    assert (month["customers"], month["orders"]) == (5, 7)          # o1 o4 o5 o6 o7; o2 is February


def test_funnel_month(wh):
    # January, google_ads: 5 leads; l1 and l2 became customers A and B
    wh.lead("l1", "2024-01-05", mql_date="2024-01-06", sql_date="2024-01-08", customer_date="2024-01-15",
            customer_id="A")                                         # 11 days, inclusive
    wh.lead("l2", "2024-01-10", customer_date="2024-01-30", customer_id="B")   # 21 days; stages not recorded
    wh.lead("l3", "2024-01-12", mql_date="2024-01-13")
    wh.lead("l4", "2024-01-20", lost_date="2024-01-25")
    wh.lead("l5", "2024-01-25", sql_date="2024-01-28")               # skipped the MQL stage: still an MQL
    wh.lead("l6", "2024-01-25", channel="meta_ads")                  # other channel
    wh.order("a1", "2024-01-15", 100, customer_id="A")               # the cohort's first orders
    wh.order("b1", "2024-01-30", 300, customer_id="B")
    wh.order("a2", "2024-02-01", 5000, customer_id="A")              # a repeat order: not a deal
    wh.order("z1", "2024-01-20", 700, customer_id="Z")               # no lead in the cohort: not its deal
    row = wh.one("SELECT * FROM marts.funnel_monthly WHERE channel = 'google_ads'")
    assert row["month"] == D(2024, 1, 1)
    assert (row["leads"], row["mqls"], row["sqls"], row["customers"], row["lost"]) == (5, 4, 3, 2, 1)
    assert row["lead_to_customer_rate"] == approx(0.4)              # 2 / 5
    assert row["avg_deal_size"] == approx(200)                      # (100 + 300) / 2
    assert row["sales_cycle_days"] == approx(16)                    # (11 + 21) / 2
    assert row["sales_velocity"] == approx(5 * 0.4 * 200 / 16)      # 25 revenue per day
    other = wh.one("SELECT * FROM marts.funnel_monthly WHERE channel = 'meta_ads'")
    assert other["customers"] == 0 and other["lead_to_customer_rate"] == approx(0)
    assert other["avg_deal_size"] is None and other["sales_cycle_days"] is None and other["sales_velocity"] is None


def test_ltv_cac_by_cohort_and_acquisition_channel(wh):
    wh.settings(as_of="2024-03-15")
    # January, google_ads: spend 300 + agency 100 = acquisition cost 400; customers A and B
    wh.ad("2024-01-10", spend=300)
    wh.cost("2024-01-10", 100, cost_type="agency")
    wh.order("a1", "2024-01-10", 100, customer_id="A")
    wh.order("a2", "2024-02-05", 50, customer_id="A", channel="email")   # repeat orders count in LTV,
    wh.order("a3", "2024-03-01", 50, customer_id="A")                    # whatever their channel
    wh.order("a4", "2024-03-20", 1000, customer_id="A")                  # after as_of: not yet
    wh.order("b1", "2024-01-20", 200, customer_id="B")
    wh.order("r1", "2024-01-25", 70, customer_id="R", is_first_order=False)   # returning: no cohort
    # February, meta_ads: spend 30, customer C
    wh.ad("2024-02-03", spend=30, platform="meta_ads", source="meta")
    wh.order("c1", "2024-02-03", 90, customer_id="C", channel="meta_ads")
    rows = wh.rows("SELECT * FROM marts.ltv_cac ORDER BY cohort_month")
    jan, feb = rows
    assert (jan["cohort_month"], jan["channel"], jan["new_customers"]) == (D(2024, 1, 1), "google_ads", 2)
    assert jan["acquisition_cost"] == approx(400) and jan["cac"] == approx(200)      # 400 / 2
    assert jan["revenue_to_date"] == approx(400)                    # 100 + 50 + 50 + 200
    assert jan["ltv"] == approx(200) and jan["ltv_to_cac"] == approx(1.0)            # 400 / 2; 200 / 200
    assert (feb["channel"], feb["new_customers"]) == ("meta_ads", 1)
    assert feb["cac"] == approx(30) and feb["ltv"] == approx(90) and feb["ltv_to_cac"] == approx(3.0)


def test_ltv_cac_follows_first_touch(wh):
    wh.settings(attribution="first_touch", as_of="2024-01-31")
    wh.lead("l1", "2024-01-02", customer_id="A", channel="meta_ads")
    wh.order("a1", "2024-01-10", 120, customer_id="A", channel="google_ads")
    row = wh.one("SELECT * FROM marts.ltv_cac")
    assert (row["channel"], row["new_customers"], row["ltv"]) == ("meta_ads", 1, approx(120))
    assert row["acquisition_cost"] == approx(0) and row["cac"] == approx(0) and row["ltv_to_cac"] is None
