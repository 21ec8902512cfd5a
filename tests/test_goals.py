"""Goals: an Italian SMART-goal sheet becomes core.goals rows."""
import datetime as dt
from pathlib import Path

import polars as pl

from roi import schemas
from roi.sources.files import read_export
from roi.contracts.raw import RawTable
from roi.transforms import goals
from roi.transforms.channels import BUILTIN_CHANNELS
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "goals"
D = dt.date


def ctx(**kw) -> SourceContext:
    return SourceContext(**{"source": "obiettivi", "kind": "goals", "channels": BUILTIN_CHANNELS + ("events",), **kw})


def test_italian_goal_sheet():
    frame = goals.normalise(read_export(FIXTURES / "obiettivi.csv"), ctx()).frame
    assert frame.columns == schemas.columns("goals") + ["_row", "_errors"]
    assert frame.drop("source").rows() == [
        # cost KPI without a direction: a ceiling
        ("G1", "CPL Google sotto 25€", "cpl", "google_ads", 25.0, "at_most", 31.4, D(2026, 6, 1),
         D(2026, 9, 30), "Giulia", 2, []),
        # "Tutti": every channel; roi_pct stays in percent
        ("G2", "ROI complessivo", "roi_pct", None, 150.0, "at_least", 90.0, D(2026, 6, 1), D(2026, 12, 31),
         "Marco", 3, []),
        # rates are fractions: "3,5%" and a bare "2,1"
        ("G3", "Tasso di conversione Meta", "conversion_rate", "meta_ads", 0.035, "at_least", 0.021,
         D(2026, 6, 1), D(2026, 8, 31), None, 4, []),
        ("G4", "Lead da eventi", "leads", "events", 120.0, "at_least", None, D(2026, 7, 1), D(2026, 9, 30),
         "Sara", 5, []),
        ("G5", "Fatturato email", "revenue", "email", 10000.0, "at_most", None, D(2026, 6, 1),
         D(2026, 12, 31), None, 6, []),
        ("G6", "Engagement", None, None, 1000.0, "at_least", None, D(2026, 6, 1), D(2026, 12, 31), None, 7,
         ["kpi: 'Like' is not a known KPI (" + ", ".join(schemas.goals.GOAL_KPIS) + ")"]),
    ]
    clean = frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors")
    schemas.MODELS["goals"].validate(clean)


def test_english_goals_without_ids_and_bad_cells():
    rows = pl.DataFrame({
        "Name": ["Cheaper clicks", None, "Opens"],
        "KPI": ["CPC", "CTR", "open rate"],
        "Target": ["0.80", "2.5", "abc"],
        "Direction": [None, "sideways", ">="],
        "Start date": ["2026-06-01", "2026-06-01", "2026-06-01"],
        "Deadline": ["2026-06-30", None, "2026-06-30"],
        "_row": [2, 3, 4],
    }).with_columns(pl.col("_row").cast(pl.Int64))
    frame = goals.normalise(RawTable(Path("g.csv"), rows, rows.clear()), ctx()).frame
    got = frame.select("name", "kpi", "target_value", "direction", "_errors").rows()
    assert got == [
        ("Cheaper clicks", "cpc", 0.80, "at_most", []),
        ("ctr", "ctr", 0.025, None, ["direction: 'sideways' is not at_least / at_most (>=, <=, almeno, al massimo …)",
                                     "deadline: missing"]),
        ("Opens", "open_rate", None, "at_least", ["target_value: 'abc' is not a number"]),
    ]
    ids = frame["goal_id"].to_list()
    assert all(i.startswith("goal_") for i in ids) and len(set(ids)) == 3
