"""What `roi mmm` and `roi plan` print, from hand-made results: Italian numbers, intervals (none for a preview),
the doubts in words, the plan beside today with its gain and 70/20/10 split."""
import datetime as dt

from roi.outputs import mmm_tables, tables


def _fit(quick=False, doubts=()):
    return {"fit_id": "20261201-060000", "period_start": dt.date(2024, 11, 4), "period_end": dt.date(2026, 10, 25),
            "weeks": 103, "outcome": "revenue", "currency": "EUR", "method": "NUTS (nutpie), 2 chains × 500 draws",
            "quick": quick, "mape": 0.1593, "r2": 0.69, "r_hat_max": None if quick else 1.02,
            "divergences": None if quick else 0, "left_out": {"tiktok_ads": "spend in 4 weeks only (the model needs 8)"},
            "doubts": list(doubts),
            "channels": [{"channel": "meta_ads", "spend": 62519.42, "incremental": 203242.34,
                          "incremental_p05": 112303.23, "incremental_p95": 296792.82, "roi": 3.25, "roi_p05": 1.80,
                          "roi_p95": 4.75, "share_explained": 0.187}]}


def test_the_fit_in_italian_with_its_interval_and_doubts(capsys, monkeypatch):
    monkeypatch.setattr(tables.console, "width", 200)
    mmm_tables.show_fit(_fit(doubts=[("wide_interval", "meta_ads", float("inf")), ("short_history", None, 103.0)]),
                        "it")
    out = capsys.readouterr().out
    assert "│ meta_ads │ 62.519,42 │          203.242,34 │ 112.303,23 │ 296.792,82 │ 3,25 │    1,80 │     4,75 │" in out
    assert "fit error 15,93 % (MAPE), R² 0,69, R-hat ≤ 1.020, 0 divergences" in out
    assert "not modelled: tiktok_ads — spend in 4 weeks only (the model needs 8)" in out
    assert "not sure: meta_ads: the interval reaches down to no effect" in out
    assert "not sure: only 103 weeks of history" in out


def test_a_preview_shows_no_interval(capsys, monkeypatch):
    monkeypatch.setattr(tables.console, "width", 200)
    mmm_tables.show_fit(_fit(quick=True), "en")
    out = capsys.readouterr().out
    assert "│ meta_ads │ 62,519.42 │          203,242.34 │   – │    – │ 3.25 │       – │        – │          18.70 % │" in out
    assert "a preview without intervals" in out


def test_the_plan_beside_today_with_its_gain_and_split(capsys, monkeypatch):
    monkeypatch.setattr(tables.console, "width", 200)
    result = {"plan_id": "20261202-080000", "weeks": 4, "budget": 6000.0, "gain": 300.0, "gain_p05": -20.0,
              "gain_p95": 640.0, "spend_until": dt.date(2026, 11, 29),
              "fit": {"fit_id": "20261201-060000", "currency": "EUR", "outcome": "revenue", "doubts": []},
              "channels": [
                  {"channel": "google_ads", "bucket": "proven", "current_weekly": 1000.0, "planned_weekly": 800.0,
                   "min_weekly": 700.0, "max_weekly": 1300.0, "outcome_current": 4000.0, "outcome_planned": 3500.0,
                   "marginal_current": 0.42, "marginal_planned": 0.61},
                  {"channel": "meta_ads", "bucket": "new", "current_weekly": 500.0, "planned_weekly": 700.0,
                   "min_weekly": 350.0, "max_weekly": 650.0, "outcome_current": 2000.0, "outcome_planned": 2800.0,
                   "marginal_current": 1.9, "marginal_planned": 1.6},
                  {"channel": "tiktok_ads", "bucket": None, "current_weekly": 0.0, "planned_weekly": 0.0,
                   "min_weekly": 0.0, "max_weekly": 0.0, "outcome_current": 0.0, "outcome_planned": 0.0,
                   "marginal_current": 2.5, "marginal_planned": 2.5}]}
    mmm_tables.show_plan(result, "en")
    out = capsys.readouterr().out
    assert ("│ google_ads │ proven │    4,000.00 │   3,200.00 │ -20.00 % │ 2,800.00–5,200.00 │       4,000.00 │"
            "      3,500.00 │                 0.42 │") in out
    assert "tiktok_ads spent nothing in the last 4 weeks, so the plan keeps it at 0 — its next EUR is expected to " \
           "add 2.50; `--max tiktok_ads=AMOUNT` lets the plan use it" in out
    assert "│ total      │        │    6,000.00 │   6,000.00 │        – │                   │       6,000.00 │" in out
    assert "expected gain vs today: 300.00 (5–95 %: -20.00 to 640.00) — the interval includes no gain" in out
    # today 1000 : 500 → 66.7 % / 33.3 %; planned 800 : 700 → 53.3 % / 46.7 %
    assert ("proven 66.67 % → 53.33 % (rule 70.00 %); new 33.33 % → 46.67 % (rule 20.00 %); no bucket 0.00 % → "
            "0.00 %") in out
