"""Pipedrive API (v2) for leads and orders with crm = "pipedrive": API-token or OAuth auth, cursor paging,
throttling; persons created in a window with their first won deal, and won deals with their persons."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError
from roi.sources.hubspot import window_bounds
from roi.sources.records import instant, text_cell, text_frame
from roi.transforms import pipedrive as transform

# api.pipedrive.com takes API tokens; an OAuth token needs the company's own domain (the grant's api_domain).
DEFAULT_BASE_URL = "https://api.pipedrive.com"
PAGE = 500        # the largest page of a v2 list
IDS = 100         # ids per GET …?ids= call
PERSON_FIELDS = ["id", "name", "email", "add_time", "update_time", "org_id", "owner_id"]
DEAL_FIELDS = ["id", "title", "value", "currency", "status", "won_time", "local_won_date", "add_time",
               "update_time", "close_time", "person_id", "org_id", "owner_id", "pipeline_id", "stage_id",
               "origin", "channel", "channel_id"]


class Pipedrive:
    """One Pipedrive company reached with a personal API token (header x-api-token) or an OAuth access token."""

    def __init__(self, session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]):
        self.source = source
        prefix = source.secret_prefix
        api_token, access = secret("API_TOKEN"), secret("ACCESS_TOKEN")
        if api_token:
            headers, self.secret_name = {"x-api-token": api_token}, f"{prefix}API_TOKEN"
        elif access:
            if not source.base_url:
                raise ApiError(f"{source.name}: a Pipedrive OAuth token ({prefix}ACCESS_TOKEN) is served on the "
                               "company's domain — set base_url = \"https://<company>.pipedrive.com\" in roi.toml")
            headers, self.secret_name = {"Authorization": f"Bearer {access}"}, f"{prefix}ACCESS_TOKEN"
        else:
            raise ApiError(f"{source.name}: no Pipedrive token — set {prefix}API_TOKEN (Pipedrive › Personal "
                           f"preferences › API) or {prefix}ACCESS_TOKEN (an OAuth app's)")
        if source.api_version not in (None, "v2"):
            raise ApiError(f"{source.name}: api_version '{source.api_version}' — Pipedrive persons and deals are "
                           "read from API v2: remove api_version or set it to \"v2\"")
        self.api = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                             auth=lambda: dict(headers), auth_hint=self.secret_name, secrets=[api_token, access],
                             problem=self._problem)

    def pages(self, path: str, params: dict) -> Iterator[list[dict]]:
        """Each page of a v2 list, following additional_data.next_cursor to the end."""
        cursor, seen = None, set()
        while True:
            body = self.api.get_json(path, params={**params, **({"cursor": cursor} if cursor else {})})
            if not isinstance(body, dict) or not isinstance(body.get("data") or [], list):
                raise ApiError(f"{self.source.name}: Pipedrive {path} answered with an unexpected JSON shape — "
                               "the run will retry it next time")
            yield body.get("data") or []
            cursor = (body.get("additional_data") or {}).get("next_cursor")
            if not cursor:
                return
            if cursor in seen:
                raise ApiError(f"{self.source.name}: Pipedrive {path} repeated the paging cursor — the run will "
                               "retry it next time")
            seen.add(cursor)

    def persons_created(self, start: dt.datetime, end: dt.datetime) -> list[dict]:
        """Persons with start <= add_time < end. A person's update_time is never before its add_time, so the
        ones updated since `start` hold them all; newest first, paging stops below `start`."""
        params = {"updated_since": _rfc3339(start), "sort_by": "add_time", "sort_direction": "desc", "limit": PAGE}
        found = []
        for page in self.pages("/api/v2/persons", params):
            found += [p for p in page if _within(p.get("add_time"), start, end)]
            oldest = instant(page[-1].get("add_time")) if page else None
            if oldest is not None and oldest < start:
                break
        return found

    def won_since(self, since: dt.datetime) -> list[dict]:
        """Won deals updated since `since`: every deal won since then (winning a deal updates it)."""
        params = {"status": "won", "updated_since": _rfc3339(since), "limit": PAGE}
        return [deal for page in self.pages("/api/v2/deals", params) for deal in page]

    def persons_by_id(self, ids: list[str]) -> dict[str, dict]:
        """id -> person (ids Pipedrive does not show, deleted ones, are absent)."""
        found: dict[str, dict] = {}
        for i in range(0, len(ids), IDS):
            params = {"ids": ",".join(ids[i:i + IDS]), "limit": IDS}
            for page in self.pages("/api/v2/persons", params):
                found |= {str(p.get("id")): p for p in page}
        return found

    def _problem(self, resp: requests.Response):
        """Pipedrive's throttling (a 2-second window per token) and a wrong company domain."""
        if resp.status_code == 429 and not resp.headers.get("Retry-After"):
            # No Retry-After: wait for the window's reset (x-ratelimit-reset, in seconds), else one window.
            reset = resp.headers.get("x-ratelimit-reset", "")
            return ("retry", float(reset) if re.fullmatch(r"\d+(\.\d+)?", reset) and float(reset) > 0 else 2.0)
        if resp.status_code == 404:
            return (f"Pipedrive answered HTTP 404 for {resp.url.split('?')[0]} — check base_url "
                    "(https://<company>.pipedrive.com, or leave it out with an API token)")
        return None


def leads(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Persons whose add_time falls in the window (a day's margin each side for time zones), one row each,
    with the id and won_time of their earliest won deal (GET /api/v2/deals?status=won, updated since the
    window's start) and their custom fields as cf.<key>."""
    _field_keys(source)
    api = Pipedrive(session, source, secret)
    start, end = window_bounds(window)
    people = api.persons_created(start, end)
    first_won: dict[str, dict] = {}
    for deal in api.won_since(start):
        person, won = deal.get("person_id"), instant(deal.get("won_time"))
        if person is None or won is None:
            continue
        known = first_won.get(str(person))
        if known is None or won < instant(known.get("won_time")):
            first_won[str(person)] = deal
    rows = []
    for person in people:
        deal = first_won.get(str(person.get("id"))) or {}
        rows.append({**_person_row(person), "won_deal_id": text_cell(deal.get("id")),
                     "won_time": text_cell(deal.get("won_time"))})
    return text_frame(rows, PERSON_FIELDS + ["won_deal_id", "won_time"])


def deals(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Won deals whose won_time falls in the window (a day's margin each side), one row each with its custom
    fields as cf.<key> and its person (GET /api/v2/persons?ids=…, 100 a call) under person.*."""
    _field_keys(source)
    api = Pipedrive(session, source, secret)
    start, end = window_bounds(window)
    won = [d for d in api.won_since(start) if _within(d.get("won_time"), start, end)]
    ids = sorted({str(d["person_id"]) for d in won if d.get("person_id") is not None}, key=lambda i: (len(i), i))
    persons = api.persons_by_id(ids) if ids else {}
    rows = [{**_row(deal, DEAL_FIELDS), **_person_row(persons.get(str(deal.get("person_id"))) or {}, "person.")}
            for deal in won]
    return text_frame(rows, DEAL_FIELDS + [f"person.{f}" for f in PERSON_FIELDS])


def _field_keys(source: SourceConfig) -> dict[str, list[str]]:
    try:
        return transform.field_keys(source.options)
    except ValueError as exc:
        raise ApiError(f"{source.name}: {exc}") from None


def _row(record: dict, fields: list[str], prefix: str = "") -> dict:
    """The record's fields, then each custom field as cf.<key>, as text cells."""
    row = {f"{prefix}{f}": text_cell(record.get(f)) for f in fields}
    row |= {f"{prefix}{transform.CUSTOM}{k}": text_cell(v) for k, v in (record.get("custom_fields") or {}).items()}
    return row


def _person_row(person: dict, prefix: str = "") -> dict:
    """A person's row: its fields with `email` its primary e-mail address (else its first)."""
    emails = [e for e in person.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    primary = next((e for e in emails if e.get("primary")), emails[0] if emails else {})
    return _row({**person, "email": primary.get("value")}, PERSON_FIELDS, prefix) if person else {}


def _within(value, start: dt.datetime, end: dt.datetime) -> bool:
    when = instant(value) if value else None
    return when is not None and start <= when < end


def _rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
