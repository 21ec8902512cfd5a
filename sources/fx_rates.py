"""ECB euro reference rates from the ECB data API (SDMX CSV), for the currencies a source lists."""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError
from roi.transforms import fx_rates as transform

SECRETS = ()                      # the ECB data API is public
NEEDS_ACCOUNTS = False
OPTIONS = transform.OPTIONS       # currencies
DEFAULT_BASE_URL = "https://data-api.ecb.europa.eu"
DEFAULT_API_VERSION = None        # the ECB data API (SDMX 2.1 REST) has no version in its paths
DEFAULT_CURRENCIES = ("USD", "GBP", "CHF", "JPY", "AUD", "BRL", "CAD", "SEK", "NOK", "DKK", "PLN", "CZK",
                      "HUF", "RON", "CNY", "HKD", "INR", "MXN", "NZD", "SGD", "TRY", "ZAR")
MAX_DAYS = 366                    # one request per year of a long backfill window

_CODE = re.compile(r"^[A-Z]{3}$")


class _NoObservations(Exception):
    """The ECB answered "no results" (404) for a range without business days: zero rows, not an error."""


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Daily reference rates (EXR, D.<currencies>.EUR.SP00.A) for the window: GET
    /service/data/EXR/D.USD+GBP+….EUR.SP00.A?startPeriod=…&endPeriod=…&format=csvdata&detail=dataonly,
    one request per year of window; a window without business days gives no rows."""
    if source.api_version:
        raise ApiError(f"{source.name}: the ECB data API has no versions — remove api_version from this source")
    currencies = _currencies(source)
    api = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                    problem=_problem, auth_hint="nothing (the ECB data API needs no credentials)")
    key = f"D.{'+'.join(currencies)}.EUR.SP00.A"
    frames = []
    start = window[0]
    while start <= window[1]:
        end = min(window[1], start + dt.timedelta(days=MAX_DAYS - 1))
        params = {"startPeriod": start.isoformat(), "endPeriod": end.isoformat(), "format": "csvdata",
                  "detail": "dataonly"}
        try:
            resp = api.request("GET", f"/service/data/EXR/{key}", params=params, headers={"Accept": "text/csv"})
        except _NoObservations:
            resp = None
        if resp is not None and resp.content.strip():
            frames.append(_csv(source, resp))
        start = end + dt.timedelta(days=1)
    return pl.concat(frames, how="diagonal") if frames else pl.DataFrame()


def _currencies(source: SourceConfig) -> list[str]:
    value = source.options.get("currencies", list(DEFAULT_CURRENCIES))
    if isinstance(value, str):
        value = [value]
    codes = [str(c).strip().upper() for c in value] if isinstance(value, list) else []
    bad = [c for c in codes if not _CODE.match(c)]
    if not codes or bad:
        raise ApiError(f"{source.name}: currencies must be a list of ISO codes like [\"USD\", \"GBP\"]"
                       + (f" ('{bad[0]}' is not one)" if bad else ""))
    codes = sorted(set(codes) - {"EUR"})         # EUR is the base of every ECB reference rate
    if not codes:
        raise ApiError(f"{source.name}: currencies lists no currency other than EUR — add the ones your costs "
                       "and orders use, like [\"USD\", \"GBP\"]")
    return codes


def _csv(source: SourceConfig, resp: requests.Response) -> pl.DataFrame:
    try:
        frame = pl.read_csv(io.BytesIO(resp.content), infer_schema=False)
    except pl.exceptions.PolarsError:
        frame = None
    if frame is None or not {"TIME_PERIOD", "OBS_VALUE", "CURRENCY"} <= set(frame.columns):
        raise ApiError(f"{source.name}: the ECB data API at {resp.url.split('?')[0]} did not answer with SDMX CSV "
                       f"(HTTP {resp.status_code}, {len(resp.content)} bytes) — check base_url")
    return frame


def _problem(resp: requests.Response):
    if resp.status_code == 404 and (not resp.content.strip() or b"no results" in resp.content.lower()):
        raise _NoObservations()
    if resp.status_code == 404:
        return (f"the ECB data API answered 404 for {resp.url.split('?')[0]} — check the currencies option "
                "(ISO codes the ECB publishes reference rates for) and base_url")
    return None
