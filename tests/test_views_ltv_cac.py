"""marts.ltv_cac: every channel-month with cost or new customers, cost matched by month, a trailing-window CAC."""
import datetime as dt

from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)

D = dt.date


def data(wh):
    """as_of 15 March 2024, trailing window 60 days.
    google_ads: January spend 300 + agency 100, customers A (100) and B (200); February spend 50, no customer.
    linkedin_ads: February spend 500, no customer; its customer L comes on 2 March (900), when it spends nothing.
    A orders again on 1 March through email (50): LTV of google_ads' January cohort, no email row."""
    wh.settings(as_of="2024-03-15", cac_trailing_days="60")
    wh.ad("2024-01-10", spend=300)
    wh.cost("2024-01-10", 100, cost_type="agency")
    wh.order("a1", "2024-01-10", 100, customer_id="A")
    wh.order("b1", "2024-01-20", 200, customer_id="B")
    wh.ad("2024-02-05", spend=50)
    wh.ad("2024-02-14", platform="linkedin_ads", source="li", spend=500)
    wh.order("l1", "2024-03-02", 900, customer_id="L", channel="linkedin_ads")
    wh.order("a2", "2024-03-01", 50, customer_id="A", channel="email")


def rows(wh):
    found = wh.rows("SELECT * FROM marts.ltv_cac ORDER BY channel, cohort_month")
    return {(r["channel"], r["cohort_month"].month): r for r in found}


def test_a_channel_month_with_cost_and_no_customer_keeps_its_row(wh):
    data(wh)
    by = rows(wh)
    assert list(by) == [("google_ads", 1), ("google_ads", 2), ("linkedin_ads", 2), ("linkedin_ads", 3)]
    jan = by["google_ads", 1]
    assert (jan["new_customers"], jan["acquisition_cost"], jan["cac"]) == (2, approx(400), approx(200))
    assert jan["revenue_to_date"] == approx(350) and jan["ltv"] == approx(175)    # 100 + 50 + 200
    assert jan["ltv_to_cac"] == approx(0.875)                                    # 175 / 200
    for key in (("google_ads", 2), ("linkedin_ads", 2)):
        row = by[key]
        assert row["new_customers"] == 0 and row["revenue_to_date"] == approx(0)
        assert row["cac"] is None and row["ltv"] is None and row["ltv_to_cac"] is None
    assert by["google_ads", 2]["acquisition_cost"] == approx(50)
    assert by["linkedin_ads", 2]["acquisition_cost"] == approx(500)
    march = by["linkedin_ads", 3]                                   # a customer in a month without cost
    assert (march["new_customers"], march["acquisition_cost"], march["cac"]) == (1, approx(0), approx(0))
    assert march["ltv"] == approx(900)


def test_every_cost_is_in_ltv_cac_as_in_channel_monthly(wh):
    data(wh)
    ltv = wh.one("SELECT sum(acquisition_cost) AS cost FROM marts.ltv_cac")["cost"]
    monthly = wh.one("SELECT sum(total_cost) AS cost FROM marts.channel_monthly")["cost"]
    assert ltv == approx(950) and monthly == approx(950)            # 400 + 50 + 500


def test_trailing_cac_spreads_the_cost_of_the_window_over_its_customers(wh):
    data(wh)
    by = rows(wh)
    jan = by["google_ads", 1]                                       # 3 Dec 2023 .. 31 Jan 2024
    assert (jan["trailing_from"], jan["trailing_to"]) == (D(2023, 12, 3), D(2024, 1, 31))
    assert (jan["trailing_cost"], jan["trailing_new_customers"], jan["trailing_cac"]) == (approx(400), 2, approx(200))
    feb = by["google_ads", 2]                                       # 1 Jan .. 29 Feb: 60 days
    assert (feb["trailing_from"], feb["trailing_to"]) == (D(2024, 1, 1), D(2024, 2, 29))
    assert (feb["trailing_cost"], feb["trailing_new_customers"]) == (approx(450), 2)
    assert feb["trailing_cac"] == approx(225)                       # 450 / 2, where the month's cac is NULL
    li_feb = by["linkedin_ads", 2]
    assert li_feb["trailing_new_customers"] == 0 and li_feb["trailing_cac"] is None
    li_mar = by["linkedin_ads", 3]                                  # ends at as_of: 16 Jan .. 15 Mar
    assert (li_mar["trailing_from"], li_mar["trailing_to"]) == (D(2024, 1, 16), D(2024, 3, 15))
    assert li_mar["trailing_cost"] == approx(500) and li_mar["trailing_cac"] == approx(500)   # 500 / 1


def test_trailing_days_default_to_90(wh):
    data(wh)
    wh.con.execute("DELETE FROM ops.settings WHERE key = 'cac_trailing_days'")
    row = rows(wh)["linkedin_ads", 3]
    assert row["trailing_from"] == D(2023, 12, 17)                  # 15 March 2024 - 89 days
