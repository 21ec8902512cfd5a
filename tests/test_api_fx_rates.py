"""fx_rates in API mode: a local server playing the ECB data API (SDMX CSV), the real load path, DuckDB."""
import datetime as dt
import re

import pytest

import roi.sources.http
from roi.pipeline.runs import run_window
from roi.sources import fx_rates as ecb
from tests.fakeapi import FakeApi, Reply, query

D = dt.date
RUN_DATE = D(2026, 6, 7)            # a Sunday: window [Mon 2026-06-01, Sun 2026-06-07] with lookback_days = 6
HEADER = "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE"
# EUR reference rates by day (Mon 1 June - Fri 5 June 2026); none at weekends.
RATES = {
    "USD": ["1.0800", "1.1000", "1.0950", "1.0875", "1.0920"],
    "GBP": ["0.8400", "0.8500", "0.8450", "0.8425", "0.8410"],
    "JPY": ["168.20", "169.05", "168.90", "169.40", "170.10"],
    "CHF": ["0.9400", "0.9410", "0.9420", "0.9430", "0.9440"],
}


class FakeEcb:
    """GET /service/data/EXR/D.<A+B>.EUR.SP00.A: the series asked for, business days in the period;
    "No results found." (404) when the period holds none."""

    def __init__(self, api: FakeApi):
        self.requests = []
        api.route("GET", r"/service/data/EXR/([A-Z0-9.+]+)", self.data)

    def data(self, req, match):
        self.requests.append((match.group(1), req.query))
        freq, currencies, denom, kind, suffix = match.group(1).split(".")
        start, end = D.fromisoformat(req.arg("startPeriod")), D.fromisoformat(req.arg("endPeriod"))
        lines = []
        for code in currencies.split("+"):
            for i, value in enumerate(RATES.get(code, [])):
                day = D(2026, 6, 1) + dt.timedelta(days=i)
                if start <= day <= end:
                    lines.append(f"EXR.D.{code}.EUR.SP00.A,D,{code},EUR,SP00,A,{day},{value}")
        if not lines:
            return Reply(404, "No results found.")
        return Reply(200, "\r\n".join([HEADER] + lines) + "\r\n", {"Content-Type": "text/csv"})


# What conftest.py's `make_settings` fixture writes for these tests (each test starts its own FakeEcb)
WAREHOUSE = {"reporting_currency": "EUR"}
SOURCES = [{"name": "ecb", "kind": "fx_rates", "lookback_days": 6, "currencies": ["USD", "GBP", "JPY"]}]


def rates(settings):
    return {(d, c): float(v) for d, c, v in query(
        settings, "SELECT rate_date, currency, units_per_reporting FROM core.fx_rates")}


DEFAULT_KEY = ("D.AUD+BRL+CAD+CHF+CNY+CZK+DKK+GBP+HKD+HUF+INR+JPY+MXN+NOK+NZD+PLN+RON+SEK+SGD+TRY+USD+ZAR"
               ".EUR.SP00.A")


def test_a_week_of_rates_after_a_server_error_and_a_weekend_without_any(make_settings, api, waits):
    fake = FakeEcb(api)
    api.fail_next("GET", "/service/data/EXR/D.GBP+JPY+USD.EUR.SP00.A", Reply(503, "<html>Maintenance</html>"))
    settings = make_settings()
    week = run_window(settings, settings.source("ecb"), RUN_DATE)
    requests_for_week = list(fake.requests)
    short = make_settings(lookback_days=1)
    weekend = run_window(short, short.source("ecb"), RUN_DATE)            # [Sat 6, Sun 7]: 404 No results
    api.fail_next("GET", f"/service/data/EXR/{DEFAULT_KEY}", Reply(200, b""))
    default = make_settings(currencies=None, lookback_days=1)             # the default currencies
    empty = run_window(default, default.source("ecb"), RUN_DATE)          # an empty 200 answer
    default_calls = api.count("GET", re.escape(f"/service/data/EXR/{DEFAULT_KEY}"))

    assert week.status == "succeeded", week.error
    assert len(waits) == 1                                   # one back-off after the 503
    key, params = requests_for_week[-1]
    assert key == "D.GBP+JPY+USD.EUR.SP00.A"
    assert params == {"startPeriod": ["2026-06-01"], "endPeriod": ["2026-06-07"], "format": ["csvdata"],
                      "detail": ["dataonly"]}
    got = rates(settings)
    assert len(got) == 15 and (week.rows_in, week.rows_loaded) == (15, 15)   # 5 business days × 3
    assert got[(D(2026, 6, 2), "USD")] == 1.1 and got[(D(2026, 6, 5), "JPY")] == 170.10
    assert got[(D(2026, 6, 4), "GBP")] == 0.8425
    assert weekend.status == "succeeded", weekend.error      # 404 "No results found." is no rows, not an error
    assert (weekend.rows_in, weekend.rows_loaded) == (0, 0)
    assert empty.status == "succeeded" and empty.rows_in == 0 and default_calls == 1
    assert len(rates(settings)) == 15                       # June 1-5 untouched


def test_rates_per_a_reporting_currency_other_than_eur(make_settings, api, waits):
    FakeEcb(api)
    settings = make_settings(warehouse={"reporting_currency": "USD"}, currencies=["GBP", "USD", "CHF"])
    record = run_window(settings, settings.source("ecb"), RUN_DATE)
    lacking = make_settings(warehouse={"reporting_currency": "USD"}, currencies=["GBP"])
    missing = run_window(lacking, lacking.source("ecb"), RUN_DATE)
    assert record.status == "succeeded", record.error
    got = rates(settings)
    # 1 USD = 1/1.08 EUR and 0.84/1.08 GBP on June 1; no USD row for USD itself.
    assert got[(D(2026, 6, 1), "EUR")] == pytest.approx(1 / 1.08)
    assert got[(D(2026, 6, 1), "GBP")] == pytest.approx(0.84 / 1.08)
    assert got[(D(2026, 6, 3), "CHF")] == pytest.approx(0.942 / 1.095)
    assert len(got) == 15 and not any(c == "USD" for _, c in got)
    assert missing.status == "failed" and missing.error == (
        "ecb: the ECB data API returned no USD rates, needed to express rates per USD (the reporting currency) — "
        "add \"USD\" to this source's currencies in roi.toml")


def test_a_persistent_outage_fails_in_one_line_and_keeps_the_rates(make_settings, api, waits):
    FakeEcb(api)
    settings = make_settings()
    assert run_window(settings, settings.source("ecb"), RUN_DATE).status == "succeeded"
    api.fail_next("GET", "/service/data/EXR/D.GBP+JPY+USD.EUR.SP00.A", *[Reply(500, "Internal error")] * 6)
    down = run_window(settings, settings.source("ecb"), RUN_DATE)
    assert down.status == "failed"
    assert down.error == (f"ecb: {api.url}/service/data/EXR/D.GBP+JPY+USD.EUR.SP00.A still throttled or failing "
                          "after 6 tries (HTTP 500) — the run will retry it next time")
    assert len(rates(settings)) == 15


def test_long_windows_are_pulled_a_year_at_a_time_and_bad_options_named(api, waits):
    import requests

    from roi.contracts.settings import SourceConfig
    with requests.Session() as session:
        fake = FakeEcb(api)
        source = SourceConfig(name="ecb", kind="fx_rates", mode="api", base_url=api.url,
                              options={"currencies": ["usd", "EUR", "GBP"]})
        frame = ecb.fetch(session, source, (D(2025, 1, 1), D(2026, 12, 31)), lambda key: None)
        assert [(k, q["startPeriod"][0], q["endPeriod"][0]) for k, q in fake.requests] == [
            ("D.GBP+USD.EUR.SP00.A", "2025-01-01", "2026-01-01"), ("D.GBP+USD.EUR.SP00.A", "2026-01-02", "2026-12-31")]
        assert frame.height == 10 and frame["OBS_VALUE"].to_list()[:2] == ["0.8400", "0.8500"]   # GBP first, as served
        bad = SourceConfig(name="ecb", kind="fx_rates", mode="api", base_url=api.url,
                           options={"currencies": ["USD", "dollari"]})
        with pytest.raises(roi.sources.http.ApiError, match=re.escape("'DOLLARI' is not one")):
            ecb.fetch(session, bad, (D(2026, 6, 1), D(2026, 6, 7)), lambda key: None)
