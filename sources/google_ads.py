"""Google Ads API client: daily campaign, ad group, ad, keyword or search-term metrics per customer via searchStream."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, OAuthToken

SECRETS = ("DEVELOPER_TOKEN", "CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "login_customer_id")
DEFAULT_BASE_URL = "https://googleads.googleapis.com"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_API_VERSION = "v26"
LEVELS = ("campaign", "ad_group", "ad", "keyword", "search_term")

# GAQL resource and entity fields per level (the ad, keyword and search-term levels also name the ad group).
_RESOURCE = {"campaign": "campaign", "ad_group": "ad_group", "ad": "ad_group_ad", "keyword": "keyword_view",
             "search_term": "search_term_view"}
_AD_GROUP_FIELDS = ["campaign.id", "campaign.name", "ad_group.id", "ad_group.name"]
_ENTITY_FIELDS = {
    "campaign": ["campaign.id", "campaign.name"],
    "ad_group": _AD_GROUP_FIELDS,
    "ad": _AD_GROUP_FIELDS + ["ad_group_ad.ad.id", "ad_group_ad.ad.name"],
    "keyword": _AD_GROUP_FIELDS + ["ad_group_criterion.criterion_id", "ad_group_criterion.keyword.text",
                                   "ad_group_criterion.keyword.match_type"],
    # the keyword that matched the term: absent from the row where none did (e.g. dynamic search ads)
    "search_term": _AD_GROUP_FIELDS + ["search_term_view.search_term", "segments.keyword.info.text",
                                       "segments.keyword.info.match_type"],
}
_CUSTOMER_FIELDS = ["customer.id", "customer.descriptive_name", "customer.currency_code", "customer.time_zone"]
# Keyword and search-term views are asked for the metrics a keyword report has, not video views or
# engagements (left null in their rows).
_SEARCH_METRICS = ["metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions",
                   "metrics.conversions_value"]
_METRICS = _SEARCH_METRICS + ["metrics.engagements"]
# What makes a stream row one record: its ids, keyword, search term and day.
_KEY = ("customer.id", "campaign.id", "adGroup.id", "adGroupAd.ad.id", "adGroupCriterion.criterionId",
        "searchTermView.searchTerm", "segments.keyword.info.text", "segments.keyword.info.matchType",
        "segments.date")
# Statuses of a failed stream that are worth another try.
_TRANSIENT = {"RESOURCE_EXHAUSTED", "INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED"}
_REFRESHABLE = {None, "OAUTH_TOKEN_EXPIRED", "OAUTH_TOKEN_INVALID", "OAUTH_TOKEN_REVOKED", "OAUTH_TOKEN_DISABLED",
                "OAUTH_TOKEN_HEADER_INVALID", "AUTHENTICATION_ERROR"}


def video_field(version: str) -> str:
    """metrics.video_views was replaced by metrics.video_trueview_views in v22."""
    m = re.match(r"v(\d+)", version)
    return "metrics.video_trueview_views" if not m or int(m.group(1)) >= 22 else "metrics.video_views"


def fields(level: str, version: str) -> list[str]:
    """The GAQL fields of one level, in the order the stream's columns take."""
    metrics = _SEARCH_METRICS if level in ("keyword", "search_term") else _METRICS + [video_field(version)]
    return _CUSTOMER_FIELDS + _ENTITY_FIELDS[level] + ["segments.date"] + metrics


def query(level: str, window: tuple[dt.date, dt.date], version: str) -> str:
    """The GAQL of one level: one row per entity (keyword; search term and matched keyword) per day of the window."""
    return (f"SELECT {', '.join(fields(level, version))} FROM {_RESOURCE[level]} "
            f"WHERE segments.date BETWEEN '{window[0].isoformat()}' AND '{window[1].isoformat()}'")


def api_columns(level: str, version: str) -> list[str]:
    """The columns a stream row flattens to (REST names: dotted, camelCase), present even when empty."""
    def camel(name: str) -> str:
        return ".".join(re.sub(r"_([a-z])", lambda m: m.group(1).upper(), part) for part in name.split("."))
    return [camel(f) for f in fields(level, version)]


def customer_id(value: str, what: str, source: SourceConfig) -> str:
    """'123-456-7890' -> '1234567890'."""
    digits = re.sub(r"[\s-]", "", str(value))
    if not digits.isdigit():
        raise ApiError(f"{source.name}: {what} '{value}' is not a Google Ads customer id like 123-456-7890 — "
                       "fix it in roi.toml")
    return digits


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every record of the window at the source's level for every customer id, one row per stream row."""
    version = source.api_version or DEFAULT_API_VERSION
    level = str(source.options.get("level", "campaign"))
    if level not in LEVELS:
        raise ApiError(f"{source.name}: level = \"{level}\" is not one of "
                       f"{', '.join(repr(x) for x in LEVELS)} — fix it in roi.toml")
    login = source.options.get("login_customer_id")
    login = customer_id(login, "login_customer_id", source) if login else None
    customers = [customer_id(a, "account id", source) for a in source.account_ids]
    prefix = source.secret_prefix
    developer_token = secret("DEVELOPER_TOKEN") or ""
    token = OAuthToken(session=session, token_url=source.token_url or DEFAULT_TOKEN_URL,
                       client_id=secret("CLIENT_ID") or "", client_secret=secret("CLIENT_SECRET") or "",
                       refresh_token=secret("REFRESH_TOKEN") or "", source=source.name, secret_prefix=prefix)
    base_url = source.base_url or DEFAULT_BASE_URL
    access: list[str] = []

    def refresh() -> str:
        access.append(token.refresh())
        client.secrets.append(access[-1])
        return access[-1]

    client = ApiClient(
        session, source=source.name, base_url=base_url,
        auth=lambda: _headers(access[-1] if access else refresh(), developer_token, login), refresh=refresh,
        auth_hint=f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN",
        secrets=[developer_token, token.client_id, token.client_secret, token.refresh_token],
        problem=_problem(source, version, base_url, prefix))

    gaql = query(level, window, version)
    columns = api_columns(level, version)
    rows: dict[tuple, dict] = {}
    for cid in customers:
        resp = client.request("POST", f"{version}/customers/{cid}/googleAds:searchStream", json={"query": gaql})
        for batch in _body(resp, client):
            for result in batch.get("results", []) if isinstance(batch, dict) else []:
                row = flatten(result)
                key = tuple(row.get(c) for c in _KEY)
                rows.setdefault(key, row)   # a row seen twice (never expected) counts once
    names = columns + sorted({k for r in rows.values() for k in r} - set(columns))
    return pl.DataFrame([[r.get(c) for c in names] for r in rows.values()],
                        schema={c: pl.Utf8 for c in names}, orient="row")


def flatten(value: dict, prefix: str = "") -> dict[str, str]:
    """{"metrics": {"costMicros": "123"}} -> {"metrics.costMicros": "123"}; lists as JSON text; all text."""
    out: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            out.update(flatten(item, name + "."))
        elif isinstance(item, list):
            out[name] = json.dumps(item, ensure_ascii=False)
        elif item is not None:
            out[name] = str(item).lower() if isinstance(item, bool) else str(item)
    return out


def _headers(access: str, developer_token: str, login: str | None) -> dict:
    headers = {"Authorization": f"Bearer {access}", "developer-token": developer_token}
    if login:
        headers["login-customer-id"] = login
    return headers


def _body(resp: requests.Response, client: ApiClient):
    """The parsed body, parsed once (the problem hook reads it first)."""
    if not hasattr(resp, "_roi_body"):
        resp._roi_body = client.json(resp) if resp.content else []
    body = resp._roi_body
    return body if isinstance(body, list) else [body]


def _error(body) -> dict | None:
    """The googleAds error object of a response body: {"error": …} or a stream ending with one."""
    items = body if isinstance(body, list) else [body]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("error"), dict):
            return item["error"]
    return None


def _ads_errors(error: dict) -> list[dict]:
    """The GoogleAdsError entries of a status's details."""
    out = []
    for detail in error.get("details") or []:
        if isinstance(detail, dict):
            out += [e for e in detail.get("errors") or [] if isinstance(e, dict)]
    return out


def _codes(error: dict) -> dict[str, str]:
    """{"quotaError": "RESOURCE_EXHAUSTED", …} over all GoogleAdsErrors."""
    codes: dict[str, str] = {}
    for e in _ads_errors(error):
        for kind, code in (e.get("errorCode") or {}).items():
            codes.setdefault(kind, str(code))
    return codes


def _retry_delay(error: dict) -> float | None:
    """quotaErrorDetails.retryDelay ("30s") of a RESOURCE_EXHAUSTED error, in seconds."""
    for e in _ads_errors(error):
        delay = ((e.get("details") or {}).get("quotaErrorDetails") or {}).get("retryDelay")
        if isinstance(delay, str) and re.fullmatch(r"[0-9.]+s", delay):
            return float(delay[:-1])
    return None


def _summary(error: dict) -> str:
    """'HTTP 400 INVALID_ARGUMENT, queryError=BAD_FIELD_NAME: Unrecognized field …'."""
    codes = _codes(error)
    messages = [e.get("message") for e in _ads_errors(error) if e.get("message")]
    text = f"{error.get('status') or error.get('code')}"
    if codes:
        text += ", " + ", ".join(f"{k}={v}" for k, v in codes.items())
    message = (messages[0] if messages else error.get("message")) or ""
    return f"{text}: {message.splitlines()[0][:200]}" if message else text


def _problem(source: SourceConfig, version: str, base_url: str, prefix: str):
    name = source.name
    fix_version = (f"set api_version = \"{DEFAULT_API_VERSION}\" (or a newer version) for source '{name}' "
                   "in roi.toml")

    def problem(resp: requests.Response):
        if resp.status_code == 200 and b'"error"' not in resp.content[-2000:]:
            return None
        try:
            body = resp.json()
        except ValueError:
            body = None
        resp._roi_body = body if body is not None else []
        error = _error(body) if body is not None else None
        status = (error or {}).get("status")
        codes = _codes(error) if error else {}
        customer = re.search(r"/customers/(\d+)", resp.url or "")
        where = f"customer {customer.group(1)}" if customer else "the API"
        if resp.status_code in (404, 501) or status == "UNIMPLEMENTED" or (
                error and re.search(r"deprecated|sunset", str(error.get("message")), re.I)):
            return (f"the Google Ads API version {version} is not served at {base_url} (HTTP {resp.status_code}) — "
                    f"it has probably been sunset: {fix_version}")
        if error is None:
            return None   # 5xx without a body, Retry-After … : the client's own rules
        if status == "RESOURCE_EXHAUSTED" or resp.status_code == 429:
            delay = _retry_delay(error)
            if delay is not None:
                return ("retry", delay)
            return ("retry", 30.0) if resp.status_code == 200 else None
        if status in _TRANSIENT:
            return ("retry", 5.0) if resp.status_code == 200 else None
        auth = codes.get("authenticationError")
        authz = codes.get("authorizationError")
        if resp.status_code == 401 and auth in _REFRESHABLE:
            return None   # the client refreshes the access token once and tries again
        if auth and "DEVELOPER_TOKEN" in auth or authz and "DEVELOPER_TOKEN" in authz:
            return (f"the developer token was refused ({_summary(error)}) — check {prefix}DEVELOPER_TOKEN "
                    "(a token with test access only reaches test accounts)")
        if auth == "NOT_ADS_USER":
            return (f"the Google account of {prefix}REFRESH_TOKEN has no Google Ads access — create the refresh "
                    "token with a user of the account")
        if authz in ("USER_PERMISSION_DENIED", "CUSTOMER_NOT_ENABLED") or codes.get("queryError") == \
                "REQUESTED_METRICS_FOR_MANAGER":
            hint = {
                "USER_PERMISSION_DENIED": "set login_customer_id to the manager account that links it, or grant "
                                          "the user access",
                "CUSTOMER_NOT_ENABLED": "the account is cancelled or suspended: remove it from account_ids",
            }.get(authz, "it is a manager account: list its client accounts in account_ids and set "
                         "login_customer_id to it")
            return f"{where} cannot be read ({_summary(error)}) — {hint}"
        if resp.status_code in (401, 403):
            return (f"the API refused the credentials for {where} ({_summary(error)}) — check "
                    f"{prefix}DEVELOPER_TOKEN, {prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN")
        if resp.status_code >= 500:
            return None
        return f"searchStream for {where} failed ({_summary(error)})"

    return problem
