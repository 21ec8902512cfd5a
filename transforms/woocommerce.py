"""WooCommerce orders -> core.orders: order exports (read as kind `orders` reads them) and the REST API's
orders (roi.sources.woocommerce), with the order attribution WooCommerce 8.5+ records."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import orders
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.hubspot_email import column, hubspot_datetime

TABLE = "orders"
# API mode: site = "https://shop.example.it" (the store's address; base_url, the API root, overrides it);
# query_string_auth = true sends the keys as query parameters, for servers that drop the Authorization header.
OPTIONS = ("site", "query_string_auth")
ATTRIBUTION = "meta._wc_order_attribution_"      # the source's names of the order attribution meta data
REFUNDS = pl.List(pl.Struct({"id": pl.Int64, "total": pl.Utf8}))


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """A WooCommerce order export (Order ID, Order Status, Order Total, Cart Tax, Order Shipping, Order Refund
    Amount, the _wc_order_attribution_ meta columns …) exactly as kind `orders` reads it."""
    return orders.normalise(raw, ctx)


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Orders as roi.sources.woocommerce.fetch returns them -> core.orders, by the rules of an export
    (transforms/orders.py):

    order_id is the order's id (an export's Order ID), order_date its creation (date_created_gmt) in the
    reporting time zone, amount the order total (tax and shipping in), tax total_tax (items and shipping),
    shipping shipping_total (without its tax), refunded the sum of its refunds. Statuses: completed and
    processing are paid, pending and on-hold loaded unpaid (worth 0), cancelled, refunded, failed and
    drafts are no revenue and go to quarantine with that reason. customer_id is the billing e-mail in lower
    case (guests have customer id 0), else the customer id. is_first_order is left unknown. Channel: the
    order attribution's UTM (a "(direct)" source is no UTM), else its entry page's UTM, else its referrer,
    else direct."""
    refunds = column(records, "refunds").str.json_decode(REFUNDS)
    refunded = refunds.list.eval(pl.element().struct.field("total").cast(pl.Float64, strict=False)).list.sum()
    created, _ = hubspot_datetime(column(records, "date_created_gmt"), ctx.timezone, "order_date")
    fields = records.select(
        column(records, "id").alias("order_id"),
        pl.coalesce(column(records, "billing.email").str.to_lowercase(),
                    column(records, "customer_id")).alias("customer_id"),
        pl.coalesce(created.dt.strftime("%Y-%m-%d"), column(records, "date_created").str.slice(0, 10),
                    column(records, "date_created_gmt")).alias("order_date"),
        column(records, "total").alias("amount"),
        column(records, "total_tax").alias("tax"),
        column(records, "shipping_total").alias("shipping"),
        pl.when(column(records, "refunds").is_not_null()).then(refunded.cast(pl.Utf8)).alias("refunded"),
        column(records, "currency").alias("currency"),
        column(records, "status").alias("status"),
        *[column(records, ATTRIBUTION + key).alias(name) for name, key in (
            ("utm_source", "utm_source"), ("utm_medium", "utm_medium"), ("utm_campaign", "utm_campaign"),
            ("landing_site", "session_entry"), ("referrer", "referrer"))],
        pl.col("_row"),
    )
    return orders.normalise_fields(fields, ctx, "WooCommerce orders")
