"""The nightly Prefect flow: every source's window [D − lookback, D], one task per source, under the writer lock."""
from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from roi.pipeline.runs import default_run_date, nightly_load, select_sources
from roi.pipeline.config import load_settings
from roi.warehouse.db import WriterLock


@task(name="load-source", cache_policy=NO_CACHE)
def load_source(config: str | None, source: str, run_date: dt.date) -> dict:
    settings = load_settings(config)
    return nightly_load(settings, settings.source(source), run_date, config)


@task(name="send-alerts", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[10, 60])
def send_alerts(config: str | None) -> int:
    """New KPI alerts, each sent once through every notifier of [alerts] in roi.toml."""
    from roi.outputs.alerts import notify
    from roi.warehouse import db
    settings = load_settings(config)
    with db.connect(settings.warehouse_path) as con:
        return notify(settings.alerts, con)


@flow(name="roi-nightly")
def nightly(config: str | None = None, run_date: dt.date | None = None,
            sources: list[str] | None = None) -> list[dict]:
    settings = load_settings(config)
    day = run_date or default_run_date(settings)
    selected = select_sources(settings, sources)
    with WriterLock(settings.warehouse_path, settings.lock_timeout_seconds):
        records = [load_source(config, s.name, day) for s in selected]
        if settings.alerts:
            send_alerts(config)
    return records
