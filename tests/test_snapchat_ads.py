"""Snapchat Ads Manager exports -> canonical ad_performance rows (English ad-level CSV with a totals row,
French whole-period XLSX, German ad-set CSV with decimal commas)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import snapchat_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "snapchat_ads"
D = dt.date
C1 = "c1000000-0000-4000-8000-000000000001"
S1, S2 = "5a000000-0000-4000-8000-000000000011", "5a000000-0000-4000-8000-000000000022"


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return snapchat_ads.normalise(raw, SourceContext(source="snap", kind="snapchat_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_ad_level_daily_export_with_a_totals_row():
    result = normalise("ads_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.height == 4                                               # "Total" is not an ad
    # "End time" 2026-06-02 00:00:00 closes 1 June: each row is one day
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["campaign_id"].to_list() == [C1] * 3 + ["c1000000-0000-4000-8000-000000000002"]
    assert out["ad_group_id"].to_list() == [S1] * 3 + [S2]
    assert out["ad_name"].to_list() == ["Lens teaser", 'Story ad "v2"', "Lens teaser", "Collection ad"]
    ad_ids = out["ad_id"].to_list()
    assert ad_ids[0] == ad_ids[2] == "ad000000-0000-4000-8000-000000000101"
    assert ad_ids[1].startswith("ad_") and len(set(ad_ids)) == 3         # no Ad ID: one derived from the name
    assert out["campaign_name"].to_list()[:3] == ["Spring Drop 🌸"] * 3
    assert out["currency"].to_list() == ["EUR"] * 4
    assert out["impressions"].to_list() == [12400, 6100, 15020, 0]      # Paid impressions "12,400"
    assert out["clicks"].to_list() == [130, 41, 162, 0]                 # Swipe ups
    assert out["spend"].sum() == pytest.approx(25.50 + 14.25 + 31.05 + 0.00)      # 70.80
    assert out["conversions"].to_list() == [4.0, 1.0, 6.0, 0.0]
    assert out["conversion_value"].sum() == pytest.approx(199.60 + 49.90 + 310.35)  # 559.85
    assert out["video_views"].to_list() == [8800, 4100, 10300, 0]
    assert out["account_id"].to_list() == [stable_key("snap", prefix="acc_")] * 4
    assert out["platform"].to_list() == ["snapchat_ads"] * 4
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals_label == "Total"
    assert result.totals == {"impressions": 33520, "clicks": 333, "spend": 70.80, "conversions": 11,
                             "conversion_value": 559.85}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_french_xlsx_whole_period_campaigns_with_the_currency_in_the_spend_header():
    result = normalise("campaigns_period_fr.xlsx")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 5, 1)] * 2          # 01/05/2026 .. 31/05/2026, days inclusive
    assert out["date_end"].to_list() == [D(2026, 5, 31)] * 2
    assert out["campaign_name"].to_list() == ["Soldes de printemps", "Notoriété marque"]
    assert out["campaign_id"].to_list()[0].startswith("cmp_")           # no ids in the export: derived from names
    assert out["campaign_id"].n_unique() == 2
    assert out["ad_group_id"].to_list() == ["", ""] and out["ad_id"].to_list() == ["", ""]
    assert out["currency"].to_list() == ["EUR"] * 2                     # "Montant dépensé (EUR)"
    assert out["spend"].to_list() == pytest.approx([1200.40, 310.60])
    assert out["impressions"].to_list() == [401000, 250500]
    assert out["clicks"].to_list() == [5200, 800]
    assert out["conversions"].to_list() == [30.0, 0.0]
    assert out["conversion_value"].to_list() == pytest.approx([2840.0, 0.0])
    assert result.totals == {"impressions": 651500, "clicks": 6000, "spend": 1511.0, "conversions": 30,
                             "conversion_value": 2840.0}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_german_ad_set_export_with_decimal_commas_and_a_gesamt_row():
    result = normalise("adsets_daily_de.csv")
    out = result.frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2)]    # 01.06.2026
    assert out["ad_group_id"].to_list() == [S1, S2, S1]
    assert out["ad_group_name"].to_list() == ["Gen Z", "Besucher 30T", "Gen Z"]
    assert out["campaign_id"].n_unique() == 1 and out["campaign_id"][0].startswith("cmp_")
    assert out["ad_id"].to_list() == [""] * 3
    assert out["spend"].to_list() == pytest.approx([1234.56, 80.10, 990.00])             # "1.234,56"
    assert out["impressions"].to_list() == [102400, 9800, 88000]                        # "102.400"
    assert out["clicks"].to_list() == [1310, 75, 1020]
    assert out["conversion_value"].to_list() == pytest.approx([2499.90, 39.90, 1800.00])
    assert out["_errors"].to_list() == [[]] * 3
    assert result.totals_label == "Gesamt"
    # 1234.56 + 80.10 + 990.00; 102400 + 9800 + 88000; 1310 + 75 + 1020; 12 + 1 + 9; 2499.90 + 39.90 + 1800.00
    assert result.totals == {"impressions": 200200, "clicks": 2405, "spend": 2304.66, "conversions": 22,
                             "conversion_value": 4339.80}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_a_plain_end_date_is_the_last_day_of_the_row(tmp_path):
    path = tmp_path / "week.csv"
    path.write_text("Start time,End time,Campaign name,Amount spent,Paid impressions,Swipe ups\n"
                    "2026-06-01,2026-06-07,Launch,70.00,7000,70\n"
                    "2026-06-08 00:00:00,2026-06-14 23:59:59,Launch,35.00,3500,35\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 8)]
    assert out["date_end"].to_list() == [D(2026, 6, 7), D(2026, 6, 14)]


def test_export_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign name,Amount spent,Paid impressions,Swipe ups\nLaunch,10.00,1000,12\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Snapchat"):
        normalise(path)
