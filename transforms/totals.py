"""Picking an export's filtered totals row and reconciling it with the sum of the normalised rows."""
from __future__ import annotations

import polars as pl

from roi.transforms.headers import norm

# A totals row's label as the platforms write it: a total word alone ("Total", "Insgesamt:") or followed by
# ':' or a spaced dash and what it sums ("Total: Campaigns", "Totale: campagne", "Total - filtered",
# "Total: Filtered keywords"). "Total Care Shampoo", "Totality", "Subtotal: x" are names, not labels.
_TOTAL_WORDS = r"(?:total|totals|totale|totali|totais|totales|totaux|gesamt|insgesamt|summe)"
TOTALS_PATTERN = rf"(?i)^\s*{_TOTAL_WORDS}(?:\s*:|\s*$|\s+[-–—]\s)"
_BARE_TOTAL = rf"(?i)^\s*{_TOTAL_WORDS}\s*:?\s*$"
_BLANK = r"^\s*(?:--?|—|–)?\s*$"   # an empty cell, or a " --" placeholder

# Metrics compared, in message order: (name, is money-like with rounding tolerance).
_METRICS = [("spend", True), ("impressions", False), ("clicks", False), ("conversions", True),
            ("conversion_value", True)]
_TOLERANCE_PER_ROW = 0.005


def totals_label(names: list[str]) -> pl.Expr:
    """The label of a totals row (stripped), null for any other row: the first of the first three cells
    that is a totals label (TOTALS_PATTERN). A bare word ("Total") counts only where the cells before it
    are empty or " --" (a keyword report's "Enabled,total,…" is a keyword); "Total: Filtered keywords" or
    "Total - filtered" counts in any of the three (keyword reports start with a status column)."""
    labels = []
    for i, name in enumerate(names[:3]):
        cell = pl.col(name)
        lead = [pl.col(n).is_null() | pl.col(n).str.contains(_BLANK) for n in names[:i]]
        counts = ~cell.str.contains(_BARE_TOTAL) | pl.all_horizontal(lead) if lead else pl.lit(True)
        labels.append(pl.when(cell.str.contains(TOTALS_PATTERN) & counts).then(cell.str.strip_chars()))
    return pl.coalesce(labels) if labels else pl.lit(None, dtype=pl.Utf8)


def label_of(totals: pl.DataFrame, header: list[str]) -> pl.Series:
    """The label of each totals row: the totals label among its first three cells (" --", "Total: Filtered
    keywords" -> "Total: Filtered keywords", see totals_label), else its first non-empty one."""
    first3 = [c for c in header[:3] if c in totals.columns]
    if not first3:
        return pl.Series("label", [None] * totals.height, dtype=pl.Utf8)
    return totals.select(pl.coalesce([totals_label(first3)] + [
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()) for c in first3
    ]).alias("label")).to_series()


def pick(totals: pl.DataFrame, header: list[str], preferred: list[str]) -> tuple[pl.DataFrame, str] | None:
    """The totals row whose label matches the first possible of `preferred` labels (compared by
    headers.norm, e.g. "total: campaigns"), as a one-row frame, with its label; None when absent."""
    if totals.height == 0:
        return None
    labels = [norm(x) if x else "" for x in label_of(totals, header).to_list()]
    for wanted in preferred:
        w = norm(wanted)
        if w in labels:
            i = labels.index(w)
            return totals.slice(i, 1), label_of(totals.slice(i, 1), header)[0]
    return None


def reconcile(frame: pl.DataFrame, totals: dict[str, float] | None, label: str | None) -> str | None:
    """None when the normalised rows add up to the export's own totals row; else one line with both
    figures, e.g. "Total: Campaigns says spend 1165.00, rows sum to 1164.09; clicks 870 vs 867".

    Counts (impressions, clicks) must match exactly; money and conversions (exported rounded to
    two decimals) within 0.005 per row (and 0.005 for the rounding of the totals row itself).
    """
    if not totals:
        return None
    # each export line and the totals row are rounded to the cent (a row summed from segments counts each)
    rows = (int(frame["_n"].sum()) if "_n" in frame.columns else frame.height) + 1
    differences: list[tuple[str, str, str]] = []
    for metric, rounded in _METRICS:
        expected = totals.get(metric)
        if expected is None or metric not in frame.columns:
            continue
        actual = frame.get_column(metric).cast(pl.Float64).sum() or 0.0
        if rounded:
            if abs(actual - expected) > _TOLERANCE_PER_ROW * rows + 1e-9:
                differences.append((metric, f"{expected:.2f}", f"{actual:.2f}"))
        elif round(actual) != round(expected):
            differences.append((metric, f"{expected:.0f}", f"{actual:.0f}"))
    if not differences:
        return None
    (m0, e0, a0), rest = differences[0], differences[1:]
    text = f"{label or 'Totals row'} says {m0} {e0}, rows sum to {a0}"
    return text + "".join(f"; {m} {e} vs {a}" for m, e, a in rest)
