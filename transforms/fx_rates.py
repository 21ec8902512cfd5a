"""ECB reference-rate files (eurofxref-hist, daily eurofxref, data-API SDMX CSV) -> core.fx_rates."""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from roi.contracts.raw import RawTable
from roi.transforms import business, dates, headers, numbers
from roi.transforms.business import err
from roi.transforms.context import Normalised, SourceContext

TABLE = "fx_rates"
# API mode (sources/fx_rates.py): currencies = ["USD", "GBP", …], the rates pulled from the ECB data API.
OPTIONS = ("currencies",)

_CODE = re.compile(r"^[A-Z]{3}$")
_SERIES = re.compile(r"EXR\.[A-Z]\.([A-Z]{3})\.EUR\.")   # data-portal header "US dollar/Euro (EXR.D.USD.EUR.SP00.A)"
_DATE_HEADERS = ["date", "data", "time period", "time_period", "fecha", "datum"]


def _wide(raw: RawTable) -> tuple[pl.DataFrame, list[str]]:
    """eurofxref(-hist).csv and data-portal CSVs: a date column and one column per currency."""
    date_col = headers.find(raw.header, _DATE_HEADERS)
    if date_col is None:
        raise ValueError(f"{raw.path.name}: not an ECB rates file (no 'Date' / 'TIME_PERIOD' column)")
    currencies: dict[str, str] = {}
    for h in raw.header:
        name = h.strip()
        series = _SERIES.search(name)
        code = series.group(1) if series else (name if _CODE.match(name) else None)
        if code and code not in currencies.values():
            currencies[h] = code
    if not currencies:
        raise ValueError(f"{raw.path.name}: no currency columns (expected 'USD', 'JPY', … beside 'Date')")
    long = (raw.rows.select(pl.col("_row").cast(pl.Int64), pl.col(date_col).alias("rate_date"),
                            *[pl.col(h).cast(pl.Utf8).alias(c) for h, c in currencies.items()])
            .unpivot(index=["_row", "rate_date"], variable_name="currency", value_name="value"))
    return long, []


def _sdmx(raw: RawTable) -> tuple[pl.DataFrame, list[str]]:
    """ECB data-API CSV: one observation per row (CURRENCY, CURRENCY_DENOM, TIME_PERIOD, OBS_VALUE)."""
    col = {k: headers.find(raw.header, [k]) for k in
           ("currency", "currency_denom", "exr_type", "time_period", "obs_value", "freq")}
    rows = raw.rows
    keep = pl.lit(True)
    warnings = []
    if col["currency_denom"]:
        keep = keep & (numbers.text(col["currency_denom"]).str.to_uppercase() == "EUR").fill_null(False)
    if col["exr_type"]:
        keep = keep & (numbers.text(col["exr_type"]).str.to_uppercase() == "SP00").fill_null(False)
    kept = rows.filter(keep)
    if kept.height < rows.height:
        warnings.append(f"{rows.height - kept.height} rows skipped: not ECB reference rates against EUR "
                        "(CURRENCY_DENOM ≠ EUR or EXR_TYPE ≠ SP00)")
    long = kept.select(pl.col("_row").cast(pl.Int64),
                       pl.col(col["time_period"]).alias("rate_date"),
                       numbers.text(col["currency"]).str.to_uppercase().alias("currency"),
                       pl.col(col["obs_value"]).cast(pl.Utf8).alias("value"))
    return long, warnings


def normalise(raw: RawTable, ctx: SourceContext) -> Normalised:
    norms = {headers.norm(h) for h in raw.header}
    if {"obs value", "time period", "currency"} <= norms:
        (long, warnings), key = _sdmx(raw), "rate_date"
    else:
        (long, warnings), key = _wide(raw), "_row"
    # Missing observations ("N/A", empty) are not rates: skipped, not errors.
    long = long.filter(numbers.text("value").is_not_null())
    order = dates.infer_date_order(long.get_column("rate_date"), "dmy")
    day, day_err = dates.date("rate_date", order, label="rate_date")
    month, month_err = business.month("rate_date", order, label="rate_date")  # monthly SDMX series
    value, value_err = numbers.number("value", ".", label="")
    long = business.on_distinct(long, "rate_date", [
        pl.coalesce(day, month).alias("_date"),
        pl.when(day.is_null() & month.is_null()).then(day_err).alias(err("rate_date"))])
    # ECB files write plain "1.0823": those are cast directly (the full number reader, which
    # handles anything else, costs ~20 µs a cell and a history file has ~250k of them).
    plain = pl.col("value").str.strip_chars().str.contains(r"^[0-9]{1,9}(?:\.[0-9]{1,12})?$")
    long = long.with_columns(plain.alias("_plain"))
    fast = long.filter("_plain").with_columns(
        pl.col("value").str.strip_chars().cast(pl.Float64).alias("_value"),
        pl.lit(None, pl.Utf8).alias("_value_err"))
    slow = business.on_distinct(long.filter(~pl.col("_plain")), "value",
                                [value.alias("_value"), value_err.alias("_value_err")])
    long = pl.concat([fast, slow.select(fast.columns)])
    value, value_err = pl.col("_value"), pl.col("_value_err")
    long = long.with_columns(
        pl.col("_date").alias("rate_date"),
        value.alias("value"),
        pl.when(value_err.is_not_null())
        .then(pl.concat_str([pl.col("currency"), pl.lit(": '"), numbers.text("value"),
                             pl.lit("' is not a rate")]))
        .when(value <= 0)
        .then(pl.concat_str([pl.col("currency"), pl.lit(": '"), numbers.text("value"),
                             pl.lit("' is not a positive rate")]))
        .alias(err("value")),
    )
    reporting = ctx.reporting_currency.upper()
    if reporting == "EUR":
        out = long.filter(pl.col("currency") != "EUR").with_columns(
            pl.col("value").alias("units_per_reporting"))
    else:
        out, more = _cross(long, reporting, raw.path.name, key)
        warnings += more
    out = out.sort(["rate_date", "currency", "_row"], nulls_last=True)
    return Normalised(business.finish(out, TABLE, ctx), warnings=warnings)


def _cross(long: pl.DataFrame, reporting: str, name: str, key: str) -> tuple[pl.DataFrame, list[str]]:
    """Rates per unit of `reporting` from rates per EUR: x / r for every currency x, 1 / r for EUR,
    nothing for `reporting` itself; r is `reporting`'s rate in the same file row (wide files) or
    on the same date (one observation per row)."""
    base = (long.filter(pl.col("currency") == reporting)
            .select(key, pl.col("value").alias("r"), pl.col(err("value")).alias("r_error"))
            .filter(pl.col(key).is_not_null()).unique(key, keep="first", maintain_order=True))
    if base.height == 0:
        raise ValueError(f"{name}: no {reporting} rates in the file, so rates per {reporting} (the "
                         "reporting currency) cannot be computed")
    eur = (long.filter(pl.col("currency") == reporting)
           .with_columns(pl.lit("EUR").alias("currency"), pl.lit(1.0).alias("value"),
                         pl.lit(None, pl.Utf8).alias(err("value"))))
    both = pl.concat([long.filter(pl.col("currency") != reporting), eur])
    joined = both.join(base, on=key, how="left", nulls_equal=False)
    own_error = pl.col(err("rate_date")).is_not_null() | pl.col(err("value")).is_not_null()
    usable = pl.col("r").is_not_null() | pl.col("r_error").is_not_null() | own_error
    skipped = joined.filter(~usable).height
    warnings = ([f"{skipped} rates skipped: no {reporting} rate on their date to convert with"]
                if skipped else [])
    out = joined.filter(usable).with_columns(
        (pl.col("value") / pl.col("r")).alias("units_per_reporting"),
        pl.col("r_error").alias(err("reporting")),
    )
    return out, warnings


def normalise_api(records: pl.DataFrame, ctx: SourceContext) -> Normalised:
    """ECB data-API observations (the SDMX CSV rows as served, `_row` = observation number) ->
    core.fx_rates, read exactly like an SDMX CSV file; no observations (a weekend) -> no rows."""
    if records.height == 0 or "OBS_VALUE" not in records.columns:
        empty = pl.DataFrame({"_row": pl.Series([], dtype=pl.Int64)})
        return Normalised(business.finish(empty, TABLE, ctx))
    rows = records.with_columns(pl.exclude("_row").cast(pl.Utf8), pl.col("_row").cast(pl.Int64))
    raw = RawTable(path=Path(f"ECB data API ({ctx.source})"), rows=rows, totals=rows.clear())
    try:
        return normalise(raw, ctx)
    except ValueError as exc:
        reporting = ctx.reporting_currency.upper()
        if f"no {reporting} rates" in str(exc):
            raise ValueError(f"the ECB data API returned no {reporting} rates, needed to express "
                             f"rates per {reporting} (the reporting currency) — add \"{reporting}\" to this "
                             "source's currencies in roi.toml") from None
        raise
