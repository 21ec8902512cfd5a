"""X (Twitter) Ads Manager exports -> canonical ad_performance rows (daily CSV with a totals row, an Italian
whole-period export without ids, an XLSX at promoted-tweet level with Twitter's older column names)."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import x_ads
from roi.transforms.context import SourceContext
from roi.transforms.ids import stable_id, stable_key
from roi.transforms.totals import reconcile

FIXTURES = Path(__file__).parent / "fixtures" / "x_ads"
D = dt.date


def normalise(name, **ctx):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return x_ads.normalise(raw, SourceContext(source="x", kind="x_ads", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["ad_performance"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_english_daily_campaign_export_with_a_totals_row():
    result = normalise("campaigns_daily_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("ad_performance") + ["_row", "_errors"]
    assert out.height == 4                                            # the "Total" row is not a campaign
    assert out["platform"].to_list() == ["x_ads"] * 4
    assert out["date_start"].to_list() == [D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 2)]
    assert out["date_end"].to_list() == out["date_start"].to_list()
    assert out["campaign_id"].to_list() == ["hz3k1", "hz3k2", "hz3k1", "hz3k2"]
    assert out["campaign_name"].to_list() == ["Summer Launch", "Retargeting, 30 days"] * 2
    assert out["ad_group_id"].to_list() == [""] * 4 and out["ad_id"].to_list() == [""] * 4
    assert out["currency"].to_list() == ["USD"] * 4
    assert out["impressions"].to_list() == [12400, 3100, 15020, 0]           # "12,400"
    assert out["clicks"].to_list() == [130, 41, 162, 0]                       # Link clicks
    assert out["spend"].sum() == pytest.approx(85.20 + 22.75 + 101.05)       # 209.00
    assert out["conversions"].to_list() == [4.0, 1.0, 6.0, 0.0]
    assert out["conversion_value"].sum() == pytest.approx(199.60 + 49.90 + 310.35)   # 559.85
    assert out["engagements"].to_list() == [410, 95, 515, 0]
    assert out["video_views"].to_list() == [2200, 0, 2610, 0]
    assert out["reach"].to_list() == [None] * 4                               # X exports no reach
    assert out["account_id"].to_list() == [stable_key("x", prefix="acc_")] * 4
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[]] * 4
    assert result.totals_label == "Total"
    assert result.totals == {"impressions": 30520, "clicks": 333, "spend": 209.0, "conversions": 11,
                             "conversion_value": 559.85}
    assert reconcile(out, result.totals, result.totals_label) is None


def test_italian_whole_period_ad_group_export_without_ids():
    result = normalise("ad_groups_period_it.csv")
    out = result.frame
    valid(out)
    assert out.height == 3
    # "01/06/2026 - 07/06/2026": one row over the whole week, day first as the Italian UI writes it
    assert out["date_start"].to_list() == [D(2026, 6, 1)] * 3
    assert out["date_end"].to_list() == [D(2026, 6, 7)] * 3
    assert out["currency"].to_list() == ["EUR"] * 3                            # "Spesa (EUR)"
    assert out["impressions"].to_list() == [48210, 21005, 5000]                 # "48.210"
    assert out["spend"].to_list() == pytest.approx([312.40, 150.10, 10.00])    # "312,40"
    assert out["clicks"].to_list() == [1204, 388, 12]
    assert out["engagements"].to_list() == [3050, 1010, 40]
    assert out["conversions"].to_list() == [14.0, 3.0, 0.0]
    assert out["conversion_value"].to_list() == pytest.approx([1120.50, 240.00, 0.0])
    # a campaign called "Totale estate" is a campaign, not a totals row
    assert out["campaign_name"].to_list() == ["Saldi Estate", "Saldi Estate", "Totale estate"]
    account = stable_key("x", prefix="acc_")
    ids = pl.DataFrame({"a": [account] * 3, "c": out["campaign_name"], "g": out["ad_group_name"]})
    expected = ids.with_columns(stable_id("a", "c", prefix="cmp_").alias("campaign_id"))
    expected = expected.with_columns(stable_id("campaign_id", "g", prefix="adg_").alias("ad_group_id"))
    assert out["campaign_id"].to_list() == expected["campaign_id"].to_list()   # derived from the names
    assert out["campaign_id"][0] == out["campaign_id"][1] != out["campaign_id"][2]
    assert out["ad_group_id"].to_list() == expected["ad_group_id"].to_list()
    assert out["ad_id"].to_list() == [""] * 3
    assert out["_errors"].to_list() == [[]] * 3
    assert result.totals is None
    assert sum(out["spend"]) == pytest.approx(472.50) and sum(out["impressions"]) == 74215


def test_xlsx_promoted_tweet_export_with_twitter_column_names():
    out = normalise("ads_daily_en.xlsx").frame
    valid(out)
    assert out["date_start"].to_list() == [D(2026, 6, 3), D(2026, 6, 3), D(2026, 6, 4)]   # typed date cells
    assert out["campaign_id"].to_list() == ["hz3k1"] * 3
    assert out["ad_group_id"].to_list() == ["8f2la"] * 3                         # Line item ID
    assert out["ad_group_name"].to_list() == ["Lookalikes"] * 3
    assert out["ad_id"].to_list() == ["1790000000000000001", "1790000000000000002", "1790000000000000001"]
    summer, last_days = "Meet the summer range ☀️", "Last days: 20% off"      # Tweet text
    assert out["ad_name"].to_list() == [summer, last_days, summer]
    assert out["spend"].to_list() == pytest.approx([40.5, 19.25, 44.75])        # Billed charge
    assert out["clicks"].to_list() == [60, 25, 71]                               # Url clicks
    assert out["engagements"].to_list() == [200, 80, 230]                        # Tweet engagements
    assert out["video_views"].to_list() == [1000, 0, 1300]
    assert out["conversions"].to_list() == [None] * 3                             # the export has none
    assert sum(out["impressions"]) == 13600 and sum(out["spend"]) == pytest.approx(104.5)
    assert out["_errors"].to_list() == [[]] * 3


def test_a_bad_date_and_a_bad_number_are_reasons_not_drops(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Time period,Campaign name,Currency,Impressions,Spend\n"
                    "2026-06-01,Summer,USD,100,1.50\nsoon,Summer,USD,abc,2.00\n", encoding="utf-8")
    out = normalise(path).frame
    assert out.height == 2
    assert out["_errors"].to_list() == [[], ["date: 'soon' is not a date", "impressions: 'abc' is not a number"]]


def test_export_without_dates_is_quarantined_with_a_reason(tmp_path):
    path = tmp_path / "lifetime.csv"
    path.write_text("Campaign name,Spend,Impressions\nSummer,10.00,1000\n", encoding="utf-8")
    assert normalise(path).frame["_errors"][0].to_list()[0].startswith("no dates")


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="X Ads"):
        normalise(path)
