"""HubSpot marketing emails with their post-send statistics, from the marketing emails API."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources import hubspot, records

SECRETS = ("ACCESS_TOKEN",)
NEEDS_ACCOUNTS = False            # a private-app token belongs to one HubSpot account
OPTIONS: tuple[str, ...] = ()
DEFAULT_BASE_URL = hubspot.DEFAULT_BASE_URL
DEFAULT_API_VERSION = hubspot.DEFAULT_API_VERSION

# Top-level fields kept from each email (the rendered content, styles and test settings are not).
FIELDS = ["id", "name", "subject", "state", "type", "subcategory", "publishDate", "publishedAt", "createdAt",
          "updatedAt", "isPublished", "archived", "campaign", "campaignName", "language", "to", "from"]
COUNTERS = ["sent", "delivered", "open", "click", "bounce", "hardbounced", "softbounced", "unsubscribed",
            "spamreport", "dropped", "selected", "suppressed", "notsent", "pending", "contactslost"]


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every published marketing email sent in the window (publishDate, with a day's margin each side
    for time zones), with its lifetime counters: GET …/emails?includeStats=true, paged by `after`.

    HubSpot cannot filter emails by send date, so the account's emails are listed (100 a page) and
    those sent in the window kept; drafts and emails never sent are skipped."""
    api = hubspot.HubSpot(session, source, secret)
    start, end = hubspot.window_bounds(window)
    rows: dict[str, dict] = {}          # by id: an email listed twice (paging drift) is kept once, as last seen
    # An email sent in the window was created before the window ended: older windows list fewer emails.
    params = {"includeStats": "true", "limit": hubspot.LIST_PAGE,
              "createdBefore": end.strftime("%Y-%m-%dT%H:%M:%SZ")}
    for email in api.pages(api.emails(), params):
        sent_at = _instant(email.get("publishDate") or email.get("publishedAt"))
        draft = "DRAFT" in str(email.get("state", "")).upper()      # DRAFT, DRAFT_AB, AUTOMATED_DRAFT …
        if sent_at is None or not (start <= sent_at < end) or draft:
            continue
        stats = email.get("stats") or {}
        counters = stats.get("counters") or {}
        row = {k: email.get(k) for k in FIELDS}
        row.update({f"stats.counters.{c}": counters.get(c) for c in COUNTERS})
        row.update({f"stats.counters.{c}": v for c, v in counters.items()})
        row["stats.ratios"] = stats.get("ratios")
        rows[str(email.get("id"))] = row
    return hubspot.frame(list(rows.values()), FIELDS + [f"stats.counters.{c}" for c in COUNTERS] + ["stats.ratios"])


def _instant(value) -> dt.datetime | None:
    """publishDate as an aware datetime: ISO-8601 text or epoch milliseconds."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or str(value).isdigit():
        return dt.datetime.fromtimestamp(int(value) / 1000, dt.timezone.utc)
    return records.instant(value)
