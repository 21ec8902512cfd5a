"""Costs: an Italian cost sheet (days, months, hours × rate) becomes core.costs rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.contracts.raw import RawTable
from roi.transforms import costs
from roi.transforms.channels import BUILTIN_CHANNELS
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "costs"
D = dt.date


def ctx(**kw) -> SourceContext:
    return SourceContext(**{"source": "costi", "kind": "costs", "channels": BUILTIN_CHANNELS + ("events",), **kw})


def test_italian_cost_sheet():
    frame = costs.normalise(read_export(FIXTURES / "costi_marketing.csv"), ctx()).frame
    assert frame.columns == schemas.columns("costs") + ["_row", "_errors"]
    assert frame.drop("source").rows() == [
        # 12,5 h × 40,00 €/h
        (D(2026, 6, 5), D(2026, 6, 5), "google_ads", "Estate 2026", "staff", "Gestione campagne",
         12.5, 40.0, 500.0, "EUR", 3, []),
        # "giugno 2026": the whole month; "1.234,56"; empty currency -> the source's default
        (D(2026, 6, 1), D(2026, 6, 30), "meta_ads", None, "tool", "Licenza Canva", None, None, 1234.56,
         "EUR", 4, []),
        (D(2026, 6, 15), D(2026, 6, 15), "events", "Fiera Milano", "agency", "Allestimento stand", None,
         None, 2500.0, "EUR", 5, []),
        (D(2026, 7, 1), D(2026, 7, 31), "organic_search", None, "freelance", "Articoli blog", None, None,
         1000.0, "EUR", 6, []),
        (D(2026, 6, 16), D(2026, 6, 16), "email", None, None, "Varie", None, None, 10.0, "EUR", 7,
         ["cost_type: 'Boh' is not a cost type (staff, tool, agency, freelance, content, training, other)"]),
        (D(2026, 7, 1), D(2026, 7, 31), "organic_search", None, "freelance", "Revisione testi", None, None,
         None, "EUR", 8, ["amount: missing (give an amount, or hours and hourly_rate)"]),
        # no type but hours: staff time, 3 h × 25
        (D(2026, 6, 17), D(2026, 6, 17), "meta_ads", None, "staff", "Community management", 3.0, 25.0,
         75.0, "EUR", 9, []),
    ]
    clean = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["costs"].validate(clean)


def raw(columns: dict) -> RawTable:
    n = len(next(iter(columns.values())))
    rows = pl.DataFrame({**columns, "_row": list(range(2, n + 2))}).with_columns(pl.col("_row").cast(pl.Int64))
    return RawTable(Path("c.csv"), rows, rows.clear())


def test_month_names_periods_and_missing_parts():
    table = raw({
        "Month": ["June 2026", "06/2026", None, None, None, "Smarch 2026"],
        "Date": [None, None, "2026-06-10", "2026-06-10", None, None],
        "Period end": [None, None, "2026-06-20", None, None, None],
        "Channel": ["Google Ads", "google_ads", "Meta", "Meta", "Meta", "Meta"],
        "Type": ["tool", "Software", "Formazione", "Contenuti", "Other", "tool"],
        "Hours": [None, None, None, "2", None, None],
        "Amount": ["100", "200", "300", None, "5", "7"],
    })
    frame = costs.normalise(table, ctx(currency="USD")).frame
    assert frame.select("cost_date", "period_end", "cost_type", "amount", "currency", "_errors").rows() == [
        (D(2026, 6, 1), D(2026, 6, 30), "tool", 100.0, "USD", []),
        (D(2026, 6, 1), D(2026, 6, 30), "tool", 200.0, "USD", []),
        (D(2026, 6, 10), D(2026, 6, 20), "training", 300.0, "USD", []),
        (D(2026, 6, 10), D(2026, 6, 10), "content", None, "USD", ["hourly_rate: missing (hours without an amount)"]),
        (None, None, "other", 5.0, "USD", ["cost_date: missing"]),
        (None, None, "tool", 7.0, "USD", ["month: 'Smarch 2026' is not a month"]),
    ]


def test_xlsx_numbers_are_read_with_a_decimal_point_even_under_italian_headers(tmp_path):
    import xlsxwriter
    path = tmp_path / "costi.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for r, row in enumerate([["Data", "Canale", "Tipo", "Importo"], ["01/06/2026", "SEO", "Agenzia", 1234.5]]):
        sheet.write_row(r, 0, row)
    book.close()
    frame = costs.normalise(read_export(path), ctx()).frame
    assert frame.select("cost_date", "channel", "cost_type", "amount", "_errors").rows() == [
        (D(2026, 6, 1), "organic_search", "agency", 1234.5, [])]


def test_sheet_without_amount_or_time_fails_with_one_line():
    with pytest.raises(ValueError, match="no amount column and no hours \\+ hourly_rate"):
        costs.normalise(raw({"Data": ["01/06/2026"], "Canale": ["SEO"]}), ctx())
