"""The nightly flow: collect every enabled source (each its own task; one failing source is
recorded and never sinks the run) → import dropped exports → classify new posts → queue the
flagged → store and return the summary."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.futures import wait

from pantau import pipeline
from pantau.config import get_settings
from pantau.db.types import utcnow
from pantau.ops.limits import ensure_source_limits
from pantau.ops.notify import notify_run


@task(name="kumpulkan-sumber", retries=0)  # retries live in the HTTP client only
def collect_source_task(run_id: int, plan: pipeline.PlannedSource) -> pipeline.SourceSummary:
    return pipeline.collect_source(get_settings(), run_id, plan)


@task(name="impor-kotak-masuk", retries=0)
def import_inbox_task(run_id: int) -> list[pipeline.SourceSummary]:
    return pipeline.import_inbox(get_settings(), run_id)


@task(name="klasifikasi", retries=0)
def classify_task(run_id: int) -> pipeline.ClassifySummary:
    return pipeline.classify_new(get_settings(), run_id)


@flow(name="nightly", log_prints=False)
def nightly(shard_index: int = 0, shard_count: int = 1, notify: bool = False) -> dict[str, Any]:
    """``notify``: send the summary (e-mail/Telegram) — for single-machine schedules; the sharded
    parent flow (flows/sharded.py) sends one merged notification instead."""
    settings = get_settings()
    logger = get_run_logger()
    started = utcnow()
    ensure_source_limits(settings)  # shared per-host politeness across workers (Prefect server only)
    run_id = pipeline.start_run(settings, "nightly", shard_index=shard_index, shard_count=shard_count)
    plans = pipeline.plan_sources(settings, shard_index, shard_count)
    futures = [collect_source_task.submit(run_id, plan) for plan in plans]
    inbox = import_inbox_task.submit(run_id) if shard_index == 0 else None
    wait([*futures, *([inbox] if inbox else [])])
    sources: list[pipeline.SourceSummary] = []
    for plan, fut in zip(plans, futures, strict=True):
        state = fut.state
        if state.is_completed():
            sources.append(fut.result())
        else:  # already recorded in collection_run by the task; keep a line for the summary
            sources.append(pipeline.SourceSummary(label=plan.label, collector=plan.collector,
                                                  source_id=plan.source_id, status="failed",
                                                  errors=[str(state.message or state.name)]))
    if inbox is not None:
        sources.extend(inbox.result())
    classify = classify_task(run_id)
    summary = pipeline.finish_run(settings, run_id, sources, classify, started)
    pipeline.close_clients()
    logger.info("nightly selesai: %s", summary["totals"])
    if notify:
        notify_run(summary, settings)
    return summary
