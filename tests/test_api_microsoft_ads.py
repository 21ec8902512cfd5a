"""Microsoft Advertising reports through the real load path, against a local server playing the REST
Reporting API: submit, poll, download a zipped CSV with header lines and a copyright footer."""
import datetime as dt
import io
import itertools
import zipfile
from decimal import Decimal

import pytest

import roi.sources.microsoft_ads as microsoft
from roi.pipeline.runs import run_window
from tests.fakeapi import FakeApi, Reply, assert_no_secret_anywhere, query

D = dt.date
RUN_DATE = D(2026, 6, 3)          # lookback 2 -> window 1..3 June 2026
SECRETS = {"DEVELOPER_TOKEN": "ms-dev-token-1234", "CLIENT_ID": "ms-client-id-4321",
           "CLIENT_SECRET": "ms-client-secret-8888", "REFRESH_TOKEN": "ms-refresh-token-7777"}
SAS = "sv=2024-05-04&se=2026-06-04T10%3A00%3A00Z&sr=b&sp=r&sig=Zm9vYmFyc2lnbmF0dXJl"

# Ad-group rows of account 9001 (EUR); campaign reports sum them, like Microsoft does.
AD_GROUPS = [
    # day, CampaignId, CampaignName, AdGroupId, AdGroupName, Impressions, Clicks, Spend, Conversions, Revenue
    (D(2026, 6, 1), "501", "Brand - Exact", "7001", "Exact brand", 1000, 50, "25.30", "2", "100.00"),
    (D(2026, 6, 1), "501", "Brand - Exact", "7002", "Phrase brand", 234, 6, "5.50", "1", "50.00"),
    (D(2026, 6, 1), "502", "Generic, broad", "7003", "Broad", 980, 12, "13.20", "", ""),
    (D(2026, 6, 2), "501", "Brand - Exact", "7001", "Exact brand", 1102, 61, "31.72", "4.50", "212.40"),
    (D(2026, 6, 3), "502", "Generic, broad", "7003", "Broad", 450, 9, "8.05", "1", "40.00"),
    (D(2026, 5, 31), "501", "Brand - Exact", "7001", "Exact brand", 999, 9, "9.99", "9", "99.00"),  # outside
]


class Microsoft:
    """reporting.api.bingads.microsoft.com/Reporting/v13 + the Microsoft identity platform token endpoint +
    the pre-signed blob the report is downloaded from."""

    def __init__(self, api: FakeApi):
        self.api = api
        self.tokens: set[str] = set()
        self.issued = 0
        self.expire_first = False
        self.jobs: dict[str, dict] = {}
        self.pending_polls = 1
        self.final_status = "Success"
        self.ids = itertools.count(1)
        api.route("POST", r"/common/oauth2/v2.0/token", self.token)
        api.route("POST", r"/Reporting/v13/GenerateReport/Submit", self.submit)
        api.route("POST", r"/Reporting/v13/GenerateReport/Poll", self.poll)
        api.route("GET", r"/blob/(\w+)\.zip", self.download)

    def token(self, req, m):
        form = req.form()
        assert form["grant_type"] == "refresh_token" and "msads.manage" in form["scope"]
        if (form["client_id"], form["client_secret"], form["refresh_token"]) != (
                SECRETS["CLIENT_ID"], SECRETS["CLIENT_SECRET"], SECRETS["REFRESH_TOKEN"]):
            return Reply(400, {"error": "invalid_grant", "error_description": "AADSTS70000: bad grant"})
        self.issued += 1
        token = f"ms-access-{self.issued}"
        if not (self.expire_first and self.issued == 1):
            self.tokens.add(token)
        return Reply(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": token,
                           "refresh_token": "rotated-refresh"})

    def refused(self, req):
        if req.headers.get("authorization", "")[7:] not in self.tokens:
            return Reply(401, {"TrackingId": "t-1", "Type": "AdApiFaultDetail", "Errors": [
                {"Code": 109, "ErrorCode": "AuthenticationTokenExpired", "Message": "Authentication token expired. "
                 "Please renew it or obtain a new token.", "Details": None}]})
        if req.headers.get("developertoken") != SECRETS["DEVELOPER_TOKEN"]:
            return Reply(401, {"TrackingId": "t-2", "Type": "AdApiFaultDetail", "Errors": [
                {"Code": 105, "ErrorCode": "InvalidCredentials", "Message": "Authentication failed. Either supplied "
                 "credentials are invalid or the account is inactive"}]})
        return None

    def submit(self, req, m):
        if (no := self.refused(req)):
            return no
        report = req.json()["ReportRequest"]
        account = str(report["Scope"]["AccountIds"][0])
        assert req.headers.get("customeraccountid") == account and req.headers.get("customerid") == "1500100"
        t = report["Time"]
        start, end = (D(t[k]["Year"], t[k]["Month"], t[k]["Day"])
                      for k in ("CustomDateRangeStart", "CustomDateRangeEnd"))
        job = f"R{next(self.ids)}"
        self.jobs[job] = {"report": report, "account": account, "start": start, "end": end, "polls": 0}
        return Reply(200, {"ReportRequestId": job})

    def poll(self, req, m):
        if (no := self.refused(req)):
            return no
        job = self.jobs[req.json()["ReportRequestId"]]
        job["polls"] += 1
        if job["polls"] <= self.pending_polls:
            return Reply(200, {"ReportRequestStatus": {"Status": "Pending", "ReportDownloadUrl": None}})
        if self.final_status != "Success":
            return Reply(200, {"ReportRequestStatus": {"Status": self.final_status, "ReportDownloadUrl": None}})
        has_data = job["account"] == "9001"
        url = f"{self.api.url}/blob/{req.json()['ReportRequestId']}.zip?{SAS}" if has_data else None
        return Reply(200, {"ReportRequestStatus": {"Status": "Success", "ReportDownloadUrl": url}})

    def download(self, req, m):
        assert "authorization" not in req.headers and "developertoken" not in req.headers   # pre-signed URL
        job = self.jobs[m.group(1)]
        columns = job["report"]["Columns"]
        lines = ['"Report Name: roi"', f'"Report Time: {job["start"]:%-m/%-d/%Y},{job["end"]:%-m/%-d/%Y}"',
                 '"Time Zone: (GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"',
                 '"Last Completed Available Day: 6/4/2026 10:20:00 AM (GMT)"', '"Potential Incomplete Data: false"',
                 "", ",".join(f'"{c}"' for c in columns)]
        for row in self.report_rows(job):
            cells = ["" if row.get(c) is None else str(row[c]) for c in columns]
            lines.append(",".join(f'"{c}"' for c in cells))
        lines += ["", '"©2026 Microsoft Corporation. All rights reserved. "']
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{m.group(1)}.csv", ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
        return Reply(200, buffer.getvalue(), {"Content-Type": "application/x-zip-compressed"})

    def report_rows(self, job) -> list[dict]:
        """The report's rows in the job's days, by column name: AD_GROUPS summed to the report's level."""
        by_campaign = job["report"]["Type"] == "CampaignPerformanceReportRequest"
        merged: dict[tuple, dict] = {}
        for day, cid, cname, agid, agname, impr, clicks, spend, conv, rev in AD_GROUPS:
            if not job["start"] <= day <= job["end"]:
                continue
            key = (day, cid) if by_campaign else (day, cid, agid)
            row = merged.setdefault(key, {"TimePeriod": day.isoformat(), "AccountId": job["account"],
                                          "AccountName": "Acme IT", "CampaignId": cid, "CampaignName": cname,
                                          "AdGroupId": agid, "AdGroupName": agname, "CurrencyCode": "EUR",
                                          "Impressions": 0, "Clicks": 0, "Spend": Decimal(0), "Conversions": None,
                                          "Revenue": None})
            row["Impressions"] += impr
            row["Clicks"] += clicks
            row["Spend"] += Decimal(spend)
            for name, value in (("Conversions", conv), ("Revenue", rev)):
                if value:
                    row[name] = (row[name] or Decimal(0)) + Decimal(value)
        return list(merged.values())


# What conftest.py's `server` and `make_settings` fixtures play and write for these tests
FAKE = Microsoft
SOURCES = [{"name": "ms", "kind": "microsoft_ads", "account_ids": ["9001", "9002"], "customer_id": "1500100",
            "base_url": "{api}/Reporting/", "token_url": "{api}/common/oauth2/v2.0/token", "lookback_days": 2}]
# the secrets, the access tokens the fake gives and the signature of the report's download link
NEVER_STORED = [*SECRETS.values(), "ms-access-1", "ms-access-2", "Zm9vYmFyc2lnbmF0dXJl"]


def test_campaign_report_is_submitted_polled_downloaded_and_loaded(make_settings, server, waits):
    settings = make_settings()
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_quarantined) == (4, 4, 0)
    got = query(settings, "SELECT date_start, date_end, account_id, account_name, campaign_id, campaign_name, "
                          "ad_group_id, ad_id, currency, impressions, clicks, spend, conversions, conversion_value "
                          "FROM core.ad_performance ORDER BY date_start, campaign_id")
    assert got == [
        (D(2026, 6, 1), D(2026, 6, 1), "9001", "Acme IT", "501", "Brand - Exact", "", "", "EUR", 1234, 56,
         Decimal("30.80"), 3.0, Decimal("150.00")),
        (D(2026, 6, 1), D(2026, 6, 1), "9001", "Acme IT", "502", "Generic, broad", "", "", "EUR", 980, 12,
         Decimal("13.20"), None, None),                       # "" in the report: no conversions recorded
        (D(2026, 6, 2), D(2026, 6, 2), "9001", "Acme IT", "501", "Brand - Exact", "", "", "EUR", 1102, 61,
         Decimal("31.72"), 4.5, Decimal("212.40")),
        (D(2026, 6, 3), D(2026, 6, 3), "9001", "Acme IT", "502", "Generic, broad", "", "", "EUR", 450, 9,
         Decimal("8.05"), 1.0, Decimal("40.00")),
    ]
    assert query(settings, "SELECT sum(spend), sum(conversions), sum(conversion_value) FROM core.ad_performance")[0] \
        == (Decimal("83.77"), 8.5, Decimal("402.40"))
    # one report per account, each pending once, then ready; 9002's is ready without a file (no data)
    assert server.api.count("POST", r".*/Submit") == 2 and server.api.count("POST", r".*/Poll") == 4
    assert server.api.count("GET", r"/blob/.*") == 1
    assert waits == [microsoft.POLL_DELAYS[0]] * 2
    report = next(iter(server.jobs.values()))["report"]
    assert report["Type"] == "CampaignPerformanceReportRequest" and report["Aggregation"] == "Daily"
    assert report["Format"] == "Csv" and report["ExcludeReportHeader"] is False
    assert report["Time"]["CustomDateRangeStart"] == {"Day": 1, "Month": 6, "Year": 2026}
    assert report["Columns"][:5] == ["TimePeriod", "AccountId", "AccountName", "CampaignId", "CampaignName"]
    assert server.issued == 1                                   # one token for the whole run
    raw = next(settings.raw_dir.rglob("*.parquet"))
    import polars as pl
    assert pl.read_parquet(raw)["ReportTimeZone"].unique().to_list() == [
        "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"]
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)


def test_ad_group_level_keeps_ad_groups(make_settings, server, waits):
    settings = make_settings(account_ids=["9001"], level="ad_group")
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert next(iter(server.jobs.values()))["report"]["Type"] == "AdGroupPerformanceReportRequest"
    got = query(settings, "SELECT date_start, campaign_id, ad_group_id, ad_group_name, spend FROM core.ad_performance "
                          "ORDER BY date_start, ad_group_id")
    assert got == [(D(2026, 6, 1), "501", "7001", "Exact brand", Decimal("25.30")),
                   (D(2026, 6, 1), "501", "7002", "Phrase brand", Decimal("5.50")),
                   (D(2026, 6, 1), "502", "7003", "Broad", Decimal("13.20")),
                   (D(2026, 6, 2), "501", "7001", "Exact brand", Decimal("31.72")),
                   (D(2026, 6, 3), "502", "7003", "Broad", Decimal("8.05"))]


def test_throttling_and_5xx_are_retried(make_settings, server, waits):
    settings = make_settings(account_ids=["9001"])
    rate = {"Code": 117, "ErrorCode": "CallRateExceeded", "Message": "You have exceeded the number of calls that "
            "you are allowed to make in a minute. Please reduce the number of calls that you make per minute."}
    server.api.fail_next("POST", "/Reporting/v13/GenerateReport/Submit",
                         Reply(429, {"TrackingId": "a", "Errors": [rate]}, {"Retry-After": "3"}),
                         Reply(400, {"TrackingId": "b", "Type": "ApiFaultDetail", "OperationErrors": [rate]}))
    server.api.fail_next("POST", "/Reporting/v13/GenerateReport/Poll", Reply(500, {"TrackingId": "c", "Errors": [
        {"Code": 0, "ErrorCode": "InternalError", "Message": "An internal error has occurred."}]}))
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "succeeded", record.error
    # Retry-After; CallRateExceeded with no header: the minute Microsoft asks for; the 500: a backoff;
    # then the report was pending once
    assert waits[:2] == [3.0, 60.0] and 0 < waits[2] <= 1 and waits[3:] == [microsoft.POLL_DELAYS[0]]
    assert query(settings, "SELECT count(*), sum(spend) FROM core.ad_performance")[0] == (4, Decimal("83.77"))


def test_persistent_5xx_fails_in_one_line_and_keeps_the_previous_load(make_settings, server, waits):
    settings = make_settings(account_ids=["9001"])
    assert run_window(settings, settings.source("ms"), RUN_DATE).status == "succeeded"
    before = query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL")
    server.api.route("POST", r"/Reporting/v13/GenerateReport/Submit", lambda req, m: Reply(503, "Service Unavailable"))
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "GenerateReport/Submit" in record.error and "next time" in record.error
    assert query(settings, "SELECT * FROM core.ad_performance ORDER BY ALL") == before


def test_a_failed_report_job_fails_the_load_in_one_line(make_settings, server, waits):
    server.final_status = "Error"
    settings = make_settings(account_ids=["9001"])
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "failed"
    assert "9001" in record.error and "status Error" in record.error and "\n" not in record.error


def test_an_expired_access_token_is_refreshed_once_and_the_call_retried(make_settings, server, waits):
    server.expire_first = True
    settings = make_settings(account_ids=["9001"])
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "succeeded", record.error
    assert server.issued == 2
    assert query(settings, "SELECT count(*) FROM core.ad_performance")[0] == (4,)
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)


def test_refused_developer_token_fails_naming_the_secrets(make_settings, server, waits):
    secrets = {**SECRETS, "DEVELOPER_TOKEN": "ms-wrong-developer-token"}
    settings = make_settings(secrets=secrets, account_ids=["9001"])
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "ROI_MS__DEVELOPER_TOKEN" in record.error and "ms-wrong-developer-token" not in record.error
    assert "InvalidCredentials" in record.error and "account 9001 of customer_id 1500100" in record.error
    assert server.api.count("POST", r".*/Submit") == 1 and waits == []      # a new token would not help
    assert_no_secret_anywhere(settings, record, *NEVER_STORED)


def test_a_retired_api_version_names_api_version(make_settings, server, waits):
    settings = make_settings(account_ids=["9001"], api_version="v12")
    record = run_window(settings, settings.source("ms"), RUN_DATE)
    assert record.status == "failed" and "\n" not in record.error
    assert "api_version" in record.error and "v12" in record.error
    assert waits == []


def test_missing_secret_is_named_at_start_up(make_settings, server):
    from roi.contracts.errors import ConfigError
    with pytest.raises(ConfigError, match="ROI_MS__DEVELOPER_TOKEN"):
        make_settings(secrets={k: v for k, v in SECRETS.items() if k != "DEVELOPER_TOKEN"})


def test_report_reader_takes_the_api_csv_shape():
    """The sample shape: every field quoted, percentages, empty strings, the |hour suffix of hourly periods."""
    text = ('"Report Name: x"\r\n"Report Time: 11/11/2023"\r\n"Time Zone: Various"\r\n\r\n'
            '"AccountId","CampaignId","TimePeriod","CurrencyCode","Impressions","Clicks","Ctr","Spend","Conversions",'
            '"Revenue"\r\n"180535609","531016227","2023-11-11|01","USD","1","1","100.00%","1.48","",""\r\n'
            '\r\n"©2023 Microsoft Corporation. All rights reserved. "\r\n')
    rows_ = microsoft._read_report(text.encode("utf-8-sig"), [], "180535609", "ms")
    assert rows_ == [{"AccountId": "180535609", "CampaignId": "531016227", "TimePeriod": "2023-11-11|01",
                      "CurrencyCode": "USD", "Impressions": "1", "Clicks": "1", "Ctr": "100.00%", "Spend": "1.48",
                      "Conversions": "", "Revenue": "", "ReportTimeZone": "Various"}]
    from roi.transforms.context import SourceContext
    from roi.transforms.microsoft_ads import normalise_api
    import polars as pl
    from roi.sources.records import text_frame
    frame = text_frame(rows_, ["TimePeriod", "ReportTimeZone"]).with_row_index("_row", offset=1).with_columns(
        pl.col("_row").cast(pl.Int64))
    out = normalise_api(frame, SourceContext(source="ms", kind="microsoft_ads")).frame
    assert out.select("date_start", "spend", "conversions", "currency", "_errors").row(0) == (
        D(2023, 11, 11), 1.48, None, "USD", [])
