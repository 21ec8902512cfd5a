"""Prefect deployments: nightly on a cron in the configured time zone, backfill on demand; served here or on a pool."""
from __future__ import annotations

from pathlib import Path

import httpx
from prefect import get_client, serve
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron
from prefect.workers.process import ProcessWorker
from pydantic import ValidationError

from roi.flows.backfill import backfill
from roi.flows.fanout import ensure_limits
from roi.flows.mmm import mmm_fit
from roi.mmm import extra
from roi.contracts.errors import ConfigError, RoiError
from roi.flows.nightly import nightly
from roi.contracts.settings import Settings
from roi.pipeline.config import prefect_api_url


def deployments(settings: Settings, pool: str | None = None):
    config = str(settings.config_path.resolve()) if settings.config_path else None
    on_pool = _on_pool(settings, pool) if pool is not None else {}
    found = [
        # Prefect 3.8 takes the time zone through the schedule object, not a to_deployment argument.
        nightly.to_deployment(name="nightly", schedules=[Cron(settings.cron, timezone=settings.schedule_timezone)],
                              parameters={"config": config}, concurrency_limit=1,
                              description="Nightly load of every source's restatement window", **on_pool),
        backfill.to_deployment(name="backfill", parameters={"config": config}, concurrency_limit=1,
                               description="Load history in chunks: give start and end", **on_pool),
    ]
    if extra.installed():
        found.append(mmm_fit.to_deployment(
            name="monthly", schedules=[Cron(settings.mmm.cron, timezone=settings.schedule_timezone)],
            parameters={"config": config}, concurrency_limit=1,
            description="Refit the media-mix model on the warehouse's history ([mmm] cron)", **on_pool))
    for deployment in found:
        # Set even when None: an update then takes the deployment off the pool an earlier `roi deploy --pool` put
        # it on, so that pool's worker no longer competes with `roi serve` for its runs.
        deployment.work_pool_name = pool
    return found


def _on_pool(settings: Settings, pool: str) -> dict:
    """A worker imports the flows from its own installed roi (module path, no code storage, no Docker image),
    and starts each run in the project folder instead of a throw-away temporary one."""
    # The demo's warehouse goes under the current folder, as for `roi run`; a project's beside its roi.toml.
    folder = Path.cwd() if settings.is_demo else settings.base_dir
    return dict(work_pool_name=pool, entrypoint_type=EntrypointType.MODULE_PATH,
                job_variables={"working_dir": str(folder.resolve())})


def register(settings: Settings, pool: str | None = None) -> list[str]:
    """Register the deployments with the Prefect server at PREFECT_API_URL, on process work pool `pool` if given."""
    try:
        if pool is not None:
            _ensure_process_pool(pool)
        ensure_limits(settings.engine)   # [engine] api_concurrency, before a run needs them
        return [str(d.apply()) for d in deployments(settings, pool)]
    except httpx.TransportError as exc:
        raise RoiError(f"cannot reach the Prefect server at {prefect_api_url()} ({exc}): start it with "
                       "`prefect server start` or fix PREFECT_API_URL") from exc


def _ensure_process_pool(name: str) -> None:
    """Create work pool `name` (type process, Prefect's default job template) unless it exists; refuse another type."""
    try:
        wanted = WorkPoolCreate(name=name, type="process",
                                base_job_template=ProcessWorker.get_default_base_job_template())
    except ValidationError as exc:
        raise ConfigError(f"--pool '{name}': give a work pool name, without / % & > or <") from exc
    with get_client(sync_client=True) as client:
        try:
            found = client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(wanted)
            return
    if found.type != "process":
        raise ConfigError(f"work pool '{name}' is of type '{found.type}', roi deploys to a process pool: "
                          "give another --pool name (roi creates it) or delete that pool")


def serve_forever(settings: Settings) -> None:
    serve(*deployments(settings))
