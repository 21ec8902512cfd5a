"""GA4 Data API v1beta runReport: sessions by day, channel group, source / medium and campaign, per property."""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.google_auth import GOOGLE_SECRETS, google_bearer
from roi.sources.http import ApiClient, json_body
from roi.sources.records import text_cell, text_frame
from roi.transforms.ga4 import API_DIMENSIONS, API_METRICS, DEFAULT_KEY_EVENTS, DEFAULT_REVENUE

# A service account's JSON key (its client_email a Viewer of each property; sources/google_auth.py), else a Google
# OAuth client's refresh token (scope analytics.readonly) exchanged at Google's token endpoint as the Google Ads
# source does, else an ACCESS_TOKEN alone.
SECRETS = GOOGLE_SECRETS
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
# account_ids are the GA4 property ids and are required (checked in fetch): the source is loaded whole, not a
# property at a time, because core.web_sessions keys rows by property_id, not by the account_id a per-account
# load replaces.
NEEDS_ACCOUNTS = False
OPTIONS = ("key_event_metric", "revenue_metric")
DEFAULT_BASE_URL = "https://analyticsdata.googleapis.com/"
DEFAULT_API_VERSION = "v1beta"
PAGE_SIZE = 250_000          # the most rows runReport returns at once; `offset` pages on, `rowCount` says how many
# keyEvents (2024 on) or conversions (before), all key events or one ("keyEvents:purchase").
KEY_EVENT_METRIC = re.compile(r"^(keyEvents|conversions)(:[A-Za-z0-9_]{1,40})?$")
REVENUE_METRICS = ("purchaseRevenue", "totalRevenue")

log = logging.getLogger("roi")


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every row of the window for every property in account_ids: one runReport per property, paged."""
    properties = _properties(source)
    metrics = list(API_METRICS.values()) + [_key_event_metric(source), _revenue_metric(source)]
    version = source.api_version or DEFAULT_API_VERSION
    client = _client(session, source, secret)
    body = {"dateRanges": [{"startDate": window[0].isoformat(), "endDate": window[1].isoformat()}],
            "dimensions": [{"name": name} for name in API_DIMENSIONS.values()],
            "metrics": [{"name": name} for name in metrics],
            "returnPropertyQuota": True}
    rows: list[dict] = []
    for property_id in properties:
        rows += _report(client, f"{version}/properties/{property_id}:runReport", property_id, body)
    return text_frame(rows, ["property_id", "currency_code", "time_zone", *API_DIMENSIONS.values(), *metrics])


def _report(client: ApiClient, path: str, property_id: str, body: dict) -> list[dict]:
    """The report's rows as records, page by page (`limit` + `offset`) until `rowCount` rows are read."""
    rows: list[dict] = []
    offset = 0
    while True:
        answer = client.post_json(path, json={**body, "limit": PAGE_SIZE, "offset": offset})
        names = [h.get("name") for h in answer.get("dimensionHeaders") or []] + \
                [h.get("name") for h in answer.get("metricHeaders") or []]
        meta = answer.get("metadata") or {}
        _log_quota(client.source, property_id, answer.get("propertyQuota") or {})
        if meta.get("dataLossFromOtherRow"):
            log.warning("%s: property %s put some rows into \"(other)\" (too many distinct values for one day) — "
                        "its sessions are in the totals but not under their own source / medium",
                        client.source, property_id)
        page = answer.get("rows") or []
        for row in page:
            cells = [v.get("value") for v in (row.get("dimensionValues") or []) + (row.get("metricValues") or [])]
            record = {"property_id": property_id, "currency_code": meta.get("currencyCode"),
                      "time_zone": meta.get("timeZone")}
            record.update({name: text_cell(value) for name, value in zip(names, cells)})
            rows.append(record)
        offset += len(page)
        if not page or offset >= int(answer.get("rowCount") or 0):
            return rows


def _log_quota(source: str, property_id: str, quota: dict) -> None:
    """The property's Analytics tokens left today and this hour (returnPropertyQuota)."""
    day, hour = quota.get("tokensPerDay") or {}, quota.get("tokensPerHour") or {}
    if day or hour:
        log.info("%s: property %s has %s Analytics tokens left today, %s this hour", source, property_id,
                 day.get("remaining", "?"), hour.get("remaining", "?"))


# ---------------------------------------------------------------- requests

def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]) -> ApiClient:
    prefix = source.secret_prefix
    bearer = google_bearer(session, source, secret, SCOPE)
    user = f"the service account {bearer.token.client_email}" if bearer.token is not None else \
        f"the user of {prefix}REFRESH_TOKEN"
    return bearer.api_client(session, source, source.base_url or DEFAULT_BASE_URL, problem=_problem(user),
                             oauth_hint=" (the refresh token needs the analytics.readonly scope)",
                             access_hint=" (Google access tokens last an hour: set SERVICE_ACCOUNT_JSON, or "
                                         "CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN, instead)")


def _problem(user: str):
    def problem(resp: requests.Response):
        """Google's {"error": {"code", "message", "status"}} as one line naming the property and the fix."""
        if resp.status_code < 400 or resp.status_code == 401:
            return None   # a 401: the client refreshes the access token once and tries again
        error = json_body(resp).get("error")
        error = error if isinstance(error, dict) else {}
        status = str(error.get("status") or "")
        message = re.split(r"(?<=\.)\s", str(error.get("message") or "").strip())[0][:160]   # its first sentence
        found = re.search(r"/properties/([^/:?]+)", resp.url or "")
        where = f"property {found.group(1)}" if found else "the Analytics Data API"
        said = f"HTTP {resp.status_code} {status}: {message}" if message else f"HTTP {resp.status_code} {status}"
        if resp.status_code == 429 or status == "RESOURCE_EXHAUSTED":
            if re.search(r"per day|daily", message, re.I):
                return (f"{where} has used up its Analytics tokens for the day ({said.strip()}) — the next run "
                        "will pull it again; a shorter window or fewer sources on the property use fewer")
            return None   # tokens per hour or concurrent requests: retried after Retry-After or a backoff
        if resp.status_code == 403 or status == "PERMISSION_DENIED":
            return (f"{where} refused the report ({said.strip()}) — check that account_ids holds its GA4 property "
                    f"id (Admin > Property settings), that {user} has the Viewer role on it (Admin > Property access "
                    "management) and that the Analytics Data API is enabled in its Google Cloud project")
        if resp.status_code == 404 or status == "NOT_FOUND":
            return f"{where} was not found ({said.strip()}) — check the property id in account_ids"
        if resp.status_code == 400 or status == "INVALID_ARGUMENT":
            return (f"runReport of {where} was refused ({said.strip()}) — check key_event_metric and revenue_metric "
                    "in roi.toml")
        return None   # 5xx: the client's retries

    return problem


# ---------------------------------------------------------------- options

def _properties(source: SourceConfig) -> list[str]:
    """The property ids of account_ids: '123456789' or 'properties/123456789'."""
    if not source.account_ids:
        raise ConfigError(f"{source.name}: needs account_ids = [\"123456789\"] (the GA4 property ids to pull: "
                          "Admin > Property settings)")
    found = []
    for value in source.account_ids:
        bare = str(value).strip().removeprefix("properties/")
        if not bare.isdigit():
            raise ConfigError(f"{source.name}: account id {value!r} is not a GA4 property id (digits, such as "
                              "\"123456789\", from Admin > Property settings) — fix account_ids in roi.toml")
        found.append(bare)
    return list(dict.fromkeys(found))


def _key_event_metric(source: SourceConfig) -> str:
    value = str(source.options.get("key_event_metric") or DEFAULT_KEY_EVENTS)
    if not KEY_EVENT_METRIC.match(value):
        raise ConfigError(f"{source.name}: key_event_metric must be \"keyEvents\", \"conversions\" (properties "
                          f"before 2024) or one event such as \"keyEvents:purchase\", not {value!r}")
    return value


def _revenue_metric(source: SourceConfig) -> str:
    value = str(source.options.get("revenue_metric") or DEFAULT_REVENUE)
    if value not in REVENUE_METRICS:
        raise ConfigError(f"{source.name}: revenue_metric must be \"purchaseRevenue\" or \"totalRevenue\", "
                          f"not {value!r}")
    return value

