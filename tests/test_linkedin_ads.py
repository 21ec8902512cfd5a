"""LinkedIn Campaign Manager exports -> canonical ad_performance rows (UTF-16 TSV, monthly, empty exports)."""
import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import linkedin_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key

FIXTURES = Path(__file__).parent / "fixtures" / "linkedin_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return linkedin_ads.normalise(raw, SourceContext(source="li", kind="linkedin_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_daily_campaign_export_utf16_tab():
    result = normalise("campaign_daily_utf16.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["platform"].to_list() == ["linkedin_ads"] * 4
    # the LinkedIn campaign is the canonical campaign; LinkedIn has no ad group level
    assert out["campaign_id"].to_list() == ["211001", "211002", "211001", "211002"]
    assert out["campaign_name"].to_list() == ["Lead Gen – CFO 🇮🇹", 'Retargeting "Q2"'] * 2
    assert out["ad_group_id"].to_list() == [""] * 4 and out["ad_id"].to_list() == [""] * 4
    assert out["account_name"].to_list() == ["Acme Italia S.r.l."] * 4
    assert out["account_id"].to_list() == [stable_key("Acme Italia S.r.l.", prefix="acc_")] * 4   # no Account ID
    assert out["currency"].to_list() == ["EUR"] * 4
    assert out["spend"].sum() == pytest.approx(123.45 + 45.10 + 98.76 + 1045.20)            # 1312.51
    assert out["impressions"].to_list() == [10500, 3200, 9100, 25000]
    assert out["clicks"].to_list() == [87, 21, 75, 310]
    assert out["conversions"].to_list() == [4.0, 0.0, 3.0, 11.0]
    assert out["conversion_value"].sum() == pytest.approx(480.00 + 360.00 + 1320.50)
    assert out["engagements"].to_list() == [140, 30, 121, 402]
    assert out["video_views"].to_list() == [0, 800, 0, 5600]
    assert out["reach"].to_list() == [7200, 2100, 6900, 9800]
    assert out["_row"].to_list() == [7, 8, 9, 10]          # spreadsheet rows: 4 preamble lines, a blank, the header
    assert out["_errors"].to_list() == [[]] * 4
    assert result.warnings == []


def test_monthly_creative_export_becomes_month_rows_clipped_to_the_report_period():
    result = normalise("creative_monthly.csv")
    out = result.frame
    valid(out)
    assert list(zip(out["date_start"], out["date_end"])) == [
        (D(2026, 5, 15), D(2026, 5, 31)), (D(2026, 6, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 7, 10))]
    assert out["ad_id"].to_list() == ["880001", "880001", "880002"]
    assert out["ad_name"].to_list() == ['Carousel "Guida", v2', 'Carousel "Guida", v2', "Video 15s"]
    assert out["campaign_id"].to_list() == ["211003"] * 3
    assert out["spend"].to_list() == pytest.approx([200.00, 310.50, 99.90])
    assert out["engagements"].to_list() == [260, 330, None]          # "--" is missing, not zero
    assert "monthly" in result.warnings[0]


def test_whole_period_export_is_one_period_row(tmp_path):
    path = tmp_path / "all_time.csv"
    path.write_text('Campaign Performance Report (in UTC)\n"Report Start: June 1, 2026, 12:00 AM"\n'
                    '"Report End: June 30, 2026, 11:59 PM"\n\n'
                    'Start Date (in UTC),Account Name,Campaign Name,Campaign ID,Currency,Total Spent,Impressions,'
                    'Clicks\n'
                    '6/1/2026,Acme,Brand,1,USD,"1,234.50",50000,400\n6/1/2026,Acme,Leads,2,USD,10.00,900,3\n',
                    encoding="utf-8")
    result = normalise(path)
    out = result.frame
    assert list(zip(out["date_start"], out["date_end"])) == [(D(2026, 6, 1), D(2026, 6, 30))] * 2
    assert out["spend"].to_list() == [1234.5, 10.0] and out["currency"].to_list() == ["USD", "USD"]
    assert "no daily breakdown" in result.warnings[0]


def test_preamble_only_export_has_no_rows():
    result = normalise("empty_utf16.csv")
    assert result.frame.height == 0
    assert result.frame.columns == schemas.columns("ad_performance") + ["_row", "_errors"]


def test_preamble_only_export_loads_zero_rows_without_error(tmp_path, tmp_path_factory):
    from roi.pipeline.runs import ingest_files
    from roi.pipeline.config import load_settings
    template = tmp_path_factory.getbasetemp() / "roi_empty_warehouse" / "roi.duckdb"
    if template.is_file():                   # built by the API tests of this session: skip rebuilding the views
        (tmp_path / "data").mkdir()
        shutil.copyfile(template, tmp_path / "data" / "roi.duckdb")
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "data/roi.duckdb"\n', encoding="utf-8")
    settings = load_settings(tmp_path / "roi.toml")
    [record] = ingest_files(settings, [FIXTURES / "empty_utf16.csv"], "linkedin_ads", "li")
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.window_start, record.window_end) == (
        0, 0, D(2026, 7, 1), D(2026, 7, 31))


def test_bad_cells_are_reasons_not_drops(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Start Date (in UTC),Campaign Name,Currency,Total Spent,Impressions,Clicks\n"
                    "6/1/2026,Brand,EURO,12.00,1000,10\n6/31/2026,Brand,EUR,abc,10.5,1\n", encoding="utf-8")
    out = normalise(path).frame
    assert out.height == 2
    assert out["_errors"].to_list() == [
        ["currency: 'EURO' is not a currency code"],
        ["start date: '6/31/2026' is not a date", "impressions: '10.5' is not a whole number",
         "spend: 'abc' is not a number"]]


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Campaign Manager"):
        normalise(path)


def test_column_override_from_roi_toml(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Start Date (in UTC),Campaign Name,Total Spent,Impressions,Clicks,Conversions,Leads\n"
                    "6/1/2026,Lead gen,50.00,2000,20,0,6\n", encoding="utf-8")
    assert normalise(path, columns={"conversions": "Leads"}).frame["conversions"].to_list() == [6.0]


def test_a_dollar_mark_resolved_by_the_currency_column(tmp_path):
    path = tmp_path / "aud.csv"
    path.write_text("Start Date,Campaign Name,Currency,Impressions,Clicks,Total Spent\n"
                    "6/1/2026,Brand,AUD,100,4,$12.50\n6/1/2026,Other,EUR,50,1,$3.00\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["currency"].to_list() == ["AUD", None] and out["spend"].to_list() == [12.5, 3.0]
    assert out["_errors"].to_list()[1] == ["spend: '$' is one of USD, AUD, CAD … but currency says EUR — the "
                                           "amounts and the currency disagree: export the report again"]
    path.write_text("Start Date,Campaign Name,Impressions,Clicks,Total Spent\n6/1/2026,Brand,100,4,$12.50\n",
                    encoding="utf-8")
    out = normalise(path, currency="USD").frame                    # no currency column: the source's currency
    assert out["currency"].to_list() == ["USD"] and out["_errors"].to_list() == [[]]

