"""Salesforce REST API for leads and orders with crm = "salesforce": the connected app's refresh-token grant
(its answer names the org's instance_url), SOQL queries paged by nextRecordsUrl, Salesforce's error codes."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, OAuthToken
from roi.sources.hubspot import window_bounds
from roi.sources.records import text_cell, text_frame
from roi.transforms import salesforce as transform

DEFAULT_TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"   # a sandbox: test.salesforce.com
DEFAULT_API_VERSION = "62.0"
LEAD_FIELDS = ["Id", "CreatedDate", "LastModifiedDate", "Status", "IsConverted", "ConvertedDate",
               "ConvertedAccountId", "Email", "LeadSource"]
OPPORTUNITY_FIELDS = ["Id", "Name", "Amount", "CloseDate", "IsWon", "StageName", "AccountId", "LeadSource"]
_NO_SUCH_COLUMN = re.compile(r"No such column '([^']+)' on entity '([^']+)'")


class Salesforce:
    """One Salesforce org reached through a connected app: an access token from the refresh token (obtained
    again once when a call answers INVALID_SESSION_ID), the REST API at the instance_url it names."""

    def __init__(self, session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None]):
        self.source = source
        prefix = source.secret_prefix
        trio = [secret(k) for k in ("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")]
        names = f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN"
        if not all(trio):
            raise ApiError(f"{source.name}: needs {names} (a connected app's refresh-token grant) in the "
                           "environment or .env")
        self.version = str(source.api_version or DEFAULT_API_VERSION).strip().lstrip("vV")
        if not re.fullmatch(r"\d{2,3}\.0", self.version):
            raise ApiError(f"{source.name}: api_version '{source.api_version}' is not a Salesforce API version — "
                           f"use one like \"{DEFAULT_API_VERSION}\"")
        self.oauth = OAuthToken(session=session, token_url=source.token_url or DEFAULT_TOKEN_URL,
                                client_id=trio[0], client_secret=trio[1], refresh_token=trio[2], source=source.name,
                                secret_prefix=prefix, refused_hint=" (and token_url: a sandbox signs in at "
                                "https://test.salesforce.com/services/oauth2/token)")
        access = self.oauth.get()
        instance = self.oauth.granted.get("instance_url")
        if not isinstance(instance, str) or not instance.startswith(("http://", "https://")):
            raise ApiError(f"{source.name}: the Salesforce token answer names no instance_url — check token_url")
        self.api = ApiClient(session, source=source.name, base_url=instance,
                             auth=lambda: {"Authorization": f"Bearer {self.oauth.get()}"}, refresh=self.oauth.refresh,
                             auth_hint=names, secrets=[*trio, access], problem=self._problem)

    def query(self, soql: str) -> list[dict]:
        """Every record of a SOQL query: the first batch, then each nextRecordsUrl until done."""
        body = self._get(f"/services/data/v{self.version}/query", {"q": soql})
        records, seen = list(body.get("records") or []), set()
        while body.get("done") is False and body.get("nextRecordsUrl"):
            url = body["nextRecordsUrl"]
            if url in seen:
                raise ApiError(f"{self.source.name}: Salesforce repeated the query locator {url} — the run will "
                               "retry it next time")
            seen.add(url)
            body = self._get(url)
            records += body.get("records") or []
        return records

    def field_names(self, sobject: str) -> set[str]:
        """The API names of an object's fields (its describe)."""
        body = self._get(f"/services/data/v{self.version}/sobjects/{sobject}/describe")
        return {str(f.get("name")) for f in body.get("fields") or [] if isinstance(f, dict)}

    def default_currency(self) -> str | None:
        """The org's currency (Setup › Company Information), for orgs without multiple currencies."""
        records = self.query("SELECT DefaultCurrencyIsoCode FROM Organization")
        return records[0].get("DefaultCurrencyIsoCode") if records else None

    def _get(self, path: str, params: dict | None = None) -> dict:
        body = self.api.get_json(path, params=params)
        if not isinstance(body, dict):
            raise ApiError(f"{self.source.name}: Salesforce {path.split('?')[0]} answered with an unexpected JSON "
                           f"{type(body).__name__} — the run will retry it next time")
        return body

    def _problem(self, resp: requests.Response):
        """Salesforce's error list ([{"message", "errorCode"}]) as one line; 401 is left to the token refresh,
        429 and 5xx to the retries."""
        status = resp.status_code
        if status < 400 or status in (401, 429) or status >= 500:
            return None
        code, message = _first_error(resp)
        line = message.strip().splitlines()[-1][:200] if message.strip() else ""   # after the query's echo
        if code == "REQUEST_LIMIT_EXCEEDED":
            return ("Salesforce's API request limit for this org is used up (REQUEST_LIMIT_EXCEEDED) — the run will "
                    "pull this window again when the rolling 24-hour allowance frees up (Setup › System Overview)")
        if code == "INVALID_FIELD":
            found = _NO_SUCH_COLUMN.search(message)
            what = f"{found.group(2)} has no field '{found.group(1)}'" if found else f"a field was refused ({line})"
            return (f"Salesforce {what} (INVALID_FIELD) — fix utm_fields in roi.toml: each must be "
                    f"{transform.FIELD_NAME_HINT}")
        if code == "MALFORMED_QUERY":
            return f"Salesforce could not read the query (MALFORMED_QUERY: {line}) — check utm_fields in roi.toml"
        if status == 404:
            return (f"Salesforce answered HTTP 404 for {resp.url.split('?')[0]} — check api_version "
                    f"'{self.version}' (one like \"{DEFAULT_API_VERSION}\")")
        if code:
            return f"Salesforce refused the request (HTTP {status} {code}: {line})"
        return None


def leads(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Leads whose CreatedDate falls in the window (a day's margin each side for time zones), one row each
    with the funnel fields, Lead Source and the utm_fields."""
    fields = _utm_names(source, leads=True)
    api = Salesforce(session, source, secret)
    start, end = window_bounds(window)
    select = list(dict.fromkeys(LEAD_FIELDS + fields))
    records = api.query(f"SELECT {', '.join(select)} FROM Lead WHERE CreatedDate >= {_soql_instant(start)} "
                        f"AND CreatedDate < {_soql_instant(end)} ORDER BY CreatedDate, Id")
    return text_frame([_row(r, select) for r in records], select)


def opportunities(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
                  secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Won opportunities whose CloseDate (a calendar date) falls in the window, one row each. CurrencyIsoCode
    exists in multi-currency orgs only (the Opportunity describe says); elsewhere, without a `currency`
    option, the org's default currency is recorded on every row as org.DefaultCurrencyIsoCode."""
    fields = _utm_names(source)
    api = Salesforce(session, source, secret)
    multi = "CurrencyIsoCode" in api.field_names("Opportunity")
    select = list(dict.fromkeys(OPPORTUNITY_FIELDS + (["CurrencyIsoCode"] if multi else []) + fields))
    records = api.query(f"SELECT {', '.join(select)} FROM Opportunity WHERE IsWon = true AND CloseDate >= "
                        f"{window[0].isoformat()} AND CloseDate <= {window[1].isoformat()} ORDER BY CloseDate, Id")
    rows = [_row(r, select) for r in records]
    if not multi and not source.currency:
        currency = api.default_currency()
        rows = [{**row, "org.DefaultCurrencyIsoCode": currency} for row in rows]
    return text_frame(rows, select)


def _utm_names(source: SourceConfig, *, leads: bool = False) -> list[str]:
    """The field names of utm_fields, in order; the options checked first (and lost_statuses for leads), so
    that a mistake is a one-line error before any call."""
    try:
        if leads:
            transform.lost_statuses(source.options)
        return [name for names in transform.field_names(source.options).values() for name in names]
    except ValueError as exc:
        raise ApiError(f"{source.name}: {exc}") from None


def _row(record: dict, fields: list[str]) -> dict:
    """The record's fields as text cells (true/false for booleans), found whatever the case roi.toml wrote a
    field name in."""
    by_name = {k.lower(): v for k, v in record.items() if k != "attributes"}
    row = {}
    for name in fields:
        value = by_name.get(name.lower())
        row[name] = ("true" if value else "false") if isinstance(value, bool) else text_cell(value)
    return row


def _first_error(resp: requests.Response) -> tuple[str, str]:
    """(errorCode, message) of Salesforce's error list, or of a single error object."""
    try:
        body = resp.json()
    except ValueError:
        return "", ""
    first = body[0] if isinstance(body, list) and body else body
    if not isinstance(first, dict):
        return "", ""
    return str(first.get("errorCode") or first.get("error") or ""), str(first.get("message") or "")


def _soql_instant(when: dt.datetime) -> str:
    """A SOQL dateTime literal (UTC, unquoted)."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
