"""Tables that fit the terminal and numbers in the report language: what every read-only command prints with
(outputs/show.py, status.py, export.py, alerts.py)."""
from __future__ import annotations

import csv
import decimal
import json
import os
import sys
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

# On a terminal, its width; in pipes and logs, wide enough that tables are not cut.
console = Console(width=None if sys.stdout.isatty() else 240)

# How a number shows in each kind of column: decimals, scale, suffix. "number" (query results and
# generic tables): whole numbers as they are, others with 2 decimals. "text" wraps in a narrow
# table; "fixed" (statuses, dates) and every number never wrap and are never cut.
KINDS = {"money": (2, 1, ""), "count": (0, 1, ""), "decimal": (1, 1, ""), "ratio": (2, 1, ""),
         "pct": (1, 1, " %"), "rate": (2, 100, " %")}
ITALIAN = str.maketrans(",.", ".,")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def number(value, kind: str = "number", lang: str = "en") -> str:
    """A cell as text: "–" for no value; a number grouped and rounded for reading, in the report
    language ("it": 1.234,56 and 12,3 %; "en": 1,234.56 and 12.3 %). Every table formats with this."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        return _text(value)
    if kind in KINDS:
        decimals, scale, suffix = KINDS[kind]
    else:
        decimals, scale, suffix = (0 if isinstance(value, int) else 2), 1, ""
    value = value * scale
    if value == value and round(value, decimals) == 0:   # no "-0.00" (NaN is left as it is)
        value = abs(value)
    text = f"{value:,.{decimals}f}"
    return (text.translate(ITALIAN) if lang == "it" else text) + suffix


def money(value, lang: str, currency: str) -> str:
    """An amount in a sentence: 41.197,00 € / 41,197.00 €."""
    return f"{number(value, 'money', lang)} {SYMBOLS.get(currency, currency)}"


def plain(value, raw: bool = False) -> str:
    """A value for CSV (and `roi query --raw` tables): no grouping, '.' decimals; floats and decimals
    rounded to 2 places unless raw (then every digit DuckDB returned)."""
    if value is None:
        return ""
    if isinstance(value, (float, decimal.Decimal)) and not isinstance(value, bool):
        if raw:
            return repr(value) if isinstance(value, float) else str(value)
        return f"{abs(value) if value == value and round(value, 2) == 0 else value:.2f}"
    return _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


TEXT_MIN = 10   # a wrapping text column keeps at least this many characters a line (unless its cells are shorter)


@dataclass(frozen=True)
class Col:
    """A table column: its header, its kind (KINDS, "number", "text" or "fixed") and its rank: when
    the table is wider than the terminal, the columns of the highest rank are left out first. A text
    column wraps to no less than `least` characters (channel and campaign names: 16, to stay readable)."""
    name: str
    kind: str = "text"
    rank: int = 0
    least: int = TEXT_MIN

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "fixed")


def fit(columns: list[Col], cells: list[list[str]], width: int) -> dict[int, int]:
    """The columns that fit in `width` characters, each with its width: numbers, statuses and dates
    whole on one line, text columns (names, notes) wrapped to no less than their `least`; when even that
    does not fit, the columns of the highest rank are left out. A box table spends 3 characters per
    column on borders and padding, and 1 on its right edge."""
    def lines(text: str) -> list[str]:
        return text.splitlines() or [""]

    def longest(i: int) -> int:   # every cell (and the header) on one line
        return max(cell_len(line) for text in [columns[i].name, *(row[i] for row in cells)] for line in lines(text))

    def least(i: int) -> int:     # the header's longest word; every cell unless it is text
        word = max(cell_len(w) for w in columns[i].name.split())
        if columns[i].kind == "text":
            return max(word, min(longest(i), columns[i].least))
        return max(word, max((cell_len(line) for row in cells for line in lines(row[i])), default=0))

    shown = sorted(range(len(columns)), key=lambda i: (columns[i].rank, i))
    widths = {i: least(i) for i in shown}
    while len(shown) > 1 and sum(widths[i] for i in shown) + 3 * len(shown) + 1 > width:
        widths.pop(shown.pop())
    spare = width - sum(widths.values()) - 3 * len(shown) - 1
    for i in shown:   # then room to spare, by rank, up to one line per cell and header
        grow = max(0, min(spare, longest(i) - widths[i]))
        widths[i] += grow
        spare -= grow
    return dict(sorted(widths.items()))


def print_table(columns: list[Col], cells: list[list[str]], *, title: str | None = None,
                totals: list[str] | None = None, wider: str = "widen the terminal") -> None:
    """A table that fits the console: never a number or a status cut; the columns left out (if any)
    named in one line under it, with `wider` saying where to see them."""
    rows = cells + ([totals] if totals else [])
    widths = fit(columns, rows, console.width)
    table = Table(title=Text(title) if title else None, title_justify="left")
    for i, width in widths.items():
        table.add_column(Text(columns[i].name), justify="right" if columns[i].numeric else "left",
                         width=width, overflow="fold")
    for n, row in enumerate(cells):
        table.add_row(*[Text(row[i]) for i in widths], end_section=bool(totals) and n == len(cells) - 1)
    if totals:
        table.add_row(*[Text(totals[i]) for i in widths], style="bold")
    console.print(table)
    left_out = [c.name for i, c in enumerate(columns) if i not in widths]
    if left_out:
        note(f"not shown at {console.width} columns: {', '.join(left_out)} — {wider}")


def note(line: str) -> None:
    """One line under a table, as written (no rich markup: [kpi] stays [kpi])."""
    console.print(line, markup=False, highlight=False)


def format_rows(columns: list[Col], rows: list[tuple], lang: str = "en") -> list[list[str]]:
    return [[number(v, c.kind, lang) for c, v in zip(columns, row)] for row in rows]


def write_csv(names: list[str], rows: list[tuple], raw: bool = False) -> None:
    """CSV on stdout: the header, then every row with plain() values (locale-free)."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    try:
        out.writerow(names)
        out.writerows([plain(v, raw) for v in row] for row in rows)
        sys.stdout.flush()
    except BrokenPipeError:   # `roi query … --csv | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error at exit
