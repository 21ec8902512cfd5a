"""What `roi mmm` and `roi plan` print: each channel's incremental revenue and ROI with its interval, the plain
doubts, and a plan beside today's allocation with its 70/20/10 split. Numbers in the [report] lang's style."""
from __future__ import annotations

from roi.outputs.tables import Col, format_rows, note, number, print_table

DOUBTS = {   # (code) -> the sentence, with {channel} and {value}
    "short_history": "only {value:.0f} weeks of history: with less than two years, ROIs of steady channels "
                     "can be off by 2× — fit again as history grows",
    "wide_interval": "{channel}: the interval is wide (its top is {value:.1f}× its bottom): the data cannot "
                     "pin this channel down; vary its spend (a few weeks up, a few down) to learn more",
    "seasonal_spend": "{channel}: its spend moves with the season (correlation {value:.2f}), so part of the "
                      "season's sales may be credited to it or taken from it",
    "not_converged": "the sampler did not converge (R-hat {value:.2f} > 1.05): do not act on these numbers; "
                     "fit again, or with fewer channels",
    "divergences": "{value:.0f} divergent transitions: the intervals may be too narrow",
}


NO_EFFECT = ("{channel}: the interval reaches down to no effect: the data cannot tell whether this channel adds "
             "anything; vary its spend (a few weeks up, a few down) to learn more")


def doubt_lines(doubts) -> list[str]:
    return [(NO_EFFECT if code == "wide_interval" and value == float("inf") else DOUBTS[code]).format(
                channel=channel, value=value)
            for code, channel, value in doubts if code in DOUBTS]


def show_fit(result: dict, lang: str) -> None:
    """The fit's table, its diagnostics and what the model is not sure of."""
    money = result["outcome"] == "revenue"
    currency = result["currency"]
    columns = [Col("channel", least=16), Col("spend", "money"),
               Col(f"incremental {result['outcome']}", "money" if money else "decimal"),
               Col("5 %", "money" if money else "decimal", 2), Col("95 %", "money" if money else "decimal", 2),
               Col("ROI" if money else f"{result['outcome']} per {currency}", "ratio"),
               Col("ROI 5 %" if money else "5 %", "ratio", 1), Col("ROI 95 %" if money else "95 %", "ratio", 1),
               Col("share of outcome", "rate", 3)]
    # a --quick preview is a point estimate: no interval to show
    rows = [(c["channel"], c["spend"], c["incremental"], *((None, None) if result["quick"] else
             (c["incremental_p05"], c["incremental_p95"])), c["roi"],
             *((None, None) if result["quick"] else (c["roi_p05"], c["roi_p95"])), c["share_explained"])
            for c in result["channels"]]
    title = (f"Media-mix fit {result['fit_id']}: {result['period_start']} – {result['period_end']} "
             f"({result['weeks']} weeks), money in {currency}; ROI = incremental {result['outcome']} "
             f"per unit of media spend (1.0 pays the media back)")
    print_table(columns, format_rows(columns, rows, lang), title=title)
    quality = (f"{result['method']}; fit error {number(result['mape'], 'rate', lang)} (MAPE), "
               f"R² {number(result['r2'], 'ratio', lang)}")
    if result["r_hat_max"] is not None:
        quality += f", R-hat ≤ {result['r_hat_max']:.3f}, {result['divergences']} divergences"
    note(quality + (" — a preview without intervals: `roi mmm` without --quick for them" if result["quick"] else ""))
    for channel, why in result["left_out"].items():
        note(f"not modelled: {channel} — {why}")
    for line in doubt_lines(result["doubts"]):
        note(f"not sure: {line}")
    note(f"stored as fit {result['fit_id']} (marts.mmm_channel_roi, marts.mmm_response_curves); "
         "`roi plan --budget AMOUNT` allocates a budget with it")


def show_plan(result: dict, lang: str) -> None:
    """The plan beside today's allocation, the expected gain with its interval, and the 70/20/10 split."""
    weeks, currency = result["weeks"], result["fit"]["currency"]
    money = result["fit"]["outcome"] == "revenue"
    kind = "money" if money else "decimal"
    columns = [Col("channel", least=16), Col("bucket", "fixed"), Col(f"today, {weeks} wk", "money"),
               Col(f"plan, {weeks} wk", "money"), Col("change", "rate"), Col("limits", "fixed", 2),
               Col("expected today", kind, 1), Col("expected plan", kind, 1),
               Col(f"next {currency} adds, today", "ratio" if money else "decimal", 1)]
    rows = []
    for c in result["channels"]:
        today, planned = c["current_weekly"] * weeks, c["planned_weekly"] * weeks
        limits = f"{number(c['min_weekly'] * weeks, 'money', lang)}–{number(c['max_weekly'] * weeks, 'money', lang)}"
        rows.append((c["channel"], c["bucket"] or "–", today, planned, planned / today - 1 if today else None,
                     limits, c["outcome_current"], c["outcome_planned"], c["marginal_current"]))
    totals = ("total", "", sum(r[2] for r in rows), sum(r[3] for r in rows), None, "",
              sum(r[6] for r in rows), sum(r[7] for r in rows), None)
    print_table(columns, format_rows(columns, rows, lang), totals=format_rows(columns, [totals], lang)[0],
                title=f"Budget plan {result['plan_id']}: {number(result['budget'], 'money', lang)} {currency} over "
                      f"{weeks} weeks, fit {result['fit']['fit_id']} (today = the 4 weeks to {result['spend_until']})")
    gain = (f"expected gain vs today: {number(result['gain'], kind, lang)} "
            f"(5–95 %: {number(result['gain_p05'], kind, lang)} to {number(result['gain_p95'], kind, lang)})")
    note(gain + ("" if result["gain_p05"] > 0 else " — the interval includes no gain: the model is not sure "
                                                   "this plan beats today's"))
    shares = {}
    for c in result["channels"]:
        today, planned = shares.get(c["bucket"], (0.0, 0.0))
        shares[c["bucket"]] = (today + c["current_weekly"], planned + c["planned_weekly"])
    total_today = sum(t for t, _ in shares.values()) or 1
    total_plan = sum(p for _, p in shares.values()) or 1
    targets = {"proven": 0.7, "new": 0.2, "experiment": 0.1}
    split = [f"{bucket or 'no bucket'} {number(today / total_today, 'rate', lang)} → "
             f"{number(planned / total_plan, 'rate', lang)}"
             + (f" (rule {number(targets[bucket], 'rate', lang)})" if bucket in targets else "")
             for bucket, (today, planned) in shares.items()]
    note("70/20/10 split of the plan's media: " + "; ".join(split))
    for c in result["channels"]:
        if not c["current_weekly"] and not c["max_weekly"]:
            note(f"{c['channel']} spent nothing in the last 4 weeks, so the plan keeps it at 0 — its next "
                 f"{currency} is expected to add {number(c['marginal_current'], 'ratio', lang)}; "
                 f"`--max {c['channel']}=AMOUNT` lets the plan use it")
    for line in doubt_lines(result["fit"]["doubts"]):
        note(f"not sure: {line}")
