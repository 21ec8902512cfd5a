"""Meta Ads Manager exports -> canonical ad_performance rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import meta_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key

FIXTURES = Path(__file__).parent / "fixtures" / "meta_ads"
D = dt.date


def normalise(name, **options):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return meta_ads.normalise(raw, SourceContext(source="meta", kind="meta_ads", options=options))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_daily_ad_level_export():
    result = normalise("ads_daily_en_bom.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["account_id"].to_list() == ["1234567890"] * 3
    assert out["campaign_id"].to_list() == ["23850000000000001"] * 3          # long ids kept exactly
    assert out["ad_group_id"].to_list() == ["23850000000000011"] * 3
    assert out["ad_id"].to_list() == ["23850000000000111", "23850000000000112", "23850000000000111"]
    assert out["ad_name"].to_list() == ["🔥 Hot deal\ntwo lines", "Plain ad", "🔥 Hot deal\ntwo lines"]
    assert out["ad_group_name"].to_list() == ["Lookalike 1%"] * 3
    assert out["currency"].to_list() == ["USD"] * 3                          # from "Amount spent (USD)"
    assert out["impressions"].to_list() == [1500, 800, 1700]
    assert out["reach"].to_list() == [1200, 700, 1300]
    assert out["clicks"].to_list() == [30, None, 34]                          # Link clicks, not Clicks (all)
    assert out["spend"].sum() == pytest.approx(25.50 + 10.25 + 28.75)
    assert out["conversions"].to_list() == [2.0, None, 1.0]                   # Purchases; empty = null
    assert out["conversion_value"].to_list() == [120.0, None, 60.0]
    assert out["video_views"].to_list() == [300, 100, 350]
    assert out["engagements"].to_list() == [60, 20, 70]
    assert out["_row"].to_list() == [2, 3, 4]
    assert out["_errors"].to_list() == [[]] * 3
    assert result.totals is None


def test_italian_period_export_with_decimal_commas():
    out = normalise("campaigns_it.csv").frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1)] * 2 and out["date_end"].to_list() == [D(2026, 6, 30)] * 2
    assert out["campaign_name"].to_list() == ["Saldi Estate", "Brand Awareness"]
    assert out["currency"].to_list() == ["EUR", "EUR"]                        # "Importo speso (EUR)"
    assert out["spend"].to_list() == pytest.approx([123.45, 1050.00])
    assert out["impressions"].to_list() == [21400, 9050]
    assert out["reach"].to_list() == [15230, 8100]
    assert out["clicks"].to_list() == [310, 95]
    assert out["conversions"].to_list() == [12.0, None]                       # Risultati
    account = stable_key("meta", prefix="acc_")
    assert out["campaign_id"].to_list() == [stable_key(account, "Saldi Estate", prefix="cmp_"),
                                            stable_key(account, "Brand Awareness", prefix="cmp_")]
    assert out["ad_group_id"].to_list() == ["", ""] and out["ad_id"].to_list() == ["", ""]


def test_configured_conversion_column():
    out = normalise("ads_daily_en_bom.csv", conversion_column="Post engagement").frame
    assert out["conversions"].to_list() == [60.0, 20.0, 70.0]
    assert out["conversion_value"].to_list() == [None, None, None]


def test_no_data_available_export_has_no_rows():
    result = normalise("nodata.csv")
    assert result.frame.height == 0
    assert result.frame.columns == schemas.columns("ad_performance") + ["_row", "_errors"]


def test_summary_row_is_the_totals_not_a_row(tmp_path):
    path = tmp_path / "summary.csv"
    path.write_text("Campaign name,Reporting starts,Reporting ends,Impressions,Amount spent (EUR)\n"
                    ",2026-06-01,2026-06-30,300,30.00\n"
                    "A,2026-06-01,2026-06-30,100,10.00\n"
                    "B,2026-06-01,2026-06-30,200,20.00\n", encoding="utf-8")
    result = normalise(path)
    assert result.frame["campaign_name"].to_list() == ["A", "B"]
    assert result.totals == {"impressions": 300, "spend": 30.0} and result.totals_label == "Summary row"


def test_a_row_without_campaign_that_is_not_a_summary_stays_with_a_reason(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("Campaign name,Day,Impressions,Amount spent (EUR)\n"
                    ",2026-06-01,5,1.00\n"
                    "A,2026-06-01,100,10.00\n", encoding="utf-8")
    out = normalise(path).frame
    assert out.height == 2
    assert out["_errors"].to_list() == [["campaign: missing name and id"], []]


def test_pound_signs_in_amount_spent_make_the_rows_gbp():
    out = normalise("campaigns_gbp_symbol.csv").frame                     # no currency column, no "(GBP)"
    valid(out)
    assert out["currency"].to_list() == ["GBP"] * 3                       # not the reporting EUR
    assert out["spend"].to_list() == pytest.approx([365.22, 150.00, 0.99])
    assert out["_errors"].to_list() == [[]] * 3

