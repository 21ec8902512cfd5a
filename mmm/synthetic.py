"""Weekly data with a known truth (adstock, saturation, seasonality, trend, holidays, noise) to check the model on."""
import datetime as dt

import numpy as np

from roi.mmm.model import Weekly, lagged, year_phase
from roi.mmm.response import adstock_weights, response

FIRST_MONDAY = dt.date(2023, 1, 2)
# channel -> (target incremental ROI, mean weekly spend, adstock decay alpha, saturation lam)
CHANNELS = {
    "search": (3.0, 8_000.0, 0.2, 1.5),
    "social": (1.5, 6_000.0, 0.5, 2.5),
    "display": (0.5, 5_000.0, 0.6, 3.0),
}
BASE = 80_000.0            # weekly revenue without paid media
TREND = 0.15               # base grows 15 % a year
SEASON = 0.12              # amplitude of the yearly swing, share of the base
HOLIDAY_LIFT = 15_000.0    # Black Friday and Christmas weeks
NOISE = 0.04               # weekly noise, share of the base


def holidays(weeks: tuple[dt.date, ...]) -> np.ndarray:
    """1 on the week of Black Friday (the Friday after the fourth Thursday of November) and the week of Christmas."""
    def black_friday(year: int) -> dt.date:
        first = dt.date(year, 11, 1)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        return thursday + dt.timedelta(days=1)

    days = {black_friday(w.year) for w in weeks} | {dt.date(w.year, 12, 25) for w in weeks}
    return np.array([float(any(w <= d < w + dt.timedelta(days=7) for d in days)) for w in weeks])


def budget(rng: np.random.Generator, phase: np.ndarray, mean: float, follows_season: bool) -> np.ndarray:
    """A channel's weekly spend: a seasonal budget, flights (runs of on and off weeks) and week-to-week noise."""
    n = len(phase)
    if follows_season:
        shape = 1 + 0.8 * np.cos(2 * np.pi * phase)
        return mean * shape * rng.lognormal(0, 0.05, n)
    shift = rng.uniform(0, 2 * np.pi)
    seasonal = 1 + 0.3 * np.sin(2 * np.pi * phase + shift)
    on, flights = rng.random() < 0.8, np.ones(n)
    for t in range(n):                    # on for ~6 weeks, then off for ~2, at random
        flights[t] = 1.0 if on else rng.uniform(0.0, 0.2)
        on = rng.random() < (0.85 if on else 0.4)
    return mean * seasonal * flights * rng.lognormal(0, 0.25, n)


def synthetic(weeks: int = 104, channels: dict[str, tuple[float, float, float, float]] | None = None,
              seed: int = 1, follow_season: tuple[str, ...] = ()) -> tuple[Weekly, dict[str, float]]:
    """Weekly revenue and spend per channel with a known truth, and each channel's true incremental ROI.

    `channels` maps a channel to (target ROI, mean weekly spend, adstock alpha, saturation lam) (CHANNELS when
    None); its beta is set so that the channel's incremental revenue over the weeks ÷ its spend equals the target.
    Channels in `follow_season` spend along the demand's yearly swing (as budgets planned on last year's sales do).
    """
    rng = np.random.default_rng(seed)
    channels = CHANNELS if channels is None else channels
    dates = tuple(FIRST_MONDAY + dt.timedelta(weeks=i) for i in range(weeks))
    phase = year_phase(dates)
    t = np.arange(weeks) / 52
    season = SEASON * (np.cos(2 * np.pi * phase) + 0.3 * np.sin(4 * np.pi * phase))
    holiday = holidays(dates)
    outcome = BASE * (1 + TREND * t + season + NOISE * rng.standard_normal(weeks)) + HOLIDAY_LIFT * holiday
    spend, truth = {}, {}
    for name, (roi, mean, alpha, lam) in channels.items():
        spend[name] = budget(rng, phase, mean, name in follow_season)
        scale = spend[name].max()
        adstocked = lagged(spend[name]) @ adstock_weights(alpha)
        shape = response(adstocked, 1.0, lam, scale)
        beta = roi * spend[name].sum() / shape.sum()
        outcome += beta * shape
        truth[name] = float((beta * shape).sum() / spend[name].sum())
    return Weekly(weeks=dates, outcome=outcome, spend=spend, controls={"holiday": holiday}), truth
