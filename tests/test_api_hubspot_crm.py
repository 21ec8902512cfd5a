"""leads and orders in API mode: a local server playing HubSpot's CRM (search, associations, batch read)."""
import datetime as dt
import re

import pytest

import roi.sources.hubspot
from roi.pipeline.runs import run_window
from roi.pipeline.config import load_settings
from tests.fakeapi import FakeApi, Reply, query

TOKEN = "pat-na1-crm-5ecret-1234"
RUN_DATE = dt.date(2026, 6, 7)          # window [2026-06-01, 2026-06-07] with lookback_days = 6
V = "2026-03"
CONTACTS = f"/crm/objects/{V}/contacts/search"
DEALS = f"/crm/objects/{V}/deals/search"
CONTACTS_READ = f"/crm/objects/{V}/contacts/batch/read"
DEAL_CONTACTS = f"/crm/associations/{V}/deals/contacts/batch/read"
CAP = 5                                 # the fake's (and the client's) 10,000-results cap, scaled down


def ms(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def contact(id, created, **props):
    return {"id": id, "createdAt": created, "updatedAt": "2026-06-08T09:00:00.000Z", "archived": False,
            "properties": {"createdate": created, "hs_object_id": id, "lastmodifieddate": "2026-06-08T09:00:00.000Z",
                           **props}}


def deal(id, closed, stage="closedwon", **props):
    return {"id": id, "createdAt": "2026-05-01T09:00:00.000Z", "updatedAt": "2026-06-08T09:00:00.000Z",
            "archived": False, "properties": {"closedate": closed, "dealstage": stage, "hs_object_id": id,
                                              "createdate": "2026-05-01T09:00:00.000Z", **props}}


CONTACT_RECORDS = [
    contact("201", "2026-06-01T08:00:00.000Z", email=" Anna.Rossi@Example.IT ", utm_source="google",
            utm_medium="cpc", utm_campaign="estate_2026", hs_analytics_source="PAID_SEARCH",
            hs_analytics_source_data_1="google", lifecyclestage="customer",
            hs_lifecyclestage_marketingqualifiedlead_date="2026-06-02T09:00:00.000Z",
            hs_lifecyclestage_salesqualifiedlead_date="2026-06-03T09:00:00.000Z",
            hs_lifecyclestage_customer_date="2026-06-05T16:00:00.000Z"),
    contact("202", "2026-06-01T23:30:00.000Z", email="marco@example.it", hs_analytics_source="PAID_SEARCH",
            hs_analytics_source_data_1="bing"),                       # June 2 in Rome
    contact("203", "2026-06-02T10:00:00.000Z", hs_analytics_source="ORGANIC_SEARCH"),      # no e-mail
    contact("204", "2026-06-03T10:00:00.000Z", email="sara@example.it",
            hs_analytics_first_url="https://shop.example.it/saldi?utm_source=newsletter&utm_medium=email"
                                   "&utm_campaign=giugno%202026", hs_analytics_source="EMAIL_MARKETING"),
    contact("205", "2026-06-04T10:00:00.000Z", email="luca@example.it", hs_analytics_source="PAID_SOCIAL",
            hs_analytics_source_data_1="Facebook",
            hs_v2_date_entered_marketingqualifiedlead="2026-06-06T10:00:00.000Z"),
    contact("206", "2026-06-05T10:00:00.000Z", email="gio@example.it", hs_analytics_source="DIRECT_TRAFFIC"),
    contact("207", "2026-06-06T10:00:00.000Z", email="elena@example.it", hs_analytics_source="OFFLINE",
            hs_analytics_source_data_1="IMPORT"),
    contact("208", "2026-06-07T21:59:59.000Z", email="ultimo@example.it", hs_analytics_source="REFERRALS"),
    contact("209", "2026-06-07T22:30:00.000Z", email="domani@example.it"),   # June 8 in Rome: after the window
    contact("210", "2026-05-20T10:00:00.000Z", email="maggio@example.it"),   # before the window
    # Contacts linked to deals only (created long ago).
    contact("301", "2025-01-10T10:00:00.000Z", email="Buyer.One@Example.com", hs_analytics_source="PAID_SOCIAL",
            hs_analytics_source_data_1="LinkedIn"),
    contact("302", "2025-02-10T10:00:00.000Z", email="first@example.com"),
    contact("303", "2025-03-10T10:00:00.000Z", email="second@example.com"),
    contact("304", "2025-04-10T10:00:00.000Z", hs_analytics_source="ORGANIC_SEARCH"),
]
DEAL_RECORDS = [
    deal("901", "2026-06-02T10:00:00.000Z", amount="1500.50", deal_currency_code="EUR", utm_source="google",
         utm_medium="cpc", utm_campaign="brand"),
    deal("902", "2026-06-03T10:00:00.000Z", amount="2000", deal_currency_code="USD",
         hs_analytics_source="PAID_SOCIAL", hs_analytics_source_data_1="Facebook"),
    deal("903", "2026-06-04T10:00:00.000Z", amount="", deal_currency_code="EUR"),               # no amount
    # No deal_currency_code: the account's company currency (CHF).
    deal("904", "2026-06-05T10:00:00.000Z", amount="750"),                                     # contact's source
    deal("905", "2026-06-06T10:00:00.000Z", amount="99.90", hs_analytics_source="DIRECT_TRAFFIC"),  # no contact
    deal("906", "2026-06-04T10:00:00.000Z", stage="closedlost", amount="5000"),               # lost: not pulled
    deal("907", "2026-06-06T12:00:00.000Z", stage="987654", amount="300", deal_currency_code="GBP",
         hs_analytics_source="ORGANIC_SEARCH"),                                                # a second pipeline
    deal("908", "2026-05-15T10:00:00.000Z", amount="400"),                                     # before the window
]
DEAL_LINKS = {"901": ["301"], "902": ["303", "302"], "903": ["301"], "904": ["304"], "907": ["302"]}


class FakeCrm:
    """HubSpot CRM search (filters, sorts, `after` offsets, the results cap), batch read, associations."""

    def __init__(self, api: FakeApi, page: int = 3, version: str = V):
        self.page = page
        self.searches: list[dict] = []
        base = f"/crm/v3/objects" if version == "v3" else f"/crm/objects/{version}"
        links = "/crm/v4/associations" if version == "v3" else f"/crm/associations/{version}"
        api.route("POST", f"{base}/(contacts|deals)/search", self.search)
        api.route("POST", f"{base}/contacts/batch/read", self.read)
        api.route("POST", f"{links}/deals/contacts/batch/read", self.associations)
        info = "/account-info/v3/details" if version == "v3" else f"/account-info/{version}/details"
        api.route("GET", info, self.account)

    def account(self, req, _match):
        return self.refused(req) or Reply(200, {
            "portalId": 4711, "accountType": "STANDARD", "timeZone": "Europe/Zurich", "companyCurrency": "CHF",
            "additionalCurrencies": ["EUR", "USD", "GBP"], "utcOffset": "+01:00", "utcOffsetMilliseconds": 3600000,
            "uiDomain": "app-eu1.hubspot.com", "dataHostingLocation": "eu1"})

    @staticmethod
    def refused(req):
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"status": "error", "message": "Authentication credentials not found.",
                               "category": "INVALID_AUTHENTICATION"})
        return None

    def search(self, req, match):
        if refused := self.refused(req):
            return refused
        body = req.json()
        self.searches.append(body)
        records = CONTACT_RECORDS if match.group(1) == "contacts" else DEAL_RECORDS
        hits = [r for r in records if all(self.matches(r, f) for g in body["filterGroups"] for f in g["filters"])]
        sort = body["sorts"][0]["propertyName"]
        hits.sort(key=lambda r: (r["properties"][sort], int(r["id"])))
        after = int(body.get("after", 0))
        if after >= CAP:
            return Reply(400, {"status": "error", "category": "VALIDATION_ERROR",
                               "message": "There was a problem with the request.",
                               "errors": [{"message": f"after must be below {CAP}"}]})
        chunk = hits[after:after + min(self.page, body["limit"], CAP - after)]
        wanted = set(body["properties"]) | {"createdate", "hs_object_id", "lastmodifieddate"}
        out = {"total": len(hits), "results": [
            {**r, "properties": {k: v for k, v in r["properties"].items() if k in wanted}} for r in chunk]}
        if after + len(chunk) < len(hits):
            out["paging"] = {"next": {"after": str(after + len(chunk)), "link": "?after="}}
        return Reply(200, out)

    @staticmethod
    def matches(record, f):
        value = record["properties"].get(f["propertyName"])
        if f["operator"] == "IN":
            return value in f["values"]
        if value is None:
            return False
        stamp = ms(value)
        return stamp >= int(f["value"]) if f["operator"] == "GTE" else stamp < int(f["value"])

    def read(self, req, _match):
        if refused := self.refused(req):
            return refused
        body = req.json()
        by_id = {c["id"]: c for c in CONTACT_RECORDS}
        assert len(body["inputs"]) <= 100
        results = [{**by_id[i["id"]], "properties": {k: v for k, v in by_id[i["id"]]["properties"].items()
                                                     if k in body["properties"] or k == "hs_object_id"}}
                   for i in body["inputs"] if i["id"] in by_id]
        return Reply(200, {"status": "COMPLETE", "results": results, "startedAt": "2026-06-08T04:00:00Z",
                           "completedAt": "2026-06-08T04:00:01Z"})

    def associations(self, req, _match):
        if refused := self.refused(req):
            return refused
        ids = [i["id"] for i in req.json()["inputs"]]
        results = [{"from": {"id": i}, "to": [{"toObjectId": int(c), "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}]} for c in DEAL_LINKS[i]]}
            for i in ids if i in DEAL_LINKS]
        errors = [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": f"No deal to contact associations "
                   f"found for {i}", "context": {"fromObjectId": [i]}} for i in ids if i not in DEAL_LINKS]
        body = {"status": "COMPLETE", "results": results, "startedAt": "2026-06-08T04:00:00Z",
                "completedAt": "2026-06-08T04:00:01Z"}
        if errors:
            body |= {"numErrors": len(errors), "errors": errors}
        return Reply(207 if errors else 200, body)


@pytest.fixture(autouse=True)
def search_cap(monkeypatch):
    """The client's search cap scaled down to the fake's."""
    monkeypatch.setattr(roi.sources.hubspot, "SEARCH_CAP", CAP)


# What conftest.py's `make_settings` fixture writes for these tests (each test starts its own FakeCrm)
WAREHOUSE = {"timezone": "Europe/Rome", "reporting_currency": "EUR"}
SOURCES = [{"name": "crm_leads", "kind": "leads", "lookback_days": 6},
           {"name": "crm_deals", "kind": "orders", "crm": "hubspot", "lookback_days": 6,
            "won_stages": ["closedwon", "987654"]}]
SECRETS = {"ACCESS_TOKEN": TOKEN}


D = dt.date
LEADS = [  # lead_id, customer_id, created, mql, sql, customer, utm_source, utm_medium, utm_campaign, channel
    ("201", "anna.rossi@example.it", D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 3), D(2026, 6, 5),
     "google", "cpc", "estate_2026", "google_ads"),
    ("202", "marco@example.it", D(2026, 6, 2), None, None, None, None, None, None, "microsoft_ads"),
    ("203", "203", D(2026, 6, 2), None, None, None, None, None, None, "organic_search"),
    ("204", "sara@example.it", D(2026, 6, 3), None, None, None, "newsletter", "email", "giugno 2026", "email"),
    ("205", "luca@example.it", D(2026, 6, 4), D(2026, 6, 6), None, None, None, None, None, "meta_ads"),
    ("206", "gio@example.it", D(2026, 6, 5), None, None, None, None, None, None, "direct"),
    ("207", "elena@example.it", D(2026, 6, 6), None, None, None, None, None, None, "other"),
    ("208", "ultimo@example.it", D(2026, 6, 7), None, None, None, None, None, None, "referral"),
]


def test_contacts_split_past_the_search_cap_paged_throttled_and_placed_in_local_days(make_settings, api, waits):
    fake = FakeCrm(api)
    api.fail_next("POST", CONTACTS,
                  Reply(429, {"status": "error", "message": "You have reached your secondly limit.",
                              "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}),
                  Reply(502, "<html>Bad gateway</html>"))
    settings = make_settings()
    record = run_window(settings, settings.source("crm_leads"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT lead_id, customer_id, created_date, mql_date, sql_date, customer_date, "
                           "utm_source, utm_medium, utm_campaign, channel FROM core.leads ORDER BY lead_id") == LEADS
    # 10 contacts in [May 31, June 9) UTC exceed the cap of 5: the range is split in halves until each
    # fits, every part paged 3 at a time; 209 (June 8 in Rome) was pulled but is outside the window.
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (8, 8, 0)
    first = fake.searches[0]
    assert first["filterGroups"] == [{"filters": [
        {"propertyName": "createdate", "operator": "GTE", "value": str(ms("2026-05-31T00:00:00Z"))},
        {"propertyName": "createdate", "operator": "LT", "value": str(ms("2026-06-09T00:00:00Z"))}]}]
    assert first["sorts"] == [{"propertyName": "createdate", "direction": "ASCENDING"}] and first["limit"] == 200
    assert {"email", "hs_analytics_source", "utm_source", "hs_lifecyclestage_customer_date",
            "hs_v2_date_entered_customer"} <= set(first["properties"])
    assert all(int(s.get("after", 0)) < CAP for s in fake.searches)
    # The 429 (no Retry-After, SECONDLY policy) waits 1 s; the 502 backs off; the rest is search pacing.
    assert waits[0] == 1.0 and 1.0 <= waits[1] <= 2.0 and all(w <= 0.25 for w in waits[2:])
    raw = (settings.raw_dir / "crm_leads" / "2026-06-01_2026-06-07.parquet").read_bytes()
    assert TOKEN.encode() not in raw and TOKEN.encode() not in settings.warehouse_path.read_bytes()


ORDERS = [  # order_id, customer_id, order_date, amount, currency, utm_source, utm_medium, channel
    ("901", "buyer.one@example.com", D(2026, 6, 2), 1500.50, "EUR", "google", "cpc", "google_ads"),
    ("902", "first@example.com", D(2026, 6, 3), 2000.0, "USD", None, None, "meta_ads"),
    ("904", "304", D(2026, 6, 5), 750.0, "CHF", None, None, "organic_search"),
    ("905", None, D(2026, 6, 6), 99.90, "CHF", None, None, "direct"),
    ("907", "first@example.com", D(2026, 6, 6), 300.0, "GBP", None, None, "organic_search"),
]


def test_won_deals_with_their_earliest_contact(make_settings, api, waits):
    fake = FakeCrm(api)
    settings = make_settings()
    record = run_window(settings, settings.source("crm_deals"), RUN_DATE)
    calls = (api.count("POST", DEAL_CONTACTS), api.count("POST", CONTACTS_READ))

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT order_id, customer_id, order_date, amount::DOUBLE, currency, utm_source, "
                           "utm_medium, channel FROM core.orders ORDER BY order_id") == ORDERS
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (6, 5, 1)
    assert query(settings, "SELECT row_number, reasons FROM ops.quarantine") == [(3, "amount: missing")]
    assert fake.searches[0]["filterGroups"][0]["filters"][2] == {
        "propertyName": "dealstage", "operator": "IN", "values": ["closedwon", "987654"]}
    assert calls == (1, 1)                 # one batch each for 6 deals and their 4 contacts
    # Amounts stay in their currencies: 750 + 99.90 CHF (the account's, for deals without one).
    assert query(settings, "SELECT currency, sum(amount)::DOUBLE FROM core.orders GROUP BY 1 ORDER BY 1") == [
        ("CHF", 849.90), ("EUR", 1500.50), ("GBP", 300.0), ("USD", 2000.0)]


def test_orders_failures_keep_the_last_load_and_speak_in_one_line(make_settings, api, monkeypatch, waits):
    FakeCrm(api)
    FakeCrm(api, version="v3")
    settings = make_settings()
    deals = settings.source("crm_deals")
    assert run_window(settings, deals, RUN_DATE).status == "succeeded"

    api.fail_next("POST", DEAL_CONTACTS, *[Reply(503, {"status": "error", "message": "unavailable"})] * 6)
    down = run_window(settings, deals, RUN_DATE)
    monkeypatch.setenv("ROI_CRM_DEALS__ACCESS_TOKEN", "pat-na1-expired-9999")
    refused = run_window(load_settings(settings.config_path), deals, RUN_DATE)
    monkeypatch.setenv("ROI_CRM_DEALS__ACCESS_TOKEN", TOKEN)

    legacy = make_settings(api_version="v3")
    old = run_window(legacy, legacy.source("crm_deals"), RUN_DATE)
    retired = make_settings(api_version="2025-09")
    gone = run_window(retired, retired.source("crm_deals"), RUN_DATE)
    other = make_settings().source("crm_leads")
    other = type(other)(**{**other.__dict__, "options": {"crm": "zoho"}})
    zoho = run_window(settings, other, RUN_DATE)

    assert down.status == "failed" and down.error == (
        f"crm_deals: {api.url}{DEAL_CONTACTS} still throttled or failing after 6 tries (HTTP 503) — the run "
        "will retry it next time")
    assert refused.error == ("crm_deals: the API refused the credentials (HTTP 401: Authentication credentials not "
                             "found.) — check ROI_CRM_DEALS__ACCESS_TOKEN")
    assert old.status == "succeeded", old.error
    assert gone.status == "failed" and re.match(
        r"crm_deals: HubSpot answered HTTP 404 for .*/crm/objects/2025-09/deals/search — API version '2025-09' "
        r"may be retired: set api_version", gone.error)
    assert zoho.error == ("crm_leads: crm = \"zoho\" has no API client — use crm = \"hubspot\", \"pipedrive\" or "
                          "\"salesforce\", or mode = \"files\" with that CRM's exports")
    # The first load stands: 1500.50 + 2000 + 750 + 99.90 + 300 (in their currencies).
    assert query(settings, "SELECT count(*), sum(amount)::DOUBLE FROM core.orders") == [(5, 4650.40)]
    assert all(TOKEN not in (r.error or "") for r in (down, refused, gone))


def test_custom_utm_properties_feed_the_channel_rules():
    import polars as pl

    from roi.transforms import leads, orders
    from roi.transforms.channels import BUILTIN_CHANNELS
    from roi.transforms.context import SourceContext
    options = {"utm_properties": {"utm_source": "fonte_utm", "utm_medium": "mezzo_utm"}}
    records = pl.DataFrame({"_row": [1], "id": ["7"], "createdate": ["2026-06-01T10:00:00Z"], "closedate": [
        "2026-06-01T10:00:00Z"], "amount": ["10"], "fonte_utm": ["linkedin"], "mezzo_utm": ["paid_social"],
        "utm_campaign": ["b2b"], "hs_analytics_source": ["ORGANIC_SEARCH"]})
    for module, kind in ((leads, "leads"), (orders, "orders")):
        ctx = SourceContext(source="crm", kind=kind, channels=BUILTIN_CHANNELS, options=options)
        row = module.normalise_api(records, ctx).frame.row(0, named=True)
        assert (row["utm_source"], row["utm_medium"], row["utm_campaign"], row["channel"], row["_errors"]) == (
            "linkedin", "paid_social", "b2b", "linkedin_ads", [])


def test_bad_options_fail_before_any_call(waits):
    import requests

    from roi.contracts.settings import SourceConfig
    from roi.sources import leads, orders
    from roi.sources.http import ApiError
    window = (dt.date(2026, 6, 1), dt.date(2026, 6, 7))
    cases = [(leads, {"utm_properties": {"utm_src": "x"}}, "utm_properties has unknown key(s) utm_src"),
             (orders, {"won_stages": []}, "won_stages must be a list of HubSpot deal stage ids"),
             (leads, {}, "api_version 'v1' is not a HubSpot API version")]
    with requests.Session() as session:
        for module, options, message in cases:
            source = SourceConfig(name="crm", kind=module.__name__.split(".")[-1], mode="api",
                                  base_url="http://127.0.0.1:9", options=options,
                                  api_version="v1" if not options else None)
            with pytest.raises(ApiError, match=re.escape(message)):
                module.fetch(session, source, window, lambda key: TOKEN)
