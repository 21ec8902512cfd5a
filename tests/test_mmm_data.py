"""The media-mix model's weeks as read from a real warehouse (exports loaded with `roi ingest`), its shopping
calendar, the fits and plans it stores, and the one-line refusals — none of which needs PyMC."""
import datetime as dt
import importlib.util
import json

import duckdb
import pytest

from roi.contracts.errors import ConfigError
from roi.mmm import data, extra, holidays, run, store
from roi.pipeline.config import load_settings
from tests.clikit import call, roi

D = dt.date
MONDAY = D(2025, 1, 6)
WEEKS = 60


def _write_exports(folder, weeks=WEEKS):
    """Google Ads 10 € a day (20 € on Mondays of even weeks), Meta 7 € a day in weeks 0–5 only, Amazon 5 € a day,
    one 100 € order every day and a 50 € order on Saturdays, trade fairs' stands (costs) at 10 € a day."""
    google, meta, amazon, orders = [], [], [], []
    for day_number in range(weeks * 7):
        day = MONDAY + dt.timedelta(days=day_number)
        week = day_number // 7
        cost = "20.00" if day.weekday() == 0 and week % 2 == 0 else "10.00"
        google.append(f"{day},Brand,111,EUR,100,10,{cost},1,50.00")
        if week < 6:
            meta.append(f"{day},Prospecting,222,7.00,1000,20")
        amazon.append(f"{day},SP Auto,5.00,EUR,15.00")
        orders.append(f"o{day_number},{day},100.00,EUR")
        if day.weekday() == 5:
            orders.append(f"s{day_number},{day},50.00,EUR")
    (folder / "google.csv").write_text(
        "Day,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n" + "\n".join(google))
    (folder / "meta.csv").write_text(
        "Day,Campaign name,Campaign ID,Amount spent (EUR),Impressions,Link clicks\n" + "\n".join(meta))
    (folder / "amazon.csv").write_text("Date,Campaign Name,Spend,Currency,14 Day Total Sales\n" + "\n".join(amazon))
    (folder / "orders.csv").write_text("order_id,order_date,amount,currency\n" + "\n".join(orders))
    months = [D(2025 + m // 12, m % 12 + 1, 1) for m in range(15)]
    (folder / "costs.csv").write_text("month,channel,cost_type,description,amount,currency\n" + "".join(
        f"{m:%Y-%m},events,other,Fair stands,{((m + dt.timedelta(days=32)).replace(day=1) - m).days * 10}.00,EUR\n"
        for m in months))
    (folder / "roi.toml").write_text(
        '[warehouse]\npath = "roi.duckdb"\n[channels]\ncustom = ["events"]\n'
        '[mmm]\nmedia_costs = ["events"]\nholidays = [2025-06-02]\n')


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mmm-data")
    _write_exports(folder)
    return folder


@pytest.fixture(scope="module")
def loaded(warehouse):
    for name, kind in (("google.csv", "google_ads"), ("meta.csv", "meta_ads"), ("amazon.csv", "amazon_ads"),
                       ("orders.csv", "orders"), ("costs.csv", "costs")):
        assert call("ingest", str(warehouse / name), "--kind", kind, "--config", str(warehouse / "roi.toml")) == 0
    return load_settings(warehouse / "roi.toml", check_secrets=False)


def test_the_weeks_hold_each_channels_spend_and_the_revenue_by_hand(loaded):
    with duckdb.connect(str(loaded.warehouse_path), read_only=True) as con:
        weeks = data.read_weeks(con, loaded)
    assert (weeks.start, weeks.end, len(weeks.mondays)) == (MONDAY, MONDAY + dt.timedelta(weeks=WEEKS, days=-1), WEEKS)
    # 7 × 10 € plus the even weeks' Monday at 20 €
    assert weeks.spend["google_ads"][:3] == [80.0, 70.0, 80.0]
    # the fairs' stands count as media ([mmm] media_costs): a month's cost spread over its days
    assert [round(v, 2) for v in weeks.spend["events"][:5]] == [70.0] * 5
    assert weeks.outcome[:2] == [750.0, 750.0]   # 7 × 100 € + one Saturday's 50 €
    assert set(weeks.spend) == {"google_ads", "events"}
    # Meta spent in 6 weeks (the model needs 8); Amazon's sales are not in the shop's revenue
    assert weeks.left_out == {"meta_ads": "spend in 6 weeks only (the model needs 8)",
                              "amazon_ads": "its sales happen on the platform, not in the shop's revenue"}
    assert weeks.controls["your_days"][21] == pytest.approx(1 / 7)   # 2 June 2025 is in week 21
    with duckdb.connect(str(loaded.warehouse_path), read_only=True) as con:
        # today's spend for `roi plan`: the last 4 whole weeks, to the last day with spend (a Sunday)
        assert data.recent_spend(con, loaded, ["google_ads"]) == ({"google_ads": (80 + 70 + 80 + 70) / 4},
                                                                  D(2026, 3, 1))


def test_channels_named_are_modelled_and_an_unknown_one_is_refused(loaded):
    with duckdb.connect(str(loaded.warehouse_path), read_only=True) as con:
        weeks = data.read_weeks(con, loaded, channels=("google_ads", "meta_ads"))
        assert list(weeks.spend) == ["google_ads", "meta_ads"]
        assert sum(weeks.spend["meta_ads"]) == pytest.approx(6 * 7 * 7.0)
        with pytest.raises(ConfigError, match="channel 'tiktok_ads' has no media spend between 2025-01-06"):
            data.read_weeks(con, loaded, channels=("tiktok_ads",))


def test_less_than_a_year_of_weeks_is_refused_in_one_line(loaded):
    with duckdb.connect(str(loaded.warehouse_path), read_only=True) as con:
        with pytest.raises(ConfigError) as refused:
            data.read_weeks(con, loaded, end=D(2025, 9, 30))
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("roi mmm needs at least 52 whole weeks of spend and revenue")
    assert "has 38" in message


def test_a_controls_file_gives_each_week_its_mean_and_a_missing_week_is_refused(tmp_path):
    mondays = (D(2026, 1, 5), D(2026, 1, 12))
    path = tmp_path / "controls.csv"
    path.write_text("date;price_index\n2026-01-05;1,0\n2026-01-06;2,0\n2026-01-12;3\n")
    assert data.read_controls(path, mondays) == {"price_index": [1.5, 3.0]}
    path.write_text("date,price_index\n2026-01-05,1\n")
    with pytest.raises(ConfigError, match="no value for the week of 2026-01-12"):
        data.read_controls(path, mondays)


def test_the_italian_calendar():
    assert [holidays.easter(y) for y in (2024, 2025, 2026)] == [D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5)]
    assert min(holidays.black_friday(2026)) == D(2026, 11, 27)
    assert min(holidays.winter_sales(2026)) == D(2026, 1, 3)   # the first Saturday of January
    weeks = [D(2026, 8, 10), D(2026, 8, 17), D(2026, 11, 23), D(2026, 11, 30), D(2026, 3, 2)]
    events = holidays.weekly_events(weeks, "IT")
    assert events["ferragosto"][:2] == [1.0, pytest.approx(4 / 7)]   # 10–20 August
    assert events["black_friday"][2:4] == [pytest.approx(3 / 7), pytest.approx(1 / 7)]   # Fri–Sun, then Monday
    assert "ferragosto" not in holidays.weekly_events(weeks, "DE")   # Italy's own events only for Italy


def _fit_rows(channel_roi):
    fit = {"fitted_at": dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc), "period_start": MONDAY,
           "period_end": D(2026, 11, 29), "weeks": 100, "outcome": "revenue", "currency": "EUR",
           "outcome_total": 10000.0, "method": "MAP (quick preview)", "quick": True, "r_hat_max": None,
           "divergences": None, "ess_bulk_min": None, "mape": 0.1, "r2": 0.8, "controls": "christmas",
           "doubts": json.dumps([["short_history", None, 100]])}
    roi_row = {"channel": "google_ads", "spend": 1000.0, "incremental": channel_roi * 1000,
               "incremental_p05": 0.0, "incremental_p95": 4000.0, "roi": channel_roi, "roi_p05": 0.0,
               "roi_p95": 4.0, "share_explained": 0.2, "adstock_alpha": 0.3}
    params = [{"channel": "google_ads", "draw": 0, "beta": 100.0, "lam": 2.0, "alpha": 0.3, "scale": 50.0}]
    return {"mmm.fits": [fit], "mmm.channel_roi": [roi_row], "mmm.params": params}


def test_every_fit_is_kept_under_its_own_id_and_the_latest_is_marked(tmp_path):
    settings = load_settings(_project(tmp_path), check_secrets=False)
    first = store.write(settings, _fit_rows(2.0), "mmm.fits", "fit_id")
    second = store.write(settings, _fit_rows(3.0), "mmm.fits", "fit_id")
    assert first != second and second.startswith(first[:8])
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("SELECT fit_id, roi, is_latest FROM marts.mmm_channel_roi ORDER BY roi").fetchall()
        assert rows == [(first, 2.0, False), (second, 3.0, True)]
        latest = store.latest_fit(con)
    assert latest["fit_id"] == second
    assert latest["params"] == {"google_ads": {"beta": [100.0], "lam": [2.0], "alpha": [0.3], "scale": 50.0}}
    assert latest["doubts"] == [["short_history", None, 100]]


def test_plan_without_a_fit_and_commands_without_the_extra_say_one_line(tmp_path, capsys, monkeypatch):
    config = _project(tmp_path)
    code, _, err = roi(capsys, "plan", "--budget", "1000", "--config", str(config))
    assert (code, err.strip()) == (2, "roi: error: no media-mix fit yet — run `roi mmm` first "
                                      "(`roi mmm --quick` for a preview)")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pymc" else object())
    for command in (["mmm"], ["plan", "--budget", "1000"]):
        code, _, err = roi(capsys, *command, "--config", str(config))
        assert (code, err.strip()) == (2, f"roi: error: roi {command[0]} {extra.MESSAGE}")


def _project(folder):
    (folder / "roi.toml").write_text('[warehouse]\npath = "roi.duckdb"\n')
    settings = load_settings(folder / "roi.toml", check_secrets=False)
    from roi.warehouse import build, db
    with db.connect(settings.warehouse) as con:
        build.build(con)
    return folder / "roi.toml"


def test_a_fit_whose_chains_disagree_is_run_once_more_and_says_so(loaded, monkeypatch):
    np = pytest.importorskip("numpy", reason="the MMM extra (roi[mmm]) is not installed: make mmm")
    from roi.mmm import model
    monkeypatch.setattr(extra, "require", lambda what="": None)
    seeds = []

    def fake_fit(weekly, *, quick=False, seed=20):
        seeds.append(seed)
        n, channels = len(weekly.weeks), tuple(weekly.spend)
        draws = np.ones((2, len(channels)))
        return model.Fit(method="NUTS (nutpie), 2 chains × 500 draws", channels=channels, beta=draws * 10,
                         lam=draws, alpha=draws * 0.3, scale=np.ones(len(channels)) * 100,
                         contributions=np.ones((2, n, len(channels))), fitted=np.ones((2, n)) * 750,
                         season=np.zeros(n), r_hat_max=1.19 if len(seeds) == 1 else 1.01, divergences=0,
                         ess_bulk_min=300.0, mape=0.1, r2=0.7)
    monkeypatch.setattr(model, "fit", fake_fit)
    result = run.fit(loaded)
    assert seeds == [20, 21]
    assert result["r_hat_max"] == 1.01
    assert result["method"] == "NUTS (nutpie), 2 chains × 500 draws, refitted once (the first run did not converge)"
