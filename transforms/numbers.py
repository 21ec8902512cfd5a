"""Locale-aware reading of numbers, money and percentages from export text cells (vectorised polars)."""
from __future__ import annotations

import threading

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
CURRENCY_MARK = _CUR
_SIGN = r"[+\-−]"
# One pass splits a cell into sign / currency / digits / percent; \s also matches NBSP,
# U+202F and U+2009, which are thousands separators inside the digits.
_SHAPE = (
    rf"^(?P<s1>{_SIGN})?\s*(?P<c1>{_CUR})?\s*(?P<s2>{_SIGN})?\s*"
    r"(?P<num>[0-9][0-9.,'’\s]*?(?:[eE][+\-]?[0-9]+)?|[.,][0-9]+)"
    rf"\s*(?P<pct>%)?\s*(?P<c2>{_CUR})?\s*(?P<s3>-)?$"
)

# What a currency mark (in a money cell or a header) may stand for: (the ISO codes it fits, the one it
# means when nothing else says; None: ambiguous, the source's `currency` or the currency column must say).
# ISO codes ("EUR 50,00", "Cost (USD)") stand for themselves; another "XX$" is some dollar.
_DOLLARS = ("USD", "AUD", "CAD", "NZD", "HKD", "SGD", "MXN")
_KRONER = ("SEK", "NOK", "DKK", "ISK")
CURRENCY_MARKS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "$": (_DOLLARS, None), "US$": (("USD",), "USD"), "A$": (("AUD",), "AUD"), "AU$": (("AUD",), "AUD"),
    "C$": (("CAD",), "CAD"), "CA$": (("CAD",), "CAD"), "NZ$": (("NZD",), "NZD"), "HK$": (("HKD",), "HKD"),
    "S$": (("SGD",), "SGD"), "SG$": (("SGD",), "SGD"), "MX$": (("MXN",), "MXN"), "R$": (("BRL",), "BRL"),
    "€": (("EUR",), "EUR"), "£": (("GBP",), "GBP"), "₹": (("INR",), "INR"), "¥": (("JPY", "CNY"), "JPY"),
    "₩": (("KRW",), "KRW"), "₺": (("TRY",), "TRY"), "₽": (("RUB",), "RUB"), "₪": (("ILS",), "ILS"),
    "฿": (("THB",), "THB"), "₫": (("VND",), "VND"), "zł": (("PLN",), "PLN"), "Kč": (("CZK",), "CZK"),
    "Fr.": (("CHF",), "CHF"), "kr": (_KRONER, None), "kr.": (_KRONER, None),
}


def mark_currencies(mark: str | None) -> tuple[tuple[str, ...], str | None] | None:
    """(the ISO codes a currency mark fits, the code it means alone or None when ambiguous), e.g.
    "US$" -> (("USD",), "USD"), "$" -> (("USD", "AUD", ...), None), "EUR" -> (("EUR",), "EUR");
    None for text that is no currency mark."""
    m = (mark or "").strip()
    if m in CURRENCY_MARKS:
        return CURRENCY_MARKS[m]
    if len(m) == 3 and m.isascii() and m.isalpha() and m.isupper():
        return (m,), m
    if m.endswith("$") and 2 <= len(m) <= 4 and m[:-1].isascii() and m[:-1].isalpha() and m[:-1].isupper():
        return CURRENCY_MARKS["$"]
    return None


def currency_of_mark(mark: str | None) -> str | None:
    """The ISO code a currency mark means by itself ("US$" -> "USD", "€" -> "EUR", "¥" -> "JPY"); None
    when it is ambiguous ("$", "kr") or no currency mark."""
    found = mark_currencies(mark)
    return found[1] if found else None
# Digits with thousands groups and an optional decimal part, per decimal mark.
_VALID = {
    ".": r"^(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+\-]?[0-9]+)?|[0-9]{1,3}(?:[,\s'’][0-9]{3})+(?:\.[0-9]*)?|\.[0-9]+)$",
    ",": r"^(?:[0-9]+(?:,[0-9]*)?|[0-9]{1,3}(?:[.\s'’][0-9]{3})+(?:,[0-9]*)?|,[0-9]+)$",
}
_THOUSANDS = {".": r"[,\s'’]", ",": r"[.\s'’]"}


def _is_missing(s: pl.Expr) -> pl.Expr:
    return s.is_null() | s.is_in(_MISSING)


def text(col: str) -> pl.Expr:
    """The cell stripped of surrounding whitespace; missing markers ("--", "n/a" ...) become null."""
    return pl.col(col).map_batches(once(_text), return_dtype=pl.Utf8, is_elementwise=True).alias(col)


class once:
    """Wraps a batch function of one column so that repeated calls on the very same cells (the value
    and the error expression of a cell column, or one expression used several times in a
    with_columns) compute it once. Same cells = same Arrow buffers, length and offset; the input is
    kept referenced, so its buffers cannot be reused for other data while remembered."""

    def __init__(self, fn):
        self.fn, self.key, self.seen, self.out = fn, None, None, None
        self.lock = threading.Lock()   # polars may call from two threads at once: compute once

    def __call__(self, series: pl.Series):
        key = _identity(series)
        with self.lock:
            if key != self.key:
                self.out, self.key, self.seen = self.fn(series), key, series
            return self.out


def _identity(series: pl.Series) -> tuple:
    """The series' dtype and, per chunk, its Arrow length, offset and buffer addresses (zero-copy)."""
    chunks = series.get_chunks() if series.n_chunks() > 1 else [series]
    key: list = [str(series.dtype)]
    for chunk in chunks:
        array = chunk.to_arrow(compat_level=pl.CompatLevel.newest())
        key.append((len(array), array.offset, tuple(0 if b is None else b.address for b in array.buffers())))
    return tuple(key)


def _text(series: pl.Series) -> pl.Series:
    stripped = series.cast(pl.Utf8).str.strip_chars()
    missing = stripped.is_in(_MISSING)
    if not missing.any():
        return stripped
    return stripped.to_frame("s").select(pl.when(missing).then(None).otherwise(pl.col("s"))).to_series()


def currency_code(col: str, fallback: str, *, label: str = "currency") -> tuple[pl.Expr, pl.Expr]:
    """(code, error) expressions for a currency-code column: the cell upper-cased, `fallback` where
    it is empty, null with the error "<label>: '<CODE>' is not a currency code" where it is not
    three letters. Read once per distinct cell: the column is usually one code repeated."""
    @once
    def read(series: pl.Series) -> tuple[pl.Series, pl.Series]:
        cells = series.cast(pl.Utf8)
        constant = len(cells) > 0 and cells.null_count() == 0 and bool((cells == cells[0]).all())
        distinct = cells.head(1) if constant else cells.unique()
        code = pl.col("cell").str.strip_chars().str.to_uppercase()
        code = pl.when(code.is_in(_MISSING)).then(None).otherwise(code)
        bad = code.is_not_null() & ~code.str.contains(r"^[A-Z]{3}$")
        read_ = distinct.to_frame("cell").select(
            "cell",
            pl.when(bad).then(None).otherwise(pl.coalesce(code, pl.lit(fallback))).alias("code"),
            pl.when(bad).then(pl.concat_str([pl.lit(f"{label}: '"), code, pl.lit("' is not a currency code")]))
            .alias("error"))
        if constant:
            return read_["code"].new_from_index(0, len(cells)), read_["error"].new_from_index(0, len(cells))
        spread = cells.to_frame("cell").join(read_, on="cell", how="left", nulls_equal=True, maintain_order="left")
        return spread["code"], spread["error"]

    code = pl.col(col).map_batches(lambda s: read(s)[0], return_dtype=pl.Utf8, is_elementwise=True)
    error = pl.col(col).map_batches(lambda s: read(s)[1], return_dtype=pl.Utf8, is_elementwise=True)
    return code.alias(col), error.alias(f"{col}__error")


# A cell holding anything but digits, separators, signs and '%' may carry a currency mark.
_MAYBE_MARKED = r"[^0-9.,\s'’+\-−()%]"
_AROUND = " \t\u00a0\u202f\u2009+-−()%"   # what may stand around a mark once the digits are gone


def currency_mark(col: str) -> pl.Expr:
    """The currency mark written in a money cell, as written ("US$50.00" -> "US$", "50,00 €" -> "€",
    "EUR 12,50" -> "EUR"), null where there is none. Only cells that are not plain numbers are looked at."""
    @once
    def read(series: pl.Series) -> pl.Series:
        cells = series.cast(pl.Utf8)
        marked = cells.str.contains(_MAYBE_MARKED).fill_null(False).arg_true()
        out = pl.repeat(None, len(cells), dtype=pl.Utf8, eager=True)
        if len(marked):   # the cell without its digits ("-US$", "€", "(US$)"): few distinct ones
            rest = cells.gather(marked).str.replace(r"[0-9][0-9.,'’\s]*", "")
            distinct = rest.unique().drop_nulls()
            found = [r.strip(_AROUND) for r in distinct.to_list()]
            found = [m if mark_currencies(m) else None for m in found]
            out = out.scatter(marked, rest.replace_strict(distinct, pl.Series(found, dtype=pl.Utf8), default=None))
        return out

    return pl.col(col).map_batches(read, return_dtype=pl.Utf8, is_elementwise=True).alias(f"{col}__mark")


def row_currency(money: dict[str, str], column: str | None, *, header: str | None = None,
                 configured: str | None = None, fallback: str, column_label: str = "currency"
                 ) -> tuple[pl.Expr, pl.Expr]:
    """(code, error) expressions for each row's currency, from what the export says, strongest first: its
    currency column (`column`), a currency mark in a money cell (`money`: label -> column; "US$50.00",
    "50,00 €", "EUR 12"), a mark in a money header (`header`: "Cost (US$)" -> "US$"); then the source's
    `configured` currency; then `fallback` (the reporting currency), only where nothing names one.

    A mark that fits several currencies ("$", "kr") takes the stronger evidence, else `configured` when
    it fits; with neither the row gets the reason `spend: '$' is ambiguous (USD, AUD, CAD …): set currency
    = "USD" for this source in roi.toml`. A row whose marks disagree with each other or with the currency
    column gets a reason naming both: it is never given a currency its cells contradict. A row without a
    mark in an export whose other rows have some takes theirs (a "0" spend next to "$12.00")."""
    header_found = mark_currencies(header) if header else None
    header_code = header_found[1] if header_found and len(header_found[0]) == 1 else None
    base = header_code or configured or fallback
    if column:
        plain_code, plain_error = currency_code(column, base, label=column_label)
    else:
        plain_code, plain_error = pl.lit(base, dtype=pl.Utf8), pl.lit(None, dtype=pl.Utf8)
    if not money and not (header and header_code is None):
        return plain_code, plain_error
    labels = list(money)
    header_label = f"{labels[0]} (header)" if labels else "the header"
    always = bool(header) and header_code is None   # an ambiguous header: every row needs deciding

    def resolve(batch: pl.Series) -> pl.Series:
        cells = batch.struct.unnest()
        marks = [f"m{i}" for i in range(len(labels))]
        if not always and all(cells[m].null_count() == cells.height for m in marks):
            return pl.DataFrame({"use": pl.repeat(False, cells.height, eager=True),
                                 "code": pl.repeat(None, cells.height, dtype=pl.Utf8, eager=True),
                                 "error": pl.repeat(None, cells.height, dtype=pl.Utf8, eager=True)}).to_struct("r")
        seen = [(labels[i], v) for i, m in enumerate(marks) for v in cells[m].drop_nulls().unique(maintain_order=True)]
        borrowed = _decide(None, seen, header, configured, fallback, column_label, header_label)
        singles = {_decide(None, [pair], header, configured, fallback, column_label, header_label)[0] for pair in seen}
        singles.discard(None)
        if len(singles) > 1:   # the rows name different currencies
            named = ", ".join(sorted(singles))
            borrowed = (configured, None) if configured else (None, (
                f"{labels[0]}: no currency in this row, and the export's rows name several ({named}) — add the "
                "currency code column to the report"))
        combos = cells.unique(maintain_order=True)
        decided = []
        for row in combos.iter_rows():
            own = [(labels[i], v) for i, v in enumerate(row[1:]) if v is not None]
            if own or not seen or (row[0] or "").strip():   # its own marks, or its currency column cell
                decided.append(_decide(row[0], own, header, configured, fallback, column_label, header_label))
            else:   # "0" among "$12.00": the export's marks
                decided.append(borrowed)
        combos = combos.with_columns(pl.Series("code", [d[0] for d in decided], dtype=pl.Utf8),
                                     pl.Series("error", [d[1] for d in decided], dtype=pl.Utf8))
        if combos.height == 1:   # one currency column value and one mark throughout (the usual)
            joined = combos.select("code", "error").gather([0] * cells.height)
        else:
            joined = cells.join(combos, on=cells.columns, how="left", nulls_equal=True, maintain_order="left")
        return joined.select(pl.lit(True).alias("use"), "code", "error").to_struct("r")

    parts = [(pl.col(column).cast(pl.Utf8) if column else pl.lit(None, dtype=pl.Utf8)).alias("column")]
    parts += [currency_mark(money[label]).alias(f"m{i}") for i, label in enumerate(labels)]
    decided = pl.struct(parts).map_batches(
        resolve, return_dtype=pl.Struct({"use": pl.Boolean, "code": pl.Utf8, "error": pl.Utf8}), is_elementwise=True)
    use = decided.struct.field("use")
    code = pl.when(use).then(decided.struct.field("code")).otherwise(plain_code)
    error = pl.when(use).then(decided.struct.field("error")).otherwise(plain_error)
    return code.alias(column or "currency"), error.alias(f"{column or 'currency'}__error")


def _decide(cell: str | None, marks: list[tuple[str, str]], header: str | None, configured: str | None,
            fallback: str, column_label: str, header_label: str) -> tuple[str | None, str | None]:
    """(currency, None) or (None, reason) for one row: its currency column cell, the marks of its money
    cells ((label, mark) pairs) and the money header's mark; see row_currency."""
    evidence: list[tuple[str, str, tuple[str, ...], str | None]] = []   # (label, mark, fits, means)
    text_ = (cell or "").strip()
    if text_ and text_ not in _MISSING:
        found = mark_currencies(text_) or mark_currencies(text_.upper())
        if found is None:
            return None, f"{column_label}: '{text_.upper()}' is not a currency code"
        evidence.append((column_label, text_, *found))
    for label, mark in marks:
        found = mark_currencies(mark)
        if found:
            evidence.append((label, mark, *found))
    if header and mark_currencies(header):
        evidence.append((header_label, header, *mark_currencies(header)))
    if not evidence:
        return configured or fallback, None
    sure = [e for e in evidence if len(e[2]) == 1]
    if sure:
        label, _, _, code = sure[0]
        for other, mark, fits, means in evidence:
            if code not in fits:
                said = means if len(fits) == 1 else "one of " + ", ".join(fits[:3]) + (" …" if len(fits) > 3 else "")
                return None, (f"{other}: '{mark}' is {said} but {label} says {code} — the amounts and the currency "
                              "disagree: export the report again")
        return code, None
    fits = [c for c in evidence[0][2] if all(c in e[2] for e in evidence)]
    if configured and configured in fits:
        return configured, None
    means = {e[3] for e in evidence}
    if len(means) == 1 and None not in means and next(iter(means)) in fits:
        return next(iter(means)), None
    label, mark, options, _ = evidence[0]
    listed = ", ".join(options[:3]) + (" …" if len(options) > 3 else "")
    clash = f" and cannot be {configured}, the source's currency" if configured else ""
    return None, (f"{label}: '{mark}' is ambiguous ({listed}){clash}: set currency = \"{options[0]}\" "
                  "for this source in roi.toml")


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

    @once
    def read(series: pl.Series) -> tuple[pl.Series, pl.Series]:
        """(values, errors) of a batch: plain cells on the fast path, the rest by the full grammar."""
        raw, out = _fast(series, decimal, integer, 0.01 if percent else 1.0)
        errors = pl.repeat(None, len(raw), dtype=pl.Utf8, eager=True)
        if out.null_count():
            slow = out.is_null().arg_true()
            parsed = _parse(raw.gather(slow), decimal, percent, integer)
            value = parsed["value"]
            out = out.scatter(slow, value.round(0).cast(pl.Int64) if integer else value)
            errors = errors.scatter(slow, parsed.select(
                pl.when(pl.col("fractional"))
                .then(pl.concat_str([pl.lit(f"{label}: '"), pl.col("s"), pl.lit("' is not a whole number")]))
                .when(~pl.col("missing") & pl.col("value").is_null())
                .then(pl.concat_str([pl.lit(f"{label}: '"), pl.col("s"), pl.lit("' is not a number")]))
            ).to_series())
        return out, errors

    value = pl.col(col).map_batches(lambda s: read(s)[0], return_dtype=pl.Int64 if integer else pl.Float64,
                                    is_elementwise=True)
    error = pl.col(col).map_batches(lambda s: read(s)[1], return_dtype=pl.Utf8, is_elementwise=True)
    return value.alias(col), error.alias(f"{col}__error")


# With a decimal comma, the cells that need no grammar: bare digits with an optional decimal part
# (read first, on every cell), then '.' thousands groups (looked for only in the cells left);
# every other cell takes the full grammar of _parse.
_PLAIN = r"^-?[0-9]+(?:,[0-9]+)?$"
_GROUPED = r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?$"
_GROUPED_INTEGER = r"^[0-9]{1,3}(?:\.[0-9]{3})+$"


def _fast(series: pl.Series, decimal: str, integer: bool, scale: float) -> tuple[pl.Series, pl.Series]:
    """The cells as text, and their values where the fast path reads them (the same value _parse
    would give), null elsewhere (missing, unreadable or needing the full grammar). With a '.'
    decimal point that is polars' own number reader (Int64 or Float64), which reads exactly the
    cells our grammar reads without marks ("12", "-3.5", ".5", "1e3"); what it reads differently
    (NaN, infinities) is left to the grammar. Frame selects, so polars runs them without the GIL."""
    raw = pl.col("raw")
    if decimal == ".":
        value = raw.str.to_integer(strict=False) if integer else raw.cast(pl.Float64, strict=False)
        if not integer:
            value = pl.when(value.is_finite()).then(value)
    elif integer:
        value = raw.str.to_integer(strict=False)
    else:
        value = pl.when(raw.str.contains(_PLAIN)).then(
            raw.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False))
    frame = series.cast(pl.Utf8).to_frame("raw").with_columns(value.alias("value"))
    cells, out = frame["raw"], frame["value"]
    if decimal == "," and out.null_count() > cells.null_count():   # "1.234", "1.234,56"
        rest = (out.is_null() & cells.str.contains(".", literal=True)).arg_true()
        digits = raw.str.replace_all(".", "", literal=True)
        grouped = cells.gather(rest).to_frame("raw").select(
            pl.when(raw.str.contains(_GROUPED_INTEGER)).then(digits.str.to_integer(strict=False)) if integer else
            pl.when(raw.str.contains(_GROUPED)).then(
                digits.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False))).to_series()
        out = out.scatter(rest, grouped)
    return cells, (out * scale if scale != 1.0 else out)


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
SAMPLE_ROWS = 100_000   # rows examined: plenty of evidence, bounded time on huge files


def infer_decimal(frame: pl.DataFrame, columns: list[str], hint: str | None = None) -> str:
    """The decimal mark ("." or ",") the numeric `columns` of `frame` are written with.

    '1.234,56', '2473,94', '0,35', '11,54%' are evidence for ","; '1,234.56', '798.88', '2.81%'
    for "."; '1,286' / '9.380' (one mark then exactly 3 digits) and space/NBSP thousands are not
    evidence. The mark with more evidence wins; with none (or a tie) `hint`, else ".".
    """
    present = [c for c in columns if c in frame.columns]
    if not present:
        return hint or "."
    frame = frame.head(SAMPLE_ROWS)
    values = pl.concat(
        [frame.select(pl.col(c).cast(pl.Utf8).alias("v")).unique() for c in present]
    ).unique().drop_nulls()
    reduced = pl.col("v").str.replace_all(r"[^0-9.,]", "")
    ambiguous = reduced.str.contains(_AMBIGUOUS)

    def any_of(patterns: list[str]) -> pl.Expr:   # one regex pass: the alternatives are anchored
        return (reduced.str.contains("|".join(f"(?:{p})" for p in patterns)) & ~ambiguous).sum()

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
    reasons = pl.struct([e.cast(pl.Utf8).alias(f"e{i}") for i, e in enumerate(errors)])
    return reasons.map_batches(_error_lists, return_dtype=pl.List(pl.Utf8), is_elementwise=True).alias("_errors")


def _error_lists(reasons: pl.Series) -> pl.Series:
    """Lists are built only for the rows with a reason (usually few); the others share one empty list."""
    frame = reasons.struct.unnest()
    failing = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series().fill_null(False)
    empty = pl.Series([[]], dtype=pl.List(pl.Utf8))
    if not failing.any():
        return empty.new_from_index(0, len(reasons))
    lists = frame.filter(failing).select(pl.concat_list(pl.all()).list.drop_nulls()).to_series()
    slot = pl.select(pl.when(failing).then(failing.cum_sum()).otherwise(0)).to_series()
    return pl.concat([empty, lists]).gather(slot)
