"""Meta Ads API mode: the real client, transform and load path against a local server playing the Graph API."""
import datetime as dt
import json

import polars as pl
import requests

import roi.sources.meta_ads
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)
TOKEN = "EAAB-meta-5ecret-token-ZZ"
V = "/v26.0"


def record(account, day, ad, **fields):
    """An insights record as the Graph API sends it: every number a string, actions as arrays."""
    acc_id, acc_name, currency, campaign, adset = account
    return {"account_id": acc_id, "account_name": acc_name, "account_currency": currency,
            "campaign_id": campaign[0], "campaign_name": campaign[1], "adset_id": adset[0], "adset_name": adset[1],
            "ad_id": ad[0], "ad_name": ad[1], "date_start": day, "date_stop": day, **fields}


IT = ("1111", "Negozio Italia", "EUR", ("23850000000000001", "Saldi Estate"), ("23850000000000011", "Lookalike 1%"))
US = ("2222", "Shop US", "USD", ("23859999999999991", "US Prospecting"), ("23859999999999911", "Broad"))
HOT = ("23850000000000111", "🔥 Hot deal\ntwo lines")
PLAIN = ("23850000000000112", "Plain ad")
RECORDS = {
    "1111": [
        record(IT, "2026-06-01", HOT, impressions="1500", clicks="45", inline_link_clicks="30", spend="25.50",
               reach="1200", inline_post_engagement="60",
               actions=[{"action_type": "link_click", "value": "30"}, {"action_type": "video_view", "value": "300"},
                        {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "2", "7d_click": "2",
                         "1d_view": "1"},
                        {"action_type": "omni_purchase", "value": "3", "7d_click": "2", "1d_view": "1"},
                        {"action_type": "purchase", "value": "2"}],
               action_values=[{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "120.00",
                               "7d_click": "100.00", "1d_view": "20.00"},
                              {"action_type": "omni_purchase", "value": "150.00"}],
               video_play_actions=[{"action_type": "video_view", "value": "310"}]),
        record(IT, "2026-06-01", PLAIN, impressions="800", clicks="12", spend="10.25", reach="700"),
        record(IT, "2026-06-02", HOT, impressions="1700", clicks="50", inline_link_clicks="34", spend="28.75",
               reach="1300", actions=[{"action_type": "omni_purchase", "value": "1"}],
               action_values=[{"action_type": "omni_purchase", "value": "60.5"}]),
        record(IT, "2026-06-02", PLAIN, impressions="900", clicks="15", inline_link_clicks="9", spend="11.00",
               reach="650", actions=[{"action_type": "purchase", "value": "1"}],
               action_values=[{"action_type": "purchase", "value": "45.00"}]),
        record(IT, "2026-06-03", HOT, impressions="1600", clicks="40", inline_link_clicks="31", spend="27.00",
               reach="1250", actions=[{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "1"},
                                      {"action_type": "lead", "value": "4"}],
               action_values=[{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "80.00"}]),
        record(IT, "2026-06-03", PLAIN, impressions="1000", clicks="20", inline_link_clicks="10", spend="12.40",
               reach="700"),
        record(IT, "2026-04-30", PLAIN, impressions="1", spend="999.00"),     # outside every window used here
    ],
    "2222": [
        record(US, "2026-06-02", ("23859999999999111", "US ad"), impressions="5000", clicks="120",
               inline_link_clicks="100", spend="150.00", reach="4000",
               actions=[{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "5"}],
               action_values=[{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "500.00"}]),
    ],
}
# One ad's day split by placement, as Meta answers with breakdowns=publisher_platform: two records of one
# ad_id and date_start with different figures (the breakdown named in each).
SPLIT = ("3333", "Negozio Reels", "EUR", ("23850000000000021", "Reels estate"), ("23850000000000221", "Advantage+"))
REEL = ("23850000000002211", "Reel 15s")
RECORDS["3333"] = [
    record(SPLIT, "2026-06-02", REEL, publisher_platform="facebook", impressions="1200", clicks="30",
           inline_link_clicks="20", spend="18.40", reach="1000", actions=[{"action_type": "purchase", "value": "1"}],
           action_values=[{"action_type": "purchase", "value": "40.00"}]),
    record(SPLIT, "2026-06-02", REEL, publisher_platform="instagram", impressions="800", clicks="14",
           inline_link_clicks="9", spend="11.60", reach="650", actions=[{"action_type": "purchase", "value": "2"}],
           action_values=[{"action_type": "purchase", "value": "95.50"}]),
]
BREAKDOWNS = {"publisher_platform", "device_platform"}   # served in each record they split
ACCOUNTS = {"1111": ("Negozio Italia", "EUR", "Europe/Rome"), "2222": ("Shop US", "USD", "America/Los_Angeles"),
            "3333": ("Negozio Reels", "EUR", "Europe/Rome")}


def graph_error(code, message, subcode=None, kind="OAuthException", transient=False):
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    return {"error": error}


class GraphServer:
    """Plays /act_{id}, /act_{id}/insights (sync, and async report runs) with cursor paging."""

    def __init__(self, api: FakeApi, page_size: int = 2, polls_needed: int = 2):
        self.api = api
        self.page_size = page_size
        self.polls_needed = polls_needed
        self.jobs: dict[str, dict] = {}
        self.repeat_after: str | None = None       # serve the page after this cursor twice (a cursor mistake)
        self.job_status_after_polls = "Job Completed"
        api.route("GET", rf"{V}/act_(\d+)", self.account)
        api.route("GET", rf"{V}/act_(\d+)/insights", self.insights)
        api.route("POST", rf"{V}/act_(\d+)/insights", self.start_job)
        api.route("GET", rf"{V}/(rr-\d+)", self.poll)
        api.route("GET", rf"{V}/(rr-\d+)/insights", self.job_insights)

    def authorised(self, req) -> bool:
        return req.headers.get("authorization") == f"Bearer {TOKEN}"

    def refused(self):
        return Reply(400, graph_error(190, "Error validating access token: Session has expired on Tuesday, "
                                           "02-Jun-26 10:00:00 PDT.", 463))

    def account(self, req, m):
        if not self.authorised(req):
            return self.refused()
        name, currency, tz = ACCOUNTS[m.group(1)]
        return Reply(200, {"name": name, "currency": currency, "timezone_name": tz, "id": f"act_{m.group(1)}"})

    def selected(self, account, params):
        since_until = json.loads(params["time_range"])
        assert params["level"] == "ad" and params["time_increment"] == "1"
        fields = params["fields"].split(",")
        rows = [r for r in RECORDS[account] if since_until["since"] <= r["date_start"] <= since_until["until"]]
        return [{k: v for k, v in r.items() if k in fields or k in BREAKDOWNS} for r in rows]

    def page(self, rows, after, path):
        start = int(after.strip("cx")) if after else 0
        end = start + self.page_size
        cursor = f"c{end}"
        if after and after == self.repeat_after:
            self.repeat_after = None
            start, end, cursor = start - self.page_size, start, f"c{start}x"   # the last page again, new cursor
        body = {"data": rows[start:end], "paging": {"cursors": {"before": f"c{start}", "after": cursor}}}
        if end < len(rows):
            body["paging"]["next"] = f"{self.api.url}{path}?after={cursor}&limit={self.page_size}"
        return body

    def insights(self, req, m):
        if not self.authorised(req):
            return self.refused()
        params = {k: v[0] for k, v in req.query.items()}
        return Reply(200, self.page(self.selected(m.group(1), params), req.arg("after"), req.path))

    def start_job(self, req, m):
        if not self.authorised(req):
            return self.refused()
        job = f"rr-{len(self.jobs) + 1}"
        self.jobs[job] = {"rows": self.selected(m.group(1), req.form()), "polls": 0, "account": m.group(1)}
        return Reply(200, {"report_run_id": job})

    def poll(self, req, m):
        job = self.jobs[m.group(1)]
        job["polls"] += 1
        done = job["polls"] >= self.polls_needed
        status = self.job_status_after_polls if done else "Job Running"
        return Reply(200, {"id": m.group(1), "account_id": job["account"], "async_status": status,
                           "async_percent_completion": 100 if done else 45, "date_start": "2026-05-06",
                           "date_stop": "2026-06-03"})

    def job_insights(self, req, m):
        job = self.jobs[m.group(1)]
        assert job["polls"] >= self.polls_needed, "results read before the job completed"
        return Reply(200, self.page(job["rows"], req.arg("after"), req.path))


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = GraphServer
SOURCES = [{"name": "meta", "kind": "meta_ads", "account_ids": ["act_1111", "2222"], "lookback_days": 6}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


def run(settings):
    return run_window(settings, settings.source("meta"), RUN_DATE)


def facts(settings):
    return query(settings, "SELECT account_id, ad_id, date_start, impressions, clicks, spend::DOUBLE, "
                           "conversions::DOUBLE, conversion_value::DOUBLE, reach, currency FROM core.ad_performance "
                           "ORDER BY account_id, date_start, ad_id")


def totals(settings):
    return {r[0]: r[1:] for r in query(settings, """
        SELECT account_id, count(*), sum(impressions), sum(clicks), round(sum(spend)::DOUBLE, 2),
               sum(conversions)::DOUBLE, round(sum(conversion_value)::DOUBLE, 2)
        FROM core.ad_performance GROUP BY 1""")}


# hand-computed from RECORDS: spend 25.50 + 10.25 + 28.75 + 11.00 + 27.00 + 12.40; conversions: the first of
# pixel purchase / purchase / omni purchase present in each record (2, 0, 1, 1, 1, 0); values 120 + 60.5 + 45 + 80
EXPECTED = {"1111": (6, 7500, 114, 114.90, 5.0, 305.5), "2222": (1, 5000, 100, 150.00, 5.0, 500.0)}


def test_sync_pull_pages_every_account_and_maps_purchases(make_settings, server, waits):
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert record.rows_in == record.rows_loaded == 7 and record.rows_quarantined == 0
    assert totals(settings) == EXPECTED
    rows = facts(settings)
    assert rows[0] == ("1111", HOT[0], D(2026, 6, 1), 1500, 30, 25.5, 2.0, 120.0, 1200, "EUR")   # link clicks
    assert rows[1][3:8] == (800, 0, 10.25, 0.0, 0.0)        # no link clicks, no actions: zeros
    assert rows[-1][-1] == "USD"
    names = query(settings, "SELECT DISTINCT campaign_id, campaign_name, ad_group_id, ad_group_name, ad_name, "
                            "video_views, engagements FROM core.ad_performance WHERE ad_id = '23850000000000111' "
                            "AND date_start = '2026-06-01'")
    assert names == [("23850000000000001", "Saldi Estate", "23850000000000011", "Lookalike 1%",
                      "🔥 Hot deal\ntwo lines", 300, 60)]
    calls = [r for r in server.api.log if r.path.endswith("/insights")]
    assert [r.arg("after") for r in calls] == [None, "c2", "c4", None]      # 3 pages for act_1111, 1 for 2222
    assert json.loads(calls[0].arg("time_range")) == {"since": "2026-05-28", "until": "2026-06-03"}
    assert calls[0].arg("use_unified_attribution_setting") == "true"
    assert "actions" in calls[0].arg("fields").split(",")
    assert all("access_token" not in r.query for r in server.api.log)      # the token travels in a header only
    raw = pl.read_parquet(settings.raw_dir / "meta" / "2026-05-28_2026-06-03.parquet")
    assert set(raw["timezone_name"]) == {"Europe/Rome", "America/Los_Angeles"}
    assert raw["impressions"].dtype == pl.Utf8 and json.loads(raw["actions"][0])[0]["action_type"] == "link_click"
    assert waits == []


def test_async_report_run_is_polled_until_complete_then_paged(make_settings, server, waits):
    settings = make_settings(lookback_days=28)            # 29 days > async_after_days (7): a report run
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert totals(settings) == EXPECTED
    assert server.api.count("POST", rf"{V}/act_\d+/insights") == 2
    assert server.api.count("GET", rf"{V}/act_\d+/insights") == 0
    assert [j["polls"] for j in server.jobs.values()] == [2, 2]              # polled until complete, not more
    assert server.api.count("GET", rf"{V}/rr-\d+/insights") == 3 + 1
    assert waits == [2.0, 2.0]                                               # one wait between the two polls, per job
    posted = next(r for r in server.api.log if r.method == "POST").form()
    assert json.loads(posted["time_range"]) == {"since": "2026-05-06", "until": "2026-06-03"}


def test_a_page_served_twice_by_a_cursor_mistake_counts_once(make_settings, server, waits):
    server.repeat_after = "c4"                            # the page after c2 comes again under cursor c4
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert server.api.count("GET", rf"{V}/act_1111/insights") == 4          # one page more than needed
    assert record.rows_in == 7 and record.rows_combined == 0
    assert totals(settings) == EXPECTED
    assert query(settings, "SELECT count(*), count(DISTINCT (ad_id, date_start)) FROM core.ad_performance") == \
        [(7, 7)]


def test_records_of_one_ad_and_day_all_reach_the_normalised_frame(make_settings, server, waits):
    from roi.transforms.context import SourceContext
    from roi.transforms.meta_ads import normalise_api
    server.page_size, server.repeat_after = 1, "c1"      # one record a page, and the first page served twice
    source = make_settings(account_ids=["act_3333", "3333"]).source("meta")       # one account, named twice
    with requests.Session() as session:
        records = roi.sources.meta_ads.fetch(session, source, (D(2026, 5, 28), D(2026, 6, 3)), lambda name: TOKEN)
    assert server.api.count("GET", rf"{V}/act_3333/insights") == 3                # pulled once: 2 pages + the repeat
    assert records["publisher_platform"].to_list() == ["facebook", "instagram"]  # the repeat counts once
    frame = records.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(frame, SourceContext(source="meta", kind="meta_ads")).frame
    assert out.select("ad_id", "date_start", "impressions", "clicks", "spend", "conversions", "conversion_value",
                      "reach", "_errors").rows() == [
        (REEL[0], D(2026, 6, 2), 1200, 20, 18.4, 1.0, 40.0, 1000, []),
        (REEL[0], D(2026, 6, 2), 800, 9, 11.6, 2.0, 95.5, 650, []),
    ]   # the load sums them: 2000 impressions, 29 link clicks, 30.00 spend, 3 purchases worth 135.50


def test_a_cursor_pointing_at_itself_ends_the_paging(make_settings, server, waits):
    path = f"{V}/act_2222/insights"
    looping = {"data": RECORDS["2222"], "paging": {"cursors": {"before": "x", "after": "same"},
                                                    "next": f"{server.api.url}{path}?after=same"}}
    server.api.route("GET", path, lambda req, m: Reply(200, looping))
    record = run(make_settings(account_ids=["2222"]))
    assert record.status == "succeeded", record.error
    assert server.api.count("GET", path) == 2 and record.rows_loaded == 1


def test_action_types_and_attribution_windows_options(make_settings, server, waits):
    settings = make_settings(action_types=["omni_purchase"], attribution_windows=["7d_click", "1d_view"],
                             account_ids=["1111"])
    record = run(settings)
    assert record.status == "succeeded", record.error
    call = next(r for r in server.api.log if r.path.endswith("/insights"))
    assert json.loads(call.arg("action_attribution_windows")) == ["7d_click", "1d_view"]
    assert call.arg("use_unified_attribution_setting") is None
    # omni_purchase only: 06-01 7d_click 2 + 1d_view 1 = 3, value 150 (no window fields: its value);
    # 06-02 1 / 60.5; pixel-only and purchase-only records count nothing
    assert totals(settings)["1111"][4:] == (4.0, 210.5)


def test_throttle_error_codes_wait_the_time_meta_gives(make_settings, server, waits):
    path = f"{V}/act_1111/insights"
    usage = json.dumps({"1234567": [{"type": "ads_insights", "call_count": 100, "total_cputime": 40,
                                     "total_time": 60, "estimated_time_to_regain_access": 2,
                                     "ads_api_access_tier": "standard_access"}]})
    server.api.fail_next("GET", path,
                         Reply(400, graph_error(17, "User request limit reached", 2446079),
                               {"x-business-use-case-usage": usage}),
                         Reply(400, graph_error(80000, "There have been too many calls from this ad-account. "
                                                       "Wait a bit and try again.", 2446079)),
                         Reply(400, graph_error(613, "Calls to this api have exceeded the rate limit.")),
                         Reply(403, graph_error(4, "Application request limit reached")))
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert waits == [120.0, 60.0, 60.0, 60.0]       # estimated_time_to_regain_access is in minutes
    assert totals(settings) == EXPECTED


def test_usage_headers_near_the_limit_slow_down_before_the_next_call(make_settings, server, waits):
    original = server.insights

    def busy(req, m):
        reply = original(req, m)
        if req.arg("after") is None:
            reply.headers["x-fb-ads-insights-throttle"] = json.dumps({"app_id_util_pct": 96.5,
                                                                     "acc_id_util_pct": 12.0})
        return reply
    server.api.route("GET", rf"{V}/act_(1111)/insights", busy)
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert waits == [60.0]                          # the page was used; the next call waited
    assert totals(settings) == EXPECTED


def test_5xx_and_429_with_retry_after_then_success(make_settings, server, waits):
    server.api.fail_next("GET", f"{V}/act_1111/insights",
                         Reply(500, graph_error(1, "An unknown error occurred", 99, transient=True)),
                         Reply(502, "<html>Bad Gateway</html>"))
    server.api.fail_next("GET", f"{V}/act_2222/insights", Reply(429, "Too Many Requests", {"Retry-After": "3"}))
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert len(waits) == 3 and 0 < waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0    # backoff 1 s, 2 s (± jitter)
    assert waits[2] == 3.0                                                      # Retry-After
    assert totals(settings) == EXPECTED


def test_persistent_5xx_fails_cleanly_and_keeps_the_loaded_window(make_settings, server, waits):
    settings = make_settings()
    assert run(settings).status == "succeeded"
    before = facts(settings)
    server.api.route("GET", rf"{V}/act_(\d+)/insights",
                     lambda req, m: Reply(503, graph_error(2, "Service temporarily unavailable", transient=True)))
    record = run(settings)
    assert record.status == "failed"
    assert record.error.startswith("meta: ") and "HTTP 503" in record.error and "\n" not in record.error
    assert len(waits) == 5
    assert facts(settings) == before
    assert query(settings, "SELECT status FROM ops.loads ORDER BY started_at") == [("succeeded",), ("failed",)]


def test_invalid_token_fails_fast_naming_the_secret(make_settings, server, waits):
    record = run(make_settings(secrets={"ACCESS_TOKEN": "EAAB-expired-5ecret"}))
    assert record.status == "failed"
    assert "ROI_META__ACCESS_TOKEN" in record.error and "190" in record.error
    assert "EAAB-expired-5ecret" not in record.error
    assert len(server.api.log) == 1 and waits == []     # no retries, no refresh: a token is renewed by hand


def test_deprecated_version_names_api_version(make_settings, server, waits):
    server.api.route("GET", r"/v19\.0/act_(\d+)", lambda req, m: Reply(400, graph_error(
        2635, "(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: "
              "v26.0.")))
    record = run(make_settings(api_version="v19.0"))
    assert record.status == "failed"
    assert "v19.0" in record.error and 'api_version = "v26.0"' in record.error


def test_failed_report_run_is_one_line(make_settings, server, waits):
    server.job_status_after_polls = "Job Failed"
    settings = make_settings(lookback_days=28)
    record = run(settings)
    assert record.status == "failed"
    assert "rr-1" in record.error and "act_1111" in record.error and "Job Failed" in record.error
    assert "\n" not in record.error


def test_too_much_data_for_a_sync_call_switches_to_a_report_run(make_settings, server, waits):
    server.api.fail_next("GET", f"{V}/act_1111/insights", Reply(500, graph_error(
        1, "Please reduce the amount of data you're asking for, then retry your request", 99)))
    settings = make_settings()
    record = run(settings)
    assert record.status == "succeeded", record.error
    assert server.api.count("POST", rf"{V}/act_1111/insights") == 1
    assert totals(settings) == EXPECTED


def test_secrets_never_reach_errors_raw_files_or_the_warehouse(make_settings, server, waits):
    settings = make_settings()
    assert run(settings).status == "succeeded"
    server.api.fail_next("GET", f"{V}/act_1111/insights", Reply(400, graph_error(
        100, f"Invalid parameter: access_token={TOKEN} is not allowed here")))
    record = run(settings)
    assert record.status == "failed" and "***" in record.error and TOKEN not in record.error
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_transform_actions_windows_and_unreadable_values():
    from roi.transforms.context import SourceContext
    from roi.transforms.meta_ads import normalise_api
    windows = {"action_type": "omni_purchase", "value": "9", "1d_click": "1", "7d_click": "3", "1d_view": "2"}
    recs = [record(IT, "2026-06-01", HOT, impressions="10", spend="1.5", actions=[windows],
                   action_values=[{"action_type": "omni_purchase", "value": "90", "7d_click": "30", "1d_view": "20"}]),
            record(IT, "2026-06-01", PLAIN, impressions="abc", spend="2", actions="[not json"),
            record(IT, "2026-06-02", PLAIN, impressions="5", spend="0.5", reach=None)]
    names = sorted({k for r in recs for k in r})
    frame = pl.DataFrame([[r.get(c) if not isinstance(r.get(c), list) else json.dumps(r[c]) for c in names]
                          for r in recs], schema={c: pl.Utf8 for c in names}, orient="row") \
        .with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    ctx = SourceContext(source="meta", kind="meta_ads",
                        options={"attribution_windows": ["1d_click", "7d_click", "1d_view"]})
    out = normalise_api(frame, ctx).frame
    # nested click windows count once (the widest, 7d_click 3) plus the view window: 3 + 2
    assert out["conversions"].to_list() == [5.0, 0.0, 0.0]
    assert out["conversion_value"].to_list() == [50.0, 0.0, 0.0]
    assert out["_errors"].to_list() == [[], ["impressions: 'abc' is not a number", "actions: not valid JSON"], []]
    assert out["reach"].to_list() == [None, None, None] and out["clicks"].to_list() == [0, 0, 0]
    plain = normalise_api(frame, SourceContext(source="meta", kind="meta_ads")).frame
    assert plain["conversions"].to_list()[0] == 9.0                # no windows configured: the `value`
