"""The period a report covers: its length, the period of equal length before it, the bucket of its charts and the
months its monthly marts (cohorts, keywords) are read for."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        """The period of equal length just before."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    @property
    def grain(self) -> str:
        """Bucket size of the time series: days up to 2 months, weeks up to 13 months, else months."""
        if self.days <= 62:
            return "day"
        return "week" if self.days <= 400 else "month"

    @property
    def trend_grain(self) -> str:
        """CPL and CPA are noisy per day: weeks from 3 weeks on."""
        if self.days < 21:
            return "day"
        return "week" if self.days <= 400 else "month"

    def cohort_months(self) -> list[dt.date]:
        """Months with at least half their days in the period; else the month holding most of it."""
        months, best, best_days = [], None, 0
        first = self.start.replace(day=1)
        while first <= self.end:
            nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            inside = (min(self.end, nxt - dt.timedelta(days=1)) - max(self.start, first)).days + 1
            if inside * 2 >= (nxt - first).days:
                months.append(first)
            if inside > best_days:
                best, best_days = first, inside
            first = nxt
        return months or [best]

    def touched_months(self) -> list[dt.date]:
        """Every month with a day in the period (the keyword marts are monthly: a period ending on
        the 2nd still shows that month's keywords)."""
        months, first = [], self.start.replace(day=1)
        while first <= self.end:
            months.append(first)
            first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return months
