"""X (Twitter) Ads API v12 analytics (DAY, per placement) -> one raw row per entity and day, with names."""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import hmac
import json
import logging
import secrets as nonces
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, json_body
from roi.sources.records import date_slices, text_cell, text_frame
from roi.transforms.x_ads import API_ATTRIBUTION, API_CONVERSIONS

log = logging.getLogger("roi.x_ads")

SECRETS = ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET")
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "conversion_metric", "attribution")
DEFAULT_BASE_URL = "https://ads-api.x.com/"
DEFAULT_API_VERSION = "12"

LEVELS = {"campaign": "CAMPAIGN", "ad_group": "LINE_ITEM", "ad": "PROMOTED_TWEET"}   # level -> stats entity
METRIC_GROUPS = "ENGAGEMENT,BILLING,VIDEO,WEB_CONVERSION"
SYNC_DAYS = 7            # a synchronous stats request spans at most 7 days
ASYNC_DAYS = 90          # an asynchronous job (not segmented) spans at most 90 days
IDS_PER_REQUEST = 20     # entity_ids per stats request or job
PAGE_SIZE = 1000         # `count` of entity lists (the largest X serves)
POLL_FIRST, POLL_MAX, POLL_TOTAL = 5.0, 60.0, 3600.0   # seconds between job polls, and in all
DONE, FAILED = "SUCCESS", {"FAILED", "EXPIRED", "CANCELLED"}
RESET_HEADERS = ("x-rate-limit-reset", "x-account-rate-limit-reset", "x-cost-rate-limit-reset")
REMAINING_HEADERS = ("x-rate-limit-remaining", "x-account-rate-limit-remaining", "x-cost-rate-limit-remaining")


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every entity's daily metrics of the window for every account, per placement it ran on: windows of up
    to 7 days synchronously, longer ones as asynchronous jobs of up to 90 days."""
    level = str(source.options.get("level", "campaign")).lower()
    if level not in LEVELS:
        raise ConfigError(f"{source.name}: level must be \"campaign\", \"ad_group\" or \"ad\", not {level!r}")
    event = str(source.options.get("conversion_metric", "conversion_purchases"))
    if event not in API_CONVERSIONS:
        raise ConfigError(f"{source.name}: conversion_metric must be one of {', '.join(API_CONVERSIONS)}, "
                          f"not {event!r}")
    attribution = str(source.options.get("attribution", "all"))
    if attribution not in API_ATTRIBUTION:
        raise ConfigError(f"{source.name}: attribution must be \"all\", \"post_engagement\" or \"post_view\", "
                          f"not {attribution!r}")
    version = str(source.api_version or DEFAULT_API_VERSION)
    api = XApi(session, source, secret, version)
    days = (window[1] - window[0]).days + 1
    asynchronous = days > SYNC_DAYS
    rows: list[dict] = []
    for account_id in (str(a).strip() for a in source.account_ids):
        account = {**api.account(account_id), "id": account_id}
        zone = _zone(account, account_id, source.name)
        names = api.entities(account_id, level)
        for start, end in date_slices(window, ASYNC_DAYS if asynchronous else SYNC_DAYS):
            span = _span(start, end, zone)
            requests_ = [{"entity": LEVELS[level], "entity_ids": ",".join(ids), "placement": placement,
                          "granularity": "DAY", "metric_groups": METRIC_GROUPS, **span}
                         for placement, ids in api.active(account_id, LEVELS[level], span)]
            reports = api.jobs(account_id, requests_) if asynchronous else [api.stats(account_id, r)
                                                                          for r in requests_]
            for params, report in zip(requests_, reports):
                rows += _records(report, start, params["placement"], account, names, level)
    return text_frame(rows, ["account_id"])


# ---------------------------------------------------------------- OAuth 1.0a

def percent(value: str) -> str:
    """RFC 3986 percent-encoding, as OAuth 1.0a signs: only A-Z a-z 0-9 - . _ ~ stay as they are."""
    return quote(str(value), safe="-._~")


def signature(method: str, url: str, params: list[tuple[str, str]], consumer_secret: str,
              token_secret: str) -> str:
    """The HMAC-SHA1 signature of a request (RFC 5849 3.4): `url` without its query, `params` every
    query, form-body and oauth_* parameter, decoded."""
    parts = urlsplit(url)
    host = parts.hostname.lower() if parts.hostname else ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if parts.port and parts.port != default:
        host += f":{parts.port}"
    base_url = f"{parts.scheme.lower()}://{host}{parts.path or '/'}"
    normalised = "&".join(f"{k}={v}" for k, v in sorted((percent(k), percent(v)) for k, v in params))
    base = "&".join([method.upper(), percent(base_url), percent(normalised)])
    key = f"{percent(consumer_secret)}&{percent(token_secret)}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


class OAuth1(requests.auth.AuthBase):
    """Signs each prepared request with the consumer key/secret and the user's access token/secret."""

    def __init__(self, consumer_key: str, consumer_secret: str, token: str, token_secret: str):
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.token, self.token_secret = token, token_secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        oauth = {"oauth_consumer_key": self.consumer_key, "oauth_nonce": nonces.token_hex(16),
                 "oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": str(int(time.time())),
                 "oauth_token": self.token, "oauth_version": "1.0"}
        params = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
        if "application/x-www-form-urlencoded" in str(request.headers.get("Content-Type", "")) and request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            params += parse_qsl(body, keep_blank_values=True)
        oauth["oauth_signature"] = signature(request.method, request.url, params + list(oauth.items()),
                                             self.consumer_secret, self.token_secret)
        request.headers["Authorization"] = "OAuth " + ", ".join(
            f'{percent(k)}="{percent(v)}"' for k, v in sorted(oauth.items()))
        return request


# ---------------------------------------------------------------- requests

class XApi:
    """The calls fetch makes, over one ApiClient: signed, retried, throttled as X's headers say."""

    def __init__(self, session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
                 version: str):
        keys = {name: secret(name) or "" for name in SECRETS}
        self.version = version
        self.signer = OAuth1(keys["CONSUMER_KEY"], keys["CONSUMER_SECRET"], keys["ACCESS_TOKEN"],
                             keys["ACCESS_TOKEN_SECRET"])
        hint = ", ".join(source.secret_prefix + name for name in SECRETS)
        self.client = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                                auth_hint=hint, secrets=keys.values(), problem=self._problem(version, hint),
                                max_wait=960.0)   # X's rate-limit windows last 15 minutes

    def call(self, method: str, path: str, params: dict | None = None, *, signed: bool = True) -> requests.Response:
        resp = self.client.request(method, path, params=params, **({"auth": self.signer} if signed else {}))
        remaining = [int(v) for v in (str(resp.headers.get(h, "")) for h in REMAINING_HEADERS) if v.isdigit()]
        if remaining and min(remaining) == 0:
            wait = _reset_wait(resp)
            log.info("%s: X rate limit used up, waiting %.0f s for its reset", self.client.source, wait)
            self.client.sleep(wait)
        return resp

    def get(self, path: str, params: dict | None = None) -> dict:
        return self.client.json(self.call("GET", f"{self.version}/{path}", params))

    def account(self, account_id: str) -> dict:
        return self.get(f"accounts/{account_id}").get("data") or {}

    def listing(self, account_id: str, kind: str) -> dict[str, dict]:
        """Every campaign, line item or promoted tweet of the account, deleted ones too, by id (cursor pages)."""
        found: dict[str, dict] = {}
        cursor = None
        while True:
            params = {"count": PAGE_SIZE, "with_deleted": "true", **({"cursor": cursor} if cursor else {})}
            page = self.get(f"accounts/{account_id}/{kind}", params)
            for item in page.get("data") or []:
                found[str(item.get("id"))] = item
            cursor = page.get("next_cursor")
            if not cursor:
                return found

    def entities(self, account_id: str, level: str) -> dict[str, dict]:
        """The names (and currency) of the level's entities and of their parents, by the level's id."""
        campaigns = self.listing(account_id, "campaigns")
        if level == "campaign":
            return {i: {"campaign_id": i, "campaign_name": c.get("name"), "currency": c.get("currency")}
                    for i, c in campaigns.items()}
        line_items = self.listing(account_id, "line_items")
        groups = {i: {"campaign_id": li.get("campaign_id"),
                      "campaign_name": campaigns.get(str(li.get("campaign_id")), {}).get("name"),
                      "line_item_id": i, "line_item_name": li.get("name"), "currency": li.get("currency")}
                  for i, li in line_items.items()}
        if level == "ad_group":
            return groups
        return {i: {**groups.get(str(pt.get("line_item_id")), {"line_item_id": pt.get("line_item_id")}),
                    "promoted_tweet_id": i, "tweet_id": pt.get("tweet_id")}
                for i, pt in self.listing(account_id, "promoted_tweets").items()}

    def active(self, account_id: str, entity: str, span: dict) -> list[tuple[str, list[str]]]:
        """(placement, up to 20 entity ids) for the entities whose metrics the span holds, by placement."""
        data = self.get(f"stats/accounts/{account_id}/active_entities", {"entity": entity, **span}).get("data") or []
        by_placement: dict[str, set[str]] = {}
        for item in data:
            for placement in item.get("placements") or ["ALL_ON_TWITTER"]:
                by_placement.setdefault(placement, set()).add(str(item["entity_id"]))
        chunks = []
        for placement, ids in sorted(by_placement.items()):
            ordered = sorted(ids)
            chunks += [(placement, ordered[i:i + IDS_PER_REQUEST]) for i in range(0, len(ordered), IDS_PER_REQUEST)]
        return chunks

    def stats(self, account_id: str, params: dict) -> dict:
        return self.get(f"stats/accounts/{account_id}", params)

    def jobs(self, account_id: str, requests_: list[dict]) -> list[dict]:
        """Each request's report through an asynchronous job: queued, polled until done, its gzipped JSON read."""
        path = f"{self.version}/stats/jobs/accounts/{account_id}"
        ids = [str(self.client.json(self.call("POST", path, params))["data"]["id_str"]) for params in requests_]
        urls: dict[str, str] = {}
        delay, waited = POLL_FIRST, 0.0
        while len(urls) < len(ids):
            if waited >= POLL_TOTAL:
                raise ApiError(f"{self.client.source}: X's report jobs for account {account_id} were not done after "
                               f"{waited / 60:.0f} minutes — the run will retry it next time")
            self.client.sleep(delay)
            waited += delay
            delay = min(POLL_MAX, delay * 2)
            pending = [i for i in ids if i not in urls]
            for job in self.client.json(self.call("GET", path, {"job_ids": ",".join(pending)})).get("data") or []:
                status = str(job.get("status") or "")
                if status in FAILED:
                    raise ApiError(f"{self.client.source}: X's report job {job.get('id_str')} for account "
                                   f"{account_id} ended {status} — the run will retry it next time")
                if status == DONE and job.get("url"):
                    urls[str(job.get("id_str"))] = job["url"]
        return [self._download(urls[i]) for i in ids]

    def _download(self, url: str) -> dict:
        resp = self.call("GET", url, signed=False)       # a pre-signed file URL, not an API call
        content = resp.content
        if content[:2] == b"\x1f\x8b":
            content = gzip.decompress(content)
        try:
            return json.loads(content)
        except ValueError:
            raise ApiError(f"{self.client.source}: X's report file {url.split('?')[0]} is not gzipped JSON "
                           "— the run will retry it next time") from None

    @staticmethod
    def _problem(version: str, hint: str):
        def problem(resp: requests.Response):
            if resp.status_code == 429:
                return ("retry", _reset_wait(resp))
            errors = json_body(resp).get("errors") or [{}]
            first = errors[0] if isinstance(errors[0], dict) else {}
            code, message = str(first.get("code") or ""), str(first.get("message") or "").strip().rstrip(".")
            if resp.status_code == 401 or code in ("UNAUTHORIZED_ACCESS", "INVALID_CREDENTIALS"):
                return (f"X refused the OAuth 1.0a credentials (HTTP {resp.status_code} {code}: {message[:120]}) "
                        f"— check {hint} (the app's keys and a user's access token of the ads account)")
            if code == "UNAUTHORIZED_CLIENT_APPLICATION":
                return (f"X has not approved this app for the Ads API ({message[:120]}) — apply for Ads API "
                        "access in the X developer portal, or use the keys of an approved app")
            if resp.status_code == 404 and f"/{version}/" in resp.url and code in ("", "ROUTE_NOT_FOUND"):
                return (f"X does not serve Ads API version {version} (HTTP 404) — remove api_version to use "
                        f"{DEFAULT_API_VERSION}, or check base_url in roi.toml")
            if resp.status_code == 404 and code == "NOT_FOUND" and "/accounts/" in resp.url:
                return (f"X does not know the ads account in {resp.url.split('?')[0].split('/accounts/')[1]} "
                        f"({message[:120]}) — check account_ids, or that the token's user may read it")
            return None
        return problem


def _reset_wait(resp: requests.Response) -> float:
    """Seconds until the rate limit X names resets (its epoch-seconds reset headers), at least 1."""
    resets = [int(resp.headers[h]) for h in RESET_HEADERS if str(resp.headers.get(h, "")).isdigit()]
    if not resets:
        return 60.0
    return max(1.0, min(resets) - time.time())


# ---------------------------------------------------------------- records

def _zone(account: dict, account_id: str, source: str) -> ZoneInfo:
    name = account.get("timezone")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ApiError(f"{source}: X gave account {account_id} the time zone {name!r}, which is not an IANA "
                       "time zone — the run cannot cut its days") from None


def _span(start: dt.date, end: dt.date, zone: ZoneInfo) -> dict:
    """start_time and end_time of the days start..end: midnights in the account's time zone, in UTC
    (DAY granularity must be aligned so; end_time is exclusive)."""
    def midnight(day: dt.date) -> str:
        local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        return local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"start_time": midnight(start), "end_time": midnight(end + dt.timedelta(days=1))}


def _records(report: dict, start: dt.date, placement: str, account: dict, names: dict[str, dict],
             level: str) -> list[dict]:
    """One row per entity and day of a stats report whose metrics are not all null; nested conversion
    metrics flattened to `conversion_purchases_metric`, `conversion_purchases_sale_amount` …"""
    rows = []
    length = int(report.get("time_series_length") or 0)
    for item in report.get("data") or []:
        entity_id = str(item.get("id"))
        for datum in item.get("id_data") or []:
            if datum.get("segment"):
                continue
            series = _flatten(datum.get("metrics") or {})
            for i in range(length):
                values = {name: (values[i] if i < len(values) else None) for name, values in series.items()}
                if all(v is None for v in values.values()):
                    continue
                row = {"account_id": account["id"], "account_name": account.get("name"),
                       "account_timezone": account.get("timezone"), "date": (start + dt.timedelta(days=i)).isoformat(),
                       "placement": placement, **_entity(names, entity_id, level)}
                row.update({name: text_cell(v) for name, v in values.items()})
                rows.append(row)
    return rows


def _entity(names: dict[str, dict], entity_id: str, level: str) -> dict:
    key = {"campaign": "campaign_id", "ad_group": "line_item_id", "ad": "promoted_tweet_id"}[level]
    return {**{k: text_cell(v) for k, v in names.get(entity_id, {}).items()}, key: entity_id}


def _flatten(metrics: dict) -> dict[str, list]:
    """Metric name -> its daily values; {"conversion_purchases": {"metric": [..]}} -> conversion_purchases_metric."""
    out: dict[str, list] = {}
    for name, value in metrics.items():
        if isinstance(value, dict):
            for part, values in value.items():
                out[f"{name}_{part}"] = values if isinstance(values, list) else []
        else:
            out[name] = value if isinstance(value, list) else []
    return out
