"""The budget plan (`roi plan`): weekly spend per channel that maximises the expected outcome within limits.

Pure numpy over a fitted model's draws. Every channel's mean response is concave (beta ≥ 0, lam > 0), so the
optimum is exact by water-filling: each channel spends until its mean marginal return falls to a common level λ,
clipped to its limits, and λ is the level at which the spends add up to the weekly budget.
"""
from dataclasses import dataclass

import numpy as np

from roi.contracts.errors import ConfigError
from roi.mmm.response import marginal, response

BISECTIONS = 60     # halvings per search: each bracket ends 2^-60 of its start wide


@dataclass(frozen=True)
class Curve:
    """One channel's posterior draws of the response (draw d of every channel comes from the same sample)."""
    channel: str
    beta: np.ndarray    # (D,)
    lam: np.ndarray     # (D,)
    scale: float


@dataclass(frozen=True)
class Allocation:
    """A plan beside today's weekly spend; outcomes are expected incremental outcomes over all the weeks."""
    weeks: int
    budget: float                               # total over the weeks
    current: dict[str, float]                   # weekly spend now, per channel
    planned: dict[str, float]                   # weekly spend planned
    bounds: dict[str, tuple[float, float]]      # the weekly limits used
    gain: float                                 # planned minus current over the weeks, mean over draws
    gain_p05: float
    gain_p95: float
    outcome_current: dict[str, float]
    outcome_planned: dict[str, float]


def limits(current: dict[str, float], *, change: float = 0.30, minimum: dict[str, float] = {},
           maximum: dict[str, float] = {}) -> dict[str, tuple[float, float]]:
    """Weekly (lo, hi) per channel: current × (1 ∓ change), overridden by --min/--max (weekly amounts).

    A channel reaches 0 only when `minimum` says 0; one with no current spend stays at 0 unless `maximum` (or
    `minimum`) gives it room. A --min above the default ceiling lifts the ceiling to it, a --max below the default
    floor lowers the floor to it.
    """
    if not 0 <= change < 1:
        raise ConfigError(f"the allowed change of a channel's spend must be from 0 to 1 (a share), not {change}")
    for option, amounts in (("--min", minimum), ("--max", maximum)):
        for channel, amount in amounts.items():
            if channel not in current:
                raise ConfigError(f"{option} {channel}=…: the model has no such channel; it has {', '.join(current)}")
            if amount < 0:
                raise ConfigError(f"{option} {channel}: an amount cannot be negative")
    bounds = {}
    for channel, spend in current.items():
        if spend < 0:
            raise ConfigError(f"{channel}: current weekly spend {spend:,.2f} is negative; check its recent costs")
        lo = minimum.get(channel, spend * (1 - change))
        hi = maximum.get(channel, spend * (1 + change))
        if lo > hi and channel in minimum and channel in maximum:
            raise ConfigError(f"--min {channel} is above --max {channel}: give a floor below the ceiling")
        if lo > hi:     # only one of them was given: it wins over the default other end
            lo, hi = (lo, lo) if channel in minimum else (hi, hi)
        bounds[channel] = (lo, hi)
    return bounds


def allocate(curves: list[Curve], current: dict[str, float], budget: float, weeks: int,
             bounds: dict[str, tuple[float, float]]) -> Allocation:
    """The weekly spends that maximise Σ mean response within `bounds`, adding up to budget / weeks."""
    channels = [curve.channel for curve in curves]
    if set(current) != set(channels) or set(bounds) != set(channels):
        raise ConfigError(f"the fitted model covers {', '.join(channels)} but the current spend covers "
                          f"{', '.join(current)}; refit it with `roi mmm`")
    if weeks < 1 or budget < 0:
        raise ConfigError(f"--budget {budget:,.2f} over --weeks {weeks}: need a budget ≥ 0 and at least one week")
    lo = np.array([bounds[c][0] for c in channels], dtype=float)
    hi = np.array([bounds[c][1] for c in channels], dtype=float)
    weekly = _fitting(budget, weeks, lo.sum(), hi.sum())
    beta, lam, scale = _draws(curves)

    def mean_marginal(x: np.ndarray) -> np.ndarray:
        return marginal(x[:, None], beta, lam, scale).mean(axis=1)

    def spends(level: float) -> np.ndarray:
        """Each channel's spend where its mean marginal return falls to `level`, within its bounds."""
        below, above = lo.copy(), hi.copy()
        for _ in range(BISECTIONS):
            mid = (below + above) / 2
            steeper = mean_marginal(mid) >= level
            below, above = np.where(steeper, mid, below), np.where(steeper, above, mid)
        return (below + above) / 2

    # at level 0 every channel spends its ceiling, at the highest marginal among the floors its floor
    rich, more, poor, less = 0.0, hi, float(mean_marginal(lo).max()), lo
    for _ in range(BISECTIONS):
        level = (rich + poor) / 2
        at_level = spends(level)
        if at_level.sum() >= weekly:
            rich, more = level, at_level
        else:
            poor, less = level, at_level
    # nearly straight curves leave the spends far apart at close levels: share the rest of the budget between them
    share = (weekly - less.sum()) / (more.sum() - less.sum()) if more.sum() > less.sum() else 0.0
    planned = np.clip(less + share * (more - less), lo, hi)

    now = np.array([current[c] for c in channels], dtype=float)
    outcome_now = weeks * response(now[:, None], beta, lam, scale)             # (C, D)
    outcome_plan = weeks * response(planned[:, None], beta, lam, scale)
    gains = (outcome_plan - outcome_now).sum(axis=0)                            # per draw
    p05, p95 = np.quantile(gains, [0.05, 0.95])
    return Allocation(
        weeks=weeks, budget=budget, current=dict(zip(channels, now.tolist())),
        planned=dict(zip(channels, planned.tolist())), bounds={c: bounds[c] for c in channels},
        gain=float(gains.mean()), gain_p05=float(p05), gain_p95=float(p95),
        outcome_current=dict(zip(channels, outcome_now.mean(axis=1).tolist())),
        outcome_planned=dict(zip(channels, outcome_plan.mean(axis=1).tolist())))


def curve_points(curve: Curve, spends: np.ndarray) -> np.ndarray:
    """(len(spends), 3): mean, 5th and 95th percentile over draws of the weekly outcome at each weekly spend."""
    outcomes = response(np.asarray(spends, dtype=float)[:, None], curve.beta, curve.lam, curve.scale)
    return np.column_stack([outcomes.mean(axis=1), *np.quantile(outcomes, [0.05, 0.95], axis=1)])


def _fitting(budget: float, weeks: int, floor: float, ceiling: float) -> float:
    """The weekly budget, or a one-line error naming the range the limits allow and the option that widens it."""
    weekly = budget / weeks
    slack = 1e-9 * max(ceiling, 1.0)
    if floor - slack <= weekly <= ceiling + slack:
        return min(max(weekly, floor), ceiling)
    fix = "lower a channel's floor with --min" if weekly < floor else "raise a channel's ceiling with --max"
    raise ConfigError(f"--budget {budget:,.0f} does not fit the channel limits: over {weeks} week(s) they allow "
                      f"{floor * weeks:,.0f} to {ceiling * weeks:,.0f}; {fix} CHANNEL=AMOUNT "
                      "(over the weeks, like --budget)")


def _draws(curves: list[Curve]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """beta and lam as (C, D) and scale as (C, 1): one row per channel, one column per joint draw."""
    beta = np.stack([np.asarray(curve.beta, dtype=float) for curve in curves])
    lam = np.stack([np.asarray(curve.lam, dtype=float) for curve in curves])
    return beta, lam, np.array([[curve.scale] for curve in curves], dtype=float)
