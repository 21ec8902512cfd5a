"""Mailchimp campaign exports -> canonical email_campaigns rows."""
import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import mailchimp
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "mailchimp"


def normalise(name):
    raw = read_export(FIXTURES / name)
    return mailchimp.normalise(raw, SourceContext(source="newsletter", kind="mailchimp"))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["email_campaigns"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def test_full_export_in_cp1252_with_ab_variants_and_na():
    out = normalise("campaigns_cp1252.csv").frame
    valid(out)
    assert out.columns == schemas.columns("email_campaigns") + ["_row", "_errors"]
    assert out["campaign_name"].to_list() == ["Offerta € estate | Winner", "Offerta € estate | Combo 1", "Café news"]
    assert out["campaign_id"].to_list() == ["a1b2c3d4e5", "f6e5d4c3b2", "0a0b0c0d0e"]   # variants stay apart
    assert out["send_time"].to_list() == [dt.datetime(2026, 6, 3, 9, 15), dt.datetime(2026, 6, 3, 9, 15),
                                          dt.datetime(2026, 6, 13, 18, 0)]
    assert out["send_date"].to_list() == [dt.date(2026, 6, 3), dt.date(2026, 6, 3), dt.date(2026, 6, 13)]
    assert out["recipients"].to_list() == [1000, 500, 2000]
    assert out["delivered"].to_list() == [980, 490, 2000 - 5 - 10]       # n/a -> recipients - bounces
    assert out["hard_bounces"].to_list() == [8, 4, 5] and out["soft_bounces"].to_list() == [12, 6, 10]
    assert out["unique_opens"].to_list() == [300, 120, 800] and out["total_opens"].to_list() == [450, 160, 1100]
    assert out["unique_clicks"].to_list() == [40, 15, 120] and out["total_clicks"].to_list() == [55, 18, 150]
    assert out["unsubscribes"].to_list() == [3, 1, 4] and out["complaints"].to_list() == [1, 0, 0]
    assert out["revenue"].to_list() == [1250.50, None, None]
    assert out["orders"].to_list() == [12, None, None]
    assert out["list_name"].to_list() == ["Clienti", "Clienti", "Newsletter"]
    assert out["subject"].to_list()[2] == "Novità dal café"
    assert set(out["currency"]) == {"EUR"} and set(out["platform"]) == {"mailchimp"}
    assert out["_row"].to_list() == [2, 3, 4]
    assert out["_errors"].to_list() == [[]] * 3


def test_minimal_export_derives_ids_from_title_and_send_time():
    out = normalise("campaigns_minimal.csv").frame
    valid(out)
    assert out["send_time"].to_list() == [dt.datetime(2014, 10, 10, 13, 48, 2), dt.datetime(2014, 9, 23, 16, 10, 3)]
    expected = "mc_" + hashlib.sha1("[New Post] Hello – world\x1f2014-10-10 13:48:02".encode()).hexdigest()[:16]
    assert out["campaign_id"].to_list()[0] == expected
    assert out["total_opens"].to_list() == [819, 870] and out["unique_opens"].to_list() == [553, 541]
    assert out["total_clicks"].to_list() == [102, 216] and out["unique_clicks"].to_list() == [95, 137]
    assert out["unsubscribes"].to_list() == [2, 3]
    assert out["recipients"].to_list() == [None, None] and out["delivered"].to_list() == [None, None]


def test_bad_cells_are_reasons(tmp_path):
    path = tmp_path / "mc.csv"
    path.write_text("Title,Send Date,Emails Sent,Unique Opens\nA,soon,10,x\n,1/2/26 10:00,5,1\n", encoding="utf-8")
    out = mailchimp.normalise(read_export(path), SourceContext(source="mc", kind="mailchimp")).frame
    assert out["_errors"].to_list() == [
        ["send time: 'soon' is not a date", "unique_opens: 'x' is not a number"],
        ["campaign: missing title and id"],
    ]


def test_a_euro_sign_in_revenue_is_the_rows_currency():
    raw = read_export(FIXTURES / "campaigns_revenue_symbols.csv")
    out = mailchimp.normalise(raw, SourceContext(source="newsletter", kind="mailchimp", reporting_currency="USD")).frame
    valid(out)
    assert out["revenue"].to_list() == [1459.58, 0.0]                    # "€1,459.58", "€0.00"
    assert out["currency"].to_list() == ["EUR", "EUR"]                   # not the reporting USD
    assert out["_errors"].to_list() == [[], []]

