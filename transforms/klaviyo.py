"""Klaviyo campaign exports and Reporting API records -> canonical email_campaigns rows (one per campaign / variant)."""
from __future__ import annotations

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import infer_date_order
from roi.transforms.headers import configured, find, find_with_currency
from roi.transforms.mailchimp import (api_currency, api_first, api_number, api_send_time, api_text, email_rows,
                                  export_rows, zone)
from roi.transforms.numbers import infer_decimal, text

TABLE = "email_campaigns"
OPTIONS = ()

# Canonical field -> header names of Klaviyo's campaign export (Campaigns > Export analytics; the
# Klaviyo app exports in English). Rates ("Open Rate", "Bounce Rate" ...) are deliberately absent.
ALIASES: dict[str, list[str]] = {
    "campaign_id": ["Campaign ID", "Campaign Id"],
    "campaign_name": ["Campaign Name", "Campaign", "Name"],
    "variant": ["Variant Name", "Variant"],
    "channel": ["Campaign Channel", "Channel", "Send Channel"],
    "subject": ["Subject", "Subject Line"],
    "list_name": ["List", "Lists", "Audience", "Audiences"],
    "send_time": ["Send Time", "Send Date", "Sent At"],
    "recipients": ["Total Recipients", "Recipients"],
    "delivered": ["Successful Deliveries", "Delivered"],
    "total_bounces": ["Bounces", "Bounced"],
    "unique_opens": ["Unique Opens"],
    "total_opens": ["Total Opens", "Opens"],
    "unique_clicks": ["Unique Clicks"],
    "total_clicks": ["Total Clicks", "Clicks"],
    "unsubscribes": ["Unsubscribes", "Unique Unsubscribes"],
    "complaints": ["Spam Complaints", "Marked As Spam"],
    "orders": ["Placed Order", "Total Placed Orders", "Unique Placed Order", "Conversions", "Unique Conversions"],
    "revenue": ["Revenue", "Placed Order Value", "Conversion Value"],
    "currency": ["Currency"],
}
NUMERIC = ["recipients", "delivered", "total_bounces", "unique_opens", "total_opens", "unique_clicks",
           "total_clicks", "unsubscribes", "complaints", "orders", "revenue"]


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical email_campaigns rows of one Klaviyo campaign export (pure, no I/O).

    A/B variants ("Variant Name") become campaigns of their own, "<Campaign ID>|<variant>" named
    "<Campaign Name> | <variant>"; SMS and push rows ("Campaign Channel") are quarantined with a
    reason, since core.email_campaigns holds email only; "Bounces" are not split into hard and soft.
    """
    header = raw.header
    col = {field: find(header, aliases) for field, aliases in ALIASES.items()}
    col.update({k: v for k, v in configured(header, ctx.columns).items() if k in col})
    header_currency = None
    found = find_with_currency(header, ALIASES["revenue"])
    if found:
        col["revenue"], header_currency = col["revenue"] or found[0], found[1]
    numeric = [col[f] for f in NUMERIC if col[f]]
    if raw.rows.height and not col["campaign_name"] and not numeric:
        raise ValueError(f"{raw.path}: no Klaviyo campaign columns (Campaign Name, Send Time, Total Recipients) "
                         "found — is it a Klaviyo campaigns export?")
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(raw.rows, numeric, hint="."))
    order = ctx.options.get("date_order") or (
        infer_date_order(raw.rows.get_column(col["send_time"]), "mdy") if col["send_time"] else "mdy")

    rows = raw.rows
    none = pl.lit(None, dtype=pl.Utf8)
    variant = text(col["variant"]) if col["variant"] else none
    campaign_id = text(col["campaign_id"]) if col["campaign_id"] else none
    name = text(col["campaign_name"]) if col["campaign_name"] else none
    rows = rows.with_columns(
        pl.when(variant.is_not_null() & campaign_id.is_not_null())
        .then(pl.concat_str([campaign_id, pl.lit("|"), variant])).otherwise(campaign_id).alias("__id"),
        pl.when(variant.is_not_null() & name.is_not_null())
        .then(pl.concat_str([name, pl.lit(" | "), variant])).otherwise(name).alias("__campaign"),
    )
    col = {**col, "campaign_id": "__id", "campaign_name": "__campaign"}
    errors = []
    if col["channel"]:
        channel = text(col["channel"])
        errors.append(pl.when(channel.is_not_null() & (channel.str.to_lowercase() != "email")).then(
            pl.concat_str([pl.lit("channel: a '"), channel,
                           pl.lit("' campaign — email_campaigns holds email campaigns only")])))
    frame = export_rows(rows, ctx, col, decimal=decimal, order=order, prefix="kl_", currency=header_currency,
                        errors=errors)
    return Normalised(frame=frame)


# Canonical field -> the values report statistic (roi.sources.klaviyo: statistics.<name>).
API_COUNTS = {
    "recipients": "recipients",
    "delivered": "delivered",
    "unique_opens": "opens_unique",
    "total_opens": "opens",
    "unique_clicks": "clicks_unique",
    "total_clicks": "clicks",
    "complaints": "spam_complaints",
    "orders": "conversions",
}


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of Klaviyo values-report records (pure, no I/O).

    Statistics arrive as floats ("1200.0"); unsubscribes are unique unsubscribers when reported;
    orders / revenue are the conversions / conversion_value of the report's conversion metric, in
    the account's currency; Klaviyo reports bounces unsplit, so hard_bounces / soft_bounces stay
    empty. send_time (campaign.send_time) in the account's time zone, else the warehouse's. A
    campaign with several email messages gets one row per message ("<campaign>:<message>").
    """
    timezone = zone(api_first(records, "account.timezone"), ctx.timezone)
    send_time, errors = api_send_time(records, ["campaign.send_time", "campaign.scheduled_at"], timezone)
    values: dict[str, pl.Expr] = {}
    for field, name in API_COUNTS.items():
        values[field], error = api_number(records, f"statistics.{name}", field)
        errors.append(error)
    unique_unsubscribes, e1 = api_number(records, "statistics.unsubscribe_uniques", "unsubscribes")
    unsubscribes, e2 = api_number(records, "statistics.unsubscribes", "unsubscribes")
    values["unsubscribes"] = pl.coalesce(unique_unsubscribes, unsubscribes)
    values["revenue"], e3 = api_number(records, "statistics.conversion_value", "revenue", integer=False)
    values["revenue"] = values["revenue"].round(2)
    errors += [e1, e2, e3]
    campaign = api_text(records, "groupings.campaign_id")
    message = api_text(records, "groupings.campaign_message_id")
    values["campaign_id"] = pl.when(campaign.is_duplicated() & message.is_not_null()).then(
        pl.concat_str([campaign, pl.lit(":"), message])).otherwise(campaign)
    values.update(campaign_name=api_text(records, "campaign.name"), subject=api_text(records, "message.subject"),
                  send_time=send_time,
                  currency=api_currency(records, "account.preferred_currency", ctx.default_currency))
    errors.append(pl.when(campaign.is_not_null() & api_text(records, "campaign.name").is_null()
                          & api_text(records, "campaign.send_time").is_null()).then(
        pl.lit("campaign: not found among the account's email campaigns (no name, no send time)")))
    return Normalised(frame=email_rows(records, ctx, values, errors))
