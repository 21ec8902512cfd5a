"""The shopping calendar the model holds apart from the ads: each event's share of a week's days, per week.

Italy (the default, `[mmm] country = "IT"`): Black Friday to Cyber Monday, the Christmas shopping weeks, Easter,
Ferragosto, and the winter and summer sales (saldi, from the first Saturday of January and of July, four weeks
each as most regions have them). Any other country gets the events it shares with Italy's calendar in most of
Europe and America: Black Friday, Christmas, Easter. `[mmm] holidays = ["2026-06-02", …]` adds days of your own
(one event, "your days"). The yearly smooth season is the model's; these are the spikes on top of it.
"""
import datetime as dt

DAY = dt.timedelta(days=1)
COUNTRIES = {"IT"}   # the calendars known in full; others get SHARED


def easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _first(weekday: int, year: int, month: int) -> dt.date:
    """The first given weekday (Monday 0) of a month."""
    first = dt.date(year, month, 1)
    return first + (weekday - first.weekday()) % 7 * DAY


def _days(start: dt.date, end: dt.date) -> set[dt.date]:
    return {start + i * DAY for i in range((end - start).days + 1)}


def black_friday(year: int) -> set[dt.date]:
    friday = _first(3, year, 11) + 22 * DAY   # the day after the fourth Thursday of November
    return _days(friday, friday + 3 * DAY)     # to Cyber Monday


def christmas(year: int) -> set[dt.date]:
    return _days(dt.date(year, 12, 8), dt.date(year, 12, 24))


def easter_days(year: int) -> set[dt.date]:
    sunday = easter(year)
    return _days(sunday - 3 * DAY, sunday + DAY)


def ferragosto(year: int) -> set[dt.date]:
    return _days(dt.date(year, 8, 10), dt.date(year, 8, 20))


def winter_sales(year: int) -> set[dt.date]:
    start = _first(5, year, 1)
    return _days(start, start + 27 * DAY)


def summer_sales(year: int) -> set[dt.date]:
    start = _first(5, year, 7)
    return _days(start, start + 27 * DAY)


SHARED = {"black_friday": black_friday, "christmas": christmas, "easter": easter_days}
ITALY = {**SHARED, "ferragosto": ferragosto, "winter_sales": winter_sales, "summer_sales": summer_sales}


def weekly_events(weeks: list[dt.date], country: str, own_days: tuple[dt.date, ...] = ()) -> dict[str, list[float]]:
    """event name -> its share of each week's 7 days (weeks given by their Mondays); events absent from every
    week are left out, since a column of zeros teaches the model nothing."""
    calendar = ITALY if country.upper() == "IT" else SHARED
    years = range(weeks[0].year - 1, weeks[-1].year + 2) if weeks else range(0)
    found = {}
    for name, days_of in calendar.items():
        days = set().union(*(days_of(year) for year in years))
        found[name] = days
    if own_days:
        found["your_days"] = set(own_days)
    shares = {}
    for name, days in found.items():
        column = [len(_days(monday, monday + 6 * DAY) & days) / 7 for monday in weeks]
        if any(column):
            shares[name] = column
    return shares
