"""HubSpot: the contacts export, with lifecycle dates and first-touch UTMs."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.simulation import Simulation


def _hs_time(t: datetime | None) -> str:
    return "" if t is None else f"{t:%Y-%m-%d %H:%M}"


def write(sim: Simulation, out: Path) -> list[Path]:
    """HubSpot contacts export (UTF-8, every cell quoted)."""
    header = ["Record ID", "First Name", "Last Name", "Email", "Company Name", "Create Date", "Lifecycle Stage",
              "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
              "Became a Customer Date", "Original Source", "UTM Source", "UTM Medium", "UTM Campaign"]
    body = []
    for p in sorted((p for p in sim.people if p.record_id is not None), key=lambda p: p.record_id):
        stage = ("Customer" if p.customer else "Sales Qualified Lead" if p.sql else
                 "Marketing Qualified Lead" if p.mql else "Lead")
        t = p.touch
        body.append([p.record_id, p.first, p.last, p.email, p.company, _hs_time(p.created), stage,
                     _hs_time(p.mql), _hs_time(p.sql), _hs_time(p.customer),
                     t.label if t else "Direct Traffic", t.source if t else "", t.medium if t else "",
                     t.campaign if t else ""])
    path = out / "leads" / "hubspot_contatti.csv"
    return [write_table(path, [header] + body, force=lambda s: True)]
