"""HubSpot API helpers for hubspot_email, leads and orders: private-app auth, version paths, paging, CRM search."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable, Iterator

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources import http
from roi.sources.http import ApiClient, ApiError, json_body

log = logging.getLogger("roi.hubspot")

DEFAULT_BASE_URL = "https://api.hubapi.com"
# HubSpot's date-based API versions (/crm/objects/2026-03/…) replaced the numeric ones (/crm/v3/…),
# which stay served until September 2027; api_version = "v3" selects those legacy paths.
DEFAULT_API_VERSION = "2026-03"
LATEST_VERSIONS_URL = "https://developers.hubspot.com/docs/api-reference/latest/overview"

SEARCH_PAGE = 200          # the largest page the CRM search endpoints return
SEARCH_CAP = 10_000        # results one search query can page through; larger ranges are split
BATCH = 100                # ids per batch read
SEARCH_INTERVAL = 0.25     # seconds between search calls: HubSpot allows ~5 search requests/s per account
LIST_PAGE = 100            # marketing emails per page

_DATED = re.compile(r"^\d{4}-\d{2}$")
_LEGACY = re.compile(r"^v3$")            # the numeric paths (marketing v3, CRM v3, associations v4)


class HubSpot:
    """One HubSpot account reached with a private-app access token (Authorization: Bearer)."""

    def __init__(self, session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]):
        self.source = source
        self.secret_name = f"{source.secret_prefix}ACCESS_TOKEN"
        token = secret("ACCESS_TOKEN")
        if not token:
            raise ApiError(f"{source.name}: no HubSpot access token — set {self.secret_name} (a private app "
                           "token from HubSpot › Settings › Integrations › Private apps)")
        self.version = str(source.api_version or DEFAULT_API_VERSION).strip()
        if not (_DATED.match(self.version) or _LEGACY.match(self.version)):
            raise ApiError(f"{source.name}: api_version '{self.version}' is not a HubSpot API version — use a "
                           f"date version such as \"{DEFAULT_API_VERSION}\" or \"v3\" for the legacy paths")
        self.api = ApiClient(
            session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
            auth=lambda: {"Authorization": f"Bearer {token}"}, auth_hint=self.secret_name,
            secrets=[token], problem=self._problem)
        self._last_search = 0.0

    # ------------------------------------------------------------------ paths

    @property
    def legacy(self) -> bool:
        return bool(_LEGACY.match(self.version))

    def objects(self, resource: str) -> str:
        """/crm/objects/<version>/<resource> (date versions) or /crm/v3/objects/<resource>."""
        return f"/crm/v3/objects/{resource}" if self.legacy else f"/crm/objects/{self.version}/{resource}"

    def associations(self, resource: str) -> str:
        """/crm/associations/<version>/<resource> or the legacy /crm/v4/associations/<resource>."""
        return f"/crm/v4/associations/{resource}" if self.legacy else f"/crm/associations/{self.version}/{resource}"

    def account_info(self) -> str:
        """/account-info/<version>/details or the legacy /account-info/v3/details."""
        return "/account-info/v3/details" if self.legacy else f"/account-info/{self.version}/details"

    def emails(self, resource: str = "") -> str:
        """/marketing/emails/<version>[/resource] or the legacy /marketing/v3/emails[/resource]."""
        base = "/marketing/v3/emails" if self.legacy else f"/marketing/emails/{self.version}"
        return f"{base}/{resource}" if resource else base

    # ------------------------------------------------------------------ calls

    def get(self, path: str, params: dict | None = None) -> dict:
        return self._checked(self.api.json(self.api.request("GET", path, params=params)), path)

    def post(self, path: str, body: dict) -> dict:
        return self._checked(self.api.json(self.api.request("POST", path, json=body)), path)

    def _checked(self, body, path: str) -> dict:
        if not isinstance(body, dict):
            raise ApiError(f"{self.source.name}: HubSpot {path} answered with an unexpected JSON "
                           f"{type(body).__name__} — the run will retry it next time")
        return body

    def account(self) -> dict:
        """The account's details (companyCurrency, timeZone …), or {} when they cannot be read: they only
        complete the records, and a refused token fails the calls that follow anyway."""
        try:
            return self.get(self.account_info())
        except ApiError as exc:
            log.info("%s: HubSpot account details unavailable (%s)", self.source.name, exc)
            return {}

    def pages(self, path: str, params: dict) -> Iterator[dict]:
        """Every record of a GET collection, following paging.next.after to the end."""
        after, seen = None, set()
        while True:
            body = self.get(path, {**params, **({"after": after} if after else {})})
            yield from body.get("results") or []
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return
            if after in seen:
                raise ApiError(f"{self.source.name}: HubSpot {path} repeated the paging cursor {after!r} — "
                               "the run will retry it next time")
            seen.add(after)

    def search(self, object_type: str, date_property: str, start: dt.datetime, end: dt.datetime,
               properties: list[str], filters: list[dict] = ()) -> list[dict]:
        """Every `object_type` record with start <= date_property < end (and `filters`), each once.

        One search query pages through at most SEARCH_CAP results, so a range whose `total` is larger
        is split in halves until each part fits."""
        records: dict[str, dict] = {}
        ranges = [(_ms(start), _ms(end))]
        while ranges:
            lo, hi = ranges.pop()
            body = {
                "filterGroups": [{"filters": [
                    {"propertyName": date_property, "operator": "GTE", "value": str(lo)},
                    {"propertyName": date_property, "operator": "LT", "value": str(hi)},
                    *filters]}],
                "sorts": [{"propertyName": date_property, "direction": "ASCENDING"}],
                "properties": properties,
                "limit": SEARCH_PAGE,
            }
            page = self._search(object_type, body)
            total = int(page.get("total") or 0)
            if total > SEARCH_CAP:
                if hi - lo <= 1000:
                    raise ApiError(f"{self.source.name}: more than {SEARCH_CAP} HubSpot {object_type} have "
                                   f"{date_property} within one second — they cannot be paged through search")
                mid = (lo + hi) // 2
                ranges += [(mid, hi), (lo, mid)]        # the earlier half is pulled first
                continue
            while True:
                results = page.get("results") or []
                for record in results:
                    records[str(record.get("id"))] = record
                after = ((page.get("paging") or {}).get("next") or {}).get("after")
                if not after or not results:
                    break
                page = self._search(object_type, {**body, "after": after})
        return list(records.values())

    def _search(self, object_type: str, body: dict) -> dict:
        wait = SEARCH_INTERVAL - (time.monotonic() - self._last_search)
        if wait > 0:
            http.pause(wait)
        try:
            return self.post(self.objects(f"{object_type}/search"), body)
        finally:
            self._last_search = time.monotonic()

    def batch_read(self, object_type: str, ids: list[str], properties: list[str]) -> dict[str, dict]:
        """id -> record for `ids` (ids HubSpot does not know are absent)."""
        out: dict[str, dict] = {}
        for chunk in _chunks(sorted(set(ids), key=_id_key), BATCH):
            body = self.post(self.objects(f"{object_type}/batch/read"),
                             {"properties": properties, "inputs": [{"id": i} for i in chunk]})
            for record in body.get("results") or []:
                out[str(record.get("id"))] = record
        return out

    def associated(self, from_type: str, to_type: str, ids: list[str]) -> dict[str, list[str]]:
        """from id -> the ids of its associated `to_type` records (first page of each, up to 500)."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(ids), key=_id_key), BATCH):
            body = self.post(self.associations(f"{from_type}/{to_type}/batch/read"),
                             {"inputs": [{"id": i} for i in chunk]})
            # Records without associations come back under "errors" (HTTP 207): they simply have none.
            for result in body.get("results") or []:
                key = str((result.get("from") or {}).get("id"))
                out[key] = [str(t.get("toObjectId", t.get("id"))) for t in result.get("to") or []]
        return out

    # ------------------------------------------------------------------ errors

    def _problem(self, resp: requests.Response):
        """HubSpot's own signals: rate-limit policies, missing scopes, bad requests, retired versions."""
        status = resp.status_code
        if status < 300:
            sunset = resp.headers.get("Sunset") or resp.headers.get("Deprecation")
            if sunset:
                log.warning("%s: HubSpot marks API version %s as deprecated (sunset %s) — set a newer "
                            "api_version in roi.toml", self.source.name, self.version, sunset)
            return None
        body = json_body(resp)
        if status == 429:
            policy = str(body.get("policyName") or "").upper()
            if policy == "DAILY":
                return ("HubSpot's daily API call limit for this account is used up — the run will pull "
                        "this window again after midnight (HubSpot account time zone)")
            if resp.headers.get("Retry-After"):
                return None                      # ApiClient honours Retry-After
            if policy == "SECONDLY":             # the search endpoints' per-second limit
                return ("retry", 1.0)
            # The rolling ten-second burst limit: wait one interval (the header gives it in ms).
            interval = _number(resp.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds"))
            return ("retry", (interval or 10_000) / 1000)
        if status == 403 and str(body.get("category")).upper() == "MISSING_SCOPES":
            scopes = _scopes(body)
            return (f"the HubSpot private app behind {self.secret_name} lacks the scope(s) {scopes} — add them "
                    "in HubSpot › Settings › Integrations › Private apps and copy the token again")
        if status in (404, 410):
            return (f"HubSpot answered HTTP {status} for {resp.url.split('?')[0]} — API version "
                    f"'{self.version}' may be retired: set api_version = \"<latest date version>\" from "
                    f"{LATEST_VERSIONS_URL} in roi.toml (or check base_url)")
        if status == 400:
            detail = _first_error(body)
            return (f"HubSpot rejected the request (HTTP 400: {detail}) — check the property names in "
                    "this source's options (utm_properties, won_stages)")
        return None


# ---------------------------------------------------------------------------------------------- helpers

def window_bounds(window: tuple[dt.date, dt.date]) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants to pull for a window of local days: one extra day each side covers every time zone
    (the load keeps only the rows whose local date falls in the window)."""
    start = dt.datetime.combine(window[0] - dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    end = dt.datetime.combine(window[1] + dt.timedelta(days=2), dt.time(), dt.timezone.utc)
    return start, end


def text(value) -> str | None:
    """A raw cell: scalars as text, objects and arrays as JSON text, None kept."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def frame(rows: list[dict], columns: list[str]) -> pl.DataFrame:
    """Rows as a frame of text columns, in `columns` order first, then any other keys seen."""
    names = list(dict.fromkeys(columns + [k for r in rows for k in r]))
    return pl.DataFrame({n: [text(r.get(n)) for r in rows] for n in names}, schema={n: pl.Utf8 for n in names})


def crm_row(record: dict, properties: list[str], prefix: str = "") -> dict:
    """One CRM record flattened: id, createdAt, updatedAt, archived and each requested property."""
    props = record.get("properties") or {}
    row = {f"{prefix}id": record.get("id")}
    if not prefix:
        row.update({k: record.get(k) for k in ("createdAt", "updatedAt", "archived")})
    row.update({f"{prefix}{p}": props.get(p) for p in properties})
    return row


def utm_properties(source: SourceConfig) -> dict[str, str]:
    """The CRM properties holding UTM values (option utm_properties: {utm_source = "…", …})."""
    from roi.transforms.hubspot_email import DEFAULT_UTM_PROPERTIES
    configured = source.options.get("utm_properties") or {}
    if not isinstance(configured, dict) or not all(isinstance(v, str) for v in configured.values()):
        raise ApiError(f"{source.name}: utm_properties must be a table like "
                       "{ utm_source = \"utm_source\", utm_medium = \"utm_medium\", utm_campaign = \"utm_campaign\" }")
    unknown = set(configured) - set(DEFAULT_UTM_PROPERTIES)
    if unknown:
        raise ApiError(f"{source.name}: utm_properties has unknown key(s) {', '.join(sorted(unknown))} "
                       "(keys: utm_source, utm_medium, utm_campaign)")
    return {**DEFAULT_UTM_PROPERTIES, **configured}


def check_crm(source: SourceConfig) -> None:
    crm = str(source.options.get("crm", "hubspot")).strip().lower()
    if crm != "hubspot":
        raise ApiError(f"{source.name}: crm = \"{crm}\" has no API client yet — use crm = \"hubspot\", or "
                       "mode = \"files\" with that CRM's exports")


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _id_key(value: str):
    return (len(value), value)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _scopes(body: dict) -> str:
    found: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") or {} if isinstance(error, dict) else {}
        for key in ("requiredGranularScopes", "requiredScopes", "missingScopes"):
            found += [str(s) for s in context.get(key) or []]
    return ", ".join(dict.fromkeys(found)) or "required by this endpoint"


def _first_error(body: dict) -> str:
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"]).splitlines()[0][:200]
    return str(body.get("message") or "bad request").splitlines()[0][:200]
