"""Pipedrive records pulled by sources/pipedrive.py -> core.leads (persons) and core.orders (won deals)."""
from __future__ import annotations

import polars as pl

from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.crm_fields import lead_rows, local_day, order_rows, utm_columns, utm_fields
from roi.transforms.hubspot_email import column

# Custom fields are 40-character hexadecimal keys, one set per Pipedrive account (Settings › Data fields).
FIELD_KEY = r"[0-9a-f]{40}"
FIELD_KEY_HINT = ("a Pipedrive custom field key (40 hex characters, from Settings › Data fields or "
                  "GET /api/v2/personFields)")
CUSTOM = "cf."               # a record's custom field columns: cf.<key>; its person's: person.cf.<key>


def field_keys(options: dict) -> dict[str, list[str]]:
    return utm_fields(options, pattern=FIELD_KEY, looks_like=FIELD_KEY_HINT)


def normalise_leads(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Persons (one row each, with the won_time of their earliest won deal) -> core.leads.

    lead_id and customer_id are the person id (the key Pipedrive orders carry too); created_date is add_time,
    customer_date the first won deal's won_time, both as local days of the reporting time zone; Pipedrive has
    no MQL/SQL stages and no lost date for a person. UTM from the person's custom fields in utm_fields;
    channel: the UTM through the channel rules, else the `channel` option, else direct."""
    df = records
    created, created_error = local_day(column(df, "add_time"), ctx.timezone, "created_date")
    customer, customer_error = local_day(column(df, "won_time"), ctx.timezone, "customer_date")
    df = df.with_columns(
        column(df, "id").alias("lead_id"), column(df, "id").alias("customer_id"),
        created.alias("created_date"), created_error.alias(err("created_date")),
        customer.alias("customer_date"), customer_error.alias(err("customer_date")),
        *utm_columns(df, field_keys(ctx.options), (CUSTOM,)),
    )
    return lead_rows(df, ctx, pl.lit(None, pl.Utf8))


def normalise_orders(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Won deals (one row each, with their person under "person.*") -> core.orders.

    order_id is the deal id, order_date its won_time as a local day, amount its value in its currency (else
    the source's `currency`, else the reporting currency), paid; tax, shipping and refunds unknown (the whole
    value is net revenue); customer_id the deal's person id. UTM from the deal's custom fields in utm_fields,
    else its person's; channel as for leads."""
    df = records
    day, day_error = local_day(column(df, "won_time"), ctx.timezone, "order_date")
    df = df.with_columns(
        column(df, "id").alias("order_id"), column(df, "person_id").alias("customer_id"),
        day.alias("order_date"), day_error.alias(err("order_date")),
        column(df, "value").alias("amount"),
        pl.coalesce(column(df, "currency"), pl.lit(ctx.currency, pl.Utf8)).alias("currency"),
        *utm_columns(df, field_keys(ctx.options), (CUSTOM, f"person.{CUSTOM}")),
    )
    return order_rows(df, ctx, pl.lit(None, pl.Utf8))
