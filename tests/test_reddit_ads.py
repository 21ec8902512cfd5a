"""Reddit Ads Manager exports -> canonical ad_performance rows (English daily CSV with click/view purchases,
German ad-level CSV without ids, a whole-period ad-group XLSX under a date-range line)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import reddit_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "reddit_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return reddit_ads.normalise(raw, SourceContext(source="reddit", kind="reddit_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_campaign_daily_export_sums_click_and_view_purchases():
    result = normalise("campaigns_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.height == 4                                              # the "Total" row is not a campaign
    assert out["platform"].to_list() == ["reddit_ads"] * 4
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["campaign_id"].to_list() == ["2a1b3c4d5e6f", "2a1b3c4d5e70"] * 2
    assert out["campaign_name"].to_list() == ["Spring Sale r/running", "Brand awareness, US"] * 2
    assert out["ad_group_id"].to_list() == [""] * 4 and out["ad_id"].to_list() == [""] * 4
    assert out["account_id"].to_list() == [stable_key("reddit", prefix="acc_")] * 4
    assert out["currency"].to_list() == ["USD"] * 4                      # the Currency column settles "$"
    assert out["impressions"].to_list() == [12400, 30010, 11950, 0]     # "12,400"
    assert out["clicks"].to_list() == [98, 41, 103, 0]
    assert out["spend"].to_list() == pytest.approx([54.30, 22.75, 51.05, 0.0])   # "$54.30"
    assert out["conversions"].to_list() == [4.0, 2.0, 4.0, 0.0]          # Purchases (Click) + Purchases (View)
    assert out["conversion_value"].to_list() == pytest.approx([210.00, 59.90, 265.50, 0.0])
    assert out["reach"].to_list() == [9800, 25100, 9400, 0]
    assert out["video_views"].to_list() == [0, 4020, 0, 0]              # Video Starts
    assert out["engagements"].to_list() == [None] * 4
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    # 54.30 + 22.75 + 51.05 + 0 = 128.10; 210.00 + 59.90 + 265.50 = 535.40, as the export's Total row says
    assert result.totals_label == "Total"
    assert result.totals == pytest.approx({"impressions": 54360, "clicks": 242, "spend": 128.10,
                                           "conversion_value": 535.40})
    assert reconcile(out, result.totals, result.totals_label) is None


def test_german_ad_level_export_without_ids_and_the_currency_in_the_header():
    result = normalise("ads_daily_de.csv")
    out = result.frame
    valid(out)
    assert out.height == 3                                              # "Gesamt" is the summary row
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2)]   # 01.06.2026
    assert out["currency"].to_list() == ["EUR"] * 3                      # "Ausgegebener Betrag (EUR)"
    assert out["impressions"].to_list() == [8250, 4100, 9020]           # "8.250": a thousands dot
    assert out["spend"].to_list() == pytest.approx([31.40, 12.15, 35.85])    # "31,40": a decimal comma
    assert out["conversions"].to_list() == [2.0, 0.0, 3.0]               # Käufe
    assert out["conversion_value"].to_list() == pytest.approx([119.80, 0.0, 179.70])
    assert out["reach"].to_list() == [6900, 3700, 7450]
    assert out["ad_name"].to_list() == ["Video „Schuh“ v1", "Karussell", "Video „Schuh“ v1"]
    # no ids in the export: stable ids from the names, the same ad on both days
    ads = out["ad_id"].to_list()
    assert all(a.startswith("ad_") for a in ads) and ads[0] == ads[2] != ads[1]
    assert out["ad_group_id"].n_unique() == 1 and out["ad_group_id"][0].startswith("adg_")
    assert out["campaign_id"].n_unique() == 1 and out["campaign_id"][0].startswith("cmp_")
    assert out["_errors"].to_list() == [[]] * 3
    # 31,40 + 12,15 + 35,85 = 79,40 and 2 + 0 + 3 = 5 purchases, as the Gesamt row says
    assert result.totals_label == "Gesamt"
    assert result.totals == pytest.approx({"impressions": 21370, "clicks": 153, "spend": 79.40, "conversions": 5,
                                           "conversion_value": 299.50})
    assert reconcile(out, result.totals, result.totals_label) is None


def test_whole_period_ad_group_xlsx_takes_its_dates_from_the_report_line():
    result = normalise("adgroups_period_en.xlsx")
    out = result.frame
    valid(out)
    assert out.height == 3
    assert out["date_start"].to_list() == [D(2026, 5, 1)] * 3 and out["date_end"].to_list() == [D(2026, 5, 31)] * 3
    assert out["campaign_id"].to_list() == ["2a1b3c4d5e6f", "2a1b3c4d5e6f", "2a1b3c4d5e70"]
    assert out["ad_group_id"][0] == "7f00aa01" and out["ad_group_id"][2] == "7f00aa03"
    assert out["ad_group_id"][1].startswith("adg_")                    # no id in the export: from its name
    assert out["ad_group_name"].to_list() == ["Runners 25-44", "Lookalike buyers", "Broad US"]
    assert out["currency"].to_list() == ["EUR"] * 3
    assert out["spend"].to_list() == pytest.approx([502.35, 240.10, 388.55])
    assert out["impressions"].to_list() == [120500, 64000, 310000]
    assert out["conversions"].to_list() == [18.0, 6.0, 2.0]
    assert out["_errors"].to_list() == [[]] * 3
    # 502.35 + 240.10 + 388.55 = 1131.00; 1460.50 + 480.00 + 99.80 = 2040.30
    assert result.totals == pytest.approx({"impressions": 494500, "clicks": 1697, "spend": 1131.00,
                                           "conversions": 26, "conversion_value": 2040.30})
    assert reconcile(out, result.totals, result.totals_label) is None


def test_a_whole_period_export_without_its_date_line_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign Name,Impressions,Clicks,Amount Spent\nSpring,1000,12,10.00\n", encoding="utf-8")
    out = normalise(path).frame
    assert out["_errors"][0].to_list()[0].startswith("no dates")


def test_a_dollar_export_without_a_currency_column_needs_the_source_currency(tmp_path):
    path = tmp_path / "cad.csv"
    path.write_text("Date,Campaign Name,Impressions,Clicks,Amount Spent\n2026-06-01,Spring,100,4,$12.50\n",
                    encoding="utf-8")
    out = normalise(path, currency="CAD").frame
    assert out["currency"].to_list() == ["CAD"] and out["spend"].to_list() == [12.5]
    out = normalise(path).frame
    assert out["currency"].to_list() == [None] and "ambiguous" in out["_errors"][0][0]


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Reddit"):
        normalise(path)
