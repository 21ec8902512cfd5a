"""`roi mmm` and `roi plan`: the warehouse's weeks → a fit stored under its id; the latest fit → a budget plan."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

from roi.contracts.errors import ConfigError
from roi.contracts.settings import Settings
from roi.mmm import data, extra, store
from roi.warehouse import db

CURVE_POINTS = 21      # each response curve from 0 to twice the channel's largest fitted week


def fit(settings: Settings, start: dt.date | None = None, end: dt.date | None = None,
        channels: tuple[str, ...] = (), quick: bool = False) -> dict:
    """Fits the model on the warehouse's whole weeks and stores it; returns what `roi mmm` prints."""
    extra.require()
    import numpy as np

    from roi.mmm import model, plan
    with db.connect_read_only(settings.warehouse) as con:
        weeks = data.read_weeks(con, settings, start, end, channels)
    weekly = model.Weekly(weeks=weeks.mondays, outcome=np.array(weeks.outcome),
                          spend={c: np.array(v) for c, v in weeks.spend.items()},
                          controls={c: np.array(v) for c, v in weeks.controls.items()})
    result = model.fit(weekly, quick=quick)
    if result.r_hat_max is not None and result.r_hat_max > model.R_HAT_MAX:   # a chain stuck: once more, reseeded
        again = model.fit(weekly, seed=21)
        result = again if again.r_hat_max < result.r_hat_max else result
        result = dataclasses.replace(result, method=result.method + ", refitted once (the first run did not converge)")
    summary = model.summarise(result, weekly)
    doubts = model.doubts(result, weekly)
    curves, params = [], []
    for i, channel in enumerate(result.channels):
        curve = plan.Curve(channel, result.beta[:, i], result.lam[:, i], float(result.scale[i]))
        spends = np.linspace(0, 2 * curve.scale, CURVE_POINTS)
        for spend, (mean, low, high) in zip(spends, plan.curve_points(curve, spends)):
            curves.append({"channel": channel, "weekly_spend": float(spend), "incremental": float(mean),
                           "incremental_p05": float(low), "incremental_p95": float(high)})
        params += [{"channel": channel, "draw": d, "beta": float(result.beta[d, i]), "lam": float(result.lam[d, i]),
                    "alpha": float(result.alpha[d, i]), "scale": float(result.scale[i])}
                   for d in range(result.beta.shape[0])]
    fit_row = {
        "fitted_at": dt.datetime.now(dt.timezone.utc), "period_start": weeks.start, "period_end": weeks.end,
        "weeks": len(weeks.mondays), "outcome": weeks.outcome_name, "currency": weeks.currency,
        "outcome_total": float(sum(weeks.outcome)), "method": result.method, "quick": quick,
        "r_hat_max": result.r_hat_max, "divergences": result.divergences, "ess_bulk_min": result.ess_bulk_min,
        "mape": float(result.mape), "r2": float(result.r2), "controls": ";".join(weeks.controls),
        "doubts": json.dumps([list(d) for d in doubts]),
    }
    roi_rows = [{"channel": r["channel"], "spend": r["spend"], "incremental": r["incremental"],
                 "incremental_p05": r["incremental_p05"], "incremental_p95": r["incremental_p95"],
                 "roi": r["roi"], "roi_p05": r["roi_p05"], "roi_p95": r["roi_p95"],
                 "share_explained": r["share_explained"],
                 "adstock_alpha": float(result.alpha[:, result.channels.index(r["channel"])].mean())}
                for r in summary]
    fit_id = store.write(settings, {"mmm.fits": [fit_row], "mmm.channel_roi": roi_rows, "mmm.params": params,
                                    "mmm.response_curves": curves}, "mmm.fits", "fit_id")
    return {"fit_id": fit_id, **fit_row, "channels": roi_rows, "doubts": doubts, "left_out": weeks.left_out}


def budget_plan(settings: Settings, budget: float, weeks: int = 4, minimum: dict[str, float] | None = None,
                maximum: dict[str, float] | None = None, fit_id: str | None = None) -> dict:
    """The allocation of `budget` over `weeks` that the latest fit expects to add the most, within limits
    (--min / --max are amounts over the weeks, like the budget); stored and returned for printing."""
    extra.require("roi plan")
    import numpy as np

    from roi.mmm import plan
    from roi.mmm.response import marginal
    if budget <= 0 or weeks < 1:
        raise ConfigError("roi plan: --budget must be an amount > 0 and --weeks a whole number >= 1")
    with db.connect_read_only(settings.warehouse) as con:
        fit = store.latest_fit(con, fit_id)
        channels = list(fit["params"])
        current, until = data.recent_spend(con, settings, channels)
        bucket_of = data.buckets(con)
    unknown = [c for c in [*(minimum or {}), *(maximum or {})] if c not in channels]
    if unknown:
        raise ConfigError(f"roi plan: '{unknown[0]}' is not a channel of fit {fit['fit_id']} "
                          f"(its channels: {', '.join(channels)})")
    limits = plan.limits(current, change=settings.mmm.max_change,
                         minimum={c: v / weeks for c, v in (minimum or {}).items()},
                         maximum={c: v / weeks for c, v in (maximum or {}).items()})
    curves = [plan.Curve(c, np.array(p["beta"]), np.array(p["lam"]), float(p["scale"]))
              for c, p in fit["params"].items()]
    allocation = plan.allocate(curves, current, budget, weeks, limits)
    lines = [{"channel": c.channel, "bucket": bucket_of.get(c.channel), "current_weekly": current[c.channel],
              "planned_weekly": allocation.planned[c.channel], "min_weekly": limits[c.channel][0],
              "max_weekly": limits[c.channel][1], "outcome_current": allocation.outcome_current[c.channel],
              "outcome_planned": allocation.outcome_planned[c.channel],
              "marginal_current": float(marginal(current[c.channel], c.beta, c.lam, c.scale).mean()),
              "marginal_planned": float(marginal(allocation.planned[c.channel], c.beta, c.lam, c.scale).mean())}
             for c in curves]
    plan_row = {"fit_id": fit["fit_id"], "planned_at": dt.datetime.now(dt.timezone.utc), "weeks": weeks,
                "budget": float(budget), "gain": allocation.gain, "gain_p05": allocation.gain_p05,
                "gain_p95": allocation.gain_p95}
    plan_id = store.write(settings, {"mmm.plans": [plan_row], "mmm.plan_channels": lines}, "mmm.plans", "plan_id")
    return {"plan_id": plan_id, **plan_row, "channels": lines, "spend_until": until, "fit": fit}
