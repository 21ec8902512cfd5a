"""What the read-only commands print: load summaries, KPI tables, quarantine, sources, query results."""
from __future__ import annotations

import calendar
import datetime as dt

from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import Settings
from roi.outputs import tables
from roi.outputs.tables import Col, format_rows, money, note, number, plain, print_table, write_csv
from roi.warehouse import db

# ---------------------------------------------------------------- loads -----------------------------

# The load table's columns in the order shown; rank: the status and its notes (errors) stay longest, then
# the row counts (the summary line under the table repeats their totals), then the window.
LOAD_COLUMNS = [Col("source", "text", 0, least=16), Col("window", "text", 6), Col("rows in", "count", 3),
                Col("loaded", "count", 4), Col("combined", "count", 7), Col("quarantined", "count", 5),
                Col("status", "fixed", 1), Col("notes", "text", 2)]


def load_table(records: list[dict], lang: str = "en") -> None:
    """One row per load, then the summary line; the combined and notes columns only when a load has some."""
    rows = [{"source": " ".join(p for p in (r["source"], r.get("account")) if p),   # one account's load: both
             "window": _window(r["window_start"], r["window_end"]),
             "rows in": r["rows_in"], "loaded": r["rows_loaded"], "combined": r["rows_combined"],
             "quarantined": r["rows_quarantined"], "status": r["status"], "notes": _notes(r)} for r in records]
    columns = [c for c in LOAD_COLUMNS if c.name not in ("combined", "notes") or any(r[c.name] for r in rows)]
    print_table(columns, format_rows(columns, [tuple(r[c.name] for c in columns) for r in rows], lang),
                title="loads")
    tables.console.print(summary(records, lang))


def summary(records: list[dict], lang: str = "en") -> str:
    """One closing line: what was loaded, what was set aside, what failed."""
    total = {k: number(sum(r[k] or 0 for r in records), lang=lang)
             for k in ("rows_in", "rows_loaded", "rows_combined", "rows_quarantined")}
    failed = sum(r["status"] == "failed" for r in records)
    quarantined = any(r["rows_quarantined"] for r in records)
    combined = (f"{total['rows_combined']} combined (segments summed), "
                if any(r["rows_combined"] for r in records) else "")
    line = (f"{len(records)} load(s): {total['rows_in']} rows in, {total['rows_loaded']} loaded, "
            f"{combined}{total['rows_quarantined']} quarantined")
    if quarantined:
        line += " — see why with `roi quarantine`"
    if failed:
        line += f"; {failed} failed (errors below)"
    return line


def _window(a, b) -> str:
    return "whole file" if a is None else f"{a} … {b}"


def _notes(r: dict) -> str:
    combined = f"summed by {r['combined_by']}" if r.get("combined_by") else ""
    notes = [r.get("error") or "", r.get("totals_check") or "", combined]
    return " ".join(n for n in notes if n)


# ---------------------------------------------------------------- roi kpi ---------------------------

# Each KPI table's columns, left to right in the order they are kept on a narrow terminal.
KPI_COLUMNS = [Col("total cost", "money"), Col("revenue", "money"), Col("ROI %", "pct"), Col("ROAS", "ratio"),
               Col("spend", "money"), Col("leads", "count"), Col("customers", "count"), Col("CPL", "money"),
               Col("CAC", "money")]
CHANNEL = Col("channel", least=16)
CAMPAIGN_COLUMNS = [CHANNEL, Col("campaign", least=16), Col("spend", "money"), Col("revenue", "money"),
                    Col("ROI %", "pct"), Col("ROAS", "ratio"), Col("leads", "count"), Col("CPL", "money"),
                    Col("conversions", "decimal"), Col("CPA", "money"), Col("clicks", "count"), Col("CPC", "money"),
                    Col("CTR", "rate"), Col("impressions", "count")]

# One row per channel (or month and channel) of the period, then the totals row (is_total): sums, and
# ratios from the sums with the formulas every mart uses (int.kpi_ratios). The headline rule (as
# marts.period_kpis, `roi report`'s cards): the totals row's revenue and ROI % count only the channels
# with cost in the period (unless [kpi] headline_revenue = 'all'; free_revenue is the rest), its ROAS the
# conversion value of the channels that spent. A row's own ratios are unchanged by it: a channel without
# cost has no ROI, one without spend no ROAS. Rows where every part is 0 (a channel of the dense daily
# grid without a fact in the period) are left out; a NULL (no exchange rate) is kept.
def channel_sql(by: str) -> str:
    keys = "strftime(date, '%Y-%m') AS month, channel" if by == "month" else "NULL AS month, channel"
    return f"""
WITH settings AS (
    SELECT headline_revenue FROM stg.settings
),
parts AS (
    SELECT {keys}, int.strict_sum(spend) AS spend, int.strict_sum(total_cost) AS total_cost,
           int.strict_sum(revenue) AS revenue, int.strict_sum(conversion_value) AS conversion_value,
           sum(leads) AS leads, sum(customers) AS customers
    FROM marts.channel_daily WHERE date BETWEEN $lo AND $hi GROUP BY ALL
),
flagged AS (
    SELECT parts.*,
           bool_or(total_cost IS DISTINCT FROM 0) OVER (PARTITION BY channel) OR settings.headline_revenue = 'all'
               AS in_headline,
           bool_or(spend IS DISTINCT FROM 0) OVER (PARTITION BY channel) AS spent
    FROM parts CROSS JOIN settings
),
summed AS (
    SELECT grouping(month, channel) > 0 AS is_total, month, channel,
           int.strict_sum(spend) AS spend, int.strict_sum(total_cost) AS total_cost,
           int.strict_sum(revenue) AS revenue,
           int.strict_sum(CASE WHEN in_headline THEN revenue ELSE 0 END) AS headline_revenue,
           int.strict_sum(conversion_value) AS conversion_value,
           int.strict_sum(CASE WHEN spent THEN conversion_value ELSE 0 END) AS headline_value,
           sum(leads) AS leads, sum(customers) AS customers,
           string_agg(DISTINCT channel, ', ' ORDER BY channel) FILTER (WHERE NOT in_headline AND revenue <> 0)
               AS free_channels
    FROM flagged GROUP BY GROUPING SETS ((month, channel), ())
)
SELECT is_total, month, channel, total_cost, CASE WHEN is_total THEN headline_revenue ELSE revenue END,
       r.roi_pct, r.roas, spend, leads, customers, r.cpl, r.cac, revenue - headline_revenue AS free_revenue,
       free_channels
FROM (
    SELECT *, int.kpi_ratios(spend, NULL, NULL, NULL, headline_value, total_cost, leads, customers,
                             headline_revenue, NULL, NULL, NULL, NULL) AS r
    FROM summed
)
WHERE is_total OR NOT (coalesce(total_cost, 1) = 0 AND coalesce(revenue, 1) = 0
                       AND coalesce(conversion_value, 1) = 0 AND leads = 0 AND customers = 0)
ORDER BY is_total, month, total_cost DESC NULLS LAST, revenue DESC NULLS LAST, channel"""


# What the site saw by channel over the period, beside each platform's own conversions and the shop's sales by
# their own UTM (int.web_channel_period: only channels with sessions or search results in the period).
WEB_COLUMNS = [CHANNEL, Col("sessions", "count"), Col("conv. rate", "rate"), Col("revenue/session", "money", 3),
               Col("cost/session", "money", 2), Col("platform conv.", "decimal", 1), Col("key events", "decimal", 1),
               Col("orders (UTM)", "count", 1), Col("claimed ÷ site", "ratio"), Col("search clicks", "count", 4),
               Col("avg position", "decimal", 4)]
# Whether GA4 or Search Console rows are loaded at all: without them the site's views are not even bound
# (binding them costs `roi kpi` a quarter of a second). A warehouse an older roi built has neither table nor
# macro until its next load.
HAS_WEB_SQL = """
SELECT (SELECT count(*) FROM duckdb_tables()
        WHERE schema_name = 'core' AND table_name IN ('web_sessions', 'organic_search')) = 2
   AND (SELECT count(*) FROM duckdb_functions()
        WHERE schema_name = 'int' AND function_name = 'web_channel_period') > 0"""
HAS_WEB_ROWS_SQL = "SELECT EXISTS (FROM core.web_sessions) OR EXISTS (FROM core.organic_search)"
WEB_SQL = """
SELECT channel, sessions, conversion_rate, revenue_per_session, cost_per_session, platform_conversions, key_events,
       orders, claimed_vs_site, search_clicks, search_position
FROM int.web_channel_period($lo, $hi)
ORDER BY sessions DESC, channel"""


def _web(rows: list[tuple], lo: dt.date, hi: dt.date, lang: str, currency: str) -> None:
    """The site table under `roi kpi --by channel` (WEB_SQL's rows), when GA4 or Search Console is loaded."""
    print_table(WEB_COLUMNS, format_rows(WEB_COLUMNS, rows, lang), wider=WIDER,
                title=f"What the site saw{_span(lo, hi)}, money in {currency} (GA4 sessions and key events, "
                      "Search Console; platform conversions as each platform claims them)")
    note("claimed ÷ site: the platform's conversions over the key events of its sessions — above 1 it claims "
         "more than the site saw; `roi query \"SELECT * FROM marts.conversion_gap\"` has it by month, with values")


# Orders (or a CRM's deals) loaded, or an email platform that reports revenue: else revenue and ROI %
# are "–", never 0 and -100 % (the flag marts.period_kpis reads too).
REVENUE_SOURCE_SQL = "SELECT has_revenue_source FROM int.revenue_source"


def _key(expr: str) -> str:
    """A name as UTMs write it, to compare: URL-decoded, lowercase, without accents, every run of
    other characters one '_' ("Clienti – Promo (07/08/26)" and "clienti_promo_07_08_26" match)."""
    return (f"trim(regexp_replace(lower(strip_accents(coalesce(try(url_decode({expr})), {expr}))), "
            f"'[^a-z0-9]+', '_', 'g'), '_')")


# Campaigns of the period: ad campaigns (marts.campaign_daily) and email campaigns by send day
# (marts.email_campaign_kpis: unique clicks as clicks, the platform's orders and revenue as
# conversions and conversion value), one row per channel and campaign name. Leads and revenue by
# UTM: the period's leads (created) and orders (ordered) whose own channel is the campaign's and
# whose utm_campaign names it: its name, else its id, else (ids of 8+ characters) its id as the first
# or last part (Mailchimp's "<id>-EMAIL_CAMPAIGN_…", Klaviyo's "<name> (<id>)"), compared as _key().
# A utm_campaign is credited to one campaign at most. ROI % is on the campaign's spend (media only).
CAMPAIGN_CTES = f"""
WITH settings AS (
    SELECT headline_revenue FROM stg.settings
),
sent AS (
    SELECT channel, campaign_name, campaign_id, spend, impressions, clicks, conversions, conversion_value
    FROM marts.campaign_daily WHERE date BETWEEN $lo AND $hi
    UNION ALL
    SELECT channel, campaign_name, campaign_id, 0, NULL, unique_clicks, orders, revenue
    FROM marts.email_campaign_kpis WHERE send_date BETWEEN $lo AND $hi
),
keyed AS (
    SELECT *, {_key("campaign_name")} AS campaign_key, {_key("campaign_id")} AS id_key FROM sent
),
campaigns AS (
    SELECT channel, campaign_key, min(campaign_name) AS campaign, int.strict_sum(spend) AS spend,
           sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions,
           int.strict_sum(conversion_value) AS conversion_value
    FROM keyed GROUP BY channel, campaign_key
),
utm AS (
    SELECT channel, {_key("utm_campaign")} AS utm_key, min(utm_campaign) AS utm_campaign, count(*) AS leads,
           0 AS revenue
    FROM stg.leads WHERE created_date BETWEEN $lo AND $hi AND trim(utm_campaign) <> '' GROUP BY ALL
    UNION ALL
    SELECT order_channel, {_key("utm_campaign")}, min(utm_campaign), 0, int.strict_sum(amount)
    FROM int.orders_attributed WHERE order_date BETWEEN $lo AND $hi AND trim(utm_campaign) <> '' GROUP BY ALL
),
candidates AS (
    SELECT utm.channel, utm.utm_key, ids.campaign_key,
           CASE WHEN utm.utm_key = ids.campaign_key THEN 1 WHEN utm.utm_key = ids.id_key THEN 2 ELSE 3 END AS rule
    FROM (SELECT DISTINCT channel, utm_key FROM utm) AS utm
    JOIN (SELECT DISTINCT channel, campaign_key, id_key FROM keyed) AS ids
      ON ids.channel = utm.channel AND (utm.utm_key IN (ids.campaign_key, ids.id_key)
         OR (length(ids.id_key) >= 8 AND (starts_with(utm.utm_key, ids.id_key || '_')
                                          OR suffix(utm.utm_key, '_' || ids.id_key))))
),
matched AS (
    SELECT channel, utm_key, campaign_key FROM candidates
    QUALIFY row_number() OVER (PARTITION BY channel, utm_key ORDER BY rule, campaign_key) = 1
),
attributed AS (
    SELECT channel, campaign_key, sum(leads) AS leads, int.strict_sum(revenue) AS revenue
    FROM utm JOIN matched USING (channel, utm_key) GROUP BY ALL
),
joined AS (
    SELECT campaigns.*, coalesce(attributed.leads, 0) AS leads, coalesce(attributed.revenue, 0) AS revenue,
           campaigns.spend IS DISTINCT FROM 0 OR settings.headline_revenue = 'all' AS in_headline
    FROM campaigns
    LEFT JOIN attributed USING (channel, campaign_key)
    CROSS JOIN settings
)"""
# One row per campaign, then the totals row (is_total): sums, and ratios from the sums; its revenue,
# ROI % and ROAS count only the campaigns that spent (unless headline_revenue = 'all'), as `roi kpi`'s
# channel total counts only the channels with cost.
CAMPAIGN_SQL = CAMPAIGN_CTES + """
SELECT is_total, channel, campaign, spend, CASE WHEN is_total THEN headline_revenue ELSE revenue END,
       r.roi_pct, r.roas, leads, r.cpl, conversions, r.cpa, clicks, r.cpc, r.ctr, impressions,
       revenue - headline_revenue AS free_revenue, free_channels
FROM (
    SELECT *, int.kpi_ratios(spend, impressions, clicks, conversions, headline_value, spend, leads, NULL,
                             headline_revenue, NULL, NULL, NULL, NULL) AS r
    FROM (
        SELECT grouping(channel, campaign_key) > 0 AS is_total, channel, any_value(campaign) AS campaign,
               int.strict_sum(spend) AS spend, int.strict_sum(revenue) AS revenue,
               int.strict_sum(CASE WHEN in_headline THEN revenue ELSE 0 END) AS headline_revenue,
               int.strict_sum(CASE WHEN spend IS DISTINCT FROM 0 THEN conversion_value ELSE 0 END) AS headline_value,
               sum(leads) AS leads, sum(conversions) AS conversions, sum(clicks) AS clicks,
               sum(impressions) AS impressions,
               string_agg(DISTINCT channel, ', ' ORDER BY channel) FILTER (WHERE NOT in_headline AND revenue <> 0)
                   AS free_channels
        FROM joined GROUP BY GROUPING SETS ((channel, campaign_key), ())
    )
)
ORDER BY is_total, spend DESC NULLS LAST, revenue DESC NULLS LAST, channel, campaign"""
# The period's leads and orders whose utm_campaign names none of their channel's campaigns.
UNMATCHED_SQL = CAMPAIGN_CTES + """
SELECT sum(leads)::BIGINT, int.strict_sum(revenue),
       string_agg(utm_campaign, ', ' ORDER BY revenue DESC, leads DESC, utm_campaign) FILTER (WHERE n <= 3)
FROM (
    SELECT utm_campaign, leads, revenue, row_number() OVER (ORDER BY revenue DESC, leads DESC, utm_campaign) AS n
    FROM (SELECT min(utm_campaign) AS utm_campaign, sum(leads) AS leads, int.strict_sum(revenue) AS revenue
          FROM utm ANTI JOIN matched USING (channel, utm_key)
          WHERE channel IN (SELECT channel FROM campaigns) GROUP BY channel, utm_key)
)"""

FIRST = dt.date(1900, 1, 1)
LAST = dt.date(9999, 12, 31)
WIDER = "widen the terminal or use --csv"
# How each table's title names the revenue it counts ([kpi] revenue).
REVENUE_BASIS = {"net": "net revenue (no VAT, shipping, refunds)", "gross": "gross revenue (VAT and shipping in)"}


def kpi(settings: Settings, by: str, date_from: dt.date | None, date_to: dt.date | None,
        as_csv: bool = False) -> None:
    lo, hi = date_from or FIRST, date_to or LAST
    if hi < lo:
        raise ConfigError(f"--to {hi} is before --from {lo}")
    with db.connect_read_only(settings.warehouse) as con:
        has_revenue = con.execute(REVENUE_SOURCE_SQL).fetchone()[0]
        if by == "campaign":
            return _campaigns(con, settings, lo, hi, has_revenue, as_csv)
        *found, total = con.execute(channel_sql(by), {"lo": lo, "hi": hi}).fetchall()   # the totals row last
        if not found:
            return note(_no_data(con, lo, hi))
        headline, attribution, basis = con.execute(
            "SELECT headline_revenue, attribution, revenue_basis FROM stg.settings").fetchone()
        web = (con.execute(WEB_SQL, {"lo": lo, "hi": hi}).fetchall()
               if by == "channel" and not as_csv and con.execute(HAS_WEB_SQL).fetchone()[0]
               and con.execute(HAS_WEB_ROWS_SQL).fetchone()[0] else [])
    columns = ([Col("month", "fixed")] if by == "month" else []) + [CHANNEL, *KPI_COLUMNS]
    first = 1 if by == "month" else 2   # the month column, or the channel
    rows = [row[first:12] for row in found]
    totals = (*(("total", "") if by == "month" else ("total",)), *total[3:12])
    if not has_revenue:
        rows = [_without(columns, row, ("revenue", "ROI %")) for row in rows]
        totals = _without(columns, totals, ("revenue", "ROI %"))
    if as_csv:
        return write_csv([c.name for c in columns], rows)
    lang, currency = settings.report_lang, settings.reporting_currency
    print_table(columns, format_rows(columns, rows, lang), totals=format_rows(columns, [totals], lang)[0],
                title=f"KPIs by {by}{_span(lo, hi)}, money in {currency}, {REVENUE_BASIS[basis]} (ROI % on total "
                      "cost = media spend + staff, tools, agency …)", wider=WIDER)
    _revenue_notes(has_revenue, headline, total[12], total[13], "channels without cost", lang, currency)
    names = [c.name for c in columns]
    leads, customers = names.index("leads"), names.index("customers")
    if attribution == "last_touch" and any((r[customers] or 0) > (r[leads] or 0) for r in rows):
        note("leads count by the lead's own channel, customers by the channel of their first order: "
             "a channel can have more customers than leads")
    if web:
        _web(web, lo, hi, lang, currency)


def _campaigns(con, settings: Settings, lo: dt.date, hi: dt.date, has_revenue: bool, as_csv: bool) -> None:
    """The campaign table: CAMPAIGN_SQL's rows, its totals row last."""
    *found, total = con.execute(CAMPAIGN_SQL, {"lo": lo, "hi": hi}).fetchall()   # the totals row last
    if not found:
        days = con.execute("SELECT count(*) FROM marts.channel_daily WHERE date BETWEEN ? AND ?",
                           [lo, hi]).fetchone()[0]
        return note(_no_data(con, lo, hi) if days == 0 else
                    "no ad or email campaigns in that period — `roi kpi` shows every channel")
    leads, revenue, examples = con.execute(UNMATCHED_SQL, {"lo": lo, "hi": hi}).fetchone()
    headline, basis = con.execute("SELECT headline_revenue, revenue_basis FROM stg.settings").fetchone()
    rows = [row[1:15] for row in found]
    totals = ("total", "", *total[3:15])
    if not has_revenue:
        rows = [_without(CAMPAIGN_COLUMNS, row, ("revenue", "ROI %")) for row in rows]
        totals = _without(CAMPAIGN_COLUMNS, totals, ("revenue", "ROI %"))
    if as_csv:
        return write_csv([c.name for c in CAMPAIGN_COLUMNS], rows)
    lang, currency = settings.report_lang, settings.reporting_currency
    print_table(CAMPAIGN_COLUMNS, format_rows(CAMPAIGN_COLUMNS, rows, lang),
                totals=format_rows(CAMPAIGN_COLUMNS, [totals], lang)[0], wider=WIDER,
                title=f"KPIs by campaign{_span(lo, hi)}, money in {currency}, {REVENUE_BASIS[basis]} (ROI % on "
                      "media spend; leads and revenue by the utm_campaign of leads and orders)")
    _revenue_notes(has_revenue, headline, total[15], total[16], "campaigns without spend", lang, currency)
    if has_revenue and (leads or revenue):
        note(f"not credited to a campaign: {number(leads, 'count', lang)} leads and {money(revenue, lang, currency)} "
             f"of orders whose utm_campaign names none of their channel's campaigns (e.g. {examples})")


def _without(columns: list[Col], row: tuple, names: tuple[str, ...]) -> tuple:
    """The row with the cells of `names` empty ("–")."""
    return tuple(None if c.name in names else v for c, v in zip(columns, row))


def _revenue_notes(has_revenue: bool, headline: str, free, free_channels: str | None, without: str, lang: str,
                   currency: str) -> None:
    """The line under a KPI table about its revenue: none loaded, or what the total ROI leaves out."""
    if not has_revenue:
        note("no revenue source loaded: revenue and ROI % need orders (kind orders, or a CRM's deals) or an "
             "email platform's revenue — load them with `roi ingest FILE --kind orders`")
    elif headline == "cost_channels" and free:
        note(f"revenue of {without} ({free_channels}): {money(free, lang, currency)} — not in the total ROI "
             "([kpi] headline_revenue = \"all\" counts it)")


def _span(lo: dt.date, hi: dt.date) -> str:
    """The period, in the title, when --from or --to narrows it."""
    if lo == FIRST and hi == LAST:
        return ""
    return f", {lo if lo != FIRST else '…'} … {hi if hi != LAST else '…'}"


def _no_data(con, lo: dt.date, hi: dt.date) -> str:
    """Why a KPI table is empty: no data at all, or the period is before or after the days loaded
    (marts.channel_daily is dense from the first to the last day with any fact: no gaps inside)."""
    first, last = con.execute("SELECT min(date), max(date) FROM marts.channel_daily").fetchone()
    if last is None:
        return "no data yet — load some with `roi run` or `roi ingest`"
    if lo > last:
        return f"no data after {last} (the last day loaded) — try --from {last.replace(day=1)} --to {last}"
    month_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return f"no data before {first} (the first day loaded) — try --from {first} --to {min(month_end, last)}"


# ---------------------------------------------------------------- roi quarantine, roi sources -------

QUARANTINE_COLUMNS = [Col("source", least=16), Col("file"), Col("row", "count"), Col("reasons"), Col("raw_row")]


def quarantine(settings: Settings, source: str | None, limit: int) -> None:
    with db.connect_read_only(settings.warehouse) as con:
        rows = con.execute(
            """SELECT source, regexp_replace(coalesce(file, ''), '^.*/', '') AS file, row_number AS "row",
                      reasons, left(raw_row::VARCHAR, 120) AS raw_row
               FROM ops.quarantine WHERE ? IS NULL OR source = ?
               ORDER BY source, file, row_number LIMIT ?""", [source, source, limit]).fetchall()
        total = con.execute("SELECT count(*) FROM ops.quarantine WHERE ? IS NULL OR source = ?",
                            [source, source]).fetchone()[0]
        known = [s for (s,) in con.execute("SELECT DISTINCT source FROM ops.loads ORDER BY source").fetchall()]
    if source is not None and source not in known:
        raise ConfigError(f"unknown source '{source}' (sources in the warehouse: {', '.join(known) or 'none'})")
    if not rows:
        note("no quarantined rows" + (f" for {source}" if source else ""))
        return
    print_table(QUARANTINE_COLUMNS, format_rows(QUARANTINE_COLUMNS, rows, settings.report_lang),
                title=f"quarantined rows ({number(total, 'count', settings.report_lang)} in all)")


# rank: a source's rows and the days they cover stay longest, its tables go first.
SOURCES_COLUMNS = [Col("source", "text", 0, least=16), Col("kind", "text", 4, least=16), Col("tables", "text", 7),
                   Col("rows", "count", 1), Col("quarantined", "count", 5), Col("first day", "fixed", 2),
                   Col("last day", "fixed", 3), Col("last loaded", "fixed", 6)]


def sources(settings: Settings) -> None:
    """`roi sources`: each source in the warehouse, its kind, tables, rows, the days they cover, its last load."""
    from roi.warehouse.source_rows import core_tables, per_table
    with db.connect_read_only(settings.warehouse) as con:
        rows = con.execute(f"""
            WITH t AS ({per_table(core_tables(con))}),
            s AS (SELECT source, string_agg(table_name, ', ' ORDER BY table_name) AS tables,
                         sum(n_rows)::BIGINT AS n_rows, min(first) AS first, max(last) AS last
                  FROM t GROUP BY source),
            q AS (SELECT source, count(*) AS quarantined FROM ops.quarantine GROUP BY source),
            l AS (SELECT source, arg_max(kind, started_at) AS kind,
                         max(finished_at) FILTER (WHERE status = 'succeeded') AS loaded
                  FROM ops.loads GROUP BY source)
            SELECT source, l.kind AS kind, coalesce(s.tables, '–') AS tables, coalesce(s.n_rows, 0) AS "rows",
                   coalesce(q.quarantined, 0) AS quarantined, s.first AS "first day", s.last AS "last day",
                   strftime(timezone($tz, l.loaded), '%Y-%m-%d %H:%M') AS "last loaded"
            FROM s FULL JOIN q USING (source) LEFT JOIN l USING (source) ORDER BY source""",
            {"tz": settings.timezone}).fetchall()
    if not rows:
        note("no sources in the warehouse yet — load some with `roi run` or `roi ingest`")
        return
    print_table(SOURCES_COLUMNS, format_rows(SOURCES_COLUMNS, rows, settings.report_lang),
                title=f"sources in the warehouse (last loaded: {settings.timezone} time)")
    note("remove one source's rows with `roi forget SOURCE`")


# ---------------------------------------------------------------- roi query -------------------------

def query(settings: Settings, sql: str, as_csv: bool, raw: bool = False) -> None:
    """Read-only SQL: rows in the order DuckDB returns them; DuckDB's error text whole, every line."""
    import duckdb
    with db.connect_read_only(settings.warehouse, sandbox=True) as con:
        try:
            relation = con.sql(sql)
            if relation is None:
                raise RoiError("roi query answers a SELECT (or SHOW/DESCRIBE); it returned no rows to show")
            names, types, rows = relation.columns, relation.types, relation.fetchall()
        except duckdb.Error as exc:
            # its hints ("Did you mean …", "Candidate bindings …", LINE 1: and its ^) are lines of their own
            lines = [line.rstrip() for line in str(exc).splitlines() if line.strip()]
            raise RoiError("query failed: " + "\n".join(lines)) from None
    if as_csv:
        write_csv(names, rows, raw)
        return
    columns = [Col(name, "number" if t.id in NUMERIC else "text") for name, t in zip(names, types)]
    cells = ([[("–" if v is None else plain(v, raw=True)) for v in row] for row in rows] if raw
             else format_rows(columns, rows, settings.report_lang))
    print_table(columns, cells, wider=WIDER)


# DuckDB types shown right-aligned (the numeric ones).
NUMERIC = {"tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger", "ubigint",
           "uhugeint", "float", "double", "decimal"}


def _fetch(cursor) -> tuple[list[tuple[str, bool]], list[tuple]]:
    """A query's (column name, is numeric) pairs and rows, as plain Python values (no Arrow, no polars)."""
    columns = [(d[0], d[1].id in NUMERIC) for d in cursor.description]
    return columns, cursor.fetchall()


def _print(columns: list[tuple[str, bool]], rows: list[tuple], title: str | None = None, lang: str = "en") -> None:
    """A table of (name, is numeric) columns (as _fetch gives them) that fits the terminal: numbers and
    dates never cut, text wrapped, and the columns on the right left out (and named) when they do not fit."""
    def kind(i: int, numeric: bool) -> str:
        if numeric:
            return "number"
        return "fixed" if all(isinstance(row[i], (dt.date, type(None))) for row in rows) else "text"
    typed = [Col(name, kind(i, numeric)) for i, (name, numeric) in enumerate(columns)]
    print_table(typed, format_rows(typed, rows, lang), title=title)


def forgotten(settings: Settings, result) -> None:
    """What `roi forget` removed (a roi.warehouse.source_rows.Forgotten)."""
    days = f", its days {result.first} … {result.last}" if result.first is not None else ""
    tables.console.print(f"forgot source {result.source} (kind {result.kind}{days}):")
    for table, n in result.rows.items():
        tables.console.print(f"  {n:,} row{'s' * (n != 1)} of core.{table}")
    if result.quarantined:
        tables.console.print(f"  {result.quarantined:,} quarantined row{'s' * (result.quarantined != 1)}")
    line = f"recorded in ops.loads (`roi status` shows it, load {result.load_id})"
    archive = settings.raw_dir / result.source
    if archive.is_dir():
        line += f"; its archived exports in {archive} are kept"
    tables.console.print(line)
    if any(s.name == result.source for s in settings.sources):
        tables.console.print(f"note: {result.source} is still a [[sources]] entry of {settings.config_label}: the next "
                      "`roi run` loads its window again (remove the entry to keep it forgotten)", markup=False)
