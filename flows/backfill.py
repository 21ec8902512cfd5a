"""The backfill Prefect flow: history in chunks side by side, completed chunks skipped, a progress bar on a terminal."""
from __future__ import annotations

import datetime as dt
import sys

from prefect import flow

from roi.flows.fanout import run_items
from roi.pipeline import plan, runs
from roi.pipeline.config import load_settings


@flow(name="roi-backfill")
def backfill(start: dt.date, end: dt.date, config: str | None = None, sources: list[str] | None = None,
             chunk_days: int = 30, force: bool = False) -> list[dict]:
    settings = load_settings(config)
    selected = runs.select_sources(settings, sources)
    items, skipped = plan.backfill_items(settings, selected, start, end, chunk_days, force)
    with _progress(len(skipped) + sum(len(i.windows) for i in items)) as bar:
        bar.advance(len(skipped))
        return run_items(settings, items, "backfill", config, bar.step)


class _progress:
    """A rich progress bar on a terminal, a step per chunk loaded or skipped; silent otherwise (logs, schedulers)."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self) -> "_progress":
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("backfill", total=self.total)
        return self

    def advance(self, chunks: int) -> None:
        if self.bar is not None and chunks:
            self.bar.update(self.task, advance=chunks, description=f"{chunks} chunk(s) skipped (done)")

    def step(self, item: plan.WorkItem, records: list[dict]) -> None:
        if self.bar is not None:
            states = ", ".join(sorted({r["status"] for r in records})) or "nothing"
            self.bar.update(self.task, advance=len(item.windows), description=f"{item.label} {states}")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
