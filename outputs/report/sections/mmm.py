"""The media-mix model's latest fit (`roi mmm`), whatever the report's period: what each channel added, with its
5–95 % interval, beside what the attribution credits it; the response curves with where each channel stands; the
latest plan of that fit (`roi plan`); and in plain words where the model is not sure. Left out without a fit."""
from __future__ import annotations

import math

from roi.outputs.report.mmm_queries import recent_start
from roi.outputs.report.page import Page, as_float, esc

# A doubt's code -> the decimals of its value (weeks, top ÷ bottom, correlation, R-hat, count)
DOUBT_DECIMALS = {"short_history": 0, "wide_interval": 1, "seasonal_spend": 2, "not_converged": 2, "divergences": 0}
BUCKETS = ("proven", "new", "experiment", None)


def mmm(page: Page) -> str:
    found = page.d.get("mmm")
    if not found:
        return ""
    fit, rows = found["fit"], found["channels"]
    lead = page.t["s_mmm_lead"].format(
        fitted=page.f.date(fit["fitted_at"].date()), weeks=fit["weeks"], start=page.f.date(fit["period_start"]),
        end=page.f.date(fit["period_end"]), the_outcome=page.t[f"mmm_the_{fit['outcome']}"], by=_by(page),
        mape=page.f.pct(fit["mape"]), r2=page.f.ratio(fit["r2"]))
    body = (f'<div class="grid-wide">{_roi_chart(page, fit, rows)}{_doubts(page, fit, rows)}</div>'
            f'{_table(page, fit, rows)}{_curves(page, fit, found["curves"], rows)}{_plan(page, fit, found["plan"])}')
    return page.section("mmm", "s_mmm", lead, body)


# ------------------------------------------------------------------ words and units ----------------

def _by(page: Page) -> str:
    """Who credits a channel: "last touch" (the report's attribution)."""
    return page.t.get(f"mmm_by_{page.d['attribution']}", page.d["attribution"])


def _outcome(page: Page, fit: dict) -> dict:
    """The outcome's word for {outcome} / {Outcome}, the currency's symbol and the attribution for headers."""
    word = page.t[f"mmm_{fit['outcome']}"]
    return {"outcome": word, "Outcome": word.capitalize(), "symbol": page.f.symbol,
            "attribution": page.t.get(page.d["attribution"], page.d["attribution"])}


def _amount(page: Page, fit: dict, x) -> str:
    """An amount of the outcome: money for revenue, else a count."""
    return page.f.money(x) if fit["outcome"] == "revenue" else page.f.num(x, 1)


def _per_unit(page: Page, fit: dict, x, sentence: bool = False) -> str:
    """The outcome per unit of media spend: 1,60 (in a sentence 1,60 €) for revenue, else 0,012 sales."""
    if fit["outcome"] == "revenue":
        return page.f.money(x) if sentence else page.f.ratio(x)
    word = page.t["mmm_" + fit["outcome"]]
    return page.f.num(x, 3) + (f" {word}" if sentence else "")


def _span(low: str, high: str) -> str:
    return f"{low} – {high}"


# ------------------------------------------------------------------ per channel --------------------

def _roi_chart(page: Page, fit: dict, rows: list[dict]) -> str:
    """Dot and whisker per channel: the model's incremental ROI with its interval, the attribution's ROAS beside
    it, and a line at 1.0 (revenue: pays the media back)."""
    points = sorted((r for r in rows if r["roi"] is not None), key=lambda r: float(r["roi"]))
    names = [page.channel(r["channel"]) for r in points]
    model = {
        "type": "scatter", "mode": "markers", "name": page.t["mmm_model"], "x": [as_float(r["roi"]) for r in points],
        "y": names, "marker": {"color": [page.color(r["channel"]) for r in points], "size": 12},
        "text": [_per_unit(page, fit, r["roi"]) + ("" if fit["quick"] else " (5–95 %: " + _span(
            _per_unit(page, fit, r["roi_p05"]), _per_unit(page, fit, r["roi_p95"])) + ")") for r in points],
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    if not fit["quick"]:
        model["error_x"] = {"type": "data", "symmetric": False, "color": "#475569", "thickness": 1.5, "width": 6,
                            "array": [float(r["roi_p95"]) - float(r["roi"]) for r in points],
                            "arrayminus": [float(r["roi"]) - float(r["roi_p05"]) for r in points]}
    labels = _outcome(page, fit)
    touch = {
        "type": "scatter", "mode": "markers", "name": page.t["mmm_credited"].format(**labels),
        "x": [r["touch"] for r in points], "y": names,
        "marker": {"symbol": "diamond-open", "size": 11, "color": "#0f172a", "line": {"width": 2}},
        "text": [_per_unit(page, fit, r["touch"]) for r in points],
        "hovertemplate": "%{y}: %{text}<extra>" + esc(labels["attribution"]) + "</extra>",
    }
    layout = {"xaxis": {"rangemode": "tozero", "zeroline": True, "zerolinecolor": "#94a3b8"},
              "margin": {"l": 120, "r": 20, "t": 24, "b": 40}}
    if fit["outcome"] == "revenue":
        layout["shapes"] = [{"type": "line", "x0": 1, "x1": 1, "yref": "paper", "y0": 0, "y1": 1,
                             "line": {"color": "#dc2626", "width": 1.5, "dash": "dash"}}]
        layout["annotations"] = [{"x": 1, "y": 1, "yref": "paper", "yanchor": "bottom", "xanchor": "left",
                                  "text": page.t["mmm_pays_back"], "showarrow": False,
                                  "font": {"size": 11, "color": "#dc2626"}}]
    chart = page.chart([model, touch], layout, height=max(240, 90 + 46 * len(points))) if points else page.empty()
    return page.panel(page.t["mmm_c_roi"].format(symbol=page.f.symbol, by=_by(page)), chart)


def _table(page: Page, fit: dict, rows: list[dict]) -> str:
    """Per channel: spend, incremental outcome and ROI with their intervals (none for a quick fit), the
    attribution's ROAS and the share of the outcome explained."""
    labels = _outcome(page, fit)
    kind = "revenue" if fit["outcome"] == "revenue" else "other"
    columns = [("channel", page.t["channel"], "channel"), ("spend", page.t["spend"], "money"),
               ("incremental", page.t["mmm_incremental"].format(**labels), "htmlnum")]
    if not fit["quick"]:
        columns.append(("incremental_interval", page.t["mmm_interval"], "htmlnum"))
    columns.append(("roi", page.t[f"mmm_roi_{kind}"].format(**labels), "htmlnum"))
    if not fit["quick"]:
        columns.append(("roi_interval", page.t["mmm_interval"], "htmlnum"))
    columns += [("touch", page.t[f"mmm_touch_{kind}"].format(**labels), "htmlnum"),
                ("share_explained", page.t["mmm_share"].format(**labels), "pct")]
    table_rows = []
    for r in rows:
        table_rows.append({
            **r,
            "incremental": (esc(_amount(page, fit, r["incremental"])), r["incremental"]),
            "incremental_interval": (esc(_span(_amount(page, fit, r["incremental_p05"]),
                                               _amount(page, fit, r["incremental_p95"]))), r["incremental_p05"]),
            "roi": (esc(_per_unit(page, fit, r["roi"])), "" if r["roi"] is None else r["roi"]),
            "roi_interval": (esc(_span(_per_unit(page, fit, r["roi_p05"]), _per_unit(page, fit, r["roi_p95"]))),
                             "" if r["roi_p05"] is None else r["roi_p05"]),
            "touch": (esc(_per_unit(page, fit, r["touch"])), "" if r["touch"] is None else r["touch"]),
        })
    note = page.t["mmm_table_note"].format(attribution_cap=labels["attribution"].capitalize())
    return f'<div class="panel">{page.table(columns, table_rows)}<p class="note">{esc(note)}</p></div>'


def _doubts(page: Page, fit: dict, rows: list[dict]) -> str:
    """The channel whose credit differs most from the model's, the quick preview, and each doubt, as sentences."""
    lines = []
    compared = [r for r in rows if r["roi"] is not None and r["touch"] is not None]
    if compared:
        gap = max(compared, key=lambda r: abs(float(r["roi"]) - r["touch"]))
        key = "mmm_less" if gap["touch"] > float(gap["roi"]) else "mmm_more"
        lines.append(page.t[key].format(channel=page.channel(gap["channel"]), by=_by(page), symbol=page.f.symbol,
                                        touch=_per_unit(page, fit, gap["touch"], sentence=True),
                                        model=_per_unit(page, fit, gap["roi"], sentence=True)))
    if fit["quick"]:
        lines.append(page.t["mmm_quick"])
    doubts = [_doubt(page, code, channel, value) for code, channel, value in fit["doubts"] if code in DOUBT_DECIMALS]
    lines += doubts or ([] if fit["quick"] else [page.t["mmm_no_doubts"]])
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return page.panel(page.t["mmm_doubts"], f'<ul class="doubts">{items}</ul>')


def _doubt(page: Page, code: str, channel: str | None, value) -> str:
    if code == "wide_interval" and (value is None or math.isinf(float(value))):
        return page.t["mmm_doubt_wide_interval_zero"].format(channel=page.channel(channel))
    text = page.f.num(value, DOUBT_DECIMALS[code]) if value is not None else "–"
    return page.t[f"mmm_doubt_{code}"].format(channel=page.channel(channel) if channel else "", value=text)


# ------------------------------------------------------------------ response curves ----------------

def _curves(page: Page, fit: dict, curves: list[dict], rows: list[dict]) -> str:
    """A chart per channel: weekly spend → weekly incremental outcome, the interval as a band (none for a quick
    fit), a dot at the channel's mean weekly spend over the fit's last 4 weeks."""
    charts = []
    money = fit["outcome"] == "revenue"
    for row in rows:
        points = [c for c in curves if c["channel"] == row["channel"]]
        if not points:
            continue
        color = page.color(row["channel"])
        x = [as_float(c["weekly_spend"]) for c in points]
        traces = []
        if not fit["quick"]:
            traces += [
                {"type": "scatter", "mode": "lines", "x": x, "y": [as_float(c["incremental_p95"]) for c in points],
                 "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"},
                {"type": "scatter", "mode": "lines", "x": x, "y": [as_float(c["incremental_p05"]) for c in points],
                 "line": {"width": 0}, "fill": "tonexty", "fillcolor": _faded(color), "showlegend": False,
                 "hoverinfo": "skip"},
            ]
        traces.append({"type": "scatter", "mode": "lines", "x": x, "y": [as_float(c["incremental"]) for c in points],
                       "line": {"color": color, "width": 2.4}, "showlegend": False,
                       "text": [_amount(page, fit, c["incremental"]) for c in points],
                       "hovertemplate": page.f.hover_money("x") + " → %{text}<extra></extra>"})
        recent = as_float(row["recent_weekly"])
        if recent is not None:
            now = _on_curve(points, recent)
            traces.append({"type": "scatter", "mode": "markers", "x": [recent], "y": [now], "showlegend": False,
                           "marker": {"size": 11, "color": color, "line": {"color": "#0f172a", "width": 2}},
                           "hovertemplate": esc(page.t["mmm_now"].format(spend=page.f.money(recent),
                                                                         outcome=_amount(page, fit, now)))
                           + "<extra></extra>"})
        charts.append(page.chart(traces, {
            "title": {"text": esc(page.channel(row["channel"])), "x": 0.02, "font": {"size": 13}},
            "xaxis": {**page.f.money_axis(), "rangemode": "tozero", "title": {"text": page.t["mmm_weekly_spend"]}},
            "yaxis": {**(page.f.money_axis() if money else {}), "rangemode": "tozero"},
            "margin": {"l": 64, "r": 16, "t": 34, "b": 44}}, height=260))
    if not charts:
        return ""
    note = page.t["mmm_curves_note"].format(start=page.f.date(recent_start(fit)), end=page.f.date(fit["period_end"]),
                                            symbol=page.f.symbol)
    return page.panel(page.t["mmm_curves"].format(outcome=page.t[f"mmm_{fit['outcome']}"]),
                      f'<div class="grid2">{"".join(charts)}</div>', note)


def _on_curve(points: list[dict], spend: float) -> float:
    """The curve's mean at a weekly spend, linear between its points (its last point beyond them)."""
    xs = [float(p["weekly_spend"]) for p in points]
    ys = [float(p["incremental"]) for p in points]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if x0 <= spend <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (spend - x0) / (x1 - x0)
    return ys[-1] if spend > xs[-1] else ys[0]


def _faded(color: str, alpha: float = 0.2) -> str:
    """#rrggbb -> rgba(r, g, b, alpha)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


# ------------------------------------------------------------------ the plan -----------------------

def _plan(page: Page, fit: dict, rows: list[dict]) -> str:
    """The latest plan of the fit: per channel today and planned over its weeks, with the outcome expected at
    each; the expected gain with its interval; the 70/20/10 split today → plan against the target."""
    if not rows:
        return ""
    first, labels = rows[0], _outcome(page, fit)
    weeks = first["weeks"]
    kind = "money" if fit["outcome"] == "revenue" else "num1"
    table_rows = []
    for r in rows:
        today, planned = float(r["current_weekly"]) * weeks, float(r["planned_weekly"]) * weeks
        table_rows.append({**r, "bucket": page.word(r["bucket"]), "today": today, "planned": planned,
                           "change": planned / today - 1 if today else None})
    table = page.table([
        ("channel", page.t["channel"], "channel"), ("bucket", page.t["mmm_bucket"], "text"),
        ("today", page.t["mmm_today_weeks"].format(weeks=weeks), "money"),
        ("planned", page.t["mmm_plan_weeks"].format(weeks=weeks), "money"),
        ("change", page.t["mmm_change"], "pct"),
        ("outcome_current", page.t["mmm_expected_today"].format(**labels), kind),
        ("outcome_planned", page.t["mmm_expected_plan"].format(**labels), kind),
    ], table_rows)
    gain = page.t["mmm_gain"].format(gain=_amount(page, fit, first["gain"]), weeks=weeks,
                                     low=_amount(page, fit, first["gain_p05"]),
                                     high=_amount(page, fit, first["gain_p95"]))
    if float(first["gain_p05"]) <= 0:
        gain += page.t["mmm_gain_unsure"]
    shares = {r["bucket"]: r for r in rows}
    split = page.table([
        ("bucket", page.t["mmm_bucket"], "text"), ("bucket_current_share", page.t["mmm_today"], "pct"),
        ("bucket_planned_share", page.t["mmm_planned"], "pct"), ("bucket_target_share", page.t["target"], "pct"),
    ], [{**shares[b], "bucket": page.word(b)} for b in BUCKETS if b in shares], sortable=False)
    title = page.t["mmm_plan"].format(date=page.f.date(first["planned_at"].date()), weeks=weeks,
                                      budget=page.f.money(first["budget"]))
    return page.panel(title, table, gain) + page.panel(page.t["mmm_split"], split)
