"""Search Console's Search Analytics API -> raw rows per property: day totals, and query × page rows a day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote, unquote

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.google_auth import GOOGLE_SECRETS, google_bearer
from roi.sources.http import ApiClient, json_body
from roi.sources.records import text_cell, text_frame

# A service account's JSON key (its client_email a user of each property; sources/google_auth.py), else a Google
# OAuth refresh-token trio (access tokens last an hour and are refreshed), else ACCESS_TOKEN alone.
SECRETS = GOOGLE_SECRETS
SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
# account_ids are the properties to pull ("https://www.example.it/", "sc-domain:example.it"), all in one load:
# core.organic_search has no account_id column, so a load of one property alone could not replace only its rows.
NEEDS_ACCOUNTS = False
OPTIONS = ("data_state", "search_type", "row_limit")
DEFAULT_BASE_URL = "https://searchconsole.googleapis.com/webmasters/v3/"

# The two queries per property and window: the day's totals (the property's own figures, anonymised queries
# included) and the detail rows (queries Google does not anonymise, by page).
TOTALS = ("date",)
DETAIL = ("date", "query", "page")
DATA_STATES = ("final", "all")        # final: settled days only; all: the last days' fresh (partial) data too
# The search types that have queries and positions (Discover and Google News have neither).
SEARCH_TYPES = ("web", "image", "video", "news")
MAX_ROWS = 25_000                     # the largest page the API serves (startRow pages through the rest)
RATE_LIMITED = {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}
COLUMNS = ["site_url", "search_type", "dimensions", "date", "query", "page", "clicks", "impressions", "ctr",
           "position", "aggregation"]


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every row of the window for every property in account_ids: the day totals, then the query × page rows."""
    sites = [str(a).strip() for a in source.account_ids if str(a).strip()]
    if not sites:
        raise ConfigError(f"{source.name}: needs account_ids = [\"https://www.example.it/\"] or "
                          "[\"sc-domain:example.it\"] (the Search Console properties to pull, as Search Console "
                          "names them)")
    body = {"startDate": window[0].isoformat(), "endDate": window[1].isoformat(),
            "type": _search_type(source), "dataState": _data_state(source)}
    limit = _row_limit(source)
    client = _client(session, source, secret)
    rows: list[dict] = []
    seen: set[tuple] = set()
    for site in dict.fromkeys(sites):
        for dimensions in (TOTALS, DETAIL):
            for item, aggregation in _rows(client, site, {**body, "dimensions": list(dimensions)}, limit):
                record = _record(site, body["type"], dimensions, item, aggregation)
                key = (site, record["dimensions"], record.get("date"), record.get("query"), record.get("page"))
                if key in seen:            # a row served twice (the ranking shifted between two pages)
                    continue
                seen.add(key)
                rows.append(record)
    return text_frame(rows, COLUMNS)


def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]) -> ApiClient:
    bearer = google_bearer(session, source, secret, SCOPE,
                           refused_hint=" (the OAuth client's app needs the webmasters.readonly scope)")
    account = f"the service account {bearer.token.client_email}" if bearer.token is not None else \
        "that account"

    def problem(resp: requests.Response):
        if resp.status_code != 403:
            return None
        error = json_body(resp).get("error")
        error = error if isinstance(error, dict) else {}
        details = [e for e in error.get("errors") or [] if isinstance(e, dict)]
        if any(e.get("reason") in RATE_LIMITED or e.get("domain") == "usageLimits" for e in details):
            return ("retry", 30.0)       # an older quota answer: 403 rather than 429
        message = str(error.get("message") or "")
        if "permission for site" in message.lower():      # "User does not have sufficient permission for site …"
            site = _site_of(resp.url)
            return (f"Search Console refused property {site} (HTTP 403: the token's Google account has no access "
                    f"to it) — add {account} as a user of the property (Search Console → Settings → Users and "
                    "permissions), or write the property in account_ids exactly as Search Console lists it: "
                    "\"https://www.example.it/\" with its scheme and final slash, or \"sc-domain:example.it\"")
        return None

    return bearer.api_client(session, source, source.base_url or DEFAULT_BASE_URL, problem=problem,
                             access_hint=" (Google access tokens last an hour: set SERVICE_ACCOUNT_JSON, or "
                                         "CLIENT_ID, CLIENT_SECRET and REFRESH_TOKEN, to renew it)")


def _site_of(url: str) -> str:
    """The property named in a searchAnalytics URL: .../sites/<encoded property>/searchAnalytics/query."""
    encoded = url.split("/sites/", 1)[-1].split("/searchAnalytics", 1)[0]
    return unquote(encoded)


def _rows(client: ApiClient, site: str, body: dict, limit: int) -> list[tuple[dict, str | None]]:
    """Every row of one query, `limit` rows a page from startRow 0 on until a page comes back short (the
    answer gives no row count), each with the answer's responseAggregationType."""
    path = f"sites/{quote(site, safe='')}/searchAnalytics/query"
    found: list[tuple[dict, str | None]] = []
    start = 0
    while True:
        page = client.post_json(path, json={**body, "rowLimit": limit, "startRow": start})
        batch = [r for r in page.get("rows") or [] if isinstance(r, dict)]
        aggregation = text_cell(page.get("responseAggregationType"))
        found += [(r, aggregation) for r in batch]
        start += len(batch)
        if len(batch) < limit:
            return found


def _record(site: str, search_type: str, dimensions: tuple[str, ...], item: dict, aggregation: str | None) -> dict:
    keys = item.get("keys") if isinstance(item.get("keys"), list) else []
    record = {"site_url": site, "search_type": search_type, "dimensions": ",".join(dimensions),
              "aggregation": aggregation}
    record.update({name: text_cell(keys[i]) if i < len(keys) else None for i, name in enumerate(dimensions)})
    record.update({metric: text_cell(item.get(metric)) for metric in ("clicks", "impressions", "ctr", "position")})
    return record


# ---------------------------------------------------------------- options

def _data_state(source: SourceConfig) -> str:
    return _choice(source, "data_state", "final", DATA_STATES, "\"final\" (settled days) or \"all\" (the last "
                   "days' fresh data too)")


def _search_type(source: SourceConfig) -> str:
    return _choice(source, "search_type", "web", SEARCH_TYPES, f"one of {', '.join(SEARCH_TYPES)} (Discover and "
                   "Google News have no queries or positions)")


def _choice(source: SourceConfig, key: str, default: str, allowed: tuple[str, ...], must: str) -> str:
    """The option `key` (lower case), one of `allowed`; else a one-line ConfigError saying it must be `must`."""
    value = str(source.options.get(key, default)).lower()
    if value not in allowed:
        raise ConfigError(f"{source.name}: {key} must be {must}, not {source.options[key]!r}")
    return value


def _row_limit(source: SourceConfig) -> int:
    value = source.options.get("row_limit", MAX_ROWS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROWS:
        raise ConfigError(f"{source.name}: row_limit must be a whole number of rows from 1 to {MAX_ROWS} "
                          f"(rows per page), not {value!r}")
    return value
