"""Salesforce records pulled by sources/salesforce.py -> core.leads (Lead) and core.orders (won Opportunity)."""
from __future__ import annotations

import polars as pl

from roi.transforms import channels
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.crm_fields import lead_rows, local_day, order_rows, utm_columns, utm_fields
from roi.transforms.hubspot_email import column

# A field's API name (custom ones end in __c); it is written into the SOQL query, so nothing else is allowed.
FIELD_NAME = r"[A-Za-z][A-Za-z0-9_]*"
FIELD_NAME_HINT = "a Salesforce field API name like UTM_Source__c (Setup › Object Manager › Lead › Fields)"
# Lead statuses that mean the lead was lost (option lost_statuses): Salesforce's default closed,
# not converted status.
DEFAULT_LOST_STATUSES = ("Closed - Not Converted",)


def field_names(options: dict) -> dict[str, list[str]]:
    return utm_fields(options, pattern=FIELD_NAME, looks_like=FIELD_NAME_HINT)


def lost_statuses(options: dict) -> list[str]:
    """The Lead statuses that count as lost (option lost_statuses); raises ValueError when malformed."""
    statuses = options.get("lost_statuses", list(DEFAULT_LOST_STATUSES))
    if isinstance(statuses, str):
        statuses = [statuses]
    if not isinstance(statuses, list) or not all(isinstance(s, str) and s.strip() for s in statuses):
        raise ValueError("lost_statuses must be a list of Lead Status values like [\"Closed - Not Converted\"]")
    return [s.strip() for s in statuses]


def normalise_leads(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Leads (one row each, fields as Salesforce names them) -> core.leads.

    lead_id is the Lead Id; customer_id the converted account id (the key won opportunities carry), else the
    lower-cased e-mail. created_date is CreatedDate as a local day; customer_date the ConvertedDate of a
    converted lead; lost_date, for a lead not converted whose Status is one of lost_statuses, the day it was
    last modified (Salesforce keeps no date of the status change on the Lead itself); no MQL/SQL dates.
    Channel: the UTM of the utm_fields through the channel rules, else the Lead Source, else the `channel`
    option, else direct."""
    df = records
    known = channels.known(ctx.channels)
    converted = column(df, "IsConverted").str.to_lowercase() == "true"
    lost = ~converted.fill_null(False) & column(df, "Status").is_in(lost_statuses(ctx.options))
    created, created_error = local_day(column(df, "CreatedDate"), ctx.timezone, "created_date")
    customer, customer_error = local_day(column(df, "ConvertedDate"), ctx.timezone, "customer_date")
    modified, modified_error = local_day(column(df, "LastModifiedDate"), ctx.timezone, "lost_date")
    df = df.with_columns(
        column(df, "Id").alias("lead_id"),
        pl.coalesce(column(df, "ConvertedAccountId"), column(df, "Email").str.to_lowercase()).alias("customer_id"),
        created.alias("created_date"), created_error.alias(err("created_date")),
        pl.when(converted).then(customer).alias("customer_date"),
        pl.when(converted).then(customer_error).alias(err("customer_date")),
        pl.when(lost).then(modified).alias("lost_date"), pl.when(lost).then(modified_error).alias(err("lost_date")),
        column(df, "LeadSource").alias("_lead_source"),
        *utm_columns(df, field_names(ctx.options)),
    )
    return lead_rows(df, ctx, channels.lead_source_channel("_lead_source", known))


def normalise_orders(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Won opportunities (one row each) -> core.orders.

    order_id is the Opportunity Id, order_date its CloseDate (a calendar date, kept as is), amount its Amount
    in CurrencyIsoCode (multi-currency orgs), else the source's `currency`, else the org's default currency;
    paid, with tax, shipping and refunds unknown; customer_id the AccountId. Channel as for leads, from the
    opportunity's own UTM fields and Lead Source."""
    df = records
    known = channels.known(ctx.channels)
    day, day_error = local_day(column(df, "CloseDate"), ctx.timezone, "order_date")
    df = df.with_columns(
        column(df, "Id").alias("order_id"), column(df, "AccountId").alias("customer_id"),
        day.alias("order_date"), day_error.alias(err("order_date")),
        column(df, "Amount").alias("amount"),
        pl.coalesce(column(df, "CurrencyIsoCode"), pl.lit(ctx.currency, pl.Utf8),
                    column(df, "org.DefaultCurrencyIsoCode")).alias("currency"),
        column(df, "LeadSource").alias("_lead_source"),
        *utm_columns(df, field_names(ctx.options)),
    )
    return order_rows(df, ctx, channels.lead_source_channel("_lead_source", known))
