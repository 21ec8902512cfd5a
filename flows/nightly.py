"""The nightly Prefect flow: every source's window [D − lookback, D], one task per source, under the writer lock."""
from __future__ import annotations

import dataclasses
import datetime as dt

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.runs import default_run_date, run_window, select_sources
from flows.settings import load_settings
from warehouse.db import WriterLock


@task(name="load-source", cache_policy=NO_CACHE)
def load_source(config: str | None, source: str, run_date: dt.date) -> dict:
    settings = load_settings(config)
    record = run_window(settings, settings.source(source), run_date)
    return dataclasses.asdict(record)


@flow(name="roi-nightly")
def nightly(config: str | None = None, run_date: dt.date | None = None,
            sources: list[str] | None = None) -> list[dict]:
    settings = load_settings(config)
    day = run_date or default_run_date(settings)
    selected = select_sources(settings, sources)
    with WriterLock(settings.warehouse_path, settings.lock_timeout_seconds):
        return [load_source(config, s.name, day) for s in selected]
