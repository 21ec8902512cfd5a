"""A nightly run's, a backfill's and an ingest's loads: each work item of pipeline/plan.py run, and `roi ingest`
(plain functions: the flows run the items side by side, `backfill` here one after another)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from roi.pipeline import overlap
from roi.contracts.errors import ConfigError
from roi.pipeline.ingest import Extracted, _archive, extract, file_window, run_source, today
from roi.contracts.settings import Settings, SourceConfig
from roi.pipeline.plan import (WorkItem, backfill_items, chunks, completed_windows, nightly_window, source_of,
                              waves)
from roi.warehouse import db
from roi.warehouse.load import LoadRecord

__all__ = ["chunks", "completed_windows", "nightly_window"]   # kept here for their callers; defined in plan.py


def default_run_date(settings: Settings) -> dt.date:
    """Yesterday in the configured time zone: the last complete day."""
    return today(settings) - dt.timedelta(days=1)


def check_run_date(settings: Settings, run_date: dt.date | None) -> None:
    """`roi run --date D`: D is the last day of the window, and a day after today has no data yet."""
    now = today(settings)
    if run_date is not None and run_date > now:
        raise ConfigError(f"--date {run_date} is after today ({now} in {settings.timezone}): a window cannot end "
                          "in the future — leave --date out to load up to yesterday")


def check_engine(settings: Settings) -> None:
    """[engine] task_runner = "dask": the flow and its Dask workers share one Prefect server (its
    concurrency limits, its task runs); without one each worker would start a temporary server of its own."""
    from roi.pipeline.config import prefect_api_url
    if settings.engine.task_runner == "dask" and not prefect_api_url():
        raise ConfigError("[engine] task_runner = \"dask\" needs a Prefect server that the flow and every Dask "
                          "worker reach: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api after "
                          "`prefect server start`) here and on the workers")


def select_sources(settings: Settings, names: Iterable[str] | None) -> list[SourceConfig]:
    names = list(names or [])
    if not names:
        if not settings.sources:
            raise ConfigError(f"{settings.config_label} has no [[sources]] — add one (see `roi init`)")
        return list(settings.sources)
    return [settings.source(n) for n in names]


def run_window(settings: Settings, source: SourceConfig, run_date: dt.date, trigger: str = "run",
               extracted: Extracted | None = None) -> LoadRecord:
    return run_source(settings, source, nightly_window(source, run_date), trigger, extracted)


def writer_lock(settings: Settings) -> AbstractContextManager:
    """The warehouse's writer lock, held for one load step at a time (a fresh one each time: a lock
    object is not shared between the threads that take turns)."""
    return db.WriterLock(settings.warehouse, settings.lock_timeout_seconds)


def run_item(settings: Settings, item: WorkItem, trigger: str, config: str | None = None, *,
             pulling: Callable[[], AbstractContextManager] = nullcontext,
             writing: Callable[[], AbstractContextManager] = nullcontext) -> list[dict]:
    """One work item's loads as the flows report them (`reported`): a files source's files read once for all
    its windows, or one account's window pulled from its API (inside `pulling()`); each load inside
    `writing()`, so that other items pull and read while this one writes."""
    source = source_of(settings, item)
    extracted = read_files(settings, source)
    records = [run_source(settings, source, window, trigger, extracted, pulling=pulling, writing=writing)
               for window in item.windows]
    return reported(records, extracted, config)


def read_files(settings: Settings, source: SourceConfig) -> Extracted | None:
    """A files-mode source's exports, read once for all its windows; None for an API source, or when
    reading fails (run_source then reads them again and records the failure with its message)."""
    if source.mode != "files":
        return None
    try:
        return extract(settings, source)
    except Exception:  # noqa: BLE001 — recorded by run_source, as a failed load of this source only
        return None


def reported(records: list[LoadRecord], extracted: Extracted | None, config: str | None) -> list[dict]:
    """One source's loads as the flows return them; the last one's "note" says when its files hold
    dates but every window loaded none of them, and the command that loads those dates."""
    out = [dataclasses.asdict(r) for r in records]
    span = file_window(extracted) if extracted is not None else None
    if out and span is not None:
        out[-1]["note"] = outside_files_note(records, span, config) or out[-1]["note"]
    return out


def outside_files_note(records: list[LoadRecord], span: tuple[dt.date, dt.date], config: str | None) -> str | None:
    """A note, not a failure: the windows loaded 0 rows while the files hold other days."""
    if not records or any(r.status != "succeeded" or r.rows_in for r in records):
        return None
    lo, hi = min(r.window_start for r in records), max(r.window_end for r in records)
    if lo <= span[0] and span[1] <= hi:
        return None   # the files' days were in the windows (loaded by an earlier run: this one skipped them)
    source, kind = records[0].source, records[0].kind
    with_config = f" --config {config}" if config else ""
    return (f"{source}: 0 rows in {lo} … {hi}; its files hold {span[0]} … {span[1]} — load them with "
            f"`roi backfill --start {span[0]} --end {span[1]} --source {source}{with_config}` "
            f"(or `roi ingest FILE… --kind {kind} --source {source}{with_config}`)")


def ingest_files(settings: Settings, paths: list[Path], kind: str, source_name: str | None,
                 force_new_source: bool = False) -> list[LoadRecord]:
    """`roi ingest`: each file replaces its source's rows over the file's own date range.

    A file whose rows another source already holds (the same file, or for ad platforms the same
    account and days) is refused before anything of it is written, unless force_new_source."""
    from roi.sources.registry import file_kinds, transform
    try:
        table = transform(kind).TABLE  # imports this kind's module only; the list of kinds only for the error
    except KeyError:
        raise ConfigError(f"--kind {kind} is not a file kind (kinds: {', '.join(sorted(file_kinds()))})") from None
    name = source_name or kind
    source = next((s for s in settings.sources if s.name == name), None)
    if source is not None and source.kind != kind:
        raise ConfigError(f"source '{name}' is of kind {source.kind} in {settings.config_label}, not {kind}")
    source = source or SourceConfig(name=name, kind=kind, mode="files")
    paths = export_files(paths)
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
            from roi.pipeline.ingest import record_failure
            records.append(record_failure(settings, source, None, "ingest", f"{path}: {exc}".splitlines()[0]))
            continue
        records.append(run_source(settings, source, file_window(extracted), "ingest", extracted))
    return records


EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")   # .xls: read to say "save it as .xlsx"


def export_files(paths: list[Path]) -> list[Path]:
    """The files `roi ingest` loads: a folder stands for the export files directly in it, oldest first as
    for a [[sources]] path (a later export supersedes); hidden files and Excel's ~$ lock files are skipped."""
    files = []
    for path in paths:
        if path.is_dir():
            found = [f for f in path.iterdir() if f.is_file() and f.suffix.lower() in EXPORT_SUFFIXES
                     and not f.name.startswith((".", "~$"))]
            if not found:
                raise ConfigError(f"{path}: no export files in this folder (looked for "
                                  f"{', '.join('*' + s for s in EXPORT_SUFFIXES)})")
            files += sorted(found, key=lambda f: (f.stat().st_mtime, f.name))
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"{path}: no such file or folder")
    return files


def backfill(settings: Settings, sources: list[SourceConfig], start: dt.date, end: dt.date, chunk_days: int,
             force: bool, on_step: Callable[[str, tuple[dt.date, dt.date], dict | None], None]
             = lambda *_: None, config: str | None = None) -> list[dict]:
    """Load [start, end] chunk by chunk, one work item after another (the flow runs them side by side);
    chunks already loaded are skipped unless force (on_step hears of them with None, then of each load).

    Each chunk commits on its own, so an interrupted backfill resumes where it stopped. Returns the
    loads as the flow reports them (`reported`: a source whose files hold only other days says so)."""
    items, skipped = backfill_items(settings, sources, start, end, chunk_days, force)
    for name, window in skipped:
        on_step(name, window, None)
    out = []
    for item in [item for wave in waves(settings, items) for item in wave]:
        for record in run_item(settings, item, "backfill", config):
            on_step(item.source, (record["window_start"], record["window_end"]), record)
            out.append(record)
    return out
