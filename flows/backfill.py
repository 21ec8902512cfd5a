"""The backfill Prefect flow: history in chunks, completed chunks skipped, a progress bar on a terminal."""
from __future__ import annotations

import datetime as dt
import sys

from prefect import flow

from roi.pipeline import runs
from roi.pipeline.config import load_settings
from roi.warehouse.db import WriterLock


@flow(name="roi-backfill")
def backfill(start: dt.date, end: dt.date, config: str | None = None, sources: list[str] | None = None,
             chunk_days: int = 30, force: bool = False) -> list[dict]:
    settings = load_settings(config)
    selected = runs.select_sources(settings, sources)
    total = len(selected) * len(runs.chunks(start, end, chunk_days))
    with WriterLock(settings.warehouse_path, settings.lock_timeout_seconds), _progress(total) as step:
        return runs.backfill(settings, selected, start, end, chunk_days, force, step, config)


class _progress:
    """A rich progress bar on a terminal; silent otherwise (logs, schedulers)."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("backfill", total=self.total)
        return self.step

    def step(self, source: str, window, record) -> None:
        if self.bar is not None:
            state = "skipped (done)" if record is None else record.status
            self.bar.update(self.task, advance=1, description=f"{source} {window[0]}…{window[1]} {state}")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
