"""leads and orders in API mode with crm = "pipedrive": a local server playing Pipedrive's API v2 (persons, deals)."""
import base64
import datetime as dt
import hashlib
import json
import re

import pytest

from roi.contracts.errors import ConfigError
from roi.pipeline.runs import run_window
from tests.fakeapi import Reply, assert_no_secret_anywhere, load_counts, query

TOKEN = "5e3cb1e0f00d4a7c9a1b2c3d4e5f60718293a4b5"          # a personal API token (40 hex characters)
OAUTH = "v1u:AQIBAHj-oauth-access-token-7788"
RUN_DATE = dt.date(2026, 6, 7)          # window [2026-06-01, 2026-06-07] with lookback_days = 6 (Europe/Rome)
PAGE = 3                                # the fake's page size (Pipedrive's is up to 500)


def key(label: str) -> str:
    """A custom field key as Pipedrive makes them: 40 hex characters, different in every account."""
    return hashlib.sha1(label.encode()).hexdigest()


PS, PM, PC = key("person utm_source"), key("person utm_medium"), key("person utm_campaign")
DS, DM, DC = key("deal utm_source"), key("deal utm_medium"), key("deal utm_campaign")
INDUSTRY = key("person industry")      # an enum field: Pipedrive gives the option id


def person(id, added, updated=None, email=None, utm=(None, None, None)):
    """A person as GET /api/v2/persons returns it (Pipedrive API reference, Persons v2: emails as a list of
    {label, value, primary}, RFC 3339 times, custom fields under custom_fields, every one present)."""
    return {"id": id, "name": f"Person {id}", "first_name": "Person", "last_name": str(id), "owner_id": 12,
            "org_id": None, "add_time": added, "update_time": updated or added, "is_deleted": False,
            "visible_to": 3, "label_ids": [], "picture_id": None,
            "emails": [{"label": "work", "value": email, "primary": True}] if email else [],
            "phones": [], "custom_fields": {PS: utm[0], PM: utm[1], PC: utm[2], INDUSTRY: 41}}


def deal(id, person_id, won, value, currency="EUR", status="won", updated=None, utm=(None, None, None)):
    """A deal as GET /api/v2/deals returns it (Deals v2: person_id an integer, won_time RFC 3339)."""
    return {"id": id, "title": f"Deal {id}", "creator_user_id": 12, "owner_id": 12, "value": value,
            "person_id": person_id, "org_id": None, "stage_id": 5, "pipeline_id": 1, "currency": currency,
            "add_time": "2026-05-02T09:00:00Z", "update_time": updated or won, "stage_change_time": won,
            "status": status, "is_deleted": False, "probability": None, "lost_reason": None, "visible_to": 3,
            "close_time": won, "won_time": won if status == "won" else None, "lost_time": None,
            "local_won_date": won[:10] if status == "won" else None, "expected_close_date": None,
            "label_ids": [], "origin": "ManuallyCreated", "origin_id": None, "channel": None, "channel_id": None,
            "custom_fields": {DS: utm[0], DM: utm[1], DC: utm[2]}}


PERSONS = [
    person(101, "2026-06-01T08:00:00Z", email="anna@example.it", utm=("google", "cpc", "estate_2026")),
    person(102, "2026-06-01T22:30:00Z", utm=("facebook", "paid_social", "retargeting")),   # June 2 in Rome
    person(103, "2026-06-02T10:00:00Z"),                                                     # no UTM: direct
    person(104, "2026-06-03T10:00:00Z", utm=("newsletter", "email", "giugno")),
    person(105, "2026-06-05T10:00:00Z", utm=("google", "cpc", "brand")),   # its deal was won before it existed
    person(106, "2026-06-07T21:59:59Z", utm=("linkedin", "paid_social", "b2b")),             # 23:59:59 in Rome
    person(107, "2026-06-07T22:30:00Z", utm=("google", "cpc", None)),    # June 8 in Rome: after the window
    person(108, "2026-05-30T12:00:00Z", "2026-06-03T09:00:00Z"),        # created before, updated in: not a lead
    person(109, "2026-04-01T12:00:00Z"),                                 # not updated since: never listed
    person(110, "2026-06-06T10:00:00Z", utm=("Google", "CPC", "estate_2026")),
    person(900, "2025-03-01T12:00:00Z", "2026-06-02T12:00:00Z", email="old@example.com"),   # an old customer
]
DEALS = [
    deal(501, 101, "2026-06-04T10:00:00Z", 1500.5),                                       # the person's UTM
    deal(502, 104, "2026-06-06T09:00:00Z", 800, utm=("facebook", "paid_social", "promo")),  # its own UTM first
    deal(503, 104, "2026-06-05T09:00:00Z", 200),
    deal(504, 105, "2026-06-04T10:00:00Z", 300),
    deal(505, 900, "2026-06-02T12:00:00Z", 1000, "USD", utm=("linkedin", "paid_social", "abm")),
    deal(506, None, "2026-06-03T12:00:00Z", None),                                        # no value: quarantined
    deal(507, 901, "2026-06-07T23:30:00Z", 50),                # June 8 in Rome; its person is gone
    deal(508, 900, "2026-05-20T10:00:00Z", 70, updated="2026-06-01T10:00:00Z"),   # won before the window
    deal(509, 900, "2026-05-05T10:00:00Z", 90),                                    # not updated since
    deal(510, 103, "2026-06-03T10:00:00Z", 5000, status="lost"),
    deal(511, 102, "2026-06-07T10:00:00Z", 450.25),
]


class FakePipedrive:
    """GET /api/v2/persons and /api/v2/deals: updated_since, status, ids, sort_by/sort_direction, limit and an
    opaque cursor in additional_data.next_cursor (Pipedrive's cursor pagination); x-api-token or Bearer auth."""

    def __init__(self, api):
        self.calls: list[dict] = []
        api.route("GET", "/api/v2/persons", lambda req, _m: self.listing(req, PERSONS))
        api.route("GET", "/api/v2/deals", lambda req, _m: self.listing(req, DEALS))

    def listing(self, req, records):
        if req.headers.get("x-api-token") != TOKEN and req.headers.get("authorization") != f"Bearer {OAUTH}":
            return Reply(401, {"success": False, "error": "unauthorized access", "errorCode": 401,
                               "error_info": "Please check developers.pipedrive.com"})
        args = {k: v[0] for k, v in req.query.items()}
        self.calls.append({"path": req.path, **args})
        limit = int(args.get("limit", 100))
        assert limit <= 500
        hits = list(records)
        if "ids" in args:
            hits = [r for r in hits if str(r["id"]) in args["ids"].split(",")]
        if "status" in args:
            hits = [r for r in hits if r["status"] in args["status"].split(",")]
        if "updated_since" in args:
            hits = [r for r in hits if r["update_time"] >= args["updated_since"]]
        field = args.get("sort_by", "id")
        hits.sort(key=lambda r: (r[field], r["id"]), reverse=args.get("sort_direction") == "desc")
        offset = json.loads(base64.b64decode(args["cursor"]))["offset"] if "cursor" in args else 0
        page = hits[offset:offset + min(limit, PAGE)]
        more = offset + len(page) < len(hits)
        cursor = base64.b64encode(json.dumps({"offset": offset + len(page)}).encode()).decode() if more else None
        return Reply(200, {"success": True, "data": page, "additional_data": {"next_cursor": cursor}},
                     {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "39", "x-ratelimit-reset": "2"})


FAKE = FakePipedrive
WAREHOUSE = {"timezone": "Europe/Rome", "reporting_currency": "EUR"}
SOURCES = [{"name": "crm_leads", "kind": "leads", "crm": "pipedrive", "lookback_days": 6,
            "utm_fields": {"utm_source": PS, "utm_medium": PM, "utm_campaign": PC}},
           {"name": "crm_deals", "kind": "orders", "crm": "pipedrive", "lookback_days": 6,
            "utm_fields": {"utm_source": [DS, PS], "utm_medium": [DM, PM], "utm_campaign": [DC, PC]}}]
SECRETS = {"API_TOKEN": TOKEN}
THROTTLED = Reply(429, {"success": False, "error": "Request over limit", "errorCode": 429},
                  {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2"})

D = dt.date
LEADS = [  # lead_id, customer_id, created, customer, utm_source, utm_medium, utm_campaign, channel
    ("101", "101", D(2026, 6, 1), D(2026, 6, 4), "google", "cpc", "estate_2026", "google_ads"),
    ("102", "102", D(2026, 6, 2), D(2026, 6, 7), "facebook", "paid_social", "retargeting", "meta_ads"),
    ("103", "103", D(2026, 6, 2), None, None, None, None, "direct"),
    ("104", "104", D(2026, 6, 3), D(2026, 6, 5), "newsletter", "email", "giugno", "email"),   # the first of 2 won
    ("106", "106", D(2026, 6, 7), None, "linkedin", "paid_social", "b2b", "linkedin_ads"),
    ("110", "110", D(2026, 6, 6), None, "Google", "CPC", "estate_2026", "google_ads"),
]


def test_persons_paged_throttled_and_dated_by_their_first_won_deal(make_settings, server, api, waits):
    api.fail_next("GET", "/api/v2/persons", THROTTLED)
    settings = make_settings()
    record = run_window(settings, settings.source("crm_leads"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT lead_id, customer_id, created_date, customer_date, utm_source, utm_medium, "
                           "utm_campaign, channel FROM core.leads ORDER BY lead_id") == LEADS
    assert query(settings, "SELECT channel, count(*) FROM core.leads GROUP BY 1 ORDER BY 1") == [
        ("direct", 1), ("email", 1), ("google_ads", 2), ("linkedin_ads", 1), ("meta_ads", 1)]
    # 7 persons created in the window's days; 105's only won deal (504) was won the day before it was created.
    assert load_counts(settings) == [(7, 6, 0, 1)]
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [("customer_date is before created_date",)]
    persons = [c for c in server.calls if c["path"] == "/api/v2/persons"]
    # Newest first, 3 a page: the third page reaches 108 (created before the window) and the paging stops.
    assert len(persons) == 3 and persons[0] == {
        "path": "/api/v2/persons", "updated_since": "2026-05-31T00:00:00Z", "sort_by": "add_time",
        "sort_direction": "desc", "limit": "500"}
    assert [c.get("status") for c in server.calls if c["path"] == "/api/v2/deals"] == ["won"] * 3
    assert waits == [2.0]                     # the 429 without Retry-After waits for x-ratelimit-reset
    assert_no_secret_anywhere(settings, record, TOKEN)


ORDERS = [  # order_id, customer_id, order_date, amount, currency, utm_source, utm_medium, utm_campaign, channel
    ("501", "101", D(2026, 6, 4), 1500.5, "EUR", "google", "cpc", "estate_2026", "google_ads"),
    ("502", "104", D(2026, 6, 6), 800.0, "EUR", "facebook", "paid_social", "promo", "meta_ads"),
    ("503", "104", D(2026, 6, 5), 200.0, "EUR", "newsletter", "email", "giugno", "email"),
    ("504", "105", D(2026, 6, 4), 300.0, "EUR", "google", "cpc", "brand", "google_ads"),
    ("505", "900", D(2026, 6, 2), 1000.0, "USD", "linkedin", "paid_social", "abm", "linkedin_ads"),
    ("511", "102", D(2026, 6, 7), 450.25, "EUR", "facebook", "paid_social", "retargeting", "meta_ads"),
]


def test_won_deals_with_their_persons_give_revenue_per_channel(make_settings, server, api, waits):
    api.fail_next("GET", "/api/v2/deals", Reply(429, {"success": False, "error": "Request over limit"},
                                                {"Retry-After": "1"}))
    settings = make_settings()
    record = run_window(settings, settings.source("crm_deals"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT order_id, customer_id, order_date, amount::DOUBLE, currency, utm_source, "
                           "utm_medium, utm_campaign, channel FROM core.orders ORDER BY order_id") == ORDERS
    # Won revenue per channel, in each deal's currency: 1500.50 + 300; 800 + 450.25; 200; 1000 USD.
    assert query(settings, "SELECT channel, currency, sum(amount)::DOUBLE FROM core.orders GROUP BY 1, 2 "
                           "ORDER BY 1") == [("email", "EUR", 200.0), ("google_ads", "EUR", 1800.5),
                                             ("linkedin_ads", "USD", 1000.0), ("meta_ads", "EUR", 1250.25)]
    # 7 deals won on the window's days (507 was won on June 8 in Rome); 506 has no value.
    assert load_counts(settings) == [(7, 6, 0, 1)]
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [("amount: missing",)]
    # A won deal is paid; its value holds no known tax, shipping or refund.
    assert query(settings, "SELECT bool_and(paid), count(tax), count(shipping), count(refunded) "
                           "FROM core.orders") == [(True, 0, 0, 0)]
    deals = [c for c in server.calls if c["path"] == "/api/v2/deals"]
    assert len(deals) == 3 and deals[0] == {"path": "/api/v2/deals", "status": "won",
                                            "updated_since": "2026-05-31T00:00:00Z", "limit": "500"}
    # The deals' persons in one call (901 is gone): 5 persons, on 2 pages.
    persons = [c for c in server.calls if c["path"] == "/api/v2/persons"]
    assert [p["ids"] for p in persons] == ["101,102,104,105,900,901"] * 2
    assert waits == [1.0]                     # Retry-After honoured


def test_tokens_refused_or_missing_speak_in_one_line(make_settings, server, api, waits):
    refused_settings = make_settings(secrets={"API_TOKEN": "0000aaaa1111bbbb2222cccc3333dddd4444eeee"})
    refused = run_window(refused_settings, refused_settings.source("crm_deals"), RUN_DATE)
    oauth_settings = make_settings(secrets={"ACCESS_TOKEN": OAUTH})
    oauth = run_window(oauth_settings, oauth_settings.source("crm_leads"), RUN_DATE)
    domainless = make_settings(secrets={"ACCESS_TOKEN": OAUTH}, base_url=None)
    no_domain = run_window(domainless, domainless.source("crm_leads"), RUN_DATE)

    assert refused.status == "failed" and refused.error == (
        "crm_deals: the API refused the credentials (HTTP 401: unauthorized access) — check "
        "ROI_CRM_DEALS__API_TOKEN")
    assert oauth.status == "succeeded", oauth.error
    assert query(oauth_settings, "SELECT count(*) FROM core.leads") == [(6,)]
    assert no_domain.error == ("crm_leads: a Pipedrive OAuth token (ROI_CRM_LEADS__ACCESS_TOKEN) is served on the "
                               "company's domain — set base_url = \"https://<company>.pipedrive.com\" in roi.toml")
    with pytest.raises(ConfigError, match=re.escape("source 'crm_leads' needs the secret ROI_CRM_LEADS__API_TOKEN")):
        make_settings(secrets={})
    assert_no_secret_anywhere(oauth_settings, oauth, OAUTH)


def test_bad_utm_fields_fail_before_any_call(make_settings, server, api, waits):
    settings = make_settings(utm_fields={"utm_source": "UTM Source"})
    record = run_window(settings, settings.source("crm_leads"), RUN_DATE)
    unknown = make_settings(utm_fields={"utm_term": PS})
    other = run_window(unknown, unknown.source("crm_deals"), RUN_DATE)

    assert record.error == ("crm_leads: utm_fields utm_source: 'UTM Source' is not a Pipedrive custom field key "
                            "(40 hex characters, from Settings › Data fields or GET /api/v2/personFields)")
    assert other.error == ("crm_deals: utm_fields has unknown key(s) utm_term (keys: utm_source, utm_medium, "
                           "utm_campaign)")
    assert api.count() == 0
