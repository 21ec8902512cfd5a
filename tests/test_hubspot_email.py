"""HubSpot marketing email dashboard exports (CSV, UTF-16 Italian, XLSX) -> canonical email_campaigns rows."""
import datetime as dt
import hashlib
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import hubspot_email
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "hubspot_email"
T = dt.datetime


def run(name: str) -> pl.DataFrame:
    frame = hubspot_email.normalise(read_export(FIXTURES / name),
                                    SourceContext(source="hs_mail", kind="hubspot_email")).frame
    assert frame.columns == schemas.columns("email_campaigns") + ["_row", "_errors"]
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["email_campaigns"].validate(ok.with_columns(pl.lit(None, pl.Utf8).alias("load_id")))
    return frame


def col(frame: pl.DataFrame, name: str) -> list:
    return frame[name].to_list()


def test_english_dashboard_export_reads_counts_not_rates():
    out = run("email_dashboard_en.csv")   # BOM, title + date-range lines, Total row, emoji and a line break
    assert col(out, "campaign_id") == ["101", "102", "103"]
    assert col(out, "campaign_name") == ["June newsletter", "June newsletter (B)", "Webinar invite 🎉\n(2nd send)"]
    assert col(out, "subject")[:2] == ["Summer sale, 20% off", "Summer sale – last days ☀️"]
    assert col(out, "send_time") == [T(2026, 6, 3, 9, 15), T(2026, 6, 3, 9, 15), T(2026, 6, 13, 18, 0)]
    assert col(out, "send_date") == [dt.date(2026, 6, 3), dt.date(2026, 6, 3), dt.date(2026, 6, 13)]
    assert col(out, "recipients") == [1000, 500, 2000]           # "1,000": thousands separator
    assert col(out, "delivered") == [980, 490, None]              # " --": missing, no bounces to derive from
    assert col(out, "unique_opens") == [300, 120, 800]            # "Open rate" 30.61% is not read
    assert col(out, "unique_clicks") == [40, 15, 120]
    assert col(out, "hard_bounces") == [8, 4, None] and col(out, "soft_bounces") == [12, 6, None]
    assert col(out, "unsubscribes") == [3, 1, 4] and col(out, "complaints") == [1, 0, 0]
    assert col(out, "total_opens") == [None] * 3 and col(out, "total_clicks") == [None] * 3
    assert set(col(out, "platform")) == {"hubspot_email"} and set(col(out, "currency")) == {"EUR"}
    assert col(out, "_row") == [4, 5, 6] and col(out, "_errors") == [[]] * 3


def test_italian_utf16_export_with_rates_inside_count_cells():
    out = run("email_italiano.csv")
    # "1.234" is 1234 (Italian thousands dot); "1.200 (97,2%)" keeps the count 1200.
    assert col(out, "recipients") == [1234, 2500]
    assert col(out, "delivered") == [1200, 2450]
    assert col(out, "unique_opens") == [443, None]                # n/a
    assert col(out, "unique_clicks") == [51, 60]
    assert col(out, "hard_bounces") == [None, None] and col(out, "soft_bounces") == [None, None]
    assert col(out, "unsubscribes") == [2, 5] and col(out, "complaints") == [0, 1]
    assert col(out, "send_time") == [T(2026, 7, 1, 10, 30), T(2026, 7, 15, 8, 0)]   # day first
    # No "Email ID" column: a stable id from the name and send time.
    expected = "hs_" + hashlib.sha1("Newsletter luglio\x1f2026-07-01 10:30:00".encode()).hexdigest()[:16]
    assert col(out, "campaign_id")[0] == expected
    assert col(out, "subject") == ["Saldi estivi", "Ultimi giorni, tutto -50%"]
    assert col(out, "_errors") == [[], []]


def test_xlsx_export_with_typed_cells_and_a_bounce_total():
    out = run("email_export.xlsx")
    assert col(out, "send_time") == [T(2026, 6, 5, 7, 0), T(2026, 6, 20, 16, 45)]
    assert col(out, "recipients") == [1500, 800] and col(out, "delivered") == [1470, 760]
    # "Bounced" 30 with "Hard bounced" 10: the other 20 are soft bounces.
    assert col(out, "hard_bounces") == [10, 25] and col(out, "soft_bounces") == [20, 15]
    assert col(out, "unique_clicks") == [90, 12] and col(out, "complaints") == [0, 3]
    assert col(out, "_row") == [4, 5]


def test_unreadable_cells_are_reasons_not_dropped_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Email name,Send date,Sent,Delivered\nA,\"Jun 3, 2026\",12x,10\nB,,5,5\n", encoding="utf-8")
    out = hubspot_email.normalise(read_export(path), SourceContext(source="s", kind="hubspot_email")).frame
    assert col(out, "_errors") == [["recipients: '12x' is not a number"], ["send date: missing"]]


def test_a_file_of_another_kind_fails_with_one_line():
    with pytest.raises(ValueError, match="no HubSpot email columns"):
        hubspot_email.normalise(read_export(Path(__file__).parent / "fixtures" / "goals" / "obiettivi.csv"),
                                SourceContext(source="s", kind="hubspot_email"))
