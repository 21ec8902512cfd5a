"""Mailchimp campaign report exports and API reports -> canonical email_campaigns rows (one per campaign / A/B variant)."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from roi import schemas
from roi.contracts.raw import RawTable
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.dates import datetime, infer_date_order
from roi.transforms.headers import configured, find
from roi.transforms.ids import stable_id
from roi.transforms.numbers import error_list, infer_decimal, number, row_currency, text

TABLE = "email_campaigns"
OPTIONS = ()

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

    # revenue written "€1,459.58" or "$1,459.58": its mark is the row's currency ("$": the source's currency)
    currency, currency_error = row_currency({"revenue": col["revenue"]} if col["revenue"] else {}, None,
                                            configured=ctx.currency, fallback=ctx.default_currency)
    errors.append(currency_error)
    frame = raw.rows.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        name("campaign_name").alias("campaign_name"), name("subject").alias("subject"),
        name("list_name").alias("list_name"), name("campaign_id").alias("_campaign_id"),
        send_time.alias("send_time"),
        *[v.alias(k) for k, v in values.items()],
        *[e.cast(pl.Utf8).alias(f"_e{i}") for i, e in enumerate(errors)],
        currency.alias("currency"),
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


# ------------------------------------------------------------------ API reports (roi.sources.mailchimp)

# Canonical count -> the report field (roi.sources.mailchimp flattens nested objects to dotted names).
API_COUNTS = {
    "recipients": "emails_sent",
    "hard_bounces": "bounces.hard_bounces",
    "soft_bounces": "bounces.soft_bounces",
    "unique_opens": "opens.unique_opens",
    "total_opens": "opens.opens_total",
    "total_clicks": "clicks.clicks_total",
    "unsubscribes": "unsubscribed",
    "complaints": "abuse_reports",
    "orders": "ecommerce.total_orders",
}


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """Canonical rows of Mailchimp report records (pure, no I/O).

    delivered = emails_sent − hard − soft bounces (Mailchimp's "successful deliveries");
    unique_clicks = clicks.unique_subscriber_clicks (subscribers who clicked, the base of
    Mailchimp's click rate), else clicks.unique_clicks; orders / revenue / currency from the
    e-commerce block when the account has a connected store; send_time in the account's time zone
    (the wall time a Mailchimp export shows), else the warehouse's.
    """
    timezone = zone(api_first(records, "account_timezone"), ctx.timezone)
    send_time, errors = api_send_time(records, ["send_time"], timezone)
    values: dict[str, pl.Expr] = {}
    for field, name in API_COUNTS.items():
        values[field], error = api_number(records, name, field)
        errors.append(error)
    subscriber_clicks, e1 = api_number(records, "clicks.unique_subscriber_clicks", "unique_clicks")
    link_clicks, e2 = api_number(records, "clicks.unique_clicks", "unique_clicks")
    values["unique_clicks"] = pl.coalesce(subscriber_clicks, link_clicks)
    errors += [e1, e2]
    values["revenue"], error = api_number(records, "ecommerce.total_revenue", "revenue", integer=False)
    errors.append(error)
    bounces = pl.when(values["hard_bounces"].is_not_null() | values["soft_bounces"].is_not_null()).then(
        values["hard_bounces"].fill_null(0) + values["soft_bounces"].fill_null(0))
    values["delivered"] = values["recipients"] - bounces
    values.update(
        campaign_id=api_text(records, "id"), campaign_name=api_text(records, "campaign_title"),
        subject=api_text(records, "subject_line"), list_name=api_text(records, "list_name"),
        send_time=send_time, currency=api_currency(records, "ecommerce.currency_code", ctx.default_currency),
    )
    return Normalised(frame=email_rows(records, ctx, values, errors))


# ------------------------------------------------------------------ helpers shared by the email transforms
# (mailchimp, brevo, klaviyo: files and API records)

COUNT_FIELDS = ["recipients", "delivered", "hard_bounces", "soft_bounces", "unique_opens", "total_opens",
                "unique_clicks", "total_clicks", "unsubscribes", "complaints", "orders"]


def zone(name: str | None, default: str) -> str:
    """`name` when it is a time zone this machine knows, else `default`."""
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default


def api_first(records: pl.DataFrame, name: str) -> str | None:
    """The first non-empty value of a column (account-level columns repeat on every row)."""
    if name not in records.columns:
        return None
    values = records.get_column(name).drop_nulls()
    return str(values[0]) if len(values) else None


def api_text(records: pl.DataFrame, name: str) -> pl.Expr:
    return text(name) if name in records.columns else pl.lit(None, dtype=pl.Utf8)


def api_number(records: pl.DataFrame, name: str, label: str, *, integer: bool = True) -> tuple[pl.Expr, pl.Expr]:
    """(value, error) of an API number sent as a JSON number or a string ("1200", "1200.0")."""
    if name not in records.columns:
        return pl.lit(None, dtype=pl.Int64 if integer else pl.Float64), pl.lit(None, dtype=pl.Utf8)
    return number(name, ".", label=label, integer=integer)


def api_currency(records: pl.DataFrame, name: str, default: str) -> pl.Expr:
    """The ISO code of column `name` when it holds one, else `default`."""
    code = api_text(records, name).str.to_uppercase()
    return pl.when(code.str.contains(r"^[A-Z]{3}$").fill_null(False)).then(code).otherwise(pl.lit(default))


def _instant(col: str) -> pl.Expr:
    """An ISO 8601 date-time text as a UTC instant; a time without an offset is read as UTC."""
    s = text(col).str.replace(r"Z$", "+00:00").str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
    with_offset = s.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_zone="UTC")
    naive = s.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC")
    return pl.coalesce(with_offset, naive)


def api_send_time(records: pl.DataFrame, names: list[str], timezone: str) -> tuple[pl.Expr, list[pl.Expr]]:
    """(naive wall time in `timezone`, [error]) of the first present of the ISO date-time columns
    `names` (e.g. "2026-06-03T07:15:00+00:00")."""
    present = [n for n in names if n in records.columns]
    if not present:
        return pl.lit(None, dtype=pl.Datetime("us")), [pl.lit("send time: missing date")]
    cell = pl.coalesce([text(n) for n in present])
    instant = pl.coalesce([_instant(n) for n in present])
    local = instant.dt.convert_time_zone(timezone).dt.replace_time_zone(None).cast(pl.Datetime("us"))
    error = (pl.when(cell.is_null()).then(pl.lit("send time: missing date"))
             .when(local.is_null()).then(pl.concat_str([pl.lit("send time: '"), cell, pl.lit("' is not a date")])))
    return local, [error]


def email_rows(rows: pl.DataFrame, ctx: SourceContext, values: dict[str, pl.Expr], errors: list[pl.Expr]) -> pl.DataFrame:
    """The canonical email_campaigns frame (+ _row, _errors) of `rows` from expressions for every
    column but source, platform and send_date (derived from send_time); a row without a campaign id
    gets the reason "campaign: missing name and id"."""
    none = {"campaign_name": pl.Utf8, "subject": pl.Utf8, "list_name": pl.Utf8, "revenue": pl.Float64}
    exprs = {c: values.get(c, pl.lit(None, dtype=none.get(c, pl.Int64))) for c in
             ["campaign_id", "campaign_name", "subject", "list_name", "send_time", *COUNT_FIELDS, "revenue"]}
    exprs["currency"] = values.get("currency", pl.lit(ctx.default_currency))
    frame = rows.with_columns(
        pl.lit(ctx.source).alias("source"), pl.lit(ctx.kind).alias("platform"),
        *[e.alias(f"__{c}") for c, e in exprs.items()],
        *[e.cast(pl.Utf8).alias(f"__e{i}") for i, e in enumerate(errors)],
    )
    frame = frame.select(
        "source", "platform", "_row", *[pl.col(f"__{c}").alias(c) for c in exprs],
        *[f"__e{i}" for i in range(len(errors))])
    frame = frame.with_columns(
        pl.col("send_time").cast(pl.Datetime("us")), pl.col("send_time").dt.date().alias("send_date"),
        *[pl.col(c).cast(pl.Int64) for c in COUNT_FIELDS], pl.col("revenue").cast(pl.Float64),
    ).with_columns(error_list(
        [pl.col(f"__e{i}") for i in range(len(errors))]
        + [pl.when(pl.col("campaign_id").is_null()).then(pl.lit("campaign: missing name and id"))]))
    return frame.select(*schemas.columns(TABLE), pl.col("_row").cast(pl.Int64), "_errors")


def export_rows(rows: pl.DataFrame, ctx: SourceContext, col: dict[str, str | None], *, decimal: str, order: str,
                prefix: str, currency: str | None = None, errors: list[pl.Expr] | None = None) -> pl.DataFrame:
    """The canonical frame of an email tool's campaign export (brevo, klaviyo): `col` maps each
    canonical field (plus total_bounces) to its header or None; delivered falls back to recipients −
    bounces; a missing campaign id is derived from the name and the send time (`prefix` + hash);
    `errors`: the caller's own reason expressions."""
    errors = list(errors or [])
    if col.get("send_time"):
        send_time, error = datetime(col["send_time"], order, label="send time")
        errors += [error, pl.when(send_time.is_null() & error.is_null()).then(pl.lit("send time: missing date"))]
    else:
        send_time = pl.lit(None, dtype=pl.Datetime("us"))
        errors.append(pl.lit("send time: the export has no send date column — export the campaign report again"))
    values: dict[str, pl.Expr] = {}
    for field in COUNT_FIELDS + ["total_bounces", "revenue"]:
        if col.get(field):
            values[field], error = number(col[field], decimal, label=field, integer=field != "revenue")
            errors.append(error)
        else:
            values[field] = pl.lit(None, dtype=pl.Float64 if field == "revenue" else pl.Int64)
    bounces = pl.coalesce(values["hard_bounces"] + values["soft_bounces"], values.pop("total_bounces"))
    values["delivered"] = pl.coalesce(values["delivered"], values["recipients"] - bounces)

    def name(field: str) -> pl.Expr:
        return text(col[field]) if col.get(field) else pl.lit(None, dtype=pl.Utf8)

    rows = rows.with_columns(name("campaign_name").alias("__name"),
                             send_time.dt.strftime("%Y-%m-%d %H:%M:%S").alias("__send_key"))
    derived = pl.when(pl.col("__name").is_not_null()).then(stable_id("__name", "__send_key", prefix=prefix))
    values.update(
        campaign_id=pl.coalesce(name("campaign_id"), derived), campaign_name=pl.col("__name"),
        subject=name("subject"), list_name=name("list_name"), send_time=send_time)
    values["currency"], currency_error = row_currency(
        {"revenue": col["revenue"]} if col.get("revenue") else {}, col.get("currency"), header=currency,
        configured=ctx.currency, fallback=ctx.default_currency)
    errors.append(currency_error)
    return email_rows(rows, ctx, values, errors)
