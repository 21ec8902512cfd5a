"""leads and orders in API mode with crm = "salesforce": a local server playing Salesforce's OAuth token endpoint
and REST API (SOQL query with nextRecordsUrl, describe, the error list)."""
import datetime as dt
import re

import pytest

from roi.contracts.errors import ConfigError
from roi.pipeline.runs import run_window
from tests.fakeapi import Reply, assert_no_secret_anywhere, load_counts, query

CLIENT_ID = "3MVG9lKcPoNINVBI.connected-app-key"
CLIENT_SECRET = "E2F0A9C1B7D64C3A-client-5ecret"
REFRESH = "5Aep861TSESvWeug_refresh-token-9876"
RUN_DATE = dt.date(2026, 6, 7)          # window [2026-06-01, 2026-06-07] with lookback_days = 6 (Europe/Rome)
V = "62.0"
QUERY = f"/services/data/v{V}/query"
TOKEN = "/services/oauth2/token"
PAGE = 3                                # the fake's batch size (Salesforce's is 2,000)
LEAD_FIELDS = {"Id", "CreatedDate", "LastModifiedDate", "Status", "IsConverted", "ConvertedDate", "ConvertedAccountId",
               "Email", "LeadSource", "UTM_Source__c", "UTM_Medium__c", "UTM_Campaign__c", "Name"}
OPPORTUNITY_FIELDS = {"Id", "Name", "Amount", "CloseDate", "IsWon", "StageName", "AccountId", "LeadSource",
                      "UTM_Source__c", "UTM_Medium__c", "UTM_Campaign__c"}


def lead(n, created, status="Open - Not Contacted", converted=None, account=None, email=None, source=None,
         modified=None, utm=(None, None, None)):
    """A Lead as a SOQL query returns it: attributes first, datetimes as '…T08:00:00.000+0000', dates plain,
    IsConverted a JSON boolean (REST API Developer Guide, Query; simple-salesforce's recorded answers)."""
    id = f"00Q5g00000LdA{n:03d}"
    return {"attributes": {"type": "Lead", "url": f"/services/data/v{V}/sobjects/Lead/{id}"}, "Id": id,
            "Name": f"Lead {n}", "CreatedDate": created, "LastModifiedDate": modified or created, "Status": status,
            "IsConverted": converted is not None, "ConvertedDate": converted, "ConvertedAccountId": account,
            "Email": email, "LeadSource": source,
            "UTM_Source__c": utm[0], "UTM_Medium__c": utm[1], "UTM_Campaign__c": utm[2]}


def opportunity(n, closed, amount, currency="EUR", account=None, source=None, won=True, utm=(None, None, None)):
    id = f"0065g00000OpP{n:03d}"
    return {"attributes": {"type": "Opportunity", "url": f"/services/data/v{V}/sobjects/Opportunity/{id}"},
            "Id": id, "Name": f"Opportunity {n}", "Amount": amount, "CloseDate": closed, "IsWon": won,
            "StageName": "Closed Won" if won else "Closed Lost", "AccountId": account, "LeadSource": source,
            "CurrencyIsoCode": currency, "UTM_Source__c": utm[0], "UTM_Medium__c": utm[1], "UTM_Campaign__c": utm[2]}


LEADS = [
    lead(1, "2026-06-01T08:00:00.000+0000", "Closed - Converted", "2026-06-05", "0015g00000AcC001",
         "anna@example.it", "Web", utm=("google", "cpc", "estate_2026")),
    lead(2, "2026-06-01T22:30:00.000+0000", email="Marco@Example.IT", source="Partner Referral"),   # June 2 in Rome
    lead(3, "2026-06-02T10:00:00.000+0000", email="sara@example.it", source="Web"),
    lead(4, "2026-06-03T10:00:00.000+0000", "Closed - Not Converted", email="luca@example.it",
         modified="2026-06-06T15:00:00.000+0000", utm=("facebook", "paid_social", "retargeting")),
    lead(5, "2026-06-04T10:00:00.000+0000", email="gio@example.it", source="Trade Show"),
    lead(6, "2026-06-05T10:00:00.000+0000", email="elena@example.it", utm=("linkedin", "paid_social", "b2b")),
    lead(7, "2026-06-06T10:00:00.000+0000", "Working - Contacted", email="ugo@example.it",
         utm=("google", "cpc", "brand")),
    lead(8, "2026-06-07T22:30:00.000+0000", email="domani@example.it"),    # June 8 in Rome: after the window
    lead(9, "2026-05-30T10:00:00.000+0000", email="maggio@example.it"),    # before the days pulled
]
OPPORTUNITIES = [
    opportunity(1, "2026-06-02", 1500.5, account="0015g00000AcC001", source="Web", utm=("google", "cpc", "estate_2026")),
    opportunity(2, "2026-06-03", 2000, "USD", "0015g00000AcC002", "Partner Referral"),
    opportunity(3, "2026-06-04", None, account="0015g00000AcC003"),                       # no amount
    opportunity(4, "2026-06-07", 750, account="0015g00000AcC004", utm=("facebook", "paid_social", None)),
    opportunity(5, "2026-06-01", 300, account="0015g00000AcC005"),
    opportunity(6, "2026-06-08", 999, account="0015g00000AcC001"),                        # after the window
    opportunity(7, "2026-06-03", 5000, account="0015g00000AcC002", won=False),            # lost
]


class FakeSalesforce:
    """The refresh-token grant (its answer carries instance_url), SOQL over Lead, Opportunity and Organization
    with the WHERE clauses roi writes, batches chained by nextRecordsUrl, the Opportunity describe, and
    Salesforce's error list [{"message", "errorCode"}] for a bad session or a field that does not exist."""

    def __init__(self, api, multi_currency=True):
        self.api, self.multi_currency = api, multi_currency
        self.issued, self.valid, self.queries = 0, set(), []
        self.expire_on_locator = False       # end the session at the first nextRecordsUrl call
        self.refresh_revoked = False
        self.sessions_refused = False         # every access token refused (a user without API access)
        api.route("POST", TOKEN, self.token)
        api.route("GET", QUERY, self.query)
        api.route("GET", f"{QUERY}/(\\w+)-(\\d+)", self.more)
        api.route("GET", f"/services/data/v{V}/sobjects/Opportunity/describe", self.describe)

    def token(self, req, _match):
        form = req.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
                "refresh_token", CLIENT_ID, CLIENT_SECRET) or form.get("refresh_token") != REFRESH \
                or self.refresh_revoked:
            return Reply(400, {"error": "invalid_grant", "error_description": "expired access/refresh token"})
        self.issued += 1
        access = f"00D5g000004SxYz!AQ.session-{self.issued}"
        self.valid.add(access)
        return Reply(200, {"access_token": access, "signature": "nG0dYHbBYFiA+pbQ4ztl0gYIL4E=", "scope": "refresh_token api",
                           "instance_url": self.api.url, "id": "https://login.salesforce.com/id/00D5g000004SxYzEAK/"
                           "0055g00000AbCdEAAV", "token_type": "Bearer", "issued_at": "1780900000000"})

    def refused(self, req):
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid or self.sessions_refused:
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        return None

    def query(self, req, _match):
        if refused := self.refused(req):
            return refused
        soql = req.arg("q")
        self.queries.append(soql)
        found = re.fullmatch(r"SELECT (.+) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY [\w, ]+)?", soql)
        fields, sobject, where = found.group(1).split(", "), found.group(2), found.group(3)
        if sobject == "Organization":
            return Reply(200, {"totalSize": 1, "done": True, "records": [
                {"attributes": {"type": "Organization", "url": "/services/data/v62.0/sobjects/Organization/00D"},
                 "DefaultCurrencyIsoCode": "CHF"}]})
        known = {f.lower() for f in (LEAD_FIELDS if sobject == "Lead" else OPPORTUNITY_FIELDS)}
        if self.multi_currency and sobject == "Opportunity":
            known.add("currencyisocode")
        for field in fields:
            if field.lower() not in known:
                column = soql.index(field) + 1
                return Reply(400, [{"message": f"\n{soql}\n{' ' * column}^\nERROR at Row:1:Column:{column}\nNo such "
                                               f"column '{field}' on entity '{sobject}'. If you are attempting to use "
                                               "a custom field, be sure to append the '__c' after the custom field "
                                               "name. Please reference your WSDL or the describe call for the "
                                               "appropriate names.", "errorCode": "INVALID_FIELD"}])
        if sobject == "Lead":
            lo, hi = re.fullmatch(r"CreatedDate >= (\S+) AND CreatedDate < (\S+)", where).groups()
            hits = [r for r in LEADS if lo <= _iso(r["CreatedDate"]) < hi]
        else:
            lo, hi = re.fullmatch(r"IsWon = true AND CloseDate >= (\S+) AND CloseDate <= (\S+)", where).groups()
            hits = [r for r in OPPORTUNITIES if r["IsWon"] and lo <= r["CloseDate"] <= hi]
        names = {f.lower() for f in fields}
        self.results = [{"attributes": r["attributes"], **{k: v for k, v in r.items() if k.lower() in names}}
                        for r in hits]
        return self.batch(0)

    def more(self, req, match):
        if self.expire_on_locator:
            self.expire_on_locator = False
            self.valid.clear()
        return self.refused(req) or self.batch(int(match.group(2)))

    def batch(self, offset):
        chunk = self.results[offset:offset + PAGE]
        body = {"totalSize": len(self.results), "done": offset + PAGE >= len(self.results), "records": chunk}
        if not body["done"]:
            body["nextRecordsUrl"] = f"{QUERY}/0r8xx3d5LocAtQ-{offset + PAGE}"
        return Reply(200, body)

    def describe(self, req, _match):
        fields = sorted(OPPORTUNITY_FIELDS | ({"CurrencyIsoCode"} if self.multi_currency else set()))
        return self.refused(req) or Reply(200, {"name": "Opportunity", "label": "Opportunity", "custom": False,
                                                "fields": [{"name": f, "label": f, "custom": f.endswith("__c")}
                                                           for f in fields]})


def _iso(salesforce_datetime: str) -> str:
    """'2026-06-01T08:00:00.000+0000' as the UTC literal roi writes ('2026-06-01T08:00:00Z'), for comparing."""
    return salesforce_datetime[:19] + "Z"


FAKE = FakeSalesforce
WAREHOUSE = {"timezone": "Europe/Rome", "reporting_currency": "EUR"}
UTM = {"utm_source": "UTM_Source__c", "utm_medium": "UTM_Medium__c", "utm_campaign": "utm_campaign__c"}
SOURCES = [{"name": "crm_leads", "kind": "leads", "crm": "salesforce", "lookback_days": 6, "utm_fields": UTM,
            "token_url": "{api}" + TOKEN},
           {"name": "crm_deals", "kind": "orders", "crm": "salesforce", "lookback_days": 6, "utm_fields": UTM,
            "token_url": "{api}" + TOKEN}]
SECRETS = {"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET, "REFRESH_TOKEN": REFRESH}

D = dt.date
LEAD_ROWS = [  # lead_id (last digits), customer_id, created, customer, lost, utm_source, utm_medium, utm_campaign, channel
    ("001", "0015g00000AcC001", D(2026, 6, 1), D(2026, 6, 5), None, "google", "cpc", "estate_2026", "google_ads"),
    ("002", "marco@example.it", D(2026, 6, 2), None, None, None, None, None, "referral"),
    ("003", "sara@example.it", D(2026, 6, 2), None, None, None, None, None, "direct"),
    ("004", "luca@example.it", D(2026, 6, 3), None, D(2026, 6, 6), "facebook", "paid_social", "retargeting", "meta_ads"),
    ("005", "gio@example.it", D(2026, 6, 4), None, None, None, None, None, "other"),
    ("006", "elena@example.it", D(2026, 6, 5), None, None, "linkedin", "paid_social", "b2b", "linkedin_ads"),
    ("007", "ugo@example.it", D(2026, 6, 6), None, None, "google", "cpc", "brand", "google_ads"),
]


def test_leads_paged_by_next_records_url_through_an_expired_session(make_settings, server, api, waits):
    server.expire_on_locator = True
    settings = make_settings()
    record = run_window(settings, settings.source("crm_leads"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT right(lead_id, 3), customer_id, created_date, customer_date, lost_date, utm_source, "
                           "utm_medium, utm_campaign, channel FROM core.leads ORDER BY lead_id") == LEAD_ROWS
    assert query(settings, "SELECT channel, count(*) FROM core.leads GROUP BY 1 ORDER BY 1") == [
        ("direct", 1), ("google_ads", 2), ("linkedin_ads", 1), ("meta_ads", 1), ("other", 1), ("referral", 1)]
    assert load_counts(settings) == [(7, 7, 0, 0)]        # lead 8 was pulled but is June 8 in Rome
    assert server.queries == [
        "SELECT Id, CreatedDate, LastModifiedDate, Status, IsConverted, ConvertedDate, ConvertedAccountId, Email, "
        "LeadSource, UTM_Source__c, UTM_Medium__c, utm_campaign__c FROM Lead WHERE CreatedDate >= "
        "2026-05-31T00:00:00Z AND CreatedDate < 2026-06-09T00:00:00Z ORDER BY CreatedDate, Id"]
    # 8 leads in 3 batches; the session ended at the first nextRecordsUrl: one refresh, then the batch again.
    assert (api.count("GET", f"{QUERY}/.*"), server.issued, api.count("POST", TOKEN)) == (3, 2, 2)
    assert_no_secret_anywhere(settings, record, CLIENT_SECRET, REFRESH, *server.valid)


ORDER_ROWS = [  # order_id (last digits), customer_id, order_date, amount, currency, utm_source, channel
    ("001", "0015g00000AcC001", D(2026, 6, 2), 1500.5, "EUR", "google", "google_ads"),
    ("002", "0015g00000AcC002", D(2026, 6, 3), 2000.0, "USD", None, "referral"),
    ("004", "0015g00000AcC004", D(2026, 6, 7), 750.0, "EUR", "facebook", "meta_ads"),
    ("005", "0015g00000AcC005", D(2026, 6, 1), 300.0, "EUR", None, "direct"),
]


def test_won_opportunities_in_a_multi_currency_org(make_settings, server, api, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("crm_deals"), RUN_DATE)

    assert record.status == "succeeded", record.error
    assert query(settings, "SELECT right(order_id, 3), customer_id, order_date, amount::DOUBLE, currency, utm_source, "
                           "channel FROM core.orders ORDER BY order_id") == ORDER_ROWS
    # Won revenue per channel in each opportunity's currency.
    assert query(settings, "SELECT channel, currency, sum(amount)::DOUBLE FROM core.orders GROUP BY 1, 2 "
                           "ORDER BY 1") == [("direct", "EUR", 300.0), ("google_ads", "EUR", 1500.5),
                                             ("meta_ads", "EUR", 750.0), ("referral", "USD", 2000.0)]
    assert load_counts(settings) == [(5, 4, 0, 1)]
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [("amount: missing",)]
    assert server.queries == [
        "SELECT Id, Name, Amount, CloseDate, IsWon, StageName, AccountId, LeadSource, CurrencyIsoCode, UTM_Source__c, "
        "UTM_Medium__c, utm_campaign__c FROM Opportunity WHERE IsWon = true AND CloseDate >= 2026-06-01 AND "
        "CloseDate <= 2026-06-07 ORDER BY CloseDate, Id"]
    assert api.count("GET", f"{QUERY}/.*") == 1          # 5 opportunities: 2 batches of 3


def test_a_single_currency_org_uses_its_default_currency_or_the_sources(make_settings, api, waits):
    FakeSalesforce(api, multi_currency=False)
    settings = make_settings()
    org = run_window(settings, settings.source("crm_deals"), RUN_DATE)
    org_revenue = query(settings, "SELECT currency, sum(amount)::DOUBLE FROM core.orders GROUP BY 1")
    organization_queries = api.count("GET", QUERY)
    own = make_settings(currency="GBP")
    configured = run_window(own, own.source("crm_deals"), RUN_DATE)

    assert org.status == configured.status == "succeeded", (org.error, configured.error)
    assert org_revenue == [("CHF", 4550.5)]              # 1500.50 + 2000 + 750 + 300 in the org's currency
    assert query(own, "SELECT currency, sum(amount)::DOUBLE FROM core.orders GROUP BY 1") == [("GBP", 4550.5)]
    assert organization_queries == 2                      # the opportunities, then SELECT DefaultCurrencyIsoCode
    assert api.count("GET", QUERY) == 3                   # with currency set: the opportunities only


def test_salesforce_refusals_speak_in_one_line(make_settings, server, api, waits):
    settings = make_settings()
    leads = settings.source("crm_leads")
    server.sessions_refused = True
    refused = run_window(settings, leads, RUN_DATE)
    refreshes = server.issued
    server.sessions_refused, server.refresh_revoked = False, True
    revoked = run_window(settings, leads, RUN_DATE)
    server.refresh_revoked = False
    api.fail_next("GET", QUERY, Reply(403, [{"message": "TotalRequests Limit exceeded.",
                                            "errorCode": "REQUEST_LIMIT_EXCEEDED"}]))
    limited = run_window(settings, leads, RUN_DATE)
    misnamed = make_settings(utm_fields={"utm_source": "UTM_Src__c"})
    invalid = run_window(misnamed, misnamed.source("crm_leads"), RUN_DATE)
    injected = make_settings(utm_fields={"utm_source": "Id FROM User --"})
    calls = api.count()
    bad_option = run_window(injected, injected.source("crm_deals"), RUN_DATE)

    names = "ROI_CRM_LEADS__CLIENT_ID, ROI_CRM_LEADS__CLIENT_SECRET and ROI_CRM_LEADS__REFRESH_TOKEN"
    assert refused.error == f"crm_leads: the API refused the credentials (HTTP 401) — check {names}"
    assert refreshes == 2                                  # INVALID_SESSION_ID: one new token, then no more
    assert revoked.error == (f"crm_leads: the OAuth refresh was refused (HTTP 400: invalid_grant) — check {names} "
                             "(and token_url: a sandbox signs in at https://test.salesforce.com/services/oauth2/token)")
    assert limited.error == ("crm_leads: Salesforce's API request limit for this org is used up "
                             "(REQUEST_LIMIT_EXCEEDED) — the run will pull this window again when the rolling 24-hour "
                             "allowance frees up (Setup › System Overview)")
    assert invalid.error == ("crm_leads: Salesforce Lead has no field 'UTM_Src__c' (INVALID_FIELD) — fix utm_fields "
                             "in roi.toml: each must be a Salesforce field API name like UTM_Source__c (Setup › Object "
                             "Manager › Lead › Fields)")
    assert bad_option.error.startswith("crm_deals: utm_fields utm_source: 'Id FROM User --' is not a Salesforce field")
    assert api.count() == calls                            # refused before any call
    for record in (refused, revoked, limited, invalid):
        assert CLIENT_SECRET not in record.error and REFRESH not in record.error
    with pytest.raises(ConfigError, match=re.escape("source 'crm_leads' needs the secret ROI_CRM_LEADS__REFRESH_TOKEN")):
        make_settings(secrets={"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET})
