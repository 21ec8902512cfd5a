"""Picking an export's filtered totals row and reconciling it with the sum of the normalised rows."""
from __future__ import annotations

import polars as pl

from sources.files import totals_label
from transforms.headers import norm

# Metrics compared, in message order: (name, is money-like with rounding tolerance).
_METRICS = [("spend", True), ("impressions", False), ("clicks", False), ("conversions", True),
            ("conversion_value", True)]
_TOLERANCE_PER_ROW = 0.005


def label_of(totals: pl.DataFrame, header: list[str]) -> pl.Series:
    """The label of each totals row: the totals label among its first three cells (" --", "Total: Filtered
    keywords" -> "Total: Filtered keywords", see sources.files.totals_label), else its first non-empty one."""
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
    rows = frame.height + 1   # each row and the totals row are rounded to the cent
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
