"""RawTable: an export file as read, before any platform mapping (all cells are text)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl


@dataclass
class RawTable:
    """One export file, read but not interpreted.

    rows: a polars DataFrame whose columns are the file's header names (made unique by appending
      " (2)", " (3)" to repeats, e.g. "Currency code", "Currency code (2)"), every column Utf8 with
      surrounding whitespace kept as in the file, plus `_row` (Int64): the 1-based row number a user
      sees opening the file in a spreadsheet (preamble and header rows counted; a record with a
      quoted line break counts once), so users can find it. Totals rows, footers, blank lines
      and "No data available." sentinels are NOT in `rows`.
    totals: the totals rows ("Total: Campaigns", "Totale: campagne", ...), same columns as rows,
      in file order.
    preamble: the non-empty lines above the header (report title, date range ...), text.
    notes: lines below or inside the data that were recognised as footers/sentinels, text.
    """

    path: Path
    rows: pl.DataFrame
    totals: pl.DataFrame
    preamble: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    # True when cells come from typed spreadsheet cells (XLSX): numbers are written with a '.'
    # decimal point and no thousands separators whatever the UI language.
    typed_cells: bool = False

    @property
    def header(self) -> list[str]:
        return [c for c in self.rows.columns if c != "_row"]
