"""hubspot_email in API mode: a local server playing HubSpot's marketing emails API, the real load path, DuckDB."""
import datetime as dt
import json

from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, query

TOKEN = "pat-eu1-5ecret-t0ken-0000"
RUN_DATE = dt.date(2026, 6, 7)          # window [2026-06-01, 2026-06-07] with lookback_days = 6
LIST = "/marketing/emails/2026-03"
LEGACY_LIST = "/marketing/v3/emails"


def email(id, name, publish=None, counters=None, state="PUBLISHED", published_at=None, **extra):
    """A marketing email as HubSpot returns it with includeStats=true (the bulky content left out)."""
    out = {"id": id, "name": name, "subject": f"{name} subject", "state": state, "type": "BATCH_EMAIL",
           "createdAt": "2026-05-20T08:00:00Z", "updatedAt": "2026-06-08T08:00:00Z",
           "isPublished": state != "DRAFT", "archived": False, "language": "it",
           "content": {"widgets": {"body": {"html": "<p>Ciao {{contact.firstname}}</p>"}}},
           "to": {"contactIlsLists": {"include": [12, 13], "exclude": []}},
           "from": {"fromName": "Negozio", "replyTo": "info@example.it"}, **extra}
    if publish:
        out["publishDate"] = publish
    if published_at:
        out["publishedAt"] = published_at
    if counters is not None:
        out["stats"] = {"counters": counters, "deviceBreakdown": {}, "qualifierStats": {},
                        "ratios": {"openratio": 30.6}}
    return out


def counters(sent, delivered, opened, clicked, hard, soft, unsub, spam):
    return {"sent": sent, "delivered": delivered, "open": opened, "click": clicked, "bounce": hard + soft,
            "hardbounced": hard, "softbounced": soft, "unsubscribed": unsub, "spamreport": spam,
            "dropped": 0, "selected": sent, "suppressed": 0, "notsent": 0, "pending": 0, "contactslost": 0}


EMAILS = [
    email("101", "Newsletter giugno", "2026-06-03T07:15:00Z", counters(1000, 980, 300, 40, 8, 12, 3, 1)),
    email("102", "Newsletter giugno (B)", "2026-06-03T07:15:00Z", counters(500, 490, 120, 15, 4, 6, 1, 0),
          type="AB_EMAIL"),
    # 22:30 UTC on June 7 is 00:30 on June 8 in Rome: after the window.
    email("103", "Late send", "2026-06-07T22:30:00Z", counters(90, 90, 10, 1, 0, 0, 0, 0)),
    # 22:30 UTC on May 31 is 00:30 on June 1 in Rome: inside; counters written as text.
    email("104", "Midnight promo", "2026-05-31T22:30:00Z",
          {"sent": "250", "delivered": "245", "open": "100", "click": "20", "bounce": "5", "hardbounced": "2",
           "softbounced": "3", "unsubscribed": "0", "spamreport": "0"}),
    email("105", "Bozza", state="DRAFT"),
    email("106", "April news", "2026-04-10T08:00:00Z", counters(300, 300, 90, 9, 0, 0, 1, 0)),
    # An automated email: no publishDate, published on June 5; no bounce split in its counters.
    email("107", "Welcome", published_at="2026-06-05T10:00:00Z", state="AUTOMATED", type="AUTOMATED_EMAIL",
          counters={"sent": 60, "delivered": 60, "open": 30, "click": 5, "unsubscribed": 0, "spamreport": 0}),
]
EXPECTED = {  # campaign_id: (send_date, recipients, delivered, opens, clicks, hard, soft, unsubscribes, complaints)
    "101": (dt.date(2026, 6, 3), 1000, 980, 300, 40, 8, 12, 3, 1),
    "102": (dt.date(2026, 6, 3), 500, 490, 120, 15, 4, 6, 1, 0),
    "104": (dt.date(2026, 6, 1), 250, 245, 100, 20, 2, 3, 0, 0),
    "107": (dt.date(2026, 6, 5), 60, 60, 30, 5, None, None, 0, 0),
}


class FakeEmails:
    """GET the emails list: 2 per page, an opaque `after` cursor, one email served twice (paging drift)."""

    def __init__(self, api: FakeApi, path: str = LIST, page: int = 2):
        self.page = page
        self.queries = []
        api.route("GET", path, self.list)

    def list(self, req, _match):
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"status": "error", "message": "Authentication credentials not found.",
                               "category": "INVALID_AUTHENTICATION", "correlationId": "c-401"})
        self.queries.append(req.query)
        served = EMAILS[:2] + EMAILS[1:]                       # "102" twice
        before = req.arg("createdBefore")
        served = [e for e in served if not before or e["createdAt"] < before]
        if req.arg("includeStats") != "true":
            served = [{k: v for k, v in e.items() if k != "stats"} for e in served]
        start = int(req.arg("after", "0").removeprefix("cur-"))
        chunk = served[start:start + min(self.page, int(req.arg("limit", "100")))]
        body = {"total": len(served), "results": chunk}
        if start + len(chunk) < len(served):
            after = f"cur-{start + len(chunk)}"
            body["paging"] = {"next": {"after": after, "link": f"{LIST}?after={after}"}}
        return Reply(200, body, {"X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "189",
                                 "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})


# What conftest.py's `make_settings` fixture writes for these tests (each test starts its own FakeEmails)
WAREHOUSE = {"timezone": "Europe/Rome"}
SOURCES = [{"name": "hs_mail", "kind": "hubspot_email", "lookback_days": 6}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


def loaded(settings):
    rows = query(settings, "SELECT campaign_id, send_date, recipients, delivered, unique_opens, unique_clicks, "
                           "hard_bounces, soft_bounces, unsubscribes, complaints FROM core.email_campaigns "
                           "ORDER BY campaign_id")
    return {r[0]: r[1:] for r in rows}


def test_pages_throttling_and_time_zones_load_each_email_once(make_settings, api, waits):
    fake = FakeEmails(api)
    api.fail_next("GET", LIST,
                  Reply(429, {"status": "error", "message": "You have reached your secondly limit.",
                              "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}, {"Retry-After": "7"}),
                  Reply(429, {"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                              "errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"},
                        {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}))
    settings = make_settings()
    record = run_window(settings, settings.source("hs_mail"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert waits == [7.0, 10.0]                 # Retry-After, then the rolling window's interval
    assert len(fake.queries) == 4               # 8 listed emails, 2 a page
    assert all(q["includeStats"] == ["true"] and q["createdBefore"] == ["2026-06-09T00:00:00Z"] for q in fake.queries)
    assert loaded(settings) == EXPECTED         # 103 (June 8 in Rome), 105 (draft), 106 (April) left out
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (4, 4, 0)
    assert query(settings, "SELECT sum(recipients), sum(delivered), sum(unique_opens) FROM core.email_campaigns") \
        == [(1810, 1775, 550)]
    assert query(settings, "SELECT campaign_name, subject, send_time, platform, currency, list_name "
                           "FROM core.email_campaigns WHERE campaign_id = '101'") == [
        ("Newsletter giugno", "Newsletter giugno subject", dt.datetime(2026, 6, 3, 9, 15), "hubspot_email", "EUR",
         None)]
    # The secret is nowhere: raw Parquet, warehouse.
    raw = list((settings.raw_dir / "hs_mail").glob("*.parquet"))
    assert [p.name for p in raw] == ["2026-06-01_2026-06-07.parquet"]
    assert TOKEN.encode() not in raw[0].read_bytes()
    assert TOKEN not in json.dumps(query(settings, "SELECT * FROM ops.loads"), default=str)
    assert TOKEN.encode() not in settings.warehouse_path.read_bytes()


def test_server_errors_retry_then_fail_cleanly_keeping_the_last_load(make_settings, api, waits):
    FakeEmails(api, page=100)
    api.fail_next("GET", LIST, Reply(503, "Service Unavailable"), Reply(502, {"status": "error"}))
    settings = make_settings()
    first = run_window(settings, settings.source("hs_mail"), RUN_DATE)
    assert first.status == "succeeded", first.error
    assert len(waits) == 2                      # two back-offs, then the answer

    api.fail_next("GET", LIST, *[Reply(500, {"status": "error", "message": "internal error"})] * 10)
    second = run_window(settings, settings.source("hs_mail"), RUN_DATE)

    assert second.status == "failed"
    assert second.error == (f"hs_mail: {api.url}{LIST} still throttled or failing after 6 tries (HTTP 500) — "
                            "the run will retry it next time")
    assert loaded(settings) == EXPECTED         # the previous load stands
    assert query(settings, "SELECT status FROM ops.loads ORDER BY started_at") == [("succeeded",), ("failed",)]


def test_refused_token_fails_fast_naming_the_secret(make_settings, api, waits):
    FakeEmails(api)
    settings = make_settings(secrets={"ACCESS_TOKEN": "pat-eu1-revoked-token"})
    record = run_window(settings, settings.source("hs_mail"), RUN_DATE)
    calls = api.count("GET", LIST)
    assert record.status == "failed" and calls == 1 and waits == []
    assert record.error == ("hs_mail: the API refused the credentials (HTTP 401: Authentication credentials not "
                            "found.) — check ROI_HS_MAIL__ACCESS_TOKEN")
    assert "revoked" not in record.error


def test_missing_scope_daily_limit_and_retired_version_are_one_line_each(make_settings, api, waits):
    FakeEmails(api)
    FakeEmails(api, path=LEGACY_LIST)
    settings = make_settings()
    source = settings.source("hs_mail")
    api.fail_next("GET", LIST, Reply(403, {
        "status": "error", "category": "MISSING_SCOPES", "correlationId": "c-403",
        "message": "This app hasn't been granted all required scopes to make this call.",
        "errors": [{"message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": ["content"]}}]}))
    scope = run_window(settings, source, RUN_DATE)
    api.fail_next("GET", LIST, Reply(429, {"status": "error", "message": "You have reached your daily limit.",
                                           "errorType": "RATE_LIMIT", "policyName": "DAILY"}))
    daily = run_window(settings, source, RUN_DATE)

    retired = make_settings(api_version="2024-09")
    gone = run_window(retired, retired.source("hs_mail"), RUN_DATE)
    legacy = make_settings(api_version="v3")
    old = run_window(legacy, legacy.source("hs_mail"), RUN_DATE)

    assert scope.error == ("hs_mail: the HubSpot private app behind ROI_HS_MAIL__ACCESS_TOKEN lacks the scope(s) "
                           "content — add them in HubSpot › Settings › Integrations › Private apps and copy the "
                           "token again")
    assert daily.status == "failed" and "daily API call limit" in daily.error and waits == []
    assert gone.status == "failed"
    assert gone.error.startswith(f"hs_mail: HubSpot answered HTTP 404 for {api.url}/marketing/emails/2024-09 — "
                                 "API version '2024-09' may be retired: set api_version")
    assert old.status == "succeeded", old.error          # api_version = "v3": the legacy paths
    assert loaded(legacy) == EXPECTED
