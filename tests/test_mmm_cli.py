"""`roi mmm` and `roi plan` for real: two years of synthetic business with known incremental ROIs written as the
platforms' and the shop's exports, loaded with `roi ingest`, fitted by NUTS, planned, read back from the marts."""
import datetime as dt

import duckdb
import pytest

pytest.importorskip("pymc", reason="the MMM extra (roi[mmm]: PyMC, nutpie) is not installed: make mmm")

from roi.mmm.synthetic import synthetic  # noqa: E402
from tests.clikit import call, roi  # noqa: E402

# the synthetic channels, as the platforms whose exports carry their spend
PLATFORMS = {"search": "google_ads", "social": "meta_ads", "display": "tiktok_ads"}
HEADERS = {
    "google_ads": "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value",
    "meta_ads": "Day,Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks",
    "tiktok_ads": "Date,Campaign name,Campaign ID,Currency,Cost,Impressions,Clicks (destination)",
}


def _line(kind: str, day: dt.date, cost: float) -> str:
    return {"google_ads": f"{day},Search,11,EUR,1000,50,{cost:.2f},2,100.00",
            "meta_ads": f"{day},Social,22,{cost:.2f},5000,40",
            "tiktok_ads": f"{day},Display,33,EUR,{cost:.2f},9000,30"}[kind]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The synthetic weeks as daily exports (a week's spend and revenue spread evenly over its days)."""
    folder = tmp_path_factory.mktemp("mmm-cli")
    weekly, truth = synthetic(weeks=104, seed=3)
    lines = {kind: [HEADERS[kind]] for kind in HEADERS}
    orders = ["order_id,order_date,amount,currency"]
    for w, monday in enumerate(weekly.weeks):
        for d in range(7):
            day = monday + dt.timedelta(days=d)
            for channel, kind in PLATFORMS.items():
                lines[kind].append(_line(kind, day, weekly.spend[channel][w] / 7))
            orders.append(f"o{w}-{d},{day},{weekly.outcome[w] / 7:.2f},EUR")
    for kind, rows in lines.items():
        (folder / f"{kind}.csv").write_text("\n".join(rows) + "\n")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n")
    (folder / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    return folder, {PLATFORMS[c]: v for c, v in truth.items()}


def _roi(folder, capsys, *args):
    return roi(capsys, *args, "--config", str(folder / "roi.toml"))


@pytest.fixture(scope="module")
def loaded(project):
    """The exports loaded as a user loads them, `roi ingest` by kind."""
    folder, truth = project
    for kind in (*HEADERS, "orders"):
        assert call("ingest", str(folder / f"{kind}.csv"), "--kind", kind, "--config", str(folder / "roi.toml")) == 0
    return folder, truth


def test_roi_mmm_then_roi_plan_on_two_years_with_a_known_truth(loaded, capsys):
    folder, truth = loaded
    code, out, err = _roi(folder, capsys, "mmm")
    assert code == 0, err
    assert "stored as fit" in out and "NUTS (nutpie)" in out
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        found = {row[0]: row[1:] for row in con.execute(
            "SELECT channel, roi, roi_p05, roi_p95, r_hat_max, divergences FROM marts.mmm_channel_roi "
            "WHERE is_latest").fetchall()}
    assert set(found) == set(truth)
    # the ranking is right, and each true ROI is inside its interval or within 2× of the estimate
    assert sorted(found, key=lambda c: found[c][0]) == sorted(truth, key=truth.get)
    for channel, (estimate, low, high, r_hat, _) in found.items():
        assert low <= truth[channel] <= high or 0.5 <= estimate / truth[channel] <= 2, channel
        assert r_hat <= 1.05
    # today's spend is the last 4 weeks' mean; the plan keeps the same total and moves it toward the best channel
    best, worst = max(truth, key=truth.get), min(truth, key=truth.get)
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        weekly_now = con.execute("SELECT sum(spend) / 4 FROM marts.channel_daily WHERE date > "
                                 "(SELECT max(date) - 28 FROM marts.channel_daily WHERE spend > 0)").fetchone()[0]
    budget = round(weekly_now * 4, 2)
    code, out, err = _roi(folder, capsys, "plan", "--budget", str(budget))
    assert code == 0, err
    assert "expected gain vs today" in out and "70/20/10 split" in out
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        plan = {row[0]: row[1:] for row in con.execute(
            "SELECT channel, current_weekly, planned_weekly, gain, budget FROM marts.mmm_plan").fetchall()}
    assert sum(p[1] for p in plan.values()) * 4 == pytest.approx(budget)
    assert plan[best][1] > plan[best][0] and plan[worst][1] < plan[worst][0]
    for current, planned, gain, _ in plan.values():
        assert 0.7 * current - 0.01 <= planned <= 1.3 * current + 0.01   # ±30 % by default
        assert gain > 0
    # a --quick preview is stored beside the full fit, which stays the one plans use
    code, out, err = _roi(folder, capsys, "mmm", "--quick")
    assert code == 0, err
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), count(*) FILTER (WHERE quick) FROM mmm.fits").fetchone() == (2, 1)
        assert con.execute("SELECT DISTINCT quick FROM marts.mmm_channel_roi WHERE is_latest").fetchall() == [(False,)]


def test_the_monthly_flow_fits_and_keeps_its_fit_beside_the_others(loaded, prefect_harness):
    from roi.flows.mmm import mmm_fit
    folder, _ = loaded
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM mmm.fits").fetchone()[0]
    fit_id = mmm_fit(config=str(folder / "roi.toml"), quick=True)
    with duckdb.connect(str(folder / "roi.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mmm.fits").fetchone()[0] == before + 1
        assert con.execute("SELECT count(DISTINCT channel) FROM mmm.channel_roi WHERE fit_id = ?",
                           [fit_id]).fetchone()[0] == 3
