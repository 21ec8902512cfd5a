"""API answers as text cells: the shape every API source hands its transform (numbers kept as sent)."""
from __future__ import annotations

import datetime as dt
import json

import polars as pl


def text_cell(value) -> str | None:
    """A JSON value as a text cell: lists and objects as JSON text (keys sorted), the rest as str()."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def text_frame(rows: list[dict], first: list[str]) -> pl.DataFrame:
    """Rows of text cells as a Utf8 frame: the `first` columns, then every other key seen, in order."""
    columns = list(dict.fromkeys([*first, *(k for r in rows for k in r)]))
    return pl.DataFrame({c: [r.get(c) for r in rows] for c in columns}, schema={c: pl.Utf8 for c in columns})


def instant(value) -> dt.datetime | None:
    """An ISO-8601 / RFC 3339 timestamp ('2026-06-01T08:00:00Z', '…+02:00') as an aware datetime (UTC when it
    names no offset); None when empty or unreadable."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def date_slices(window: tuple[dt.date, dt.date], days: int) -> list[tuple[dt.date, dt.date]]:
    """The window cut into consecutive ranges of at most `days` days."""
    out, start = [], window[0]
    while start <= window[1]:
        end = min(window[1], start + dt.timedelta(days=days - 1))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out
