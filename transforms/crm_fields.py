"""What Pipedrive and Salesforce records share on their way to core.leads and core.orders: the crm option, the
utm_fields option (the CRM fields holding UTM values), CRM timestamps as local days, the channel, and the
finishing of lead and order rows."""
from __future__ import annotations

import re

import polars as pl

from roi.transforms import business, channels, numbers
from roi.transforms.context import Normalised, SourceContext
from roi.transforms.hubspot_email import column, hubspot_datetime

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def crm_name(options: dict) -> str:
    """The CRM of a leads or orders source in API mode (option crm; HubSpot when unset)."""
    return str(options.get("crm", "hubspot")).strip().lower()


def utm_fields(options: dict, *, pattern: str = r".+", looks_like: str = "a field name") -> dict[str, list[str]]:
    """{utm key: [field, …]} from utm_fields = { utm_source = "field" or ["field", …], … }: the first field
    with a value gives the UTM value; {} when unset. Raises ValueError with what to write instead."""
    configured = options.get("utm_fields") or {}
    example = "{ utm_source = \"…\", utm_medium = \"…\", utm_campaign = \"…\" }"
    if not isinstance(configured, dict):
        raise ValueError(f"utm_fields must be a table like {example}")
    unknown = sorted(set(configured) - set(UTM_KEYS))
    if unknown:
        raise ValueError(f"utm_fields has unknown key(s) {', '.join(unknown)} (keys: {', '.join(UTM_KEYS)})")
    out: dict[str, list[str]] = {}
    for key, value in configured.items():
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ValueError(f"utm_fields {key} must be {looks_like} or a list of them")
        names = [n.strip() for n in names]
        wrong = [n for n in names if not re.fullmatch(pattern, n)]
        if wrong:
            raise ValueError(f"utm_fields {key}: '{wrong[0]}' is not {looks_like}")
        out[key] = names
    return out


def utm_columns(frame: pl.DataFrame, fields: dict[str, list[str]], prefixes: tuple[str, ...] = ("",)) -> list[pl.Expr]:
    """utm_source, utm_medium, utm_campaign: the first non-empty of the mapped fields, each looked up under
    every prefix in turn (a deal's own field, then its person's)."""
    exprs = []
    for key in UTM_KEYS:
        cells = [column(frame, f"{prefix}{name}") for prefix in prefixes for name in fields.get(key, [])]
        exprs.append((pl.coalesce(cells) if cells else pl.lit(None, pl.Utf8)).alias(f"_{key}"))
    return exprs


def local_day(value: pl.Expr, timezone: str, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(local date, error) of a CRM timestamp: RFC 3339 ('2026-06-01T08:00:00Z', Pipedrive), Salesforce's
    '2026-06-01T08:00:00.000+0000' (an offset without colon: read as well), or a calendar date kept as is."""
    day, error = hubspot_datetime(value, timezone, label)
    return day.dt.date(), error


def with_utm_and_channel(frame: pl.DataFrame, ctx: SourceContext, hint: pl.Expr) -> pl.DataFrame:
    """utm_source/medium/campaign from the `_utm_*` columns, then `channel`, the first of: the UTM through the
    channel rules, `hint` (the CRM's own clue, e.g. Salesforce's Lead Source), the source's `channel` option,
    and last the rules' answer for a record without UTM (direct)."""
    known = channels.known(ctx.channels)
    rules = tuple(ctx.channel_rules) or channels.DEFAULT_RULES
    frame = frame.with_columns(numbers.text(f"_{key}").alias(key) for key in UTM_KEYS)
    has_utm = pl.col("utm_source").is_not_null() | pl.col("utm_medium").is_not_null()
    frame = frame.with_columns(channels.channel_expr("utm_source", "utm_medium", rules, known).alias("_by_rules"))
    return frame.with_columns(pl.coalesce(
        pl.when(has_utm).then(pl.col("_by_rules")),
        hint,
        pl.lit(ctx.options.get("channel"), pl.Utf8),
        pl.col("_by_rules"),
    ).alias("channel"))


def lead_rows(frame: pl.DataFrame, ctx: SourceContext, hint: pl.Expr) -> Normalised:
    """core.leads rows of a frame holding lead_id, customer_id, the funnel dates and `_utm_*`: UTM and channel
    (with_utm_and_channel), lead_id and created_date required."""
    frame = with_utm_and_channel(frame, ctx, hint)
    frame = business.required(frame, ["lead_id", "created_date"])
    return Normalised(business.finish(frame, "leads", ctx))


def order_rows(frame: pl.DataFrame, ctx: SourceContext, hint: pl.Expr) -> Normalised:
    """core.orders rows of won deals, from a frame holding order_id, customer_id, order_date, amount and currency
    (text) and `_utm_*`: the amount read with a '.' decimal point in its currency (else the reporting one),
    paid, with tax, shipping, refunds and the first-order flag unknown (the whole amount is net revenue); UTM
    and channel as for leads; order_id, order_date and amount required."""
    frame = frame.with_columns(pl.lit(None, pl.Boolean).alias("is_first_order"), pl.lit(True).alias("paid"))
    frame = business.parse_each(frame, {
        "amount": numbers.number("amount", ".", label="amount"),
        "currency": business.currency("currency", ctx.default_currency),
    })
    frame = with_utm_and_channel(frame, ctx, hint)
    frame = business.required(frame, ["order_id", "order_date", "amount"])
    return Normalised(business.finish(frame, "orders", ctx))
