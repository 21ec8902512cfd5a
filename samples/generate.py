"""`python -m roi.samples.generate`: simulates the demo business (an Italian e-commerce with a B2B wholesale
arm), then writes one export per source kind and the roi.toml that loads them — the ~90-day slice bundled in
samples/demo/, or two years with --full.

The rooms, each importing only those before it: seasons.py (the calendar and the random draws) → business.py
(accounts, campaigns, products, names, records) → shop.py (people and orders) → simulation.py (the channels,
day by day, and the conversions each platform claims) → exports/ (one module per source kind, named as the
kind, with `write(sim, out)`; files.py and formats.py are what they share). With --full, media_effects.py gives
the paid channels known effects on the shop's orders (adstock, saturation), written out in mmm_truth.json."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path

from roi.samples.exports import (amazon_ads, brevo, budgets, costs, demo_config, fx_rates, ga4, goals, google_ads,
                                 hubspot_email, klaviyo, leads, linkedin_ads, mailchimp, meta_ads, microsoft_ads,
                                 orders, pinterest_ads, search_console, tiktok_ads)
from roi.samples.exports.budgets import budget_rows
from roi.samples.exports.costs import cost_rows
from roi.samples.simulation import END, Simulation, simulate

# budget_rows, cost_rows and Simulation are imported from here by the tests
__all__ = ["DEMO_DIR", "END", "FULL_DIR", "Simulation", "budget_rows", "cost_rows", "generate", "main", "simulate"]

DEMO_DIR = Path(__file__).resolve().parent / "demo"
FULL_DIR = Path("data/demo-full")
# the order `main` lists the files in
EXPORTS = (google_ads, meta_ads, linkedin_ads, microsoft_ads, tiktok_ads, pinterest_ads, amazon_ads, mailchimp, brevo,
           klaviyo, hubspot_email, leads, orders, ga4, search_console, costs, budgets, goals, fx_rates)


def generate(out: Path, days: int = 90, end: date = END, seed: int = 7, mmm: bool = False) -> dict[str, list[Path]]:
    """Writes one export per source kind (and a roi.toml) under `out`; returns kind -> files written. With mmm
    (the full demo) the paid channels cause the shop's orders through known responses, and mmm_truth.json says
    what each channel's spend brought.

    Same arguments, same bytes: nothing depends on the clock, the locale or hash order."""
    out = Path(out)
    start = end - timedelta(days=days - 1)
    sim = simulate(days, end, seed, fx_rates.usd_rates(start, end, seed) if mmm else None)
    written = {export.__name__.rpartition(".")[2]: export.write(sim, out) for export in EXPORTS}
    demo_config.write(out, days, end, seed)
    if mmm:
        truth = out / "mmm_truth.json"
        truth.write_text(json.dumps(sim.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written["mmm_truth"] = [truth]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roi.samples.generate",
                                     description="Write deterministic demo exports for every source kind.")
    parser.add_argument("--out", type=Path, help=f"output folder (default: samples/demo, or {FULL_DIR} with --full)")
    parser.add_argument("--full", action="store_true",
                        help="two years (730 days) instead of 90, the paid channels' effects known (mmm_truth.json)")
    parser.add_argument("--days", type=int, help="number of days (default 90, or 730 with --full)")
    parser.add_argument("--end", type=date.fromisoformat, default=END, help=f"last day, YYYY-MM-DD (default {END})")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    days = args.days or (730 if args.full else 90)
    if days < 1:
        parser.error("--days must be at least 1")
    out = args.out or (FULL_DIR if args.full else DEMO_DIR)
    written = generate(out, days=days, end=args.end, seed=args.seed, mmm=args.full)
    size = sum(p.stat().st_size for files in written.values() for p in files)
    start = args.end - timedelta(days=days - 1)
    print(f"wrote {sum(map(len, written.values()))} files ({size / 1e6:.1f} MB), {start} to {args.end}, "
          f"into {out} (+ roi.toml)")
    for kind, files in written.items():
        for p in files:
            print(f"  {kind:<13} {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
