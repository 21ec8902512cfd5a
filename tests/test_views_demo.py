"""The bundled demo through every mart: close rates are rates, LTV:CAC holds every cost, goals at their deadline are judged."""
import duckdb
import pytest
from pytest import approx


RATE_VIEWS = ["channel_daily", "channel_monthly", "kpi_summary", "funnel_monthly"]


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    """The session's demo warehouse (tests/conftest.py), read-only."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()


def rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.mark.parametrize("view", RATE_VIEWS)
def test_no_close_rate_is_above_one(demo, view):
    above = rows(demo, f"SELECT * FROM marts.{view} WHERE lead_to_customer_rate > 1")
    assert above == []


def test_the_close_rate_is_converted_leads_over_leads(demo):
    # email in October: 10 leads, 9 of them became customers (while 50-odd first orders carry its UTM)
    email = rows(demo, "SELECT * FROM marts.channel_monthly WHERE channel = 'email' AND month = DATE '2026-10-01'")[0]
    assert (email["leads"], email["converted_leads"]) == (10, 9)
    assert email["lead_to_customer_rate"] == approx(0.9)
    assert email["customers"] > email["leads"]
    funnel = rows(demo, "SELECT * FROM marts.funnel_monthly WHERE channel = 'email' AND month = DATE '2026-10-01'")[0]
    assert funnel["lead_to_customer_rate"] == approx(0.9)


def test_every_won_cohort_with_deals_has_a_velocity(demo):
    missing = rows(demo, "SELECT month, channel FROM marts.funnel_monthly "
                         "WHERE deals > 0 AND (sales_cycle_days IS NULL OR sales_cycle_days < 1 "
                         "OR sales_velocity IS NULL)")
    assert missing == []


def test_ltv_cac_holds_every_cost_of_channel_monthly(demo):
    ltv = rows(demo, "SELECT sum(acquisition_cost) AS cost FROM marts.ltv_cac")[0]["cost"]
    monthly = rows(demo, "SELECT sum(total_cost) AS cost FROM marts.channel_monthly "
                         "WHERE month IN (SELECT DISTINCT cohort_month FROM marts.ltv_cac)")[0]["cost"]
    assert ltv == approx(monthly)
    costly = rows(demo, "SELECT month, channel FROM marts.channel_monthly WHERE total_cost <> 0 "
                        "EXCEPT SELECT cohort_month, channel FROM marts.ltv_cac")
    assert costly == []                                             # no channel-month with cost is left out
    # LinkedIn's B2B leads close months after the clicks: August has cost and no customer
    empty = rows(demo, "SELECT * FROM marts.ltv_cac WHERE new_customers = 0")
    assert "linkedin_ads" in {r["channel"] for r in empty}
    assert all(r["acquisition_cost"] > 0 and r["cac"] is None and r["ltv"] is None for r in empty)


def test_a_goal_at_its_deadline_is_achieved_or_missed(demo):
    due = rows(demo, "SELECT goal_id, status FROM marts.goal_progress WHERE days_left = 0")
    assert due and all(r["status"] in ("achieved", "missed") for r in due), due


def test_the_conversion_gap_of_pinterest_in_october_by_hand(demo):
    """The demo's files read with the csv module alone: what Pinterest claims, what GA4 saw of its sessions,
    what the shop sold with its UTM (paid, not refunded in full; total less refunds)."""
    import csv
    from pathlib import Path
    from urllib.parse import parse_qs, urlsplit
    from roi.samples.generate import DEMO_DIR

    def rows(path: Path, delimiter=",", skip=0):
        lines = path.read_text("utf-8-sig").splitlines()[skip:]
        return list(csv.DictReader(lines, delimiter=delimiter))

    def it(text: str) -> float:
        return float(text.replace(".", "").replace(",", "."))

    [pins] = (DEMO_DIR / "pinterest_ads").iterdir()
    claimed = sum(int(r["Conversioni totali (Checkout)"]) for r in rows(pins, ";", 1) if r["Data"][3:] == "10/2026")
    claimed_value = sum(it(r["Valore totale dell'ordine (Checkout)"]) for r in rows(pins, ";", 1)
                        if r["Data"][3:] == "10/2026")
    [ga4] = (DEMO_DIR / "ga4").iterdir()
    seen = [r for r in rows(ga4, ",", 9)
            if r["Data"].startswith("202610") and r["Sorgente/mezzo della sessione"] == "pinterest / paid_social"]
    key_events = sum(int(r["Eventi chiave"]) for r in seen)
    site_revenue = sum(it(r["Entrate totali"]) for r in seen)
    orders = revenue = 0
    for r in rows(DEMO_DIR / "orders" / "shopify_orders_export.csv"):
        source = parse_qs(urlsplit(r["Landing Site"]).query).get("utm_source", [""])[0]
        if (r["Total"] and source == "pinterest" and r["Created at"].startswith("2026-10")
                and r["Financial Status"] in ("paid", "partially_refunded")):
            orders += 1
            revenue += float(r["Total"]) - float(r["Refunded Amount"] or 0)
    gap = rows_of(demo, "SELECT * FROM marts.conversion_gap WHERE channel = 'pinterest_ads' AND month = '2026-10-01'")
    [row] = gap
    assert claimed > key_events > 0 and orders > 0
    assert row["platform_conversions"] == approx(claimed) and row["platform_value"] == approx(claimed_value)
    assert row["site_key_events"] == approx(key_events) and row["site_revenue"] == approx(site_revenue)
    assert (row["orders"], row["order_revenue"]) == (orders, approx(revenue))
    assert row["conversions_vs_site"] == approx(claimed / key_events)
    assert row["conversions_vs_orders"] == approx(claimed / orders)
    assert row["has_site_data"]


rows_of = rows
