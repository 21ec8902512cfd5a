"""GA4 CSV downloads -> canonical web_sessions rows: an exploration (Free form: its "Grand total" row first, the label
past the header's last column), an Italian report download with CRLF line ends, separate source and medium columns
and a second table below, an English report by channel group with the chart's series above its table; a table
without the Date dimension is refused. Channels come from source / medium through the UTM rules. A report's
"# Data di inizio:" / "# Data di fine:" lines are its window: a day of it without rows is emptied when loaded again."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.pipeline.config import load_settings
from roi.pipeline.runs import ingest_files
from roi.sources.files import read_export
from roi.transforms import ga4
from roi.transforms.context import SourceContext
from tests.fakeapi import query

FIXTURES = Path(__file__).parent / "fixtures" / "ga4"
D = dt.date


def normalise(path, **ctx):
    raw = read_export(FIXTURES / path if isinstance(path, str) else path)
    return ga4.normalise(raw, SourceContext(source="web", kind="ga4", **ctx))


def valid(frame: pl.DataFrame) -> None:
    ok = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["web_sessions"].validate(ok.with_columns(pl.lit(None, dtype=pl.Utf8).alias("load_id")))


def by_channel(frame: pl.DataFrame) -> list[tuple]:
    return frame.group_by("channel").agg(pl.col("sessions").sum(), pl.col("key_events").sum(),
                                         pl.col("revenue").sum().round(2)).sort("channel").rows()


def test_an_exploration_with_its_grand_total_row_first():
    """English numbers with thousands commas; "(direct) / (none)", "(not set)" with no medium, a referral host."""
    result = normalise("explore_source_medium_en.csv")
    out = result.frame
    valid(out)
    assert out.columns == schemas.columns("web_sessions") + ["_row", "_errors"]
    assert out["_row"].to_list() == list(range(9, 17))               # the Grand total line (8) is not a row
    assert out["_errors"].to_list() == [[]] * 8
    assert out["date"].unique().sort().to_list() == [D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 3)]
    assert out["utm_source"].to_list()[:2] == ["google", "(direct)"] and out["utm_medium"].to_list()[:2] == [
        "cpc", "(none)"]
    assert out.row(5, named=True)["utm_source"] == "(not set)" and out.row(5, named=True)["utm_medium"] == ""
    assert out["utm_campaign"].to_list()[0] == "autunno_2026"
    assert out["channel_group"].to_list() == [""] * 8                  # not in the export
    assert out["property_id"].to_list() == ["web"] * 8                 # no "# Property:" line: the source's name
    assert out["currency"].to_list() == ["EUR"] * 8
    # the Grand total says 3,566 sessions, 61 key events, 6,690.75 of revenue
    assert (out["sessions"].sum(), out["key_events"].sum(), round(out["revenue"].sum(), 2)) == (3566, 61, 6690.75)
    assert (out["engaged_sessions"].sum(), out["new_users"].sum()) == (2050, 1790)
    # google / cpc 1,204 + 610; (direct) / (none) 530 + 300 and (not set) 15; l.facebook.com / referral
    assert by_channel(out) == [("direct", 845, 10.0, 1080.0), ("email", 120, 4.0, 560.0),
                               ("google_ads", 1814, 35.0, 3950.5), ("organic_search", 702, 12.0, 1100.25),
                               ("organic_social", 85, 0.0, 0.0)]


def test_an_italian_report_with_crlf_separate_source_and_medium_and_a_second_table():
    """Decimal commas and dot thousands, fractional key events, the property from "# Proprietà:", no campaign
    column; the "Totale complessivo" row and the table below the blank line are not rows."""
    result = normalise("report_source_medium_it.csv", currency="EUR")
    out = result.frame
    valid(out)
    assert out["_row"].to_list() == [11, 12, 13, 14, 15]
    assert out["property_id"].unique().to_list() == ["bottegarossi.it - GA4"]
    assert out["channel_group"].to_list() == ["Paid Search", "Direct", "Organic Search", "Email", "Unassigned"]
    assert out["utm_campaign"].to_list() == [""] * 5
    assert out["key_events"].to_list() == [25.0, 8.0, 12.5, 4.0, 0.0]
    # Totale complessivo: 2.571 sessions, 1.600 engaged, 1.320 new users, 49,5 key events, 4.750,75
    assert (out["sessions"].sum(), out["engaged_sessions"].sum(), out["new_users"].sum()) == (2571, 1600, 1320)
    assert (out["key_events"].sum(), round(out["revenue"].sum(), 2)) == (49.5, 4750.75)
    assert by_channel(out) == [("direct", 545, 8.0, 640.0), ("email", 120, 4.0, 560.0),
                               ("google_ads", 1204, 25.0, 2450.5), ("organic_search", 702, 12.5, 1100.25)]
    assert result.warnings == ["3 rows of the tables below the first were left out"]


def test_a_report_by_channel_group_with_the_chart_series_above_it():
    """Without source / medium the channel is GA4's channel group read as a channel name ("Unassigned": other)."""
    out = normalise("report_channel_group_en.csv").frame
    valid(out)
    assert out.height == 6 and out["_errors"].to_list() == [[]] * 6
    assert (out["utm_source"].to_list(), out["utm_medium"].to_list()) == ([""] * 6, [""] * 6)
    # Grand total: 2,940 sessions, 1,780 engaged, 1,530 new users, 45 key events, 4,450.00
    assert (out["sessions"].sum(), out["engaged_sessions"].sum(), out["new_users"].sum(),
            out["key_events"].sum(), out["revenue"].sum()) == (2940, 1780, 1530, 45.0, 4450.0)
    assert by_channel(out) == [("direct", 500, 5.0, 500.0), ("google_ads", 1800, 35.0, 3500.0),
                               ("organic_search", 300, 3.0, 300.0), ("organic_social", 300, 2.0, 150.0),
                               ("other", 40, 0.0, 0.0)]


def test_a_table_without_the_date_dimension_is_refused():
    with pytest.raises(ValueError, match=r"report_without_date_en\.csv: no Date column — .*add the Date dimension"):
        normalise("report_without_date_en.csv")


def test_a_long_chart_series_first_is_refused_with_the_fix(tmp_path):
    """A chart's series longer than the table below it takes the header: the table cannot be read."""
    lines = (FIXTURES / "report_channel_group_en.csv").read_text().splitlines()
    series = [f"{i:04d},{100 + i}" for i in range(31)]
    path = tmp_path / "chart_first.csv"
    path.write_text("\n".join(lines[:10] + series + lines[12:]) + "\n")
    with pytest.raises(ValueError, match=r"chart_first\.csv: its first table is a chart's series "
                                         r"\(Nth day, Sessions\).* — download the table by itself"):
        normalise(path)


def test_an_ingest_loads_every_row_once_and_sums_a_segment(tmp_path):
    """Through `roi ingest` into a DuckDB file: a Country column splits a key in two rows (summed), an unreadable
    cell goes to quarantine; rows in = loaded + combined + quarantined."""
    path = tmp_path / "ga4_by_country.csv"
    path.write_text("# ----------------------------------------\n# Property: 250000001\n"
                    "# Start date: 20261001\n# End date: 20261002\n\n"
                    "Date,Session source / medium,Country,Sessions,Key events,Total revenue\n"
                    "20261001,google / cpc,Italy,100,4,200.00\n"
                    "20261001,google / cpc,Switzerland,20,1,80.50\n"
                    "20261001,(direct) / (none),Italy,50,2,40.00\n"
                    "20261002,google / organic,Italy,7x,0,0\n"
                    "20261002,google / organic,Italy,30,1,25.00\n", encoding="utf-8")
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    settings = load_settings(tmp_path / "roi.toml")
    [record] = ingest_files(settings, [path], "ga4", "web")
    assert record.status == "succeeded", record.error
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (5, 3, 1, 1)
    assert record.rows_in == record.rows_loaded + record.rows_combined + record.rows_quarantined
    assert record.combined_by == "location (Country)"
    assert query(settings, "SELECT property_id, date, channel, sessions, key_events, revenue FROM core.web_sessions "
                           "ORDER BY date, channel") == [
        ("250000001", D(2026, 10, 1), "direct", 50, 2.0, pytest.approx(40)),
        ("250000001", D(2026, 10, 1), "google_ads", 120, 5.0, pytest.approx(280.5)),
        ("250000001", D(2026, 10, 2), "organic_search", 30, 1.0, pytest.approx(25))]
    assert query(settings, "SELECT reasons FROM ops.quarantine") == [("sessions: '7x' is not a number",)]


def test_a_report_s_period_lines_are_its_window_so_a_day_without_rows_is_cleared(tmp_path):
    """"# Data di inizio: 20261001" / "# Data di fine: 20261003" make the file's window 1–3 October although its
    rows stop on the 2nd: downloaded again, the day that lost its rows (the earlier download's 3 October visits)
    is emptied, not left holding the old rows."""
    (tmp_path / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    settings = load_settings(tmp_path / "roi.toml")
    latest = (FIXTURES / "report_day_without_rows_it.csv").read_text(encoding="utf-8")
    path = tmp_path / "acquisizione_traffico.csv"
    path.write_text(latest.replace("Totale complessivo,,\"2.556\",\"1.600\",\"1.310\"",
                                   "20261003,(direct) / (none),45,10,40,0,0\n"
                                   "Totale complessivo,,\"2.601\",\"1.610\",\"1.350\""), encoding="utf-8")
    by_day = "SELECT date, sum(sessions) FROM core.web_sessions GROUP BY date ORDER BY date"
    assert [r.status for r in ingest_files(settings, [path], "ga4", "web")] == ["succeeded"]
    assert query(settings, by_day) == [(D(2026, 10, 1), 1734), (D(2026, 10, 2), 822), (D(2026, 10, 3), 45)]
    path.write_text(latest, encoding="utf-8")
    [record] = ingest_files(settings, [path], "ga4", "web")
    assert record.status == "succeeded", record.error
    assert (record.window_start, record.window_end) == (D(2026, 10, 1), D(2026, 10, 3))
    # 1,204 + 530 on the 1st, 702 + 120 on the 2nd; the 3rd's 45 sessions are gone
    assert query(settings, by_day) == [(D(2026, 10, 1), 1734), (D(2026, 10, 2), 822)]
