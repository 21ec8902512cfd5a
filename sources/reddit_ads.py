"""Reddit Ads API v3 (POST ad_accounts/{id}/reports, DATE × entity) -> one raw row per report row, with names."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, BearerAuth, json_body
from roi.sources.records import date_slices, text_cell, text_frame

# A refresh-token trio (access tokens last an hour and are refreshed), or ACCESS_TOKEN alone.
SECRETS = (("CLIENT_ID", "ACCESS_TOKEN"), ("CLIENT_SECRET", "ACCESS_TOKEN"), ("REFRESH_TOKEN", "ACCESS_TOKEN"))
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metrics", "conversion_value_metric")
DEFAULT_BASE_URL = "https://ads-api.reddit.com/api/"
DEFAULT_API_VERSION = "v3"        # v2 answers 410 Gone since 30 September 2025
DEFAULT_TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
USER_AGENT = "roi-marketing-pipeline/1.0 (Reddit Ads reporting)"   # Reddit refuses requests without one

LEVELS = {   # level -> (entity breakdown, id column of a report row, entity lists its names come from)
    "campaign": ("CAMPAIGN_ID", "campaign_id", ("campaigns",)),
    "ad_group": ("AD_GROUP_ID", "ad_group_id", ("campaigns", "ad_groups")),
    "ad": ("AD_ID", "ad_id", ("campaigns", "ad_groups", "ads")),
}
METRICS = ["IMPRESSIONS", "CLICKS", "SPEND", "REACH", "VIDEO_STARTED"]
DEFAULT_CONVERSIONS = ("CONVERSION_PURCHASE_CLICKS", "CONVERSION_PURCHASE_VIEWS")   # click- + view-through
DEFAULT_CONVERSION_VALUE = "CONVERSION_PURCHASE_TOTAL_VALUE"
DAYS_PER_REPORT = 30     # days per report request: keeps each answer a few pages long
PAGE_SIZE = 1000         # entity lists (page.size)
MAX_WAIT = 120.0         # the longest rate-limit reset worth waiting for inside one try


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily report row of the window for every ad account, in slices of 30 days, every page,
    with the account's currency and time zone and the campaign / ad group / ad names."""
    breakdown, id_column, lists = _level(source)
    fields = list(dict.fromkeys(METRICS + _conversion_fields(source)))
    version = str(source.api_version or DEFAULT_API_VERSION)
    client = _client(session, source, secret, version)
    rows: list[dict] = []
    for account_id in (str(a).strip() for a in source.account_ids):
        account = client.get_json(f"{version}/ad_accounts/{account_id}").get("data") or {}
        zone = str(account.get("time_zone_id") or "UTC")
        entities = {name: _listing(client, f"{version}/ad_accounts/{account_id}/{name}") for name in lists}
        seen: set[tuple[str, str]] = set()
        for start, end in date_slices(window, DAYS_PER_REPORT):
            body = {"data": {"starts_at": _hour(start, zone), "ends_at": _hour(end + dt.timedelta(days=1), zone),
                             "time_zone_id": zone, "breakdowns": ["DATE", breakdown], "fields": fields}}
            for item in _report(client, f"{version}/ad_accounts/{account_id}/reports", body):
                day = str(item.get("date") or "")[:10]
                key = (day, str(item.get(id_column)))
                # ends_at is read by some as the last day's start, by others as the day after: a row
                # outside the slice is the neighbour's, and a row met twice (pages shifting) counts once
                if not start.isoformat() <= day <= end.isoformat() or key in seen:
                    continue
                seen.add(key)
                rows.append(_record(item, account_id, account, entities))
    return text_frame(rows, ["account_id"])


def _level(source: SourceConfig) -> tuple[str, str, tuple[str, ...]]:
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    return LEVELS[level]


def _conversion_fields(source: SourceConfig) -> list[str]:
    """The report fields summed into conversions, then the conversion value field (Reddit's names, upper case)."""
    counted = source.options.get("conversion_metrics", list(DEFAULT_CONVERSIONS))
    if isinstance(counted, str):
        counted = [counted]
    value = source.options.get("conversion_value_metric", DEFAULT_CONVERSION_VALUE)
    names = [str(f).strip().upper() for f in [*counted, value]]
    bad = [n for n in names if not re.fullmatch(r"[A-Z0-9_]+", n)]
    if bad or not counted:
        raise ConfigError(f"{source.name}: conversion_metrics must list Reddit report fields such as "
                          f"[\"CONVERSION_PURCHASE_CLICKS\"] and conversion_value_metric name one "
                          f"(got {bad or counted})")
    return names


def _hour(day: dt.date, zone: str) -> str:
    """Midnight of `day` in the account's time zone as the hour-aligned UTC time Reddit takes
    (a zone with a half-hour offset is floored to the hour: Reddit's report grid is hourly)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = dt.timezone.utc
    local = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:00:00Z")


# ---------------------------------------------------------------- requests

def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
            version: str) -> ApiClient:
    prefix = source.secret_prefix
    bearer = BearerAuth(session, source, secret, source.token_url or DEFAULT_TOKEN_URL,
                        basic_auth=True, headers={"User-Agent": USER_AGENT},
                        refused_hint=" (a refresh token from duration=permanent with the adsread scope)")
    return bearer.api_client(session, source, source.base_url or DEFAULT_BASE_URL,
                             problem=lambda resp: _problem(resp, version, source.name),
                             extra_headers={"User-Agent": USER_AGENT},
                             oauth_hint=" (the app must be authorised on every account_ids entry, with the adsread "
                                        "scope)",
                             access_hint=f" (it lasts one hour: set {prefix}CLIENT_ID, {prefix}CLIENT_SECRET and "
                                         f"{prefix}REFRESH_TOKEN instead)")


def _problem(resp: requests.Response, version: str, name: str):
    """Reddit's answers that need more than a status: the rate-limit reset of a 429, a retired API
    version (410 Gone), a report request refused field by field."""
    if resp.status_code == 429:
        return ("retry", _rate_limit_wait(resp))
    if resp.status_code < 400:
        return None
    if resp.status_code == 410 or (resp.status_code == 404 and version != DEFAULT_API_VERSION):
        advice = (f"remove api_version to use {DEFAULT_API_VERSION}" if version != DEFAULT_API_VERSION
                  else "set api_version to the current version (ads-api.reddit.com/docs)")
        return f"Reddit no longer serves Ads API {version} (HTTP {resp.status_code}) — {advice} in roi.toml"
    if resp.status_code in (400, 422) and "/reports" in resp.url:
        return (f"Reddit refused the report request (HTTP {resp.status_code}: {_error_fields(resp)}) — check "
                "conversion_metrics and conversion_value_metric in roi.toml (Reddit report field names such as "
                "CONVERSION_PURCHASE_CLICKS)")
    return None


def _rate_limit_wait(resp: requests.Response) -> float:
    """Seconds until Reddit's rate-limit window resets: X-Ratelimit-Reset (seconds), else the t= of a
    RateLimit header ("ads-reporting";r=0;t=42), else Retry-After, else 5; at most MAX_WAIT."""
    headers = resp.headers
    candidates = [headers.get("X-Ratelimit-Reset"), *re.findall(r"t=(\d+(?:\.\d+)?)", headers.get("RateLimit", "")),
                  headers.get("Retry-After")]
    for value in candidates:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return min(MAX_WAIT, max(1.0, seconds))
    return 5.0


def _error_fields(resp: requests.Response) -> str:
    """The short reason of a refused request: each invalid field and what Reddit said of it (an invalid
    enum value lists every valid one: only the refused value is kept), else the error message."""
    error = json_body(resp).get("error")
    if not isinstance(error, dict):
        return "no reason given"
    parts = []
    for item in (error.get("fields") or [])[:3]:
        if isinstance(item, dict):
            message = str(item.get("message") or "")
            quoted = re.match(r"'([^']+)' is not one of", message)
            parts.append(f"{item.get('field')}: " + (f"'{quoted[1]}' is not a valid value" if quoted
                                                     else message[:120]))
    return "; ".join(parts) or str(error.get("message") or "no reason given")[:200]


def _listing(client: ApiClient, path: str) -> dict[str, dict]:
    """Every entity of a paged list (campaigns, ad_groups, ads), by id: pagination.next_url followed as given."""
    found: dict[str, dict] = {}
    page = client.get_json(path, params={"page.size": PAGE_SIZE})
    while True:
        for item in page.get("data") or []:
            if item.get("id") is not None:
                found[str(item["id"])] = item
        next_url = (page.get("pagination") or {}).get("next_url")
        if not next_url:
            return found
        page = client.get_json(next_url)


def _report(client: ApiClient, path: str, body: dict) -> list[dict]:
    """The metrics rows of one report, every page: each pagination.next_url is posted the same body."""
    items: list[dict] = []
    page = client.post_json(path, json=body)
    while True:
        items += (page.get("data") or {}).get("metrics") or []
        next_url = (page.get("pagination") or {}).get("next_url")
        if not next_url:
            return items
        page = client.post_json(next_url, json=body)


# ---------------------------------------------------------------- records

def _record(item: dict, account_id: str, account: dict, entities: dict[str, dict[str, dict]]) -> dict:
    """One report row with its account and names: an ad names its ad group and campaign, an ad group its campaign."""
    ad = entities.get("ads", {}).get(str(item.get("ad_id")), {}) if item.get("ad_id") else {}
    group_id = item.get("ad_group_id") or ad.get("ad_group_id")
    group = entities.get("ad_groups", {}).get(str(group_id), {}) if group_id else {}
    campaign_id = item.get("campaign_id") or group.get("campaign_id") or ad.get("campaign_id")
    campaign = entities.get("campaigns", {}).get(str(campaign_id), {}) if campaign_id else {}
    row = {"account_id": account_id, "account_name": account.get("name"), "account_currency": account.get("currency"),
           "account_time_zone": account.get("time_zone_id"),
           "campaign_id": campaign_id, "campaign_name": campaign.get("name"),
           "ad_group_id": group_id, "ad_group_name": group.get("name"),
           "ad_id": item.get("ad_id"), "ad_name": ad.get("name")}
    row.update({key.lower(): value for key, value in item.items() if key.lower() not in row})
    return {key: text_cell(value) for key, value in row.items()}

