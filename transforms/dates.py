"""Reading dates, date-times and report periods written in the platforms' UI languages."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import polars as pl

from roi.transforms.numbers import MISSING_SPELLINGS, once

# Month names and abbreviations (accents removed, lower case) in en/it/pt/es/fr/de.
_MONTH_NAMES = {
    1: "january jan gennaio gen janeiro enero ene janvier janv januar janner jaen",
    2: "february feb febbraio fevereiro fev febrero fevrier fevr februar",
    3: "march mar marzo marco mars marz maerz mrz",
    4: "april apr aprile abril abr avril avr",
    5: "may maggio mag maio mai mayo",
    6: "june jun giugno giu junho junio juin juni",
    7: "july jul luglio lug julho julio juillet juil juli",
    8: "august aug agosto ago aout aou",
    9: "september sep sept settembre set setembro septiembre setiembre septembre",
    10: "october oct ottobre ott outubro out octubre octobre oktober okt",
    11: "november nov novembre novembro noviembre",
    12: "december dec dicembre dic dezembro dez diciembre decembre dezember",
}
MONTHS: dict[str, int] = {name: n for n, names in _MONTH_NAMES.items() for name in names.split()}
_WEEKDAYS = frozenset((
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "lunedi martedi mercoledi giovedi venerdi sabato domenica lun mar mer gio ven sab dom "
    "segunda terca quarta quinta sexta feira sabado domingo seg ter qua qui sex "
    "lunes martes miercoles jueves viernes mie jue vie "
    "lundi mardi mercredi jeudi vendredi samedi dimanche jeu sam dim "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so"
).split())
_FILLER = frozenset("de del di of the le la el em a o er st nd rd th h e y et und utc gmt z".split())

# Numeric dates: d/m/y, m/d/y, y-m-d with 2- or 4-digit years, optional time and UTC offset.
_NUMERIC = (
    r"^(?P<a>[0-9]{1,4})[/.\-](?P<b>[0-9]{1,2})[/.\-](?P<c>[0-9]{1,4})\.?"
    r"(?:(?:[T\s]|,\s*)+(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?:[:.](?P<S>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?"
    r"\s*(?:Z|UTC|GMT|[+\-][0-9]{2}:?[0-9]{2})?$"
)
_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"
_SERIAL = r"^[0-9]{5}(?:\.[0-9]+)?$"          # Excel day number (XLSX cells)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_TIME = re.compile(
    r"(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?",
    re.IGNORECASE,
)
_NUMERIC_RE = re.compile(_NUMERIC)
# What stands between the two dates of a range, most telling first: a spaced dash, an en/em dash or tilde,
# a word ("to", "al", "até", "bis" ...), a bare hyphen ("Oct 25, 2016-Oct 31, 2016", legacy AdWords titles),
# a comma ("6/10/2026,6/16/2026", Microsoft). Every position of each is tried: the dates themselves may
# hold hyphens and commas.
_RANGE_SEPARATORS = [re.compile(p, re.IGNORECASE) for p in (
    r"\s+[-–—~]\s+", r"\s*[–—~]\s*", r"\s+(?:to|al|a|até|ate|au|bis|hasta)\s+", r"-", r",")]
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*\d[^()\[\]]*)[)\]]")   # "Ad report (Oct 25, 2016-Oct 31, 2016)"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _year(y: int, digits: int) -> int:
    return (2000 + y if y < 70 else 1900 + y) if digits <= 2 else y


def _ymd(a: str, b: str, c: str, order: str) -> tuple[int, int, int]:
    if len(a) == 4:
        return int(a), int(b), int(c)
    if order == "mdy":
        return _year(int(c), len(c)), int(a), int(b)
    if order == "ymd" and len(c) != 4:
        return _year(int(a), len(a)), int(b), int(c)
    return _year(int(c), len(c)), int(b), int(a)


def _hour(h: int, ampm: str | None) -> int:
    if ampm:
        pm = ampm.lower().startswith("p")
        h = h % 12 + (12 if pm else 0)
    return h


def parse_one(value: str, order: str = "dmy", default_year: int | None = None) -> dt.datetime | None:
    """One date or date-time text (numeric or with a month name, any supported language), or None."""
    s = value.strip().strip('"').strip()
    if not s:
        return None
    try:
        m = _NUMERIC_RE.match(s)
        if m:
            y, mo, d = _ymd(m["a"], m["b"], m["c"], order)
            hh = _hour(int(m["H"]), m["ampm"]) if m["H"] else 0
            return dt.datetime(y, mo, d, hh, int(m["M"] or 0), int(m["S"] or 0))
        if re.fullmatch(_COMPACT, s):
            return dt.datetime(int(s[:4]), int(s[4:6]), int(s[6:8]))
        if re.fullmatch(_SERIAL, s):
            return _EXCEL_EPOCH + dt.timedelta(days=float(s))
        return _parse_words(s, default_year)
    except (ValueError, OverflowError):
        return None


def _parse_words(s: str, default_year: int | None) -> dt.datetime | None:
    folded = _fold(s)
    hh = mm = ss = 0
    t = _TIME.search(folded)
    if t:
        hh, mm, ss = _hour(int(t["H"]), t["ampm"]), int(t["M"]), int(t["S"] or 0)
        folded = folded[:t.start()] + " " + folded[t.end():]
    folded = re.sub(r"[+\-]\d{2}:?\d{2}\s*$", " ", folded)
    tokens = re.findall(r"\d+|[a-z]+", folded)
    months = [i for i, tok in enumerate(tokens) if tok in MONTHS]
    if not months:
        return None
    month_at = months[-1]
    numbers: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            numbers.append(tok)
        elif i != month_at and tok not in _WEEKDAYS and tok not in _FILLER and tok not in MONTHS:
            return None
    if len(numbers) == 2:
        if len(numbers[0]) == 4:
            year_text, day_text = numbers
        else:
            day_text, year_text = numbers
        year = _year(int(year_text), len(year_text))
    elif len(numbers) == 1 and default_year is not None and len(numbers[0]) <= 2:
        day_text, year = numbers[0], default_year
    else:
        return None
    return dt.datetime(year, MONTHS[tokens[month_at]], int(day_text), hh, mm, ss)


def infer_date_order(values: pl.Series, hint: str = "dmy") -> str:
    """"ymd" | "dmy" | "mdy" for numeric dates in `values`: ISO-like -> ymd; a first part > 12 ->
    dmy; a second part > 12 -> mdy; otherwise `hint`."""
    parts = (
        values.cast(pl.Utf8).drop_nulls().unique().str.strip_chars()
        .str.extract_groups(_NUMERIC).struct.unnest().drop_nulls(["a"])
    )
    if parts.height == 0:
        return hint
    counts = parts.select(
        iso=(pl.col("a").str.len_chars() == 4).sum(),
        dmy=((pl.col("a").str.len_chars() < 4) & (pl.col("a").cast(pl.Int32) > 12)).sum(),
        mdy=((pl.col("a").str.len_chars() < 4) & (pl.col("b").cast(pl.Int32) > 12)).sum(),
    ).row(0, named=True)
    if counts["dmy"] > counts["mdy"]:
        return "dmy"
    if counts["mdy"] > counts["dmy"]:
        return "mdy"
    if counts["iso"] == parts.height:
        return "ymd"
    return hint


def _numeric_datetimes(cells: pl.Series, order: str) -> pl.Series:
    """Eager: numeric dates/date-times (d/m/y, m/d/y, ISO, optional time) of distinct cells."""
    f = pl.DataFrame({"s": cells}).with_columns(pl.col("s").str.extract_groups(_NUMERIC).alias("g")).unnest("g")
    n = {k: pl.col(k).cast(pl.Int32) for k in ("a", "b", "c")}
    width = {k: pl.col(k).str.len_chars() for k in ("a", "b", "c")}

    def year(k: str) -> pl.Expr:
        return pl.when(width[k] <= 2).then(pl.when(n[k] < 70).then(n[k] + 2000).otherwise(n[k] + 1900)).otherwise(n[k])

    if order == "mdy":
        y, m, d = year("c"), n["a"], n["b"]
    elif order == "ymd":
        two_digit_ymd = width["c"] != 4
        y = pl.when(two_digit_ymd).then(year("a")).otherwise(year("c"))
        m = n["b"]
        d = pl.when(two_digit_ymd).then(n["c"]).otherwise(n["a"])
    else:
        y, m, d = year("c"), n["b"], n["a"]
    iso = width["a"] == 4
    f = f.with_columns(
        pl.when(iso).then(n["a"]).otherwise(y).alias("y"),
        pl.when(iso).then(n["b"]).otherwise(m).alias("m"),
        pl.when(iso).then(n["c"]).otherwise(d).alias("d"),
    )
    day = pl.concat_str([pl.col("y").cast(pl.Utf8).str.zfill(4), pl.col("m").cast(pl.Utf8).str.zfill(2),
                         pl.col("d").cast(pl.Utf8).str.zfill(2)], separator="-").str.to_date("%Y-%m-%d", strict=False)
    hour = pl.col("H").cast(pl.Int64).fill_null(0)
    ampm = pl.col("ampm").str.to_lowercase().str.slice(0, 1)
    hour = pl.when(ampm == "p").then(hour % 12 + 12).when(ampm == "a").then(hour % 12).otherwise(hour)
    minute, second = pl.col("M").cast(pl.Int64).fill_null(0), pl.col("S").cast(pl.Int64).fill_null(0)
    ok = (hour < 24) & (minute < 60) & (second < 60)
    return f.select(pl.when(ok).then(
        day.cast(pl.Datetime("us")) + pl.duration(hours=hour, minutes=minute, seconds=second))).to_series()


def _iso_days(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Fast path for plain ISO days ("2026-08-03", what most exports write): their values (null
    elsewhere), and the positions of every other cell, which _parse_cells reads."""
    raw = pl.col("raw").cast(pl.Utf8)
    day = raw.str.to_date("%Y-%m-%d", strict=False)   # also reads "2026-8-3": the length keeps it exact
    out = series.to_frame("raw").select(pl.when(raw.str.len_bytes() == 10).then(day)
                                        .cast(pl.Datetime("us"))).to_series()
    return out, out.is_null().arg_true()


def _parse_cells(series: pl.Series, order: str) -> pl.DataFrame:
    """Eager: columns s (stripped text), missing, value (naive Datetime). Each distinct cell is
    parsed once: numeric forms vectorised, compact/serial forms vectorised, month names in Python."""
    s = series.cast(pl.Utf8).str.strip_chars()
    frame = pl.DataFrame({"s": s}).with_columns(
        (pl.col("s").is_null() | pl.col("s").is_in(MISSING_SPELLINGS)).alias("missing"))
    cells = frame.filter(~pl.col("missing")).get_column("s").unique()
    if cells.len() == 0:
        return frame.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias("value"))
    parsed = pl.DataFrame({"s": cells, "v": _numeric_datetimes(cells, order)})
    compact = pl.col("s").str.to_date("%Y%m%d", strict=False).cast(pl.Datetime("us"))
    serial_ms = (pl.col("s").cast(pl.Float64, strict=False) * 86_400_000).round(0).cast(pl.Int64)
    parsed = parsed.with_columns(pl.coalesce(
        pl.col("v"),
        pl.when(pl.col("s").str.len_chars() == 8).then(compact),
        pl.when(pl.col("s").str.contains(_SERIAL)).then(
            pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(milliseconds=serial_ms)),
    ).alias("v"))
    words = parsed.filter(pl.col("v").is_null() & pl.col("s").str.contains(r"[^\W\d_]"))["s"].to_list()
    if words:
        found = pl.DataFrame({"s": words, "w": [parse_one(w, order) for w in words]},
                             schema={"s": pl.Utf8, "w": pl.Datetime("us")})
        parsed = parsed.join(found, on="s", how="left").with_columns(pl.coalesce("v", "w").alias("v"))
    value = frame["s"].replace_strict(parsed["s"], parsed["v"], default=None, return_dtype=pl.Datetime("us"))
    return frame.with_columns(pl.when(pl.col("missing")).then(None).otherwise(value).alias("value"))


def datetime(col: str, order: str, *, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(naive Datetime, error) expressions; the time part is optional, a UTC offset is dropped
    keeping the wall time written in the cell."""
    @once
    def read(series: pl.Series) -> tuple[pl.Series, pl.Series]:
        """(values, errors) of a batch: plain ISO days on the fast path, the rest by _parse_cells."""
        out, slow = _iso_days(series)
        errors = pl.repeat(None, len(series), dtype=pl.Utf8, eager=True)
        if len(slow):
            parsed = _parse_cells(series.gather(slow), order)
            out = out.scatter(slow, parsed["value"])
            errors = errors.scatter(slow, parsed.select(
                pl.when(~pl.col("missing") & pl.col("value").is_null())
                .then(pl.concat_str([pl.lit(f"{label}: '"), pl.col("s"), pl.lit("' is not a date")]))
            ).to_series())
        return out, errors

    value = pl.col(col).map_batches(lambda s: read(s)[0], return_dtype=pl.Datetime("us"), is_elementwise=True)
    error = pl.col(col).map_batches(lambda s: read(s)[1], return_dtype=pl.Utf8, is_elementwise=True)
    return value.alias(col), error.alias(f"{col}__error")


def date(col: str, order: str, *, label: str) -> tuple[pl.Expr, pl.Expr]:
    """(Date, error) expressions; error is "<label>: '<cell>' is not a date" for unreadable cells."""
    value, error = datetime(col, order, label=label)
    return value.dt.date().alias(col), error


def parse_date_range(text: str, hint: str = "dmy") -> tuple[dt.date, dt.date] | None:
    """The (first, last) day of an export's date-range line, or None ("All time", not a range). The range
    may be the whole line ("Oct 25, 2016 - Oct 31, 2016", "25 ott 2016 - 31 ott 2016", "2016-10-25 -
    2016-10-31"), in brackets after a title ("Ad report (Oct 25, 2016-Oct 31, 2016)") or after a label
    ("Report Time: 10/25/2016 - 10/31/2016", "Date range: 1 Jun 2026 - 25 Jun 2026"). hint: the day/month
    order of numeric dates the line does not settle (a day above 12 does)."""
    s = text.strip().strip('"').strip().rstrip(",;\t|").strip().strip('"').strip()
    if not s or not any(c.isdigit() for c in s):
        return None
    candidates = [s, *(m.group(1).strip() for m in _BRACKETED.finditer(s))]
    if ":" in s:
        candidates.append(s.split(":", 1)[1].strip())
    for candidate in candidates:
        for separator in _RANGE_SEPARATORS:
            for m in separator.finditer(candidate):
                found = _date_pair(candidate[:m.start()], candidate[m.end():], hint)
                if found:
                    return found
    return None


def _date_pair(start_text: str, end_text: str, hint: str) -> tuple[dt.date, dt.date] | None:
    """(first, last) day when both texts are dates in that order; the first may leave out its year
    ("Dec 20 - Jan 5, 2026")."""
    start_text, end_text = (p.strip().strip(",").strip() for p in (start_text, end_text))
    if not (any(c.isdigit() for c in start_text) and any(c.isdigit() for c in end_text)):
        return None
    order = infer_date_order(pl.Series([start_text, end_text]), hint)
    end = parse_one(end_text, order)
    if end is None:
        return None
    start = parse_one(start_text, order) or parse_one(start_text, order, default_year=end.year)
    if start is None:
        return None
    if start.date() > end.date() and start.year == end.year and parse_one(start_text, order) is None:
        start = start.replace(year=end.year - 1)  # "Dec 20 - Jan 5, 2026"
    if start.date() > end.date():
        return None
    return start.date(), end.date()


_START = re.compile(r"^\s*\"?\s*(report start|start date|start|data di inizio|inizio report|data inicial|"
                    r"fecha de inicio|date de début|startdatum)\s*:\s*(.+)$", re.IGNORECASE)
_END = re.compile(r"^\s*\"?\s*(report end|end date|end|data di fine|fine report|data final|"
                  r"fecha de finalización|fecha de fin|date de fin|enddatum)\s*:\s*(.+)$", re.IGNORECASE)


def parse_report_period(preamble: list[str], hint: str = "dmy") -> tuple[dt.date, dt.date] | None:
    """The period an export covers, from its preamble lines: a date-range line (alone, in a title's
    brackets or after a label, see parse_date_range), or a "Report Start: ..." / "Report End: ..." pair
    (LinkedIn). A line may be a "#" comment: GA4 writes "# Start date: 20261001" / "# Data di inizio: …" and an
    exploration's "# 20261001-20261031" so."""
    start = end = None
    for line in preamble:
        line = line.lstrip().removeprefix("#")
        m_start, m_end = _START.match(line), _END.match(line)
        if m_start:
            start = parse_one(m_start[2].strip().strip('"'), "mdy")
            continue
        if m_end:
            end = parse_one(m_end[2].strip().strip('"'), "mdy")
            continue
        found = parse_date_range(line, hint)
        if found:
            return found
    if start and end and start.date() <= end.date():
        return start.date(), end.date()
    return None
