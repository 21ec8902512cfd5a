"""Amazon Ads Reporting API v3 (profiles, async GZIP_JSON daily reports) -> one raw row per report row."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import requests

import roi.sources.http as http
from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, OAuthToken, json_body
from roi.sources.records import date_slices, text_cell, text_frame

SECRETS = ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
NEEDS_ACCOUNTS = True          # account_ids are profile ids: one per advertiser and marketplace
OPTIONS = ("region", "level", "ad_products", "attribution_window")
# region -> (API host, Login with Amazon token endpoint); Italian, and every European, marketplace is "eu"
REGIONS = {
    "na": ("https://advertising-api.amazon.com/", "https://api.amazon.com/auth/o2/token"),
    "eu": ("https://advertising-api-eu.amazon.com/", "https://api.amazon.co.uk/auth/o2/token"),
    "fe": ("https://advertising-api-fe.amazon.com/", "https://api.amazon.co.jp/auth/o2/token"),
}
DEFAULT_REGION = "eu"
DEFAULT_BASE_URL, DEFAULT_TOKEN_URL = REGIONS[DEFAULT_REGION]
REPORT_TYPE = "application/vnd.createasyncreportrequest.v3+json"

AD_PRODUCTS = {"sponsored_products": "SPONSORED_PRODUCTS", "sponsored_brands": "SPONSORED_BRANDS",
               "sponsored_display": "SPONSORED_DISPLAY"}
DEFAULT_AD_PRODUCTS = tuple(AD_PRODUCTS)
WINDOWS = ("1d", "7d", "14d", "30d")   # Sponsored Products' purchases/sales windows; SB and SD report 14 days
DEFAULT_WINDOW = "7d"
# level -> ad product -> (reportTypeId, groupBy, columns besides the date, metrics and conversions)
_CAMPAIGN = ["campaignId", "campaignName"]
_AD_GROUP = _CAMPAIGN + ["adGroupId", "adGroupName"]
REPORTS = {
    "campaign": {"SPONSORED_PRODUCTS": ("spCampaigns", ["campaign"], _CAMPAIGN),
                 "SPONSORED_BRANDS": ("sbCampaigns", ["campaign"], _CAMPAIGN),
                 "SPONSORED_DISPLAY": ("sdCampaigns", ["campaign"], _CAMPAIGN)},
    "ad_group": {"SPONSORED_PRODUCTS": ("spCampaigns", ["campaign", "adGroup"], _AD_GROUP),
                 "SPONSORED_BRANDS": ("sbAdGroup", ["adGroup"], _AD_GROUP),
                 "SPONSORED_DISPLAY": ("sdAdGroup", ["adGroup"], _AD_GROUP)},
    "ad": {"SPONSORED_PRODUCTS": ("spAdvertisedProduct", ["advertiser"], _AD_GROUP + ["adId", "advertisedSku",
                                                                                       "advertisedAsin"]),
           "SPONSORED_BRANDS": ("sbAds", ["ads"], _AD_GROUP + ["adId"]),
           "SPONSORED_DISPLAY": ("sdAdvertisedProduct", ["advertiser"], _AD_GROUP + ["adId", "promotedSku",
                                                                                      "promotedAsin"])},
}
METRICS = ["impressions", "clicks", "cost"]
MAX_DAYS = 31                              # the longest date range of one v3 report
POLL_DELAYS = [5, 10, 20, 30, 60]          # seconds between status polls; the last repeats
MAX_POLL_SECONDS = 60 * 60                 # Amazon builds a report in up to 3 hours: the next run picks it up
_DUPLICATE = re.compile(r"duplicate of\s*:?\s*([0-9A-Za-z][0-9A-Za-z.-]{7,})")


@dataclass
class _Report:
    profile_id: str
    ad_product: str
    start: dt.date
    end: dt.date
    report_id: str


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every daily row of the window for every profile and ad product: reports asked for (31 days at most each),
    then polled until COMPLETED, downloaded and unzipped."""
    level, products, attribution, region = _options(source)
    client, download, state = _clients(session, source, secret, region)
    profiles = _profiles(client, source, region)
    reports: list[_Report] = []
    for profile_id in (str(a).strip() for a in source.account_ids):
        for product in products:
            for start, end in date_slices(window, MAX_DAYS):
                body = _request_body(source, level, product, attribution, start, end)
                reports.append(_Report(profile_id, product, start, end,
                                       _submit(client, state, body, profile_id, product)))
    rows: list[dict] = []
    for report in reports:
        url = _poll(client, report)
        if url is None:
            continue
        info = profiles[report.profile_id]
        for item in _download(download, url, report):
            rows.append(_record(item, report, info))
    return text_frame(rows, ["profileId", "adProduct", "date"])


# ---------------------------------------------------------------- options and requests

def _options(source: SourceConfig) -> tuple[str, list[str], str, str]:
    level = str(source.options.get("level", "campaign")).lower()
    if level not in REPORTS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r} — "
                          "fix it in roi.toml")
    given = source.options.get("ad_products", list(DEFAULT_AD_PRODUCTS))
    given = [given] if isinstance(given, str) else list(given)
    unknown = [p for p in given if str(p).lower() not in AD_PRODUCTS]
    if unknown or not given:
        raise ConfigError(f"{source.name}: ad_products must list some of {', '.join(AD_PRODUCTS)} (got "
                          f"{unknown or given!r}) — fix it in roi.toml")
    products = list(dict.fromkeys(AD_PRODUCTS[str(p).lower()] for p in given))
    attribution = str(source.options.get("attribution_window", DEFAULT_WINDOW)).lower()
    if attribution not in WINDOWS:
        raise ConfigError(f"{source.name}: attribution_window must be one of {', '.join(WINDOWS)} (Sponsored "
                          f"Products' purchase windows), not {attribution!r} — fix it in roi.toml")
    region = str(source.options.get("region", DEFAULT_REGION)).lower()
    if region not in REGIONS:
        raise ConfigError(f"{source.name}: region must be \"eu\" (Europe, Middle East, India), \"na\" (Americas) "
                          f"or \"fe\" (Japan, Australia, Singapore), not {region!r} — fix it in roi.toml")
    return level, products, attribution, region


def _request_body(source: SourceConfig, level: str, product: str, attribution: str, start: dt.date,
                  end: dt.date) -> dict:
    report_type, group_by, columns = REPORTS[level][product]
    if product == "SPONSORED_PRODUCTS":
        conversions = [f"purchases{attribution}", f"sales{attribution}"]
    else:       # Sponsored Brands and Display: purchases and sales within 14 days of a click or view
        conversions = ["purchases", "sales"]
    video = ["video5SecondViews"] if product == "SPONSORED_BRANDS" else []
    return {
        "name": f"roi {source.name} {report_type} {start}..{end}",
        "startDate": start.isoformat(), "endDate": end.isoformat(),
        "configuration": {"adProduct": product, "reportTypeId": report_type, "groupBy": group_by,
                          "columns": ["date", *columns, *METRICS, *conversions, *video],
                          "timeUnit": "DAILY", "format": "GZIP_JSON"},
    }


def _clients(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
             region: str) -> tuple[ApiClient, ApiClient, dict]:
    prefix = source.secret_prefix
    client_id, client_secret, refresh_token = (secret(k) or "" for k in SECRETS)
    base_url, token_url = REGIONS[region]
    oauth = OAuthToken(session=session, token_url=source.token_url or token_url, client_id=client_id,
                       client_secret=client_secret, refresh_token=refresh_token, source=source.name,
                       secret_prefix=prefix)
    state = {"refreshed": False, "duplicate": None}    # refreshed: since the last answer that was no error
    hint = f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN"

    def auth() -> dict:
        token = oauth.get()
        if token not in client.secrets:
            client.secrets.append(token)
        return {"Authorization": f"Bearer {token}", "Amazon-Advertising-API-ClientId": client_id}

    def refresh() -> str:
        state["refreshed"] = True
        return oauth.refresh()

    def problem(resp: requests.Response):
        if resp.status_code < 400:
            state["refreshed"] = False      # the token works: a later 401 is its expiry, refreshed again
            return None
        body = json_body(resp)
        detail = str(body.get("detail") or body.get("details") or body.get("message") or "").strip()
        reason = f": {detail[:200]}" if detail else ""
        scope = resp.request.headers.get("Amazon-Advertising-API-Scope") if resp.request is not None else None
        if resp.status_code == 425:     # the same report is still being built: wait for that one
            found = _DUPLICATE.search(detail or resp.text)
            state["duplicate"] = found.group(1) if found else None
            return f"Amazon Ads is still building the same report (HTTP 425{reason}) — the next run reads it"
        refused = resp.status_code == 403 or state["refreshed"] or re.search(r"scope", detail, re.I)
        if resp.status_code in (401, 403) and scope and refused:
            return (f"Amazon Ads refused profile {scope} (HTTP {resp.status_code}{reason}) — check that account_ids "
                    f"holds profile ids this login may open, that region = \"{region}\" is the profile's region "
                    f"(na, eu or fe), and {hint}")
        if resp.status_code in (400, 422) and scope:
            return (f"Amazon Ads refused the report request for profile {scope} (HTTP {resp.status_code}{reason}) — "
                    "check level, ad_products and attribution_window in roi.toml (Sponsored Brands keeps 60 days of "
                    "data, Display 65, Products 95)")
        return None

    client = ApiClient(session, source=source.name, base_url=source.base_url or base_url, auth=auth,
                       refresh=refresh, auth_hint=hint, secrets=[client_secret, refresh_token], problem=problem)
    # The report's url is a pre-signed S3 address: no credentials go with it.
    download = ApiClient(session, source=source.name, base_url=source.base_url or base_url)
    download.secrets = client.secrets
    return client, download, state


def _profiles(client: ApiClient, source: SourceConfig, region: str) -> dict[str, dict]:
    """The account_ids' profiles (GET /v2/profiles lists those the login may open in the region)."""
    listed = client.json(client.request("GET", "v2/profiles"))
    found = {str(p.get("profileId")): p for p in (listed if isinstance(listed, list) else []) if isinstance(p, dict)}
    wanted = [str(a).strip() for a in source.account_ids]
    missing = [p for p in wanted if p not in found]
    if missing:
        seen = ", ".join(f"{pid} ({p.get('countryCode') or '?'})" for pid, p in found.items()) or "none"
        raise ConfigError(f"{source.name}: profile {missing[0]} is not among the Amazon Ads profiles this login can "
                          f"open in region \"{region}\" (it sees: {seen}) — fix account_ids, or set region = \"na\", "
                          "\"eu\" or \"fe\" to the profile's marketplace region in roi.toml")
    return {p: found[p] for p in wanted}


def _submit(client: ApiClient, state: dict, body: dict, profile_id: str, product: str) -> str:
    """The id of the report asked for, or of the identical one Amazon is already building (HTTP 425)."""
    headers = {"Amazon-Advertising-API-Scope": profile_id, "Content-Type": REPORT_TYPE}
    state["duplicate"] = None
    try:
        answer = client.json(client.request("POST", "reporting/reports", data=json.dumps(body), headers=headers))
    except ApiError:
        if state["duplicate"]:
            return state["duplicate"]
        raise
    if not answer.get("reportId"):
        raise ApiError(f"{client.source}: Amazon Ads accepted the {product} report of profile {profile_id} but gave "
                       "no reportId — the run will retry it next time")
    return str(answer["reportId"])


def _poll(client: ApiClient, report: _Report) -> str | None:
    """The report's download url once COMPLETED (None: completed without a file)."""
    headers = {"Amazon-Advertising-API-Scope": report.profile_id, "Content-Type": REPORT_TYPE}
    waited, state = 0.0, ""
    for waited in http.polls(POLL_DELAYS, MAX_POLL_SECONDS):
        status = client.get_json(f"reporting/reports/{report.report_id}", headers=headers)
        state = str(status.get("status") or "").upper()
        if state == "COMPLETED":
            return status.get("url") or None
        if state not in ("PENDING", "PROCESSING", ""):
            reason = str(status.get("failureReason") or "").strip()
            raise ApiError(f"{client.source}: Amazon Ads could not build the {report.ad_product} report of profile "
                           f"{report.profile_id} for {report.start}..{report.end} (status {state}"
                           f"{': ' + reason[:160] if reason else ''}) — the run will retry it next time")
    raise ApiError(f"{client.source}: the {report.ad_product} report of profile {report.profile_id} was still "
                   f"{state or 'PENDING'} after {int(waited // 60)} minutes — the next run picks it up "
                   "(Amazon builds reports in up to 3 hours)")


def _download(download: ApiClient, url: str, report: _Report) -> list[dict]:
    payload = download.request("GET", url).content
    try:
        text = gzip.decompress(payload) if payload[:2] == b"\x1f\x8b" else payload
        items = json.loads(text.decode("utf-8-sig"))
    except (OSError, EOFError, ValueError):
        raise ApiError(f"{download.source}: the {report.ad_product} report of profile {report.profile_id} is not "
                       "readable gzipped JSON — the run will retry it next time") from None
    if not isinstance(items, list):
        raise ApiError(f"{download.source}: the {report.ad_product} report of profile {report.profile_id} is not a "
                       "list of rows — the run will retry it next time")
    return [i for i in items if isinstance(i, dict)]


# ---------------------------------------------------------------- records

def _record(item: dict, report: _Report, profile: dict) -> dict:
    info = profile.get("accountInfo") or {}
    name, country = info.get("name"), profile.get("countryCode")
    row = {"profileId": report.profile_id, "adProduct": report.ad_product,
           "profileName": f"{name} ({country})" if name and country else name,
           "countryCode": country, "currencyCode": profile.get("currencyCode"), "timezone": profile.get("timezone")}
    row.update({key: text_cell(value) for key, value in item.items()})
    return row
