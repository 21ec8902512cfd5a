"""Budget of the month the period ends in: plan, spent and projected month end per line, and the mix against
70/20/10."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float, esc


def budget(page: Page) -> str:
    pacing, mix = page.d["pacing"], page.d["mix"]
    month = page.d["budget_month"]
    if not pacing:
        lead = page.t["s_budget_lead"].split(":")[0].format(month=page.f.month(month).capitalize())
        return page.section("budget", "s_budget", lead,
                            page.empty("no_budget", month=page.f.month(month)))
    first = pacing[0]
    lead = page.t["s_budget_lead"].format(
        month=page.f.month(month).capitalize(), as_of=page.f.date(first["as_of"]),
        days=first["days_elapsed"], days_in_month=first["days_in_month"])
    labels = [_line_label(page, r) for r in pacing]
    traces = []
    for field, label, color in (("planned", page.t["planned"], "#cbd5e1"),
                                ("actual_to_date", page.t["actual"], "#1d4ed8"),
                                ("projected_month_end", page.t["projected"], "#93c5fd")):
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "y": labels,
            "x": [as_float(r[field]) for r in pacing], "marker": {"color": color},
            "hovertemplate": "%{y}<br>" + label + ": " + page.f.hover_money("x") + "<extra></extra>",
        })
    pacing_chart = page.chart(traces, {
        "barmode": "group", "bargap": 0.25, "xaxis": page.f.money_axis(),
        "yaxis": {"autorange": "reversed", "automargin": True},
        "margin": {"l": 150, "r": 20, "t": 10, "b": 40},
    }, height=max(260, 80 + 62 * len(pacing)))
    mix_panel = ""
    if mix:
        groups = [page.t["target"], page.t["planned"], page.t["actual"]]
        mix_traces = []
        for r, color in zip(mix, ("#1d4ed8", "#60a5fa", "#f59e0b")):
            mix_traces.append({
                "type": "bar", "name": page.word(r["bucket"]), "x": groups,
                "y": [as_float(r["target_share"]), as_float(r["planned_share"]), as_float(r["actual_share"])],
                "marker": {"color": color}, "texttemplate": "%{y:.0%}", "textposition": "inside",
                "hovertemplate": "%{fullData.name} · %{x}: %{y:.1%}<extra></extra>",
            })
        mix_chart = page.chart(mix_traces, {"barmode": "stack", "bargap": 0.35,
                                            "yaxis": {"tickformat": ".0%", "range": [0, 1]},
                                            "margin": {"l": 50, "r": 10, "t": 10, "b": 40}},
                               height=max(260, 80 + 62 * len(pacing)))
        mix_panel = page.panel(page.t["c_mix"], mix_chart)
    table_rows = []
    for r in pacing:
        table_rows.append({
            **r, "line": (esc(_line_label(page, r)), _line_label(page, r)),
            "status": (page.pill(r["pacing_status"]), r["pacing_status"] or ""),
        })
    table = page.table([
        ("line", page.t["channel"], "html"), ("planned", page.t["planned"], "money"),
        ("actual_to_date", page.t["actual"], "money"),
        ("projected_month_end", page.t["projected"], "money"),
        ("projected_to_planned", page.t["of_plan"], "pct"), ("status", page.t["status"], "html"),
    ], table_rows)
    body = (f'<div class="grid-wide">{page.panel(page.t["c_pacing"], pacing_chart)}{mix_panel}</div>'
            f'<div class="panel">{table}</div>')
    return page.section("budget", "s_budget", lead, body)


def _line_label(page: Page, row: dict) -> str:
    return f'{page.channel(row["channel"])} · {page.word(row["bucket"])}'
