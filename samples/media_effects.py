"""The paid channels' known effect on the shop, for the two-year demo that `roi mmm` is checked against: each
channel's weekly spend (EUR) → a normalised geometric adstock over 8 weeks → a logistic saturation gives the
week's incremental net revenue (the math of mmm/response.py, written out here: samples imports no roi layer).
Also the budgets that make spend move week to week (flights, dark weeks) and an order's net revenue as
core.orders counts it."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from roi.samples.business import AMZ, G_EN, G_IT, LI, META, MS, PIN, TT, Order

LAG_WEEKS = 8
CHANNEL = {G_IT: "google_ads", G_EN: "google_ads", META: "meta_ads", LI: "linkedin_ads", MS: "microsoft_ads",
           TT: "tiktok_ads", PIN: "pinterest_ads", AMZ: "amazon_ads"}


@dataclass(frozen=True)
class Response:
    """A channel's response, fixed in euros: adstock decay `alpha`; `beta`, the most the channel adds to a week's
    net revenue; `half`, the weekly (adstocked) spend that brings half of it. In response.py's terms lam =
    ln 3 × scale / half, scale being the largest weekly spend of the run. `tagged`: the share of the orders it
    causes that arrive with its UTMs (the rest: view-through, another device, the address typed in)."""
    alpha: float
    beta: float
    half: float
    tagged: float

    def lam(self, scale: float) -> float:
        return round(math.log(3) * scale / self.half, 4)


# Meta: underrated by last click (most of its orders come untagged), ROI ~3 and far from saturated; Google: brand
# and generic search past the knee of its curve, ROI ~1 and little from the next euro; Microsoft ~1.5; the others
# return less than half of what they cost.
RESPONSES = {
    "google_ads": Response(alpha=0.25, beta=2300.0, half=700.0, tagged=0.75),
    "meta_ads": Response(alpha=0.55, beta=14000.0, half=2500.0, tagged=0.35),
    "microsoft_ads": Response(alpha=0.2, beta=1100.0, half=400.0, tagged=0.7),
    "linkedin_ads": Response(alpha=0.5, beta=110.0, half=600.0, tagged=0.0),
    "tiktok_ads": Response(alpha=0.4, beta=280.0, half=500.0, tagged=0.3),
    "pinterest_ads": Response(alpha=0.6, beta=370.0, half=400.0, tagged=0.4),
    "amazon_ads": Response(alpha=0.3, beta=150.0, half=400.0, tagged=0.0),
}

# Budget flights per ad account: (sigma of a flight's budget level, chance a flight is dark, shortest and longest
# flight in weeks). Budgets change on Mondays; the flights are drawn from FLIGHTS_FROM on, so a shorter run sees
# the same budgets as the two years over its weeks.
FLIGHTS_FROM = date(2023, 1, 2)
FLIGHTS = {G_IT: (0.35, 0.0, 3, 8), G_EN: (0.2, 0.0, 4, 10), META: (0.45, 0.2, 2, 6), LI: (0.25, 0.0, 4, 8),
           MS: (0.35, 0.15, 3, 8), TT: (0.35, 0.0, 1, 2), PIN: (0.35, 0.1, 2, 4), AMZ: (0.3, 0.15, 3, 8)}


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weeks(start: date, end: date) -> list[date]:
    """The Mondays of the weeks from start to end (the first and last may be partial)."""
    return [monday(start) + timedelta(weeks=i) for i in range((monday(end) - monday(start)).days // 7 + 1)]


def budget_plan(start: date, end: date, seed: int) -> dict[tuple[str, date], float]:
    """(account, Monday) -> the week's budget level (1 = the usual, 0 = dark), in flights of a few weeks."""
    r = random.Random(f"roi-demo:{seed}:budgets")
    plan = {}
    for account, (sigma, dark, shortest, longest) in FLIGHTS.items():
        left, level = 0, 1.0
        for week in weeks(min(start, FLIGHTS_FROM), end):
            if left == 0:
                left = r.randint(shortest, longest)
                level = 0.0 if r.random() < dark else min(2.2, max(0.4, math.exp(r.gauss(0.0, sigma))))
                if level == 0.0:
                    left = min(left, 3)
            plan[account, week] = level
            left -= 1
    return plan


def adstock(spend: list[float], alpha: float) -> list[float]:
    """Geometric, normalised adstock of a weekly series (weeks before the first count as no spend)."""
    powers = [alpha ** lag for lag in range(LAG_WEEKS)]
    weights = [p / sum(powers) for p in powers]
    return [sum(weights[lag] * spend[t - lag] for lag in range(min(LAG_WEEKS, t + 1))) for t in range(len(spend))]


def response(x: float, beta: float, lam: float, scale: float) -> float:
    """The week's incremental outcome of an adstocked weekly spend x (logistic saturation)."""
    z = math.exp(-lam * x / scale)
    return beta * (1 - z) / (1 + z)


def marginal(x: float, beta: float, lam: float, scale: float) -> float:
    """d response / d x: what the next euro of weekly spend adds."""
    z = math.exp(-lam * x / scale)
    return beta * 2 * lam / scale * z / (1 + z) ** 2


def order_net(o: Order) -> float:
    """The order's net revenue as stg.orders counts it from the Shopify export (amount_net): 0 unless paid, the
    goods without tax and shipping, less the refunded share of them."""
    if o.status == "pending":
        return 0.0
    total, shipping, refunded = round(o.total, 2), round(o.shipping, 2), round(o.refunded, 2)
    tax = round(total - total / 1.22, 2)
    if refunded == 0 or total <= 0:
        return total - tax - shipping - refunded
    return (total - tax - shipping) * max(0.0, 1 - refunded / total)
