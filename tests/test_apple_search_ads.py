"""Apple Ads report downloads -> canonical ad_performance rows (English daily CSV with a Total row, an Italian
whole-period ad group CSV without ids, a German ad-level XLSX)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import apple_search_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "apple_search_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return apple_search_ads.normalise(raw, SourceContext(source="asa", kind="apple_search_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_daily_campaign_report_with_a_total_row():
    result = normalise("campaigns_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.height == 4                                           # the Total row is not a campaign
    assert out["platform"].to_list() == ["apple_search_ads"] * 4
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]  # 06/01 = 1 June
    assert out["campaign_id"].to_list() == ["1466723651", "1466723999"] * 2
    assert out["campaign_name"].to_list() == ["Brand - US", "Competitors, US"] * 2
    assert out["ad_group_id"].to_list() == [""] * 4 and out["ad_id"].to_list() == [""] * 4
    assert out["currency"].to_list() == ["USD"] * 4
    assert out["spend"].sum() == pytest.approx(120.50 + 80.25 + 98.10 + 0.00)      # 298.85
    assert out["impressions"].to_list() == [4210, 2005, 3900, 0]                   # "4,210"
    assert out["clicks"].to_list() == [127, 50, 109, 0]                            # Taps
    assert out["conversions"].to_list() == [46.0, 13.0, 39.0, 0.0]                 # Installs (Total), not tap-through
    assert out["conversion_value"].to_list() == [None] * 4                          # Apple reports no revenue
    assert out["account_id"].to_list() == [stable_key("asa", prefix="acc_")] * 4
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals_label == "Total"
    assert result.totals == {"impressions": 10115, "clicks": 286, "spend": 298.85, "conversions": 98}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_tap_through_installs_as_conversions_when_roi_toml_says_so():
    out = normalise("campaigns_daily_en.csv", columns={"conversions": "Installs (Tap-Through)"}).frame
    assert out["conversions"].to_list() == [40.0, 11.0, 35.0, 0.0]                 # 86 in all, not 98


def test_italian_whole_period_ad_groups_without_ids_take_the_date_range_line():
    result = normalise("adgroups_period_it.csv")
    out = result.frame
    valid(out)
    assert out.height == 3                                                         # "Totale" is the summary
    assert set(out["date_start"]) == {D(2026, 6, 1)} and set(out["date_end"]) == {D(2026, 6, 30)}
    assert out["currency"].to_list() == ["EUR"] * 3                               # "Spesa (EUR)"
    assert out["spend"].to_list() == pytest.approx([1234.56, 310.40, 0.99])       # "1.234,56"
    assert out["impressions"].to_list() == [45210, 12004, 120]                    # "45.210"
    assert out["clicks"].to_list() == [1502, 388, 2]                              # Tap "1.502"
    assert out["conversions"].to_list() == [410.0, 97.0, 0.0]
    assert out["ad_group_name"].to_list() == ["Esatta", "Search Match", "Ampia"]
    # no ids in the file: stable ids from the names, the same campaign twice, each ad group its own
    assert out["campaign_id"].n_unique() == 2 and out["campaign_id"][0] == out["campaign_id"][1]
    assert all(i.startswith("cmp_") for i in out["campaign_id"]) and out["ad_group_id"].n_unique() == 3
    assert out["ad_id"].to_list() == [""] * 3
    assert result.totals == {"impressions": 57334, "clicks": 1892, "spend": 1545.95, "conversions": 507}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_german_ad_level_xlsx():
    result = normalise("ads_daily_de.xlsx")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2)]   # "01.06.2026"
    assert out["campaign_id"].to_list() == ["1500000001"] * 3
    assert out["ad_group_id"].to_list() == ["1600000001"] * 3
    assert out["ad_id"].to_list() == ["1700000001", "1700000002", "1700000001"]
    assert out["ad_name"].to_list() == ["Standard-Produktseite", "CPP Sommer", "Standard-Produktseite"]
    assert out["currency"].to_list() == ["EUR"] * 3                               # Währung
    assert out["spend"].sum() == pytest.approx(45.30 + 12.70 + 51.00)              # 109.00
    assert out["impressions"].sum() == 1800 + 650 + 2010
    assert out["clicks"].sum() == 61 + 22 + 70
    assert out["conversions"].sum() == 19 + 5 + 24
    assert result.totals is None


def test_a_report_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign Name,Spend,Impressions,Taps\nBrand,10.00,1000,12\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Apple Ads"):
        normalise(path)


def test_normalise_api_takes_the_org_currency_when_a_day_names_none():
    """Records as roi.sources.apple_search_ads.fetch writes them: text cells, money split into amount and currency."""
    from roi.transforms.apple_search_ads import normalise_api
    records = pl.DataFrame({
        "org_id": ["4040404"] * 3, "org_name": ["Acme"] * 3, "org_currency": ["USD"] * 3,
        "org_timezone": ["America/New_York"] * 3, "campaign_id": ["111"] * 3, "campaign_name": ["Brand"] * 3,
        "date": ["2026-06-01", "2026-06-02", "2026-06-03"], "impressions": ["100", "200", "300"],
        "taps": ["5", "6", "x"], "localSpend": ["1.25", "2.50", "3.75"], "localSpend_currency": ["gbp", None, None],
        "totalInstalls": ["1", "2", "3"]}).with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    out = normalise_api(records, SourceContext(source="asa", kind="apple_search_ads")).frame
    assert out["currency"].to_list() == ["GBP", "USD", "USD"]        # the day's, else the org's (not the EUR default)
    assert out["spend"].to_list() == [1.25, 2.50, 3.75] and out["conversions"].to_list() == [1.0, 2.0, 3.0]
    assert out["account_id"].to_list() == ["4040404"] * 3 and out["ad_group_id"].to_list() == [""] * 3
    assert out["_errors"].to_list() == [[], [], ["taps: 'x' is not a number"]]
