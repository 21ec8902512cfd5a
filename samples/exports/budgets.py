"""The monthly budget plan in the 70/20/10 buckets (proven / new / experiment)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from roi.samples.business import LINKEDIN_LAUNCH, PINTEREST_LAUNCH, TIKTOK_LAUNCH
from roi.samples.exports.files import write_table
from roi.samples.seasons import month_starts
from roi.samples.simulation import Simulation

BUDGET_K = {1: 22, 2: 22, 3: 24, 4: 24, 5: 25, 6: 24, 7: 23, 8: 20, 9: 26, 10: 26, 11: 30, 12: 28}


def budget_rows(start: date, end: date) -> list[list[str]]:
    rows = []
    for m in month_starts(start, end):
        total = BUDGET_K[m.month] * 1000 * (1.0 if m >= date(2026, 1, 1) else 0.9)
        total = round(total / 100) * 100
        email = round(total * 0.08 / 100) * 100
        proven, new = total * 7 // 10, total * 2 // 10
        experiment = total - proven - new
        # the smaller channels' lines (total cost: media, staff, fees) are carved out of their bucket
        microsoft = 700
        linkedin = (0 if m < LINKEDIN_LAUNCH.replace(day=1) else 800 if m < date(2026, 9, 1) else 1600)
        creatives = (TIKTOK_LAUNCH.replace(day=1) - timedelta(days=1)).replace(day=1)   # the month before
        tiktok = 0 if m < creatives else 500 if m < TIKTOK_LAUNCH else 1000
        amazon = 600 if m >= date(2026, 8, 1) else 0          # the demo's Amazon Ads began before its 90 days
        pinterest = 700 if m >= PINTEREST_LAUNCH.replace(day=1) else 0
        for channel, bucket, amount in (("google_ads", "proven", proven - email - microsoft - amazon),
                                        ("microsoft_ads", "proven", microsoft), ("amazon_ads", "proven", amazon),
                                        ("email", "proven", email),
                                        ("meta_ads", "new", new - linkedin - pinterest),
                                        ("linkedin_ads", "new", linkedin), ("pinterest_ads", "new", pinterest),
                                        ("events", "experiment", experiment - tiktok),
                                        ("tiktok_ads", "experiment", tiktok)):
            if amount:
                rows.append([f"{m:%Y-%m}", channel, bucket, f"{amount:.2f}", "EUR"])
    return rows


def write(sim: Simulation, out: Path) -> list[Path]:
    header = ["month", "channel", "bucket", "planned_amount", "currency"]
    return [write_table(out / "budgets" / "budgets.csv", [header] + budget_rows(sim.start, sim.end))]
