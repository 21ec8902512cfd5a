"""Brevo API client: the email campaigns sent in a window with their statistics (GET /v3/emailCampaigns)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient
from roi.sources.mailchimp import flatten, frame

SECRETS = ("API_KEY",)
NEEDS_ACCOUNTS = False          # account_ids, when given, are contact list ids to keep
OPTIONS = ()
DEFAULT_BASE_URL = "https://api.brevo.com"
DEFAULT_API_VERSION = "v3"
PAGE_SIZE = 100                 # Brevo's largest `limit` for email campaigns

GLOBAL_STATS = ("sent", "delivered", "hardBounces", "softBounces", "uniqueViews", "viewed", "trackableViews",
                "uniqueClicks", "clickers", "unsubscriptions", "complaints", "deferred", "appleMppOpens")
FIELDS = ("id", "name", "subject", "type", "status", "tag", "sentDate", "scheduledAt", "recipients.lists") \
    + tuple(f"statistics.globalStats.{s}" for s in GLOBAL_STATS)


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every sent email campaign of `window` (a day of margin each side: the loader keeps the
    window's days), deduplicated by id, with its totals as statistics.globalStats.<count>. A
    campaign whose globalStats the list leaves empty or all zero (Brevo fills them there for the
    last 6 months only, and leaves some campaigns' at zero) is read from its own report; when that
    one is empty or zero too, the totals are the sum of campaignStats[], the per-list counts Brevo
    always returns (whatever `statistics` asks for)."""
    key = secret("API_KEY") or ""
    version = source.api_version or DEFAULT_API_VERSION
    client = ApiClient(
        session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
        auth=lambda: {"api-key": key, "Accept": "application/json"},
        auth_hint=f"{source.secret_prefix}API_KEY", secrets=[key], problem=_problem(version))
    start = f"{window[0] - dt.timedelta(days=1)}T00:00:00.000Z"
    end = f"{window[1] + dt.timedelta(days=1)}T23:59:59.999Z"
    params = {"status": "sent", "statistics": "globalStats", "startDate": start, "endDate": end,
              "limit": PAGE_SIZE, "sort": "asc", "excludeHtmlContent": "true"}
    campaigns = client.offset_pages(f"/{version}/emailCampaigns", params, items="campaigns", total="count")
    lists = set(source.account_ids)
    rows = []
    for campaign_id, campaign in campaigns.items():
        if lists and not lists & {str(x) for x in (campaign.get("recipients") or {}).get("lists") or []}:
            continue
        listed = campaign.get("statistics") or {}
        stats = listed.get("globalStats") or {}
        if not _counted(stats):
            report = client.get_json(f"/{version}/emailCampaigns/{campaign_id}",
                                     params={"statistics": "globalStats", "excludeHtmlContent": "true"})
            found = [_totals(report.get("statistics") or {}), _totals(listed)]
            stats = next((totals for totals in found if _counted(totals)), found[0])
        campaign = {**campaign, "statistics": {"globalStats": stats}}
        rows.append({name: value for name, value in flatten(campaign).items() if name in FIELDS})
    return frame(rows, list(FIELDS))


def _totals(statistics: dict) -> dict:
    """A campaign's counts: its globalStats, else the per-field sum of its campaignStats[] (one
    entry per contact list), when globalStats are empty or all zero."""
    stats = statistics.get("globalStats") or {}
    if _counted(stats):
        return stats
    lists = [s for s in statistics.get("campaignStats") or [] if isinstance(s, dict)]
    summed = {name: _sum([s[name] for s in lists if s.get(name) is not None])
              for name in GLOBAL_STATS if any(s.get(name) is not None for s in lists)}
    return summed if _counted(summed) or not stats else stats


def _sum(values: list):
    """The sum of counts sent as JSON numbers (or numeric text); a value that is no number is
    returned as it came, for the transform to report."""
    try:
        total = sum(float(v) for v in values)
    except (TypeError, ValueError):
        return next(v for v in values if not _is_number(v))
    return int(total) if total.is_integer() else total


def _counted(stats: dict) -> bool:
    """Whether any count of `stats` is other than zero (or is no number: the transform reports it)."""
    return any(not _is_number(stats[n]) or float(stats[n]) != 0 for n in GLOBAL_STATS if stats.get(n) is not None)


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def _problem(version: str):
    def check(resp: requests.Response):
        if resp.status_code == 429:
            reset = resp.headers.get("x-sib-ratelimit-reset")
            try:
                return ("retry", max(0.0, float(reset))) if reset else None
            except ValueError:
                return None
        if resp.status_code in (404, 410) and "/emailCampaigns/" not in resp.url:
            return (f"{resp.url.split('?')[0]} is not served (HTTP {resp.status_code}) — check api_version "
                    f"(now {version}; the current one is {DEFAULT_API_VERSION}) and base_url")
        return None
    return check
