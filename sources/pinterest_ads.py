"""Pinterest API v5 ad analytics (campaign, ad group or ad; daily) -> one raw row per entity and day, with names."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources import http
from roi.sources.http import ApiClient, ApiError, BearerAuth, json_body
from roi.sources.records import date_slices, text_cell, text_frame

# Either a refresh-token trio (access tokens last 30 days and are refreshed) or ACCESS_TOKEN alone.
SECRETS = (("CLIENT_ID", "ACCESS_TOKEN"), ("CLIENT_SECRET", "ACCESS_TOKEN"), ("REFRESH_TOKEN", "ACCESS_TOKEN"))
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metric", "conversion_value_metric", "click_window_days", "view_window_days",
           "conversion_report_time")
DEFAULT_BASE_URL = "https://api.pinterest.com/v5/"
DEFAULT_TOKEN_URL = "https://api.pinterest.com/v5/oauth/token"
API_VERSION = "v5"                   # the version is part of base_url; Pinterest serves no other


@dataclass(frozen=True)
class Level:
    listing: str          # the entity list and analytics path: ad_accounts/{id}/<listing>
    ids_param: str        # the analytics query parameter naming the entities (at most MAX_IDS)
    id_column: str        # the id key of an analytics row
    report_level: str     # the async report's level


LEVELS = {
    "campaign": Level("campaigns", "campaign_ids", "CAMPAIGN_ID", "CAMPAIGN"),
    "ad_group": Level("ad_groups", "ad_group_ids", "AD_GROUP_ID", "AD_GROUP"),
    "ad": Level("ads", "ad_ids", "AD_ID", "PIN_PROMOTION"),
}
# Paid delivery (the _1 columns: what was paid for; earned impressions and clicks cost nothing), spend in
# micro-units of the account's currency.
METRICS = ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1", "OUTBOUND_CLICK_1", "ENGAGEMENT_1",
           "TOTAL_IMPRESSION_USER", "VIDEO_MRC_VIEWS_1"]
DEFAULT_CONVERSIONS = "TOTAL_CHECKOUT"                            # checkouts, click + view + engagement
DEFAULT_CONVERSION_VALUE = "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"
WINDOW_DAYS = (0, 1, 7, 14, 30, 60)                               # the attribution windows Pinterest accepts
REPORT_TIMES = ("TIME_OF_AD_ACTION", "TIME_OF_CONVERSION")
ENTITY_STATUSES = "ACTIVE,PAUSED,ARCHIVED"    # the listings' default leaves ARCHIVED out: its past spend too
PAGE_SIZE = 250             # the largest page of an entity listing (bookmark paging)
MAX_IDS = 250               # entities per analytics request
SYNC_DAYS_BACK = 89         # analytics answer for start dates up to 90 days back (UTC), 90 days per request
SYNC_SPAN = 90
REPORT_SPAN = 186           # an async report spans at most 186 days, up to 914 days back
POLL_DELAYS = [2, 3, 5, 10, 15, 30]       # seconds between polls of an async report; the last repeats
MAX_POLL_SECONDS = 20 * 60
RATE_LIMITED = {8, 2726}    # "exceeded your rate limit", "reporting query cost limit exceeded"


def utc_today() -> dt.date:
    """Today in UTC: Pinterest counts its 90 days back from it (tests replace it)."""
    return dt.datetime.now(dt.timezone.utc).date()


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily row of the window for every ad account: the analytics endpoints for a window that starts
    within Pinterest's last 90 days, else async reports (older days), names from the entity listings."""
    level = _level(source)
    columns = _columns(source)
    attribution = _attribution(source)
    if source.api_version and str(source.api_version) != API_VERSION:
        raise ConfigError(f"{source.name}: Pinterest serves API {API_VERSION} only — remove api_version "
                          f"({source.api_version!r}) from roi.toml")
    client = _client(session, source, secret)
    rows: list[dict] = []
    for account_id in (str(a).strip() for a in source.account_ids):
        info = client.get_json(f"ad_accounts/{account_id}")
        names = _names(client, account_id, level)
        if window[0] >= utc_today() - dt.timedelta(days=SYNC_DAYS_BACK):
            found = _analytics(client, account_id, level, names[level], columns, attribution, window)
        else:
            found = _reports(client, account_id, level, columns, attribution, window)
        seen: set[tuple] = set()
        for item in found:
            if level == "ad" and item.get("AD_ID") is None:     # an ad is also called a pin promotion
                item["AD_ID"] = item.get("PIN_PROMOTION_ID")
            key = (text_cell(item.get(LEVELS[level].id_column)), text_cell(item.get("DATE")))
            if key in seen:          # a row twice (an entity listed on two pages)
                continue
            seen.add(key)
            rows.append(_record(item, account_id, info, level, names))
    return text_frame(rows, ["ad_account_id"])


# ---------------------------------------------------------------- requests

def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]) -> ApiClient:
    bearer = BearerAuth(session, source, secret, source.token_url or DEFAULT_TOKEN_URL,
                        basic_auth=True, refused_hint=" (refresh tokens last a year)")
    throttled = {"n": 0}

    def problem(resp: requests.Response):
        body = json_body(resp)
        code = body.get("code") if isinstance(body.get("code"), int) else None
        if resp.status_code == 429 or code in RATE_LIMITED:
            throttled["n"] += 1
            return ("retry", _rate_limit_wait(resp) or min(60.0, 5.0 * 2 ** (throttled["n"] - 1)))
        throttled["n"] = 0
        if resp.status_code in (403, 404) and "/ad_accounts/" in resp.url and code is not None:
            return (f"Pinterest refused ad account {resp.url.split('/ad_accounts/')[1].split('/')[0].split('?')[0]} "
                    f"(HTTP {resp.status_code}, code {code}: {str(body.get('message') or '')[:120]}) — check "
                    "account_ids and that the token's user has the Admin, Analyst or Campaign Manager role on it")
        return None

    return bearer.api_client(session, source, source.base_url or DEFAULT_BASE_URL, problem=problem,
                             oauth_hint=" (the app needs the ads:read scope)",
                             access_hint=" (it may have expired: Pinterest access tokens last 30 days — set "
                                         "CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN to refresh it)")


def _rate_limit_wait(resp: requests.Response) -> float | None:
    """Seconds to wait from Retry-After, else X-RateLimit-Reset (seconds to the reset, or its epoch time)."""
    for name in ("Retry-After", "X-RateLimit-Reset"):
        try:
            value = float(resp.headers.get(name) or "")
        except ValueError:
            continue
        if value > 1e9:                      # an epoch time rather than a number of seconds
            value -= time.time()
        return min(300.0, max(0.0, value))
    return None


def _names(client: ApiClient, account_id: str, level: str) -> dict[str, dict[str, dict]]:
    """The account's campaigns (and ad groups, ads down to `level`), by id, every status that can have spent."""
    wanted = list(LEVELS)[:list(LEVELS).index(level) + 1]
    return {name: _listing(client, f"ad_accounts/{account_id}/{LEVELS[name].listing}") for name in wanted}


def _listing(client: ApiClient, path: str) -> dict[str, dict]:
    """Every item of a bookmark-paged entity listing, by id."""
    found: dict[str, dict] = {}
    bookmark = None
    while True:
        params = {"entity_statuses": ENTITY_STATUSES, "page_size": PAGE_SIZE}
        if bookmark:
            params["bookmark"] = bookmark
        page = client.get_json(path, params=params)
        for item in page.get("items") or []:
            if item.get("id") is not None:
                found[str(item["id"])] = item
        bookmark = page.get("bookmark")
        if not bookmark:
            return found


def _analytics(client: ApiClient, account_id: str, level: str, entities: dict[str, dict], columns: list[str],
               attribution: dict, window: tuple[dt.date, dt.date]) -> list[dict]:
    """Daily rows of the level's analytics endpoint: 90-day spans, 250 entities per request."""
    spec = LEVELS[level]
    ids = sorted(entities)
    rows: list[dict] = []
    for start, end in date_slices(window, SYNC_SPAN):
        for i in range(0, len(ids), MAX_IDS):
            params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "granularity": "DAY",
                      "columns": ",".join(columns), spec.ids_param: ",".join(ids[i:i + MAX_IDS]), **attribution}
            answer = client.request("GET", f"ad_accounts/{account_id}/{spec.listing}/analytics", params=params)
            rows += [r for r in (client.json(answer) if answer.content.strip() else []) if isinstance(r, dict)]
    return rows


def _reports(client: ApiClient, account_id: str, level: str, columns: list[str], attribution: dict,
             window: tuple[dt.date, dt.date]) -> list[dict]:
    """Daily rows of async reports (JSON, spans of 186 days): requested, polled until ready, downloaded."""
    spec = LEVELS[level]
    id_columns = [LEVELS[name].id_column for name in list(LEVELS)[:list(LEVELS).index(level) + 1]]
    # The download URL is pre-signed: no credentials go with it (retries and scrubbing as for every call).
    download = ApiClient(client.session, source=client.source, base_url=client.base_url)
    download.secrets = client.secrets
    rows: list[dict] = []
    for start, end in date_slices(window, REPORT_SPAN):
        body = {"start_date": start.isoformat(), "end_date": end.isoformat(), "granularity": "DAY",
                "level": spec.report_level, "columns": id_columns + columns, "report_format": "JSON",
                **attribution}
        created = client.post_json(f"ad_accounts/{account_id}/reports", json=body)
        token = created.get("token")
        if not token:
            raise ApiError(f"{client.source}: Pinterest did not start the report of ad account {account_id} "
                           f"({str(created.get('message') or created.get('report_status') or '')[:160]}) — "
                           "the run will retry it next time")
        data = download.get_json(_poll(client, account_id, token))
        for entity_rows in (data.values() if isinstance(data, dict) else [data]):
            rows += [r for r in entity_rows or [] if isinstance(r, dict)]
    return rows


def _poll(client: ApiClient, account_id: str, token: str) -> str:
    """The report's download URL once Pinterest has built it."""
    waited = 0.0
    for waited in http.polls(POLL_DELAYS, MAX_POLL_SECONDS):
        status = client.get_json(f"ad_accounts/{account_id}/reports", params={"token": token})
        state = str(status.get("report_status") or "")
        if state == "FINISHED" and status.get("url"):
            return str(status["url"])
        if state not in ("IN_PROGRESS", "FINISHED", ""):
            raise ApiError(f"{client.source}: Pinterest could not build the report of ad account {account_id} "
                           f"(status {state}) — the run will retry it next time; if it keeps failing, try a "
                           "shorter window")
    raise ApiError(f"{client.source}: the report of ad account {account_id} was still being built after "
                   f"{int(waited // 60)} minutes — the run will retry it next time")


# ---------------------------------------------------------------- records

def _record(item: dict, account_id: str, info: dict, level: str, names: dict[str, dict[str, dict]]) -> dict:
    row = {"ad_account_id": account_id, "ad_account_name": info.get("name"),
           "ad_account_currency": info.get("currency"), "level": level}
    row.update({key: text_cell(value) for key, value in item.items()})
    entity_id = row.get(LEVELS[level].id_column)
    entity = names[level].get(entity_id or "", {})
    if level == "ad":
        row["AD_NAME"] = row.get("AD_NAME") or entity.get("name")
        row["AD_GROUP_ID"] = row.get("AD_GROUP_ID") or text_cell(entity.get("ad_group_id"))
    if level in ("ad", "ad_group"):
        group = names["ad_group"].get(row.get("AD_GROUP_ID") or "", {})
        row["AD_GROUP_NAME"] = row.get("AD_GROUP_NAME") or group.get("name")
        row["CAMPAIGN_ID"] = row.get("CAMPAIGN_ID") or text_cell(entity.get("campaign_id") or group.get("campaign_id"))
    campaign = names["campaign"].get(row.get("CAMPAIGN_ID") or "", {})
    row["CAMPAIGN_NAME"] = row.get("CAMPAIGN_NAME") or campaign.get("name")
    return row


# ---------------------------------------------------------------- options

def _level(source: SourceConfig) -> str:
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    return level


def _columns(source: SourceConfig) -> list[str]:
    extra = [str(source.options.get("conversion_metric", DEFAULT_CONVERSIONS)).upper(),
             str(source.options.get("conversion_value_metric", DEFAULT_CONVERSION_VALUE)).upper()]
    return list(dict.fromkeys(METRICS + extra))


def _attribution(source: SourceConfig) -> dict:
    """click_window_days, view_window_days and conversion_report_time as set (Pinterest's defaults: 30, 1,
    TIME_OF_AD_ACTION)."""
    found: dict = {}
    for key in ("click_window_days", "view_window_days"):
        if key in source.options:
            value = source.options[key]
            if value not in WINDOW_DAYS or isinstance(value, bool):
                raise ConfigError(f"{source.name}: {key} must be one of {', '.join(map(str, WINDOW_DAYS))} "
                                  f"(days), not {value!r}")
            found[key] = value
    if "conversion_report_time" in source.options:
        value = str(source.options["conversion_report_time"]).upper()
        if value not in REPORT_TIMES:
            raise ConfigError(f"{source.name}: conversion_report_time must be \"TIME_OF_AD_ACTION\" or "
                              f"\"TIME_OF_CONVERSION\", not {source.options['conversion_report_time']!r}")
        found["conversion_report_time"] = value
    return found
