"""Mailchimp API mode: the real client, transform and load path against a local server playing /3.0/reports."""
import base64
import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

import roi.sources.http
import roi.sources.mailchimp
from roi.pipeline.runs import run_window
from roi.contracts.settings import SourceConfig
from roi.sources.http import ApiError
from tests.fakeapi import FakeApi, Reply, everything, query

RUN_DATE = dt.date(2026, 6, 30)    # lookback_days = 27 -> window 2026-06-03 .. 2026-06-30 (Europe/Rome)
KEY = "5f4dcc3b5aa765d61d8327deb882cf99-us21"
SHARE_PASSWORD = "freddie-shares-5ecret"


def problem(status, title, detail):
    """Mailchimp's application/problem+json error body."""
    return {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": status,
            "detail": detail, "instance": "995c5cb0-3280-4a6e-808b-3b096d0bb219"}


def report(cid, title, send_time, sent, hard, soft, opens, unique_opens, clicks, unique_clicks, subscriber_clicks,
           unsubscribed, abuse, *, list_id="b1f2e3", list_name="Clienti", subject="", ecommerce=None, kind="regular"):
    """A report as GET /3.0/reports answers it, noise included (timeseries, share_report, _links ...)."""
    body = {
        "id": cid, "campaign_title": title, "type": kind, "list_id": list_id, "list_is_active": True,
        "list_name": list_name, "subject_line": subject, "preview_text": "", "emails_sent": sent,
        "abuse_reports": abuse, "unsubscribed": unsubscribed, "send_time": send_time, "rss_last_send": "",
        "bounces": {"hard_bounces": hard, "soft_bounces": soft, "syntax_errors": 0},
        "forwards": {"forwards_count": 0, "forwards_opens": 0},
        "opens": {"opens_total": opens, "unique_opens": unique_opens, "open_rate": 0.42,
                  "last_open": "2026-06-20T10:00:00+00:00"},
        "clicks": {"clicks_total": clicks, "unique_clicks": unique_clicks, "unique_subscriber_clicks": subscriber_clicks,
                   "click_rate": 0.05, "last_click": "2026-06-20T10:00:00+00:00"},
        "facebook_likes": {"recipient_likes": 0, "unique_likes": 0, "facebook_likes": 0},
        "industry_stats": {"type": "eCommerce", "open_rate": 0.17, "click_rate": 0.02, "bounce_rate": 0.006},
        "list_stats": {"sub_rate": 10, "unsub_rate": 20, "open_rate": 42, "click_rate": 42},
        "timeseries": [{"timestamp": send_time, "emails_sent": sent, "unique_opens": 0, "recipients_clicks": 0}],
        "share_report": {"share_url": f"https://us21.vip-reports.net/reports/summary?u=xx&id={cid}",
                         "share_password": SHARE_PASSWORD},
        "delivery_status": {"enabled": False},
        "_links": [{"rel": "self", "href": f"https://us21.api.mailchimp.com/3.0/reports/{cid}", "method": "GET"}],
    }
    if ecommerce:
        body["ecommerce"] = ecommerce
    return body


REPORTS = [
    # 23:30 UTC on 2 June is 01:30 on 3 June in Rome: inside the window
    report("a1", "Benvenuto", "2026-06-02T23:30:00+00:00", 1000, 8, 12, 450, 300, 55, 60, 40, 3, 1,
           subject="Ciao!"),
    # numbers as strings, a connected store
    report("a2", "Saldi d'estate ☀️", "2026-06-10T08:00:00+00:00", "1200", "5", "7", "610", "420", "98", "90", "71",
           "4", "0", subject="Fino al -50%",
           ecommerce={"total_orders": "12", "total_spent": 1300.5, "total_revenue": "1250.50",
                      "currency_code": "EUR"}),
    report("a3", "Novità | Winner", "2026-06-18T16:45:00+00:00", 500, 0, 5, 200, 150, 30, 28, 25, 1, 0,
           kind="absplit", list_name="Newsletter", list_id="c9d8"),
    report("a5", "Solo testo", "2026-06-25T09:00:00+00:00", 2000, 20, 10, 900, 700, 120, 100, 95, 6, 2,
           kind="plaintext", ecommerce={"total_orders": 3, "total_spent": 99.9, "total_revenue": 89.9,
                                        "currency_code": "eur"}),
    # 22:30 UTC on 30 June is 00:30 on 1 July in Rome: served (the request has a day of margin), not loaded
    report("a4", "Luglio", "2026-06-30T22:30:00+00:00", 700, 1, 1, 100, 90, 10, 9, 9, 0, 0),
    # outside the requested send times: never served
    report("a6", "Maggio", "2026-05-01T08:00:00+00:00", 300, 0, 0, 10, 10, 1, 1, 1, 0, 0),
]


class MailchimpServer:
    """Plays the API root (account) and the reports list: basic auth, count/offset paging, send-time filters."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.script: dict[int, Reply] = {}   # nth call to /3.0/reports -> a fault to answer instead
        self.down = False
        self.report_calls = 0
        api.route("GET", r"/3\.0/", self.root)
        api.route("GET", r"/3\.0/reports", self.reports)
        api.route("GET", r"/2\.0/.*", lambda req, m: Reply(404, problem(
            404, "Resource Not Found", "The requested resource could not be found.")))

    def authorised(self, req) -> bool:
        header = req.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        _, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return password == KEY

    def denied(self):
        return Reply(401, problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to "
                                                          "access the wrong datacenter."))

    def root(self, req, m):
        if not self.authorised(req):
            return self.denied()
        return Reply(200, {"account_id": "8d3a3db4d97663a9074efcc16", "login_id": "1234", "account_name": "Bottega",
                           "email": "owner@example.com", "account_timezone": "Europe/Rome", "role": "owner"})

    def reports(self, req, m):
        self.report_calls += 1
        if not self.authorised(req):
            return self.denied()
        if self.down:
            return Reply(503, problem(503, "Service Unavailable", "Mailchimp is down for maintenance."))
        if self.report_calls in self.script:
            return self.script[self.report_calls]
        since = dt.datetime.fromisoformat(req.arg("since_send_time"))
        before = dt.datetime.fromisoformat(req.arg("before_send_time"))
        chosen = [r for r in REPORTS if since <= dt.datetime.fromisoformat(r["send_time"]) < before]
        count, offset = min(int(req.arg("count", "10")), 1000), int(req.arg("offset", "0"))
        return Reply(200, {"reports": chosen[offset:offset + count], "total_items": len(chosen),
                           "_links": [{"rel": "self", "href": "https://us21.api.mailchimp.com/3.0/reports"}]})


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = MailchimpServer
WAREHOUSE = {"timezone": "Europe/Rome"}
SOURCES = [{"name": "newsletter", "kind": "mailchimp", "lookback_days": 27},
           {"name": "old_api", "kind": "mailchimp", "api_version": "2.0"},
           {"name": "news_only", "kind": "mailchimp", "lookback_days": 27, "account_ids": ["c9d8"]}]
SECRETS = {"API_KEY": KEY}


def test_reports_of_the_window_are_loaded_once_through_paging_and_throttling(make_settings, api, server, waits,
                                                                             monkeypatch):
    monkeypatch.setattr(roi.sources.mailchimp, "PAGE_SIZE", 2)
    server.script = {1: Reply(429, problem(429, "Too Many Requests", "You have exceeded the limit of 10 "
                                                                     "simultaneous connections."),
                              {"Retry-After": "7"}),
                     3: Reply(503, problem(503, "Service Unavailable", "Please try again."))}
    settings = make_settings()
    record = run_window(settings, settings.source("newsletter"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.window_start, record.window_end) == (dt.date(2026, 6, 3), dt.date(2026, 6, 30))
    # 429 (Retry-After 7) → page 1 → 503 (backoff 0.5–1 s) → page 2 → page 3: five served reports, two a page
    assert server.report_calls == 5 and waits[0] == 7.0 and 0.5 <= waits[1] <= 1.0 and len(waits) == 2
    first = next(r for r in api.log if r.path == "/3.0/reports")
    assert first.arg("since_send_time") == "2026-06-02T00:00:00+00:00"
    assert first.arg("before_send_time") == "2026-07-02T00:00:00+00:00"
    assert [r.arg("offset") for r in api.log if r.path == "/3.0/reports" and r.arg("offset")] == \
        ["0", "0", "2", "2", "4"]
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (4, 4, 0)   # "a4" is 1 July in Rome

    rows = query(settings, "SELECT campaign_id, campaign_name, subject, list_name, send_time, send_date, recipients, "
                           "delivered, hard_bounces, soft_bounces, unique_opens, total_opens, unique_clicks, "
                           "total_clicks, unsubscribes, complaints, orders, revenue, currency, platform "
                           "FROM core.email_campaigns ORDER BY send_time")
    assert rows == [
        ("a1", "Benvenuto", "Ciao!", "Clienti", dt.datetime(2026, 6, 3, 1, 30), dt.date(2026, 6, 3),
         1000, 1000 - 8 - 12, 8, 12, 300, 450, 40, 55, 3, 1, None, None, "EUR", "mailchimp"),
        ("a2", "Saldi d'estate ☀️", "Fino al -50%", "Clienti", dt.datetime(2026, 6, 10, 10, 0), dt.date(2026, 6, 10),
         1200, 1200 - 5 - 7, 5, 7, 420, 610, 71, 98, 4, 0, 12, Decimal("1250.50"), "EUR", "mailchimp"),
        ("a3", "Novità | Winner", None, "Newsletter", dt.datetime(2026, 6, 18, 18, 45), dt.date(2026, 6, 18),
         500, 495, 0, 5, 150, 200, 25, 30, 1, 0, None, None, "EUR", "mailchimp"),
        ("a5", "Solo testo", None, "Clienti", dt.datetime(2026, 6, 25, 11, 0), dt.date(2026, 6, 25),
         2000, 1970, 20, 10, 700, 900, 95, 120, 6, 2, 3, Decimal("89.90"), "EUR", "mailchimp"),
    ]
    assert query(settings, "SELECT sum(revenue), sum(orders) FROM core.email_campaigns") == [(Decimal("1340.40"), 15)]
    # click rate from subscribers who clicked: 71 / 1188 for a2
    assert query(settings, "SELECT round(click_rate, 4) FROM marts.email_campaign_kpis WHERE campaign_id = 'a2'") \
        == [(round(71 / 1188, 4),)]

    stored = everything(settings)
    assert KEY not in stored and SHARE_PASSWORD not in stored
    raw = pl.read_parquet(next(settings.raw_dir.rglob("*.parquet")))
    assert "timeseries" not in raw.columns and raw["account_timezone"].unique().to_list() == ["Europe/Rome"]

    # The same window again: the same rows, once.
    server.script = {}
    again = run_window(settings, settings.source("newsletter"), RUN_DATE)
    assert again.status == "succeeded" and query(settings, "SELECT count(*) FROM core.email_campaigns") == [(4,)]

    # account_ids are audience (list) ids to keep
    audience = run_window(settings, settings.source("news_only"), RUN_DATE)
    assert audience.status == "succeeded", audience.error
    assert query(settings, "SELECT campaign_id, list_name FROM core.email_campaigns WHERE source = 'news_only'") == \
        [("a3", "Newsletter")]


def test_failures_are_one_line_and_keep_the_loaded_window(make_settings, api, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("newsletter"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id")

    server.down = True                              # a persistent 503: bounded retries, then a clean failure
    calls = server.report_calls
    failed = run_window(settings, settings.source("newsletter"), RUN_DATE)
    assert failed.status == "failed" and "\n" not in failed.error
    assert "newsletter" in failed.error and "HTTP 503" in failed.error and "retry it next time" in failed.error
    assert server.report_calls - calls == 6 and len(waits) == 5     # 1 try + 5 retries, no real sleeping
    assert query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    server.down = False

    wrong = "0000000000ffffffffff0000000000ff-us21"      # refused: fails at once, naming the secret
    settings = make_settings(secrets={"API_KEY": wrong})
    calls = len(api.log)
    refused = run_window(settings, settings.source("newsletter"), RUN_DATE)
    assert refused.status == "failed" and len(api.log) - calls == 1
    assert "ROI_NEWSLETTER__API_KEY" in refused.error and "API key may be invalid" in refused.error
    assert wrong not in refused.error and "\n" not in refused.error

    settings = make_settings()
    old = run_window(settings, settings.source("old_api"), RUN_DATE)    # api_version = "2.0"
    assert old.status == "failed" and "api_version" in old.error and "3.0" in old.error

    assert query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    assert query(settings, "SELECT status, count(*) FROM ops.loads GROUP BY 1 ORDER BY 1") == \
        [("failed", 3), ("succeeded", 1)]
    assert KEY not in everything(settings) and wrong not in everything(settings)


def test_a_key_without_its_data_centre_is_named_not_shown():
    source = SourceConfig(name="mc", kind="mailchimp", mode="api")
    with pytest.raises(ApiError) as caught:
        roi.sources.mailchimp.fetch(None, source, (dt.date(2026, 6, 1), dt.date(2026, 6, 2)),
                                lambda key: "abcdef0123456789")
    message = str(caught.value)
    assert "ROI_MC__API_KEY" in message and "us21" in message and "abcdef0123456789" not in message
