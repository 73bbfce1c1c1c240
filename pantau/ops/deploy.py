"""Create pantau's Prefect deployments on a Prefect server (``pantau deploy``).

Deployments (all on work pool ``pantau``, type ``process``; any number of
``prefect worker start --pool pantau`` on any machine picks their runs up):

=====================================  =====================================  ===================
deployment                             entrypoint                             schedule
=====================================  =====================================  ===================
``nightly/pantau``                     ``flows/nightly.py:nightly``           none (run by parent)
``nightly-sharded/pantau``             ``flows/sharded.py:nightly_sharded``   ``schedule.nightly_cron``
``retention/pantau``                   ``flows/retention.py:retention``       daily 03:00
``recheck/pantau``                     ``flows/recheck.py:recheck``           daily 12:00
=====================================  =====================================  ===================

The schedule sits on the sharded parent (parameter ``shard_count``, from ``--shards``), which
runs ``nightly/pantau`` once per shard and sends one notification for the whole night, so
one office (``--shards 1``) and a province (``--shards 8``) use the same deployments. Cron
schedules use ``settings.timezone`` (default Asia/Jakarta). A flow file that does not exist
yet is skipped and reported, not an error.

The code source is the project folder (``flow.from_source``): every worker machine needs the
same checkout at the same path (or pass ``source`` = a git URL).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pantau.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

POOL = "pantau"
DEPLOYMENT = "pantau"
RETENTION_CRON = "0 3 * * *"
RECHECK_CRON = "0 12 * * *"


@dataclass(frozen=True)
class DeploymentSpec:
    entrypoint: str
    name: str = DEPLOYMENT
    cron: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    job_env: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.entrypoint.split(":", 1)[0]


@dataclass
class DeployResult:
    entrypoint: str
    full_name: str | None = None
    deployment_id: str | None = None
    cron: str | None = None
    skipped: str | None = None


def default_specs(settings: Settings, *, shard_count: int = 1,
                  nightly_entrypoint: str = "flows/nightly.py:nightly",
                  nightly_deployment: str | None = None) -> list[DeploymentSpec]:
    # Results of the shards are read back by the parent: persist them.
    persist = {"PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true"}
    return [
        DeploymentSpec(nightly_entrypoint, description="Pengumpulan malam untuk satu shard sumber.",
                       job_env=persist),
        DeploymentSpec("flows/sharded.py:nightly_sharded", cron=settings.schedule.nightly_cron,
                       parameters={"shard_count": shard_count,
                                   "deployment": nightly_deployment
                                   or f"{_flow_name(nightly_entrypoint)}/{DEPLOYMENT}"},
                       description="Menjalankan pengumpulan malam per shard dan merangkum hasilnya.",
                       job_env=persist),
        DeploymentSpec("flows/retention.py:retention", cron=RETENTION_CRON,
                       description="Retensi data (UU 27/2022): hapus teks/tangkapan kedaluwarsa."),
        DeploymentSpec("flows/recheck.py:recheck", cron=RECHECK_CRON,
                       description="Pemeriksaan ulang pos yang sudah ditandai."),
    ]


def _flow_name(entrypoint: str) -> str:
    """Default Prefect flow name of ``path:func`` (``func`` with ``_`` → ``-``)."""
    return entrypoint.rsplit(":", 1)[-1].replace("_", "-")


def ensure_work_pool(name: str = POOL) -> bool:
    """Create the ``process`` work pool if missing; True when it was created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            pass
        try:
            client.create_work_pool(WorkPoolCreate(
                name=name, type="process",
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="pantau: pengumpulan, retensi, pemeriksaan ulang"))
        except ObjectAlreadyExists:
            return False
    return True


def deploy_specs(specs: list[DeploymentSpec], settings: Settings, *,
                 source: str | Path = PROJECT_ROOT, pool: str = POOL,
                 paused: bool = False) -> list[DeployResult]:
    """Create or update each deployment; a missing flow file is skipped and reported."""
    from prefect import Flow
    from prefect.schedules import Cron

    results: list[DeployResult] = []
    local = not str(source).startswith(("http://", "https://", "git@"))
    for spec in specs:
        if local and not (Path(source) / spec.path).is_file():
            results.append(DeployResult(spec.entrypoint,
                                        skipped=f"berkas {spec.path} belum ada"))
            continue
        try:
            flow = Flow.from_source(source=str(source), entrypoint=spec.entrypoint)
        except Exception as exc:
            results.append(DeployResult(spec.entrypoint,
                                        skipped=f"flow tidak dapat dimuat: {exc.__class__.__name__}: {exc}"))
            continue
        schedules = [Cron(spec.cron, timezone=settings.timezone)] if spec.cron else []
        dep_id = flow.deploy(
            name=spec.name, work_pool_name=pool, schedules=schedules, paused=paused,
            parameters=spec.parameters or None, description=spec.description or None,
            job_variables={"env": spec.job_env} if spec.job_env else None,
            tags=["pantau"], print_next_steps=False, ignore_warnings=True,
        )
        results.append(DeployResult(spec.entrypoint, f"{flow.name}/{spec.name}", str(dep_id),
                                    spec.cron))
    return results


def deploy_all(settings: Settings, *, shard_count: int = 1, source: str | Path = PROJECT_ROOT,
               pool: str = POOL, paused: bool = False,
               hosts: list[str] | None = None) -> list[DeployResult]:
    """``pantau deploy``: work pool, per-host politeness limits, then every deployment."""
    from pantau.ops.limits import ensure_limits

    ensure_work_pool(pool)
    if hosts:
        ensure_limits(hosts, min_delay_s=settings.http.min_delay_s,
                      max_parallel=settings.http.per_host_concurrency)
    nightly, *rest = default_specs(settings, shard_count=shard_count)
    first = deploy_specs([nightly], settings, source=source, pool=pool, paused=paused)
    # the parent must name the nightly deployment by its real flow name
    rest = default_specs(settings, shard_count=shard_count,
                         nightly_deployment=first[0].full_name)[1:]
    return first + deploy_specs(rest, settings, source=source, pool=pool, paused=paused)


def configured_hosts(settings: Settings) -> list[str]:
    """Hosts to create politeness limits for (see ``pantau.ops.limits.source_hosts``)."""
    from pantau.ops.limits import source_hosts

    return source_hosts(settings)
