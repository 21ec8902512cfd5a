"""Pinterest Ads Manager reporting exports -> canonical ad_performance rows (ad-level daily CSV as Ads Manager
writes it, a campaign XLSX with a totals row and the currency in a header, an Italian whole-period CSV)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import pinterest_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "pinterest_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return pinterest_ads.normalise(raw, SourceContext(source="pins", kind="pinterest_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_ad_level_daily_export_as_ads_manager_writes_it():
    """'Spend in account currency' names no currency: the source's currency; no campaign or ad group ids."""
    result = normalise("ads_daily_en.csv", currency="AUD")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out["date_start"].to_list() == [D(2026, 6, 16), D(2026, 6, 16), D(2026, 6, 17), D(2026, 6, 17)]
    assert out["platform"].to_list() == ["pinterest_ads"] * 4
    assert out["currency"].to_list() == ["AUD"] * 4
    assert out["ad_id"].to_list() == ["PP687311400001", "PP687311400002"] * 2          # kept as exported
    assert out["ad_name"].to_list() == ["Spring Sale | Bassinet", "Spring Sale | Change mat, floor"] * 2
    # no ids in the export: one derived id per campaign and ad group name, under the source's account
    assert out["campaign_id"].unique().to_list() == [out["campaign_id"][0]]
    assert out["campaign_id"][0].startswith("cmp_") and out["ad_group_id"][0].startswith("adg_")
    assert out["account_id"].to_list() == [stable_key("pins", prefix="acc_")] * 4
    assert out["spend"].sum() == pytest.approx(7.48 + 10.78 + 9.95 + 0)                # 28.21
    assert out["impressions"].to_list() == [578, 747, 595, 12]
    assert out["clicks"].to_list() == [8, 13, 7, 0]                                   # Pin clicks
    assert out["conversions"].to_list() == [0.0, 20.0, 6.0, 0.0]                      # Checkout, not Add to cart
    assert out["conversion_value"].sum() == pytest.approx(2251.00 + 749.00)           # 3000.00
    assert out["reach"].to_list() == [527, 702, 532, 12]
    assert out["engagements"].sum() == 8 + 13 + 8 + 0
    assert out["video_views"].to_list() == [None] * 4                                 # not in the export
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals is None


def test_another_conversion_event_through_columns():
    out = normalise("ads_daily_en.csv", currency="AUD", columns={
        "conversions": "Total conversions (Add to cart)", "conversion_value": "Total order value (Add to cart)"}).frame
    assert out["conversions"].to_list() == [2.0, 0.0, 1.0, 0.0]
    assert out["conversion_value"].sum() == pytest.approx(139.90 + 69.98)


def test_without_a_currency_the_rows_take_the_reporting_currency():
    out = normalise("ads_daily_en.csv").frame
    assert out["currency"].to_list() == ["EUR"] * 4


def test_campaign_xlsx_with_a_totals_row_and_the_currency_in_a_header():
    result = normalise("campaigns_daily_en.xlsx")
    out = result.frame
    valid(out)
    assert out.height == 3                                        # the "Total" row is not a campaign
    assert out["currency"].to_list() == ["USD"] * 3               # "Spend in account currency (USD)"
    # a campaign called "Totale estate" is a campaign, not a totals row
    assert out["campaign_name"].to_list() == ["Summer Tables", "Totale estate", "Summer Tables"]
    assert out["campaign_id"].to_list() == ["626736533506", "626736533507", "626736533506"]
    assert out["ad_group_id"].to_list() == [""] * 3 and out["ad_id"].to_list() == [""] * 3
    assert out["spend"].to_list() == pytest.approx([120.40, 10.00, 98.60])
    assert out["impressions"].to_list() == [40100, 1000, 35050]
    assert out["clicks"].to_list() == [520, 8, 470]                # Pin clicks, not Outbound clicks
    assert out["video_views"].to_list() == [0, 950, 0]
    assert result.totals_label == "Total"
    assert result.totals == {"impressions": 76150, "clicks": 998, "spend": 229.00, "conversions": 21,
                             "conversion_value": 1470.50}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_italian_whole_period_ad_group_export():
    """Semicolons, comma decimals and dot thousands; the period from the line above the header."""
    out = normalise("ad_groups_period_it.csv").frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 5, 1)] * 2 and out["date_end"].to_list() == [D(2026, 5, 31)] * 2
    assert out["currency"].to_list() == ["EUR", "EUR"]             # the Valuta column
    assert out["campaign_id"].to_list() == ["626736533600"] * 2
    assert out["ad_group_id"].to_list() == ["2680059592700", "2680059592701"]
    assert out["ad_group_name"].to_list() == ["Arredo casa", "Giardino"]
    assert out["spend"].sum() == pytest.approx(1234.56 + 65.44)   # 1300.00
    assert out["impressions"].sum() == 98765 + 4321
    assert out["clicks"].sum() == 1234 + 88
    assert out["reach"].to_list() == [54321, 3900]
    assert out["engagements"].to_list() == [2100, 120]
    assert out["conversions"].sum() == 47
    assert out["conversion_value"].sum() == pytest.approx(3456.78 + 99.90)


def test_export_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign name,Spend in account currency,Impressions,Pin clicks\nSummer,10.00,1000,12\n",
                    encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Pinterest"):
        normalise(path)
