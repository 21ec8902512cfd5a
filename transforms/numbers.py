"""Locale-aware reading of numbers, money and percentages from export text cells (vectorised polars)."""
from __future__ import annotations

import polars as pl

# Lower-cased, stripped cell texts that mean "no value".
MISSING: frozenset[str] = frozenset({
    "", "--", "-", "—", "–", "n/a", "na", "n.a.", "nd", "n.d.", "null", "none", "nan", "(not set)",
})
# The markers as exports write them (lower, UPPER, Title, Capitalised, "NaN"): exact matching is
# much faster than lower-casing millions of cells.
MISSING_SPELLINGS: list[str] = sorted(
    {v for m in MISSING for v in (m, m.upper(), m.title(), m.capitalize())} | {"NaN", "N/a", "(Not set)"}
)
_MISSING = MISSING_SPELLINGS

# Currency marks that may stand before or after a number: symbols, "R$"/"A$"/"US$", ISO codes.
_CUR = r"(?:[A-Z]{1,3}\$|[€$£¥₹₩₺₽₪฿₫]|[A-Z]{3}|kr\.?|zł|Kč|Fr\.)"
_SIGN = r"[+\-−]"
# One pass splits a cell into sign / currency / digits / percent; \s also matches NBSP,
# U+202F and U+2009, which are thousands separators inside the digits.
_SHAPE = (
    rf"^(?P<s1>{_SIGN})?\s*(?:{_CUR})?\s*(?P<s2>{_SIGN})?\s*"
    r"(?P<num>[0-9][0-9.,'’\s]*?(?:[eE][+\-]?[0-9]+)?|[.,][0-9]+)"
    rf"\s*(?P<pct>%)?\s*(?:{_CUR})?\s*(?P<s3>-)?$"
)
# Digits with thousands groups and an optional decimal part, per decimal mark.
_VALID = {
    ".": r"^(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+\-]?[0-9]+)?|[0-9]{1,3}(?:[,\s'’][0-9]{3})+(?:\.[0-9]*)?|\.[0-9]+)$",
    ",": r"^(?:[0-9]+(?:,[0-9]*)?|[0-9]{1,3}(?:[.\s'’][0-9]{3})+(?:,[0-9]*)?|,[0-9]+)$",
}
_THOUSANDS = {".": r"[,\s'’]", ",": r"[.\s'’]"}


def _stripped(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Utf8).str.strip_chars()


def _is_missing(s: pl.Expr) -> pl.Expr:
    return s.is_null() | s.is_in(_MISSING)


def text(col: str) -> pl.Expr:
    """The cell stripped of surrounding whitespace; missing markers ("--", "n/a" ...) become null."""
    s = _stripped(col)
    return pl.when(_is_missing(s)).then(None).otherwise(s).alias(col)


def number(col: str, decimal: str, *, label: str, percent: bool = False,
           integer: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """(value, error) expressions reading `col` with `decimal` ("." or ",") as the decimal mark.

    value is Float64 (Int64 when integer=True), null for missing markers and unreadable cells;
    error is null when the cell is fine or missing, else "<label>: '<cell>' is not a number"
    ("... is not a whole number" for integer=True). percent=True reads rates as fractions:
    "12.3%" and a bare "12.3" both give 0.123.
    """
    if decimal not in _VALID:
        raise ValueError(f"decimal mark must be '.' or ',', not {decimal!r}")

    def values(series: pl.Series) -> pl.Series:
        parsed = _parse(series, decimal, percent, integer)
        out = parsed["value"]
        return out.round(0).cast(pl.Int64) if integer else out

    def errors(series: pl.Series) -> pl.Series:
        parsed = _parse(series, decimal, percent, integer)
        return parsed.select(
            pl.when(pl.col("fractional"))
            .then(pl.concat_str([pl.lit(f"{label}: '"), pl.col("s"), pl.lit("' is not a whole number")]))
            .when(~pl.col("missing") & pl.col("value").is_null())
            .then(pl.concat_str([pl.lit(f"{label}: '"), pl.col("s"), pl.lit("' is not a number")]))
        ).to_series()

    value = pl.col(col).map_batches(values, return_dtype=pl.Int64 if integer else pl.Float64, is_elementwise=True)
    error = pl.col(col).map_batches(errors, return_dtype=pl.Utf8, is_elementwise=True)
    return value.alias(col), error.alias(f"{col}__error")


def _parse(series: pl.Series, decimal: str, percent: bool, integer: bool) -> pl.DataFrame:
    """Eager parse of one batch of cells: columns s (stripped text), missing, value (Float64, null
    when missing or unreadable), fractional (an integer column given a fraction). Every step is
    computed once; plain cells ("1234.5") take a fast path, the rest the full grammar."""
    frame = pl.DataFrame({"s": series.cast(pl.Utf8).str.strip_chars()})
    frame = frame.with_columns(_is_missing(pl.col("s")).alias("missing"))
    plain = r"^-?[0-9]+(?:\.[0-9]+)?$" if decimal == "." else r"^-?[0-9]+(?:,[0-9]+)?$"
    fast = pl.col("s").str.replace(",", ".", literal=True) if decimal == "," else pl.col("s")
    frame = frame.with_columns(
        pl.when(pl.col("s").str.contains(plain)).then(fast.cast(pl.Float64, strict=False)).alias("value"))
    frame = frame.with_columns(pl.lit(False).alias("pct"))
    rest = frame["value"].is_null() & ~frame["missing"]
    if rest.any():   # thousands marks only ("62,312", "1.234,56"): still no currency, sign or percent
        grouped = pl.col("s").str.contains(_VALID[decimal])
        digits = pl.col("s").str.replace_all(_THOUSANDS[decimal], "")
        if decimal == ",":
            digits = digits.str.replace(",", ".", literal=True)
        frame = frame.with_columns(pl.coalesce(
            pl.col("value"), pl.when(pl.lit(rest) & grouped).then(digits.cast(pl.Float64, strict=False))
        ).alias("value"))
        rest = frame["value"].is_null() & ~frame["missing"]
    if rest.any():
        frame = frame.with_columns(pl.when(rest).then(pl.col("s")).alias("b"))
        frame = frame.with_columns(pl.col("b").str.contains(r"^\(.*\)$").alias("paren"))
        frame = frame.with_columns(
            pl.when(pl.col("paren")).then(pl.col("b").str.slice(1, pl.col("b").str.len_chars() - 2).str.strip_chars())
            .otherwise(pl.col("b")).str.extract_groups(_SHAPE).alias("g"))
        frame = frame.with_columns(pl.col("g").struct.unnest())
        frame = frame.with_columns(pl.col("num").str.strip_chars())
        digits = pl.col("num").str.replace_all(_THOUSANDS[decimal], "")
        if decimal == ",":
            digits = digits.str.replace(",", ".", literal=True)
        negative = (
            pl.col("paren").fill_null(False).cast(pl.Int8)
            + pl.col("s1").is_in(["-", "−"]).fill_null(False).cast(pl.Int8)
            + pl.col("s2").is_in(["-", "−"]).fill_null(False).cast(pl.Int8)
            + pl.col("s3").is_not_null().cast(pl.Int8)
        ) % 2 == 1
        magnitude = pl.when(pl.col("num").str.contains(_VALID[decimal])).then(digits.cast(pl.Float64, strict=False))
        frame = frame.with_columns(
            pl.coalesce(pl.col("value"), pl.when(negative).then(-magnitude).otherwise(magnitude)).alias("value"),
            pl.col("pct").is_not_null().alias("pct"),
        )
    scale = pl.when(pl.lit(percent) | pl.col("pct")).then(0.01).otherwise(1.0)
    frame = frame.with_columns(pl.when(pl.col("missing")).then(None).otherwise(pl.col("value") * scale).alias("value"))
    if integer:
        fractional = pl.col("value").is_not_null() & (pl.col("value") != pl.col("value").round(0))
        frame = frame.with_columns(fractional.alias("fractional"))
        frame = frame.with_columns(pl.when(pl.col("fractional")).then(None).otherwise(pl.col("value")).alias("value"))
    else:
        frame = frame.with_columns(pl.lit(False).alias("fractional"))
    return frame.select("s", "missing", "value", "fractional")


# Evidence about the decimal mark, on a cell reduced to its digits, '.' and ','.
_COMMA_DECIMAL = [r"^[0-9]*(?:\.[0-9]{3})+,[0-9]*$", r"^[0-9]+(?:\.[0-9]{3}){2,}$", r"^[0-9]*,[0-9]+$"]
_DOT_DECIMAL = [r"^[0-9]*(?:,[0-9]{3})+\.[0-9]*$", r"^[0-9]+(?:,[0-9]{3}){2,}$", r"^[0-9]*\.[0-9]+$"]
_AMBIGUOUS = r"^[1-9][0-9]{0,2}[.,][0-9]{3}$"
_SAMPLE_ROWS = 100_000   # rows examined: plenty of evidence, bounded time on huge files


def infer_decimal(frame: pl.DataFrame, columns: list[str], hint: str | None = None) -> str:
    """The decimal mark ("." or ",") the numeric `columns` of `frame` are written with.

    '1.234,56', '2473,94', '0,35', '11,54%' are evidence for ","; '1,234.56', '798.88', '2.81%'
    for "."; '1,286' / '9.380' (one mark then exactly 3 digits) and space/NBSP thousands are not
    evidence. The mark with more evidence wins; with none (or a tie) `hint`, else ".".
    """
    present = [c for c in columns if c in frame.columns]
    if not present:
        return hint or "."
    frame = frame.head(_SAMPLE_ROWS)
    values = pl.concat(
        [frame.select(pl.col(c).cast(pl.Utf8).alias("v")).unique() for c in present]
    ).unique().drop_nulls()
    reduced = pl.col("v").str.replace_all(r"[^0-9.,]", "")
    ambiguous = reduced.str.contains(_AMBIGUOUS)

    def any_of(patterns: list[str]) -> pl.Expr:
        hit = pl.lit(False)
        for p in patterns:
            hit = hit | reduced.str.contains(p)
        return (hit & ~ambiguous).sum()

    counts = values.select(comma=any_of(_COMMA_DECIMAL), dot=any_of(_DOT_DECIMAL)).row(0, named=True)
    if counts["comma"] > counts["dot"]:
        return ","
    if counts["dot"] > counts["comma"]:
        return "."
    return hint or "."


def error_list(errors: list[pl.Expr]) -> pl.Expr:
    """The `_errors` column: the non-null reasons among `errors` (Utf8 expressions), as List[Utf8]."""
    if not errors:
        return pl.lit([], dtype=pl.List(pl.Utf8)).alias("_errors")
    return pl.concat_list([e.cast(pl.Utf8) for e in errors]).list.drop_nulls().alias("_errors")
