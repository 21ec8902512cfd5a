"""Shopify Admin GraphQL API orders through the real load path, against a local server playing
<shop>.myshopify.com/admin/api/<version>/graphql.json: cursor paging (pageInfo.hasNextPage / endCursor), the
`created_at` search filter, MoneyBag totals in shop money, the customer journey's first and last visits, the
cost block of every answer (extensions.cost.throttleStatus), THROTTLED and ACCESS_DENIED errors in 200 answers
and a 401 for a bad token. The shapes follow shopify.dev's Order, CustomerJourneySummary and CustomerVisit
objects (API 2025-10) and its "GraphQL Admin API rate limits" page."""
import datetime as dt
import re
from decimal import Decimal

import polars as pl
import pytest

import roi.sources.shopify as shopify
from roi.contracts.settings import SourceConfig
from roi.pipeline.runs import run_source
from roi.transforms.context import SourceContext
from tests.fakeapi import Reply, assert_no_secret_anywhere, query

D = dt.date
WINDOW = (D(2026, 6, 1), D(2026, 6, 10))
TOKEN = "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"
PATH = "/admin/api/2025-10/graphql.json"
PAGE = 3                                     # orders a page in these tests: the window's 8 take 3 pages


def money(amount: str) -> dict:
    return {"shopMoney": {"amount": amount, "currencyCode": "EUR"}}


def visit(source=None, medium=None, campaign=None, landing="https://bottega.example/", referrer=None,
          kind="DIRECT", origin="direct") -> dict:
    utm = None if source is None else {"source": source, "medium": medium, "campaign": campaign, "content": None,
                                       "term": None}
    return {"source": origin, "sourceType": kind, "landingPage": landing, "referrerUrl": referrer,
            "utmParameters": utm}


def order(number: int, created: str, total: str, tax: str, shipping: str, refunded: str = "0.0",
          status: str = "PAID", email=None, customer=None, first=None, last=None, cancelled=None, test=False):
    return {"id": f"gid://shopify/Order/{5550000 + number}", "name": f"#{number}", "email": email,
            "createdAt": created, "processedAt": created, "cancelledAt": cancelled, "test": test,
            "currencyCode": "EUR", "displayFinancialStatus": status,
            "totalPriceSet": money(total), "subtotalPriceSet": money(total), "totalTaxSet": money(tax),
            "totalShippingPriceSet": money(shipping), "totalRefundedSet": money(refunded),
            "customer": None if customer is None else {"id": f"gid://shopify/Customer/{customer}",
                                                       "numberOfOrders": "2"},
            "customerJourneySummary": None if first is None and last is None else
            {"firstVisit": first, "lastVisit": last}}


ORDERS = [
    order(999, "2026-05-31T10:00:00Z", "10.00", "0.0", "0.0"),                        # pulled (margin), not loaded
    # paid, tax and shipping: net 127 − 22 − 5 = 100; last visit's UTM
    order(1001, "2026-06-01T08:00:00Z", "127.00", "22.00", "5.00", email="Giulia.Bianchi@Example.it",
          first=visit("facebook", "paid", "spring"), last=visit("google", "cpc", "brand")),
    # half refunded: net (61 − 11) × (1 − 30.50 / 61) = 25; no last visit: the first one's UTM
    order(1002, "2026-06-02T10:00:00Z", "61.00", "11.00", "0.0", "30.50", "PARTIALLY_REFUNDED", customer=77,
          first=visit("facebook", "paid", "spring")),
    # the last visit has no UTM but its landing page has; 23:30 in Rome
    order(1003, "2026-06-03T21:30:00Z", "50.00", "9.02", "0.0", email="anna@example.it",
          first=visit("facebook", "paid", "spring"),
          last=visit(landing="https://bottega.example/collections/estate?utm_source=newsletter&utm_medium=email"
                             "&utm_campaign=giugno")),
    # 01:30 on 5 June in Rome; a visit from Google search without UTM: its referrer
    order(1004, "2026-06-04T23:30:00Z", "24.40", "4.40", "0.0", email="marco@example.it",
          last=visit(referrer="https://www.google.com/", kind="SEARCH", origin="google")),
    order(1005, "2026-06-06T09:00:00Z", "80.00", "14.43", "0.0", status="PENDING"),     # loaded unpaid: 0
    order(1006, "2026-06-07T09:00:00Z", "30.00", "5.41", "0.0", status="VOIDED", cancelled="2026-06-07T10:00:00Z"),
    order(1007, "2026-06-08T09:00:00Z", "99.00", "17.85", "0.0", test=True),
    order(1008, "2026-05-20T09:00:00Z", "70.00", "12.62", "0.0"),                       # outside the search
]
COST = {"requestedQueryCost": 52, "actualQueryCost": 40}


class Shopify:
    def __init__(self, api):
        self.api = api
        self.bodies: list[dict] = []
        self.available = 1000.0              # what the bucket holds after each answer
        self.denied = False
        api.route("POST", re.escape(PATH), self.graphql)

    def cost(self, available: float, actual=40) -> dict:
        return {"cost": {**COST, "actualQueryCost": actual, "throttleStatus": {
            "maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0}}}

    def graphql(self, req, m):
        if req.headers.get("x-shopify-access-token") != TOKEN:
            return Reply(401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                         "password)"})
        body = req.json()
        self.bodies.append(body)
        if self.denied:
            return Reply(200, {"data": {"orders": None}, "errors": [{
                "message": "Access denied for orders field. Required access: `read_orders` access scope.",
                "locations": [{"line": 2, "column": 3}], "path": ["orders"],
                "extensions": {"code": "ACCESS_DENIED",
                               "documentation": "https://shopify.dev/api/usage/access-scopes"}}],
                "extensions": self.cost(self.available, actual=1)})
        variables = body["variables"]
        low, high = re.fullmatch(r"created_at:>='(\S+)' AND created_at:<'(\S+)'", variables["query"]).groups()
        found = sorted((o for o in ORDERS if low <= o["createdAt"] < high), key=lambda o: o["createdAt"])
        start = int(variables["after"].removeprefix("cursor-")) if variables["after"] else 0
        nodes = found[start:start + variables["first"]]
        more = start + len(nodes) < len(found)
        return Reply(200, {"data": {"orders": {
            "pageInfo": {"hasNextPage": more, "endCursor": f"cursor-{start + len(nodes)}" if nodes else None},
            "nodes": nodes}}, "extensions": self.cost(self.available)})


def throttled(available: float) -> Reply:
    return Reply(200, {"errors": [{"message": "Throttled", "extensions": {
        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {"requestedQueryCost": 52, "actualQueryCost": None, "throttleStatus": {
            "maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0}}}})


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(shopify, "PAGE_SIZE", PAGE)


FAKE = Shopify
SOURCES = [{"name": "shop", "kind": "shopify", "base_url": "{api}/"}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


def load(settings):
    return run_source(settings, settings.source("shop"), WINDOW, "backfill")


def test_orders_of_the_window_load_with_net_revenue_per_channel(make_settings, server, waits):
    settings = make_settings()
    record = load(settings)
    assert record.status == "succeeded", record.error
    assert [b["variables"]["after"] for b in server.bodies] == [None, "cursor-3", "cursor-6"]
    assert server.bodies[0]["variables"]["first"] == PAGE
    assert server.bodies[0]["variables"]["query"] == \
        "created_at:>='2026-05-31T00:00:00Z' AND created_at:<'2026-06-12T00:00:00Z'"
    assert "sortKey: CREATED_AT" in server.bodies[0]["query"]
    assert waits == []                                   # the bucket always held the next query's cost
    got = query(settings, "SELECT order_id, customer_id, order_date, amount, tax, shipping, refunded, paid, "
                          "currency, is_first_order, utm_source, utm_medium, utm_campaign, channel "
                          "FROM core.orders ORDER BY order_id")
    assert got == [
        ("#1001", "giulia.bianchi@example.it", D(2026, 6, 1), Decimal("127.000000"), Decimal("22.000000"),
         Decimal("5.000000"), Decimal("0E-6"), True, "EUR", None, "google", "cpc", "brand", "google_ads"),
        ("#1002", "77", D(2026, 6, 2), Decimal("61.000000"), Decimal("11.000000"), Decimal("0E-6"),
         Decimal("30.500000"), True, "EUR", None, "facebook", "paid", "spring", "meta_ads"),
        ("#1003", "anna@example.it", D(2026, 6, 3), Decimal("50.000000"), Decimal("9.020000"), Decimal("0E-6"),
         Decimal("0E-6"), True, "EUR", None, "newsletter", "email", "giugno", "email"),
        ("#1004", "marco@example.it", D(2026, 6, 5), Decimal("24.400000"), Decimal("4.400000"), Decimal("0E-6"),
         Decimal("0E-6"), True, "EUR", None, None, None, None, "organic_search"),
        ("#1005", None, D(2026, 6, 6), Decimal("80.000000"), Decimal("14.430000"), Decimal("0E-6"),
         Decimal("0E-6"), False, "EUR", None, None, None, None, "direct"),
    ]
    # net revenue per channel, hand-computed: 127 − 22 − 5; (61 − 11) × ½; 50 − 9.02; 24.40 − 4.40; unpaid 0
    net = query(settings, "SELECT channel, round(sum(amount_net), 2) FROM stg.orders GROUP BY channel ORDER BY 1")
    assert net == [("direct", 0.0), ("email", 40.98), ("google_ads", 100.0), ("meta_ads", 25.0),
                   ("organic_search", 20.0)]
    # cancelled and test orders are no revenue: kept in quarantine with the reason
    reasons = query(settings, "SELECT reasons FROM ops.quarantine ORDER BY reasons")
    assert reasons == [("order_status: 'cancelled' orders are not revenue",),
                       ("order_status: 'test' orders are not revenue",)]
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_visit_first_names_the_channel_by_the_journey_s_first_visit(make_settings, server, waits):
    settings = make_settings(visit="first")
    assert load(settings).status == "succeeded"
    got = query(settings, "SELECT order_id, channel FROM core.orders WHERE order_id IN ('#1001', '#1003') "
                          "ORDER BY 1")
    assert got == [("#1001", "meta_ads"), ("#1003", "meta_ads")]


def test_a_throttled_answer_waits_what_the_cost_block_says_then_retries(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", PATH, throttled(available=40.0))
    record = load(settings)
    assert record.status == "succeeded", record.error
    assert waits == [pytest.approx((52 - 40) / 100.0)]   # (requested − available) / restore rate
    assert server.api.count("POST", re.escape(PATH)) == 4
    assert query(settings, "SELECT count(*) FROM core.orders")[0] == (5,)


def test_pages_wait_for_the_bucket_to_hold_the_next_query(make_settings, server, waits):
    settings = make_settings()
    server.available = 12.0                              # each answer leaves 12 points; a query asks 52
    assert load(settings).status == "succeeded"
    assert waits == [pytest.approx(0.4), pytest.approx(0.4)]   # (52 − 12) / 100 before pages 2 and 3


def test_access_denied_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings()
    assert load(settings).status == "succeeded"
    before = query(settings, "SELECT * FROM core.orders ORDER BY ALL")
    server.denied = True
    record = load(settings)
    assert record.status == "failed" and "\n" not in record.error
    assert "ACCESS_DENIED" in record.error and "read_orders" in record.error
    assert "ROI_SHOP__ACCESS_TOKEN" in record.error
    assert query(settings, "SELECT * FROM core.orders ORDER BY ALL") == before


def test_a_refused_token_names_the_secret(make_settings, server, waits):
    settings = make_settings(secrets={"ACCESS_TOKEN": "shpat_wrong0000"})
    record = load(settings)
    assert record.status == "failed" and "\n" not in record.error
    assert "HTTP 401" in record.error and "ROI_SHOP__ACCESS_TOKEN" in record.error
    assert "shpat_wrong0000" not in record.error


def test_a_bad_visit_option_fails_before_any_call(make_settings, server, waits):
    record = load(make_settings(visit="middle"))
    assert record.status == "failed" and "visit" in record.error and "middle" in record.error
    assert server.api.count() == 0


def test_the_shop_option_names_the_myshopify_domain():
    def url(**options):
        return shopify._base_url(SourceConfig(name="shop", kind="shopify", mode="api", options=options))
    assert url(shop="bottega-verde") == "https://bottega-verde.myshopify.com/"
    assert url(shop="https://Bottega-Verde.myshopify.com/admin") == "https://bottega-verde.myshopify.com/"


def test_normalise_api_reads_a_missing_journey_and_an_unreadable_date():
    records = pl.DataFrame({"id": ["gid://shopify/Order/1", "gid://shopify/Order/2"], "name": ["#1", "#2"],
                            "createdAt": ["2026-06-01T10:00:00Z", "ieri"], "totalPriceSet.shopMoney.amount":
                            ["10.0", "5.0"], "displayFinancialStatus": ["PAID", "PAID"], "_row": [1, 2]})
    from roi.transforms.shopify import normalise_api
    out = normalise_api(records, SourceContext(source="shop", kind="shopify")).frame
    assert out.select("order_id", "order_date", "amount", "currency", "paid", "channel").rows() == [
        ("#1", D(2026, 6, 1), 10.0, "EUR", True, "direct"), ("#2", None, 5.0, "EUR", True, "direct")]
    assert out["_errors"].to_list()[0] == [] and "ieri" in out["_errors"].to_list()[1][0]
