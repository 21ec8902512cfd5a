"""Search: the keywords with the most spend and the search terms that spent without converting, in the months the
period touches; both left out when the warehouse has no such rows."""
from __future__ import annotations

from roi.outputs.report.page import Page, esc

MAX_WASTED_ROWS = 30   # the section says how many more, and the query that lists them


def keywords(page: Page) -> str:
    """Top keywords by spend in the period's months; nothing when the warehouse has no keyword rows."""
    rows = page.d["keywords"]
    if rows is None:
        return ""
    months = page.f.months(page.d["search_months"])
    if not rows:
        return page.section("keywords", "s_keywords", page.t["no_keywords"].format(months=months), "")
    lead = page.t["s_keywords_lead"].format(shown=len(rows), months=months, total=rows[0]["keywords_in_period"])
    table_rows = [{
        **r,
        "keyword": (f'<strong>{esc(r["keyword"])}</strong><div class="bar-label">{esc(page.channel(r["channel"]))}'
                    '</div>', r["keyword"]),
        "match_type": (esc(page.w.get(r["match_type"], "–")), r["match_type"]),
    } for r in rows]
    table = page.table([
        ("keyword", page.t["keyword"], "html"), ("match_type", page.t["match_type"], "html"),
        ("campaign_name", page.t["campaign"], "text"), ("ad_group_name", page.t["ad_group"], "text"),
        ("spend", page.t["ad_spend"], "money"), ("impressions", page.t["impressions"], "int"),
        ("clicks", page.t["clicks"], "int"), ("ctr", "CTR", "pct"), ("cpc", "CPC", "money"),
        ("conversions", page.t["conversions"], "num1"), ("cpa", "CPA", "money"), ("roas", "ROAS", "ratio"),
    ], table_rows)
    return page.section("keywords", "s_keywords", lead, f'<div class="panel">{table}</div>')


def wasted(page: Page) -> str:
    """Search terms that spent above [kpi] wasted_spend_min in a month without converting: the negative
    keyword candidates; nothing when the warehouse has no search-term rows."""
    rows = page.d["wasted"]
    if rows is None:
        return ""
    months, minimum = page.f.months(page.d["search_months"]), page.f.money(page.d["wasted_min"])
    lead = page.t["s_wasted_lead"].format(min=minimum, months=months)
    if not rows:
        return page.section("wasted", "s_wasted", lead, page.empty("no_wasted", min=minimum, months=months))
    shown = rows[:MAX_WASTED_ROWS]
    columns = [("search_term", page.t["search_term"], "text"), ("keywords", page.t["matched"], "text"),
               ("campaign_name", page.t["campaign"], "text"), ("ad_group_name", page.t["ad_group"], "text")]
    if len({r["month"] for r in rows}) > 1:
        columns.append(("month", page.t["month_column"], "html"))
    columns += [("clicks", page.t["clicks"], "int"), ("spend", page.t["ad_spend"], "money"),
                ("cpc", "CPC", "money")]
    table_rows = [{**r, "month": (esc(page.f.month(r["month"])), r["month"].isoformat())} for r in shown]
    total = page.t["wasted_total"].format(n=len(rows), spend=page.f.money(sum(float(r["spend"]) for r in rows)))
    more = ""
    if len(rows) > len(shown):
        more = f'<p class="note">{esc(page.t["more_wasted"].format(n=len(rows) - len(shown)))}</p>'
    body = f'<div class="panel"><p class="note">{esc(total)}</p>{page.table(columns, table_rows)}{more}</div>'
    return page.section("wasted", "s_wasted", lead, body)
