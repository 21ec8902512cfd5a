"""The model's response of one channel: weekly spend → weekly incremental outcome, and the adstock before it.

One definition, used by the fit (mmm/model.py), the response curves and the budget plan (mmm/plan.py):

    adstock(spend)_t = Σ_{l < L} alpha^l · spend_{t-l} / Σ_{l < L} alpha^l   (geometric, normalised, L = LAG_WEEKS)
    response(x)      = beta · (1 − exp(−lam · x / scale)) / (1 + exp(−lam · x / scale))   (logistic saturation)

`scale` is the channel's largest weekly spend in the fitted weeks, `beta` the most the channel can add in a week
(outcome units), `lam` how fast it saturates. Because the adstock is normalised, a spend held at x every week
reaches an adstock of x: `response(x)` is then the channel's steady weekly effect, which the plan optimises.
"""
import numpy as np

LAG_WEEKS = 8


def adstock_weights(alpha: np.ndarray, lags: int = LAG_WEEKS) -> np.ndarray:
    """(…, lags) weights alpha^l / Σ alpha^l for each alpha in the input's shape."""
    powers = np.asarray(alpha, dtype=float)[..., None] ** np.arange(lags)
    return powers / powers.sum(axis=-1, keepdims=True)


def adstock(spend: np.ndarray, alpha: float, lags: int = LAG_WEEKS) -> np.ndarray:
    """Geometric, normalised adstock of a weekly series (weeks before the first count as no spend)."""
    weights = adstock_weights(np.asarray(alpha), lags)
    spend = np.asarray(spend, dtype=float)
    return np.array([sum(weights[l] * spend[t - l] for l in range(min(lags, t + 1))) for t in range(len(spend))])


def response(x, beta, lam, scale):
    """Weekly incremental outcome of an adstocked weekly spend x; broadcasts over draws and spends."""
    z = np.exp(-np.asarray(lam, dtype=float) * np.asarray(x, dtype=float) / scale)
    return np.asarray(beta, dtype=float) * (1 - z) / (1 + z)


def marginal(x, beta, lam, scale):
    """d response / d x: the outcome the next unit of weekly spend adds."""
    z = np.exp(-np.asarray(lam, dtype=float) * np.asarray(x, dtype=float) / scale)
    return np.asarray(beta, dtype=float) * 2 * lam / scale * z / (1 + z) ** 2
