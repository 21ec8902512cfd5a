"""Email: open and click rate of the latest campaigns as bars, every campaign sent in the period in a table."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float


def email(page: Page) -> str:
    rows = page.d["email"]
    if not rows:
        return page.section("email", "s_email", page.t["s_email_lead"], page.empty("no_email"))
    shown = rows[-20:]  # the latest 20 campaigns in the chart; the table has them all
    counts: dict[str, int] = {}
    for r in shown:
        counts[r["campaign_name"] or "–"] = counts.get(r["campaign_name"] or "–", 0) + 1
    names = [r["campaign_name"] or "–" if counts[r["campaign_name"] or "–"] == 1
             else f'{r["campaign_name"] or "–"} · {page.f.date(r["send_date"])}' for r in shown]
    traces = []
    for field, label, color in (("open_rate", page.t["open_rate"], "#f59e0b"),
                                ("click_rate", page.t["click_rate"], "#1d4ed8")):
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "y": names,
            "x": [as_float(r[field]) for r in shown], "marker": {"color": color},
            "text": [page.f.pct(r[field]) for r in shown], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": "%{y}<br>" + label + ": %{text}<extra></extra>",
        })
    chart = page.chart(traces, {
        "barmode": "group", "bargap": 0.28, "bargroupgap": 0.05,
        "xaxis": {"tickformat": ".0%", "rangemode": "tozero"},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
        "margin": {"l": 60, "r": 40, "t": 10, "b": 30},
    }, height=max(220, 70 + 46 * len(shown)))
    table = page.table([
        ("campaign_name", page.t["campaign"], "text"), ("send_date", page.t["sent"], "date"),
        ("recipients", page.t["recipients"], "int"), ("delivery_rate", page.t["delivery_rate"], "pct"),
        ("open_rate", page.t["open_rate"], "pct"), ("click_rate", page.t["click_rate"], "pct"),
        ("click_to_open_rate", page.t["ctor"], "pct"), ("bounce_rate", page.t["bounce_rate"], "pct"),
        ("unsubscribe_rate", page.t["unsub_rate"], "pct"), ("revenue", page.t["revenue"], "money"),
    ], rows)
    body = page.panel(page.t["c_email"], chart) + f'<div class="panel">{table}</div>'
    return page.section("email", "s_email", page.t["s_email_lead"], body)
