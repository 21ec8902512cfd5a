"""marts.funnel_monthly: cohorts of leads, the close rate, deal sizes from the cohort's own first orders, inclusive cycles."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def funnel(wh, channel):
    return wh.one("SELECT * FROM marts.funnel_monthly WHERE channel = ?", channel)


def cohorts(wh):
    """January 2024. google_ads: 4 leads, 3 won; email: 1 lead won the day it was created."""
    # l1 is customer A (customer_id): its first order came without UTM (direct), a repeat follows
    wh.lead("l1", "2024-01-05", customer_id="A", customer_date="2024-01-15")      # 11 days, inclusive
    wh.order("a1", "2024-01-15", 120, customer_id="A", channel="direct")
    wh.order("a2", "2024-02-10", 999, customer_id="A", channel="google_ads")       # repeat: not the deal
    # l2 has no customer_id: its order's customer_id is the lead_id
    wh.lead("l2", "2024-01-10", customer_date="2024-01-10")                       # same day: 1 day
    wh.order("b1", "2024-01-10", 60, customer_id="l2")
    # l3 won in the CRM, but no order of customer C is loaded: in the close rate, not in the deal size
    wh.lead("l3", "2024-01-12", customer_id="C", customer_date="2024-01-20")      # 9 days
    wh.lead("l4", "2024-01-20", lost_date="2024-01-25")
    # a google_ads order of a customer without a lead in the cohort: not this cohort's deal
    wh.order("z1", "2024-01-20", 5000, customer_id="Z")
    # email: won the same day
    wh.lead("e1", "2024-01-08", channel="email", customer_id="E", customer_date="2024-01-08")
    wh.order("e1", "2024-01-08", 40, customer_id="E", channel="email")


def test_deal_size_comes_from_the_cohorts_won_customers_first_orders(wh):
    cohorts(wh)
    row = funnel(wh, "google_ads")
    assert row["month"] == D(2024, 1, 1)
    assert (row["leads"], row["customers"], row["lost"]) == (4, 3, 1)
    assert row["lead_to_customer_rate"] == approx(0.75)             # 3 / 4
    assert (row["deals"], row["deal_revenue"]) == (2, approx(180))  # 120 (A) + 60 (l2); C has no order
    assert row["avg_deal_size"] == approx(90)                       # 180 / 2, not 5000's month average
    assert row["sales_cycle_days"] == approx(7)                     # (11 + 1 + 9) / 3
    assert row["sales_velocity"] == approx(4 * 0.75 * 90 / 7)       # 38.57 per day


def test_a_same_day_close_is_one_day_and_keeps_velocity(wh):
    cohorts(wh)
    row = funnel(wh, "email")
    assert (row["leads"], row["customers"], row["deals"]) == (1, 1, 1)
    assert row["lead_to_customer_rate"] == approx(1.0)
    assert row["sales_cycle_days"] == approx(1.0)                   # 8 Jan -> 8 Jan, inclusive
    assert row["avg_deal_size"] == approx(40)
    assert row["sales_velocity"] == approx(40)                      # 1 x 1 x 40 / 1


def test_the_customers_acquisition_order_is_the_deal_even_when_flagged_later(wh):
    # the shop says the first order of W is w2 (w1 was a sample at 0 and is flagged a repeat)
    wh.lead("w", "2024-03-01", customer_id="W", customer_date="2024-03-04")       # 4 days
    wh.order("w1", "2024-03-02", 0, customer_id="W", is_first_order=False)
    wh.order("w2", "2024-03-04", 250, customer_id="W", is_first_order=True)
    row = funnel(wh, "google_ads")
    assert (row["deals"], row["avg_deal_size"]) == (1, approx(250))
    assert row["sales_cycle_days"] == approx(4)
    assert row["sales_velocity"] == approx(1 * 1.0 * 250 / 4)


def test_a_cohort_without_customers_has_no_deal_size_cycle_or_velocity(wh):
    wh.lead("m1", "2024-01-25", channel="meta_ads")
    row = funnel(wh, "meta_ads")
    assert (row["customers"], row["deals"], row["deal_revenue"]) == (0, 0, approx(0))
    assert row["lead_to_customer_rate"] == approx(0)
    assert row["avg_deal_size"] is None and row["sales_cycle_days"] is None and row["sales_velocity"] is None
