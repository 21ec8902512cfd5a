"""Microsoft Advertising Reporting API (REST: submit, poll, download a zipped CSV) -> one raw row per report row."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

import polars as pl
import requests

import roi.sources.http as http
from roi.contracts.errors import ConfigError
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError, OAuthToken
from roi.sources.records import text_frame

SECRETS = ("DEVELOPER_TOKEN", "CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")
NEEDS_ACCOUNTS = True
OPTIONS = ("level", "customer_id", "report_time_zone")
DEFAULT_BASE_URL = "https://reporting.api.bingads.microsoft.com/Reporting/"
DEFAULT_API_VERSION = "v13"
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
SCOPE = "https://ads.microsoft.com/msads.manage offline_access"

_COMMON = ["TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName"]
_AD_GROUP = ["AdGroupId", "AdGroupName"]
_METRICS = ["CurrencyCode", "Impressions", "Clicks", "Spend", "Conversions", "Revenue"]
REPORTS = {   # level -> (report request type, columns)
    "campaign": ("CampaignPerformanceReportRequest", _COMMON + _METRICS),
    "ad_group": ("AdGroupPerformanceReportRequest", _COMMON + _AD_GROUP + _METRICS),
    "ad": ("AdPerformanceReportRequest", _COMMON + _AD_GROUP + ["AdId", "AdTitle"] + _METRICS),
    # the keyword's own (bid) match type; rows are not split by the delivered one
    "keyword": ("KeywordPerformanceReportRequest", _COMMON + _AD_GROUP + ["KeywordId", "Keyword", "BidMatchType"]
                + _METRICS),
    # SearchQueryPerformanceReportColumn has no CurrencyCode: the rows take the source's `currency`
    "search_term": ("SearchQueryPerformanceReportRequest", _COMMON + _AD_GROUP + [
        "SearchQuery", "KeywordId", "Keyword", "BidMatchType"] + _METRICS[1:]),
}
POLL_DELAYS = [2, 3, 5, 10, 15, 30]     # seconds between polls; the last repeats
MAX_POLL_SECONDS = 30 * 60


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """One daily report per account for the window: submitted, polled until ready, downloaded and read."""
    level = str(source.options.get("level", "campaign")).lower()
    if level not in REPORTS:
        raise ConfigError(f"{source.name}: level must be one of {', '.join(repr(x) for x in REPORTS)}, not "
                          f"{level!r} — fix it in roi.toml")
    report_type, columns = REPORTS[level]
    version = str(source.api_version or DEFAULT_API_VERSION)
    client, download = _clients(session, source, secret, version)
    rows: list[dict] = []
    for account in source.account_ids:
        account_id = str(account).strip()
        headers = {"CustomerAccountId": account_id}
        request = {"ReportRequest": _report_request(report_type, columns, account_id, window, source)}
        submitted = client.post_json(f"{version}/GenerateReport/Submit", json=request, headers=headers)
        request_id = submitted.get("ReportRequestId")
        if not request_id:
            raise ApiError(f"{source.name}: Microsoft Advertising accepted the report for account {account_id} "
                           "but gave no ReportRequestId — the run will retry it next time")
        url = _poll(client, version, request_id, account_id, headers)
        if url is None:         # Success with no URL: no data for the period
            continue
        rows += _read_report(download.request("GET", url).content, columns, account_id, source.name)
    return text_frame(rows, [*columns, "ReportTimeZone"])


# ---------------------------------------------------------------- requests

def _clients(session: requests.Session, source: SourceConfig, secret: Callable[[str], str | None],
             version: str) -> tuple[ApiClient, ApiClient]:
    prefix = source.secret_prefix
    developer, client_id, client_secret, refresh_token = (secret(k) for k in SECRETS)
    oauth = OAuthToken(session=session, token_url=source.token_url or DEFAULT_TOKEN_URL, client_id=client_id,
                       client_secret=client_secret, refresh_token=refresh_token, source=source.name,
                       secret_prefix=prefix, extra={"scope": SCOPE})
    customer = str(source.options["customer_id"]) if source.options.get("customer_id") else None
    expired_refresh = {"done": False}

    def auth() -> dict:
        token = oauth.get()
        if token not in client.secrets:
            client.secrets.append(token)
        headers = {"Authorization": f"Bearer {token}", "DeveloperToken": developer or ""}
        if customer:
            headers["CustomerId"] = customer
        return headers

    def refresh() -> None:
        client.secrets.append(oauth.refresh())

    def problem(resp: requests.Response):
        errors = _errors(resp)
        codes = {code for code, _, _ in errors} | {name for _, name, _ in errors}
        detail = next((f"{name or code}: {message}" for code, name, message in errors if message), "")
        if 117 in codes or "CallRateExceeded" in codes:   # "wait 60 seconds", unless told otherwise
            return ("retry", _seconds(resp.headers.get("Retry-After")) or 60)
        if "ApiVersionNoLongerSupported" in codes or (resp.status_code in (404, 410) and f"/{version}/" in resp.url):
            advice = (f"remove api_version to use {DEFAULT_API_VERSION}" if version != DEFAULT_API_VERSION else
                      "set api_version to the current version (learn.microsoft.com/advertising/guides/migration-guide)")
            return (f"Microsoft Advertising does not serve the Reporting API {version} (HTTP {resp.status_code}"
                    f"{', ' + detail[:120] if detail else ''}; or base_url is wrong) — {advice} in roi.toml")
        if resp.status_code != 401 and (109 in codes or "AuthenticationTokenExpired" in codes):
            if expired_refresh["done"]:
                return (f"the access token is refused even after a refresh ({detail[:120]}) — check "
                        f"{prefix}CLIENT_ID, {prefix}CLIENT_SECRET and {prefix}REFRESH_TOKEN")
            expired_refresh["done"] = True
            refresh()
            return ("retry", 0)
        if codes & {105, 106, "InvalidCredentials", "UserIsNotAuthorized"}:   # a new token would not help
            account = resp.request.headers.get("CustomerAccountId") if resp.request is not None else None
            return (f"Microsoft Advertising refused the credentials (HTTP {resp.status_code}, {detail[:160]}) — "
                    f"check {prefix}DEVELOPER_TOKEN and {prefix}REFRESH_TOKEN, and that the signed-in user can open "
                    f"account {account or '?'}" + (f" of customer_id {customer}" if customer else ""))
        return None

    client = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL, auth=auth,
                       refresh=refresh, secrets=[developer, client_id, client_secret, refresh_token],
                       auth_hint=(f"{prefix}DEVELOPER_TOKEN, {prefix}CLIENT_ID, {prefix}CLIENT_SECRET and "
                                  f"{prefix}REFRESH_TOKEN"), problem=problem)
    # The download URL is pre-signed: no credentials go with it.
    download = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                         secrets=client.secrets)
    download.secrets = client.secrets
    return client, download


def _report_request(report_type: str, columns: list[str], account_id: str, window: tuple[dt.date, dt.date],
                    source: SourceConfig) -> dict:
    time = {"CustomDateRangeStart": _day(window[0]), "CustomDateRangeEnd": _day(window[1])}
    if source.options.get("report_time_zone"):
        time["ReportTimeZone"] = str(source.options["report_time_zone"])
    return {
        "Type": report_type, "ReportName": f"roi {source.name} {window[0]}..{window[1]}",
        "Format": "Csv", "FormatVersion": "2.0", "ReturnOnlyCompleteData": False,
        "ExcludeColumnHeaders": False, "ExcludeReportHeader": False, "ExcludeReportFooter": False,
        "Aggregation": "Daily", "Columns": columns,
        "Scope": {"AccountIds": [int(account_id) if account_id.isdigit() else account_id]},
        "Time": time,
    }


def _poll(client: ApiClient, version: str, request_id: str, account_id: str, headers: dict) -> str | None:
    """The download URL once the report is ready (None: ready but empty)."""
    waited = 0.0
    for waited in http.polls(POLL_DELAYS, MAX_POLL_SECONDS):
        body = client.post_json(f"{version}/GenerateReport/Poll", json={"ReportRequestId": request_id},
                                headers=headers)
        status = body.get("ReportRequestStatus") or {}
        state = str(status.get("Status") or "")
        if state == "Success":
            return status.get("ReportDownloadUrl") or None
        if state not in ("Pending", ""):
            raise ApiError(f"{client.source}: Microsoft Advertising could not build the report of account "
                           f"{account_id} (status {state}) — the run will retry it next time; if it keeps "
                           "failing, try a shorter window")
    raise ApiError(f"{client.source}: the report of account {account_id} was still pending after "
                   f"{int(waited // 60)} minutes — the run will retry it next time")


# ---------------------------------------------------------------- the report file

def _read_report(payload: bytes, columns: list[str], account_id: str, source: str) -> list[dict]:
    """Rows of the downloaded report (a ZIP holding one CSV, or the CSV itself): header lines, the
    column row, data rows, and the copyright footer."""
    if payload[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
                payload = archive.read(names[0]) if names else b""
        except (zipfile.BadZipFile, IndexError):
            raise ApiError(f"{source}: the report of account {account_id} is not a readable ZIP — the run will "
                           "retry it next time") from None
    text = payload.decode("utf-8-sig", errors="replace")
    rows: list[dict] = []
    header: list[str] | None = None
    time_zone = None
    for cells in csv.reader(io.StringIO(text, newline="")):
        if header is None:
            if cells and cells[0].startswith("Time Zone:"):
                time_zone = ",".join(cells).split(":", 1)[1].strip()
            elif "TimePeriod" in cells:
                header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells) or (len(cells) == 1 and re.match(r"\s*(©|\(c\))", cells[0])):
            continue
        record = dict(zip(header, cells))
        record.setdefault("AccountId", account_id)
        record["AccountId"] = record["AccountId"] or account_id
        record["ReportTimeZone"] = time_zone
        rows.append(record)
    if header is None and text.strip():
        raise ApiError(f"{source}: the report of account {account_id} has no column row — the run will retry it "
                       "next time")
    return rows


# ---------------------------------------------------------------- helpers

def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _day(d: dt.date) -> dict:
    return {"Day": d.day, "Month": d.month, "Year": d.year}


def _errors(resp: requests.Response) -> list[tuple[object, str, str]]:
    """(Code, ErrorCode, Message) of a REST fault body (AdApiFaultDetail / ApiFaultDetail)."""
    try:
        body = resp.json()
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    found = []
    for key in ("Errors", "OperationErrors", "BatchErrors"):
        for error in body.get(key) or []:
            if isinstance(error, dict):
                code = error.get("Code")
                try:
                    code = int(code)
                except (TypeError, ValueError):
                    pass
                found.append((code, str(error.get("ErrorCode") or ""), str(error.get("Message") or "")))
    return found
