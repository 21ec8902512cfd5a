"""Orders: Shopify, WooCommerce, Salesforce opportunities and Italian sheets become core.orders rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import schemas
from sources.files import read_export
from sources.raw import RawTable
from transforms import orders
from transforms.channels import BUILTIN_CHANNELS
from transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "orders"
D = dt.date
COLS = ["order_id", "customer_id", "order_date", "amount", "currency", "is_first_order",
        "utm_source", "utm_medium", "utm_campaign", "channel", "_row", "_errors"]


def ctx(**kw) -> SourceContext:
    return SourceContext(**{"source": "shop", "kind": "orders", "channels": BUILTIN_CHANNELS + ("events",), **kw})


def run(name: str, **kw):
    return orders.normalise(read_export(FIXTURES / name), ctx(**kw))


def assert_contract(frame: pl.DataFrame) -> None:
    assert frame.columns == schemas.columns("orders") + ["_row", "_errors"]
    assert frame["source"].unique().to_list() == ["shop"]
    clean = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["orders"].validate(clean)


def test_shopify_line_items_collapse_into_orders():
    result = run("shopify_orders.csv")
    assert_contract(result.frame)
    assert result.frame.select(COLS).rows() == [
        ("#1001", "giulia.bianchi@example.it", D(2026, 6, 1), 102.60, "EUR", None,
         "facebook", "paid", "estate 2026", "meta_ads", 2, []),
        # fully refunded: 48.80 − 48.80
        ("#1002", "luca@example.it", D(2026, 6, 2), 0.0, "EUR", None, None, None, None, "direct", 4, []),
        # "1,200.00" − 200.00 refunded; UTM from the landing site ('+' is a space)
        ("#1003", "anna@example.it", D(2026, 6, 3), 1000.0, "EUR", None,
         "google", "cpc", "divani estate", "google_ads", 5, []),
        # voided: nothing was captured
        ("#1004", None, D(2026, 6, 4), 0.0, "EUR", None, None, None, None, "direct", 8, []),
        # UTM from "Note Attributes" lines
        ("#1005", "marta@example.it", D(2026, 6, 5), 30.50, "EUR", None,
         "newsletter", "email", "giugno", "email", 9, []),
    ]
    assert result.warnings == ["3 line-item rows merged into their orders (one row per order)"]


def test_woocommerce_cancelled_orders_are_kept_but_flagged():
    result = run("woocommerce_ordini.csv")
    assert_contract(result.frame)
    got = {r[0]: r for r in result.frame.select(COLS).rows()}
    assert list(got) == ["2001", "2002", "2003", "2004"]
    assert got["2001"][1:4] == ("ospite@example.it", D(2026, 6, 10), 59.90)   # guest: Customer ID 0
    assert got["2002"][3] == 1049.00                                           # "1.049,00"
    assert [got[k][9] for k in got] == ["google_ads", "organic_search", "direct", "referral"]
    assert got["2003"][-1] == ["order_status: 'cancelled' orders are not revenue"]
    assert got["2004"][3:5] == (35.50, "EUR") and got["2004"][-2] == 5      # duplicate line merged
    assert [got[k][-1] for k in ("2001", "2002", "2004")] == [[], [], []]


def test_salesforce_opportunities_only_closed_won_is_revenue():
    frame = run("salesforce_opportunities.csv").frame
    assert_contract(frame)
    got = frame.select("order_id", "customer_id", "order_date", "amount", "currency", "is_first_order",
                       "channel", "_errors").rows()
    assert got == [
        ("0065g00000XyZaA", "0015g00000AaAaA", D(2026, 6, 30), 12000.0, "EUR", True, "direct", []),
        ("0065g00000XyZaB", "0015g00000BbBbB", D(2026, 6, 15), 3500.50, "USD", False, "referral", []),
        ("0065g00000XyZaC", "Gamma", D(2026, 7, 20), 8000.0, "EUR", True, "events",
         ["stage: 'Prospecting' opportunities are not revenue (only Closed Won)"]),
        ("0065g00000XyZaD", "0015g00000DdDdD", D(2026, 6, 18), 5000.0, "EUR", True, "direct",
         ["stage: 'Closed Lost' opportunities are not revenue (only Closed Won)"]),
    ]


def test_italian_sheet_with_default_currency_and_refund_row():
    frame = run("ordini.csv", currency="CHF").frame
    assert_contract(frame)
    assert frame.select(COLS).rows() == [
        ("A-1", "mario@esempio.it", D(2026, 6, 1), 1250.0, "CHF", True, "google", "cpc", "brand",
         "google_ads", 2, []),
        ("A-2", "mario@esempio.it", D(2026, 6, 2), -50.0, "EUR", False, None, None, None, "google_ads", 3, []),
        ("A-3", "c-77", D(2026, 6, 3), None, "EUR", None, None, None, None, "events", 4,
         ["amount: 'abc' is not a number"]),
        ("A-4", "c-78", None, 99.0, "USD", None, None, None, None, "direct", 5,
         ["order_date: missing", "is_first_order: 'forse' is not yes/no"]),
    ]


def test_currency_written_in_the_amount_header():
    rows = pl.DataFrame({"Order ID": ["1"], "Order Date": ["2026-06-01"], "Order Total (USD)": ["10.5"],
                         "_row": [2]}).with_columns(pl.col("_row").cast(pl.Int64))
    frame = orders.normalise(RawTable(Path("o.csv"), rows, rows.clear()), ctx()).frame
    assert frame.select("amount", "currency").row(0) == (10.5, "USD")


def test_file_without_an_amount_column_fails_with_one_line():
    rows = pl.DataFrame({"Order ID": ["1"], "Order Date": ["2026-06-01"], "_row": [2]})
    with pytest.raises(ValueError, match=r"o.csv: no amount column .* columns.amount"):
        orders.normalise(RawTable(Path("o.csv"), rows, rows.clear()), ctx())
