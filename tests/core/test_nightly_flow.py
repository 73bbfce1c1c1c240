"""The nightly flow end to end over real HTTP (local t.me/s server), on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from pantau.config import Settings, get_settings, reset_settings_cache
from pantau.db.models import CollectionRun, PipelineRun, Post, ReviewItem, Source
from pantau.db.session import session_scope
from pantau.demo import channel_server, prepare


@pytest.fixture
def world(db: Settings, monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> Iterator[str]:
    monkeypatch.setenv("PANTAU_HTTP__MIN_DELAY_S", "0")
    monkeypatch.setenv("PANTAU_HTTP__ALLOW_PRIVATE_HOSTS", '["127.0.0.1"]')
    reset_settings_cache()
    with channel_server() as base:
        prepare(get_settings(), base)
        yield base
    from pantau.pipeline import close_clients

    close_clients()


def _count(model: type) -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_nightly_collects_classifies_queues_and_never_duplicates(world: str) -> None:
    from flows.nightly import nightly

    first = nightly()
    by_label = {s["label"]: s for s in first["sources"]}
    # 10 messages on two pages, 1 service message skipped
    assert by_label["telegram_web:kabar_budi_ptk"]["collected"] == 9
    assert by_label["whatsapp_export:Koordinasi ASN Kubu Raya"]["new"] == 13
    assert all(s["status"] == "ok" for s in first["sources"]), first["sources"]
    assert first["totals"]["flagged"] >= 3
    assert first["totals"]["queued"] == first["totals"]["flagged"] == _count(ReviewItem)
    posts = _count(Post)
    with session_scope() as s:
        src = s.execute(select(Source).where(Source.key == "kabar_budi_ptk")).scalar_one()
        assert src.cursor == "110"
        flagged_text = s.execute(select(Post.text).join(ReviewItem, ReviewItem.post_id == Post.id)).scalars().all()
    assert any("Norsan" in t for t in flagged_text)
    assert not any("datang ke TPS" in t for t in flagged_text)  # a civic call is not partisan

    second = nightly()
    assert second["totals"]["new"] == 0 and second["totals"]["queued"] == 0
    assert _count(Post) == posts
    with session_scope() as s:
        run = s.get(PipelineRun, second["run_id"])
        assert run.status == "ok" and run.summary["totals"]["new"] == 0


def test_a_failing_source_is_recorded_and_the_run_goes_on(world: str) -> None:
    from flows.nightly import nightly

    with session_scope() as s:  # a channel whose server answers 404: no public preview
        s.add(Source(platform="telegram", key="kanal_hilang", kind="channel", config={"base_url": f"{world}/s/hilang"}))
    summary = nightly()
    by_label = {s["label"]: s for s in summary["sources"]}
    assert by_label["telegram_web:kanal_hilang"]["status"] == "failed"
    assert "hilang" in by_label["telegram_web:kanal_hilang"]["errors"][0]
    assert by_label["telegram_web:kabar_budi_ptk"]["status"] == "ok"
    assert summary["totals"]["failed_sources"] == 1 and summary["totals"]["flagged"] > 0
    with session_scope() as s:
        assert s.get(PipelineRun, summary["run_id"]).status == "partial"
        failed = s.execute(select(CollectionRun).where(CollectionRun.status == "failed")).scalar_one()
        assert failed.source_label == "telegram_web:kanal_hilang" and failed.errors


def test_concurrent_classifiers_never_classify_a_post_twice(world: str) -> None:
    """Two workers (e.g. two shards) classifying at once split the work; none fails."""
    from concurrent.futures import ThreadPoolExecutor

    from pantau.db.models import Prediction
    from pantau.pipeline import classify_new, import_inbox

    import_inbox(get_settings(), None)
    settings = get_settings().model_copy(update={"classifier": get_settings().classifier.model_copy(
        update={"batch_size": 2})})
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: classify_new(settings), range(2)))
    with session_scope() as s:
        predicted = s.execute(select(func.count()).select_from(Prediction)).scalar_one()
        distinct = s.execute(select(func.count(func.distinct(Prediction.post_id)))).scalar_one()
        queued = s.execute(select(func.count()).select_from(ReviewItem)).scalar_one()
    assert predicted == distinct == sum(r.classified for r in results) > 0
    assert queued == sum(r.queued for r in results)
