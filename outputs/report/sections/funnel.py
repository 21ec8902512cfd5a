"""The lead → customer funnel of the cohort months: the stages as a funnel chart, and per channel with close rate
and sales cycle."""
from __future__ import annotations

from roi.outputs.report.page import Page


def funnel(page: Page) -> str:
    rows = page.d["funnel"]
    months = page.f.months(page.d["months"])
    lead = page.t["s_funnel_lead"].format(months=months)
    if not rows or not sum(r["leads"] or 0 for r in rows):
        return page.section("funnel", "s_funnel", lead, page.empty("no_leads", months=months))
    stages = [("leads", page.t["leads"]), ("mqls", page.t["mqls"]), ("sqls", page.t["sqls"]),
              ("customers", page.t["customers"])]
    totals = [sum(r[key] or 0 for r in rows) for key, _ in stages]
    trace = {
        "type": "funnel", "y": [label for _, label in stages], "x": totals,
        "texttemplate": "%{value:,.0f}<br>%{percentInitial:.1%}", "textfont": {"color": "#ffffff"},
        "marker": {"color": ["#1d4ed8", "#3b82f6", "#60a5fa", "#16a34a"]},
        "connector": {"fillcolor": "#e2e8f0", "line": {"width": 0}}, "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>",
    }
    chart = page.chart([trace], {"margin": {"l": 90, "r": 20, "t": 10, "b": 10}, "showlegend": False},
                       height=300)
    table = page.table([
        ("channel", page.t["channel"], "channel"), ("leads", page.t["leads"], "int"),
        ("mqls", page.t["mqls"], "int"), ("sqls", page.t["sqls"], "int"),
        ("customers", page.t["customers"], "int"), ("lead_to_customer_rate", page.t["close_rate"], "pct"),
        ("sales_cycle_days", page.t["cycle"], "num1"),
    ], rows)
    body = (f'<div class="grid-wide">{page.panel(page.t["by_channel"], table)}'
            f'{page.panel(page.t["s_funnel"], chart)}</div>')
    return page.section("funnel", "s_funnel", lead, body)
