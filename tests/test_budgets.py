"""Budgets: monthly plans with 70/20/10 labels become core.budgets rows."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.contracts.raw import RawTable
from roi.transforms import budgets
from roi.transforms.channels import BUILTIN_CHANNELS
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "budgets"
D = dt.date


def ctx(**kw) -> SourceContext:
    return SourceContext(**{"source": "piano", "kind": "budgets", "channels": BUILTIN_CHANNELS + ("events",), **kw})


def test_budget_plan_with_70_20_10_labels():
    frame = budgets.normalise(read_export(FIXTURES / "budget_2026.csv"), ctx()).frame
    assert frame.columns == schemas.columns("budgets") + ["_row", "_errors"]
    assert frame.drop("source").rows() == [
        (D(2026, 6, 1), "google_ads", "proven", 7000.0, "EUR", 2, []),          # "70%"
        (D(2026, 6, 1), "meta_ads", "new", 2000.0, "EUR", 3, []),               # "Nuovo"
        (D(2026, 6, 1), "tiktok_ads", "experiment", 1000.0, "EUR", 4, []),      # "Sperimentale"
        (D(2026, 7, 1), "google_ads", "proven", 7500.0, "EUR", 5, []),          # "07/2026", "Proven (70%)"
        (D(2026, 7, 1), "linkedin_ads", "new", 1500.5, "EUR", 6, []),           # "Luglio 2026", "20"
        (D(2026, 7, 1), "events", "experiment", 500.0, "EUR", 7, []),           # a day -> its month
        (D(2026, 8, 1), "meta_ads", None, 100.0, "EUR", 8,
         ["bucket: 'Boh' is not a budget bucket (proven, new, experiment — 70/20/10)"]),
    ]
    clean = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["budgets"].validate(clean)


def test_missing_cells_and_a_file_without_buckets():
    rows = pl.DataFrame({"Month": ["2026-06", None, "2026-06"], "Channel": ["Meta", "Meta", None],
                         "Budget": ["1 000,50", "5", ""], "_row": [2, 3, 4]})
    rows = rows.with_columns(pl.col("_row").cast(pl.Int64))
    result = budgets.normalise(RawTable(Path("b.csv"), rows, rows.clear()), ctx(currency="GBP"))
    assert result.frame.select("month", "channel", "bucket", "planned_amount", "currency", "_errors").rows() == [
        (D(2026, 6, 1), "meta_ads", "proven", 1000.5, "GBP", []),
        (None, "meta_ads", "proven", 5.0, "GBP", ["month: missing"]),
        (D(2026, 6, 1), None, "proven", None, "GBP", ["channel: missing", "planned_amount: missing"]),
    ]
    assert result.warnings == ["no bucket column: every budget row counted as 'proven' (70%)"]


def test_file_without_a_channel_column_fails_with_one_line():
    rows = pl.DataFrame({"Mese": ["2026-06"], "Budget": ["1"], "_row": [2]})
    with pytest.raises(ValueError, match="no channel column .* columns.channel"):
        budgets.normalise(RawTable(Path("b.csv"), rows, rows.clear()), ctx())
