"""The SMART goals sheet: KPI, target, baseline, deadline, owner."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.seasons import month_end
from roi.samples.simulation import Simulation


def goal_rows(start: date, end: date) -> list[list[str]]:
    """Four SMART goals that start inside the slice and end around or after its last day."""
    quarter = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    q_end = month_end(date(quarter.year, quarter.month + 2, 1))
    two_months = date(end.year, end.month, 1) - timedelta(days=1)
    two_months = date(two_months.year, two_months.month, 1)
    nxt = month_end(date(end.year + (end.month == 12), end.month % 12 + 1, 1))
    clip = lambda d: max(d, start)  # noqa: E731
    y, q = end.year, (end.month - 1) // 3 + 1
    return [
        [f"G{y}-01", "CPL Google Ads sotto 25 €", "cpl", "google_ads", "25", "at_most", "31.40",
         clip(two_months).isoformat(), q_end.isoformat(), "Giulia Ferri (performance)"],
        [f"G{y}-02", "ROAS Meta ≥ 3", "roas", "meta_ads", "3", "at_least", "2.2",
         clip(two_months).isoformat(), nxt.isoformat(), "Luca Conti (social)"],
        [f"G{y}-03", f"Lead totali Q{q} ≥ 4.000", "leads", "", "4000", "at_least", "3570",
         clip(quarter).isoformat(), q_end.isoformat(), "Sara Bianchi (marketing manager)"],
        [f"G{y}-04", "ROI complessivo ≥ 150%", "roi_pct", "", "150", "at_least", "95",
         start.isoformat(), end.isoformat(), "Sara Bianchi (marketing manager)"],
    ]


def write(sim: Simulation, out: Path) -> list[Path]:
    header = ["goal_id", "name", "kpi", "channel", "target_value", "direction", "baseline_value", "start_date",
              "deadline", "owner"]
    return [write_table(out / "goals" / "goals.csv", [header] + goal_rows(sim.start, sim.end))]

