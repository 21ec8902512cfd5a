"""Search Console Performance exports -> core.organic_search: the Dates export (English, Italian; BOM, CRLF) as the
day total rows of the property named by site_url; the other tabs (Queries, Pages …) refused in one line, since
their rows are totals of the whole period."""
import datetime as dt
from pathlib import Path

import pytest

from roi import schemas
from roi.pipeline.config import load_settings
from roi.pipeline.runs import ingest_files
from roi.sources.files import read_export
from roi.transforms import search_console
from roi.transforms.context import SourceContext
from tests.fakeapi import load_counts, query

FIXTURES = Path(__file__).parent / "fixtures" / "search_console"
D = dt.date
SITE = "https://www.example.it/"


def normalise(name, **options):
    raw = read_export(FIXTURES / name if isinstance(name, str) else name)
    return search_console.normalise(raw, SourceContext(source="gsc", kind="search_console",
                                                       options={"site_url": SITE, **options})).frame


def test_english_dates_export_gives_one_total_row_a_day():
    out = normalise("Dates_en.csv")
    assert out.columns == schemas.columns("organic_search") + ["_row", "_errors"]
    assert out["date"].to_list() == [D(2026, 5, 4), D(2026, 5, 3), D(2026, 5, 2), D(2026, 5, 1)]
    assert out["site_url"].to_list() == [SITE] * 4 and out["source"].to_list() == ["gsc"] * 4
    assert out["query"].to_list() == [""] * 4 and out["page"].to_list() == [""] * 4     # the day's totals
    assert out["clicks"].to_list() == [31, 0, 18, 25]
    assert out["impressions"].to_list() == [1204, 0, 950, 1000]
    # position × impressions: 14.38 × 1204, 0 × 0 (a day shown as "-" is exported as zeros), 17.1 × 950,
    # 12.4 × 1000
    assert out["position_sum"].to_list() == pytest.approx([17313.52, 0.0, 16245.0, 12400.0])
    assert out["_row"].to_list() == [2, 3, 4, 5] and out["_errors"].to_list() == [[]] * 4


def test_italian_dates_export_with_decimal_commas():
    out = normalise("Date_it.csv")
    assert out["date"].to_list() == [D(2026, 5, 2), D(2026, 5, 1)]
    assert out["clicks"].to_list() == [12, 7] and out["impressions"].to_list() == [480, 350]
    assert out["position_sum"].to_list() == pytest.approx([9.75 * 480, 11.2 * 350])      # 4680, 3920
    assert out["_errors"].to_list() == [[], []]


@pytest.mark.parametrize("name, first", [("Queries_en.csv", "Top queries"), ("Pagine_it.csv", "Pagine principali")])
def test_queries_and_pages_tabs_are_refused_saying_why_and_what_to_load(name, first):
    with pytest.raises(ValueError) as info:
        normalise(name)
    message = str(info.value)
    assert "\n" not in message and first in message
    assert "whole period" in message and "Dates.csv" in message and "mode = \"api\"" in message


def test_without_site_url_the_export_is_refused_naming_the_option():
    raw = read_export(FIXTURES / "Dates_en.csv")
    with pytest.raises(ValueError, match=r"site_url = \"https://www.example.it/\""):
        search_console.normalise(raw, SourceContext(source="gsc", kind="search_console"))


def test_an_unrelated_file_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Search Console"):
        normalise(path)


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "roi.toml").write_text(
        '[warehouse]\npath = "roi.duckdb"\n'
        f'[[sources]]\nname = "gsc"\nkind = "search_console"\nmode = "files"\npath = "{FIXTURES}/Dates_en.csv"\n'
        f'site_url = "{SITE}"\n', encoding="utf-8")
    return load_settings(tmp_path / "roi.toml")


def test_a_dates_export_loads_into_the_warehouse_and_a_bad_cell_goes_to_quarantine(settings, tmp_path):
    path = tmp_path / "Dates.csv"
    path.write_bytes((FIXTURES / "Dates_en.csv").read_bytes().replace(b"2026-05-02,18,", b"2026-05-02,1x8,"))
    [record] = ingest_files(settings, [path], "search_console", "gsc")
    assert record.status == "succeeded", record.error
    assert (record.window_start, record.window_end) == (D(2026, 5, 1), D(2026, 5, 4))
    assert (record.rows_in, record.rows_loaded, record.rows_combined, record.rows_quarantined) == (4, 3, 0, 1)
    assert load_counts(settings) == [(4, 3, 0, 1)]
    # 31 + 0 + 25 clicks, 1204 + 0 + 1000 impressions; average position (17313.52 + 12400) / 2204 = 13.4817
    clicks, impressions, position = query(settings, "SELECT sum(clicks), sum(impressions), "
                                                    "sum(position_sum) / sum(impressions) FROM core.organic_search")[0]
    assert (clicks, impressions) == (56, 2204) and position == pytest.approx(29713.52 / 2204)
    assert query(settings, "SELECT DISTINCT site_url, query, page FROM core.organic_search") == [(SITE, "", "")]
    [(row, reasons)] = query(settings, "SELECT row_number, reasons FROM ops.quarantine")
    assert row == 4 and "clicks: '1x8' is not a number" in reasons


def test_a_queries_export_given_as_another_kind_is_named_search_console():
    from roi.sources.registry import file_kinds
    from roi.transforms.detect import guess_kind, wrong_kind_hint
    header = read_export(FIXTURES / "Queries_en.csv").header
    assert guess_kind(header) == "search_console"
    assert "use --kind search_console" in wrong_kind_hint(header, "google_ads", file_kinds())
    assert guess_kind(read_export(FIXTURES / "Dates_en.csv").header) in ("search_console", None)
