"""The nightly Prefect flow: every source's window [D − lookback, D], one task per source × account side by side."""
from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from roi.flows.fanout import run_items
from roi.pipeline.config import load_settings
from roi.pipeline.plan import nightly_items
from roi.pipeline.runs import default_run_date, select_sources, writer_lock


@task(name="send-alerts", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[10, 60])
def send_alerts(config: str | None) -> int:
    """New KPI alerts, each sent once through every notifier of [alerts] in roi.toml."""
    from roi.outputs.alerts import notify
    from roi.warehouse import db
    settings = load_settings(config)
    with writer_lock(settings), db.connect(settings.warehouse) as con:
        return notify(settings.alerts, con)


@flow(name="roi-nightly")
def nightly(config: str | None = None, run_date: dt.date | None = None,
            sources: list[str] | None = None) -> list[dict]:
    settings = load_settings(config)
    day = run_date or default_run_date(settings)
    items = nightly_items(select_sources(settings, sources), day)
    records = run_items(settings, items, "run", config)
    if settings.alerts:
        send_alerts(config)
    return records
