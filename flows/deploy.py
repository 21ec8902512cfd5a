"""Prefect deployments: nightly on a cron in the configured time zone, backfill on demand."""
from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from flows.backfill import backfill
from flows.nightly import nightly
from flows.settings import Settings


def deployments(settings: Settings):
    config = str(settings.config_path.resolve()) if settings.config_path else None
    return [
        # Prefect 3.8 takes the time zone through the schedule object, not a to_deployment argument.
        nightly.to_deployment(name="nightly", schedules=[Cron(settings.cron, timezone=settings.schedule_timezone)],
                              parameters={"config": config}, concurrency_limit=1,
                              description="Nightly load of every source's restatement window"),
        backfill.to_deployment(name="backfill", parameters={"config": config}, concurrency_limit=1,
                               description="Load history in chunks: give start and end"),
    ]


def register(settings: Settings) -> list[str]:
    """Register the deployments with the Prefect server at PREFECT_API_URL."""
    return [str(d.apply()) for d in deployments(settings)]


def serve_forever(settings: Settings) -> None:
    serve(*deployments(settings))
