"""Orders: Shopify, WooCommerce, Salesforce opportunities and Italian sheets become core.orders rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from pytest import approx

from roi import schemas
from roi.sources.files import read_export
from roi.contracts.raw import RawTable
from roi.transforms import orders
from roi.transforms.channels import BUILTIN_CHANNELS
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "orders"
D = dt.date
COLS = ["order_id", "customer_id", "order_date", "amount", "currency", "is_first_order",
        "utm_source", "utm_medium", "utm_campaign", "channel", "_row", "_errors"]
MONEY = ["amount", "tax", "shipping", "refunded", "paid"]


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
        ("#1002", "luca@example.it", D(2026, 6, 2), 48.80, "EUR", None, None, None, None, "direct", 4, []),
        # "1,200.00"; UTM from the landing site ('+' is a space)
        ("#1003", "anna@example.it", D(2026, 6, 3), 1200.0, "EUR", None,
         "google", "cpc", "divani estate", "google_ads", 5, []),
        ("#1004", None, D(2026, 6, 4), 10.0, "EUR", None, None, None, None, "direct", 8, []),
        # UTM from "Note Attributes" lines
        ("#1005", "marta@example.it", D(2026, 6, 5), 30.50, "EUR", None,
         "newsletter", "email", "giugno", "email", 9, []),
        ("#1006", "paolo@example.it", D(2026, 6, 6), 66.98, "EUR", None, None, None, None, "direct", 10, []),
    ]
    assert result.warnings == ["3 line-item rows merged into their orders (one row per order)"]


def test_shopify_money_parts_and_financial_status():
    frame = run("shopify_orders.csv").frame
    assert frame.select("order_id", *MONEY).rows() == [
        ("#1001", 102.60, 17.60, 5.00, 0.0, True),     # paid: Taxes and Shipping as exported
        ("#1002", 48.80, 8.80, 0.0, 48.80, True),      # refunded: paid, Refunded Amount = Total
        ("#1003", 1200.0, 0.0, 0.0, 200.0, True),      # partially_refunded
        ("#1004", 10.0, 0.0, 0.0, 0.0, False),         # voided: never captured
        ("#1005", 30.50, 5.50, 0.0, 0.0, True),
        ("#1006", 66.98, 12.08, 4.90, 0.0, False),     # pending: loaded, not paid
    ]


def test_woocommerce_cancelled_orders_are_kept_but_flagged():
    result = run("woocommerce_ordini.csv")
    assert_contract(result.frame)
    got = {r[0]: r for r in result.frame.select(COLS).rows()}
    assert list(got) == ["2001", "2002", "2003", "2004", "2005", "2006"]
    assert got["2001"][1:4] == ("ospite@example.it", D(2026, 6, 10), 59.90)   # guest: Customer ID 0
    assert got["2002"][3] == 1049.00                                           # "1.049,00"
    assert [got[k][9] for k in got] == ["google_ads", "organic_search", "direct", "referral", "direct", "direct"]
    assert got["2003"][-1] == ["order_status: 'cancelled' orders are not revenue"]
    assert got["2004"][3:5] == (35.50, "EUR") and got["2004"][-2] == 5      # duplicate line merged
    assert got["2005"][6:10] == (None, None, None, "direct")                  # "(direct)" / typein: no UTM
    assert [got[k][-1] for k in ("2001", "2002", "2004", "2005", "2006")] == [[], [], [], [], []]


def test_woocommerce_taxes_shipping_refunds_and_unpaid_statuses():
    frame = run("woocommerce_ordini.csv").frame.filter(pl.col("_errors").list.len() == 0)
    assert frame.select("order_id", *MONEY).rows() == [
        ("2001", 59.90, approx(10.70), 4.10, 0.0, True),    # Cart Tax 9,80 + Order Shipping Tax 0,90
        ("2002", 1049.00, 189.16, 0.0, 0.0, True),          # processing
        ("2004", 35.50, 6.40, 0.0, 7.10, True),             # refund written "-7,10"
        ("2005", 80.00, 14.43, 0.0, 0.0, False),            # wc-pending: awaiting payment
        ("2006", 24.40, 4.40, 0.0, None, False),            # on-hold; no refund amount
    ]


def test_italian_export_with_iva_spedizione_and_states():
    frame = run("ordini_iva.csv").frame
    assert_contract(frame)
    assert frame.select("order_id", "order_date", *MONEY, "_errors").rows() == [
        ("1001", D(2026, 9, 3), 1220.0, 220.0, 0.0, 0.0, True, []),      # "1.220,00", Completato
        ("1002", D(2026, 9, 4), 61.0, 11.0, 5.0, None, False, []),       # In attesa di pagamento
        ("1003", D(2026, 9, 5), 30.5, 5.5, 0.0, 0.0, None,
         ["order_status: 'Annullato' orders are not revenue"]),
        ("1004", D(2026, 9, 6), 128.10, 23.10, 5.0, 48.80, True, []),
    ]


def test_canonical_columns_and_an_iva_column_of_rates():
    rows = pl.DataFrame({
        "order_id": ["1", "2", "3"], "order_date": ["2026-06-01"] * 3, "amount": ["122.00", "61.00", "10.00"],
        "tax": ["22.00", "11.00", ""], "shipping": ["", "5.00", ""], "refunded": ["", "", "10.00"],
        "status": ["paid", "pending", "partially_refunded"], "_row": [2, 3, 4],
    }).with_columns(pl.col("_row").cast(pl.Int64))
    frame = orders.normalise(RawTable(Path("o.csv"), rows, rows.clear()), ctx()).frame
    assert frame.select("order_id", *MONEY, "_errors").rows() == [
        ("1", 122.0, 22.0, None, None, True, []),
        ("2", 61.0, 11.0, 5.0, None, False, []),
        ("3", 10.0, None, None, 10.0, True, []),
    ]
    rates = pl.DataFrame({"Numero ordine": ["1"], "Data": ["01/06/2026"], "Totale": ["122,00"], "IVA": ["22%"],
                          "_row": [2]}).with_columns(pl.col("_row").cast(pl.Int64))
    result = orders.normalise(RawTable(Path("o.csv"), rates, rates.clear()), ctx())
    assert result.frame.select("amount", "tax", "_errors").row(0) == (122.0, None, [])
    assert result.warnings == ["column 'IVA' holds tax rates ('22%'), not amounts: tax not read — map the tax "
                               "amount column under columns.tax in roi.toml"]


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
    assert frame["paid"].to_list() == [True, True, None, None]     # won deals are paid; tax and shipping unknown
    assert frame["tax"].null_count() == frame["shipping"].null_count() == 4


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


def test_hubspot_deals_are_paid_with_no_tax_or_shipping_part():
    records = pl.DataFrame({"id": ["9"], "amount": ["1500"], "closedate": ["2026-06-01T10:00:00Z"],
                            "contact.email": ["A@x.it"], "_row": [1]})
    frame = orders.normalise_api(records, ctx(timezone="Europe/Rome")).frame
    assert frame.select("order_id", *MONEY, "_errors").rows() == [("9", 1500.0, None, None, None, True, [])]
