"""The calendar the demo business lives by, and its random draws: seasons, holidays, the trade fair, the
hours people buy at, the ECB's business days."""
from __future__ import annotations

import bisect
import math
import random
from datetime import date, datetime, timedelta
from typing import Iterable

ANCHOR = date(2026, 10, 31)  # the business grows ~12% a year; older days are scaled down from here


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth below 30, normal approximation above)."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def noise(rng: random.Random, sigma: float) -> float:
    """A multiplicative log-normal factor with mean 1."""
    return math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)


def daterange(start: date, end: date) -> Iterable[date]:
    for i in range((end - start).days + 1):
        yield start + timedelta(days=i)


def month_starts(start: date, end: date) -> list[date]:
    out, m = [], date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def month_end(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def black_friday(year: int) -> date:
    return nth_weekday(year, 11, 4, 4)


def fair_start(year: int) -> date:
    """SANA Bologna (organic & natural products fair): first Friday of September, four days."""
    return nth_weekday(year, 9, 4, 1)


def easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def target_open(d: date) -> bool:
    """A TARGET2 business day: the days the ECB publishes reference rates."""
    if d.weekday() >= 5 or (d.month, d.day) in ((1, 1), (5, 1), (12, 25), (12, 26)):
        return False
    e = easter(d.year)
    return d not in (e - timedelta(days=2), e + timedelta(days=1))


MONTH_FACTOR = {1: 0.86, 2: 0.86, 3: 0.95, 4: 1.0, 5: 1.05, 6: 0.96, 7: 0.9, 8: 0.82, 9: 1.0,
                10: 1.05, 11: 1.3, 12: 1.2}
WEEKDAY_B2C = (1.02, 1.0, 0.98, 0.97, 0.92, 0.88, 1.08)
WEEKDAY_B2B = (1.08, 1.1, 1.06, 1.02, 0.9, 0.35, 0.3)


def season(d: date) -> float:
    """Demand on day d relative to an average day: month, Ferragosto, Black Friday, Christmas, growth."""
    f = MONTH_FACTOR[d.month]
    if d.month == 8 and 8 <= d.day <= 23:
        f *= 0.82
    bf = black_friday(d.year)
    if bf - timedelta(days=4) <= d <= bf + timedelta(days=3):
        f *= 1.6
    if d.month == 12 and 23 <= d.day <= 26 or (d.month, d.day) in ((12, 31), (1, 1)):
        f *= 0.6
    return f * (1 + 0.12 * (d - ANCHOR).days / 365)


def cpc_pressure(d: date) -> float:
    """Clicks cost more in the busy months: advertisers bid up with demand."""
    return 1 + 0.35 * (MONTH_FACTOR[d.month] - 1)


_HOURS_B2C = [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.7, 1.8, 2.0, 2.1, 1.8, 1.6, 1.6,
              1.7, 1.9, 2.1, 2.4, 2.6, 2.0, 1.0]
_HOURS_B2B = [0, 0, 0, 0, 0, 0, 0, 0.2, 1.0, 2.0, 2.2, 2.0, 1.0, 0.8, 1.8, 2.0, 1.8, 1.2, 0.5, 0.2,
              0.1, 0, 0, 0]


def _cum(weights: list[float]) -> list[float]:
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


_CUM_B2C, _CUM_B2B = _cum(_HOURS_B2C), _cum(_HOURS_B2B)


def at_time(rng: random.Random, d: date, b2b: bool = False) -> datetime:
    cum = _CUM_B2B if b2b else _CUM_B2C
    hour = bisect.bisect_right(cum, rng.random() * cum[-1])
    return datetime(d.year, d.month, d.day, min(hour, 23), rng.randrange(60), rng.randrange(60))

