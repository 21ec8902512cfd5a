"""Google Search Console: the Performance report's Dates.csv (the zip's one tab with days), Italian UI."""
from __future__ import annotations

import random
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.exports.formats import fmt_num, fmt_trim
from roi.samples.seasons import WEEKDAY_B2C, daterange, noise, season
from roi.samples.simulation import Simulation

SITE = "sc-domain:bvcosmetici.it"


def write(sim: Simulation, out: Path) -> list[Path]:
    """Performance › Export › Download CSV, the zip's Date.csv as the Italian UI names its columns: UTF-8 BOM,
    CRLF, ISO dates newest first, CTR as "2,5%", position with a decimal comma. Clicks follow the organic
    demand the simulation's organic sessions come from; impressions and position are Google's side of it."""
    r = random.Random(f"roi-demo:{sim.seed}:search-console")
    rows = []
    for d in daterange(sim.start, sim.end):
        f = season(d) * WEEKDAY_B2C[d.weekday()]
        clicks = round(245 * f * noise(r, 0.1))
        impressions = round(clicks / r.uniform(0.028, 0.041))
        position = r.uniform(9.5, 14.5) - 1.5 * (f - 1)
        rows.append([f"{d:%Y-%m-%d}", clicks, impressions, fmt_trim(100 * clicks / impressions, 2, "it") + "%",
                     fmt_num(position, 2, lang="it")])
    rows.reverse()
    header = ["Data", "Clic", "Impressioni", "CTR", "Posizione"]
    path = out / "search_console" / "Date.csv"
    return [write_table(path, [header] + rows, newline="\r\n", bom=True)]
