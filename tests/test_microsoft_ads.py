"""Microsoft Advertising report downloads -> canonical ad_performance rows (header lines, footer, Italian UI)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import microsoft_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "microsoft_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return microsoft_ads.normalise(raw, SourceContext(source="bing", kind="microsoft_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_daily_download_with_header_lines_total_and_footer():
    result = normalise("campaign_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["account_id"].to_list() == ["F123ABCD"] * 4                 # the account number
    assert out["campaign_id"].to_list() == ["501234567", "501234568"] * 2
    assert out["campaign_name"].to_list() == ["Brand - Exact", "Generic, broad"] * 2
    assert out["impressions"].to_list() == [1234, 980, 1102, 0]             # "1,234"
    assert out["spend"].sum() == pytest.approx(30.80 + 13.20 + 31.72 + 0.00)
    assert out["conversions"].to_list() == [3.0, None, 4.5, 0.0]            # "" is missing
    assert out["conversion_value"].to_list() == [150.0, None, 212.4, 0.0]
    assert out["reach"].to_list() == [None] * 4
    assert out["_row"].to_list() == [8, 9, 10, 11]
    assert out["_errors"].to_list() == [[]] * 4
    # the export's own Total row adds up to the rows
    assert result.totals_label == "Total"
    assert result.totals == {"impressions": 3316, "clicks": 129, "spend": 75.72, "conversions": 7.5,
                             "conversion_value": 362.4}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_whole_period_download_takes_the_report_time_line():
    out = normalise("campaign_period_tsv.csv").frame
    valid(out)
    assert list(zip(out["date_start"], out["date_end"])) == [(D(2026, 6, 1), D(2026, 6, 30))] * 2
    assert out["conversion_value"].to_list() == [4120.0, 6630.75]           # "4,120.00"
    assert out["conversions"].to_list() == [97.0, 55.25]
    account = stable_key("Acme IT", prefix="acc_")
    assert out["account_id"].to_list() == [account] * 2
    assert out["campaign_id"].to_list() == [stable_key(account, "Brand - Exact", prefix="cmp_"),
                                            stable_key(account, "Shopping IT", prefix="cmp_")]


def test_italian_ad_group_download_with_decimal_commas():
    out = normalise("adgroup_daily_it.csv").frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]   # dd/mm/yyyy
    assert out["ad_group_id"].to_list() == ["7001", "7001", "7002"]
    assert out["ad_group_name"].to_list() == ["Scarpe donna €", "Scarpe donna €", "Borse"]  # cp1252
    assert out["impressions"].to_list() == [2310, 1980, None]
    assert out["spend"].to_list() == [38.90, 1034.10, None]
    assert out["conversion_value"].to_list() == [96.0, 150.5, None]
    assert out["ad_id"].to_list() == [""] * 3


def test_report_time_line_forms():
    assert microsoft_ads.report_period(["Report Time: 6/10/2026,6/16/2026"]) == (D(2026, 6, 10), D(2026, 6, 16))
    assert microsoft_ads.report_period(["Report Time: 6/10/2026"]) == (D(2026, 6, 10), D(2026, 6, 10))
    assert microsoft_ads.report_period(['"Ora del report: 10/06/2026,16/06/2026"'], "dmy") == (
        D(2026, 6, 10), D(2026, 6, 16))
    assert microsoft_ads.report_period(["Report Name: x"]) is None


def test_a_download_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "nodates.csv"
    path.write_text("Campaign name,Impr.,Clicks,Spend\nBrand,100,3,1.50\n", encoding="utf-8")
    out = normalise(path).frame
    assert out.height == 1
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_hourly_time_period_is_read_as_its_day(tmp_path):
    path = tmp_path / "hourly.csv"
    path.write_text('"TimePeriod","CampaignName","Impressions","Clicks","Spend"\n'
                    '"2026-06-01|01","Brand","10","1","0.50"\n"2026-06-01|02","Brand","12","1","0.70"\n',
                    encoding="utf-8")
    out = normalise(path).frame
    assert out["date_start"].to_list() == [D(2026, 6, 1)] * 2
    assert out["spend"].sum() == pytest.approx(1.20)


def test_hourly_download_24_hours_of_one_day_are_that_day():
    result = normalise("campaign_hourly.csv")
    out = result.frame
    assert out.height == 24 and out["_errors"].to_list() == [[]] * 24   # summed to the day at load (one key)
    assert set(out["date_start"]) == {D(2023, 11, 11)} and set(out["date_end"]) == {D(2023, 11, 11)}
    assert out["impressions"].sum() == 24 * 10 + sum(range(24))          # 516
    assert out["clicks"].sum() == 8 * (0 + 1 + 2)                        # 24
    assert out["spend"].sum() == pytest.approx(0.25 * sum(range(24)))    # 69.00
    assert out["currency"].to_list() == ["USD"] * 24 and result.warnings == []
    assert reconcile(out, result.totals, result.totals_label) is None


def test_hours_of_two_saturdays_stay_days_not_weeks(tmp_path):
    path = tmp_path / "hourly.csv"
    path.write_text('"TimePeriod","CampaignName","Impressions","Clicks","Spend"\n'
                    '"2023-11-11|1","Brand","10","1","0.50"\n"2023-11-18|1","Brand","12","1","0.70"\n',
                    encoding="utf-8")
    result = normalise(path)
    assert result.frame.select("date_start", "date_end").rows() == [(D(2023, 11, 11), D(2023, 11, 11)),
                                                                    (D(2023, 11, 18), D(2023, 11, 18))]
    assert result.warnings == []


def test_weekly_time_periods_are_week_rows_clipped_to_the_report():
    result = normalise("campaign_weekly.csv")
    out = result.frame
    valid(out)
    # Report Time 11/1/2023 (a Wednesday) - 11/30/2023; the weeks start on Sundays
    assert out.select("date_start", "date_end").rows() == [
        (D(2023, 11, 1), D(2023, 11, 4)), (D(2023, 11, 5), D(2023, 11, 11)), (D(2023, 11, 12), D(2023, 11, 18)),
        (D(2023, 11, 19), D(2023, 11, 25)), (D(2023, 11, 26), D(2023, 11, 30))]
    assert out["spend"].sum() == pytest.approx(9.00 + 21.00 + 22.50 + 19.00 + 15.00)
    assert result.warnings and result.warnings[0].startswith("weekly time periods: rows loaded as week totals")
    daily = normalise("campaign_weekly.csv", options={"aggregation": "daily"})   # the source says they are days
    assert daily.frame["date_end"].to_list() == daily.frame["date_start"].to_list() and daily.warnings == []


def test_monthly_time_periods_in_each_form_microsoft_writes():
    out = normalise("campaign_monthly.csv").frame
    valid(out)
    # "2023-10", "November 2023", "2023-12-01" within Report Time 10/15/2023 - 12/20/2023
    assert out.select("date_start", "date_end").rows() == [
        (D(2023, 10, 15), D(2023, 10, 31)), (D(2023, 11, 1), D(2023, 11, 30)), (D(2023, 12, 1), D(2023, 12, 20))]
    assert out["spend"].to_list() == pytest.approx([30.00, 37.50, 15.00])


def test_month_first_days_are_months_and_the_aggregation_option(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text('"TimePeriod","CampaignName","Impressions","Clicks","Spend"\n'
                    '"2023-10-01","Brand","10","1","1.00"\n"2023-11-01","Brand","12","1","2.00"\n', encoding="utf-8")
    out = normalise(path).frame
    assert out.select("date_start", "date_end").rows() == [(D(2023, 10, 1), D(2023, 10, 31)),
                                                           (D(2023, 11, 1), D(2023, 11, 30))]
    path.write_text('"TimePeriod","CampaignName","Impressions","Clicks","Spend"\n'
                    '"2023-11-06","Brand","10","1","1.00"\n', encoding="utf-8")
    assert normalise(path).frame.select("date_start", "date_end").rows() == [(D(2023, 11, 6), D(2023, 11, 6))]
    out = normalise(path, options={"aggregation": "weekly"}).frame           # one week: only the option can say
    assert out.select("date_start", "date_end").rows() == [(D(2023, 11, 6), D(2023, 11, 12))]
    with pytest.raises(ValueError, match="aggregation = 'fortnightly'"):
        normalise(path, options={"aggregation": "fortnightly"})


def test_an_hour_of_day_column_is_a_segment_rows_stay_per_day():
    result = normalise("campaign_daily_hour_of_day.csv")
    out = result.frame
    assert out["_errors"].to_list() == [[]] * 3                # hours of one day share its key: summed at load
    assert out.select("date_start", "date_end").rows() == [(D(2023, 11, 11), D(2023, 11, 11))] * 2 + [
        (D(2023, 11, 12), D(2023, 11, 12))]
    assert out["spend"].to_list() == pytest.approx([2.00, 2.50, 1.50]) and result.warnings == []


def test_spend_cells_with_a_dollar_sign_take_the_source_currency(tmp_path):
    path = tmp_path / "dollars.csv"
    path.write_text('"Time period","Campaign name","Impr.","Clicks","Spend"\n'
                    '"6/1/2026","Brand","100","4","$2.50"\n', encoding="utf-8")
    out = normalise(path, currency="CAD").frame
    assert out["currency"].to_list() == ["CAD"] and out["spend"].to_list() == [2.5] and out["_errors"][0].len() == 0
    assert normalise(path).frame["_errors"].to_list() == [[
        "spend: '$' is ambiguous (USD, AUD, CAD …): set currency = \"USD\" for this source in roi.toml"]]

