"""The budget plan: limits per channel, the water-filled optimum, the gain's interval over draws, response curves.

Two channels with known curves carry most tests. With scale 1000, response(x) = beta · tanh(lam · x / 2000):
  A: beta 2000, lam 1 → 2000 · tanh(x / 2000), marginal sech²(x / 2000)
  B: beta 1000, lam 2 → 1000 · tanh(x / 1000), marginal sech²(x / 1000)
so their marginal returns are equal where x_A = 2 · x_B.
"""
from math import tanh

import pytest

np = pytest.importorskip("numpy")

from roi.contracts.errors import ConfigError  # noqa: E402
from roi.mmm.plan import Curve, allocate, curve_points, limits  # noqa: E402
from roi.mmm.response import marginal, response  # noqa: E402


def curve(channel: str, beta, lam, scale: float = 1000.0) -> Curve:
    beta = np.atleast_1d(np.asarray(beta, dtype=float))
    return Curve(channel, beta, np.broadcast_to(np.asarray(lam, dtype=float), beta.shape).copy(), scale)


def a_and_b(beta_a=2000.0, beta_b=1000.0) -> list[Curve]:
    return [curve("A", beta_a, 1.0), curve("B", beta_b, 2.0)]


def test_limits_default_to_thirty_percent_and_keep_idle_channels_idle():
    assert limits({"google_ads": 1000.0, "meta_ads": 0.0, "tiktok_ads": 500.0}) == {
        "google_ads": (700.0, 1300.0), "meta_ads": (0.0, 0.0), "tiktok_ads": (350.0, 650.0)}


def test_limits_min_and_max_override_one_end_each():
    current = {"google_ads": 1000.0, "meta_ads": 0.0, "tiktok_ads": 500.0}
    assert limits(current, minimum={"tiktok_ads": 0.0}, maximum={"meta_ads": 400.0}) == {
        "google_ads": (700.0, 1300.0), "meta_ads": (0.0, 400.0), "tiktok_ads": (0.0, 650.0)}
    assert limits(current, minimum={"google_ads": 2000.0})["google_ads"] == (2000.0, 2000.0)   # lifts the ceiling
    assert limits(current, maximum={"google_ads": 500.0})["google_ads"] == (500.0, 500.0)      # lowers the floor
    assert limits(current, change=0.5)["tiktok_ads"] == (250.0, 750.0)


@pytest.mark.parametrize("kw, words", [
    ({"minimum": {"bing": 10.0}}, "--min bing=…: the model has no such channel; it has google_ads, meta_ads"),
    ({"maximum": {"meta_ads": -5.0}}, "--max meta_ads: an amount cannot be negative"),
    ({"minimum": {"meta_ads": 300.0}, "maximum": {"meta_ads": 200.0}},
     "--min meta_ads is above --max meta_ads: give a floor below the ceiling"),
    ({"change": 1.0}, "must be from 0 to 1"),
])
def test_limits_refuse_unknown_channels_negative_amounts_and_crossed_limits(kw, words):
    with pytest.raises(ConfigError) as caught:
        limits({"google_ads": 1000.0, "meta_ads": 100.0}, **kw)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_wide_limits_equalise_marginal_returns():
    plan = allocate(a_and_b(), {"A": 1500.0, "B": 1500.0}, 3000.0 * 4, 4, {"A": (0.0, 1e4), "B": (0.0, 1e4)})
    assert plan.planned == pytest.approx({"A": 2000.0, "B": 1000.0}, rel=1e-9)    # x_A = 2 x_B, x_A + x_B = 3000
    assert plan.outcome_planned == pytest.approx({"A": 4 * 2000 * tanh(1.0), "B": 4 * 1000 * tanh(1.0)})
    assert plan.outcome_current == pytest.approx({"A": 4 * 2000 * tanh(0.75), "B": 4 * 1000 * tanh(1.5)})


def test_the_optimum_over_many_draws_matches_a_grid_search():
    rng = np.random.default_rng(7)
    curves = [Curve("A", rng.uniform(1000, 3000, 40), rng.uniform(0.5, 3.0, 40), 1000.0),
              Curve("B", rng.uniform(500, 2500, 40), rng.uniform(0.5, 3.0, 40), 800.0)]
    plan = allocate(curves, {"A": 1500.0, "B": 1500.0}, 3000.0, 1, {"A": (0.0, 5000.0), "B": (0.0, 5000.0)})
    grid = np.linspace(0.0, 3000.0, 30001)                                          # x_A every 0.1, x_B = 3000 − x_A
    total = (response(grid[:, None], curves[0].beta, curves[0].lam, 1000.0).mean(axis=1)
             + response(3000.0 - grid[:, None], curves[1].beta, curves[1].lam, 800.0).mean(axis=1))
    best = grid[total.argmax()]
    assert plan.planned["A"] == pytest.approx(best, abs=3.0)                        # 0.1 % of the budget
    assert plan.planned["A"] + plan.planned["B"] == pytest.approx(3000.0, rel=1e-12)
    assert plan.outcome_planned["A"] + plan.outcome_planned["B"] >= total.max() - 1e-9
    slopes = [marginal(plan.planned[c.channel], c.beta, c.lam, c.scale).mean() for c in curves]
    assert slopes[0] == pytest.approx(slopes[1], rel=1e-6)


def test_nearly_straight_curves_still_spend_the_budget_exactly():
    # far from saturation (lam 1e-6) the marginals barely fall: a and b alike, c's slope 0.91 of theirs.
    # c goes to its floor 560; a and b share the rest equally (870 each) but b stops at its ceiling 650
    curves = [curve("a", 1000.0, 1e-6), curve("b", 1000.0, 1e-6), curve("c", 700.0, 1.3e-6)]
    current = {"a": 1000.0, "b": 500.0, "c": 800.0}
    plan = allocate(curves, current, 2300.0, 1, limits(current))
    assert plan.planned == pytest.approx({"a": 1090.0, "b": 650.0, "c": 560.0}, rel=1e-9)
    assert sum(plan.planned.values()) == pytest.approx(2300.0, rel=1e-12)


def test_thirty_percent_limits_stop_the_better_channel_at_its_ceiling():
    current = {"A": 1000.0, "B": 1000.0}
    plan = allocate(a_and_b(), current, 2200.0 * 4, 4, limits(current))
    assert plan.bounds == {"A": (700.0, 1300.0), "B": (700.0, 1300.0)}
    assert plan.planned == pytest.approx({"A": 1300.0, "B": 900.0})      # unbounded it would be 1466.7 / 733.3
    expected = 4 * (2000 * tanh(0.65) + 1000 * tanh(0.9) - 2000 * tanh(0.5) - 1000 * tanh(1.0))
    assert plan.gain == pytest.approx(expected) == pytest.approx(695.2373)
    assert plan.gain_p05 == plan.gain_p95 == pytest.approx(expected)                # one draw: no spread
    assert (plan.weeks, plan.budget, plan.current) == (4, 8800.0, current)


def test_the_gain_interval_comes_from_the_draws_and_widens_when_they_disagree():
    current = {"A": 1000.0, "B": 1000.0}
    per_a = 4 * (tanh(0.65) - tanh(0.5))      # gain per unit of A's beta, moving A 1000 → 1300
    per_b = 4 * (tanh(0.9) - tanh(1.0))       # per unit of B's beta, moving B 1000 → 900
    plan = allocate(a_and_b(beta_a=[1000.0, 1000.0, 4000.0], beta_b=[1000.0] * 3), current, 8800.0, 4,
                    limits(current))
    assert plan.planned == pytest.approx({"A": 1300.0, "B": 900.0})                # the mean curve is unchanged
    assert plan.gain == pytest.approx(2000 * per_a + 1000 * per_b)                 # the mean, not the median (1000)
    assert plan.gain_p05 == pytest.approx(1000 * per_a + 1000 * per_b)             # quantiles of betas 1000, 1000, 4000
    assert plan.gain_p95 == pytest.approx(3700 * per_a + 1000 * per_b)
    assert plan.gain_p05 < plan.gain < plan.gain_p95

    # draws where A's larger gain always meets B's larger loss: every draw gains the same, so no interval at all
    shift = np.array([-200.0, 0.0, 200.0])
    plan = allocate(a_and_b(beta_a=2000 + shift, beta_b=1000 - shift * per_a / per_b), current, 8800.0, 4,
                    limits(current))
    assert plan.gain_p05 == pytest.approx(plan.gain) == pytest.approx(plan.gain_p95)


def test_the_current_total_as_budget_never_loses():
    optimal = {"A": 2000.0, "B": 1000.0}
    plan = allocate(a_and_b(), optimal, 3000.0 * 13, 13, limits(optimal))
    assert plan.planned == pytest.approx(optimal) and plan.gain == pytest.approx(0.0, abs=1e-6)

    even = {"A": 1000.0, "B": 1000.0}
    plan = allocate(a_and_b(), even, 2000.0 * 13, 13, limits(even))
    assert plan.planned == pytest.approx({"A": 1300.0, "B": 700.0})
    assert plan.gain == pytest.approx(13 * (2000 * tanh(0.65) + 1000 * tanh(0.7) - 2000 * tanh(0.5) - 1000 * tanh(1)))
    assert plan.gain > 0


@pytest.mark.parametrize("budget, message", [
    (12000.0, "--budget 12,000 does not fit the channel limits: over 4 week(s) they allow 5,600 to 10,400; "
              "raise a channel's ceiling with --max CHANNEL=AMOUNT (over the weeks, like --budget)"),
    (4000.0, "--budget 4,000 does not fit the channel limits: over 4 week(s) they allow 5,600 to 10,400; "
             "lower a channel's floor with --min CHANNEL=AMOUNT (over the weeks, like --budget)"),
])
def test_a_budget_outside_the_limits_names_the_range_and_the_option(budget, message):
    current = {"A": 1000.0, "B": 1000.0}
    with pytest.raises(ConfigError) as caught:
        allocate(a_and_b(), current, budget, 4, limits(current))
    assert str(caught.value) == message


def test_a_budget_at_the_edge_of_the_limits_fits():
    current = {"A": 1000.0, "B": 1000.0}
    assert allocate(a_and_b(), current, 10400.0, 4, limits(current)).planned == pytest.approx({"A": 1300, "B": 1300})


def test_only_min_zero_lets_a_channel_go_to_zero():
    curves = [curve("A", 2000.0, 1.0), curve("weak", 10.0, 1.0)]   # weak: marginal at most 0.005 < A's 0.70 at 1200
    current = {"A": 1000.0, "weak": 200.0}
    plan = allocate(curves, current, 1200.0, 1, limits(current))
    assert plan.planned == pytest.approx({"A": 1060.0, "weak": 140.0})              # weak held at 200 × 0.7
    plan = allocate(curves, current, 1200.0, 1, limits(current, minimum={"weak": 0.0}))
    assert plan.planned["A"] == pytest.approx(1200.0) and plan.planned["weak"] == pytest.approx(0.0, abs=1e-9)


def test_allocate_refuses_a_negative_budget_and_channels_the_model_lacks():
    current = {"A": 1000.0, "B": 1000.0}
    with pytest.raises(ConfigError, match="need a budget ≥ 0"):
        allocate(a_and_b(), current, -1.0, 4, limits(current))
    with pytest.raises(ConfigError, match="refit it with `roi mmm`"):
        allocate(a_and_b()[:1], current, 8000.0, 4, limits(current))


def test_curve_points_give_the_mean_and_the_5_to_95_percent_band():
    points = curve_points(curve("A", [1000.0, 2000.0, 3000.0], 1.0), np.array([0.0, 1000.0]))
    # response is linear in beta: quantiles of betas 1000, 2000, 3000 at 5 % and 95 % are 1100 and 2900
    assert points == pytest.approx(np.array([[0, 0, 0], [2000 * tanh(0.5), 1100 * tanh(0.5), 2900 * tanh(0.5)]]))
    assert points.shape == (2, 3)
