"""WooCommerce REST API (wc/v3) orders created in a window, with their refunds and order attribution."""
from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.hubspot import window_bounds
from roi.sources.http import ApiClient, ApiError, json_body
from roi.sources.mailchimp import flatten
from roi.sources.records import text_frame
from roi.transforms import woocommerce as transform

SECRETS = ("CONSUMER_KEY", "CONSUMER_SECRET")   # WooCommerce › Settings › Advanced › REST API, Read permission
NEEDS_ACCOUNTS = False                          # the keys belong to one store
OPTIONS = transform.OPTIONS                     # site, query_string_auth
DEFAULT_BASE_URL = "https://{site}/wp-json/wc/v3/"
PAGE_SIZE = 100                                 # the largest per_page WooCommerce accepts
ATTRIBUTION = "_wc_order_attribution_"          # meta keys WooCommerce 8.5+ writes on each order
# Fields of an order left out of the raw rows: line items, addresses and links (the totals are kept).
LEFT_OUT = ("line_items", "tax_lines", "shipping_lines", "fee_lines", "coupon_lines", "meta_data", "_links",
            "billing", "shipping")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every order created in the window, whatever its status (a day's margin each side, in GMT: the load
    keeps the window's local days): GET orders?after=…&before=…&dates_are_gmt=true, 100 a page, pages 1 to
    X-WP-TotalPages (without that header, until a page comes back short); an order on two pages counts once.
    Each row holds the order's scalar fields, its billing
    e-mail, its refunds (JSON) and its order attribution meta data as meta._wc_order_attribution_*."""
    client, auth_params = _client(session, source, secret)
    start, end = window_bounds(window)
    params = {"after": f"{start:%Y-%m-%dT%H:%M:%S}", "before": f"{end:%Y-%m-%dT%H:%M:%S}",
              "dates_are_gmt": "true", "status": "any", "orderby": "date", "order": "asc",
              "per_page": PAGE_SIZE, **auth_params}
    rows: dict[str, dict] = {}
    page, pages = 1, 1
    while page <= pages:
        resp = client.request("GET", "orders", params={**params, "page": page})
        items = client.json(resp)
        if not isinstance(items, list):
            raise ApiError(f"{source.name}: WooCommerce answered the orders list with something that is not a list "
                           "of orders — check site (or base_url: the store's …/wp-json/wc/v3/)")
        for order in items:
            if isinstance(order, dict) and order.get("id") is not None:
                rows.setdefault(str(order["id"]), _record(order))
        try:
            pages = int(resp.headers["X-WP-TotalPages"])
        except (KeyError, ValueError):   # a proxy that drops the header: page on while pages come back full
            pages = page + 1 if len(items) == PAGE_SIZE else page
        page += 1
    return text_frame(list(rows.values()), ["id", "number", "status", "date_created_gmt"])


def _record(order: dict) -> dict:
    row = flatten({k: v for k, v in order.items() if k not in LEFT_OUT})
    row["billing.email"] = (order.get("billing") or {}).get("email") or None
    for meta in order.get("meta_data") or []:
        key = meta.get("key") if isinstance(meta, dict) else None
        if isinstance(key, str) and key.startswith(ATTRIBUTION) and meta.get("value") not in (None, ""):
            row[f"meta.{key}"] = str(meta["value"])
    return row


def _client(session: requests.Session, source: SourceConfig,
            secret: Callable[[str], str | None]) -> tuple[ApiClient, dict]:
    """The client over the store's wc/v3 root, and the query parameters that carry the keys (none: HTTP Basic)."""
    prefix = source.secret_prefix
    key, key_secret = secret("CONSUMER_KEY"), secret("CONSUMER_SECRET")
    if not key or not key_secret:
        raise ConfigError(f"{source.name}: needs {prefix}CONSUMER_KEY and {prefix}CONSUMER_SECRET (WooCommerce › "
                          "Settings › Advanced › REST API, a key with Read permission) in the environment or .env")
    base = _base_url(source)
    host = urlsplit(base).hostname or ""
    if not base.startswith("https://") and host not in LOOPBACK:
        raise ConfigError(f"{source.name}: {base} is not https — WooCommerce takes its keys over https only; "
                          "set site (or base_url) to the store's https:// address")
    in_query = bool(source.options.get("query_string_auth", False))
    basic = base64.b64encode(f"{key}:{key_secret}".encode()).decode()

    def problem(resp: requests.Response):
        body = json_body(resp)
        if resp.status_code == 404 and body.get("code") == "rest_no_route":
            return (f"{base} has no WooCommerce orders route (rest_no_route) — check site (or base_url: the store's "
                    "…/wp-json/wc/v3/), that WooCommerce is active and that permalinks are not 'Plain'")
        return None

    hint = (f"{prefix}CONSUMER_KEY and {prefix}CONSUMER_SECRET (a key with Read permission"
            + ("" if in_query else "; if they are right, the server may drop the Authorization header: set "
               "query_string_auth = true") + ")")
    client = ApiClient(session, source=source.name, base_url=base,
                       auth=(dict if in_query else lambda: {"Authorization": f"Basic {basic}"}),
                       auth_hint=hint, secrets=[key, key_secret, basic], problem=problem)
    return client, ({"consumer_key": key, "consumer_secret": key_secret} if in_query else {})


def _base_url(source: SourceConfig) -> str:
    """base_url as set (the wc/v3 root), else <site>/wp-json/wc/v3/ from the `site` option."""
    if source.base_url:
        return source.base_url
    site = str(source.options.get("site") or "").strip().rstrip("/")
    if not site:
        raise ConfigError(f"{source.name}: set site = \"https://your-store.example\" (the store's address) in "
                          "roi.toml")
    if "://" not in site:
        site = "https://" + site
    return f"{site}/wp-json/wc/v3/"
