"""The sections of money per channel over time, two charts side by side: media spend and revenue as stacked bars
(section "time"), CPL and CPA as lines (section "trends")."""
from __future__ import annotations

from typing import Callable

from roi.outputs.report.page import Page, as_float


def over_time(page: Page) -> str:
    """Spend and revenue per day, week or month (Period.grain)."""
    return _by_channel_over_time(page, "time", page.d["series"], page.period.grain, ("spend", "revenue"),
                                 _stacked_bars, layout={"barmode": "stack", "bargap": 0.25}, yaxis={})


def trends(page: Page) -> str:
    """CPL and CPA per day or week (Period.trend_grain: they are noisy per day); a bucket without leads or
    conversions leaves a gap in its line."""
    return _by_channel_over_time(page, "trends", page.d["trends"], page.period.trend_grain, ("cpl", "cpa"),
                                 _lines, layout={}, yaxis={"rangemode": "tozero"})


def _stacked_bars(page: Page, channel: str) -> dict:
    return {"type": "bar", "name": page.channel(channel), "marker": {"color": page.color(channel)}}


def _lines(page: Page, channel: str) -> dict:
    return {"type": "scatter", "mode": "lines+markers", "name": page.channel(channel),
            "line": {"color": page.color(channel), "width": 2.2}, "marker": {"size": 5}, "connectgaps": False}


def _by_channel_over_time(page: Page, key: str, rows: list[dict], grain: str, fields: tuple[str, str],
                          trace: Callable[[Page, str], dict], layout: dict, yaxis: dict) -> str:
    """Section `key` (its title and lead: TEXT s_<key>, s_<key>_lead): one chart per field (titled c_<field>),
    a trace per channel with a non-zero value of it, on a money axis over the buckets of rows."""
    panels = []
    for field in fields:
        traces = []
        for channel in _channels_with(page, rows, field):
            points = [r for r in rows if r["channel"] == channel]
            traces.append({
                **trace(page, channel),
                "x": [r["bucket"].isoformat() for r in points], "y": [as_float(r[field]) for r in points],
                "hovertemplate": "%{fullData.name}: " + page.f.hover_money() + "<extra></extra>",
            })
        inner = page.chart(traces, {
            **layout, "hovermode": "x unified", "yaxis": {**page.f.money_axis(), **yaxis},
            "xaxis": _date_axis(rows, grain),
        }) if traces else page.empty()
        panels.append(page.panel(page.t[f"c_{field}"], inner))
    lead = page.t[f"s_{key}_lead"].format(grain=page.t[grain])
    return page.section(key, f"s_{key}", lead, f'<div class="grid2">{"".join(panels)}</div>')


def _channels_with(page: Page, rows: list[dict], field: str) -> list[str]:
    """Channels with a non-zero value of field, in the order of the channel table."""
    has = {r["channel"] for r in rows if r[field] is not None and float(r[field]) != 0}
    order = [r["channel"] for r in page.d["by_channel"]]
    return [c for c in order if c in has] + sorted(has - set(order))


def _date_axis(rows: list[dict], grain: str) -> dict:
    """A date axis whose ticks fall on the buckets (weeks start on Monday, months on the 1st)."""
    axis = {"type": "date", "tickformat": "%b %Y" if grain == "month" else "%d %b"}
    if grain == "week" and rows:
        axis.update(tick0=min(r["bucket"] for r in rows).isoformat(), dtick=7 * 86_400_000)
    return axis
