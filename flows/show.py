"""What the read-only commands print: load summaries, status, KPI tables, quarantine, query results."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import sys

from rich.console import Console
from rich.table import Table

from flows.errors import ConfigError, RoiError
from flows.settings import Settings
from warehouse import db

# On a terminal, its width; in pipes and logs, wide enough that tables are not cut.
console = Console(width=None if sys.stdout.isatty() else 240)


def load_table(records: list[dict]) -> None:
    table = Table(title="loads", title_justify="left")
    for col in ("source", "window", "rows in", "loaded", "combined", "quarantined", "status", "notes"):
        table.add_column(col, justify="right" if col in ("rows in", "loaded", "combined", "quarantined") else "left")
    for r in records:
        table.add_row(r["source"], _window(r["window_start"], r["window_end"]), _int(r["rows_in"]),
                      _int(r["rows_loaded"]), _int(r["rows_combined"]), _int(r["rows_quarantined"]),
                      r["status"], _notes(r))
    console.print(table)
    console.print(summary(records))


def summary(records: list[dict]) -> str:
    """One closing line: what was loaded, what was set aside, what failed."""
    total = {k: sum(r[k] or 0 for r in records) for k in ("rows_in", "rows_loaded", "rows_combined",
                                                         "rows_quarantined")}
    failed = sum(r["status"] == "failed" for r in records)
    combined = f"{total['rows_combined']:,} combined (segments summed), " if total["rows_combined"] else ""
    line = (f"{len(records)} load(s): {total['rows_in']:,} rows in, {total['rows_loaded']:,} loaded, "
            f"{combined}{total['rows_quarantined']:,} quarantined")
    if total["rows_quarantined"]:
        line += " — see why with `roi quarantine`"
    if failed:
        line += f"; {failed} failed (errors below)"
    return line


def status(settings: Settings) -> None:
    with db.connect_read_only(settings.warehouse_path) as con:
        columns, rows = _fetch(con.execute("""
            SELECT source, window_start, window_end, rows_in, rows_loaded, rows_quarantined,
                   coalesce(rows_combined, 0) AS rows_combined, combined_by, status, error, totals_check FROM (
              SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC) AS rn FROM ops.loads)
            WHERE rn = 1 ORDER BY source"""))
        missing = con.execute("SELECT * FROM marts.fx_missing").fetchall()
    load_table([dict(zip((name for name, _ in columns), row)) for row in rows])
    for source, table, currency, first, last, n in missing:
        console.print(f"missing exchange rate: {n} {table} rows of {source} in {currency} between {first} and "
                      f"{last} have no rate on or before their day — load ECB rates (kind fx_rates)")


# The summed parts of each KPI table, then its ratios from the formulas every mart uses (int.kpi_ratios).
KPI_SQL = {
    "channel": ("SELECT channel, {measures} FROM (SELECT channel, {parts} FROM marts.channel_daily "
                "WHERE date BETWEEN ? AND ? GROUP BY channel) ORDER BY total_cost DESC NULLS LAST, channel"),
    "month": ("SELECT month, channel, {measures} FROM (SELECT strftime(month, '%Y-%m') AS month, channel, {parts} "
              "FROM marts.channel_monthly WHERE month BETWEEN date_trunc('month', ?::DATE) AND ? GROUP BY ALL) "
              "ORDER BY 1, 2"),
    "campaign": ("SELECT channel, campaign, {campaign} FROM (SELECT channel, campaign_name AS campaign, {parts_campaign} "
                 "FROM marts.campaign_daily WHERE date BETWEEN ? AND ? GROUP BY ALL) ORDER BY spend DESC NULLS LAST"),
}
PARTS = """int.strict_sum(spend) AS spend, int.strict_sum(total_cost) AS total_cost, int.strict_sum(revenue) AS revenue,
  int.kpi_ratios(int.strict_sum(spend), NULL, NULL, NULL, int.strict_sum(conversion_value), int.strict_sum(total_cost),
                 sum(leads), sum(customers), int.strict_sum(revenue), NULL, NULL, NULL, NULL) AS r,
  sum(leads) AS leads, sum(customers) AS customers"""
MEASURES = """spend, total_cost AS "total cost", revenue, r.roas AS "ROAS", r.cpl AS "CPL", r.cac AS "CAC",
  r.roi_pct AS "ROI %", leads, customers"""
PARTS_CAMPAIGN = """int.strict_sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks,
  sum(conversions) AS conversions,
  int.kpi_ratios(int.strict_sum(spend), sum(impressions), sum(clicks), sum(conversions),
                 int.strict_sum(conversion_value), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) AS r"""
CAMPAIGN = """spend, impressions, clicks, r.ctr AS "CTR", r.cpc AS "CPC", conversions, r.cpa AS "CPA",
  r.roas AS "ROAS"
"""
# How the KPI table shows each column (money and counts otherwise by type).
FORMATS = {"ROAS": "{:,.2f}", "ROI %": "{:,.1f} %", "CTR": "{:.2%}", "leads": "{:,.0f}", "customers": "{:,.0f}",
           "impressions": "{:,.0f}", "clicks": "{:,.0f}", "conversions": "{:,.1f}"}


def kpi(settings: Settings, by: str, date_from: dt.date | None, date_to: dt.date | None) -> None:
    lo, hi = date_from or dt.date(1900, 1, 1), date_to or dt.date(9999, 12, 31)
    if hi < lo:
        raise ConfigError(f"--to {hi} is before --from {lo}")
    sql = KPI_SQL[by].format(parts=PARTS, measures=MEASURES, parts_campaign=PARTS_CAMPAIGN, campaign=CAMPAIGN)
    with db.connect_read_only(settings.warehouse_path) as con:
        columns, rows = _fetch(con.execute(sql, [lo, hi]))
    if not rows:
        console.print("no data in that period yet — load some with `roi run` or `roi ingest`")
        return
    _print(columns, rows, title=f"KPIs by {by}, money in {settings.reporting_currency} (ROI % on total cost = "
                                "media spend + staff, tools, agency …)", formats=FORMATS)


def quarantine(settings: Settings, source: str | None, limit: int) -> None:
    with db.connect_read_only(settings.warehouse_path) as con:
        columns, rows = _fetch(con.execute(
            """SELECT source, regexp_replace(coalesce(file, ''), '^.*/', '') AS file, row_number AS "row",
                      reasons, left(raw_row::VARCHAR, 120) AS raw_row
               FROM ops.quarantine WHERE ? IS NULL OR source = ?
               ORDER BY source, file, row_number LIMIT ?""", [source, source, limit]))
        total = con.execute("SELECT count(*) FROM ops.quarantine WHERE ? IS NULL OR source = ?",
                            [source, source]).fetchone()[0]
    if not rows:
        console.print("no quarantined rows" + (f" for {source}" if source else ""))
        return
    _print(columns, rows, title=f"quarantined rows ({total:,} in all)")


def query(settings: Settings, sql: str, as_csv: bool) -> None:
    import duckdb
    with db.connect_read_only(settings.warehouse_path, sandbox=True) as con:
        try:
            relation = con.sql(sql)
        except duckdb.Error as exc:
            raise RoiError(f"query failed: {str(exc).splitlines()[0]}") from None
        if relation is None:
            raise RoiError("roi query answers a SELECT (or SHOW/DESCRIBE); it returned no rows to show")
        frame = relation.pl()  # polars: its CSV writer and its Python values for any type a query returns
    if as_csv:
        print(frame.write_csv(), end="")
    else:
        _print([(name, dtype.is_numeric()) for name, dtype in frame.schema.items()], frame.rows())


# DuckDB types shown right-aligned (the numeric ones).
NUMERIC = {"tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger", "ubigint",
           "uhugeint", "float", "double", "decimal"}


def _fetch(cursor) -> tuple[list[tuple[str, bool]], list[tuple]]:
    """A query's (column name, is numeric) pairs and rows, as plain Python values (no Arrow, no polars)."""
    columns = [(d[0], d[1].id in NUMERIC) for d in cursor.description]
    return columns, cursor.fetchall()


def _print(columns: list[tuple[str, bool]], rows: list[tuple], title: str | None = None,
           formats: dict[str, str] | None = None) -> None:
    """A table; with `formats` (the KPI table) money shows 2 decimals, else values show in full."""
    table = Table(title=title, title_justify="left")
    for name, numeric in columns:
        table.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*[_cell(v, None if formats is None else formats.get(name, "{:,.2f}"))
                        for (name, _), v in zip(columns, row)])
    console.print(table)


def _cell(value, number_format: str | None = None) -> str:
    if value is None:
        return "–"
    if number_format and isinstance(value, (int, float, decimal.Decimal)):
        return number_format.format(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _int(v) -> str:
    return "–" if v is None else f"{v:,}"


def _window(a, b) -> str:
    return "whole file" if a is None else f"{a} … {b}"


def _notes(r: dict) -> str:
    combined = f"summed by {r['combined_by']}" if r.get("combined_by") else ""
    notes = [r.get("error") or "", r.get("totals_check") or "", combined]
    return " ".join(n for n in notes if n)[:120]


def sources(settings: Settings) -> None:
    """`roi sources`: each source in the warehouse, its kind, tables, rows, the days they cover, its last load."""
    from warehouse.source_rows import core_tables, per_table
    with db.connect_read_only(settings.warehouse_path) as con:
        columns, rows = _fetch(con.execute(f"""
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
            {"tz": settings.timezone}))
    if not rows:
        console.print("no sources in the warehouse yet — load some with `roi run` or `roi ingest`")
        return
    _print(columns, rows, title=f"sources in the warehouse (last loaded: {settings.timezone} time)")
    console.print("remove one source's rows with `roi forget SOURCE`")


def forgotten(settings: Settings, result) -> None:
    """What `roi forget` removed (a warehouse.source_rows.Forgotten)."""
    days = f", its days {result.first} … {result.last}" if result.first is not None else ""
    console.print(f"forgot source {result.source} (kind {result.kind}{days}):")
    for table, n in result.rows.items():
        console.print(f"  {n:,} row{'s' * (n != 1)} of core.{table}")
    if result.quarantined:
        console.print(f"  {result.quarantined:,} quarantined row{'s' * (result.quarantined != 1)}")
    line = f"recorded in ops.loads (`roi status` shows it, load {result.load_id})"
    archive = settings.raw_dir / result.source
    if archive.is_dir():
        line += f"; its archived exports in {archive} are kept"
    console.print(line)
    if any(s.name == result.source for s in settings.sources):
        console.print(f"note: {result.source} is still a [[sources]] entry of {settings.config_label}: the next "
                      "`roi run` loads its window again (remove the entry to keep it forgotten)", markup=False)
