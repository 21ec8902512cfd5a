"""WooCommerce REST API (wc/v3) orders through the real load path, against a local server playing
<site>/wp-json/wc/v3/orders: HTTP Basic with the consumer key and secret (or them as query parameters), the
after/before filter in GMT, page/per_page paging with the X-WP-Total and X-WP-TotalPages headers, refunds with
negative totals, the order attribution meta data of WooCommerce 8.5+ (_wc_order_attribution_*), a 429 and the
{code, message, data.status} error bodies. The order shape follows the WooCommerce REST API docs
(woocommerce.github.io/woocommerce-rest-api-docs, "List all orders") and Airbyte source-woocommerce's recorded
orders response."""
import base64
import datetime as dt
from decimal import Decimal

import pytest

import roi.sources.woocommerce as woocommerce
from roi.pipeline.runs import run_source
from tests.fakeapi import Reply, assert_no_secret_anywhere, query

D = dt.date
WINDOW = (D(2026, 6, 1), D(2026, 6, 10))
KEY, SECRET = "ck_4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "cs_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b"
PATH = "/wp-json/wc/v3/orders"
PAGE = 3                                     # orders a page in these tests: the window's 7 take 3 pages


def meta(**values) -> list[dict]:
    return [{"id": 9000 + i, "key": f"_wc_order_attribution_{k}", "value": v}
            for i, (k, v) in enumerate(values.items())]


def order(number: int, status: str, gmt: str, total: str, tax: str, shipping: str, refunds=(), email=None,
          customer=0, attribution=()) -> dict:
    local = (dt.datetime.fromisoformat(gmt) + dt.timedelta(hours=2)).isoformat()   # the site is in Rome
    return {"id": number, "parent_id": 0, "number": str(number), "status": status, "currency": "EUR",
            "version": "9.4.2", "prices_include_tax": True, "date_created": local, "date_created_gmt": gmt,
            "date_modified": local, "date_modified_gmt": gmt, "discount_total": "0.00", "discount_tax": "0.00",
            "shipping_total": shipping, "shipping_tax": "0.00", "cart_tax": tax, "total": total, "total_tax": tax,
            "customer_id": customer, "order_key": f"wc_order_{number}",
            "billing": {"first_name": "Ada", "last_name": "Rossi", "email": email or "", "phone": "", "city": "Roma"},
            "shipping": {"first_name": "Ada", "last_name": "Rossi", "city": "Roma"},
            "payment_method": "stripe", "date_paid": gmt if status in ("completed", "processing") else None,
            "meta_data": [{"id": 8000, "key": "is_vat_exempt", "value": "no"}, *attribution],
            "line_items": [{"id": 1, "name": "Crema mani", "quantity": 1, "total": total}],
            "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [],
            "refunds": [{"id": number * 10 + i, "reason": "", "total": t} for i, t in enumerate(refunds)],
            "_links": {"self": [{"href": f"https://shop.example.it/wp-json/wc/v3/orders/{number}"}]}}


ORDERS = [
    order(1990, "completed", "2026-05-31T10:00:00", "10.00", "1.80", "0.00"),           # pulled (margin), not loaded
    # completed, a guest (customer 0): net 127 − 22 − 5 = 100, by its UTM
    order(2001, "completed", "2026-06-01T07:14:00", "127.00", "22.00", "5.00", email="Ospite@Example.it",
          attribution=meta(source_type="utm", utm_source="google", utm_medium="cpc", utm_campaign="brand",
                           session_entry="https://shop.example.it/?utm_source=google&utm_medium=cpc")),
    # processing, half refunded (refund totals are negative): (61 − 11) × (1 − 30.50 / 61) = 25
    order(2002, "processing", "2026-06-02T09:00:00", "61.00", "11.00", "0.00", refunds=["-20.00", "-10.50"],
          email="cliente17@example.it", customer=17,
          attribution=meta(source_type="organic", utm_source="google", utm_medium="organic",
                           referrer="https://www.google.com/")),
    order(2003, "on-hold", "2026-06-03T09:00:00", "24.40", "4.40", "0.00", customer=18,   # unpaid: 0
          attribution=meta(source_type="typein", utm_source="(direct)")),
    order(2004, "cancelled", "2026-06-03T10:00:00", "30.00", "5.41", "0.00", email="x@example.it"),
    # 00:30 on 5 June in Rome; no UTM of its own: its entry page's
    order(2005, "completed", "2026-06-04T22:30:00", "50.00", "9.02", "0.00", email="anna@example.it",
          attribution=meta(source_type="referral", referrer="https://www.bing.com/",
                           session_entry="https://shop.example.it/?utm_source=newsletter&utm_medium=email"
                                         "&utm_campaign=giugno")),
    order(2006, "refunded", "2026-06-06T09:00:00", "40.00", "7.21", "0.00", refunds=["-40.00"]),
    order(1980, "completed", "2026-05-20T09:00:00", "70.00", "12.62", "0.00"),          # outside the filter
]


def error(status: int, code: str, message: str, headers=None) -> Reply:
    return Reply(status, {"code": code, "message": message, "data": {"status": status}}, headers or {})


class WooCommerce:
    def __init__(self, api):
        self.api = api
        self.requests: list[dict] = []
        self.paging_headers = True
        api.route("GET", r"/wp-json/.*", lambda req, m: error(
            404, "rest_no_route", "No route was found matching the URL and request method."))
        api.route("GET", PATH, self.orders)

    def orders(self, req, m):
        basic = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        keys = (req.arg("consumer_key"), req.arg("consumer_secret")) == (KEY, SECRET)
        if req.headers.get("authorization") != basic and not keys:
            return error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        self.requests.append({k: v[0] for k, v in req.query.items()})
        assert req.arg("dates_are_gmt") == "true" and req.arg("status") == "any"
        after, before = req.arg("after"), req.arg("before")
        found = sorted((o for o in ORDERS if after < o["date_created_gmt"] < before),
                       key=lambda o: o["date_created_gmt"])
        size, page = int(req.arg("per_page", "10")), int(req.arg("page", "1"))
        assert size <= 100
        pages = -(-len(found) // size)
        if page > max(pages, 1):
            return error(400, "rest_post_invalid_page_number",
                         "The page number requested is larger than the number of pages available.")
        return Reply(200, found[(page - 1) * size:page * size],
                     {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)} if self.paging_headers else {})


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(woocommerce, "PAGE_SIZE", PAGE)


FAKE = WooCommerce
SOURCES = [{"name": "negozio", "kind": "woocommerce", "base_url": "{api}/wp-json/wc/v3/"}]
SECRETS = {"CONSUMER_KEY": KEY, "CONSUMER_SECRET": SECRET}


def load(settings):
    return run_source(settings, settings.source("negozio"), WINDOW, "backfill")


def test_orders_of_the_window_load_with_net_revenue_per_channel(make_settings, server, waits):
    settings = make_settings()
    record = load(settings)
    assert record.status == "succeeded", record.error
    assert [r["page"] for r in server.requests] == ["1", "2", "3"]
    first = server.requests[0]
    assert (first["after"], first["before"], first["per_page"], first["orderby"], first["order"]) == (
        "2026-05-31T00:00:00", "2026-06-12T00:00:00", str(PAGE), "date", "asc")
    got = query(settings, "SELECT order_id, customer_id, order_date, amount, tax, shipping, refunded, paid, "
                          "currency, utm_source, utm_medium, utm_campaign, channel FROM core.orders ORDER BY order_id")
    assert got == [
        ("2001", "ospite@example.it", D(2026, 6, 1), Decimal("127.000000"), Decimal("22.000000"),
         Decimal("5.000000"), Decimal("0E-6"), True, "EUR", "google", "cpc", "brand", "google_ads"),
        ("2002", "cliente17@example.it", D(2026, 6, 2), Decimal("61.000000"), Decimal("11.000000"),
         Decimal("0E-6"), Decimal("30.500000"), True, "EUR", "google", "organic", None, "organic_search"),
        ("2003", "18", D(2026, 6, 3), Decimal("24.400000"), Decimal("4.400000"), Decimal("0E-6"), Decimal("0E-6"),
         False, "EUR", None, None, None, "direct"),
        ("2005", "anna@example.it", D(2026, 6, 5), Decimal("50.000000"), Decimal("9.020000"), Decimal("0E-6"),
         Decimal("0E-6"), True, "EUR", "newsletter", "email", "giugno", "email"),
    ]
    # net revenue per channel, hand-computed: 127 − 22 − 5; (61 − 11) × ½; on-hold 0; 50 − 9.02
    net = query(settings, "SELECT channel, round(sum(amount_net), 2) FROM stg.orders GROUP BY channel ORDER BY 1")
    assert net == [("direct", 0.0), ("email", 40.98), ("google_ads", 100.0), ("organic_search", 25.0)]
    reasons = query(settings, "SELECT reasons FROM ops.quarantine ORDER BY reasons")
    assert reasons == [("order_status: 'cancelled' orders are not revenue",),
                       ("order_status: 'refunded' orders are not revenue",)]
    assert_no_secret_anywhere(settings, record, KEY, SECRET)


def test_a_429_waits_its_retry_after_then_pages_on(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("GET", PATH, error(429, "too_many_requests", "Too many requests.", {"Retry-After": "3"}))
    record = load(settings)
    assert record.status == "succeeded", record.error
    assert waits == [3.0]
    assert query(settings, "SELECT count(*) FROM core.orders")[0] == (4,)


def test_without_paging_headers_pages_are_read_until_one_comes_back_short(make_settings, server, waits):
    settings = make_settings()
    server.paging_headers = False                        # a proxy that drops X-WP-Total and X-WP-TotalPages
    assert load(settings).status == "succeeded"
    assert [r["page"] for r in server.requests] == ["1", "2", "3"]   # 3 + 3 + 1 orders
    assert query(settings, "SELECT count(*) FROM core.orders")[0] == (4,)


def test_refused_keys_fail_in_one_line_naming_the_secrets(make_settings, server, waits):
    settings = make_settings(secrets={"CONSUMER_KEY": KEY, "CONSUMER_SECRET": "cs_wrong00000000"})
    record = load(settings)
    assert record.status == "failed" and "\n" not in record.error
    assert "HTTP 401" in record.error and "Sorry, you cannot list resources." in record.error
    assert "ROI_NEGOZIO__CONSUMER_KEY" in record.error and "query_string_auth" in record.error
    assert "cs_wrong00000000" not in record.error


def test_query_string_auth_sends_the_keys_as_parameters(make_settings, server, waits):
    settings = make_settings(query_string_auth=True)
    record = load(settings)
    assert record.status == "succeeded", record.error
    assert all("authorization" not in r.headers for r in server.api.log)
    assert server.requests[0]["consumer_key"] == KEY
    assert_no_secret_anywhere(settings, record, KEY, SECRET)


def test_a_site_without_the_wc_route_says_what_to_check(make_settings, server, waits):
    settings = make_settings(base_url="{api}/wp-json/wc/v9/")
    record = load(settings)
    assert record.status == "failed" and "\n" not in record.error
    assert "rest_no_route" in record.error and "permalinks" in record.error


def test_the_keys_never_go_over_plain_http(make_settings, server, waits):
    settings = make_settings(base_url=None, site="http://shop.example.it")
    record = load(settings)
    assert record.status == "failed" and "https" in record.error
    assert server.api.count() == 0
