"""Mailchimp Marketing API client: the campaign reports sent in a window (GET /3.0/reports), one row per campaign."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError

SECRETS = ("API_KEY",)
NEEDS_ACCOUNTS = False          # account_ids, when given, are audience (list) ids to keep
OPTIONS = ()
DEFAULT_BASE_URL = "https://{dc}.api.mailchimp.com"   # the data centre comes from the key ("…-us21")
DEFAULT_API_VERSION = "3.0"
PAGE_SIZE = 1000                # Mailchimp's largest `count`

# The report fields kept (dotted = nested); everything else (timeseries, share_report with its
# password, industry stats, _links) is never requested nor stored.
FIELDS = (
    "id", "campaign_title", "type", "list_id", "list_name", "subject_line", "send_time", "emails_sent",
    "abuse_reports", "unsubscribed",
    "bounces.hard_bounces", "bounces.soft_bounces", "bounces.syntax_errors",
    "opens.opens_total", "opens.unique_opens",
    "clicks.clicks_total", "clicks.unique_clicks", "clicks.unique_subscriber_clicks",
    "ecommerce.total_orders", "ecommerce.total_spent", "ecommerce.total_revenue", "ecommerce.currency_code",
)
ACCOUNT_FIELDS = ("account_id", "account_name", "account_timezone")
_DC = re.compile(r"-([a-z]{2,4}[0-9]{1,3})$")


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every campaign report sent in `window` (a day of margin each side: the loader keeps the
    window's days), deduplicated by campaign id; nested objects flattened to dotted columns, every
    value as text."""
    key = secret("API_KEY") or ""
    hint = f"{source.secret_prefix}API_KEY"
    version = source.api_version or DEFAULT_API_VERSION
    client = ApiClient(
        session, source=source.name, base_url=_base_url(source, key, hint),
        auth=lambda: {"Authorization": "Basic " + base64.b64encode(f"roi:{key}".encode()).decode(),
                      "Accept": "application/json"},
        auth_hint=hint, secrets=[key], problem=_problem(version))
    account = client.get_json(f"/{version}/", params={"fields": ",".join(ACCOUNT_FIELDS)})
    since = dt.datetime.combine(window[0] - dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    before = dt.datetime.combine(window[1] + dt.timedelta(days=2), dt.time(), dt.timezone.utc)
    params = {
        "count": PAGE_SIZE, "since_send_time": since.isoformat(), "before_send_time": before.isoformat(),
        "fields": ",".join(["total_items"] + [f"reports.{f.split('.')[0]}" for f in dict.fromkeys(FIELDS)]),
    }
    reports = client.offset_pages(f"/{version}/reports", params, items="reports", total="total_items")
    lists = set(source.account_ids)
    rows = []
    for report in reports.values():
        if lists and str(report.get("list_id")) not in lists:
            continue
        row = {name: value for name, value in flatten(report).items() if name in FIELDS}
        row.update({name: _text(account.get(name)) for name in ACCOUNT_FIELDS})
        rows.append(row)
    return frame(rows, list(FIELDS) + list(ACCOUNT_FIELDS))


def _base_url(source: SourceConfig, key: str, hint: str) -> str:
    if source.base_url:
        return source.base_url
    match = _DC.search(key)
    if not match:
        raise ApiError(f"{source.name}: {hint} does not end with its data centre (like …-us21) — copy the "
                       "whole key from Mailchimp (Account > Extras > API keys) or set base_url")
    return DEFAULT_BASE_URL.format(dc=match.group(1))


def _problem(version: str):
    def check(resp: requests.Response):
        if resp.status_code in (404, 410):
            return (f"{resp.url.split('?')[0]} is not served (HTTP {resp.status_code}{_title(resp)}) — "
                    f"check api_version (now {version}; the current one is {DEFAULT_API_VERSION}) and base_url")
        return None
    return check


def _title(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return ""
    detail = body.get("detail") or body.get("title") if isinstance(body, dict) else None
    return f": {str(detail).splitlines()[0][:200]}" if detail else ""


# ------------------------------------------------------------------ raw records (shared by the email clients)

def flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    """A JSON object as {dotted.name: text}: nested objects become dotted names, arrays JSON text,
    numbers and booleans their JSON text, null None."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = _text(value)
    return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def frame(rows: list[dict[str, str | None]], columns: list[str]) -> pl.DataFrame:
    """Rows of text values as a frame with every one of `columns` (Utf8), in that order."""
    return pl.DataFrame([{c: row.get(c) for c in columns} for row in rows],
                        schema={c: pl.Utf8 for c in columns}, orient="row")
