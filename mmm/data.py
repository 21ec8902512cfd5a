"""The model's weeks, read from the warehouse: media spend per channel, the outcome, holidays and controls.

Weeks run Monday to Sunday; only whole weeks inside the period count. Spend is each paid channel's media spend in
the reporting currency (int.channel_day_facts, period rows spread over their days), plus the costs lines of the
channels named in `[mmm] media_costs` (a trade fair's stand, a sponsorship). The outcome is the shop's and CRM's
net revenue of the week (stg.orders, as `[kpi] revenue` values it; every order whatever its channel: the model
finds what each channel adds), or its sales, or its leads. Channels whose sales happen on the platform
(`[kpi] platform_revenue`, Amazon) are not in the shop's revenue, so they are left out of a revenue model.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

import duckdb

from roi.contracts.errors import ConfigError
from roi.contracts.settings import Settings
from roi.mmm import holidays

MIN_WEEKS = 52          # below a year the season and the ads cannot be told apart: refused
ACTIVE_WEEKS = 8        # a channel with spend in fewer weeks is left out (the model cannot learn it)
RECENT_WEEKS = 4        # today's spend (roi plan): the mean of the last whole weeks the warehouse holds

OUTCOME_SQL = {
    "revenue": "SELECT order_date AS day, coalesce(sum(amount), 0) AS value FROM stg.orders "
               "WHERE order_date BETWEEN ? AND ? GROUP BY ALL",
    "orders": "SELECT order_date AS day, count(*) AS value FROM stg.orders "
              "WHERE order_date BETWEEN ? AND ? AND paid AND total_original - refunded_original > 0 GROUP BY ALL",
    "leads": "SELECT created_date AS day, count(*) AS value FROM stg.leads "
             "WHERE created_date BETWEEN ? AND ? GROUP BY ALL",
}

LAST_OUTCOME_SQL = {"revenue": "SELECT max(order_date) FROM stg.orders",
                    "orders": "SELECT max(order_date) FROM stg.orders",
                    "leads": "SELECT max(created_date) FROM stg.leads"}


@dataclass(frozen=True)
class Weeks:
    """What `roi mmm` fits: whole weeks, their outcome, each channel's spend and the controls."""
    mondays: tuple[dt.date, ...]
    outcome: list[float]
    spend: dict[str, list[float]]
    controls: dict[str, list[float]]
    left_out: dict[str, str]          # channel -> why it is not modelled
    currency: str
    outcome_name: str

    @property
    def start(self) -> dt.date:
        return self.mondays[0]

    @property
    def end(self) -> dt.date:
        return self.mondays[-1] + dt.timedelta(days=6)


def read_weeks(con: duckdb.DuckDBPyConnection, settings: Settings, start: dt.date | None = None,
               end: dt.date | None = None, channels: tuple[str, ...] = ()) -> Weeks:
    """The whole weeks between start and end (default: from the first week with media spend to the last whole
    week with both ad spend and the outcome), refused in one line when fewer than MIN_WEEKS remain."""
    config = settings.mmm
    media_costs = config.media_costs
    first, last = con.execute(
        "SELECT min(date) FILTER (WHERE spend > 0 OR (channel IN (SELECT unnest(?)) AND other_costs > 0)), "
        "max(date) FILTER (WHERE spend > 0) FROM int.channel_day_facts", [list(media_costs)]).fetchone()
    if first is None:
        raise ConfigError("roi mmm: the warehouse holds no media spend yet — load the ad platforms first")
    last_outcome = con.execute(LAST_OUTCOME_SQL[config.outcome]).fetchone()[0]
    last = min(last or first, last_outcome or first)   # costs entered ahead (a month's fee) do not extend it
    start = max(start or first, first)
    end = min(end or last, last)
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    sunday = end - dt.timedelta(days=(end.weekday() + 1) % 7)
    count = (sunday - monday).days // 7 + 1 if sunday > monday else 0
    if count < MIN_WEEKS:
        raise ConfigError(
            f"roi mmm needs at least {MIN_WEEKS} whole weeks of spend and {config.outcome} to tell the ads from the "
            f"season, and two years to be sure; the period {start} – {end} has {max(count, 0)} — load more history "
            "(`roi backfill`), or widen --from / --to")
    mondays = tuple(monday + dt.timedelta(weeks=i) for i in range(count))
    spend, left_out = _spend(con, settings, mondays, channels)
    outcome = _weekly(con.execute(OUTCOME_SQL[config.outcome], [monday, sunday]).fetchall(), mondays)
    if not any(outcome):
        raise ConfigError(f"roi mmm: no {config.outcome} between {monday} and {sunday} — load the shop's orders "
                          "or the CRM first, or set [mmm] outcome")
    controls = holidays.weekly_events(list(mondays), config.country, config.holidays)
    if config.controls:
        controls |= read_controls(config.controls, mondays)
    return Weeks(mondays=mondays, outcome=outcome, spend=spend, controls=controls, left_out=left_out,
                 currency=settings.reporting_currency, outcome_name=config.outcome)


def weekly_spend(con, settings: Settings, mondays: tuple[dt.date, ...]) -> dict[str, list[float]]:
    """channel -> its media spend in each of the weeks (refused when a day's spend has no exchange rate)."""
    rows = con.execute(
        "SELECT date, channel, sum(CASE WHEN channel IN (SELECT unnest(?)) THEN coalesce(spend, 0) + other_costs "
        "ELSE coalesce(spend, 0) END), bool_or(spend IS NULL OR other_costs IS NULL) "
        "FROM int.channel_day_facts WHERE date BETWEEN ? AND ? GROUP BY ALL",
        [list(settings.mmm.media_costs), mondays[0], mondays[-1] + dt.timedelta(days=6)]).fetchall()
    unpriced = sorted({(channel, day) for day, channel, _, no_rate in rows if no_rate})
    if unpriced:
        raise ConfigError(f"roi mmm: {unpriced[0][0]}'s spend of {unpriced[0][1]} has no exchange rate "
                          f"({len(unpriced)} channel-days; `roi query \"SELECT * FROM marts.fx_missing\"`) — "
                          "load the rates, or fit a period without them")
    by_channel: dict[str, list] = {}
    for day, channel, amount, _ in rows:
        by_channel.setdefault(channel, []).append((day, float(amount or 0)))
    return {c: _weekly(days, mondays) for c, days in sorted(by_channel.items())}


def _spend(con, settings: Settings, mondays: tuple[dt.date, ...], chosen: tuple[str, ...]):
    """channel -> weekly spend of the channels to model, and the channels left out with the reason."""
    weekly = weekly_spend(con, settings, mondays)
    wanted = chosen or settings.mmm.channels
    left_out = {}
    if wanted:
        unknown = [c for c in wanted if not any(weekly.get(c, []))]
        if unknown:
            with_spend = ", ".join(c for c, v in weekly.items() if any(v)) or "none"
            raise ConfigError(f"roi mmm: channel '{unknown[0]}' has no media spend between {mondays[0]} and "
                              f"{mondays[-1] + dt.timedelta(days=6)} (channels with spend: {with_spend})")
        return {c: weekly[c] for c in wanted}, left_out
    spend = {}
    for channel, values in weekly.items():
        active = sum(1 for v in values if v > 0)
        if not active:
            continue
        if settings.mmm.outcome == "revenue" and channel in settings.platform_revenue:
            left_out[channel] = "its sales happen on the platform, not in the shop's revenue"
        elif active < ACTIVE_WEEKS:
            left_out[channel] = f"spend in {active} weeks only (the model needs {ACTIVE_WEEKS})"
        else:
            spend[channel] = values
    if not spend:
        raise ConfigError("roi mmm: no channel has media spend in enough weeks to model "
                          f"({'; '.join(f'{c}: {why}' for c, why in left_out.items())})")
    return spend, left_out


def _weekly(day_values, mondays: tuple[dt.date, ...]) -> list[float]:
    """(day, value) pairs summed into the given weeks (days outside them ignored)."""
    totals = [0.0] * len(mondays)
    first = mondays[0]
    for day, value in day_values:
        week = (day - first).days // 7
        if 0 <= week < len(totals) and value is not None:
            totals[week] += float(value)
    return totals


def read_controls(path, mondays: tuple[dt.date, ...]) -> dict[str, list[float]]:
    """A CSV of control variables (a `date` or `week` column, then one numeric column per control, daily or
    weekly): each control's mean over the days it has in each week; every week needs a value."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=_delimiter(path)))
    if not rows:
        raise ConfigError(f"[mmm] controls {path}: the file has no rows")
    key = next((k for k in rows[0] if k and k.strip().lower() in ("date", "week", "data", "settimana")), None)
    if key is None:
        raise ConfigError(f"[mmm] controls {path}: needs a `date` (or `week`) column, found {', '.join(rows[0])}")
    names = [k for k in rows[0] if k != key and k]
    sums = {n: [0.0] * len(mondays) for n in names}
    counts = [0] * len(mondays)
    for number, row in enumerate(rows, 2):
        try:
            day = dt.date.fromisoformat(row[key].strip())
        except ValueError:
            raise ConfigError(f"[mmm] controls {path} line {number}: '{row[key]}' is not a date like 2026-03-02")
        week = (day - mondays[0]).days // 7
        if not 0 <= week < len(mondays):
            continue
        counts[week] += 1
        for name in names:
            try:
                sums[name][week] += float(row[name].replace(",", "."))
            except ValueError:
                raise ConfigError(f"[mmm] controls {path} line {number}: {name} = '{row[name]}' is not a number")
    missing = [m for m, n in zip(mondays, counts) if not n]
    if missing:
        raise ConfigError(f"[mmm] controls {path}: no value for the week of {missing[0]} "
                          f"({len(missing)} weeks missing) — every fitted week needs one")
    return {n: [s / c for s, c in zip(sums[n], counts)] for n in names}


def _delimiter(path) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        header = handle.readline()
    return ";" if header.count(";") > header.count(",") else ","


def recent_spend(con: duckdb.DuckDBPyConnection, settings: Settings, channels: list[str]) -> tuple[dict, dt.date]:
    """Each channel's mean weekly spend over the last RECENT_WEEKS whole weeks the warehouse holds (today's
    allocation, which `roi plan` starts from), and that stretch's last day."""
    last = con.execute("SELECT max(date) FROM int.channel_day_facts WHERE spend > 0").fetchone()[0]
    if last is None:
        raise ConfigError("roi plan: the warehouse holds no media spend yet — load the ad platforms first")
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    mondays = tuple(sunday - dt.timedelta(days=6) - dt.timedelta(weeks=RECENT_WEEKS - 1 - i)
                    for i in range(RECENT_WEEKS))
    spend = weekly_spend(con, settings, mondays)
    return {c: sum(spend.get(c, [0.0])) / RECENT_WEEKS for c in channels}, sunday


def buckets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """channel -> its 70/20/10 bucket in the latest month it has a budget line."""
    return dict(con.execute("SELECT channel, arg_max(bucket, month) FROM stg.budgets GROUP BY channel").fetchall())
