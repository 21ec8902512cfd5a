"""`roi report`: one self-contained HTML file (plotly inlined, works offline) with a period's KPIs, in Italian or English.

Read it in this order: period.py (the period and its months) → queries.py (what it reads from the marts, `gather`) →
page.py (what every section draws with; words.py and formats.py give it the words and number formats of each
language) → sections/ (one builder per kind of section) → render.py (the sections in order into template.html)."""
from roi.contracts.errors import ConfigError, RoiError
from roi.outputs.report.formats import Fmt
from roi.outputs.report.period import Period
from roi.outputs.report.queries import Comparison, comparison, gather, headline, resolve_period
from roi.outputs.report.render import _plotly_js, render_report, write_report
from roi.outputs.report.words import LANGS

__all__ = ["ConfigError", "RoiError", "Fmt", "Period", "Comparison", "comparison", "gather", "headline",
           "resolve_period", "render_report", "write_report", "LANGS", "_plotly_js"]
