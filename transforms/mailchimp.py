"""Mailchimp campaign report exports -> canonical email_campaigns rows (one per campaign / A/B variant)."""
from __future__ import annotations

import polars as pl

import schemas
from sources.raw import RawTable
from transforms.context import Normalised, SourceContext
from transforms.dates import datetime, infer_date_order
from transforms.headers import configured, find
from transforms.ids import stable_id
from transforms.numbers import error_list, infer_decimal, number, text

TABLE = "email_campaigns"

# Canonical field -> header names (spaces and underscores are the same to headers.norm:
# "Send_Date" matches "Send Date"). Mailchimp exports its reports in English only.
ALIASES: dict[str, list[str]] = {
    "campaign_name": ["Title", "Campaign Title", "Campaign name", "Name"],
    "subject": ["Subject", "Subject Line", "Email Subject"],
    "list_name": ["List", "List Name", "Audience", "Audience Name"],
    "send_time": ["Send Date", "Send Time", "Sent", "Sent Date", "Date Sent"],
    "campaign_id": ["Unique Id", "Campaign ID", "Campaign Id", "Id"],
    "recipients": ["Total Recipients", "Emails Sent", "Recipients"],
    "delivered": ["Successful Deliveries", "Delivered"],
    "soft_bounces": ["Soft Bounces"],
    "hard_bounces": ["Hard Bounces"],
    "total_bounces": ["Total Bounces", "Bounces"],
    "unique_opens": ["Unique Opens"],
    "total_opens": ["Total Opens", "Opens"],
    "unique_clicks": ["Unique Clicks"],
    "total_clicks": ["Total Clicks", "Clicks"],
    "unsubscribes": ["Unsubscribes", "Unsubscribed"],
    "complaints": ["Abuse Complaints", "Complaints", "Abuse Reports"],
    "orders": ["Transactions", "Total Orders", "Orders"],
    "revenue": ["Revenue Created", "Total Revenue", "Revenue"],
}
COUNTS = ["recipients", "delivered", "soft_bounces", "hard_bounces", "total_bounces", "unique_opens",
          "total_opens", "unique_clicks", "total_clicks", "unsubscribes", "complaints", "orders"]


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    """Canonical email_campaigns rows of one Mailchimp campaigns export (pure, no I/O).

    A/B variants ("Title | Winner", "Title | Combo 1") are separate campaigns with their own
    Unique_Id; "n/a" is missing; Send_Date "3/9/17 18:54" is read month first unless the file
    proves otherwise.
    """
    header = raw.header
    col = {field: find(header, aliases) for field, aliases in ALIASES.items()}
    col.update({k: v for k, v in configured(header, ctx.columns).items() if k in col})
    numeric = [col[f] for f in COUNTS + ["revenue"] if col[f]]
    if raw.rows.height and not (col["campaign_name"] or col["campaign_id"]) and not numeric:
        raise ValueError(f"{raw.path}: no Mailchimp campaign columns (Title, Send_Date, Unique_Id) found — "
                         "is it a Mailchimp campaigns export?")
    decimal = ctx.options.get("decimal") or ("." if raw.typed_cells else infer_decimal(raw.rows, numeric, hint="."))
    errors: list[pl.Expr] = []

    if col["send_time"]:
        order = ctx.options.get("date_order") or infer_date_order(raw.rows.get_column(col["send_time"]), "mdy")
        send_time, error = datetime(col["send_time"], order, label="send time")
        errors += [error, pl.when(send_time.is_null() & error.is_null()).then(pl.lit("send time: missing date"))]
    else:
        send_time = pl.lit(None, dtype=pl.Datetime("us"))
        errors.append(pl.lit("send time: the export has no Send_Date column — export the campaign report again"))

    values = {}
    for field in COUNTS + ["revenue"]:
        if col[field]:
            value, error = number(col[field], decimal, label=field, integer=field != "revenue")
            values[field] = value
            errors.append(error)
        else:
            values[field] = pl.lit(None, dtype=pl.Float64 if field == "revenue" else pl.Int64)

    def name(field: str) -> pl.Expr:
        return text(col[field]) if col[field] else pl.lit(None, dtype=pl.Utf8)

    frame = raw.rows.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        name("campaign_name").alias("campaign_name"), name("subject").alias("subject"),
        name("list_name").alias("list_name"), name("campaign_id").alias("_campaign_id"),
        send_time.alias("send_time"),
        *[v.alias(k) for k, v in values.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
        pl.lit(ctx.default_currency).alias("currency"),
    )
    bounces = pl.coalesce(pl.col("hard_bounces") + pl.col("soft_bounces"), pl.col("total_bounces"))
    frame = frame.with_columns(
        pl.col("send_time").dt.date().alias("send_date"),
        pl.coalesce(pl.col("delivered"), pl.col("recipients") - bounces).alias("delivered"),
        pl.col("send_time").dt.strftime("%Y-%m-%d %H:%M:%S").alias("_send_key"),
    )
    derived = pl.when(pl.col("campaign_name").is_not_null()).then(stable_id("campaign_name", "_send_key", prefix="mc_"))
    frame = frame.with_columns(pl.coalesce(pl.col("_campaign_id"), derived).alias("campaign_id"))
    frame = frame.with_columns(error_list(
        [pl.col(f"_e{i}") for i in range(len(errors))]
        + [pl.when(pl.col("campaign_id").is_null()).then(pl.lit("campaign: missing title and id"))]
    ))
    frame = frame.select(*schemas.columns(TABLE), pl.col("_row").cast(pl.Int64), "_errors")
    return Normalised(frame=frame)
