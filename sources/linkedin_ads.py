"""LinkedIn Marketing API (versioned /rest adAnalytics) -> one raw row per daily analytics element, with names."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from urllib.parse import quote

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, BearerAuth, json_body
from roi.sources.records import date_slices, text_cell, text_frame

# Either a refresh-token trio (access tokens are refreshed when they expire) or ACCESS_TOKEN alone.
SECRETS = (("CLIENT_ID", "ACCESS_TOKEN"), ("CLIENT_SECRET", "ACCESS_TOKEN"), ("REFRESH_TOKEN", "ACCESS_TOKEN"))
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metric", "conversion_value_metric")
DEFAULT_BASE_URL = "https://api.linkedin.com/rest/"
DEFAULT_API_VERSION = "202607"          # LinkedIn-Version header (YYYYMM); each version lives about a year
DEFAULT_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"

LEVELS = {"campaign": "CAMPAIGN", "ad": "CREATIVE", "creative": "CREATIVE"}
METRICS = ["impressions", "clicks", "costInLocalCurrency", "costInUsd", "approximateMemberReach", "videoViews",
           "totalEngagements"]
DEFAULT_CONVERSIONS = "externalWebsiteConversions"
DEFAULT_CONVERSION_VALUE = "conversionValueInLocalCurrency"
MAX_FIELDS = 20                 # adAnalytics accepts at most 20 fields per request
MAX_ELEMENTS = 15_000           # ... and answers at most this many elements, truncating without a word
DAYS_PER_REQUEST = 30           # first slice of a window; halved while an answer comes back truncated
PAGE_SIZE = 500                 # campaigns / creatives listings (pageToken paging)


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily adAnalytics element of the window for every account, campaign (and creative) names added."""
    pivot = _pivot(source)
    metrics = _metrics(source)
    version = str(source.api_version or DEFAULT_API_VERSION)
    client = _client(session, source, secret, version)
    headers = {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"}
    rows: list[dict] = []
    for account in source.account_ids:
        account_id = _urn_id(account)
        info = client.get_json(f"adAccounts/{account_id}", headers=headers)
        campaigns = _listing(client, f"adAccounts/{account_id}/adCampaigns", "q=search&search="
                             "(status:(values:List(ACTIVE,PAUSED,ARCHIVED,COMPLETED,CANCELED,DRAFT,"
                             "PENDING_DELETION,REMOVED)))", headers)
        creatives = (_listing(client, f"adAccounts/{account_id}/creatives", "q=criteria",
                              {**headers, "X-RestLi-Method": "FINDER"}) if pivot == "CREATIVE" else {})
        seen: set[tuple] = set()
        for start, end in date_slices(window, DAYS_PER_REQUEST):
            for element in _analytics(client, headers, account_id, pivot, metrics, start, end):
                urn = (element.get("pivotValues") or [element.get("pivotValue")])[0]
                key = (urn, json.dumps(element.get("dateRange"), sort_keys=True))
                if key in seen:
                    continue
                seen.add(key)
                rows.append(_record(element, urn, pivot, account_id, info, campaigns, creatives))
    return text_frame(rows, ["account_id"])


# ---------------------------------------------------------------- requests

def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
            version: str) -> ApiClient:
    bearer = BearerAuth(session, source, secret, source.token_url or DEFAULT_TOKEN_URL)
    return bearer.api_client(session, source, source.base_url or DEFAULT_BASE_URL,
                             problem=lambda resp: _problem(resp, version),
                             oauth_hint=" (the token needs the r_ads and r_ads_reporting scopes)",
                             access_hint=" (it may have expired: LinkedIn access tokens last 60 days)")


def _problem(resp: requests.Response, version: str) -> str | None:
    """A sunset LinkedIn-Version answers 426 "Requested version 2024xx01 is not active" (NONEXISTENT_VERSION)."""
    if resp.status_code < 400:
        return None
    body = json_body(resp)
    code, message = str(body.get("code") or ""), str(body.get("message") or "")
    if resp.status_code == 426 or code in ("NONEXISTENT_VERSION", "VERSION_MISSING") or re.search(
            r"version .*not active", message, re.IGNORECASE):
        advice = (f"remove api_version to use {DEFAULT_API_VERSION}, or set" if version != DEFAULT_API_VERSION
                  else "set")
        return (f"LinkedIn no longer serves API version {version} (HTTP {resp.status_code}"
                f"{': ' + message[:120] if message else ''}) — {advice} api_version = \"YYYYMM\" in roi.toml to a "
                "current version (see learn.microsoft.com/linkedin/marketing/versioning)")
    return None


def _listing(client: ApiClient, path: str, query: str, headers: dict) -> dict[str, dict]:
    """Every element of a pageToken-paged finder, by URN."""
    found: dict[str, dict] = {}
    token = None
    while True:
        page = f"{path}?{query}&pageSize={PAGE_SIZE}" + (f"&pageToken={quote(token, safe='')}" if token else "")
        body = client.get_json(page, headers=headers)
        for element in body.get("elements") or []:
            found[_urn(element.get("id"), path)] = element
        token = (body.get("metadata") or {}).get("nextPageToken")
        if not token:
            return found


def _analytics(client: ApiClient, headers: dict, account_id: str, pivot: str, metrics: list[str],
               start: dt.date, end: dt.date) -> list[dict]:
    """The elements of one date slice; a slice whose answer hits LinkedIn's cap is split in two."""
    account = quote(f"urn:li:sponsoredAccount:{account_id}", safe="")
    query = "&".join([
        "q=analytics", f"pivot={pivot}", "timeGranularity=DAILY",
        f"dateRange=(start:{_date(start)},end:{_date(end)})",
        f"accounts=List({account})", "fields=" + ",".join(["dateRange", "pivotValues", *metrics]),
    ])
    body = client.get_json(f"adAnalytics?{query}", headers=headers)
    elements = body.get("elements") or []
    if len(elements) < MAX_ELEMENTS:
        return elements
    if start == end:
        hint = "set level = \"campaign\"" if pivot == "CREATIVE" else "report this account to LinkedIn support"
        raise ApiError(f"{client.source}: LinkedIn returned its maximum of {MAX_ELEMENTS} rows for one day "
                       f"({start}) of account {account_id}, so some may be missing — {hint}")
    middle = start + (end - start) // 2
    return (_analytics(client, headers, account_id, pivot, metrics, start, middle)
            + _analytics(client, headers, account_id, pivot, metrics, middle + dt.timedelta(days=1), end))


# ---------------------------------------------------------------- records

def _record(element: dict, urn: str | None, pivot: str, account_id: str, info: dict,
            campaigns: dict[str, dict], creatives: dict[str, dict]) -> dict:
    row = {"account_id": account_id, "account_name": info.get("name"), "account_currency": info.get("currency"),
           "time_zone": "UTC", "pivot": pivot, "pivot_value": urn}     # adAnalytics days are UTC days
    row.update({key: text_cell(value) for key, value in element.items()})
    creative = creatives.get(urn or "", {}) if pivot == "CREATIVE" else {}
    campaign_urn = urn if pivot == "CAMPAIGN" else creative.get("campaign")
    campaign = campaigns.get(campaign_urn or "", {})
    row.update({
        "campaign_id": _urn_id(campaign_urn) if campaign_urn else None,
        "campaign_name": campaign.get("name"),
        "campaign_group_id": _urn_id(campaign["campaignGroup"]) if campaign.get("campaignGroup") else None,
        "creative_id": _urn_id(urn) if pivot == "CREATIVE" and urn else None,
        "creative_name": creative.get("name") if pivot == "CREATIVE" else None,
    })
    return row


# ---------------------------------------------------------------- helpers

def _pivot(source: SourceConfig) -> str:
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\" or \"ad\" (creatives), not {level!r}")
    return LEVELS[level]


def _metrics(source: SourceConfig) -> list[str]:
    extra = [str(source.options.get("conversion_metric", DEFAULT_CONVERSIONS)),
             str(source.options.get("conversion_value_metric", DEFAULT_CONVERSION_VALUE))]
    metrics = list(dict.fromkeys(METRICS + extra))
    if len(metrics) + 2 > MAX_FIELDS:
        raise ConfigError(f"{source.name}: too many LinkedIn fields requested (max {MAX_FIELDS})")
    return metrics


def _date(d: dt.date) -> str:
    return f"(year:{d.year},month:{d.month},day:{d.day})"


def _urn_id(value) -> str:
    """'urn:li:sponsoredCampaign:123' -> '123'; plain ids unchanged."""
    return str(value).rsplit(":", 1)[-1].strip()


def _urn(value, path: str) -> str:
    """Listings give campaign ids as numbers and creative ids as URNs: both keyed by URN."""
    text = str(value)
    if text.startswith("urn:"):
        return text
    kind = "sponsoredCreative" if path.endswith("creatives") else "sponsoredCampaign"
    return f"urn:li:{kind}:{text}"
