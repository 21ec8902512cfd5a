"""The media-mix model recovers known ROIs from synthetic weeks, reports its diagnostics and doubts its own fit."""
import datetime as dt
import sys

import numpy as np
import pytest

pytest.importorskip("pymc", reason="the MMM extra (roi[mmm]) is not installed: make mmm")

from roi.contracts.errors import ConfigError  # noqa: E402
from roi.mmm.model import Fit, Weekly, control_matrix, doubts, fit, summarise  # noqa: E402
from roi.mmm.synthetic import CHANNELS, synthetic  # noqa: E402

TRUE_ROI = {"search": 3.0, "social": 1.5, "display": 0.5}     # synthetic's default channels


@pytest.fixture(scope="module")
def weekly():
    return synthetic(weeks=104, seed=3)


@pytest.fixture(scope="module")
def nuts(weekly):
    data, _ = weekly
    return fit(data, chains=2, draws=400, tune=400)


@pytest.fixture(scope="module")
def rows(nuts, weekly):
    return {row["channel"]: row for row in summarise(nuts, weekly[0])}


def test_synthetic_truth_is_the_asked_roi(weekly):
    data, truth = weekly
    assert truth == pytest.approx(TRUE_ROI)
    assert len(data.weeks) == 104 and set(data.spend) == set(TRUE_ROI)
    assert all(abs(np.corrcoef(data.spend["search"], data.spend[c])[0, 1]) < 0.6 for c in ("social", "display"))


def test_ranks_channels_as_the_truth(rows):
    assert sorted(rows, key=lambda c: -rows[c]["roi"]) == ["search", "social", "display"]


def test_true_roi_inside_interval_or_within_twice_the_estimate(rows):
    for channel, true in TRUE_ROI.items():
        row = rows[channel]
        inside = row["roi_p05"] <= true <= row["roi_p95"]
        assert inside or 0.5 <= row["roi"] / true <= 2, (channel, row)


def test_a_small_channel_does_not_look_like_the_best_one():
    # 150 a week beside budgets of 5–8k hardly shows in the outcome: its true ROI 0.3 must not come out above the
    # best channel's 3.0, nor its interval exclude a channel that barely pays (a prior on beta gave 9.0 [1.5, 16.9])
    data, _ = synthetic(weeks=104, seed=3, channels={**CHANNELS, "small": (0.3, 150.0, 0.3, 1.0)})
    row = next(r for r in summarise(fit(data, chains=2, draws=300, tune=300), data) if r["channel"] == "small")
    assert row["roi"] < 3.0 and row["roi_p05"] < 1.0, row


def test_sampler_converged_and_is_named(nuts, weekly):
    assert nuts.method == "NUTS (nutpie), 2 chains × 400 draws"
    assert nuts.r_hat_max <= 1.05 and nuts.ess_bulk_min > 50 and nuts.divergences >= 0
    assert nuts.beta.shape == nuts.lam.shape == nuts.alpha.shape == (800, 3)
    assert nuts.contributions.shape == (800, 104, 3) and nuts.fitted.shape == (800, 104)
    assert nuts.r2 > 0.9 and nuts.mape < 0.05


def test_contributions_add_up_to_the_summary(nuts, weekly, rows):
    data, _ = weekly
    for c, channel in enumerate(nuts.channels):
        incremental = nuts.contributions[:, :, c].sum(axis=1)
        assert rows[channel]["incremental"] == pytest.approx(incremental.mean())
        assert rows[channel]["spend"] == pytest.approx(data.spend[channel].sum())
        assert rows[channel]["roi"] == pytest.approx(incremental.mean() / data.spend[channel].sum())
        assert rows[channel]["share_explained"] == pytest.approx(incremental.mean() / data.outcome.sum())
        assert rows[channel]["roi_p05"] < rows[channel]["roi"] < rows[channel]["roi_p95"]


def test_quick_map_ranks_the_best_channel_first(weekly):
    quick = fit(weekly[0], quick=True)
    assert quick.method == "MAP (quick preview)" and quick.r_hat_max is None and quick.divergences is None
    assert quick.contributions.shape == (1, 104, 3)
    best = max(summarise(quick, weekly[0]), key=lambda row: row["roi"])
    assert best["channel"] == "search"


def test_doubts_a_short_history_and_a_channel_spending_with_the_season():
    data, _ = synthetic(weeks=52, seed=3, follow_season=("social",))
    found = doubts(fit(data, quick=True), data)
    assert ("short_history", None, 52.0) in found
    seasonal = {channel: corr for code, channel, corr in found if code == "seasonal_spend"}
    assert list(seasonal) == ["social"] and seasonal["social"] > 0.6


def hand_fit(roi_draws: list[float], r_hat: float, divergences: int) -> Fit:
    """A two-week, one-channel fit whose channel's ROI draws are the given ones (spend 100 a week)."""
    contributions = np.array(roi_draws)[:, None, None] * 100 * np.ones((1, 2, 1))
    draws = np.ones((len(roi_draws), 1))
    return Fit(method="hand", channels=("tv",), beta=draws, lam=draws, alpha=draws, scale=np.array([100.0]),
               contributions=contributions, fitted=np.ones((len(roi_draws), 2)), season=np.array([1.0, -1.0]),
               r_hat_max=r_hat, divergences=divergences, ess_bulk_min=400.0, mape=0.0, r2=1.0)


def test_doubts_thresholds_on_a_hand_made_fit():
    data = Weekly(weeks=(dt.date(2025, 1, 6), dt.date(2025, 1, 13)), outcome=np.array([500.0, 500.0]),
                  spend={"tv": np.array([100.0, 100.0])}, controls={})
    steady = hand_fit([1.0] * 10 + [1.2] * 80 + [1.4] * 10, r_hat=1.01, divergences=0)
    assert doubts(steady, data) == [("short_history", None, 2.0)]
    shaky = hand_fit([0.2] * 10 + [1.0] * 80 + [1.0] * 10, r_hat=1.2, divergences=3)
    assert doubts(shaky, data)[1:] == [("not_converged", None, 1.2), ("divergences", None, 3.0),
                                       ("wide_interval", "tv", pytest.approx(5.0))]


def test_controls_keep_shares_and_standardise_the_rest():
    matrix = control_matrix({"holiday": np.array([0.0, 0.5, 1.0]), "price": np.array([10.0, 20.0, 30.0]),
                             "flat": np.array([7.0, 7.0, 7.0])})
    assert matrix == pytest.approx(np.array([[0.0, -1.224745], [0.5, 0.0], [1.0, 1.224745]]))


def test_without_the_extra_fit_says_how_to_install_it(monkeypatch, weekly):
    monkeypatch.setitem(sys.modules, "nutpie", None)
    with pytest.raises(ConfigError, match=r"^roi mmm needs the MMM extra: pip install 'roi\[mmm\]'"):
        fit(weekly[0])
