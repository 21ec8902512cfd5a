"""Shopify orders -> core.orders: the admin's orders CSV export (read as kind `orders` reads it) and the
Admin GraphQL API's orders (roi.sources.shopify)."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import orders
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.hubspot_email import column, hubspot_datetime

TABLE = "orders"
# API mode: shop = "bottega-verde" (or "bottega-verde.myshopify.com"); visit = "last" (default) or
# "first": the visit of the order's customer journey whose UTM, landing page and referrer name its channel.
OPTIONS = ("shop", "visit")
VISITS = {"last": ("lastVisit", "firstVisit"), "first": ("firstVisit", "lastVisit")}
MONEY = {"amount": "totalPriceSet", "tax": "totalTaxSet", "shipping": "totalShippingPriceSet",
         "refunded": "totalRefundedSet"}


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """The Shopify orders export (Orders › Export, one row per line item) exactly as kind `orders` reads it."""
    return orders.normalise(raw, ctx)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Orders as roi.sources.shopify.fetch returns them (one row per order, nested fields as dotted names)
    -> core.orders, by the rules of the CSV export (transforms/orders.py):

    order_id is the order's name ("#1001", as the export's Name), order_date its creation in the reporting
    time zone, amount/tax/shipping/refunded the shop-currency totals (totalPriceSet is the total before
    refunds, totalRefundedSet what was paid back), paid from displayFinancialStatus (PAID, PARTIALLY_REFUNDED,
    REFUNDED are paid; PENDING, AUTHORIZED, PARTIALLY_PAID, VOIDED, EXPIRED are not). Cancelled orders and
    test orders are no revenue: they go to quarantine with that reason, as a cancelled WooCommerce order of
    an export does. customer_id is the e-mail in lower case (the export's key, and the leads'), else the
    customer's id. is_first_order is left unknown: the warehouse counts a customer's earliest sale as new.
    Channel: the UTM of the customer journey's last visit (`visit = "first"`: its first; the other one when
    Shopify recorded only one), else the UTM of that visit's landing page, else its referrer, else direct."""
    chosen, other = VISITS[visit_option(ctx.options)]
    journey = "customerJourneySummary."
    use_chosen = column(records, f"{journey}{chosen}.source").is_not_null() \
        | column(records, f"{journey}{other}.source").is_null()

    def visit(field: str) -> pl.Expr:
        return pl.when(use_chosen).then(column(records, f"{journey}{chosen}.{field}")) \
            .otherwise(column(records, f"{journey}{other}.{field}"))

    created, _ = hubspot_datetime(column(records, "createdAt"), ctx.timezone, "order_date")
    customer_id = column(records, "customer.id").str.replace(r"^gid://shopify/Customer/", "")
    status = pl.when(column(records, "cancelledAt").is_not_null()).then(pl.lit("cancelled")) \
        .when(column(records, "test").str.to_lowercase() == "true").then(pl.lit("test"))
    fields = records.select(
        pl.coalesce(column(records, "name"), column(records, "id")).alias("order_id"),
        pl.coalesce(column(records, "email").str.to_lowercase(), customer_id).alias("customer_id"),
        # a creation time Shopify wrote in another shape is passed on as is: the export's rules name it
        pl.coalesce(created.dt.strftime("%Y-%m-%d"), column(records, "createdAt")).alias("order_date"),
        *[column(records, f"{field}.shopMoney.amount").alias(name) for name, field in MONEY.items()],
        pl.coalesce(column(records, "totalPriceSet.shopMoney.currencyCode"),
                    column(records, "currencyCode")).alias("currency"),
        column(records, "displayFinancialStatus").alias("financial_status"),
        status.alias("status"),
        visit("utmParameters.source").alias("utm_source"),
        visit("utmParameters.medium").alias("utm_medium"),
        visit("utmParameters.campaign").alias("utm_campaign"),
        visit("landingPage").alias("landing_site"),
        visit("referrerUrl").alias("referrer"),
        pl.col("_row"),
    )
    return orders.normalise_fields(fields, ctx, "Shopify orders")


def visit_option(options: dict) -> str:
    """The `visit` option, "last" or "first" (ValueError naming the choices otherwise)."""
    value = str(options.get("visit", "last")).strip().lower()
    if value not in VISITS:
        raise ValueError(f"visit must be \"last\" or \"first\" (the customer journey's visit that names an "
                         f"order's channel), not {options.get('visit')!r}")
    return value
