"""Amazon Ads console reports -> canonical ad_performance rows (English SP daily CSV, Italian SB summary with its
totals row and the currency inside a header, an advertised-product XLSX)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import amazon_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "amazon_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return amazon_ads.normalise(raw, SourceContext(source="amazon", kind="amazon_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_sponsored_products_campaign_report_by_day():
    result = normalise("sp_campaigns_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out["_errors"].to_list() == [[]] * 4
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]  # "Jun 01, 2026"
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["platform"].unique().to_list() == ["amazon_ads"]
    assert out["campaign_name"].to_list() == ["SP - Auto - Espresso", "SP - Exact - moka, 6 cups"] * 2
    # the console gives no ids: one stable id per campaign name, the same on both days
    ids = out["campaign_id"].to_list()
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1] and ids[0].startswith("cmp_")
    assert out["account_id"].to_list() == [stable_key("amazon", prefix="acc_")] * 4
    assert out["ad_group_id"].to_list() == [""] * 4 and out["ad_id"].to_list() == [""] * 4
    assert out["currency"].to_list() == ["USD"] * 4           # "$9.36" with Currency = USD
    assert out["impressions"].to_list() == [1204, 850, 1530, 0]     # "1,204"
    assert out["clicks"].sum() == 18 + 11 + 22 + 0
    assert out["spend"].sum() == pytest.approx(9.36 + 8.91 + 11.00)        # 29.27
    # "7 Day Total Sales " (the console's trailing space) and "7 Day Total Orders (#)"
    assert out["conversion_value"].to_list() == pytest.approx([59.97, 0.0, 79.96, 0.0])
    assert out["conversions"].to_list() == [3.0, 0.0, 4.0, 0.0]
    assert out["reach"].to_list() == [None] * 4 and out["video_views"].to_list() == [None] * 4
    assert result.totals is None


def test_italian_sponsored_brands_ad_groups_over_the_whole_period():
    # the reporting currency is GBP: EUR can only come from "Vendite totali (€) 14 giorni"
    result = normalise("sb_ad_groups_summary_it.csv", reporting_currency="GBP")
    out = result.frame
    valid(out)
    assert out["_errors"].to_list() == [[]] * 3
    assert out["date_start"].to_list() == [D(2026, 6, 1)] * 3          # Data di inizio 01/06/2026
    assert out["date_end"].to_list() == [D(2026, 6, 30)] * 3           # Data di fine 30/06/2026
    assert out["currency"].to_list() == ["EUR"] * 3
    assert out["campaign_name"].to_list() == ["SB - Marchio - Moka Express"] * 2 + ["SB - Video - Già macinato"]
    assert out["ad_group_name"].to_list() == ["Parole chiave marchio", "Categoria caffettiere", "Video 1"]
    assert out["ad_group_id"].n_unique() == 3 and out["campaign_id"].n_unique() == 2
    assert out["impressions"].to_list() == [12480, 3102, 9015]           # "12.480"
    assert out["spend"].to_list() == pytest.approx([88.66, 17.75, 53.35])   # "88,66"
    assert out["conversion_value"].to_list() == pytest.approx([412.30, 29.90, 0.0])
    assert out["conversions"].to_list() == [11.0, 1.0, 0.0]                  # Totale ordini (#) 14 giorni
    # the "Totale" row is the report's sum, not an ad group: 88,66 + 17,75 + 53,35 = 159,76
    assert result.totals_label == "Totale"
    assert result.totals == pytest.approx({"impressions": 24597, "clicks": 265, "spend": 159.76, "conversions": 12,
                                           "conversion_value": 442.20})
    assert reconcile(out, result.totals, result.totals_label) is None


def test_advertised_products_xlsx_is_the_ad_level():
    out = normalise("sp_advertised_products_daily.xlsx").frame
    valid(out)
    assert out["_errors"].to_list() == [[]] * 3
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2)]
    assert out["ad_name"].to_list() == ["MOKA-3", "MOKA-6", "MOKA-3"]               # Advertised SKU
    ads = out["ad_id"].to_list()
    assert ads[0] == ads[2] != ads[1] and ads[0].startswith("ad_")
    assert out["ad_group_id"].n_unique() == 1 and out["campaign_id"].n_unique() == 1
    assert out["currency"].to_list() == ["EUR"] * 3
    assert out["spend"].sum() == pytest.approx(13.75 + 4.95 + 11.34)        # 30.04
    assert out["impressions"].sum() == 2210 + 1105 + 1980
    assert out["conversion_value"].sum() == pytest.approx(89.7 + 59.8)
    assert out["conversions"].sum() == 5.0


def test_a_report_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "campaigns.csv"
    path.write_text("Campaign Name,Impressions,Clicks,Spend\nSP - Auto,100,3,1.50\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Amazon Ads"):
        normalise(path)
