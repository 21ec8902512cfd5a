"""The ECB euro reference rates, in the layout of its eurofxref-hist.csv."""
from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path

from roi.samples.exports.files import write_table
from roi.samples.seasons import daterange, target_open
from roi.samples.simulation import Simulation

FX = (("USD", 1.125, 4, 0.0045), ("JPY", 168.0, 2, 0.005), ("BGN", 1.9558, 4, 0.0), ("CYP", None, 0, 0),
      ("CZK", 24.6, 3, 0.002), ("DKK", 7.4605, 4, 0.0002), ("GBP", 0.858, 5, 0.003), ("HUF", 395.0, 2, 0.004),
      ("PLN", 4.27, 4, 0.003), ("RON", 5.02, 4, 0.0015), ("SEK", 11.15, 4, 0.004), ("CHF", 0.935, 4, 0.003),
      ("ISK", 145.0, 1, 0.003), ("NOK", 11.6, 4, 0.004), ("HRK", None, 0, 0), ("RUB", None, 0, 0),
      ("TRY", 46.0, 4, 0.003), ("AUD", 1.75, 4, 0.005), ("BRL", 6.3, 4, 0.007), ("CAD", 1.58, 4, 0.004),
      ("CNY", 8.1, 4, 0.004), ("HKD", 8.78, 4, 0.0045), ("INR", 98.5, 4, 0.005), ("MXN", 21.4, 4, 0.007),
      ("NZD", 1.93, 4, 0.005), ("SGD", 1.46, 4, 0.003), ("ZAR", 20.4, 4, 0.007))


def fx_rows(start: date, end: date, seed: int) -> list[list[str]]:
    """ECB reference rates, oldest simulated first, written newest first; USD kept in 1.08-1.17."""
    r = random.Random(f"roi-demo:{seed}:fx")
    level = {c: base for c, base, _, _ in FX if base}
    rows = []
    for d in daterange(start - timedelta(days=21), end):
        if not target_open(d):
            continue
        row = [d.isoformat()]
        for cur, base, dec, vol in FX:
            if base is None:
                row.append("N/A")
                continue
            if vol:
                x = level[cur] * math.exp(r.gauss(0, vol) + 0.03 * math.log(base / level[cur]))
                if cur == "USD":
                    x = min(1.17, max(1.08, x))
                level[cur] = x
            row.append(f"{level[cur]:.{dec}f}")
        rows.append(row + [""])
    return rows[::-1]


def usd_rates(start: date, end: date, seed: int) -> dict[date, float]:
    """USD per EUR on each day from start to end as the warehouse converts: the day's rate or the latest earlier."""
    published = {date.fromisoformat(row[0]): float(row[1]) for row in fx_rows(start, end, seed)}
    rates, rate = {}, None
    for d in daterange(start - timedelta(days=21), end):
        rate = published.get(d, rate)
        if d >= start:
            rates[d] = rate
    return rates


def write(sim: Simulation, out: Path) -> list[Path]:
    header = ["Date", *[c for c, *_ in FX], ""]
    return [write_table(out / "fx_rates" / "eurofxref-hist.csv", [header] + fx_rows(sim.start, sim.end, sim.seed))]
