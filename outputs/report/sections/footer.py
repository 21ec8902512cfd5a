"""The footer, "how roi counts": what revenue, ROI, CAC and LTV:CAC count, the currency, and what the period is
compared with."""
from __future__ import annotations

from roi.outputs.report.page import Page, esc


def footer(page: Page) -> str:
    prev = page.period.previous
    attribution = page.t.get(page.d["attribution"], page.d["attribution"])
    comparison = (page.t["f_prev"].format(days=page.period.days, prev=page.f.span(prev.start, prev.end))
                  + _new_sources(page) if page.comparable else page.no_comparison() + ".")
    items = [
        (page.t["revenue_word"], page.t["f_rev_" + page.d["revenue_basis"]] + " "
         + page.t["f_attr"].format(attribution=attribution)),
        (page.t["headline_word"], page.t["f_headline"]),
        (page.t["close_word"], page.t["f_close"]),
        ("CAC", page.t["f_cac"].format(days=page.d["cac_trailing_days"])),
        (page.t["money_word"], page.t["f_money"].format(currency=page.d["currency"])),
        (page.t["comparison"], comparison),
        (page.t["ltv_word"], page.t["f_ltv"]),
        (page.t["missing"], page.t["f_empty"]),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f"<strong>{esc(page.t['f_title'])}</strong><dl>{rows}</dl>"


def _new_sources(page: Page) -> str:
    """Sources launched inside the period, named beside the comparison ('' when none)."""
    new = page.d["comparison"].new
    if not new or not page.comparable:
        return ""
    return page.t["new_sources"].format(sources=", ".join(f"{s} ({page.t['from']} {page.f.date(first)})"
                                                          for s, first in new))
