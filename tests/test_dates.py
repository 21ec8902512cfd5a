"""Dates, date-times and report periods written the way the platforms' UI languages write them."""
import datetime as dt

import polars as pl
import pytest

from roi.transforms.dates import date, datetime, infer_date_order, parse_date_range, parse_report_period

D = dt.date


def read_dates(cells, order):
    value, error = date("x", order, label="day")
    out = pl.DataFrame({"x": cells}, schema={"x": pl.Utf8}).select(value.alias("v"), error.alias("e"))
    return out["v"].to_list(), out["e"].to_list()


@pytest.mark.parametrize("cell, order, expected", [
    ("2026-06-01", "dmy", D(2026, 6, 1)), ("2026/06/01", "mdy", D(2026, 6, 1)),
    ("01/06/2026", "dmy", D(2026, 6, 1)), ("01/06/2026", "mdy", D(2026, 1, 6)),
    ("1.6.26", "dmy", D(2026, 6, 1)), ("01-06-2026", "dmy", D(2026, 6, 1)), ("3/9/17", "mdy", D(2017, 3, 9)),
    ("20260601", "dmy", D(2026, 6, 1)), ("45292", "dmy", D(2024, 1, 1)),
    ("1 giu 2026", "dmy", D(2026, 6, 1)), ("Jun 1, 2026", "dmy", D(2026, 6, 1)),
    ("1 de junho de 2026", "dmy", D(2026, 6, 1)), ("1. Juni 2026", "dmy", D(2026, 6, 1)),
    ("mar. 3, 2026", "dmy", D(2026, 3, 3)), ("lun 1 giu 2026", "dmy", D(2026, 6, 1)),
    ("1er juin 2026", "dmy", D(2026, 6, 1)), ("1 de junio de 2026", "dmy", D(2026, 6, 1)),
    ("Monday, June 1, 2026", "dmy", D(2026, 6, 1)), ("7 août 2026", "dmy", D(2026, 8, 7)),
    ("3 März 2026", "dmy", D(2026, 3, 3)), ("2026-06-01 23:59:59", "dmy", D(2026, 6, 1)),
])
def test_date_formats(cell, order, expected):
    assert read_dates([cell], order) == ([expected], [None])


def test_missing_and_unreadable_dates():
    values, errors = read_dates([" --", None, "garbage", "31/02/2026", "13/13/2026"], "dmy")
    assert values == [None] * 5
    assert errors == [None, None, "day: 'garbage' is not a date", "day: '31/02/2026' is not a date",
                      "day: '13/13/2026' is not a date"]


@pytest.mark.parametrize("cell, order, expected", [
    ("3/9/17 18:54", "mdy", dt.datetime(2017, 3, 9, 18, 54)),
    ("10/10/2014 13:48:02", "mdy", dt.datetime(2014, 10, 10, 13, 48, 2)),
    ("2026-06-01T10:00:00+02:00", "dmy", dt.datetime(2026, 6, 1, 10, 0)),     # wall time kept
    ("2026-06-01T10:00:00Z", "dmy", dt.datetime(2026, 6, 1, 10, 0)),
    ("6/1/2026 1:05 PM", "mdy", dt.datetime(2026, 6, 1, 13, 5)),
    ("6/1/2026 12:05 AM", "mdy", dt.datetime(2026, 6, 1, 0, 5)),
    ("August 18, 2019, 12:00 PM", "mdy", dt.datetime(2019, 8, 18, 12, 0)),
    ("1 giu 2026 18:30", "dmy", dt.datetime(2026, 6, 1, 18, 30)),
    ("2026-06-01", "dmy", dt.datetime(2026, 6, 1)),
    ("45292.5", "dmy", dt.datetime(2024, 1, 1, 12, 0)),
])
def test_datetimes(cell, order, expected):
    value, error = datetime("x", order, label="send time")
    out = pl.DataFrame({"x": [cell]}).select(value.alias("v"), error.alias("e"))
    assert out.row(0) == (expected, None)


@pytest.mark.parametrize("values, hint, expected", [
    (["2026-06-01", "2026-06-13"], "dmy", "ymd"), (["13/01/2026", "01/02/2026"], "mdy", "dmy"),
    (["3/9/17", "3/19/17"], "dmy", "mdy"), (["01/02/2026"], "mdy", "mdy"), (["01/02/2026"], "dmy", "dmy"),
    (["1 giu 2026"], "dmy", "dmy"), ([], "mdy", "mdy"),
])
def test_infer_date_order(values, hint, expected):
    assert infer_date_order(pl.Series(values, dtype=pl.Utf8), hint) == expected


@pytest.mark.parametrize("line, expected", [
    ("27 January 2026 - 23 February 2026", (D(2026, 1, 27), D(2026, 2, 23))),
    ("Jun 1, 2026 - Jun 25, 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("9 de abril de 2025 - 21 de abril de 2025", (D(2025, 4, 9), D(2025, 4, 21))),
    ("1 giugno 2026 - 25 giugno 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1 giu 2026 - 25 giu 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("01/06/2026 - 25/06/2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("02/06/2026 - 05/06/2026", (D(2026, 6, 2), D(2026, 6, 5))),          # day first
    ("2026-06-01 - 2026-06-25", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1 juin 2026 - 25 juin 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1. Juni 2026 - 25. Juni 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1 de junio de 2026 - 25 de junio de 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1 June 2026 – 25 June 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ("1 June 2026—25 June 2026", (D(2026, 6, 1), D(2026, 6, 25))),
    ('"June 1, 2026 - June 3, 2026"', (D(2026, 6, 1), D(2026, 6, 3))),
    ("Dec 20 - Jan 5, 2026", (D(2025, 12, 20), D(2026, 1, 5))),
    ("All time", None), ("Tutto il periodo", None), ("Todo o período", None), ("Campaign report", None),
    ("25 June 2026 - 1 June 2026", None),
])
def test_parse_date_range(line, expected):
    assert parse_date_range(line) == expected


def test_parse_report_period():
    assert parse_report_period(["Campaign report", "1 June 2026 - 25 June 2026"]) == (D(2026, 6, 1), D(2026, 6, 25))
    linkedin = ["Ad Performance Report (in UTC)", "Report Start: August 18, 2019, 12:00 AM",
                "Report End: September 16, 2019, 11:59 PM", "Date Generated: September 16, 2019, 5:55 AM"]
    assert parse_report_period(linkedin) == (D(2019, 8, 18), D(2019, 9, 16))
    assert parse_report_period(["Ad group report", "All time"]) is None
    assert parse_report_period([]) is None


@pytest.mark.parametrize("line, expected", [
    ("Ad report (Oct 25, 2016-Oct 31, 2016)", (D(2016, 10, 25), D(2016, 10, 31))),          # legacy AdWords
    ("Campaign report (1 June 2026 - 25 June 2026)", (D(2026, 6, 1), D(2026, 6, 25))),
    ("Oct 25, 2016 - Oct 31, 2016", (D(2016, 10, 25), D(2016, 10, 31))),
    ("Oct 25, 2016–Oct 31, 2016", (D(2016, 10, 25), D(2016, 10, 31))),
    ("25 ott 2016 - 31 ott 2016", (D(2016, 10, 25), D(2016, 10, 31))),
    ("2016-10-25 - 2016-10-31", (D(2016, 10, 25), D(2016, 10, 31))),
    ("2016-10-25-2016-10-31", (D(2016, 10, 25), D(2016, 10, 31))),
    ("Report Time: 10/25/2016 - 10/31/2016", (D(2016, 10, 25), D(2016, 10, 31))),            # Microsoft
    ("Report Time: 10/25/2016,10/31/2016", (D(2016, 10, 25), D(2016, 10, 31))),
    ('"Keyword report (25 ott 2016 - 31 ott 2016)"', (D(2016, 10, 25), D(2016, 10, 31))),
    ("Reporting period: 2023-11-01 to 2023-11-30", (D(2023, 11, 1), D(2023, 11, 30))),
    ("Time Zone: (GMT-05:00) Eastern Time (US & Canada)", None),
    ("Last Completed Available Day: 6/3/2026 10:20:00 AM (GMT)", None),
    ("Date Generated: September 16, 2019, 5:55 AM", None),
    ("Report Name: Campaign performance - daily", None),
    ("Ad report (Oct 31, 2016-Oct 25, 2016)", None),
])
def test_date_ranges_inside_titles_and_labels(line, expected):
    assert parse_date_range(line) == expected
    assert parse_report_period(["Ad report", line] if expected is None else [line]) == expected


def test_report_period_order_hint_for_numeric_ranges_the_line_does_not_settle():
    assert parse_report_period(["Report Time: 6/1/2026 - 6/7/2026"], hint="mdy") == (D(2026, 6, 1), D(2026, 6, 7))
    assert parse_report_period(["Report Time: 6/1/2026 - 6/7/2026"]) == (D(2026, 1, 6), D(2026, 7, 6))
