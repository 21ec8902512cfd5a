"""Snapchat Marketing API v1 (ad account stats, DAY granularity, broken down by campaign, ad squad or ad)
-> one raw row per entity and day, with names, currency and time zone."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, OAuthToken, json_body
from roi.sources.records import date_slices, text_cell, text_frame

log = logging.getLogger("roi.snapchat_ads")

SECRETS = ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metric", "conversion_value_metric", "swipe_up_attribution_window",
           "view_attribution_window", "action_report_time")
DEFAULT_BASE_URL = "https://adsapi.snapchat.com/"
DEFAULT_API_VERSION = "v1"
DEFAULT_TOKEN_URL = "https://accounts.snapchat.com/login/oauth2/access_token"

LEVELS = {   # level -> (breakdown, the listings whose names the rows need: (path, list key, item key))
    "campaign": ("campaign", [("campaigns", "campaigns", "campaign")]),
    "ad_group": ("adsquad", [("campaigns", "campaigns", "campaign"), ("adsquads", "adsquads", "adsquad")]),
    "ad": ("ad", [("campaigns", "campaigns", "campaign"), ("adsquads", "adsquads", "adsquad"),
                  ("ads", "ads", "ad")]),
}
METRICS = ["impressions", "swipes", "spend", "video_views"]
DEFAULT_CONVERSIONS = "conversion_purchases"
DEFAULT_CONVERSION_VALUE = "conversion_purchases_value"     # micro-currency, as spend
SWIPE_WINDOWS = ("1_DAY", "7_DAY", "28_DAY")
VIEW_WINDOWS = ("none", "1_HOUR", "3_HOUR", "6_HOUR", "1_DAY", "7_DAY", "28_DAY")
DEFAULT_SWIPE_WINDOW = "28_DAY"     # Ads Manager's default attribution: 28-day swipe, 1-day view
DEFAULT_VIEW_WINDOW = "1_DAY"
REPORT_TIMES = ("conversion", "impression")
MAX_DAYS = 31            # days of DAY-granularity stats per request
PAGE_SIZE = 1000         # the largest `limit` Snap serves (50 .. 1000)
MAX_RATE_WAIT = 60.0     # the longest wait for X-Rate-Limit-Reset


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily stats row of the window for every ad account, in slices of at most 31 local days, every page."""
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    breakdown, listings = LEVELS[level]
    params = _stats_params(source, breakdown)
    version = str(source.api_version or DEFAULT_API_VERSION).strip("/")
    client = _client(session, source, secret)
    rows: list[dict] = []
    for account_id in (str(a).strip() for a in source.account_ids):
        account = _account(client, version, account_id)
        zone = _zone(source, account)
        names = {key: _listing(client, f"{version}/adaccounts/{account_id}/{path}", path, key)
                 for path, _, key in listings}
        seen: set[tuple[str, str]] = set()
        for start, end in date_slices(window, MAX_DAYS):
            query = {**params, "start_time": _midnight(start, zone),
                     "end_time": _midnight(end + dt.timedelta(days=1), zone)}
            url: str | None = f"{version}/adaccounts/{account_id}/stats"
            while url:
                body = client.get_json(url, params=query if "?" not in url else None)
                for entity, point in _points(body, breakdown, client.source):
                    key = (str(entity.get("id")), str(point.get("start_time")))
                    if key in seen:         # a row repeated across pages while paging
                        continue
                    seen.add(key)
                    rows.append(_record(account, entity, point, breakdown, names, params))
                url = (body.get("paging") or {}).get("next_link") or None
    return text_frame(rows, ["ad_account_id"])


# ---------------------------------------------------------------- requests

def _stats_params(source: SourceConfig, breakdown: str) -> dict:
    options = source.options
    swipe = str(options.get("swipe_up_attribution_window", DEFAULT_SWIPE_WINDOW)).upper()
    view = str(options.get("view_attribution_window", DEFAULT_VIEW_WINDOW))
    view = "none" if view.lower() == "none" else view.upper()
    report_time = str(options.get("action_report_time", "conversion")).lower()
    if swipe not in SWIPE_WINDOWS:
        raise ConfigError(f"{source.name}: swipe_up_attribution_window must be one of {', '.join(SWIPE_WINDOWS)}, "
                          f"not {swipe!r}")
    if view not in VIEW_WINDOWS:
        raise ConfigError(f"{source.name}: view_attribution_window must be one of {', '.join(VIEW_WINDOWS)}, "
                          f"not {view!r}")
    if report_time not in REPORT_TIMES:
        raise ConfigError(f"{source.name}: action_report_time must be \"conversion\" or \"impression\", "
                          f"not {report_time!r}")
    fields = list(dict.fromkeys(METRICS + [str(options.get("conversion_metric", DEFAULT_CONVERSIONS)),
                                           str(options.get("conversion_value_metric", DEFAULT_CONVERSION_VALUE))]))
    return {"granularity": "DAY", "breakdown": breakdown, "fields": ",".join(fields), "omit_empty": "true",
            "swipe_up_attribution_window": swipe, "view_attribution_window": view,
            "action_report_time": report_time, "limit": PAGE_SIZE}


def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]) -> ApiClient:
    prefix = source.secret_prefix
    trio = [secret(k) or "" for k in SECRETS]
    if not all(trio):
        raise ConfigError(f"{source.name}: needs {prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN "
                          "in the environment or .env (an OAuth app of Snap Business Manager)")
    oauth = OAuthToken(session=session, token_url=source.token_url or DEFAULT_TOKEN_URL, client_id=trio[0],
                       client_secret=trio[1], refresh_token=trio[2], source=source.name, secret_prefix=prefix)

    def auth() -> dict:
        token = oauth.get()
        if token not in client.secrets:
            client.secrets.append(token)
        return {"Authorization": f"Bearer {token}"}

    client = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL, auth=auth,
                       refresh=oauth.refresh, auth_hint=f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and "
                       f"{prefix}REFRESH_TOKEN (a Snap user with access to every account_ids entry)",
                       secrets=trio, problem=_problem)
    return client


def _problem(resp: requests.Response):
    """Snap's error body: {"request_status": "ERROR", "request_id", "debug_message", "display_message",
    "error_code"}; a 429 may carry X-Rate-Limit-Reset (epoch seconds) instead of Retry-After."""
    if resp.status_code == 429 and not resp.headers.get("Retry-After") and resp.headers.get("X-Rate-Limit-Reset"):
        try:
            reset = float(resp.headers["X-Rate-Limit-Reset"])
        except ValueError:
            return None
        wait = reset - time.time() if reset > 1e9 else reset      # an epoch time, or seconds
        return ("retry", min(MAX_RATE_WAIT, max(1.0, wait)))
    if resp.status_code in (401, 429) or resp.status_code >= 500:
        return None               # the client refreshes the token once, or retries
    body = json_body(resp)
    if resp.status_code < 400 and str(body.get("request_status", "SUCCESS")).upper() != "ERROR":
        return None
    message = str(body.get("debug_message") or body.get("display_message") or body.get("msg") or "").strip()
    code = f"{body['error_code']}: " if body.get("error_code") else ""
    request_id = f", request_id {body['request_id']}" if body.get("request_id") else ""
    reason = f"HTTP {resp.status_code}, {code}{message[:200]}{request_id}".rstrip(", ")
    if resp.status_code == 403:
        return (f"Snapchat refused access to {resp.url.split('?')[0].split('/v1/')[-1]} ({reason}) — give the "
                "Snap user of the refresh token a role on this ad account, or check account_ids")
    if resp.status_code == 404:
        return f"Snapchat does not know {resp.url.split('?')[0]} ({reason}) — check account_ids and api_version"
    return f"Snapchat refused the request ({reason}) — check the source's options in roi.toml"


def _account(client: ApiClient, version: str, account_id: str) -> dict:
    """The ad account's name, currency and time zone (GET /v1/adaccounts/{id})."""
    body = client.get_json(f"{version}/adaccounts/{account_id}")
    for item in body.get("adaccounts") or []:
        account = item.get("adaccount") or {}
        if str(account.get("id")) == account_id:
            return account
    raise ApiError(f"{client.source}: Snapchat did not return ad account {account_id} — check account_ids "
                   "(the ad account ids, not the organization id)")


def _zone(source: SourceConfig, account: dict) -> ZoneInfo:
    name = str(account.get("timezone") or "")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(f"{source.name}: ad account {account.get('id')} has the time zone {name!r}, which this "
                       "system does not know — install the tzdata package") from None


def _listing(client: ApiClient, path: str, items: str, key: str) -> dict[str, dict]:
    """Every entity of an ad account listing (campaigns, adsquads, ads), by id, following paging.next_link."""
    found: dict[str, dict] = {}
    url: str | None = path
    while url:
        body = client.get_json(url, params={"limit": PAGE_SIZE} if "?" not in url else None)
        for item in body.get(items) or []:
            entity = item.get(key) or {}
            if entity.get("id") is not None:
                found[str(entity["id"])] = entity
        url = (body.get("paging") or {}).get("next_link") or None
    return found


def _midnight(day: dt.date, zone: ZoneInfo) -> str:
    """The start of a day in the account's time zone, with its offset on that day (DST changes it)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).isoformat(timespec="milliseconds")


def _points(body: dict, breakdown: str, source: str):
    """(entity, day) pairs of a DAY-granularity answer: timeseries_stats[].timeseries_stat.breakdown_stats
    .<breakdown>[] each with its own timeseries[] of {start_time, end_time, stats}."""
    for wrapped in body.get("timeseries_stats") or []:
        status = str(wrapped.get("sub_request_status") or "SUCCESS").upper()
        if status != "SUCCESS":
            detail = wrapped.get("debug_message") or wrapped.get("error_code") or status
            raise ApiError(f"{source}: Snapchat could not compute part of the stats ({str(detail)[:200]}) — "
                           "the run will retry it next time")
        stat = wrapped.get("timeseries_stat") or {}
        for entity in (stat.get("breakdown_stats") or {}).get(breakdown) or []:
            for point in entity.get("timeseries") or []:
                yield entity, point


# ---------------------------------------------------------------- records

def _record(account: dict, entity: dict, point: dict, breakdown: str, names: dict[str, dict[str, dict]],
            params: dict) -> dict:
    entity_id = str(entity.get("id"))
    ad = names.get("ad", {}).get(entity_id, {}) if breakdown == "ad" else {}
    squad_id = entity_id if breakdown == "adsquad" else ad.get("ad_squad_id")
    squad = names.get("adsquad", {}).get(str(squad_id), {}) if squad_id else {}
    campaign_id = entity_id if breakdown == "campaign" else squad.get("campaign_id")
    campaign = names.get("campaign", {}).get(str(campaign_id), {}) if campaign_id else {}
    row = {
        "ad_account_id": str(account.get("id")), "ad_account_name": account.get("name"),
        "ad_account_currency": account.get("currency"), "ad_account_timezone": account.get("timezone"),
        "breakdown": breakdown, "campaign_id": text_cell(campaign_id), "campaign_name": campaign.get("name"),
        "ad_squad_id": text_cell(squad_id), "ad_squad_name": squad.get("name"),
        "ad_id": entity_id if breakdown == "ad" else None, "ad_name": ad.get("name"),
        "start_time": point.get("start_time"), "end_time": point.get("end_time"),
        "swipe_up_attribution_window": params["swipe_up_attribution_window"],
        "view_attribution_window": params["view_attribution_window"],
    }
    row.update({key: text_cell(value) for key, value in (point.get("stats") or {}).items()})
    return row
