"""What a transform may know about the source it normalises, and what it hands back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class SourceContext:
    source: str                     # the source's name: every row's `source`
    kind: str                       # google_ads, meta_ads, mailchimp, leads, ...
    reporting_currency: str = "EUR"
    timezone: str = "Europe/Rome"
    currency: str | None = None     # currency of rows whose export names none (config `currency`)
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> header, from roi.toml
    options: dict = field(default_factory=dict)            # other per-source options from roi.toml
    channel_rules: tuple = ()       # roi.transforms.channels.Rule, in order (leads, orders)
    channels: tuple[str, ...] = ()  # every known channel, built-in and custom
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def default_currency(self) -> str:
        return self.currency or self.reporting_currency


@dataclass
class Normalised:
    """A transform's result.

    frame: the canonical columns of the target table (schemas.columns(table), without load_id),
      plus `_row` (Int64, the file line of the source record) and `_errors` (List[Utf8]: one
      readable reason per cell that could not be read, e.g. "clicks: 'abc' is not a number";
      empty list when the row is fine). Rows with errors are quarantined, never dropped.
    totals: the export's own filtered totals row read with the same mapping, as
      {canonical metric: value} (e.g. {"impressions": 40585, "clicks": 867, "spend": 1164.09}),
      or None when the file has no such row.
    totals_label: the label of that row ("Total: Campaigns"), for messages.
    extra: additional canonical tables read from the same export, by table name
      ("keyword_performance", "search_term_performance"): frames shaped like `frame`
      (schemas.columns(table) + `_row` + `_errors`), `_row` the same raw row as the main frame's.
    """

    frame: pl.DataFrame
    totals: dict[str, float] | None = None
    totals_label: str | None = None
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, pl.DataFrame] = field(default_factory=dict)
