"""Klaviyo API mode: the real client, transform and load path against a local server playing the Reporting API."""
import datetime as dt
from decimal import Decimal

import polars as pl

from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, everything, query

RUN_DATE = dt.date(2026, 6, 30)    # lookback_days = 27 -> window 2026-06-03 .. 2026-06-30
KEY = "pk_5ecret9f86d081884c7d659a2feaa0c55ad0"
SCOPED_KEY = "pk_5coped0000d081884c7d659a2feaa0c55ad0"    # without accounts:read
REVISION = "2026-07-15"
REPORT = "/api/campaign-values-reports/"
ALLOWED_STATISTICS = {
    "average_order_value", "bounce_rate", "bounced", "bounced_or_failed", "bounced_or_failed_rate", "click_rate",
    "click_to_open_rate", "clicks", "clicks_unique", "conversion_rate", "conversion_uniques", "conversion_value",
    "conversions", "delivered", "delivery_rate", "failed", "failed_rate", "open_rate", "opens", "opens_unique",
    "recipients", "revenue_per_recipient", "spam_complaint_rate", "spam_complaints", "unsubscribe_rate",
    "unsubscribe_uniques", "unsubscribes"}


def errors(status, code, title, detail):
    """A JSON:API error document as Klaviyo answers it."""
    return {"errors": [{"id": "8a8f3b7e-1c2d-4e5f-9a0b-1c2d3e4f5a6b", "status": status, "code": code, "title": title,
                        "detail": detail, "source": {"pointer": "/data/"}, "links": {}, "meta": {}}]}


def statistics(recipients, delivered, bounced, opens_unique, opens, clicks_unique, clicks, unsubscribes,
               unsubscribe_uniques, spam, conversions, conversion_uniques, value):
    """Report statistics: every number a float, as the Reporting API returns them."""
    values = dict(recipients=recipients, delivered=delivered, bounced=bounced, opens_unique=opens_unique, opens=opens,
                  clicks_unique=clicks_unique, clicks=clicks, unsubscribes=unsubscribes,
                  unsubscribe_uniques=unsubscribe_uniques, spam_complaints=spam, conversions=conversions,
                  conversion_uniques=conversion_uniques, conversion_value=value)
    return {k: float(v) for k, v in values.items()}


def campaign(cid, name, send_time, subject, stats=None, audiences=("LiSt1",), status="Sent", backlink=True):
    """(campaign resource, its campaign-message resource, report statistics or None) — revision 2026-07-15.
    An included message may come without its `campaign` relationship (backlink=False)."""
    message_id = "01JM" + cid[4:]
    resource = {
        "type": "campaign", "id": cid,
        "attributes": {
            "name": name, "status": status, "archived": False,
            "audiences": {"included": list(audiences), "excluded": []},
            "send_options": {"use_smart_sending": True},
            "tracking_options": {"add_tracking_params": False, "is_tracking_clicks": True, "is_tracking_opens": True},
            "send_strategy": {"method": "static", "datetime": send_time, "options": {"is_local": False}},
            "created_at": "2026-05-20T09:00:00+00:00", "scheduled_at": send_time, "updated_at": send_time,
            "send_time": send_time},
        "relationships": {"campaign-messages": {"data": [{"type": "campaign-message", "id": message_id}]},
                          "tags": {"data": []}},
        "links": {"self": f"https://a.klaviyo.com/api/campaigns/{cid}/"},
    }
    message = {
        "type": "campaign-message", "id": message_id,
        "attributes": {"definition": {"channel": "email", "label": f"{name} email",
                                      "content": {"subject": subject, "preview_text": "", "from_email":
                                                  "news@example.com", "from_label": "Bottega"}},
                       "send_times": [{"datetime": send_time, "is_local": False}] if send_time else [],
                       "created_at": "2026-05-20T09:00:00+00:00", "updated_at": send_time},
        "relationships": {"campaign": {"data": {"type": "campaign", "id": cid}}} if backlink else {},
        "links": {"self": f"https://a.klaviyo.com/api/campaign-messages/{message_id}/"},
    }
    return resource, message, stats


# 22:30 UTC on 2 June is 00:30 on 3 June in Zurich: inside the window
K1 = campaign("01J0AAAA", "Benvenuto", "2026-06-02T22:30:00+00:00", "Ciao!",
              statistics(1000, 990, 10, 400, 560, 50, 70, 4, 3, 1, 6, 5, 480.456))
K2 = campaign("01J0BBBB", "Saldi d'estate ☀️", "2026-06-12T08:00:00+00:00", "Fino al -50%",
              statistics(5000, 4950, 50, 2000, 2600, 300, 420, 15, 15, 2, 40, 38, 3999.9), audiences=("LiSt7",),
              backlink=False)
# 22:10 UTC on 30 June is 1 July in Zurich: reported (a day of margin), not loaded
K3 = campaign("01J0CCCC", "Flash", "2026-06-30T22:10:00+00:00", "Solo oggi",
              statistics(800, 800, 0, 300, 320, 20, 22, 1, 1, 0, 2, 2, 150.0))
K4 = campaign("01J0DDDD", "Novità", "2026-06-20T15:30:00+00:00", "Nuovi arrivi",
              statistics(2000, 1980, 20, 700, 900, 90, 120, 5, 5, 0, 0, 0, 0.0))
DRAFT = campaign("01J0EEEE", "Bozza", None, "Da finire", status="Draft")
OLD = campaign("01J0FFFF", "Aprile", "2026-04-02T08:00:00+00:00", "Aprile")
OLDER = campaign("01J0GGGG", "Marzo", "2026-03-02T08:00:00+00:00", "Marzo")
# GET /api/campaigns/ pages, two campaigns each; the client stops once every reported campaign is found
PAGES = [[K4, DRAFT], [K2, K1], [K3, OLD], [OLDER]]
METRICS = [[("Xe3fRt", "Opened Email"), ("Rw4tYu", "Clicked Email")],
           [("VevE7N", "Placed Order"), ("Ty5uIo", "Ordered Product")]]


class KlaviyoServer:
    """Plays /api/accounts/, /api/metrics/, /api/campaigns/ (JSON:API, links.next cursors) and the
    campaign values report (POST, slow-rate throttled) with Klaviyo's auth, revision and error bodies."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.script: dict[int, Reply] = {}     # nth report call -> a fault to answer instead
        self.down = False
        self.report_calls = 0
        self.bodies: list[dict] = []
        api.route("GET", "/api/accounts/", self.guard(self.accounts))
        api.route("GET", "/api/metrics/", self.guard(self.metrics))
        api.route("GET", "/api/campaigns/", self.guard(self.campaigns))
        api.route("POST", REPORT, self.guard(self.report))

    def guard(self, handler):
        def check(req, m):
            if req.headers.get("authorization") not in (f"Klaviyo-API-Key {KEY}", f"Klaviyo-API-Key {SCOPED_KEY}"):
                return Reply(401, errors(401, "not_authenticated", "Authentication credentials were not provided.",
                                         "Missing or invalid private key."))
            revision = req.headers.get("revision")
            if revision != REVISION:
                return Reply(410, errors(410, "gone", "Gone", f"The revision {revision} has been retired and is "
                                                              "no longer available."))
            return handler(req, m)
        return check

    def page_link(self, path, cursor):
        return f"{self.api.url}{path}?page%5Bcursor%5D={cursor}" if cursor is not None else None

    def accounts(self, req, m):
        if req.headers["authorization"].endswith(SCOPED_KEY):
            return Reply(403, errors(403, "permission_denied", "You do not have permission to perform this action.",
                                     "This API key is missing required scopes: accounts:read"))
        return Reply(200, {"data": [{"type": "account", "id": "AbC123", "attributes": {
            "test_account": False, "contact_information": {"default_sender_name": "Bottega",
                                                           "default_sender_email": "news@example.com"},
            "industry": "Retail", "timezone": "Europe/Zurich", "preferred_currency": "CHF",
            "public_api_key": "AbC123", "locale": "it-IT"},
            "links": {"self": "https://a.klaviyo.com/api/accounts/AbC123/"}}],
            "links": {"self": "https://a.klaviyo.com/api/accounts/", "next": None, "prev": None}})

    def metrics(self, req, m):
        page = int(req.arg("page[cursor]", "0"))
        data = [{"type": "metric", "id": mid, "attributes": {"name": name, "created": "2024-01-01T00:00:00+00:00",
                                                              "updated": "2024-01-01T00:00:00+00:00",
                                                              "integration": {"name": "Shopify"}}}
                for mid, name in METRICS[page]]
        following = page + 1 if page + 1 < len(METRICS) else None
        return Reply(200, {"data": data, "links": {"self": "", "next": self.page_link("/api/metrics/", following)}})

    def campaigns(self, req, m):
        if "messages.channel" not in (req.arg("filter") or "") and req.arg("page[cursor]") is None:
            return Reply(400, errors(400, "invalid", "Invalid input.", "A channel filter is required. Use "
                                     "'equals(messages.channel,'email')' or 'equals(messages.channel,'sms')'."))
        page = int(req.arg("page[cursor]", "0"))
        items = PAGES[page]
        following = page + 1 if page + 1 < len(PAGES) else None
        body = {"data": [c for c, _, _ in items], "links": {"self": "", "next": self.page_link("/api/campaigns/",
                                                                                             following)}}
        if req.arg("include") == "campaign-messages" or page:
            body["included"] = [msg for _, msg, _ in items]
        return Reply(200, body)

    def report(self, req, m):
        self.report_calls += 1
        if self.down:
            return Reply(503, errors(503, "service_unavailable", "Service unavailable.", "Please try again."))
        if self.report_calls in self.script:
            return self.script[self.report_calls]
        if not req.headers.get("content-type", "").startswith("application/vnd.api+json"):
            return Reply(415, errors(415, "unsupported_media_type", "Unsupported media type.", "Use JSON:API."))
        body = req.json()
        self.bodies.append(body)
        attributes = body["data"]["attributes"]
        assert body["data"]["type"] == "campaign-values-report"
        unknown = set(attributes["statistics"]) - ALLOWED_STATISTICS
        if unknown:
            return Reply(400, errors(400, "invalid", "Invalid input.", f"'{sorted(unknown)[0]}' is not a valid choice."))
        if attributes.get("conversion_metric_id") != "VevE7N":
            return Reply(400, errors(400, "invalid", "Invalid input.",
                                     f"Metric {attributes.get('conversion_metric_id')} does not exist."))
        start = dt.datetime.fromisoformat(attributes["timeframe"]["start"])
        end = dt.datetime.fromisoformat(attributes["timeframe"]["end"])
        # campaign_message_id is the campaign id, as in Klaviyo's documented example and real answers
        results = [{"groupings": {"send_channel": "email", "campaign_id": c["id"], "campaign_message_id": c["id"]},
                    "statistics": {k: v for k, v in stats.items() if k in attributes["statistics"]}}
                   for page in PAGES for c, msg, stats in page
                   if stats and start <= dt.datetime.fromisoformat(c["attributes"]["send_time"]) < end]
        return Reply(200, {"data": {"type": "campaign-values-report", "id": "4f5e6d7c-0000-4000-8000-000000000001",
                                    "attributes": {"results": results},
                                    "relationships": {"campaigns": {"data": [
                                        {"type": "campaign", "id": r["groupings"]["campaign_id"]} for r in results]}},
                                    "links": {"self": ""}},
                           "links": {"self": "", "next": None, "previous": None}})


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = KlaviyoServer
WAREHOUSE = {"timezone": "Europe/Rome"}
SOURCES = [{"name": "klaviyo", "kind": "klaviyo", "lookback_days": 27},
           {"name": "kl_scoped", "kind": "klaviyo", "lookback_days": 27, "currency": "EUR",
            "conversion_metric_id": "VevE7N", "account_ids": ["LiSt7"], "secrets": {"API_KEY": SCOPED_KEY}},
           {"name": "kl_old", "kind": "klaviyo", "api_version": "2024-10-15"},
           {"name": "kl_metric", "kind": "klaviyo", "conversion_metric_id": "NoSuch"}]
SECRETS = {"API_KEY": KEY}


def test_report_campaigns_and_subjects_load_once_despite_throttling(make_settings, api, server, waits):
    server.script = {1: Reply(429, errors(429, "throttled", "Request was throttled.",
                                          "Request was throttled. Expected available in 31 seconds."),
                              {"Retry-After": "31"})}
    settings = make_settings()
    record = run_window(settings, settings.source("klaviyo"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert waits == [31.0] and server.report_calls == 2
    assert api.count("GET", "/api/metrics/") == 2          # "Placed Order" found on the second page
    assert api.count("GET", "/api/campaigns/") == 3        # pages 1-3 hold every reported campaign; 4 is not read
    [body] = server.bodies
    attributes = body["data"]["attributes"]
    assert attributes["timeframe"] == {"start": "2026-06-02T00:00:00+00:00", "end": "2026-07-02T00:00:00+00:00"}
    assert attributes["conversion_metric_id"] == "VevE7N" and attributes["filter"] == "equals(send_channel,'email')"
    assert all(r.headers["revision"] == REVISION for r in api.log)
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (3, 3, 0)   # K3 is 1 July in Zurich

    rows = query(settings, "SELECT campaign_id, campaign_name, subject, send_time, send_date, recipients, delivered, "
                           "hard_bounces, soft_bounces, unique_opens, total_opens, unique_clicks, total_clicks, "
                           "unsubscribes, complaints, orders, revenue, currency, platform "
                           "FROM core.email_campaigns ORDER BY send_time")
    assert rows == [
        ("01J0AAAA", "Benvenuto", "Ciao!", dt.datetime(2026, 6, 3, 0, 30), dt.date(2026, 6, 3),
         1000, 990, None, None, 400, 560, 50, 70, 3, 1, 6, Decimal("480.46"), "CHF", "klaviyo"),
        ("01J0BBBB", "Saldi d'estate ☀️", "Fino al -50%", dt.datetime(2026, 6, 12, 10, 0), dt.date(2026, 6, 12),
         5000, 4950, None, None, 2000, 2600, 300, 420, 15, 2, 40, Decimal("3999.90"), "CHF", "klaviyo"),
        ("01J0DDDD", "Novità", "Nuovi arrivi", dt.datetime(2026, 6, 20, 17, 30), dt.date(2026, 6, 20),
         2000, 1980, None, None, 700, 900, 90, 120, 5, 0, 0, Decimal("0.00"), "CHF", "klaviyo"),
    ]
    raw = pl.read_parquet(next(settings.raw_dir.rglob("*.parquet")))
    assert "1000.0" in raw["statistics.recipients"].to_list() and "account.timezone" in raw.columns
    assert KEY not in everything(settings)

    # A key without accounts:read: roi.toml's currency, the warehouse time zone, no metric lookup,
    # and account_ids keep the campaigns sent to those lists.
    scoped = run_window(settings, settings.source("kl_scoped"), RUN_DATE)
    assert scoped.status == "succeeded", scoped.error
    assert api.count("GET", "/api/metrics/") == 2
    assert query(settings, "SELECT campaign_id, currency, send_time FROM core.email_campaigns "
                           "WHERE source = 'kl_scoped'") == [("01J0BBBB", "EUR", dt.datetime(2026, 6, 12, 10, 0))]
    assert SCOPED_KEY not in everything(settings)


def test_failures_are_one_line_and_keep_the_loaded_window(make_settings, api, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("klaviyo"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id")

    server.down = True
    failed = run_window(settings, settings.source("klaviyo"), RUN_DATE)
    assert failed.status == "failed" and "HTTP 503" in failed.error and "\n" not in failed.error
    assert len(waits) == 5 and query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    server.down = False

    old = run_window(settings, settings.source("kl_old"), RUN_DATE)             # a retired revision
    assert old.status == "failed" and "api_version" in old.error and "2024-10-15" in old.error
    assert f'api_version = "{REVISION}"' in old.error

    metric = run_window(settings, settings.source("kl_metric"), RUN_DATE)       # a conversion metric that is not
    assert metric.status == "failed" and "conversion_metric_id (NoSuch)" in metric.error
    assert "Metric NoSuch does not exist" in metric.error

    wrong = "pk_0000000000000000000000000000000000"
    settings = make_settings(secrets={"API_KEY": wrong})
    calls = len(api.log)
    refused = run_window(settings, settings.source("klaviyo"), RUN_DATE)
    assert refused.status == "failed" and len(api.log) - calls == 1
    assert "ROI_KLAVIYO__API_KEY" in refused.error and "Missing or invalid private key" in refused.error
    assert wrong not in refused.error

    assert query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    assert KEY not in everything(settings) and wrong not in everything(settings)


def test_subjects_are_found_by_campaign_when_the_report_names_no_message(make_settings, api, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("klaviyo"), RUN_DATE)
    assert record.status == "succeeded", record.error
    raw = pl.read_parquet(next(settings.raw_dir.rglob("*.parquet")))
    assert raw["groupings.campaign_message_id"].to_list() == raw["groupings.campaign_id"].to_list()
    # K2's included message has no link back to its campaign: the campaign's own relationship finds it
    assert query(settings, "SELECT campaign_id, subject FROM core.email_campaigns ORDER BY campaign_id") == [
        ("01J0AAAA", "Ciao!"), ("01J0BBBB", "Fino al -50%"), ("01J0DDDD", "Nuovi arrivi")]


def test_a_campaign_of_several_messages_takes_the_subject_of_the_message_the_report_names():
    from roi.sources.klaviyo import _message_of
    assert _message_of(["01JMAAAA"], "01J0AAAA") == "01JMAAAA"            # the only message of the campaign
    assert _message_of(["01JMAAAA", "01JMBBBB"], "01JMBBBB") == "01JMBBBB"
    assert _message_of(["01JMAAAA", "01JMBBBB"], "01J0AAAA") is None      # which of the two: unknown
    assert _message_of([], "01J0AAAA") is None


def test_a_long_backfill_window_is_split_into_report_timeframes_of_a_year_at_most():
    from roi.sources.klaviyo import _timeframes
    frames = _timeframes((dt.date(2025, 1, 1), dt.date(2026, 6, 30)))
    assert frames == [(dt.date(2024, 12, 31), dt.date(2025, 12, 31)), (dt.date(2025, 12, 31), dt.date(2026, 7, 2))]
    assert all((hi - lo).days <= 365 for lo, hi in frames)
