"""GA4 through the Data API v1beta and the real load, against a local server playing analyticsdata.googleapis.com:
POST properties/{id}:runReport with limit + offset paging (rowCount), no "rows" in an empty answer, metadata's
currencyCode and timeZone, propertyQuota, Google's {"error": {code, message, status}} bodies (429
RESOURCE_EXHAUSTED, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT) and the OAuth refresh at oauth2.googleapis.com.
The answer's shape follows the RunReportResponse reference (developers.google.com/analytics/devguides/reporting/
data/v1/rest/v1beta/RunReportResponse): dimensionHeaders / metricHeaders, rows[].dimensionValues[].value and
rows[].metricValues[].value, every value a string, dates as YYYYMMDD."""
import datetime as dt
import logging
from decimal import Decimal

import polars as pl
import pytest

import roi.sources.ga4 as ga4
from roi.pipeline.runs import run_window
from roi.transforms.context import SourceContext
from roi.transforms.ga4 import normalise_api
from tests.fakeapi import Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 10, 3)          # lookback 2 -> window 1 .. 3 October 2026
SHOP, US_SHOP, UNSHARED = "250000001", "250000002", "250000999"
TOKEN = "ya29.AccessToken0a0b0c"
CLIENT_ID, CLIENT_SECRET, REFRESH = "4711-abc.apps.googleusercontent.com", "GOCSPX-secret9f8e", "1//RefreshTok1a2b"
FRESH = "ya29.FreshToken4d5e6f"

DIMENSIONS = ["date", "sessionDefaultChannelGroup", "sessionSource", "sessionMedium", "sessionCampaignName"]
METRICS = ["sessions", "engagedSessions", "newUsers", "keyEvents", "purchaseRevenue", "keyEvents:purchase",
           "conversions", "totalRevenue"]
# property -> rows: the DIMENSIONS, then sessions, engagedSessions, newUsers, keyEvents, purchaseRevenue,
# keyEvents:purchase (conversions and totalRevenue repeat keyEvents and purchaseRevenue)
ROWS = {
    SHOP: [("20260930", "Direct", "(direct)", "(none)", "(direct)", 99, 9, 9, 9, "9", 9),      # outside the window
           ("20261001", "Paid Search", "google", "cpc", "autunno_2026", 1204, 800, 610, 25, "2450.5", 20),
           ("20261001", "Direct", "(direct)", "(none)", "(direct)", 530, 260, 300, 8, "640", 6),
           ("20261002", "Organic Search", "google", "organic", "(organic)", 702, 450, 380, 12.5, "1100.25", 10),
           ("20261003", "Email", "newsletter", "email", "ottobre", 120, 90, 20, 4, "560", 4),
           ("20261003", "Unassigned", "(not set)", "(not set)", "(not set)", 15, 0, 10, 0, "0", 0)],
    US_SHOP: [("20261002", "Paid Social", "facebook", "cpc", "fall_us", 300, 120, 200, 3, "210", 2),
              ("20261002", "Paid Search", "google", "cpc", "brand_us", 400, 300, 150, 6, "900", 5)],
}
META = {SHOP: {"currencyCode": "EUR", "timeZone": "Europe/Rome"},
        US_SHOP: {"currencyCode": "USD", "timeZone": "America/New_York"}}


def google_error(code: int, status: str, message: str) -> Reply:
    return Reply(code, {"error": {"code": code, "message": message, "status": status}})


class Analytics:
    def __init__(self, api):
        self.api = api
        self.tokens = {TOKEN}
        self.refreshes = 0
        self.requests: list[tuple[str, dict]] = []
        self.quota = 25_000
        api.route("POST", r"/token", self.token)
        api.route("POST", r"/v1beta/properties/(\d+):runReport", self.run_report)

    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("refresh_token")) \
                != ("refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH):
            return Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        self.refreshes += 1
        self.tokens = {FRESH}
        return Reply(200, {"access_token": FRESH, "expires_in": 3599, "token_type": "Bearer",
                           "scope": "https://www.googleapis.com/auth/analytics.readonly"})

    def run_report(self, req, m):
        if req.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected "
                                "OAuth 2 access token, login cookie or other valid authentication credential.")
        if m[1] not in ROWS:
            return google_error(403, "PERMISSION_DENIED", "User does not have sufficient permissions for this "
                                "property. To learn more about Property ID, see https://developers.google.com/"
                                "analytics/devguides/reporting/data/v1/property-id.")
        body = req.json()
        self.requests.append((m[1], body))
        metrics = [x["name"] for x in body["metrics"]]
        unknown = [x for x in metrics if x not in METRICS]
        if unknown:
            return google_error(400, "INVALID_ARGUMENT", f"Field {unknown[0]} is not a valid metric. For a list of "
                                "valid dimensions and metrics, see https://developers.google.com/analytics/"
                                "devguides/reporting/data/v1/api-schema")
        assert [x["name"] for x in body["dimensions"]] == DIMENSIONS and body["returnPropertyQuota"] is True
        assert 0 < body["limit"] <= 250_000
        (span,) = body["dateRanges"]
        start, end = (span[k].replace("-", "") for k in ("startDate", "endDate"))
        found = [r for r in ROWS[m[1]] if start <= r[0] <= end]
        page = found[int(body.get("offset") or 0):][:body["limit"]]
        self.quota -= 10
        answer = {"dimensionHeaders": [{"name": d} for d in DIMENSIONS],
                  "metricHeaders": [{"name": x, "type": "TYPE_CURRENCY" if "Revenue" in x else "TYPE_INTEGER"}
                                    for x in metrics],
                  "metadata": META[m[1]], "kind": "analyticsData#runReport",
                  "propertyQuota": {"tokensPerDay": {"consumed": 10, "remaining": self.quota},
                                    "tokensPerHour": {"consumed": 10, "remaining": 4_000},
                                    "concurrentRequests": {"consumed": 0, "remaining": 10}}}
        if found:                            # an empty report has neither rows nor rowCount
            answer["rows"] = [{"dimensionValues": [{"value": v} for v in r[:5]],
                               "metricValues": [{"value": str(self.metric(r, x))} for x in metrics]} for r in page]
            answer["rowCount"] = len(found)
        return Reply(200, answer)

    @staticmethod
    def metric(row: tuple, name: str):
        values = dict(zip(["sessions", "engagedSessions", "newUsers", "keyEvents", "purchaseRevenue",
                           "keyEvents:purchase"], row[5:]))
        return values[{"conversions": "keyEvents", "totalRevenue": "purchaseRevenue"}.get(name, name)]


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(ga4, "PAGE_SIZE", 3)      # the shop's 5 rows of the window come in two pages


FAKE = Analytics
SOURCES = [{"name": "web", "kind": "ga4", "account_ids": [SHOP, f"properties/{US_SHOP}"], "token_url": "{api}/token",
            "lookback_days": 2}]
SECRETS = {"ACCESS_TOKEN": TOKEN}
BY_CHANNEL = "SELECT channel, currency, sum(sessions), sum(key_events), sum(revenue) FROM core.web_sessions " \
             "GROUP BY ALL ORDER BY ALL"
# direct: 530 + 15 sessions (the "(not set)" row has no source or medium), 8 + 0 key events, 640 + 0;
# google_ads: the shop's 1204 / 25 / 2450.50 EUR and the US shop's 400 / 6 / 900 USD; facebook / cpc: meta_ads
EXPECTED = [("direct", "EUR", 545, 8.0, Decimal("640.000000")),
            ("email", "EUR", 120, 4.0, Decimal("560.000000")),
            ("google_ads", "EUR", 1204, 25.0, Decimal("2450.500000")),
            ("google_ads", "USD", 400, 6.0, Decimal("900.000000")),
            ("meta_ads", "USD", 300, 3.0, Decimal("210.000000")),
            ("organic_search", "EUR", 702, 12.5, Decimal("1100.250000"))]


def test_two_properties_paged_through_the_real_load(make_settings, server, waits, caplog):
    settings = make_settings()
    with caplog.at_level(logging.INFO, logger="roi"):
        record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert [(p, b["offset"], b["limit"]) for p, b in server.requests] == [(SHOP, 0, 3), (SHOP, 3, 3), (US_SHOP, 0, 3)]
    first = server.requests[0][1]
    assert first["dateRanges"] == [{"startDate": "2026-10-01", "endDate": "2026-10-03"}]
    assert [x["name"] for x in first["metrics"]] == ["sessions", "engagedSessions", "newUsers", "keyEvents",
                                                     "purchaseRevenue"]
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (7, 7, 0, 0)
    assert query(settings, BY_CHANNEL) == EXPECTED
    assert query(settings, "SELECT property_id, date, channel_group, utm_source, utm_medium, utm_campaign, "
                           "engaged_sessions, new_users, platform FROM core.web_sessions "
                           "WHERE channel = 'direct' ORDER BY date") == [
        (SHOP, D(2026, 10, 1), "Direct", "(direct)", "(none)", "(direct)", 260, 300, "ga4"),
        (SHOP, D(2026, 10, 3), "Unassigned", "(not set)", "(not set)", "(not set)", 0, 10, "ga4")]
    # 1204 + 530 + 702 + 120 + 15 + 300 + 400 sessions in all
    assert query(settings, "SELECT sum(sessions), count(DISTINCT property_id) FROM core.web_sessions") == [(3271, 2)]
    assert "property 250000001 has 24980 Analytics tokens left today, 4000 this hour" in caplog.text
    assert waits == []
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_one_key_event_and_total_revenue_by_option(make_settings, server, waits):
    settings = make_settings(key_event_metric="keyEvents:purchase", revenue_metric="totalRevenue")
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert [x["name"] for x in server.requests[0][1]["metrics"]][3:] == ["keyEvents:purchase", "totalRevenue"]
    # purchases only: 20 + 6 + 10 + 4 + 0 (shop) and 2 + 5 (US shop)
    assert query(settings, "SELECT currency, sum(key_events), sum(revenue) FROM core.web_sessions "
                           "GROUP BY ALL ORDER BY ALL") == [("EUR", 40.0, Decimal("4750.750000")),
                                                            ("USD", 7.0, Decimal("1110.000000"))]


def test_a_429_resource_exhausted_is_retried(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", f"/v1beta/properties/{SHOP}:runReport",
                         google_error(429, "RESOURCE_EXHAUSTED", "Exhausted concurrent requests quota."))
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert len(waits) == 1 and 0 < waits[0] <= 1        # no Retry-After: the client's backoff with jitter
    assert query(settings, BY_CHANNEL) == EXPECTED


def test_the_day_s_tokens_used_up_fail_at_once_and_keep_the_last_load(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("web"), RUN_DATE).status == "succeeded"
    server.api.fail_next("POST", f"/v1beta/properties/{US_SHOP}:runReport",
                         google_error(429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per day for a property. "
                                      "Increase quota."))
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert US_SHOP in record.error and "for the day" in record.error
    assert waits == []
    assert query(settings, BY_CHANNEL) == EXPECTED


def test_a_property_not_shared_with_the_user_is_one_line_naming_it(make_settings, server, waits):
    settings = make_settings(account_ids=[SHOP, UNSHARED])
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error, record.error
    words = (f"property {UNSHARED}", "PERMISSION_DENIED", "account_ids", "Viewer")
    assert all(w in record.error for w in words), record.error
    assert query(settings, "SELECT count(*) FROM core.web_sessions") == [(0,)]


def test_a_refresh_token_is_exchanged_at_google_s_token_endpoint(make_settings, server, waits):
    settings = make_settings(secrets={"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
                                      "REFRESH_TOKEN": REFRESH})
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.refreshes == 1
    assert query(settings, "SELECT count(*) FROM core.web_sessions") == [(7,)]
    assert_no_secret_anywhere(settings, record, CLIENT_SECRET, REFRESH, FRESH)


def test_an_empty_report_replaces_the_window_with_nothing(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("web"), RUN_DATE).status == "succeeded"
    record = run_window(settings, settings.source("web"), D(2026, 12, 31))     # no sessions in that window
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded) == (0, 0)
    assert query(settings, "SELECT count(*) FROM core.web_sessions") == [(7,)]   # the October window is untouched


@pytest.mark.parametrize("options, words", [({"key_event_metric": "goals"}, ["key_event_metric", "goals"]),
                                            ({"revenue_metric": "itemRevenue"}, ["revenue_metric", "itemRevenue"]),
                                            ({"account_ids": ["UA-12345-1"]}, ["UA-12345-1", "account_ids"])])
def test_bad_options_are_clear_errors_before_any_call(make_settings, server, waits, options, words):
    settings = make_settings(**options)
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "failed" and all(w in record.error for w in words)
    assert server.api.count() == 0


def test_an_unknown_metric_is_one_line_naming_the_option(make_settings, server, waits):
    settings = make_settings(key_event_metric="keyEvents:signup")
    record = run_window(settings, settings.source("web"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "INVALID_ARGUMENT" in record.error and "keyEvents:signup" in record.error
    assert "key_event_metric" in record.error


def test_normalise_api_reads_the_records_shape():
    """Dates as YYYYMMDD, values as strings, a record without date, an unreadable count, a time zone of its own."""
    records = pl.DataFrame({
        "property_id": ["1", "1"], "currency_code": ["eur", None], "time_zone": ["America/New_York"] * 2,
        "date": ["20261001", None], "sessionDefaultChannelGroup": ["Paid Search", "Direct"],
        "sessionSource": ["google", "(direct)"], "sessionMedium": ["cpc", "(none)"],
        "sessionCampaignName": ["x", None], "sessions": ["12", "1.5"], "engagedSessions": ["7", "1"],
        "newUsers": ["3", "0"], "keyEvents": ["0.5", "0"], "purchaseRevenue": ["19.99", "0"],
    }).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    result = normalise_api(records, SourceContext(source="web", kind="ga4", currency="CHF"))
    first, second = result.frame.row(0, named=True), result.frame.row(1, named=True)
    assert (first["date"], first["channel"], first["currency"], first["sessions"], first["key_events"],
            first["revenue"], first["_errors"]) == (D(2026, 10, 1), "google_ads", "EUR", 12, 0.5, 19.99, [])
    assert (second["currency"], second["utm_campaign"], second["channel"]) == ("CHF", "", "direct")
    assert second["_errors"] == ["date: missing date", "sessions: '1.5' is not a whole number"]
    assert result.warnings == ["property 1 counts its days in America/New_York, not in Europe/Rome: its days are "
                               "loaded as GA4 counts them"]
