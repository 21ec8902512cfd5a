"""The flows' work items side by side: one Prefect task per item (pipeline/plan.py) on threads or a Dask
cluster ([engine] in roi.toml); each API pull inside its platform's global concurrency limit, each load
under the warehouse's writer lock."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from prefect import get_client, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from roi.contracts.settings import Engine, Settings
from roi.pipeline.config import load_settings
from roi.pipeline.plan import WorkItem, waves
from roi.pipeline.runs import check_engine, run_item, writer_lock


@task(name="load", cache_policy=NO_CACHE, task_run_name="{item.label}")
def load_item(config: str, item: WorkItem, trigger: str, shown_config: str | None) -> list[dict]:
    """Pull (no lock) then load (under the writer lock) one item; runs in a thread or on a Dask worker, which
    reads roi.toml and its secrets itself. shown_config: the --config the flow's notes name."""
    settings = load_settings(config)
    kind = settings.source(item.source).kind
    return run_item(settings, item, trigger, shown_config, pulling=pulling(settings.engine, kind),
                    writing=lambda: writer_lock(settings))


def pulling(engine: Engine, kind: str) -> Callable[[], AbstractContextManager]:
    """A slot of `kind`'s global concurrency limit, held while one API pull runs (none when it has no limit).
    Prefect renews the slot's lease while the pull runs; a worker that dies frees it when the lease ends."""
    if kind not in engine.api_concurrency:
        return nullcontext
    from prefect.concurrency.sync import concurrency
    return lambda: concurrency(engine.limit_name(kind), occupy=1, strict=False)


def ensure_limits(engine: Engine) -> None:
    """Create or update roi-api-<kind> to [engine] api_concurrency on the Prefect server (by the flow when it
    starts, and by `roi deploy`)."""
    if not engine.api_concurrency:
        return
    with get_client(sync_client=True) as client:
        for kind, limit in sorted(engine.api_concurrency.items()):
            client.upsert_global_concurrency_limit_by_name(engine.limit_name(kind), limit)


def task_runner(engine: Engine):
    """[engine]'s task runner: a thread pool in this process, or the Dask cluster at dask_address."""
    if engine.task_runner == "dask":
        from prefect_dask import DaskTaskRunner
        return DaskTaskRunner(address=engine.dask_address)
    return ThreadPoolTaskRunner(max_workers=engine.max_workers)


def run_items(settings: Settings, items: list[WorkItem], trigger: str, shown_config: str | None,
              on_done: Callable[[WorkItem, list[dict]], None] = lambda *_: None) -> list[dict]:
    """Every item of a wave (plan.waves) as its own task at once (the engine runs as many as it has room
    for), wave after wave; the loads in the items' order, whatever order they finished in (on_done hears
    of each as it finishes)."""
    if not items:
        return []
    check_engine(settings)
    runner = task_runner(settings.engine)
    ensure_limits(settings.engine)
    config = str(settings.config_path.resolve())   # the workers' roi.toml: the same path on every machine
    position = {id(item): i for i, item in enumerate(items)}
    done: dict[int, list[dict]] = {}
    with runner:
        for wave in waves(settings, items):
            futures = [runner.submit(load_item, parameters={"config": config, "item": item, "trigger": trigger,
                                                            "shown_config": shown_config}) for item in wave]
            of = {id(future): item for future, item in zip(futures, wave)}
            for future in as_completed(futures):
                item = of[id(future)]
                done[position[id(item)]] = future.result()
                on_done(item, done[position[id(item)]])
    return [record for i in range(len(items)) for record in done[i]]
