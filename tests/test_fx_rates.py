"""FX rates: the ECB CSV formats become long core.fx_rates rows per reporting currency."""
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from roi import schemas
from roi.sources.files import read_export
from roi.transforms import fx_rates
from roi.transforms.context import SourceContext

FIXTURES = Path(__file__).parent / "fixtures" / "fx_rates"
D = dt.date


def run(name: str, reporting: str = "EUR"):
    ctx = SourceContext(source="ecb", kind="fx_rates", reporting_currency=reporting)
    return fx_rates.normalise(read_export(FIXTURES / name), ctx)


def rates(frame: pl.DataFrame) -> dict:
    return {(r["rate_date"], r["currency"]): r["units_per_reporting"] for r in frame.iter_rows(named=True)
            if not r["_errors"]}


def test_historical_file_with_trailing_comma_and_na():
    frame = run("eurofxref-hist.csv").frame
    assert frame.columns == schemas.columns("fx_rates") + ["_row", "_errors"]
    got = rates(frame)
    # 3 dates × 7 currencies, minus CYP (N/A everywhere) and GBP on 1 June: skipped, not errors
    assert len(frame) == 3 * 7 - 3 - 1
    assert ("2026-06-01", "CYP") not in got and (D(2026, 6, 1), "GBP") not in got
    assert got[(D(2026, 6, 2), "USD")] == 1.1 and got[(D(2026, 6, 3), "CZK")] == 24.65
    assert "EUR" not in {c for _, c in got}
    bad = frame.filter(pl.col("_errors").list.len() > 0)
    assert bad.select("rate_date", "currency", "_row", "_errors").rows() == [
        (D(2026, 6, 1), "JPY", 4, ["JPY: 'abc' is not a rate"])]
    schemas.MODELS["fx_rates"].validate(frame.filter(pl.col("_errors").list.len() == 0).drop("_row", "_errors"))


def test_historical_file_crossed_to_usd():
    frame = run("eurofxref-hist.csv", "USD").frame
    got = rates(frame)
    assert got[(D(2026, 6, 2), "EUR")] == pytest.approx(1 / 1.1)
    assert got[(D(2026, 6, 2), "GBP")] == pytest.approx(0.85 / 1.1)
    assert got[(D(2026, 6, 1), "CHF")] == pytest.approx(0.93 / 1.08)
    assert got[(D(2026, 6, 3), "JPY")] == pytest.approx(161.2 / 1.105)
    assert "USD" not in {c for _, c in got}
    assert len(frame) == 3 * 7 - 3 - 1       # USD replaced by EUR on each date


def test_daily_file_with_spaces_and_a_long_date():
    frame = run("eurofxref.csv").frame
    assert frame.select("rate_date", "currency", "units_per_reporting").rows() == [
        (D(2026, 11, 21), "BGN", 1.9558), (D(2026, 11, 21), "CHF", 0.9312), (D(2026, 11, 21), "CZK", 25.123),
        (D(2026, 11, 21), "GBP", 0.8345), (D(2026, 11, 21), "JPY", 162.35), (D(2026, 11, 21), "USD", 1.0523)]
    gbp = rates(run("eurofxref.csv", "GBP").frame)
    assert gbp[(D(2026, 11, 21), "EUR")] == pytest.approx(1 / 0.8345)
    assert gbp[(D(2026, 11, 21), "USD")] == pytest.approx(1.0523 / 0.8345)


def test_sdmx_csv_from_the_ecb_data_api():
    frame = run("ecb_sdmx.csv").frame
    assert frame.select("rate_date", "currency", "units_per_reporting", "_row").rows() == [
        (D(2026, 6, 1), "GBP", 0.84, 4), (D(2026, 6, 1), "USD", 1.08, 2),
        (D(2026, 6, 2), "GBP", 0.85, 5), (D(2026, 6, 2), "USD", 1.1, 3)]
    usd = run("ecb_sdmx.csv", "USD").frame
    assert usd.select("rate_date", "currency", "units_per_reporting").rows() == [
        (D(2026, 6, 1), "EUR", pytest.approx(1 / 1.08)), (D(2026, 6, 1), "GBP", pytest.approx(0.84 / 1.08)),
        (D(2026, 6, 2), "EUR", pytest.approx(1 / 1.1)), (D(2026, 6, 2), "GBP", pytest.approx(0.85 / 1.1))]


def test_reporting_currency_absent_from_the_file_fails_with_one_line():
    with pytest.raises(ValueError, match="no SEK rates in the file"):
        run("ecb_sdmx.csv", "SEK")
