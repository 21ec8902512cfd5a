"""Klaviyo API client: email campaign results of a window (Reporting API values report) with names, subjects, send times."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError
from roi.sources.mailchimp import flatten, frame

SECRETS = ("API_KEY",)
NEEDS_ACCOUNTS = False          # account_ids, when given, are list / segment ids a campaign must target
OPTIONS = ("conversion_metric_id",)
DEFAULT_BASE_URL = "https://a.klaviyo.com"
# The `revision` header. Klaviyo keeps a revision stable for a year and deprecated for another,
# then retires it (2024-10-15 retired on 2026-10-15).
DEFAULT_API_VERSION = "2026-07-15"
CONVERSION_METRIC = "Placed Order"   # looked up by name when conversion_metric_id is not set
MAX_DAYS = 365                       # a report's timeframe is at most one year
STATISTICS = ("recipients", "delivered", "bounced", "opens_unique", "opens", "clicks_unique", "clicks",
              "unsubscribes", "unsubscribe_uniques", "spam_complaints", "conversions", "conversion_uniques",
              "conversion_value")
COLUMNS = (
    ("groupings.campaign_id", "groupings.campaign_message_id", "groupings.send_channel")
    + tuple(f"statistics.{s}" for s in STATISTICS)
    + ("campaign.name", "campaign.status", "campaign.send_time", "campaign.scheduled_at",
       "campaign.audiences.included", "message.label", "message.subject",
       "account.preferred_currency", "account.timezone", "conversion_metric_id")
)


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """One row per email campaign message with results in `window` (a day of margin each side:
    the loader keeps the window's days): the values report's statistics plus the campaign's name,
    send time and audiences and the message's subject (GET /api/campaigns, JSON:API paging). The
    report's campaign_message_id is in practice the campaign id: the subject is the campaign's own
    message's, or, for a campaign of several messages, that of the message the id names."""
    key = secret("API_KEY") or ""
    revision = str(source.api_version or DEFAULT_API_VERSION)
    hint = f"{source.secret_prefix}API_KEY"
    client = ApiClient(
        session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
        auth=lambda: {"Authorization": f"Klaviyo-API-Key {key}", "revision": revision,
                      "Accept": "application/vnd.api+json"},
        auth_hint=hint, secrets=[key], problem=_problem(revision, source))
    account = _account(client)
    metric = str(source.options.get("conversion_metric_id") or "") or _placed_order_metric(client, source)

    results: dict[tuple[str, str], dict] = {}
    for lo, hi in _timeframes(window):
        body = {"data": {"type": "campaign-values-report", "attributes": {
            "statistics": list(STATISTICS),
            "timeframe": {"start": f"{lo}T00:00:00+00:00", "end": f"{hi}T00:00:00+00:00"},
            "conversion_metric_id": metric,
            "filter": "equals(send_channel,'email')",
        }}}
        url = "/api/campaign-values-reports/"
        while url:
            page = client.post_json(url, data=json.dumps(body),
                                    headers={"Content-Type": "application/vnd.api+json"})
            for result in ((page.get("data") or {}).get("attributes") or {}).get("results") or []:
                group = result.get("groupings") or {}
                results[(str(group.get("campaign_id")), str(group.get("campaign_message_id")))] = result
            url = _next(page)

    campaigns, messages, owned = _campaigns(client, {cid for cid, _ in results})
    audiences = set(source.account_ids)
    rows = []
    for (campaign_id, message_id), result in results.items():
        campaign = campaigns.get(campaign_id, {})
        included = {str(a) for a in ((campaign.get("audiences") or {}).get("included") or [])}
        if audiences and not audiences & included:
            continue
        row = flatten({"groupings": result.get("groupings") or {}, "statistics": result.get("statistics") or {}})
        row.update(flatten({k: campaign.get(k) for k in ("name", "status", "send_time", "scheduled_at")},
                           "campaign."))
        row["campaign.audiences.included"] = json.dumps(sorted(included)) if campaign else None
        message = messages.get(_message_of(owned.get(campaign_id, []), message_id) or "", {})
        content = message.get("content") or (message.get("definition") or {}).get("content") or {}
        row.update(flatten({"label": message.get("label") or (message.get("definition") or {}).get("label"),
                            "subject": content.get("subject")}, "message."))
        row.update(flatten({k: account.get(k) for k in ("preferred_currency", "timezone")}, "account."))
        row["conversion_metric_id"] = metric
        rows.append(row)
    return frame(rows, list(COLUMNS))


def _timeframes(window: tuple[dt.date, dt.date]) -> list[tuple[dt.date, dt.date]]:
    """[start, end) day pairs covering the window and a day each side, each at most MAX_DAYS long."""
    lo, stop = window[0] - dt.timedelta(days=1), window[1] + dt.timedelta(days=2)
    out = []
    while lo < stop:
        hi = min(lo + dt.timedelta(days=MAX_DAYS), stop)
        out.append((lo, hi))
        lo = hi
    return out


def _account(client: ApiClient) -> dict:
    """The account's currency and time zone (GET /api/accounts/); {} when the key may not read them."""
    try:
        body = client.get_json("/api/accounts/")
    except ApiError as exc:
        if "HTTP 403" in str(exc):      # a key without the accounts:read scope: use roi.toml's currency
            return {}
        raise
    data = body.get("data") or []
    return (data[0].get("attributes") or {}) if data else {}


def _placed_order_metric(client: ApiClient, source: SourceConfig) -> str:
    """The id of the "Placed Order" metric, which Klaviyo's own campaign reports use for conversions."""
    url = "/api/metrics/"
    while url:
        page = client.get_json(url)
        for metric in page.get("data") or []:
            if (metric.get("attributes") or {}).get("name") == CONVERSION_METRIC:
                return str(metric["id"])
        url = _next(page)
    raise ApiError(f"{source.name}: the account has no \"{CONVERSION_METRIC}\" metric — set conversion_metric_id "
                   "in roi.toml to the metric your campaigns convert on (Analytics > Metrics, id in the URL)")


def _message_of(owned: list[str], message_id: str) -> str | None:
    """The campaign's message a report row stands for: the one of a single-message campaign, else
    the one the row's campaign_message_id names (None when it names none of them)."""
    if message_id in owned:
        return message_id
    return owned[0] if len(owned) == 1 else None


def _campaigns(client: ApiClient, wanted: set[str]) -> tuple[dict[str, dict], dict[str, dict], dict[str, list[str]]]:
    """Attributes of the wanted email campaigns and of their messages, and each campaign's message
    ids (its relationships, or the messages' own link to it), paging until all are found."""
    campaigns: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    owned: dict[str, list[str]] = {}
    url = "/api/campaigns/"
    params: dict | None = {"filter": "equals(messages.channel,'email')", "include": "campaign-messages"}
    while url and not wanted <= campaigns.keys():
        page = client.get_json(url, params=params)
        params = None                       # links.next carries the query and the cursor
        for item in page.get("data") or []:
            campaigns[str(item.get("id"))] = item.get("attributes") or {}
            for link in _related(item, "campaign-messages"):
                _own(owned, str(item.get("id")), str(link.get("id")))
        for item in page.get("included") or []:
            if item.get("type") == "campaign-message":
                messages[str(item.get("id"))] = item.get("attributes") or {}
                for link in _related(item, "campaign"):
                    _own(owned, str(link.get("id")), str(item.get("id")))
        url = _next(page)
    return campaigns, messages, owned


def _related(item: dict, name: str) -> list[dict]:
    """The {type, id} links of a JSON:API resource's relationship `name` (one or many)."""
    data = ((item.get("relationships") or {}).get(name) or {}).get("data") or []
    return [d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict) and d.get("id")]


def _own(owned: dict[str, list[str]], campaign_id: str, message_id: str) -> None:
    ids = owned.setdefault(campaign_id, [])
    if message_id not in ids:
        ids.append(message_id)


def _next(page: dict) -> str | None:
    """The JSON:API links.next of a page as a path and query, so that it goes through base_url too."""
    link = (page.get("links") or {}).get("next")
    if not link:
        return None
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _problem(revision: str, source: SourceConfig):
    def check(resp: requests.Response):
        if resp.status_code in (400, 404, 410):
            detail, codes = _errors(resp)
            if resp.status_code == 410 or "revision" in (detail + " " + codes).lower():
                return (f"the API does not accept revision {revision} (HTTP {resp.status_code}"
                        f"{': ' + detail if detail else ''}) — set api_version = \"{DEFAULT_API_VERSION}\" "
                        "(or a newer Klaviyo revision) in roi.toml")
            if resp.status_code == 400 and "campaign-values-reports" in resp.url:
                metric = source.options.get("conversion_metric_id")
                return (f"the campaign report was refused (HTTP 400{': ' + detail if detail else ''}) — check "
                        f"conversion_metric_id{' (' + str(metric) + ')' if metric else ''} and api_version")
        return None
    return check


def _errors(resp: requests.Response) -> tuple[str, str]:
    """(first error detail, all error codes) of a JSON:API error body."""
    try:
        errors = resp.json().get("errors") or []
    except (ValueError, AttributeError):
        return "", ""
    details = [str(e.get("detail") or e.get("title") or "") for e in errors if isinstance(e, dict)]
    codes = " ".join(str(e.get("code") or "") for e in errors if isinstance(e, dict))
    return (details[0].splitlines()[0][:200] if details else ""), codes
