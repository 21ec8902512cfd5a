"""TikTok Ads Manager exports -> canonical ad_performance rows (CSV with a summary row, Italian XLSX)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import tiktok_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "tiktok_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return tiktok_ads.normalise(raw, SourceContext(source="tiktok", kind="tiktok_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_ad_level_daily_export():
    result = normalise("ads_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.height == 4                                          # the "Total of 4 results" row is not an ad
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["campaign_id"].to_list() == ["1790000000000000001"] * 4        # 19-digit ids kept exactly
    assert out["ad_group_id"].to_list() == ["1790000000000000101"] * 4
    assert out["ad_id"].to_list() == ["1790000000000001001", "1790000000000001002"] * 2
    assert out["ad_name"].to_list() == ['Hook "wait for it"\nv1', "Creator duet"] * 2
    assert out["campaign_name"].to_list() == ["Summer Drop 🌞"] * 4
    assert out["currency"].to_list() == ["EUR"] * 4
    assert out["spend"].sum() == pytest.approx(25.50 + 14.25 + 31.05 + 0.00)   # 70.80
    assert out["impressions"].to_list() == [12400, 6100, 15020, 0]             # "12,400"
    assert out["clicks"].to_list() == [130, 41, 162, 0]                        # Clicks (destination)
    assert out["conversions"].to_list() == [4.0, 1.0, 6.0, 0.0]
    assert out["conversion_value"].sum() == pytest.approx(199.60 + 49.90 + 310.35)
    assert out["reach"].to_list() == [10120, 5200, 12450, 0]
    assert out["video_views"].to_list() == [8800, 4100, 10300, 0]
    assert out["account_id"].to_list() == [stable_key("tiktok", prefix="acc_")] * 4
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals_label == "Total of 4 results"
    assert result.totals == {"impressions": 33520, "clicks": 333, "spend": 70.80, "conversions": 11,
                             "conversion_value": 559.85}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_italian_xlsx_with_currency_in_the_cost_header():
    result = normalise("campaigns_daily_it.xlsx")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["currency"].to_list() == ["EUR"] * 3                          # "Costo (EUR)"
    assert out["spend"].to_list() == pytest.approx([120.4, 98.6, 10.0])
    assert out["impressions"].to_list() == [40100, 35050, 1000]
    assert out["clicks"].to_list() == [520, 470, 8]
    assert out["conversion_value"].to_list() == pytest.approx([840.0, 630.5, 0.0])
    assert out["reach"].to_list() == [30500, 27000, 900]
    # a campaign called "Totale estate" is a campaign, not a totals row
    assert out["campaign_name"].to_list() == ["Saldi Estate", "Saldi Estate", "Totale estate"]
    assert out["campaign_id"].to_list() == ["1790000000000000777", "1790000000000000777", "1790000000000000778"]
    assert out["ad_group_id"].to_list() == [""] * 3 and out["ad_id"].to_list() == [""] * 3
    assert result.totals is None


def test_export_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign name,Cost,Impressions,Clicks (destination)\nSummer,10.00,1000,12\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="TikTok"):
        normalise(path)


def test_kronor_in_cost_cells_take_the_source_currency(tmp_path):
    path = tmp_path / "kr.csv"
    path.write_text("Date,Campaign name,Impressions,Clicks,Cost\n2026-06-01,Sommar,100,4,\"12,50 kr\"\n",
                    encoding="utf-8")
    out = normalise(path, currency="SEK").frame
    assert out["currency"].to_list() == ["SEK"] and out["spend"].to_list() == [12.5]
    out = normalise(path).frame                                    # kr: SEK, NOK or DKK: the source must say
    assert out["currency"].to_list() == [None]
    assert out["_errors"].to_list() == [["spend: 'kr' is ambiguous (SEK, NOK, DKK …): set currency = \"SEK\" for "
                                         "this source in roi.toml"]]

