"""Numbers, money, percentages and dates the way each of the report's languages writes them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from roi.outputs.report.words import MONTHS

MONEY_METRICS = {"spend", "total_cost", "revenue", "cpl", "cac", "cpa", "cpc", "cpm"}
RATE_METRICS = {"ctr", "open_rate", "click_rate", "conversion_rate", "lead_to_customer_rate"}
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


@dataclass(frozen=True)
class Fmt:
    """Numbers, money, percentages and dates the way the report's language writes them."""
    lang: str
    currency: str

    @property
    def separators(self) -> str:
        """plotly's layout.separators: decimal mark, then thousands mark."""
        return ",." if self.lang == "it" else ".,"

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.currency, self.currency)

    def num(self, x, decimals: int = 0) -> str:
        if x is None:
            return "–"
        text = f"{float(x):,.{decimals}f}"
        if self.lang == "it":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return "−" + text[1:] if text.startswith("-") else text

    def money(self, x, decimals: int = 2) -> str:
        if x is None:
            return "–"
        digits = self.num(abs(float(x)), decimals)
        sign = "−" if float(x) < 0 and digits.strip("0,.") else ""
        if self.lang == "it":
            return f"{sign}{digits} {self.symbol}"
        return f"{sign}{self.symbol}{digits}" if len(self.symbol) == 1 else f"{sign}{self.symbol} {digits}"

    def pct(self, fraction, decimals: int = 1) -> str:
        """0.123 -> '12,3%' / '12.3%'."""
        return "–" if fraction is None else self.num(float(fraction) * 100, decimals) + "%"

    def pct_value(self, value, decimals: int = 1) -> str:
        """A value already in percent (roi_pct 49.0) -> '49,0%'."""
        return "–" if value is None else self.num(value, decimals) + "%"

    def ratio(self, x, decimals: int = 2) -> str:
        return self.num(x, decimals)

    def metric(self, metric: str, x) -> str:
        if x is None:
            return "–"
        if metric in MONEY_METRICS:
            return self.money(x)
        if metric in RATE_METRICS:
            return self.pct(x, 2)
        if metric == "roi_pct":
            return self.pct_value(x)
        if metric == "roas":
            return self.ratio(x)
        return self.num(x, 0 if float(x) == round(float(x)) else 1)

    def date(self, d: dt.date | None) -> str:
        if d is None:
            return "–"
        if self.lang == "it":
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        return f"{d.day} {MONTHS['en'][d.month - 1][:3]} {d.year}"

    def date_long(self, d: dt.date) -> str:
        return f"{d.day} {MONTHS[self.lang][d.month - 1]} {d.year}"

    def month(self, d: dt.date) -> str:
        return f"{MONTHS[self.lang][d.month - 1]} {d.year}"

    def months(self, months: list[dt.date]) -> str:
        if not months:
            return "–"
        if len(months) == 1:
            return self.month(months[0])
        return f"{self.month(months[0])} – {self.month(months[-1])}"

    def span(self, start: dt.date, end: dt.date) -> str:
        if start == end:
            return self.date_long(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day} – {self.date_long(end)}"
        if start.year == end.year:
            return f"{start.day} {MONTHS[self.lang][start.month - 1]} – {self.date_long(end)}"
        return f"{self.date_long(start)} – {self.date_long(end)}"

    def hover_money(self, axis: str = "y") -> str:
        value = "%{" + axis + ":,.2f}"
        return f"{value} {self.symbol}" if self.lang == "it" else f"{self.symbol}{value}"

    def money_axis(self) -> dict:
        if self.lang == "it":
            return {"tickformat": ",.0f", "ticksuffix": f" {self.symbol}"}
        return {"tickformat": ",.0f", "tickprefix": self.symbol}

