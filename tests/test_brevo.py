"""Brevo campaign statistics exports (Italian, English, French in cp1252) -> canonical email_campaigns rows."""
import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import brevo
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "brevo"


def normalise(name, **ctx):
    return brevo.normalise(read_export(FIXTURES / name), SourceContext(source="brevo_it", kind="brevo", **ctx)).frame


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["email_campaigns"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def derived(name: str, send: str) -> str:
    return "br_" + hashlib.sha1(f"{name}\x1f{send}".encode()).hexdigest()[:16]


def test_italian_export_with_preamble_totals_decimal_marks_and_a_line_break():
    out = normalise("campagne_it.csv")
    valid(out)
    assert out.columns == schemas.columns("email_campaigns") + ["_row", "_errors"]
    assert out["_errors"].to_list() == [[]] * 3
    assert out["_row"].to_list() == [4, 5, 6]                     # the quoted line break counts once
    assert out["campaign_name"].to_list() == ["Saldi d'estate ☀️", "Novità giugno", "Webinar B2B"]
    assert out["subject"][0] == "Fino al -50%\nsolo oggi"
    assert out["send_time"].to_list() == [dt.datetime(2026, 6, 3, 9, 15), dt.datetime(2026, 6, 15, 18, 0),
                                          dt.datetime(2026, 6, 28, 11, 30)]     # day first
    assert out["campaign_id"].to_list() == [derived("Saldi d'estate ☀️", "2026-06-03 09:15:00"),
                                            derived("Novità giugno", "2026-06-15 18:00:00"),
                                            derived("Webinar B2B", "2026-06-28 11:30:00")]
    assert out["recipients"].to_list() == [12450, 2000, 500]          # "12.450", "2 000" (NBSP)
    assert out["delivered"].to_list() == [12300, 1985, 500 - 3 - 2]   # "-" -> sent − hard − soft
    assert out["unique_opens"].to_list() == [4100, 700, 150] and out["total_opens"].to_list() == [6250, 910, 180]
    assert out["unique_clicks"].to_list() == [820, 95, 40] and out["total_clicks"].to_list() == [1105, 120, 44]
    assert out["unsubscribes"].to_list() == [35, 6, 1]
    assert out["hard_bounces"].to_list() == [90, 10, 3] and out["soft_bounces"].to_list() == [60, 5, 2]
    assert out["complaints"].to_list() == [4, 0, None]
    assert out["orders"].to_list() == [None] * 3 and out["revenue"].to_list() == [None] * 3
    assert set(out["currency"]) == {"EUR"} and set(out["platform"]) == {"brevo"} and set(out["source"]) == {"brevo_it"}


def test_english_export_keeps_ids_and_reports_a_bad_cell():
    out = normalise("campaigns_en.csv", currency="CHF")
    assert out["campaign_id"].to_list() == ["41", "42"]
    assert out["send_time"].to_list() == [dt.datetime(2026, 6, 2, 8, 0), dt.datetime(2026, 6, 9, 19, 30)]
    assert out["recipients"].to_list() == [1500, 800] and out["delivered"].to_list() == [1480, 790]
    assert out["total_opens"].to_list() == [900, None] and out["unique_opens"].to_list() == [610, 300]
    assert out["total_clicks"].to_list() == [130, None] and out["unique_clicks"].to_list() == [95, 60]
    assert out["subject"][0] == "Hello, June" and set(out["currency"]) == {"CHF"}
    assert out["_errors"].to_list() == [[], ["total_clicks: 'abc' is not a number"]]


def test_french_export_in_a_legacy_encoding():
    out = normalise("campagnes_fr_cp1252.csv")
    valid(out)
    row = out.row(0, named=True)
    assert row["campaign_name"] == "Soldes d'été" and row["subject"] == "Jusqu'à -50 %"
    assert row["campaign_id"] == derived("Soldes d'été", "2026-06-05 10:00:00")
    assert (row["recipients"], row["delivered"], row["unique_opens"], row["total_opens"]) == (3200, 3150, 1100, 1480)
    assert (row["unique_clicks"], row["total_clicks"], row["unsubscribes"]) == (210, 260, 9)
    assert (row["hard_bounces"], row["soft_bounces"], row["complaints"]) == (30, 20, 2)
    assert row["send_date"] == dt.date(2026, 6, 5)


def test_not_a_brevo_export_is_one_clear_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    try:
        brevo.normalise(read_export(path), SourceContext(source="b", kind="brevo"))
    except ValueError as exc:
        assert "Brevo" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("expected a ValueError")
