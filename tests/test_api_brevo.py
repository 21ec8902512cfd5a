"""Brevo API mode: the real client, transform and load path against a local server playing /v3/emailCampaigns."""
import datetime as dt

import roi.sources.brevo
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, everything, query

RUN_DATE = dt.date(2026, 6, 30)    # lookback_days = 27 -> window 2026-06-03 .. 2026-06-30 (Europe/Rome)
KEY = "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"
LIST = "/v3/emailCampaigns"


def stats(sent, delivered, hard, soft, unique_views, viewed, unique_clicks, clickers, unsubscriptions, complaints):
    """statistics.globalStats as Brevo answers it (campaign totals; rates as numbers)."""
    return {"uniqueClicks": unique_clicks, "clickers": clickers, "complaints": complaints, "delivered": delivered,
            "sent": sent, "softBounces": soft, "hardBounces": hard, "uniqueViews": unique_views,
            "trackableViews": unique_views - 10, "trackableViewsRate": 40.1, "estimatedViews": unique_views + 5,
            "unsubscriptions": unsubscriptions, "viewed": viewed, "deferred": 0, "returnBounce": 0,
            "appleMppOpens": 12, "opensRate": 41.6}


ZERO_STATS = {"uniqueClicks": 0, "clickers": 0, "complaints": 0, "delivered": 0, "sent": 0, "softBounces": 0,
              "hardBounces": 0, "uniqueViews": 0, "trackableViews": 0, "trackableViewsRate": 0, "estimatedViews": 0,
              "unsubscriptions": 0, "viewed": 0}


def list_stats(list_id, sent, delivered, hard, soft, unique_views, viewed, unique_clicks, clickers, unsubscriptions,
               complaints, **more):
    """One entry of statistics.campaignStats[]: a contact list's counts (Brevo returns them always)."""
    return {"listId": list_id, "uniqueClicks": unique_clicks, "clickers": clickers, "complaints": complaints,
            "delivered": delivered, "sent": sent, "softBounces": soft, "hardBounces": hard,
            "uniqueViews": unique_views, "trackableViews": unique_views - 20, "unsubscriptions": unsubscriptions,
            "viewed": viewed, **more}


def campaign(cid, name, subject, sent_date, global_stats, lists=(2,), campaign_stats=None):
    """A sent email campaign of GET /v3/emailCampaigns?statistics=globalStats (HTML excluded)."""
    return {
        "id": cid, "name": name, "subject": subject, "previewText": "", "type": "classic", "status": "sent",
        "scheduledAt": sent_date, "abTesting": False, "testSent": True, "header": "[DEFAULT_HEADER]",
        "footer": "[DEFAULT_FOOTER]", "sender": {"name": "Bottega", "id": 1, "email": "news@example.com"},
        "replyTo": "news@example.com", "toField": "{FNAME}", "htmlContent": "", "tag": "newsletter",
        "shareLink": f"https://sendibt3.com/share/{cid}", "createdAt": "2026-05-20T10:00:00.000Z",
        "modifiedAt": sent_date, "inlineImageActivation": False, "mirrorActive": True, "recurring": False,
        "sentDate": sent_date, "recipients": {"lists": list(lists), "exclusionLists": []},
        "statistics": {"globalStats": global_stats,
                       "campaignStats": campaign_stats or [{"listId": lists[0], "uniqueClicks": 0, "clickers": 0,
                                                            "complaints": 0, "delivered": 0, "sent": 0,
                                                            "softBounces": 0, "hardBounces": 0, "uniqueViews": 0,
                                                            "unsubscriptions": 0, "viewed": 0}],
                       "mirrorClick": 0, "remaining": 0, "linksStats": {}, "statsByDomain": {}},
    }


WEBINAR_STATS = stats(300, 296, 2, 2, 140, 190, 30, 41, 0, 0)
CAMPAIGNS = [
    # 22:30 UTC on 2 June is 00:30 on 3 June in Rome: inside the window
    campaign(11, "Benvenuto ✨", "Ciao!", "2026-06-02T22:30:00.000Z", stats(1000, 985, 9, 6, 410, 620, 52, 77, 3, 1)),
    campaign(12, "Saldi d'estate", "Fino al -50%", "2026-06-10T07:00:00.000Z",
             stats(5000, 4900, 60, 40, 1800, 2500, 300, 410, 12, 2), lists=(2, 7)),
    # the list leaves globalStats empty: the client reads the campaign's own report
    campaign(13, "Webinar B2B", "Iscriviti", "2026-06-15T12:00:00+02:00", {}, lists=(7,)),
    # 22:15 UTC on 30 June is 1 July in Rome: served (a day of margin), not loaded
    campaign(14, "Newsletter luglio", "Luglio", "2026-06-30T22:15:00.000Z", stats(700, 690, 5, 5, 200, 260, 20, 25, 1, 0)),
    campaign(15, "Novità", "Nuovi arrivi", "2026-06-22T16:00:00.000Z", stats(800, 790, 6, 4, 300, 420, 40, 55, 2, 0)),
    # globalStats all zero, in the list and in its own report, as Brevo serves some campaigns: the counts
    # are in campaignStats[], one entry per contact list (list 7's without the optional `deferred`)
    campaign(17, "Promo B2B", "Solo per aziende", "2026-06-25T08:00:00.000Z", ZERO_STATS, lists=(2, 7),
             campaign_stats=[list_stats(2, 600, 590, 4, 6, 250, 330, 30, 42, 2, 1, deferred=3),
                             list_stats(7, 400, 395, 1, 4, 150, 210, 20, 25, 1, 0)]),
    # outside the requested dates: never served
    campaign(16, "Maggio", "Maggio", "2026-05-10T08:00:00.000Z", stats(100, 100, 0, 0, 10, 10, 1, 1, 0, 0)),
]


def instant(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class BrevoServer:
    """Plays GET /v3/emailCampaigns (api-key header, limit/offset paging, date filters that need
    status=sent) and GET /v3/emailCampaigns/{id}."""

    def __init__(self, api: FakeApi):
        self.script: dict[int, Reply] = {}    # nth call to the list -> a fault to answer instead
        self.down = False
        self.list_calls = 0
        api.route("GET", LIST, self.campaigns)
        api.route("GET", LIST + r"/(\d+)", self.one)
        api.route("GET", r"/v2/.*", lambda req, m: Reply(404, {"code": "document_not_found",
                                                                "message": "API v2 has been retired"}))

    def denied(self, req):
        if req.headers.get("api-key") != KEY:
            return Reply(401, {"code": "unauthorized", "message": "Key not found"})
        return None

    def campaigns(self, req, m):
        self.list_calls += 1
        if self.denied(req):
            return self.denied(req)
        if self.down:
            return Reply(500, {"code": "internal_error", "message": "Internal server error"})
        if self.list_calls in self.script:
            return self.script[self.list_calls]
        limit, offset = int(req.arg("limit", "50")), int(req.arg("offset", "0"))
        if limit > 100:
            return Reply(400, {"code": "out_of_range", "message": "Limit exceeds max value"})
        start, end = req.arg("startDate"), req.arg("endDate")
        if bool(start) != bool(end):
            return Reply(400, {"code": "invalid_parameter", "message": "endDate is mandatory if startDate is used"})
        if start and req.arg("status") not in (None, "sent"):
            return Reply(400, {"code": "invalid_parameter",
                               "message": "startDate and endDate are only available for sent campaigns"})
        chosen = [c for c in CAMPAIGNS if req.arg("status") in (None, c["status"])
                  and (not start or instant(start) <= instant(c["sentDate"]) <= instant(end))]
        if req.arg("statistics") != "globalStats":
            chosen = [{**c, "statistics": {**c["statistics"], "globalStats": {}}} for c in chosen]
        return Reply(200, {"count": len(chosen), "campaigns": chosen[offset:offset + limit]})

    def one(self, req, m):
        if self.denied(req):
            return self.denied(req)
        found = [c for c in CAMPAIGNS if c["id"] == int(m.group(1))]
        if not found:
            return Reply(404, {"code": "document_not_found", "message": "Campaign ID does not exist"})
        body = found[0]
        if body["id"] == 13:
            body = {**body, "statistics": {**body["statistics"], "globalStats": WEBINAR_STATS}}
        if req.arg("statistics") != "globalStats":     # without it the report's globalStats are zeros
            body = {**body, "statistics": {**body["statistics"], "globalStats": ZERO_STATS}}
        return Reply(200, body)


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = BrevoServer
WAREHOUSE = {"timezone": "Europe/Rome"}
SOURCES = [{"name": "news_brevo", "kind": "brevo", "lookback_days": 27},
           {"name": "b2b_brevo", "kind": "brevo", "lookback_days": 27, "account_ids": ["7"]},
           {"name": "old_brevo", "kind": "brevo", "api_version": "v2"}]
SECRETS = {"API_KEY": KEY}


def test_sent_campaigns_of_the_window_load_once_through_paging_and_throttling(make_settings, api, server, waits,
                                                                             monkeypatch):
    monkeypatch.setattr(roi.sources.brevo, "PAGE_SIZE", 2)
    server.script = {
        2: Reply(429, {"code": "too_many_requests", "message": "Too many requests"},
                 {"x-sib-ratelimit-limit": "10", "x-sib-ratelimit-remaining": "0", "x-sib-ratelimit-reset": "3"}),
        4: Reply(502, b"<html>Bad gateway</html>", {"Retry-After": "2"}),
    }
    settings = make_settings()
    record = run_window(settings, settings.source("news_brevo"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert waits == [3.0, 2.0]                        # x-sib-ratelimit-reset, then Retry-After
    calls = [r for r in api.log if r.path == LIST]
    assert [r.arg("offset") for r in calls] == ["0", "2", "2", "4", "4"] and server.list_calls == 5
    assert {(r.arg("status"), r.arg("statistics"), r.arg("limit"), r.arg("startDate"), r.arg("endDate"))
            for r in calls} == {("sent", "globalStats", "2", "2026-06-02T00:00:00.000Z", "2026-07-01T23:59:59.999Z")}
    assert api.count("GET", LIST + "/13") == 1 and api.count("GET", LIST + "/17") == 1
    assert api.count("GET", LIST + r"/\d+") == 2
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (5, 5, 0)   # 14 is 1 July in Rome

    rows = query(settings, "SELECT campaign_id, campaign_name, subject, send_time, send_date, recipients, delivered, "
                           "hard_bounces, soft_bounces, unique_opens, total_opens, unique_clicks, total_clicks, "
                           "unsubscribes, complaints, orders, revenue, currency, platform "
                           "FROM core.email_campaigns ORDER BY send_time")
    assert rows == [
        ("11", "Benvenuto ✨", "Ciao!", dt.datetime(2026, 6, 3, 0, 30), dt.date(2026, 6, 3),
         1000, 985, 9, 6, 410, 620, 52, 77, 3, 1, None, None, "EUR", "brevo"),
        ("12", "Saldi d'estate", "Fino al -50%", dt.datetime(2026, 6, 10, 9, 0), dt.date(2026, 6, 10),
         5000, 4900, 60, 40, 1800, 2500, 300, 410, 12, 2, None, None, "EUR", "brevo"),
        ("13", "Webinar B2B", "Iscriviti", dt.datetime(2026, 6, 15, 12, 0), dt.date(2026, 6, 15),
         300, 296, 2, 2, 140, 190, 30, 41, 0, 0, None, None, "EUR", "brevo"),
        ("15", "Novità", "Nuovi arrivi", dt.datetime(2026, 6, 22, 18, 0), dt.date(2026, 6, 22),
         800, 790, 6, 4, 300, 420, 40, 55, 2, 0, None, None, "EUR", "brevo"),
        ("17", "Promo B2B", "Solo per aziende", dt.datetime(2026, 6, 25, 10, 0), dt.date(2026, 6, 25),
         1000, 985, 5, 10, 400, 540, 50, 67, 3, 1, None, None, "EUR", "brevo"),
    ]
    # open rate 1800 / 4900, bounce rate (60 + 40) / 5000
    assert query(settings, "SELECT round(open_rate, 6), bounce_rate FROM marts.email_campaign_kpis "
                           "WHERE campaign_id = '12'") == [(round(1800 / 4900, 6), 0.02)]
    assert KEY not in everything(settings)

    lists = run_window(settings, settings.source("b2b_brevo"), RUN_DATE)       # account_ids = list ids
    assert lists.status == "succeeded", lists.error
    assert query(settings, "SELECT campaign_id FROM core.email_campaigns WHERE source = 'b2b_brevo' ORDER BY 1") == \
        [("12",), ("13",), ("17",)]


def test_zero_global_stats_load_the_sum_of_the_per_list_campaign_stats(make_settings, api, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("news_brevo"), RUN_DATE)
    assert record.status == "succeeded", record.error
    report = [r for r in api.log if r.path == LIST + "/17"]
    assert [r.arg("statistics") for r in report] == ["globalStats"]     # its own report is zero too
    # list 2 + list 7: sent 600 + 400, delivered 590 + 395, hard 4 + 1, soft 6 + 4, unique opens 250 + 150,
    # opens 330 + 210, unique clicks 30 + 20, clicks 42 + 25, unsubscribes 2 + 1, complaints 1 + 0
    assert query(settings, "SELECT recipients, delivered, hard_bounces, soft_bounces, unique_opens, total_opens, "
                           "unique_clicks, total_clicks, unsubscribes, complaints FROM core.email_campaigns "
                           "WHERE campaign_id = '17'") == [(1000, 985, 5, 10, 400, 540, 50, 67, 3, 1)]
    # open rate 400 / 985, bounce rate (5 + 10) / 1000
    assert query(settings, "SELECT round(open_rate, 6), bounce_rate FROM marts.email_campaign_kpis "
                           "WHERE campaign_id = '17'") == [(round(400 / 985, 6), 0.015)]


def test_failures_are_one_line_and_keep_the_loaded_window(make_settings, api, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("news_brevo"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id")

    server.down = True
    failed = run_window(settings, settings.source("news_brevo"), RUN_DATE)
    assert failed.status == "failed" and "\n" not in failed.error and "HTTP 500" in failed.error
    assert len(waits) == 5 and query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    server.down = False

    wrong = "xkeysib-0000000000000000000000000000000000000000000000000000000000000000-AAAAAAAAAAAAAAAA"
    settings = make_settings(secrets={"API_KEY": wrong})
    calls = len(api.log)
    refused = run_window(settings, settings.source("news_brevo"), RUN_DATE)
    assert refused.status == "failed" and len(api.log) - calls == 1
    assert "ROI_NEWS_BREVO__API_KEY" in refused.error and "Key not found" in refused.error
    assert wrong not in refused.error

    old = run_window(settings, settings.source("old_brevo"), RUN_DATE)
    assert old.status == "failed" and "api_version" in old.error and "v3" in old.error
    assert query(settings, "SELECT * FROM core.email_campaigns ORDER BY campaign_id") == before
    assert KEY not in everything(settings) and wrong not in everything(settings)
