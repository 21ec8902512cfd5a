"""Meta Marketing API client: daily ad-level insights of each ad account (sync, or async report runs)."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import polars as pl
import requests

from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiClient, ApiError

SECRETS = ("ACCESS_TOKEN",)
NEEDS_ACCOUNTS = True
OPTIONS = ("action_types", "attribution_windows", "async_after_days")
DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v26.0"

FIELDS = [
    "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id", "adset_name",
    "ad_id", "ad_name", "date_start", "date_stop", "impressions", "clicks", "inline_link_clicks", "spend", "reach",
    "inline_post_engagement", "actions", "action_values", "video_play_actions", "video_p100_watched_actions",
]
# Added from the ad account itself (insights do not return the time zone).
ACCOUNT_FIELDS = ("timezone_name",)
PAGE_SIZE = 500
ASYNC_AFTER_DAYS = 7         # longer windows go through async report runs
ASYNC_CHUNK_DAYS = 31        # one async job per month at most: big jobs fail more often
POLL_FIRST, POLL_MAX, POLL_LIMIT = 2.0, 30.0, 1800.0   # seconds between polls; give up after 30 min
THROTTLE_CODES = {4, 17, 32, 613} | set(range(80000, 80015))
THROTTLE_SUBCODES = {2446079}
USAGE_LIMIT = 95.0           # % of a rate limit: pause before the next call
DEFAULT_THROTTLE_WAIT = 60.0


class _TooMuchData(ApiError):
    """The sync insights call asked for more than Meta serves synchronously: use a report run."""


def account_path(value: str, source: SourceConfig) -> str:
    """'act_123' | '123' -> 'act_123'."""
    digits = re.sub(r"^act_", "", str(value).strip())
    if not digits.isdigit():
        raise ApiError(f"{source.name}: account id '{value}' is not a Meta ad account id like act_1234567890 — "
                       "fix account_ids in roi.toml")
    return f"act_{digits}"


def insights_params(source: SourceConfig, window: tuple[dt.date, dt.date]) -> dict[str, str]:
    params = {
        "level": "ad", "time_increment": "1", "fields": ",".join(FIELDS), "limit": str(PAGE_SIZE),
        "time_range": json.dumps({"since": window[0].isoformat(), "until": window[1].isoformat()}),
    }
    windows = source.options.get("attribution_windows")
    if windows:
        params["action_attribution_windows"] = json.dumps(list(windows))
    else:   # the numbers Ads Manager shows (the account's attribution setting)
        params["use_unified_attribution_setting"] = "true"
    return params


def chunks(window: tuple[dt.date, dt.date], days: int) -> list[tuple[dt.date, dt.date]]:
    out, lo = [], window[0]
    while lo <= window[1]:
        hi = min(lo + dt.timedelta(days=days - 1), window[1])
        out.append((lo, hi))
        lo = hi + dt.timedelta(days=1)
    return out


def fetch(session: requests.Session, source: SourceConfig, window: tuple[dt.date, dt.date],
          secret: Callable[[str], str | None]) -> pl.DataFrame:
    """Every insights record of the window for every ad account: one per ad and day, or several when
    Meta splits a day (breakdowns), each kept as it came; only a record served twice counts once."""
    version = source.api_version or DEFAULT_API_VERSION
    token = secret("ACCESS_TOKEN") or ""
    hint = f"{source.secret_prefix}ACCESS_TOKEN"
    after_days = source.options.get("async_after_days", ASYNC_AFTER_DAYS)
    if not isinstance(after_days, int) or after_days < 0:
        raise ApiError(f"{source.name}: async_after_days must be a whole number of days ≥ 0 — fix it in roi.toml")
    state = {"pause": 0.0}
    client = ApiClient(session, source=source.name, base_url=source.base_url or DEFAULT_BASE_URL,
                       auth=lambda: {"Authorization": f"Bearer {token}"}, auth_hint=hint, secrets=[token],
                       problem=_problem(source, version, hint, state), max_wait=900.0)

    def get(path: str, params: dict | None = None, method: str = "GET") -> dict:
        if state["pause"]:   # the last answer said a rate limit is nearly reached
            wait, state["pause"] = state["pause"], 0.0
            client.sleep(wait)
        if method == "POST":
            return client.post_json(path, data=params)
        return client.get_json(path, params=params)

    records: list[dict] = []
    seen: set[tuple] = set()
    days = (window[1] - window[0]).days + 1
    for act in dict.fromkeys(account_path(account, source) for account in source.account_ids):
        info = get(f"{version}/{act}", {"fields": ",".join(("name", "currency") + ACCOUNT_FIELDS)})
        extra = {f: str(info[f]) for f in ACCOUNT_FIELDS if info.get(f) is not None}
        if days <= after_days:
            try:
                rows = _pages(get, f"{version}/{act}/insights", insights_params(source, window))
            except _TooMuchData:
                rows = None
        else:
            rows = None
        if rows is None:
            rows = []
            for part in chunks(window, ASYNC_CHUNK_DAYS):
                rows += _report_run(get, client, source, version, act, insights_params(source, part))
        for row in rows:
            flat = {k: _text(v) for k, v in row.items()} | extra
            whole = tuple(sorted(flat.items()))
            if whole not in seen:   # the same record again (a page repeated by a cursor mistake) counts once;
                seen.add(whole)     # records of one ad and day that differ in anything all stay
                records.append(flat)
    names = FIELDS + list(ACCOUNT_FIELDS)
    names += sorted({k for r in records for k in r} - set(names))
    return pl.DataFrame([[r.get(c) for c in names] for r in records],
                        schema={c: pl.Utf8 for c in names}, orient="row")


def _text(value) -> str | None:
    """Insights values as text: numbers stay as sent, lists/objects become JSON text."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _pages(get, path: str, params: dict) -> list[dict]:
    """Every record of a paged insights edge, following `paging.cursors.after` (or `paging.next`)."""
    out: list[dict] = []
    seen: set[str] = set()
    body = get(path, params)
    while True:
        out += [r for r in body.get("data") or [] if isinstance(r, dict)]
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        step = after or paging.get("next")
        if not paging.get("next") or step in seen:
            return out   # the last page (a cursor seen before would loop forever)
        seen.add(step)
        body = get(path, {**params, "after": after}) if after else get(paging["next"])


def _report_run(get, client: ApiClient, source: SourceConfig, version: str, act: str, params: dict) -> list[dict]:
    """POST an async insights job, poll it until done, then page through its results."""
    started = get(f"{version}/{act}/insights", params, method="POST")
    run_id = started.get("report_run_id")
    if not run_id:
        raise ApiError(f"{source.name}: Meta did not start an insights report for {act} (no report_run_id) — "
                       "the run will retry it next time")
    wait, waited = POLL_FIRST, 0.0
    while True:
        job = get(f"{version}/{run_id}")
        status = job.get("async_status")
        percent = job.get("async_percent_completion")
        if status == "Job Completed" and (percent is None or float(percent) >= 100):
            break
        if status in ("Job Failed", "Job Skipped"):
            raise ApiError(f"{source.name}: the Meta insights report {run_id} for {act} "
                           f"({params['time_range']}) ended with '{status}' — the run will retry it next time; "
                           "if it keeps failing, load shorter windows (roi backfill --chunk-days 7)")
        if waited >= POLL_LIMIT:
            raise ApiError(f"{source.name}: the Meta insights report {run_id} for {act} is still '{status}' "
                           f"({percent}%) after {int(waited // 60)} minutes — the run will retry it next time")
        client.sleep(wait)
        waited += wait
        wait = min(POLL_MAX, wait * 2)
    return _pages(get, f"{version}/{run_id}/insights", {"limit": str(PAGE_SIZE)})


def _header_json(resp: requests.Response, name: str):
    try:
        return json.loads(resp.headers.get(name) or "null")
    except ValueError:
        return None


def throttle_wait(resp: requests.Response) -> tuple[float, float, float]:
    """From Meta's usage headers: (highest usage % of any rate limit, seconds until a throttled
    business regains access, seconds until the ad account's usage score resets)."""
    usage, regain, reset = 0.0, 0.0, 0.0
    buc = _header_json(resp, "x-business-use-case-usage")
    if isinstance(buc, dict):
        for entries in buc.values():
            for e in entries if isinstance(entries, list) else [entries]:
                if isinstance(e, dict):
                    usage = max([usage] + [_num(e.get(k)) for k in ("call_count", "total_cputime", "total_time")])
                    regain = max(regain, _num(e.get("estimated_time_to_regain_access")) * 60)   # minutes
    insights = _header_json(resp, "x-fb-ads-insights-throttle")
    if isinstance(insights, dict):
        usage = max(usage, _num(insights.get("app_id_util_pct")), _num(insights.get("acc_id_util_pct")))
    account = _header_json(resp, "x-ad-account-usage")
    if isinstance(account, dict):
        usage = max(usage, _num(account.get("acc_id_util_pct")))
        reset = _num(account.get("reset_time_duration"))
    app = _header_json(resp, "x-app-usage")
    if isinstance(app, dict):
        usage = max([usage] + [_num(app.get(k)) for k in ("call_count", "total_cputime", "total_time")])
    return usage, regain, reset


def _num(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _problem(source: SourceConfig, version: str, hint: str, state: dict):
    name = source.name
    fix_version = f"set api_version = \"{DEFAULT_API_VERSION}\" for source '{name}' in roi.toml"

    def problem(resp: requests.Response):
        usage, regain, reset = throttle_wait(resp)
        if resp.status_code < 400:
            if usage >= USAGE_LIMIT or regain > 0:   # a good answer, but slow down before the next call
                state["pause"] = regain or (reset if usage >= USAGE_LIMIT else 0.0) or DEFAULT_THROTTLE_WAIT
            return None
        try:
            body = resp.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None   # 5xx pages, 429 with Retry-After …: the client's own rules
        code, sub = error.get("code"), error.get("error_subcode")
        message = " ".join(str(error.get("message") or "").split())[:200]
        what = f"Meta error {code}" + (f"/{sub}" if sub else "") + (f": {message}" if message else "")
        if code in THROTTLE_CODES or sub in THROTTLE_SUBCODES:
            return ("retry", regain or reset or DEFAULT_THROTTLE_WAIT)
        if code == 2635 or re.search(r"deprecated version|version .* (is )?deprecated|unsupported version",
                                     message, re.I):
            return f"the Graph API version {version} is deprecated or no longer served ({what}) — {fix_version}"
        if code == 190 or resp.status_code == 401:
            return f"the access token was refused ({what}) — check {hint} (renew it, or use a system user token)"
        if code == 10 or isinstance(code, int) and 200 <= code < 300:
            return (f"the access token lacks permission ({what}) — give {hint} the ads_read permission on "
                    "the ad account")
        if code == 1 and re.search(r"reduce the amount of data", message, re.I):
            raise _TooMuchData(f"{name}: Meta refused the synchronous insights call ({what})")
        if error.get("is_transient") or code in (1, 2):
            return ("retry", 30.0) if resp.status_code < 500 else None
        if code == 100 and re.search(r"act_|does not exist|Unsupported get request", message):
            return f"an ad account of account_ids cannot be read ({what}) — check account_ids and that {hint} " \
                   "has access to it"
        if resp.status_code >= 500 or resp.status_code == 429:
            return None   # the client's retry rules (Retry-After, backoff)
        return f"{resp.request.method if resp.request else 'GET'} {resp.url.split('?')[0]} failed ({what})"

    return problem
