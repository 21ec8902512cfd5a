"""Exports segmented finer than the grain (device, hour, keyword, same-named boosted posts) are summed,
never dropped; a load that loads nothing fails with one line naming the cause and the fix."""
import datetime as dt

import duckdb
import pytest

from roi.pipeline.runs import ingest_files
from roi.pipeline.config import load_settings


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\nreporting_currency = "EUR"\n')
    return load_settings(tmp_path / "roi.toml")


def query(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def ingest(settings, tmp_path, text: str, kind: str, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    [record] = ingest_files(settings, [path], kind, "src")
    return record


# An ad-group report by device without ad group ids: 2 ad groups x 2 days x 3 devices, one device row
# with equal figures to another (two segments, not a duplicate).
ADGROUP_BY_DEVICE = """Ad group report
June 1, 2026 - June 2, 2026
Day,Campaign,Ad group,Device,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value
2026-06-01,Brand,Exact,Computers,EUR,100,10,5.00,1.00,50.00
2026-06-01,Brand,Exact,Mobile phones,EUR,100,10,5.00,1.00,50.00
2026-06-01,Brand,Exact,Tablets,EUR,20,1,0.50,0.00,0.00
2026-06-01,Brand,Broad,Computers,EUR,300,12,7.25,2.00,80.00
2026-06-01,Brand,Broad,Mobile phones,EUR,700,30,12.75,1.50,40.00
2026-06-02,Brand,Exact,Computers,EUR,90,9,4.50,0.00,0.00
2026-06-02,Brand,Exact,Mobile phones,EUR,110,11,5.50,2.00,99.90
"""


def test_a_report_by_device_is_summed_to_ad_group_and_day(settings, tmp_path):
    record = ingest(settings, tmp_path, ADGROUP_BY_DEVICE, "google_ads")
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (7, 3, 4, 0)
    assert record.combined_by == "device"
    assert query(settings, "SELECT date_start, ad_group_name, impressions, clicks, spend::DOUBLE, conversions, "
                           "conversion_value::DOUBLE FROM core.ad_performance ORDER BY 1, 2") == [
        (dt.date(2026, 6, 1), "Broad", 1000, 42, 20.0, 3.5, 120.0),
        (dt.date(2026, 6, 1), "Exact", 220, 21, 10.5, 2.0, 100.0),
        (dt.date(2026, 6, 2), "Exact", 200, 20, 10.0, 2.0, 99.9),
    ]
    # The same rows loaded again (a nightly re-run) give the same warehouse.
    ingest(settings, tmp_path, ADGROUP_BY_DEVICE, "google_ads")
    assert query(settings, "SELECT count(*), sum(spend)::DOUBLE FROM core.ad_performance") == [(3, 40.5)]


def test_reach_is_kept_only_where_one_row_carries_it(settings, tmp_path):
    text = ("Day,Campaign name,Ad set name,Ad name,Impressions,Reach,Link clicks,Amount spent (EUR)\n"
            "2026-06-01,Boost,Post,Boosted post: Summer…,1000,800,10,4.00\n"
            "2026-06-01,Boost,Post,Boosted post: Summer…,500,450,5,2.50\n"
            "2026-06-01,Boost,Post,Other post,300,290,3,1.00\n")
    record = ingest(settings, tmp_path, text, "meta_ads")
    assert (record.rows_in, record.rows_loaded, record.rows_combined) == (3, 2, 1)
    assert record.combined_by == "same name without ids"
    assert query(settings, "SELECT ad_name, impressions, reach, clicks, spend::DOUBLE FROM core.ad_performance "
                           "ORDER BY 1") == [("Boosted post: Summer…", 1500, None, 15, 6.5),
                                            ("Other post", 300, 290, 3, 1.0)]


def test_email_rows_of_one_campaign_are_summed(settings, tmp_path):
    text = ("Title,Subject,List,Send Date,Emails Sent,Unique Opens,Total Opens,Unique Clicks,Total Clicks,"
            "Unsubscribes,Hard Bounces,Soft Bounces,Unique_Id\n"
            "Autumn,Hello,List A,\"Oct 7, 2026 9:15 AM\",100,40,50,10,12,1,2,1,abc123\n"
            "Autumn,Hello,List B,\"Oct 7, 2026 9:15 AM\",50,20,22,4,4,0,1,0,abc123\n")
    record = ingest(settings, tmp_path, text, "mailchimp")
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_combined) == (2, 1, 1)
    assert query(settings, "SELECT recipients, unique_opens, total_opens, unique_clicks, hard_bounces, "
                           "soft_bounces FROM core.email_campaigns") == [(150, 60, 72, 14, 3, 1)]


def test_an_all_time_report_fails_saying_how_to_export_it(settings, tmp_path):
    text = "Ad group report\nAll time\nAd group,Campaign,Impr.,Clicks,Cost\nExact,Brand,100,10,5.00\n"
    record = ingest(settings, tmp_path, text, "google_ads")
    assert record.status == "failed"
    assert "none of its 1 rows could be loaded" in record.error and "Day column" in record.error
    assert "\n" not in record.error
    # Nothing is lost: the row and its reason are in quarantine.
    assert query(settings, "SELECT count(*) FROM ops.quarantine WHERE source = 'src'") == [(1,)]
    assert query(settings, "SELECT status, rows_in, rows_loaded, rows_quarantined FROM ops.loads") == \
        [("failed", 1, 0, 1)]


def test_a_failed_load_leaves_the_window_as_it_was(settings, tmp_path):
    good = "Day,Campaign,Campaign ID,Impr.,Clicks,Cost\n2026-06-01,Brand,111,100,10,5.00\n"
    ingest(settings, tmp_path, good, "google_ads")
    bad = "Day,Campaign,Campaign ID,Impr.,Clicks,Cost\n2026-06-01,Brand,111,100,10,-5.00\n"
    record = ingest(settings, tmp_path, bad, "google_ads")
    assert record.status == "failed" and "negative" in record.error
    assert query(settings, "SELECT spend::DOUBLE FROM core.ad_performance") == [(5.0,)]


META_HEADER = ("Campaign name,Ad set name,Ad name,Day,Impressions,Reach,Frequency,Link clicks,"
               "Amount spent (USD),Results,Result indicator,Reporting starts,Reporting ends\n")
META_ROW = "Summer,Lookalike,Ad 1,2026-06-01,1000,800,1.25,10,4.00,2,actions:purchase,2026-06-01,2026-06-01\n"


def test_a_meta_export_loaded_as_google_ads_is_refused_naming_the_kind(settings, tmp_path):
    record = ingest(settings, tmp_path, META_HEADER + META_ROW, "google_ads")
    assert record.status == "failed"
    assert "looks like a Meta Ads Manager export: use --kind meta_ads" in record.error
    assert query(settings, "SELECT count(*) FROM core.ad_performance") == [(0,)]


def test_a_pinterest_export_loaded_as_meta_ads_is_refused(settings, tmp_path):
    text = ("Date,Campaign name,Ad group name,Pin promotion name,Impressions,Pin clicks,Outbound clicks,"
            "Spend in account currency\n2026-06-01,Home,Sofas,Pin 1,1000,20,12,7.50\n")
    record = ingest(settings, tmp_path, text, "meta_ads")
    assert record.status == "failed"
    assert "no spend (cost) column" in record.error and "Pinterest Ads export" in record.error
    assert "Spend in account currency" in record.error


def test_ids_saved_by_excel_in_scientific_notation_fail_the_load(settings, tmp_path):
    text = ("Day;Campagna;ID campagna;Impr.;Clic;Costo\n"
            "2026-06-01;Brand;2,08154E+10;100;10;5,00\n2026-06-02;Brand;2,08154E+10;90;9;4,50\n")
    record = ingest(settings, tmp_path, text, "google_ads")
    assert record.status == "failed"
    assert "2,08154E+10' looks like Excel scientific notation" in record.error
    assert "download the export again" in record.error


def test_an_api_pull_sharing_keys_counts_what_it_combined(settings, tmp_path):
    """Segments summed by the API path too (Meta breakdowns): rows in = loaded + combined."""
    import polars as pl

    from roi.schemas.validate import check_rows, split
    frame = pl.DataFrame({
        "source": ["m"] * 3, "platform": ["meta_ads"] * 3, "date_start": [dt.date(2026, 6, 2)] * 3,
        "date_end": [dt.date(2026, 6, 2)] * 3, "account_id": ["1"] * 3, "account_name": [None] * 3,
        "campaign_id": ["c"] * 3, "campaign_name": ["C"] * 3, "ad_group_id": ["g"] * 3, "ad_group_name": ["G"] * 3,
        "ad_id": ["a", "a", "b"], "ad_name": ["A", "A", "B"], "currency": ["EUR"] * 3,
        "impressions": [1200, 800, 5], "clicks": [18, 11, 0], "spend": [18.40, 11.60, 0.01],
        "conversions": [2.0, None, None], "conversion_value": [90.0, 45.5, None], "reach": [1000, 700, 5],
        "video_views": [None, None, None], "engagements": [None, None, None],
        "_row": [1, 2, 3], "_errors": [[], [], []]},
        schema_overrides={"account_name": pl.Utf8, "video_views": pl.Int64, "engagements": pl.Int64,
                          "_errors": pl.List(pl.Utf8)})
    result = split("ad_performance", check_rows("ad_performance", frame, dt.date(2026, 12, 1)))
    assert result.combined == 1 and result.bad.height == 0
    got = result.good.sort("ad_id").select("ad_id", "impressions", "clicks", "spend", "conversions",
                                           "conversion_value", "reach", "video_views", "_row").rows()
    assert got == [("a", 2000, 29, pytest.approx(30.0), 2.0, pytest.approx(135.5), None, None, 1),
                   ("b", 5, 0, 0.01, None, None, 5, None, 3)]


@pytest.mark.parametrize("table", ["ad_performance", "keyword_performance", "search_term_performance"])
def test_every_ad_metrics_table_gives_its_row_checks_readable_reasons(table):
    """The checks the three tables share read the same in quarantine, whichever model pandera builds first."""
    import polars as pl

    from roi import schemas
    from roi.schemas.validate import check_rows, split
    texts = {"source": "s", "platform": "google_ads", "account_id": "1", "campaign_id": "c", "ad_group_id": "g",
             "ad_id": "a", "keyword": "shoes", "match_type": "exact", "search_term": "red shoes", "currency": "EUR"}
    row = {c: texts.get(c) for c in schemas.columns(table)}
    row.update(date_start=dt.date(2026, 6, 2), date_end=dt.date(2026, 6, 1), impressions=10, clicks=20, spend=1.0)
    frame = pl.DataFrame([row]).with_columns(pl.lit(1, pl.Int64).alias("_row"),
                                             pl.lit([], pl.List(pl.Utf8)).alias("_errors"))
    frame = frame.with_columns(pl.col(c).cast(pl.Utf8) for c in frame.columns if frame[c].dtype == pl.Null)
    [reasons] = split(table, check_rows(table, frame, dt.date(2026, 12, 1))).bad["reasons"].to_list()
    assert "date_start is after date_end" in reasons and "clicks exceed impressions" in reasons
