"""Parent flow: run the nightly deployment once per shard, wait, merge, notify.

Scheduled by ``pantau deploy`` (``nightly-sharded/pantau``). Each shard is a separate flow
run of ``nightly/pantau`` that any worker of pool ``pantau`` may pick up; shards are started
together and the parent waits for all of them.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.deployments import run_deployment
from prefect.runtime import flow_run as current_run

from pantau.ops.notify import notify_run
from pantau.ops.sharding import aggregate


def _result(run: Any) -> tuple[dict[str, Any] | None, str | None]:
    state = run.state
    if state is None or not state.is_completed():
        name = state.name if state is not None else "tidak diketahui"
        msg = state.message if state is not None and state.message else ""
        return None, f"run {run.name} berakhir dengan status {name} {msg}".strip()
    try:
        value = state.result(raise_on_failure=False)
    except Exception as exc:  # result not persisted / storage not shared
        return None, f"hasil run {run.name} tidak dapat dibaca: {exc.__class__.__name__}"
    return (value if isinstance(value, dict) else {"result": repr(value)[:200]}), None


def _wait(run_id: UUID, deadline: float, poll_s: float = 2.0) -> Any:
    """Poll the server until the run is final (sync; Prefect's helper is async only)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(run_id)
            if run.state is not None and run.state.is_final():
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"shard {run.name} belum selesai saat batas waktu habis")
            time.sleep(poll_s)


@flow(name="nightly-sharded", log_prints=True)
def nightly_sharded(shard_count: int = 1, deployment: str = "nightly/pantau",
                    timeout_s: float = 6 * 3600, notify: bool = True) -> dict[str, Any]:
    """Run ``deployment`` with ``shard_index`` 0..shard_count-1 and merge their summaries."""
    logger = get_run_logger()
    parent = current_run.get_id() or "lokal"
    runs = []
    for i in range(shard_count):
        run = run_deployment(
            deployment, parameters={"shard_index": i, "shard_count": shard_count},
            timeout=0, flow_run_name=f"shard-{i}-of-{shard_count}",
            idempotency_key=f"{parent}-shard-{i}-of-{shard_count}",
        )
        logger.info("shard %s/%s dimulai: %s", i, shard_count, run.id)
        runs.append(run)
    deadline = time.monotonic() + timeout_s
    shards = []
    for i, run in enumerate(runs):
        try:
            done = _wait(run.id, deadline)
            summary, error = _result(done)
            state = done.state.type.value if done.state else None
        except Exception as exc:  # timeout: report, do not hide the other shards
            summary, error, state = None, f"{exc.__class__.__name__}: {exc}", None
        shards.append({"shard_index": i, "flow_run_id": str(run.id), "state": state,
                       "summary": summary, "error": error})
    total = aggregate(shards)
    logger.info("malam selesai: %s", {k: v for k, v in total.items() if k != "sources"})
    if notify:
        total["notify"] = notify_run(total)
    return total
