"""Alerts of the period: metrics off their usual range, budgets off plan, goals at risk; the most severe first."""
from __future__ import annotations

from roi.outputs.report.page import Page, as_float, esc
from roi.outputs.report.words import WEEKDAYS

MAX_ALERT_ROWS = 60   # `roi alerts` lists them all


def alerts(page: Page) -> str:
    rows = page.d["alerts"]
    if rows is None:
        return page.section("alerts", "s_alerts", page.t["s_alerts_lead"], page.empty("no_alert_view"))
    if not rows:
        return page.section("alerts", "s_alerts", page.t["s_alerts_lead"], page.empty("no_alerts"))
    goal_names = {g["goal_id"]: g["name"] for g in page.d["goals"]}
    shown = rows[:MAX_ALERT_ROWS]
    table_rows = []
    for r in shown:
        if r["lower"] is not None and r["upper"] is not None:
            rng = f'{page.f.metric(r["metric"], r["lower"])} – {page.f.metric(r["metric"], r["upper"])}'
        elif r["lower"] is not None:
            rng = f'≥ {page.f.metric(r["metric"], r["lower"])}'
        elif r["upper"] is not None:
            rng = f'≤ {page.f.metric(r["metric"], r["upper"])}'
        else:
            rng = "–"
        table_rows.append({
            "date": r["alert_date"],
            "severity": (page.pill(r["severity"]), {"critical": 0, "warning": 1}.get(r["severity"], 2)),
            "kind": (esc(page.word(r["kind"])), r["kind"]),
            "channel": (esc(page.channel(r["channel"])), r["channel"]),
            "metric": (esc(page.word(r["metric"])), r["metric"]),
            "value": (esc(page.f.metric(r["metric"], r["value"])), as_float(r["value"])),
            "expected": (esc(page.f.metric(r["metric"], r["expected"])), as_float(r["expected"])),
            "range": (esc(rng), ""),
            "detail": (esc(_detail(page, r, goal_names)), ""),
        })
    table = page.table([
        ("date", page.t["date"], "date"), ("severity", page.t["severity"], "html"),
        ("kind", page.t["kind"], "html"), ("channel", page.t["channel"], "html"),
        ("metric", page.t["metric"], "html"), ("value", page.t["value"], "htmlnum"),
        ("expected", page.t["expected"], "htmlnum"), ("range", page.t["range"], "htmlnum"),
        ("detail", page.t["detail"], "html"),
    ], table_rows)
    more = ""
    if len(rows) > len(shown):
        hidden = page.t["more_alerts"].format(n=len(rows) - len(shown), start=page.period.start)
        more = f'<p class="note">{esc(hidden)}</p>'
    return page.section("alerts", "s_alerts", page.t["s_alerts_lead"], f'<div class="panel">{table}{more}</div>')


def _detail(page: Page, row: dict, goal_names: dict) -> str:
    """A short line in the report's language (the full English message goes to notifications)."""
    kind, day, it = row["kind"], row["alert_date"], page.lang == "it"
    if kind.startswith("metric_"):
        weekday = WEEKDAYS[page.lang][day.weekday()]
        if it:
            side = "sopra" if kind == "metric_spike" else "sotto"
            return f"{weekday} {page.f.date(day)}: {side} l'intervallo abituale degli ultimi 28 giorni"
        side = "above" if kind == "metric_spike" else "below"
        return f"{weekday} {page.f.date(day)}: {side} the usual range of the last 28 days"
    if kind.startswith("budget_"):
        share = page.f.pct(float(row["value"]) / float(row["expected"]), 0) if row["expected"] else "–"
        bucket = page.word(row["subject"] or None)
        if it:
            return f"{bucket}: proiezione a fine mese {page.f.money(row['value'])}, {share} del piano"
        return f"{bucket}: projected month end {page.f.money(row['value'])}, {share} of plan"
    name = goal_names.get(row["subject"], row["subject"])
    if kind == "goal_missed":
        return f"{name}: " + ("mancato alla scadenza" if it else "missed at the deadline")
    return f"{name}: " + ("in ritardo sul tempo trascorso" if it else "behind the time elapsed")
