"""Numbers, percentages and dates as the tools print them, per UI language: one place for every exporter."""
from __future__ import annotations

from datetime import date, datetime

IT_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
             "settembre", "ottobre", "novembre", "dicembre")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def fmt_num(x: float, decimals: int = 2, *, thousands: bool = False, lang: str = "en") -> str:
    s = f"{x:,.{decimals}f}" if thousands else f"{x:.{decimals}f}"
    if lang == "it":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def fmt_trim(x: float, decimals: int, lang: str = "en") -> str:
    """Meta style: no trailing zeros ("14.9", "10")."""
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "it" else s


def fmt_pct(x: float | None, lang: str = "en") -> str:
    return " --" if x is None else fmt_num(x * 100, 2, lang=lang) + "%"


def pct_of(a: int, b: int) -> str:
    """a as a percentage of b, two decimals ("12.34%"); "0.00%" when b is 0."""
    return f"{100 * a / b:.2f}%" if b else "0.00%"


def range_label(start: date, end: date, lang: str) -> str:
    """Google Ads' report period: "1 agosto 2026 - 31 ottobre 2026"."""
    months = IT_MONTHS if lang == "it" else EN_MONTHS
    return f"{start.day} {months[start.month - 1]} {start.year} - {end.day} {months[end.month - 1]} {end.year}"


def mdy(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def en_long(d: date) -> str:
    return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"


def en_short(d: date) -> str:
    return f"{EN_MONTHS[d.month - 1][:3]} {d.day}, {d.year}"


def en_time(t: datetime) -> str:
    """HubSpot's English UI: "Oct 7, 2026 9:15 AM"."""
    return f"{en_short(t.date())} {(t.hour - 1) % 12 + 1}:{t:%M} {'AM' if t.hour < 12 else 'PM'}"
