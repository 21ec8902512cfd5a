"""TikTok API for Business (report/integrated/get, BASIC daily) -> one raw row per report row, with names."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, json_body
from roi.sources.records import date_slices, text_cell, text_frame

log = logging.getLogger("roi.tiktok_ads")

SECRETS = ("ACCESS_TOKEN",)
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metric", "conversion_value_metric")
DEFAULT_BASE_URL = "https://business-api.tiktok.com/open_api/"
DEFAULT_API_VERSION = "v1.3"

LEVELS = {   # level -> (data_level, id dimension, attribute metrics allowed at that level)
    "campaign": ("AUCTION_CAMPAIGN", "campaign_id", ["campaign_name"]),
    "ad_group": ("AUCTION_ADGROUP", "adgroup_id", ["campaign_id", "campaign_name", "adgroup_name"]),
    "ad": ("AUCTION_AD", "ad_id", ["campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_name"]),
}
METRICS = ["spend", "impressions", "clicks", "reach", "video_play_actions", "likes", "comments", "shares", "follows"]
DEFAULT_CONVERSIONS = "conversion"
DEFAULT_CONVERSION_VALUE = "total_complete_payment_rate"   # TikTok's name for the purchase value
MAX_DAYS = 30            # a daily report spans at most 30 days per request
PAGE_SIZE = 1000         # the largest page TikTok serves
RATE_LIMITED = {40100}                   # QPS/QPM/QPD limits: wait and retry
AUTH_CODES = {40102, 40104, 40105}       # access token missing, expired or revoked
SERVER_CODES = range(50000, 60000)       # internal errors: retry


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily row of the window for every advertiser, in slices of at most 30 days, every page."""
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    data_level, id_dimension, attributes = LEVELS[level]
    metrics = list(dict.fromkeys(METRICS + attributes + [
        str(source.options.get("conversion_metric", DEFAULT_CONVERSIONS)),
        str(source.options.get("conversion_value_metric", DEFAULT_CONVERSION_VALUE))]))
    version = str(source.api_version or DEFAULT_API_VERSION)
    client = _client(session, source, secret, version)
    advertisers = _advertisers(client, version, [str(a).strip() for a in source.account_ids])
    rows: list[dict] = []
    for advertiser_id in (str(a).strip() for a in source.account_ids):
        info = advertisers.get(advertiser_id, {})
        seen: set[str] = set()
        for start, end in date_slices(window, MAX_DAYS):
            page, total = 1, 1
            while page <= total:
                params = {
                    "advertiser_id": advertiser_id, "report_type": "BASIC", "data_level": data_level,
                    "dimensions": json.dumps([id_dimension, "stat_time_day"]), "metrics": json.dumps(metrics),
                    "start_date": start.isoformat(), "end_date": end.isoformat(),
                    "page": page, "page_size": PAGE_SIZE,
                }
                data = client.get_json(f"{version}/report/integrated/get/", params=params).get("data") or {}
                for item in data.get("list") or []:
                    dimensions = item.get("dimensions") or {}
                    key = json.dumps(dimensions, sort_keys=True)
                    if key in seen:       # a row that moved across pages while paging
                        continue
                    seen.add(key)
                    rows.append(_record(item, advertiser_id, info))
                total = int((data.get("page_info") or {}).get("total_page") or 0)
                page += 1
    return text_frame(rows, ["advertiser_id"])


# ---------------------------------------------------------------- requests

def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
            version: str) -> ApiClient:
    token = secret("ACCESS_TOKEN") or ""
    hint = f"{source.secret_prefix}ACCESS_TOKEN"
    throttled = {"n": 0}

    def problem(resp: requests.Response):
        if resp.headers.get("X-Api-Deprecation-Info"):
            log.warning("%s: %s", source.name, resp.headers["X-Api-Deprecation-Info"][:300])
        body = json_body(resp)
        code, message = body.get("code"), str(body.get("message") or "").strip().rstrip(".")
        try:
            code = int(code) if code is not None else None
        except (TypeError, ValueError):
            code = None
        request_id = f", request_id {body['request_id']}" if body.get("request_id") else ""
        if (resp.status_code in (404, 410) and f"/{version}/" in resp.url) or (
                code and re.search(r"version", message, re.I)
                and re.search(r"deprecat|no longer|not support|sunset|offline|invalid", message, re.I)):
            advice = (f"remove api_version to use {DEFAULT_API_VERSION}" if version != DEFAULT_API_VERSION else
                      "set api_version to the current version (business-api.tiktok.com/portal/docs, Versioning)")
            return (f"TikTok does not serve API {version} (HTTP {resp.status_code}"
                    f"{', ' + message[:120] if message else ''}; or base_url is wrong) — {advice} in roi.toml")
        if code in RATE_LIMITED or code in SERVER_CODES:
            throttled["n"] += 1
            return ("retry", min(60.0, 5.0 * 2 ** (throttled["n"] - 1)))
        throttled["n"] = 0
        if code in AUTH_CODES:
            return (f"TikTok refused the access token (code {code}: {message[:120]}{request_id}) — check {hint} "
                    "(a long-term token of your TikTok API for Business app with the Reporting permission)")
        if code == 40001:
            return (f"TikTok says the access token may not read this advertiser (code 40001: {message[:120]}"
                    f"{request_id}) — authorise the app for every account_ids entry, or check {hint}")
        if code and resp.status_code < 400:
            return f"TikTok answered code {code}: {message[:160]}{request_id} — check the source's options"
        return None

    return ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                     auth=lambda: {"Access-Token": token}, auth_hint=hint, secrets=[token], problem=problem)


def _advertisers(client: ApiClient, version: str, ids: list[str]) -> dict[str, dict]:
    """Name, currency and time zone of each advertiser (advertiser/info takes up to 100 ids)."""
    found: dict[str, dict] = {}
    for i in range(0, len(ids), 100):
        params = {"advertiser_ids": json.dumps(ids[i:i + 100]),
                  "fields": json.dumps(["advertiser_id", "name", "currency", "timezone", "display_timezone"])}
        data = client.get_json(f"{version}/advertiser/info/", params=params).get("data") or {}
        for item in data.get("list") or []:
            found[str(item.get("advertiser_id"))] = item
    return found


# ---------------------------------------------------------------- records

def _record(item: dict, advertiser_id: str, info: dict) -> dict:
    row = {"advertiser_id": advertiser_id, "advertiser_name": info.get("name"),
           "advertiser_currency": info.get("currency"),
           "advertiser_timezone": info.get("timezone") or info.get("display_timezone")}
    for part in ("dimensions", "metrics"):
        row.update({key: text_cell(value) for key, value in (item.get(part) or {}).items()})
    return row
