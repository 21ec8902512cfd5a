"""The headline cards: each KPI of the period, its change against the previous period, and what it counts."""
from __future__ import annotations

from roi.outputs.report.page import Page, esc


def cards(page: Page) -> str:
    now, prev = page.d["now"], page.d["prev"]
    comparable = page.comparable
    specs = [
        ("spend", "spend", page.f.money, None),
        ("total_cost", "total_cost", page.f.money, None),
        ("revenue", "revenue", page.f.money, True),
        ("roi_pct", "roi_pct", page.f.pct_value, True),
        ("roas", "roas", page.f.ratio, True),
        ("cac", "cac", page.f.money, False),
        ("ltv_cac", "ltv_to_cac", page.f.ratio, True),
    ]
    out = []
    for key, field, show, up_is_good in specs:
        value, before = now.get(field), prev.get(field)
        delta = ""
        if comparable and value is not None and before is not None:
            if key == "roi_pct":
                change = float(value) - float(before)
                text = f"{'+' if change >= 0 else ''}{page.f.num(change, 1)} {page.t['pp']}"
            elif float(before) != 0:
                change = (float(value) - float(before)) / abs(float(before))
                text = f"{'+' if change >= 0 else ''}{page.f.pct(change)}"
            else:
                change, text = None, ""
            if change is not None:
                arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
                tone = "neutral" if up_is_good is None or change == 0 else (
                    "good" if (change > 0) == up_is_good else "bad")
                delta = f'<div class="delta {tone}">{arrow} {esc(text)}</div>'
        prev_line = (f'{esc(page.t["prev"])} {esc(show(before))}' if comparable
                     else esc(page.t["no_prev_short"]))
        out.append(
            f'<div class="card" data-kpi="{key}"><div class="label">{esc(page.t[key])}</div>'
            f'<div class="value">{esc(show(value))}</div>{delta}'
            f'<div class="prev" data-kpi-prev="{key}">{prev_line}</div>'
            f'<div class="hint">{esc(_hint(page, key))}</div></div>')
    return '<div class="cards">' + "".join(out) + "</div>"


def _hint(page: Page, key: str) -> str:
    """The line under a card: what it counts, and what it leaves out."""
    now = page.d["now"]
    if key in ("revenue", "roi_pct") and not now["has_revenue_source"]:
        return page.t["no_revenue_source"]
    if key == "revenue" and now["free_revenue"]:
        return page.t["hint_revenue_free"].format(money=page.f.money(now["free_revenue"]),
                                                  channels=", ".join(page.channel(c) for c in
                                                                     now["free_revenue_channels"].split(", ")))
    if key == "revenue":
        return page.t["hint_revenue_" + now["headline_revenue"]]
    return page.t[f"hint_{key}"].format(months=page.f.months(page.d["months"]))
