"""Which windows a nightly run, a backfill or an ingest loads, and the loop over sources (plain functions)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from flows import overlap
from flows.errors import ConfigError
from flows.ingest import _archive, extract, file_window, run_source, today
from flows.settings import Settings, SourceConfig
from sources.records import date_slices
from warehouse import db
from warehouse.load import LoadRecord


def default_run_date(settings: Settings) -> dt.date:
    """Yesterday in the configured time zone: the last complete day."""
    return today(settings) - dt.timedelta(days=1)


def nightly_window(source: SourceConfig, run_date: dt.date) -> tuple[dt.date, dt.date]:
    """[D − lookback_days, D]: platforms restate past days, so the nightly run re-pulls them."""
    return run_date - dt.timedelta(days=source.lookback_days), run_date


def select_sources(settings: Settings, names: Iterable[str] | None) -> list[SourceConfig]:
    names = list(names or [])
    if not names:
        if not settings.sources:
            raise ConfigError(f"{settings.config_label} has no [[sources]] — add one (see `roi init`)")
        return list(settings.sources)
    return [settings.source(n) for n in names]


def run_window(settings: Settings, source: SourceConfig, run_date: dt.date, trigger: str = "run") -> LoadRecord:
    return run_source(settings, source, nightly_window(source, run_date), trigger)


def ingest_files(settings: Settings, paths: list[Path], kind: str, source_name: str | None,
                 force_new_source: bool = False) -> list[LoadRecord]:
    """`roi ingest`: each file replaces its source's rows over the file's own date range.

    A file whose rows another source already holds (the same file, or for ad platforms the same
    account and days) is refused before anything of it is written, unless force_new_source."""
    from sources.registry import file_kinds, transform
    try:
        table = transform(kind).TABLE  # imports this kind's module only; the list of kinds only for the error
    except KeyError:
        raise ConfigError(f"--kind {kind} is not a file kind (kinds: {', '.join(sorted(file_kinds()))})") from None
    name = source_name or kind
    source = next((s for s in settings.sources if s.name == name), None)
    if source is not None and source.kind != kind:
        raise ConfigError(f"source '{name}' is of kind {source.kind} in {settings.config_label}, not {kind}")
    source = source or SourceConfig(name=name, kind=kind, mode="files")
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
    compare = not force_new_source and overlap.others_hold(settings, table, kind, name)
    # Compared files are archived (data/raw/<source>/) once accepted, so a refused one leaves no trace.
    reading = dataclasses.replace(settings, archive_raw=False) if compare else settings
    records = []
    for path in paths:
        try:
            extracted = extract(reading, source, [path])
            if compare:
                found = overlap.holder(settings, extracted, name)
                if found is not None:
                    raise overlap.AlreadyLoaded(overlap.refusal(path, *found), records)
                if settings.archive_raw:
                    _archive(settings, source, path)
        except (ValueError, OSError) as exc:
            from flows.ingest import record_failure
            records.append(record_failure(settings, source, None, "ingest", f"{path}: {exc}".splitlines()[0]))
            continue
        records.append(run_source(settings, source, file_window(extracted), "ingest", extracted))
    return records


def chunks(start: dt.date, end: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    if days < 1:
        raise ConfigError("--chunk-days must be at least 1")
    return date_slices((start, end), days)


def completed_windows(settings: Settings, source: SourceConfig) -> set[tuple[dt.date, dt.date]]:
    """Windows of this source already loaded successfully (by a backfill or a run)."""
    if not settings.warehouse_path.is_file():
        return set()
    with db.connect_read_only(settings.warehouse_path, note_old_views=False) as con:   # the backfill rebuilds them
        exists = con.execute("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_schema = 'ops' AND table_name = 'loads'").fetchone()[0]
        if not exists:
            return set()
        # Since the source was last forgotten (`roi forget`): its earlier windows hold nothing now.
        rows = con.execute("SELECT DISTINCT window_start, window_end FROM ops.loads "
                           "WHERE source = ? AND status = 'succeeded' AND window_start IS NOT NULL "
                           "AND started_at > coalesce((SELECT max(started_at) FROM ops.loads "
                           "WHERE source = ? AND status = 'forgotten'), '-infinity'::TIMESTAMPTZ)",
                           [source.name, source.name]).fetchall()
    return {(a, b) for a, b in rows}


def backfill(settings: Settings, sources: list[SourceConfig], start: dt.date, end: dt.date, chunk_days: int,
             force: bool, on_step: Callable[[str, tuple[dt.date, dt.date], LoadRecord | None], None]
             = lambda *_: None) -> list[LoadRecord]:
    """Load [start, end] chunk by chunk; chunks already loaded are skipped unless force.

    Each chunk commits on its own, so an interrupted backfill resumes where it stopped."""
    windows = chunks(start, end, chunk_days)
    records = []
    for source in sources:
        done = set() if force else completed_windows(settings, source)
        todo = [w for w in windows if not any(a <= w[0] and w[1] <= b for a, b in done)]
        for w in windows:
            if w not in todo:
                on_step(source.name, w, None)
        extracted = None
        for w in todo:
            if extracted is None and source.mode == "files":
                try:
                    extracted = extract(settings, source)
                except (ValueError, OSError):
                    extracted = None  # run_source records the failure with its message
            record = run_source(settings, source, w, "backfill", extracted)
            records.append(record)
            on_step(source.name, w, record)
    return records
