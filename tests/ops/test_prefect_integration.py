"""Distributed mode end to end: a real Prefect server on PostgreSQL, two real process workers,
deployments created by ``pantau.ops.deploy``.

1. A stand-in collector (``tiny_flows.py``) under the deployed sharded parent: every post once,
   by the shard that owns its source, and the per-host rate limit held across both workers.
2. The lead's ``flows/nightly.py:nightly`` with 2 shards over a loopback province, deployed by
   ``deploy_all`` (pool, cron, time zone checked): every post once, none lost, classified once.
One server for the module (~2-3 min in all on the shared 2-core machine).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from pantau.config import PROJECT_ROOT, Settings
from pantau.db.models import PipelineRun, Post, Prediction, ReviewItem, Source
from pantau.ops.deploy import DeploymentSpec, deploy_all, deploy_specs, ensure_work_pool
from pantau.ops.limits import clear_cache, ensure_limits, limit_name
from pantau.ops.sharding import shard_of
from tests.ops.prefect_support import PrefectStack, prefect_server
from tests.ops.province import Province, channel_name, seed, serve
from tests.support.databases import truncate_all

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

SOURCES = [f"telegram_web:kanal_{i:02d}" for i in range(10)]
MIN_DELAY = 0.4
CHANNELS = 12


@pytest.fixture(scope="module")
def province() -> Iterator[tuple[Province, str]]:
    prov = Province(CHANNELS, 24)  # two pages per channel
    with serve(prov) as base:
        yield prov, base


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[PrefectStack]:
    home = tmp_path_factory.mktemp("prefect-home")
    with prefect_server(home) as stack:
        worker_env = {"PANTAU_DATABASE_URL": pg_url, "PANTAU_TEST_SOURCES": json.dumps(SOURCES),
                      "PANTAU_DATA_DIR": str(home / "var"), "PANTAU_HTTP__MIN_DELAY_S": "0",
                      "PANTAU_HTTP__ALLOW_PRIVATE_HOSTS": '["127.0.0.1"]',
                      "PREFECT_WORKER_QUERY_SECONDS": "1",
                      "PREFECT_LOCAL_STORAGE_PATH": str(home / "storage")}
        for name in ("w1", "w2"):
            stack.start_worker(name, worker_env)
        yield stack


@pytest.fixture
def api(stack: PrefectStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_LOCAL_STORAGE_PATH,
        temporary_settings,
    )

    monkeypatch.setenv("PREFECT_API_URL", stack.api_url)
    clear_cache()
    with temporary_settings(updates={PREFECT_API_URL: stack.api_url,
                                     PREFECT_LOCAL_STORAGE_PATH: stack.home / "storage"}):
        yield stack.api_url
    clear_cache()


def test_sharded_night_exactly_once(stack: PrefectStack, api: str, pg_url: str) -> None:
    from prefect.deployments import run_deployment

    truncate_all(pg_url)
    settings = Settings(database_url=pg_url)
    assert ensure_work_pool("pantau") is True
    assert ensure_work_pool("pantau") is False
    specs = [
        DeploymentSpec("tests/ops/tiny_flows.py:tiny_nightly",
                       job_env={"PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true"}),
        DeploymentSpec("flows/sharded.py:nightly_sharded",
                       parameters={"shard_count": 2, "deployment": "tiny-nightly/pantau",
                                   "notify": False, "timeout_s": 150},
                       job_env={"PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true"}),
    ]
    results = deploy_specs(specs, settings, source=PROJECT_ROOT)
    assert [r.full_name for r in results] == ["tiny-nightly/pantau", "nightly-sharded/pantau"]
    applied = ensure_limits(["http://fixture.test/"], min_delay_s=MIN_DELAY)
    assert [s.name for s in applied] == [limit_name("fixture.test")]

    run = run_deployment("nightly-sharded/pantau", timeout=170, as_subflow=False)
    assert run.state is not None and run.state.is_completed(), (run.state, stack.tail_logs())

    engine = create_engine(pg_url)
    with Session(engine) as s:
        posts = list(s.execute(select(Post.external_id, Post.raw).where(Post.platform == "tiny")))
    engine.dispose()
    per_id = Counter(ext for ext, _raw in posts)
    assert len(per_id) == len(SOURCES) * 4 and set(per_id.values()) == {1}
    for ext, raw in posts:  # each source collected by the shard that owns it
        assert raw["shard"] == shard_of(ext.split("/")[0], 2), ext
    assert {raw["shard"] for _e, raw in posts} == {0, 1}

    # the politeness limit is global: both workers together waited MIN_DELAY between fetches
    times = sorted({raw["t"] for _e, raw in posts})
    assert len(times) == len(SOURCES)
    assert times[-1] - times[0] >= (len(SOURCES) - 1) * MIN_DELAY * 0.8, times

    total = run.state.result()
    assert total["status"] == "selesai", total
    assert total["new"] == len(SOURCES) * 4 and total["duplicates"] == 0
    assert sorted(total["sources"]) == sorted(SOURCES)
    assert [sh["state"] for sh in total["shards"]] == ["COMPLETED", "COMPLETED"]


def test_lead_nightly_flow_two_shards(stack: PrefectStack, api: str, pg_url: str,
                                      province: tuple[Province, str]) -> None:
    """The real ``flows/nightly.py:nightly`` on two workers, via ``pantau deploy``'s parent."""
    from prefect.client.orchestration import get_client

    from flows.sharded import nightly_sharded

    prov, base = province
    truncate_all(pg_url)
    settings = Settings(database_url=pg_url, timezone="WITA")
    seed(settings, base, CHANNELS)
    results = deploy_all(settings, shard_count=2)  # what `pantau deploy --shards 2` does
    by_entry = {r.entrypoint: r for r in results}
    assert by_entry["flows/nightly.py:nightly"].full_name == "nightly/pantau"
    assert by_entry["flows/retention.py:retention"].full_name == "retention/pantau"
    recheck = by_entry["flows/recheck.py:recheck"]
    assert recheck.full_name == "recheck/pantau" or recheck.skipped
    with get_client(sync_client=True) as client:
        parent = client.read_deployment_by_name("nightly-sharded/pantau")
        retention = client.read_deployment_by_name("retention/pantau")
        nightly = client.read_deployment_by_name("nightly/pantau")
    assert parent.work_pool_name == "pantau" and nightly.schedules == []
    assert parent.parameters == {"shard_count": 2, "deployment": "nightly/pantau"}
    [sched] = parent.schedules
    assert sched.schedule.cron == "0 1 * * *" and sched.schedule.timezone == "Asia/Makassar"
    assert retention.schedules[0].schedule.cron == "0 3 * * *"

    # the parent runs here (against the server); its shards run on the two workers
    total = nightly_sharded(shard_count=2, deployment="nightly/pantau", notify=False)
    # both shards classify concurrently (SKIP LOCKED batches since 83ccb87): no error allowed
    assert total["status"] == "selesai", total["errors"]
    assert total["totals"]["new"] == CHANNELS * 24 and total["totals"]["failed_sources"] == 0

    engine = create_engine(pg_url)
    with Session(engine) as s:
        ids = list(s.execute(select(Post.external_id)).scalars())
        runs = list(s.execute(select(PipelineRun.summary)).scalars())
        cursors = set(s.execute(select(Source.cursor)).scalars())
        queued = len(list(s.execute(select(ReviewItem.id)).scalars()))
        predicted = len(list(s.execute(select(Prediction.id)).scalars()))
    engine.dispose()
    expected = {f"{channel_name(j)}/{i}" for j in range(CHANNELS) for i in range(1, 25)}
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert cursors == {"24"}
    assert sorted(r["info"]["shard_index"] for r in runs) == [0, 1]  # one pipeline run per shard
    assert predicted == CHANNELS * 24  # every linked post classified once, across shards
    assert queued == total["totals"]["queued"]
