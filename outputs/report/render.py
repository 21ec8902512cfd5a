"""The whole report: the sections in page order filled into template.html, with plotly.js and the charts inlined so
that the file opens offline; `render_report` and `write_report`, what `roi report` calls."""
from __future__ import annotations

import datetime as dt
import json
import string
from pathlib import Path

import duckdb

from roi.contracts.errors import ConfigError, RoiError
from roi.contracts.settings import WarehouseTarget
from roi.outputs.report.page import Page, esc
from roi.outputs.report.period import Period
from roi.outputs.report.queries import gather, resolve_period
from roi.outputs.report.sections import (alerts, budget, cards, channels, email, footer, funnel, goals, keywords,
                                         mmm, series, site)
from roi.outputs.report.words import LANGS, MONTHS, WEEKDAYS

TEMPLATE = Path(__file__).resolve().parent / "template.html"
# The page, top to bottom; each builder returns its section's HTML ("" to leave it out).
SECTIONS = (cards.cards, series.over_time, channels.channels, site.site, series.trends, keywords.keywords,
            keywords.wasted, funnel.funnel, email.email, budget.budget, mmm.mmm, goals.goals,
            alerts.alerts)
# A locale for plotly's date axes in Italian (plotly.js ships English only).
LOCALE_JS = """Plotly.register({moduleType: "locale", name: "it", dictionary: {},
  format: {days: %(days)s, shortDays: %(short_days)s, months: %(months)s, shortMonths: %(short_months)s,
           date: "%%d/%%m/%%Y", decimal: ",", thousands: "."}});"""


def render(data: dict, period: Period, lang: str, generated: dt.datetime) -> str:
    """The HTML of one report from what queries.gather read."""
    page = Page(data, period, lang)
    body = "".join(section(page) for section in SECTIONS)
    prev = period.previous
    period_line = (f"{page.f.span(period.start, period.end)} · "
                   + (f"{page.t['vs']} {page.f.span(prev.start, prev.end)}" if page.comparable
                      else page.no_comparison()))
    attribution = page.t.get(data["attribution"], data["attribution"])
    meta = "".join(f"<span>{esc(x)}</span>" for x in (
        f"{page.t['data_until']} {page.f.date(data['as_of'])}",
        f"{page.t['currency']} {data['currency']}",
        f"{page.t['attribution']}: {attribution}",
        f"{page.t['generated']} {page.f.date(generated.date())} {generated:%H:%M}",
    ))
    config = {"displaylogo": False, "displayModeBar": False, "responsive": True, "locale": lang}
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang=lang, title=esc(page.t["title"]), period=esc(page.f.span(period.start, period.end)),
        period_line=esc(period_line), meta=meta, body=body, footer=footer.footer(page),
        plotly_js=_plotly_js(), locale_js=_locale_js(), charts=_script_json(page.charts),
        config=_script_json(config),
    )


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("</", "<\\/")


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:  # pragma: no cover - plotly is a dependency
        raise RoiError("roi report needs the plotly package: pip install plotly") from None
    return get_plotlyjs().replace("</script", "<\\/script")


def _locale_js() -> str:
    return LOCALE_JS % {
        "days": json.dumps([d.capitalize() for d in WEEKDAYS["it"][6:] + WEEKDAYS["it"][:6]]),
        "short_days": json.dumps([d[:3].capitalize() for d in WEEKDAYS["it"][6:] + WEEKDAYS["it"][:6]]),
        "months": json.dumps([m.capitalize() for m in MONTHS["it"]]),
        "short_months": json.dumps([m[:3] for m in MONTHS["it"]]),
    }


# ------------------------------------------------------------------ entry points -----------------

def render_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None, date_to: dt.date | None = None,
                  lang: str = "it", generated: dt.datetime | None = None) -> str:
    """The report's HTML for [date_from, date_to] (defaults: the 30 days up to the latest data)."""
    if lang not in LANGS:
        raise ConfigError(f"--lang {lang}: choose it or en")
    period = resolve_period(con, date_from, date_to)
    data = gather(con, period)
    return render(data, period, lang, generated or dt.datetime.now())


def write_report(warehouse: WarehouseTarget | Path, out: Path, date_from: dt.date | None = None, date_to: dt.date | None = None,
                 lang: str = "it") -> Path:
    """Writes the report for the warehouse file to out (atomically) and returns the path."""
    from roi.warehouse import build, db
    with db.connect_read_only(warehouse, note_old_views=False) as con:
        try:
            page = render_report(con, date_from, date_to, lang)
        except duckdb.CatalogException as exc:
            if not build.built_by_other_files(con):
                raise
            raise RoiError("this warehouse's views were built by another version of roi and lack what the report "
                           "reads: `roi run` or `roi ingest` rebuilds them, then run `roi report` again") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out
