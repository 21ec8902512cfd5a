"""Klaviyo campaign exports -> canonical email_campaigns rows (A/B variants apart, SMS rows quarantined)."""
import datetime as dt
from pathlib import Path

import polars as pl

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import klaviyo
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "klaviyo"


def test_campaign_export_with_variants_money_and_an_sms_row():
    raw = read_export(FIXTURES / "campaigns_export.csv")
    out = klaviyo.normalise(raw, SourceContext(source="klaviyo", kind="klaviyo", currency="USD")).frame
    assert out.columns == schemas.columns("email_campaigns") + ["_row", "_errors"]
    ok = out.filter(pl.col("_errors").list.len() == 0)
    schemas.MODELS["email_campaigns"].validate(
        ok.drop("_row", "_errors").with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))
    assert out["campaign_id"].to_list() == ["01J0SUMMER", "01J0ABTEST|A", "01J0ABTEST|B", "01J0SMS"]
    assert out["campaign_name"].to_list() == ["Summer Sale 🌞", "Subject test | A", "Subject test | B", "Flash SMS"]
    assert out["subject"].to_list()[1:3] == ["Is this your size?", "New arrivals,\njust for you"]
    assert out["list_name"].to_list()[:3] == ["Newsletter", "VIP", "VIP"]
    assert out["send_time"].to_list()[:2] == [dt.datetime(2026, 6, 4, 10, 0), dt.datetime(2026, 6, 11, 18, 30)]
    assert out["recipients"].to_list() == [10000, 1000, 1000, 2000]
    assert out["delivered"].to_list()[:3] == [9900, 990, 980]
    assert out["unique_opens"].to_list()[:3] == [3900, 400, 350] and out["total_opens"].to_list()[:3] == [5600, 520, 450]
    assert out["unique_clicks"].to_list()[:3] == [610, 60, 40] and out["total_clicks"].to_list()[:3] == [820, 75, 52]
    assert out["unsubscribes"].to_list() == [25, 2, 1, 3] and out["complaints"].to_list()[:3] == [3, 0, 1]
    assert out["orders"].to_list() == [42, 5, 3, 8]
    assert out["revenue"].to_list() == [3150.75, 240.0, 150.0, 400.0]
    assert out["hard_bounces"].to_list() == [None] * 4 and out["soft_bounces"].to_list() == [None] * 4
    assert set(out["currency"]) == {"USD"}
    assert out["_row"].to_list() == [2, 3, 4, 5]
    assert out["_errors"].to_list() == [[], [], [], [
        "channel: a 'SMS' campaign — email_campaigns holds email campaigns only"]]


def test_us_dates_and_a_missing_send_time_are_reasons(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("Campaign Name,Send Time,Total Recipients,Unique Opens\nA,06/13/2026 9:05 AM,10,4\n"
                    "B,,5,x\n", encoding="utf-8")
    out = klaviyo.normalise(read_export(path), SourceContext(source="k", kind="klaviyo")).frame
    assert out["send_time"].to_list() == [dt.datetime(2026, 6, 13, 9, 5), None]
    assert out["campaign_id"][0].startswith("kl_")
    assert out["_errors"].to_list() == [[], ["send time: missing date", "unique_opens: 'x' is not a number"]]
