"""The media-mix model's fit: weekly outcome ~ base + trend + yearly season + controls + each channel's response.

Fitted with PyMC (NUTS through nutpie, or a MAP preview) on the outcome divided by its largest week; the response
of each channel is mmm/response.py's. PyMC and nutpie are imported only inside `fit`: roi imports without them.
"""
import datetime as dt
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from roi.contracts.errors import ConfigError
from roi.mmm import extra
from roi.mmm.response import LAG_WEEKS, adstock_weights, response

SEASON_MIN_WEEKS = 52      # fewer weeks: no yearly seasonality in the model
FOURIER_PAIRS = 2
# Priors, on the outcome ÷ its largest week and each channel's spend ÷ its largest week. Chosen by the recovery of
# mmm/synthetic.py's true ROIs over 6 seeds (104 weeks): lam ~ Gamma(2, 1) covered fewer true ROIs in the 5–95 %
# intervals (16/18 against 18/18).
# Each channel's ROI over the fitted weeks ~ LogNormal(mu, sigma), Google Meridian's default ROI prior (median 1.2,
# 90 % within 0.3…5.4); beta follows from it, lam and alpha. A prior on beta instead let a channel of 90 € a week
# explain thousands (ROI 12 for a true 1.5 on the demo).
PRIOR_ROI = (0.2, 0.9)
PRIOR_LAM = (3.0, 1.0)     # Gamma(alpha, beta): saturation speed, mean 3
PRIOR_ALPHA = (1.0, 3.0)   # Beta: adstock decay, mean 0.25
PRIOR_SIGMA = 0.1          # HalfNormal: weekly noise, share of the largest week
# StudentT noise, not Normal: mean ROI error over 6 synthetic seeds 15 % against 16 % on clean data, 16 % (46 % at
# worst) against 22 % (164 %) with 4 outlier weeks (±30 %)
STUDENT_NU = 4
# NUTS: on the two-year demo, nutpie's defaults (500 tuning steps, target acceptance 0.8) left one chain in a
# bad mode in 1 of 3 runs (R-hat 1.19, 87 divergences); 1000 steps at 0.9 converged in 9 of 9 (R-hat <= 1.02)
TUNE = 1000
TARGET_ACCEPT = 0.9
# doubts' thresholds
SHORT_HISTORY_WEEKS = 104
WIDE_INTERVAL_RATIO = 3.0
SEASONAL_SPEND_CORR = 0.6
R_HAT_MAX = 1.05


@dataclass(frozen=True)
class Weekly:
    """The weeks to fit: outcome, spend per paid channel and extra regressors, one value per week."""
    weeks: tuple[dt.date, ...]       # each week's Monday, consecutive
    outcome: np.ndarray              # (n,) e.g. net revenue per week
    spend: dict[str, np.ndarray]     # channel -> (n,) weekly spend (insertion order = channel order)
    controls: dict[str, np.ndarray]  # name -> (n,) holiday dummies (0/1 or share of the week), user controls


@dataclass(frozen=True)
class Fit:
    """A fitted model: per-draw parameters and contributions (D draws, n weeks, C channels), and diagnostics."""
    method: str                 # e.g. "NUTS (nutpie), 2 chains × 500 draws" or "MAP (quick preview)"
    channels: tuple[str, ...]
    beta: np.ndarray            # (D, C) draws, outcome units per week
    lam: np.ndarray             # (D, C)
    alpha: np.ndarray           # (D, C)
    scale: np.ndarray           # (C,) spend scale used
    contributions: np.ndarray   # (D, n, C) each channel's weekly incremental outcome, outcome units
    fitted: np.ndarray          # (D, n) expected outcome
    season: np.ndarray          # (n,) posterior mean of the yearly-seasonality component (for warnings)
    r_hat_max: float | None     # None for MAP
    divergences: int | None
    ess_bulk_min: float | None
    mape: float                 # mean absolute % error of the posterior-mean fit
    r2: float


def lagged(series: np.ndarray, lags: int = LAG_WEEKS) -> np.ndarray:
    """(n, lags) matrix: column l holds the series l weeks earlier (zero before the first week)."""
    n = len(series)
    out = np.zeros((n, lags))
    for lag in range(min(lags, n)):
        out[lag:, lag] = series[: n - lag]
    return out


def year_phase(weeks: tuple[dt.date, ...]) -> np.ndarray:
    """Each week's position in its year, 0…1 (its Thursday's day of the year ÷ 365.25)."""
    return np.array([((w + dt.timedelta(days=3)).timetuple().tm_yday - 1) / 365.25 for w in weeks])


def fourier(weeks: tuple[dt.date, ...]) -> np.ndarray:
    """(n, 2·FOURIER_PAIRS) yearly sine and cosine terms; (n, 0) when the weeks cover less than a year."""
    if len(weeks) < SEASON_MIN_WEEKS:
        return np.zeros((len(weeks), 0))
    angle = 2 * np.pi * year_phase(weeks)
    return np.column_stack([f(k * angle) for k in range(1, FOURIER_PAIRS + 1) for f in (np.sin, np.cos)])


def control_matrix(controls: dict[str, np.ndarray]) -> np.ndarray:
    """(n, K) controls: shares of a week (values in 0…1) as they are, others standardised; constant ones left out."""
    columns = []
    for values in controls.values():
        values = np.asarray(values, dtype=float)
        if np.ptp(values) == 0:
            continue
        inside = values.min() >= 0 and values.max() <= 1
        columns.append(values if inside else (values - values.mean()) / values.std())
    n = len(next(iter(controls.values()))) if controls else 0
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def contributions(spend: np.ndarray, scale: np.ndarray, beta: np.ndarray, lam: np.ndarray,
                  alpha: np.ndarray) -> np.ndarray:
    """(D, n, C) weekly incremental outcome of each channel for each draw of (D, C) beta, lam, alpha."""
    stacked = np.stack([lagged(spend[:, c]) for c in range(spend.shape[1])])     # (C, n, L)
    adstocked = np.einsum("cnl,dcl->dnc", stacked, adstock_weights(alpha))
    return response(adstocked, beta[:, None, :], lam[:, None, :], scale)


@contextmanager
def quiet():
    """Silence PyMC's and nutpie's chatter (progress, compile notes) while keeping warnings about the fit."""
    logger = logging.getLogger("pymc")
    level = logger.level
    logger.setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")   # slower, still right
        try:
            yield
        finally:
            logger.setLevel(level)


def build(data: Weekly, spend: np.ndarray, scale: np.ndarray, y_max: float):
    """The PyMC model on the outcome ÷ y_max; `mu` and `season` are kept as deterministics."""
    import pymc as pm
    import pytensor.tensor as pt

    n = len(data.weeks)
    seasons, controls = fourier(data.weeks), control_matrix(data.controls)
    lags = np.stack([lagged(spend[:, c] / scale[c]) for c in range(spend.shape[1])])   # (C, n, L)
    trend = np.arange(n) / max(n - 1, 1)
    with pm.Model() as model:
        intercept = pm.Normal("intercept", 0.5, 0.5)
        slope = pm.Normal("trend", 0.0, 0.5)
        gamma = pm.Normal("gamma", 0.0, 0.2, shape=seasons.shape[1])
        delta = pm.Normal("delta", 0.0, 0.5, shape=controls.shape[1])
        roi = pm.LogNormal("roi", *PRIOR_ROI, shape=len(scale))
        lam = pm.Gamma("lam", *PRIOR_LAM, shape=len(scale))
        alpha = pm.Beta("alpha", *PRIOR_ALPHA, shape=len(scale))
        sigma = pm.HalfNormal("sigma", PRIOR_SIGMA)
        powers = alpha[:, None] ** np.arange(LAG_WEEKS)
        weights = powers / powers.sum(axis=1, keepdims=True)                        # (C, L)
        adstocked = (pt.as_tensor(lags) * weights[:, None, :]).sum(axis=2)           # (C, n)
        shape = pt.tanh(lam[:, None] * adstocked / 2)                # response with beta 1: (1-e^-z)/(1+e^-z)
        # beta such that the channel's Σ weekly response = roi · Σ spend (both ÷ y_max)
        beta = pm.Deterministic("beta", roi * spend.sum(axis=0) / y_max / shape.sum(axis=1))
        media = (beta[:, None] * shape).sum(axis=0)
        season = pm.Deterministic("season", pt.dot(seasons, gamma) if seasons.shape[1] else pt.zeros(n))
        base = intercept + slope * trend + season
        mu = pm.Deterministic("mu", base + (pt.dot(controls, delta) if controls.shape[1] else 0) + media)
        pm.StudentT("y", nu=STUDENT_NU, mu=mu, sigma=sigma, observed=np.asarray(data.outcome, dtype=float) / y_max)
    return model


FREE = ("intercept", "trend", "gamma", "delta", "roi", "lam", "alpha", "sigma")


def draws_of(idata, name: str) -> np.ndarray:
    """A posterior variable's draws with chains and draws stacked into one first axis."""
    values = np.asarray(idata["posterior"][name].values)
    return values.reshape(-1, *values.shape[2:])


def fit(data: Weekly, *, quick: bool = False, chains: int = 2, draws: int = 500, tune: int = TUNE,
        seed: int = 20) -> Fit:
    """Fit the model: NUTS through nutpie (posterior draws and diagnostics), or with `quick` a MAP point estimate."""
    try:
        import nutpie  # noqa: F401  (pm.sample's nuts_sampler="nutpie" needs it)
        import pymc as pm
    except ImportError:
        raise ConfigError(f"roi mmm {extra.MESSAGE}") from None
    channels = tuple(data.spend)
    spend = np.column_stack([np.asarray(data.spend[c], dtype=float) for c in channels])
    scale = spend.max(axis=0)
    for name, top in zip(channels, scale):
        if not top > 0:
            raise ConfigError(f"roi mmm: channel {name} has no spend in the fitted weeks: leave it out of the model")
    y = np.asarray(data.outcome, dtype=float)
    y_max = float(np.abs(y).max())
    model = build(data, spend, scale, y_max)
    with quiet():
        if quick:
            point = pm.find_MAP(model=model, progressbar=False, seed=seed)
            params = {k: np.asarray(point[k])[None, ...] for k in ("beta", "lam", "alpha", "mu", "season")}
            method, r_hat, divergences, ess = "MAP (quick preview)", None, None, None
        else:
            import arviz as az
            idata = pm.sample(draws=draws, tune=tune, chains=chains, model=model, random_seed=seed,
                              target_accept=TARGET_ACCEPT,
                              nuts_sampler="nutpie", progressbar=False)
            params = {k: draws_of(idata, k) for k in ("beta", "lam", "alpha", "mu", "season")}
            present = [v for v in FREE if draws_of(idata, v).size]
            table = az.summary(idata, var_names=present, kind="diagnostics")
            r_hat, ess = float(table["r_hat"].max()), float(table["ess_bulk"].min())
            divergences = int(np.asarray(idata["sample_stats"]["diverging"].values).sum())
            method = f"NUTS (nutpie), {chains} chains × {draws} draws"
    beta = params["beta"] * y_max
    contrib = contributions(spend, scale, beta, params["lam"], params["alpha"])
    fitted = params["mu"] * y_max
    mean = fitted.mean(axis=0)
    nonzero = y != 0
    return Fit(method=method, channels=channels, beta=beta, lam=params["lam"], alpha=params["alpha"], scale=scale,
               contributions=contrib, fitted=fitted, season=params["season"].mean(axis=0) * y_max,
               r_hat_max=r_hat, divergences=divergences, ess_bulk_min=ess,
               mape=float(np.mean(np.abs(y - mean)[nonzero] / np.abs(y[nonzero]))),
               r2=float(1 - ((y - mean) ** 2).sum() / ((y - y.mean()) ** 2).sum()))


def summarise(fit: Fit, data: Weekly) -> list[dict]:
    """Per channel: spend, incremental outcome, ROI (incremental ÷ spend) with 5–95 % intervals, share of outcome."""
    total = float(np.sum(data.outcome))
    rows = []
    for c, name in enumerate(fit.channels):
        spent = float(np.sum(data.spend[name]))
        incremental = fit.contributions[:, :, c].sum(axis=1)
        roi = incremental / spent
        rows.append({"channel": name, "spend": spent, "incremental": float(incremental.mean()),
                     "incremental_p05": float(np.percentile(incremental, 5)),
                     "incremental_p95": float(np.percentile(incremental, 95)),
                     "roi": float(roi.mean()), "roi_p05": float(np.percentile(roi, 5)),
                     "roi_p95": float(np.percentile(roi, 95)), "share_explained": float(incremental.mean()) / total})
    return rows


def doubts(fit: Fit, data: Weekly) -> list[tuple[str, str | None, float]]:
    """Reasons to trust the fit less: (code, channel or None, the value that crossed its threshold)."""
    found: list[tuple[str, str | None, float]] = []
    if len(data.weeks) < SHORT_HISTORY_WEEKS:
        found.append(("short_history", None, float(len(data.weeks))))
    if fit.r_hat_max is not None and fit.r_hat_max > R_HAT_MAX:
        found.append(("not_converged", None, fit.r_hat_max))
    if fit.divergences:
        found.append(("divergences", None, float(fit.divergences)))
    for row in summarise(fit, data) if fit.contributions.shape[0] > 1 else []:     # a MAP fit has no interval
        ratio = row["roi_p95"] / row["roi_p05"] if row["roi_p05"] > 0 else float("inf")
        if ratio > WIDE_INTERVAL_RATIO:
            found.append(("wide_interval", row["channel"], ratio))
    for name in fit.channels:
        spend = np.asarray(data.spend[name], dtype=float)
        if np.ptp(fit.season) > 0 and np.ptp(spend) > 0:
            corr = float(np.corrcoef(spend, fit.season)[0, 1])
            if abs(corr) > SEASONAL_SPEND_CORR:
                found.append(("seasonal_spend", name, corr))
    return found
