"""Shopify Admin GraphQL API orders created in a window, with their totals and customer journey, paced by
Shopify's query cost."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources import http
from roi.sources.hubspot import window_bounds
from roi.sources.http import ApiClient, json_body
from roi.sources.mailchimp import flatten
from roi.sources.records import text_frame
from roi.transforms import shopify as transform

SECRETS = ("ACCESS_TOKEN",)       # the Admin API access token of the shop's custom app (read_orders)
NEEDS_ACCOUNTS = False            # a token belongs to one shop
OPTIONS = transform.OPTIONS       # shop, visit
DEFAULT_BASE_URL = "https://{shop}.myshopify.com/"
DEFAULT_API_VERSION = "2025-10"
# A query may cost at most 1,000 points; an order with its five money bags, customer and two visits costs
# 17, so 50 orders a page (851 points) stay below it.
PAGE_SIZE = 50
MAX_THROTTLE_WAIT = 60.0          # seconds: a full bucket refills within 20 s on every plan
VISIT = "source sourceType landingPage referrerUrl utmParameters { source medium campaign content term }"
MONEY = "shopMoney { amount currencyCode }"
QUERY = f"""query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id name email createdAt processedAt cancelledAt test currencyCode displayFinancialStatus
      totalPriceSet {{ {MONEY} }} subtotalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }}
      totalShippingPriceSet {{ {MONEY} }} totalRefundedSet {{ {MONEY} }}
      customer {{ id numberOfOrders }}
      customerJourneySummary {{ firstVisit {{ {VISIT} }} lastVisit {{ {VISIT} }} }}
    }}
  }}
}}"""


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every order created in the window (a day's margin each side: the load keeps the window's local days),
    50 a page by cursor, oldest first; an order on two pages counts once. Before each page the client waits
    until Shopify's cost bucket holds what the last page cost."""
    try:
        transform.visit_option(source.options)
    except ValueError as exc:
        raise ConfigError(f"{source.name}: {exc}") from None
    client = _client(session, source, secret)
    path = f"admin/api/{source.api_version or DEFAULT_API_VERSION}/graphql.json"
    start, end = window_bounds(window)
    search = f"created_at:>='{start:%Y-%m-%dT%H:%M:%SZ}' AND created_at:<'{end:%Y-%m-%dT%H:%M:%SZ}'"
    rows: dict[str, dict] = {}
    cursor = None
    while True:
        body = client.post_json(path, json={"query": QUERY, "variables": {
            "first": PAGE_SIZE, "after": cursor, "query": search}})
        found = (body.get("data") or {}).get("orders") or {}
        for order in found.get("nodes") or []:
            if isinstance(order, dict) and order.get("id") is not None:
                rows.setdefault(str(order["id"]), flatten(order))
        page = found.get("pageInfo") or {}
        if not page.get("hasNextPage") or not page.get("endCursor"):
            return text_frame(list(rows.values()), ["id", "name", "createdAt"])
        cursor = page["endCursor"]
        wait = throttle_wait(body)
        if wait > 0:
            http.pause(wait)


def throttle_wait(body: dict) -> float:
    """Seconds until Shopify's bucket holds the query's requested cost again: (requested − available) /
    restore rate, from the answer's extensions.cost; 0 when it holds it already or the answer says nothing."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    return min(MAX_THROTTLE_WAIT, max(0.0, missing / rate)) if rate > 0 else MAX_THROTTLE_WAIT


def _client(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]) -> ApiClient:
    prefix = source.secret_prefix
    token = secret("ACCESS_TOKEN")
    if not token:
        raise ConfigError(f"{source.name}: needs {prefix}ACCESS_TOKEN (the Admin API access token of the shop's "
                          "custom app) in the environment or .env")

    def problem(resp: requests.Response):
        """A 200 answer with GraphQL errors: THROTTLED is retried after the wait its cost block gives; any
        other error (ACCESS_DENIED, a field this api_version lacks …) fails the pull in one line."""
        if resp.status_code != 200:
            return None
        errors = json_body(resp).get("errors")
        if not errors:
            return None
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        codes = [(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)] \
            if isinstance(errors, list) else []
        if "THROTTLED" in codes:
            return ("retry", throttle_wait(json_body(resp)) or 1.0)
        code = codes[0] if codes else None
        message = str(first.get("message") or errors)[:200]
        where = ".".join(str(p) for p in first.get("path") or [])
        if code == "ACCESS_DENIED":
            return (f"Shopify refused the orders query (ACCESS_DENIED{' on ' + where if where else ''}: {message}) "
                    f"— give the shop's custom app the read_orders scope (read_all_orders for orders older than "
                    f"60 days) and its protected customer data access, then set the new token in "
                    f"{prefix}ACCESS_TOKEN")
        return (f"Shopify answered the orders query with an error ({code or 'GraphQL'}: {message}) — check "
                f"api_version (\"{source.api_version or DEFAULT_API_VERSION}\" is the one roi is tested with)")

    return ApiClient(session, source=source.name, base_url=_base_url(source),
                     auth=lambda: {"X-Shopify-Access-Token": token},
                     auth_hint=f"{prefix}ACCESS_TOKEN (the Admin API access token of the shop's custom app)",
                     secrets=[token], problem=problem)


def _base_url(source: SourceConfig) -> str:
    """base_url as set, else https://<shop>.myshopify.com/ from the `shop` option (a name or a domain)."""
    if source.base_url:
        return source.base_url
    shop = str(source.options.get("shop") or "").strip().lower().removeprefix("https://").removeprefix("http://")
    shop = shop.split("/")[0]
    if not shop:
        raise ConfigError(f"{source.name}: set shop = \"your-store\" (the name in your-store.myshopify.com, shown "
                          "in Shopify › Settings › Domains) in roi.toml")
    return f"https://{shop if '.' in shop else shop + '.myshopify.com'}/"

