"""SMART goals: progress of each against the time elapsed to its deadline."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float, esc


def goals(page: Page) -> str:
    rows = page.d["goals"]
    lead = page.t["s_goals_lead"].format(as_of=page.f.date(page.d["as_of"]))
    if not rows:
        return page.section("goals", "s_goals", lead, page.empty("no_goals"))
    table_rows = []
    for r in rows:
        progress = r["progress_pct"]
        expected = r["expected_progress_pct"] or 0
        tone = {"achieved": "good", "on_track": "good", "at_risk": "warn", "missed": "bad"}.get(r["status"], "warn")
        width = 0 if progress is None else max(0.0, min(100.0, float(progress)))
        bar = (f'<div class="bar" title="{esc(page.t["time_elapsed"])}: {esc(page.f.pct_value(expected, 0))}">'
               f'<div class="fill {tone}" style="width:{width:.1f}%"></div>'
               f'<div class="mark" style="left:{float(expected):.1f}%"></div></div>'
               f'<div class="bar-label">{esc(page.f.pct_value(progress, 0))} · '
               f'{esc(page.t["time_elapsed"])} {esc(page.f.pct_value(expected, 0))}</div>')
        target = f'{page.t[r["direction"]] if r["direction"] in ("at_least", "at_most") else ""} ' \
                 f'{page.f.metric(r["kpi"], r["target_value"])}'
        table_rows.append({
            "goal": (f'<strong>{esc(r["name"])}</strong><div class="bar-label">{esc(page.word(r["kpi"]))} · '
                     f'{esc(page.channel(r["channel"]))}</div>', r["name"]),
            "target": (esc(target.strip()), as_float(r["target_value"])),
            "current": (esc(page.f.metric(r["kpi"], r["current_value"])), as_float(r["current_value"])),
            "progress": (bar, as_float(progress)),
            "status": (page.pill(r["status"]), r["status"]),
            "deadline": r["deadline"], "days_left": r["days_left"], "owner": r["owner"],
        })
    table = page.table([
        ("goal", page.t["goal"], "html"), ("target", page.t["target"], "html"),
        ("current", page.t["current"], "html"), ("progress", page.t["progress"], "html"),
        ("status", page.t["status"], "html"), ("deadline", page.t["deadline"], "date"),
        ("days_left", page.t["days_left"], "int"), ("owner", page.t["owner"], "text"),
    ], table_rows)
    return page.section("goals", "s_goals", lead, f'<div class="panel">{table}</div>')
