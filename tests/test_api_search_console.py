"""Search Console Search Analytics API through the real load path, against a local server playing
searchconsole.googleapis.com/webmasters/v3: POST sites/{siteUrl}/searchAnalytics/query with the property URL-encoded
(URL-prefix and sc-domain: properties), startRow / rowLimit paging with no row count (a short page is the last),
rows only with dataState "all" for the freshest days, {"error": {code, message, errors, status}} bodies, a 429
"quota exceeded", a 403 "User does not have sufficient permission for site", Google's OAuth refresh."""
import datetime as dt
from urllib.parse import unquote

import polars as pl
import pytest

from roi.pipeline.plan import nightly_items
from roi.pipeline.runs import run_item, run_window
from roi.transforms.context import SourceContext
from roi.transforms.search_console import normalise_api
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, load_counts, query

D = dt.date
RUN_DATE = D(2026, 5, 6)               # lookback 5 -> window 1 .. 6 May 2026
SHOP, BRAND = "https://www.example.it/", "sc-domain:example.com"
TOKEN = "ya29.a0AccessToken0a0b0c"
CLIENT_ID, CLIENT_SECRET = "123456789-abc.apps.googleusercontent.com", "GOCSPX-client-secret-9f8e7d"
REFRESH, FRESH = "1//0gRefreshToken1a2b3c", "ya29.a0FreshToken4d5e6f"

# (site, day) -> clicks, impressions, average position: the property's own day totals (anonymised queries in).
TOTALS = {
    (SHOP, D(2026, 4, 30)): (99, 9999, 9.0),             # before the window
    (SHOP, D(2026, 5, 1)): (40, 1000, 8.5),
    (SHOP, D(2026, 5, 2)): (30, 800, 10.0),
    (SHOP, D(2026, 5, 5)): (5, 200, 12.0),               # fresh: served with dataState "all" only
    (BRAND, D(2026, 5, 2)): (12, 400, 15.25),
}
# (site, day, query, page) -> clicks, impressions, average position: the queries Google does not anonymise.
DETAIL = {
    (SHOP, D(2026, 4, 30), "scarpe", "https://www.example.it/"): (50, 500, 2.0),
    (SHOP, D(2026, 5, 1), "scarpe running", "https://www.example.it/scarpe"): (20, 300, 3.0),
    (SHOP, D(2026, 5, 1), "scarpe running", "https://www.example.it/saldi"): (2, 100, 9.0),
    (SHOP, D(2026, 5, 1), "negozio scarpe milano", "https://www.example.it/"): (10, 200, 5.5),
    (SHOP, D(2026, 5, 2), "scarpe running", "https://www.example.it/scarpe"): (15, 250, 4.0),
    (SHOP, D(2026, 5, 2), "saldi scarpe", "https://www.example.it/saldi"): (5, 150, 6.0),
    (SHOP, D(2026, 5, 5), "scarpe running", "https://www.example.it/scarpe"): (3, 80, 5.0),
    (BRAND, D(2026, 5, 2), "example widgets", "https://example.com/widgets"): (6, 120, 7.5),
    (BRAND, D(2026, 5, 2), "widgets", "https://shop.example.com/"): (3, 90, 11.0),
}
FRESH_DAYS = {D(2026, 5, 5)}


def google_error(status: int, message: str, reason: str, state: str, domain: str = "global") -> dict:
    return {"error": {"code": status, "message": message, "errors": [{"message": message, "domain": domain,
                                                                      "reason": reason}], "status": state}}


class SearchConsole:
    """Follows the discovery document's SearchAnalyticsQueryRequest / Response and Airbyte's recorded answers
    (source-google-search-console unit_tests/resource/http/response: search_analytics, 403, 429)."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.tokens = {TOKEN}
        self.refreshes = 0
        self.queries: list[dict] = []          # each request's body, with the property as its URL wrote it
        self.shift = False                     # pages after the first start a row early (the ranking moved)
        api.route("POST", r"/token", self.token)
        api.route("POST", r"/webmasters/v3/sites/([^/]+)/searchAnalytics/query", self.search_analytics)

    def token(self, req, m):
        form = req.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("refresh_token")) \
                != ("refresh_token", CLIENT_ID, CLIENT_SECRET, REFRESH):
            return Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        self.refreshes += 1
        self.tokens = {FRESH}
        return Reply(200, {"access_token": FRESH, "expires_in": 3599, "token_type": "Bearer",
                           "scope": "https://www.googleapis.com/auth/webmasters.readonly"})

    def search_analytics(self, req, m):
        if req.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return Reply(401, google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                                                "access token, login cookie or other valid authentication "
                                                "credential.", "authError", "UNAUTHENTICATED"))
        site = unquote(m[1])
        body = req.json()
        self.queries.append({"encoded": m[1], **body})
        if site not in (SHOP, BRAND):
            message = (f"User does not have sufficient permission for site '{site}'. See also: "
                       "https://support.google.com/webmasters/answer/2451999.")
            return Reply(403, google_error(403, message, "forbidden", "PERMISSION_DENIED"))
        assert 1 <= body["rowLimit"] <= 25000 and body["type"] in ("web", "image", "video", "news")
        start, end = D.fromisoformat(body["startDate"]), D.fromisoformat(body["endDate"])
        final = body.get("dataState", "final") == "final"
        dimensions = body["dimensions"]
        table = TOTALS if dimensions == ["date"] else DETAIL
        assert dimensions in (["date"], ["date", "query", "page"])
        found = [(key, values) for key, values in table.items()
                 if key[0] == site and start <= key[1] <= end and not (final and key[1] in FRESH_DAYS)]
        found.sort(key=lambda item: -item[1][0])            # Search Console answers by clicks, most first
        first = body["startRow"] - (1 if self.shift and body["startRow"] else 0)
        rows = [{"keys": [key[1].isoformat(), *key[2:]], "clicks": c, "impressions": i, "ctr": c / i,
                 "position": p} for key, (c, i, p) in found[first:first + body["rowLimit"]]]
        answer = {"responseAggregationType": "byProperty" if dimensions == ["date"] else "byPage"}
        if rows:                                            # no "rows" key at all when nothing matched
            answer["rows"] = rows
        return Reply(200, answer)


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = SearchConsole
SOURCES = [{"name": "gsc", "kind": "search_console", "account_ids": [SHOP, BRAND], "base_url": "{api}/webmasters/v3/",
            "token_url": "{api}/token", "lookback_days": 5, "row_limit": 2}]
SECRETS = {"ACCESS_TOKEN": TOKEN}

TOTAL_ROWS = "query = '' AND page = ''"


def test_two_properties_day_totals_and_query_page_rows_with_startrow_paging(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # the properties URL-encoded in the path, ':' and '/' too
    assert [q["encoded"] for q in server.queries] == ["https%3A%2F%2Fwww.example.it%2F"] * 5 + \
        ["sc-domain%3Aexample.com"] * 3
    # pages of 2 rows until one comes back short: 2 totals rows (2 + 0), 5 detail rows (2 + 2 + 1); 1; 2 (2 + 0)
    assert [(q["dimensions"], q["startRow"]) for q in server.queries] == [
        (["date"], 0), (["date"], 2), (["date", "query", "page"], 0), (["date", "query", "page"], 2),
        (["date", "query", "page"], 4), (["date"], 0), (["date", "query", "page"], 0),
        (["date", "query", "page"], 2)]
    assert {(q["startDate"], q["endDate"], q["type"], q["dataState"], q["rowLimit"]) for q in server.queries} == {
        ("2026-05-01", "2026-05-06", "web", "final", 2)}
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (10, 10, 0, 0)
    assert load_counts(settings) == [(10, 10, 0, 0)]
    # the day totals: 40 + 30 + 12 clicks, 1000 + 800 + 400 impressions, 8.5×1000 + 10×800 + 15.25×400 = 22600
    assert query(settings, f"SELECT site_url, date, clicks, impressions, position_sum FROM core.organic_search "
                           f"WHERE {TOTAL_ROWS} ORDER BY site_url, date") == [
        (SHOP, D(2026, 5, 1), 40, 1000, 8500.0), (SHOP, D(2026, 5, 2), 30, 800, 8000.0),
        (BRAND, D(2026, 5, 2), 12, 400, 6100.0)]
    # impression-weighted average position: totals 22600 / 2200; the shop's query rows (20×… ) 4800 / 1000 = 4.8,
    # the brand's 1890 / 210 = 9.0 — the query rows leave out the anonymised queries (40 clicks vs 32 on 1 May)
    got = query(settings, f"""SELECT site_url, query = '' AS total, sum(clicks), sum(impressions),
                                     sum(position_sum) / sum(impressions) FROM core.organic_search
                              GROUP BY ALL ORDER BY site_url, total""")
    assert got == [(SHOP, False, 52, 1000, 4.8), (SHOP, True, 70, 1800, 16500 / 1800),
                   (BRAND, False, 9, 210, 9.0), (BRAND, True, 12, 400, 15.25)]
    assert query(settings, f"SELECT sum(position_sum) / sum(impressions) FROM core.organic_search "
                           f"WHERE {TOTAL_ROWS}")[0][0] == pytest.approx(22600 / 2200)
    assert query(settings, "SELECT query, page, clicks, impressions, position_sum FROM core.organic_search WHERE "
                           "date = DATE '2026-05-01' AND query = 'scarpe running' ORDER BY page") == [
        ("scarpe running", "https://www.example.it/saldi", 2, 100, 900.0),
        ("scarpe running", "https://www.example.it/scarpe", 20, 300, 900.0)]
    assert waits == []
    assert_no_secret_anywhere(settings, record, TOKEN)


def test_a_rerun_replaces_the_window_and_a_row_served_twice_counts_once(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("gsc"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * EXCLUDE (load_id) FROM core.organic_search ORDER BY ALL")
    server.shift = True
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_combined) == (10, 10, 0)
    assert query(settings, "SELECT * EXCLUDE (load_id) FROM core.organic_search ORDER BY ALL") == before


def test_the_nightly_plan_loads_both_properties_in_one_item(make_settings, server, waits):
    """core.organic_search has no account_id: a load of one property alone could not replace only its rows, so the
    properties of a source are pulled and loaded together (one work item), not one by one as ad accounts are."""
    settings = make_settings()
    [item] = nightly_items([settings.source("gsc")], RUN_DATE)
    assert item.account is None
    [report] = run_item(settings, item, "nightly")
    assert query(settings, "SELECT status, account, rows_loaded FROM ops.loads") == [("succeeded", None, 10)], report
    assert query(settings, "SELECT count(DISTINCT site_url) FROM core.organic_search") == [(2,)]


def test_data_state_all_brings_the_freshest_days(make_settings, server, waits):
    settings = make_settings(data_state="all", search_type="news")
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert {(q["dataState"], q["type"]) for q in server.queries} == {("all", "news")}
    assert (record.rows_in, record.rows_loaded) == (12, 12)
    assert query(settings, "SELECT query, clicks, impressions, position_sum FROM core.organic_search "
                           "WHERE date = DATE '2026-05-05' ORDER BY query") == [
        ("", 5, 200, 2400.0), ("scarpe running", 3, 80, 400.0)]


def test_a_429_quota_answer_is_retried_after_retry_after(make_settings, server, waits):
    settings = make_settings()
    server.api.fail_next("POST", "/webmasters/v3/sites/sc-domain%3Aexample.com/searchAnalytics/query",
                         Reply(429, google_error(429, "Search Analytics QPS quota exceeded", "rateLimitExceeded",
                                                 "RESOURCE_EXHAUSTED", "usageLimits"), {"Retry-After": "3"}),
                         Reply(403, google_error(403, "Search Analytics load quota exceeded", "quotaExceeded",
                                                 "PERMISSION_DENIED", "usageLimits")))
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert waits == [3.0, 30.0]
    assert query(settings, "SELECT count(*), sum(clicks) FROM core.organic_search")[0] == (10, 82 + 61)


def test_a_property_the_account_may_not_read_fails_in_one_line_naming_it(make_settings, server, waits):
    settings = make_settings()
    assert run_window(settings, settings.source("gsc"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.organic_search ORDER BY ALL")
    settings = make_settings(account_ids=[SHOP, "https://www.example.org/"])
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "https://www.example.org/" in record.error and "Users and permissions" in record.error
    assert "sc-domain:" in record.error and "credentials" not in record.error
    assert query(settings, "SELECT * FROM core.organic_search ORDER BY ALL") == before       # the window kept
    assert waits == []


def test_an_expired_access_token_is_refreshed_with_the_google_oauth_trio(make_settings, server, waits):
    settings = make_settings(secrets={"ACCESS_TOKEN": "ya29.expired-token-7g8h9i", "CLIENT_ID": CLIENT_ID,
                                      "CLIENT_SECRET": CLIENT_SECRET, "REFRESH_TOKEN": REFRESH})
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.refreshes == 1
    assert query(settings, "SELECT count(*) FROM core.organic_search")[0] == (10,)
    assert_no_secret_anywhere(settings, record, "ya29.expired-token-7g8h9i", CLIENT_SECRET, REFRESH, FRESH)


def test_a_refused_refresh_names_the_secrets_in_one_line(make_settings, server, waits):
    settings = make_settings(secrets={"CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": "wrong-secret-0000",
                                      "REFRESH_TOKEN": REFRESH})
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_GSC__CLIENT_SECRET" in record.error and "invalid_grant" in record.error
    assert "wrong-secret-0000" not in record.error and REFRESH not in record.error


def test_an_expired_access_token_alone_names_it_and_the_refresh_trio(make_settings, server, waits):
    settings = make_settings(secrets={"ACCESS_TOKEN": "ya29.expired-token-7g8h9i"})
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "HTTP 401" in record.error and "ROI_GSC__ACCESS_TOKEN" in record.error and "REFRESH_TOKEN" in record.error
    assert "ya29.expired-token-7g8h9i" not in record.error


@pytest.mark.parametrize("options, words", [({"data_state": "fresh"}, ["data_state", "fresh"]),
                                            ({"search_type": "discover"}, ["search_type", "discover"]),
                                            ({"row_limit": 30000}, ["row_limit", "30000"]),
                                            ({"account_ids": []}, ["account_ids", "sc-domain:"])])
def test_bad_options_are_clear_errors(make_settings, server, waits, options, words):
    settings = make_settings(**options)
    record = run_window(settings, settings.source("gsc"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert all(w in record.error for w in words)
    assert server.api.count() == 0


def test_normalise_api_reads_the_answer_shape():
    """A day total, a query and page row, and rows the transform cannot place."""
    records = pl.DataFrame({
        "site_url": [SHOP] * 4, "dimensions": ["date", "date,query,page", "date,query,page", "date,page"],
        "date": ["2026-05-01", "2026-05-01", None, "2026-05-01"], "query": [None, "scarpe", None, None],
        "page": [None, SHOP, SHOP, SHOP], "clicks": ["10", "4", "1", "1"], "impressions": ["100", "40.0", "x", "3"],
        "ctr": ["0.1", "0.1", "0.1", "0.3"], "position": ["3.5", "2.25", "1", "1"],
    }).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(records, SourceContext(source="gsc", kind="search_console")).frame
    assert out.select("query", "page", "clicks", "impressions", "position_sum").rows()[:2] == [
        ("", "", 10, 100, 350.0), ("scarpe", SHOP, 4, 40, 90.0)]
    assert out["_errors"].to_list() == [[], [], ["date: missing date", "impressions: 'x' is not a number",
                                                 "query: missing"],
                                        ["dimensions: 'date,page' is neither a day total nor a query and page row"]]
