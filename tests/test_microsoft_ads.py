"""Microsoft Advertising report downloads -> canonical ad_performance rows (header lines, footer, Italian UI)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import schemas
from sources.files import read_export
from transforms import microsoft_ads
from transforms.context import SourceContext
from transforms.ids import stable_key
from transforms.totals import reconcile

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
