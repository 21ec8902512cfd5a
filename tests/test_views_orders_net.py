"""stg.orders and int.orders_attributed: net vs gross revenue, [kpi] revenue, who is acquired, no-UTM orders credited to the lead."""
import datetime as dt

import duckdb
from pytest import approx

from viewkit import wh  # noqa: F401  (fixture)
from roi.warehouse.build import build

D = dt.date


def money_orders(wh):
    """Orders with tax, shipping, refunds and payment states (EUR unless said)."""
    wh.order("o1", "2024-01-05", 122, tax=22)                                 # VAT included
    wh.order("o2", "2024-01-05", 128.10, tax=23.10, shipping=5)               # goods 100 + shipping 5 + VAT
    wh.order("o3", "2024-01-06", 48.80, tax=8.80, refunded=48.80, paid=True)  # refunded in full
    wh.order("o4", "2024-01-06", 122, tax=22, refunded=61, paid=True)         # half refunded
    wh.order("o5", "2024-01-07", 61, tax=11, paid=False)                      # pending
    wh.order("o6", "2024-01-07", 80)                                          # export says nothing more
    wh.rate("2024-01-01", "USD", 2.0)                                         # 1 EUR = 2 USD
    wh.order("o7", "2024-01-08", 244, tax=44, currency="USD")
    wh.order("o8", "2024-01-09", -50)                                         # a refund row


def test_net_and_gross_amounts(wh):
    money_orders(wh)
    rows = wh.rows("SELECT order_id, amount_net, amount_gross, amount, amount_original, paid "
                   "FROM stg.orders ORDER BY order_id")
    got = {r["order_id"]: (r["amount_net"], r["amount_gross"]) for r in rows}
    assert got == {
        "o1": (approx(100), approx(122)),       # 122 − 22
        "o2": (approx(100), approx(128.10)),    # 128.10 − 23.10 − 5
        "o3": (approx(0), approx(0)),           # its tax went back with the refund: 0, not −8.80
        "o4": (approx(50), approx(61)),         # (122 − 22) × (1 − 61 / 122)
        "o5": (approx(0), approx(0)),           # not paid
        "o6": (approx(80), approx(80)),         # no tax, no shipping, paid unknown = paid
        "o7": (approx(100), approx(122)),       # (244 − 44) / 2 USD per EUR; 244 / 2
        "o8": (approx(-50), approx(-50)),
    }
    by_id = {r["order_id"]: r for r in rows}
    assert [by_id[k]["paid"] for k in ("o5", "o6")] == [False, True]
    assert by_id["o7"]["amount"] == approx(100) and by_id["o7"]["amount_original"] == approx(200)   # net, USD
    total = wh.one("SELECT sum(amount_net) AS net, sum(amount_gross) AS gross, sum(amount) AS amount FROM stg.orders")
    assert total["net"] == approx(380)          # 100 + 100 + 0 + 50 + 0 + 80 + 100 − 50
    assert total["gross"] == approx(463.10)     # 122 + 128.10 + 0 + 61 + 0 + 80 + 122 − 50
    assert total["amount"] == approx(380)       # net is the default


def test_the_revenue_setting_switches_every_view_to_gross(wh):
    money_orders(wh)
    net = wh.one("SELECT revenue FROM marts.channel_monthly WHERE channel = 'google_ads'")
    assert net["revenue"] == approx(380)
    wh.settings(revenue="gross")
    assert wh.one("SELECT sum(amount) AS a FROM int.orders_attributed")["a"] == approx(463.10)
    gross = wh.one("SELECT revenue FROM marts.channel_monthly WHERE channel = 'google_ads'")
    assert gross["revenue"] == approx(463.10)
    o7 = wh.one("SELECT amount, amount_original FROM stg.orders WHERE order_id = 'o7'")
    assert (o7["amount"], o7["amount_original"]) == (approx(122), approx(244))


def test_refunded_or_unpaid_first_orders_do_not_acquire(wh):
    # A: first order refunded in full, flag unknown: the next sale acquires A
    wh.order("a1", "2024-01-05", 50, customer_id="A", refunded=50)
    wh.order("a2", "2024-01-20", 80, customer_id="A")
    # B: the shop flags the pending first order as first and the paid one as returning: the
    # acquisition passes to B's next sale; the one after is a repeat
    wh.order("b1", "2024-01-06", 60, customer_id="B", is_first_order=True, paid=False)
    wh.order("b2", "2024-02-10", 60, customer_id="B", is_first_order=False, paid=True)
    wh.order("b3", "2024-03-01", 60, customer_id="B", is_first_order=False)
    # C: partly refunded: something was kept, C is acquired
    wh.order("c1", "2024-01-07", 100, customer_id="C", is_first_order=True, refunded=40)
    # no customer id: a voided order acquires nobody, a paid one counts
    wh.order("n1", "2024-01-08", 30, paid=False)
    wh.order("n2", "2024-01-08", 30)
    # D never paid: no customer
    wh.order("d1", "2024-01-09", 20, customer_id="D", paid=False)
    wh.order("d2", "2024-01-10", 20, customer_id="D", paid=False, is_first_order=True)
    rows = wh.rows("SELECT order_id, is_sale, is_new_customer FROM int.orders_attributed ORDER BY order_id")
    assert {r["order_id"]: r["is_new_customer"] for r in rows} == {
        "a1": False, "a2": True, "b1": False, "b2": True, "b3": False, "c1": True,
        "n1": False, "n2": True, "d1": False, "d2": False,
    }
    assert [r["order_id"] for r in rows if not r["is_sale"]] == ["a1", "b1", "d1", "d2", "n1"]
    customers = wh.rows("SELECT customer_key, first_order_date FROM int.customers ORDER BY customer_key")
    assert [(c["customer_key"], c["first_order_date"]) for c in customers] == [
        ("A", D(2024, 1, 20)), ("B", D(2024, 2, 10)), ("C", D(2024, 1, 7)), ("order:shop:n2", D(2024, 1, 8)),
    ]
    jan = wh.one("SELECT customers FROM marts.channel_monthly WHERE month = DATE '2024-01-01'")
    assert jan["customers"] == 3                                     # a2, c1, n2


def lead_data(wh):
    # K: organic-search lead, buys without UTM (the shop says direct)
    wh.lead("k1", "2024-01-03", customer_id="K", channel="organic_search")
    wh.order("k_o", "2024-01-10", 100, customer_id="K", channel="direct")
    # M: meta lead, buys through a Google Ads click: the UTM wins
    wh.lead("m1", "2024-01-02", customer_id="M", channel="meta_ads")
    wh.order("m_o", "2024-01-05", 100, customer_id="M", channel="google_ads", utm_source="google", utm_medium="cpc")
    # P: two leads before a referral order without UTM: the latest one before the order
    wh.lead("p1", "2024-01-02", customer_id="P", channel="email")
    wh.lead("p2", "2024-01-08", customer_id="P", channel="google_ads")
    wh.order("p_o", "2024-01-09", 100, customer_id="P", channel="referral")
    # Q: the lead came after the order: it did not bring it
    wh.lead("q1", "2024-01-20", customer_id="Q", channel="meta_ads")
    wh.order("q_o", "2024-01-10", 100, customer_id="Q", channel="direct")
    # R: the order's customer_id is a lead_id
    wh.lead("R9", "2024-01-01", channel="linkedin_ads")
    wh.order("r_o", "2024-01-11", 100, customer_id="R9", channel="direct")
    # S: the file says the order came from the fair: kept
    wh.lead("s1", "2024-01-01", customer_id="S", channel="google_ads")
    wh.order("s_o", "2024-01-12", 100, customer_id="S", channel="events")


def channels_of(wh):
    rows = wh.rows("SELECT order_id, order_channel, lead_channel, channel FROM int.orders_attributed")
    return {r["order_id"]: (r["order_channel"], r["lead_channel"], r["channel"]) for r in rows}


def test_orders_without_utm_are_credited_to_the_customers_lead(wh):
    wh.con.execute("INSERT INTO ops.channels VALUES ('events', 'offline')")
    lead_data(wh)
    assert channels_of(wh) == {
        "k_o": ("direct", "organic_search", "organic_search"),
        "m_o": ("google_ads", None, "google_ads"),
        "p_o": ("referral", "google_ads", "google_ads"),
        "q_o": ("direct", None, "direct"),
        "r_o": ("direct", "linkedin_ads", "linkedin_ads"),
        "s_o": ("events", None, "events"),
    }
    month = {r["channel"]: (r["revenue"], r["customers"])
             for r in wh.rows("SELECT channel, revenue, customers FROM marts.channel_monthly")}
    assert month["organic_search"] == (approx(100), 1)
    assert month["google_ads"] == (approx(200), 2)                  # m_o, p_o
    assert month["direct"] == (approx(100), 1)                      # q_o only
    wh.settings(attribution="first_touch")
    first = {k: v[2] for k, v in channels_of(wh).items()}
    assert first == {"k_o": "organic_search", "m_o": "meta_ads", "p_o": "email", "q_o": "meta_ads",
                     "r_o": "linkedin_ads", "s_o": "google_ads"}


def test_an_existing_warehouse_gains_the_new_order_columns():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute("""CREATE TABLE core.orders (
        source VARCHAR NOT NULL, order_id VARCHAR NOT NULL, customer_id VARCHAR,
        order_date DATE NOT NULL, amount DECIMAL(18, 6) NOT NULL, currency VARCHAR NOT NULL,
        is_first_order BOOLEAN, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR,
        channel VARCHAR NOT NULL, load_id VARCHAR NOT NULL)""")            # as roi made it before net revenue
    con.execute("INSERT INTO core.orders VALUES ('shop', '1', 'A', DATE '2024-01-05', 122, 'EUR', NULL, "
                "NULL, NULL, NULL, 'direct', 'old')")
    build(con)
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_schema = 'core' AND table_name = 'orders'").fetchall()]
    assert columns[-4:] == ["tax", "shipping", "refunded", "paid"]
    # an old row counts as paid with no tax, shipping or refund until its window is loaded again
    assert con.execute("SELECT amount_net, amount_gross FROM stg.orders").fetchone() == (approx(122), approx(122))
    con.close()
