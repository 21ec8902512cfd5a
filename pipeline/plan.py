"""The work of a nightly run or a backfill as items the flows run side by side: one account of an API source
over one window, or one files source over its windows (its files are read once) — plain data, no Prefect."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from roi.contracts.errors import ConfigError
from roi.contracts.settings import Settings, SourceConfig
from roi.sources.records import date_slices
from roi.warehouse import db

Window = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class WorkItem:
    source: str                     # the [[sources]] name
    account: str | None             # one account of a source loaded account by account; None: the whole source
    windows: tuple[Window, ...]     # an API item's one window; a files source's windows, in date order

    @property
    def label(self) -> str:
        """How Prefect names the item's task run: `google_ads 123-456-7890 2026-08-01…2026-08-31`."""
        span = f"{self.windows[0][0]}…{self.windows[-1][1]}" if self.windows else "nothing"
        return " ".join(part for part in (self.source, self.account, span) if part)


def accounts(source: SourceConfig) -> list[str | None]:
    """The accounts an ad platform's API source is loaded one by one; [None] (the whole source at once) for a
    files source, a source with one account, and an API whose account_ids pick lists, not accounts."""
    if source.mode != "api" or len(set(source.account_ids)) < 2:
        return [None]
    from roi.sources.registry import client
    if not getattr(client(source.kind), "NEEDS_ACCOUNTS", False):
        return [None]
    return list(dict.fromkeys(source.account_ids))


def scoped(source: SourceConfig, account: str | None) -> SourceConfig:
    """The source as one account's pull and load see it: only that account in account_ids, and named."""
    if account is None:
        return source
    return dataclasses.replace(source, account_ids=(account,), account=account)


def source_of(settings: Settings, item: WorkItem) -> SourceConfig:
    return scoped(settings.source(item.source), item.account)


def nightly_window(source: SourceConfig, run_date: dt.date) -> Window:
    """[D − lookback_days, D]: platforms restate past days, so the nightly run re-pulls them."""
    return run_date - dt.timedelta(days=source.lookback_days), run_date


def nightly_items(sources: list[SourceConfig], run_date: dt.date) -> list[WorkItem]:
    """Each source's nightly window: one item per account of an API source, one per files source."""
    return [WorkItem(s.name, account, (nightly_window(s, run_date),)) for s in sources for account in accounts(s)]


def chunks(start: dt.date, end: dt.date, days: int) -> list[Window]:
    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    if days < 1:
        raise ConfigError("--chunk-days must be at least 1")
    return date_slices((start, end), days)


def backfill_items(settings: Settings, sources: list[SourceConfig], start: dt.date, end: dt.date, chunk_days: int,
                   force: bool) -> tuple[list[WorkItem], list[tuple[str, Window]]]:
    """The backfill's items — an API source's chunks one item per account and chunk, in date order; a files
    source's chunks in one item — and the (source, chunk) pairs skipped because an earlier run loaded them
    (all of them loaded, for a source loaded account by account)."""
    windows = chunks(start, end, chunk_days)
    items, skipped = [], []
    for source in sources:
        todo: dict[str | None, list[Window]] = {}
        for account in accounts(source):
            done = set() if force else completed_windows(settings, scoped(source, account))
            todo[account] = [w for w in windows if not any(a <= w[0] and w[1] <= b for a, b in done)]
        skipped += [(source.name, w) for w in windows if not any(w in left for left in todo.values())]
        if source.mode == "files":
            items += [WorkItem(source.name, None, tuple(todo[None]))] if todo[None] else []
        else:
            items += [WorkItem(source.name, account, (w,)) for w in windows for account, left in todo.items()
                      if w in left]
    return items, skipped


def completed_windows(settings: Settings, source: SourceConfig) -> set[Window]:
    """Windows of this source (of this one account, when the source is loaded account by account) already
    loaded successfully, by a backfill or a run, since the source was last forgotten (`roi forget`)."""
    if not db.exists(settings.warehouse):
        return set()
    with db.connect_read_only(settings.warehouse, note_old_views=False) as con:   # the backfill rebuilds them
        columns = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_schema = 'ops' AND table_name = 'loads'").fetchall()}
        if not columns:
            return set()
        # A whole-source load covers each of its accounts; one account's load covers that account only.
        if "account" not in columns:          # a warehouse from before accounts were loaded one by one
            scope, params = "", []
        elif source.account is None:
            scope, params = " AND account IS NULL", []
        else:
            scope, params = " AND (account IS NULL OR account = ?)", [source.account]
        rows = con.execute("SELECT DISTINCT window_start, window_end FROM ops.loads "
                           "WHERE source = ? AND status = 'succeeded' AND window_start IS NOT NULL" + scope +
                           " AND started_at > coalesce((SELECT max(started_at) FROM ops.loads "
                           "WHERE source = ? AND status = 'forgotten'), '-infinity'::TIMESTAMPTZ)",
                           [source.name, *params, source.name]).fetchall()
    return {(a, b) for a, b in rows}


# API levels whose ad-group rows are sums of keyword or search-term rows (google_ads, microsoft_ads).
DETAIL_LEVELS = ("keyword", "search_term")


def waves(settings: Settings, items: list[WorkItem]) -> list[list[WorkItem]]:
    """The items in the order they must commit: keyword- and search-term-level API sources after the others,
    since their ad-group days count only where no campaign-level load holds them (pipeline/coverage.py) —
    loaded first, a day the campaign report adds later would count twice until the next run."""
    def detail(item: WorkItem) -> bool:
        source = settings.source(item.source)
        return source.mode == "api" and str(source.options.get("level", "")) in DETAIL_LEVELS
    return [wave for wave in ([i for i in items if not detail(i)], [i for i in items if detail(i)]) if wave]
