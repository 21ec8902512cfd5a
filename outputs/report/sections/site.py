"""The site beside the platforms: per paid channel, the conversions the platform claims against the key events
GA4 saw and the shop's orders with its UTM (grouped bars), then every channel's sessions in a table. Left out
when no GA4 or Search Console data covers the period."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float, esc


def site(page: Page) -> str:
    rows = page.d["site"]
    if not rows:
        return ""
    paid = [r for r in rows if r["platform_conversions"] is not None]
    body = ""
    if paid:
        names = [page.channel(r["channel"]) for r in paid]
        traces = [{
            "type": "bar", "name": page.t[label], "x": names, "y": [as_float(r[field]) for r in paid],
            "marker": {"color": color}, "text": [page.f.num(r[field], 0) for r in paid], "textposition": "outside",
            "cliponaxis": False, "hovertemplate": "%{x}<br>" + page.t[label] + ": %{text}<extra></extra>",
        } for field, label, color in (("platform_conversions", "claimed", "#94a3b8"),
                                      ("key_events", "key_events", "#1d4ed8"),
                                      ("orders", "orders_utm", "#16a34a"))]
        chart = page.chart(traces, {"barmode": "group", "yaxis": {"rangemode": "tozero"},
                                    "margin": {"l": 50, "r": 20, "t": 10, "b": 40}}, height=300)
        worst = max((r for r in paid if r["claimed_vs_site"] is not None),
                    key=lambda r: float(r["claimed_vs_site"]), default=None)
        note = (page.t["site_worst"].format(channel=page.channel(worst["channel"]),
                                            ratio=page.f.ratio(worst["claimed_vs_site"]))
                if worst is not None and float(worst["claimed_vs_site"]) > 1 else "")
        body += page.panel(page.t["c_site"], chart, note)
    table = page.table([
        ("channel", page.t["channel"], "channel"), ("sessions", page.t["sessions"], "int"),
        ("conversion_rate", page.t["site_cr"], "pct"), ("revenue_per_session", page.t["rev_session"], "money"),
        ("cost_per_session", page.t["cost_session"], "money"),
        ("platform_conversions", page.t["claimed"], "num1"), ("key_events", page.t["key_events"], "num1"),
        ("orders", page.t["orders_utm"], "int"), ("claimed_vs_site", page.t["claimed_vs_site"], "ratio"),
        ("search_clicks", page.t["search_clicks"], "int"), ("search_position", page.t["search_position"], "num1"),
    ], rows)
    body += f'<div class="panel">{table}<p class="note">{esc(page.t["s_site_note"])}</p></div>'
    return page.section("site", "s_site", page.t["s_site_lead"], body)
