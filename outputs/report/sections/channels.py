"""The channel table with its two bar charts: ROI % and CAC per channel (channels with cost only)."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float, esc


def channels(page: Page) -> str:
    rows = page.d["by_channel"]
    if not rows:
        return page.section("channels", "s_channels", page.t["s_channels_lead"], page.empty())
    charts = []
    bars = max(len([r for r in rows if r[f] is not None and r["total_cost"]]) for f in ("roi_pct", "cac"))
    for field, title, show in (("roi_pct", "c_roi", "pct"), ("cac", "c_cac", "money")):
        points = [r for r in rows if r[field] is not None and r["total_cost"]]
        points.sort(key=lambda r: float(r[field]))
        if show == "pct":
            colors = ["#16a34a" if float(r[field]) >= 0 else "#dc2626" for r in points]
            text = [page.f.pct_value(r[field]) for r in points]
            axis = {"ticksuffix": "%", "zeroline": True, "zerolinecolor": "#94a3b8"}
        else:
            colors = [page.color(r["channel"]) for r in points]
            text = [page.f.money(r[field]) for r in points]
            axis = page.f.money_axis()
        values = [float(r[field]) for r in points] or [0.0]
        span = (max(values + [0.0]) - min(values + [0.0])) or 1.0
        axis["range"] = [min(values + [0.0]) - (0.22 * span if min(values) < 0 else 0),
                         max(values + [0.0]) + 0.22 * span]        # room for the labels outside the bars
        trace = {
            "type": "bar", "orientation": "h", "x": [as_float(r[field]) for r in points],
            "y": [page.channel(r["channel"]) for r in points], "marker": {"color": colors},
            "text": text, "textposition": "outside", "hovertemplate": "%{y}: %{text}<extra></extra>",
            "cliponaxis": False,
        }
        height = max(200, 60 + 42 * bars)
        inner = page.chart([trace], {"xaxis": axis, "yaxis": {"automargin": True}, "showlegend": False,
                                     "margin": {"l": 120, "r": 60, "t": 10, "b": 30}},
                           height=height) if points else page.empty()
        charts.append(page.panel(page.t[title], inner))
    table = page.table([
        ("channel", page.t["channel"], "channel"), ("spend", page.t["spend"], "money"),
        ("total_cost", page.t["total_cost"], "money"), ("revenue", page.t["revenue"], "money"),
        ("roas", "ROAS", "ratio"), ("cpl", "CPL", "money"), ("cac", "CAC", "money"),
        ("roi_pct", "ROI %", "pctv"), ("leads", page.t["leads"], "int"),
        ("customers", page.t["customers"], "int"),
    ], rows)
    attribution = page.t.get(page.d["attribution"], page.d["attribution"])
    note = f'<p class="note">{esc(page.t["s_channels_note"].format(attribution=attribution))}</p>'
    body = f'<div class="grid2">{"".join(charts)}</div><div class="panel">{table}{note}</div>'
    return page.section("channels", "s_channels", page.t["s_channels_lead"], body)
