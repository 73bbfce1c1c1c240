"""The nightly pipeline's steps as plain functions; ``flows/`` only orchestrates them.

Exactly-once storage across crashes: each fetched page is stored in one transaction
(capture + posts + counts), posts are deduplicated, and a source's cursor moves only in the
transaction of the page that hands it out (the last page of a walk). A run killed half-way
is resumed by running again: already stored posts are skipped, none are lost.
"""

from __future__ import annotations

import logging
import shutil
import threading
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings, SourceSettings
from pantau.db.models import (
    Account,
    CollectionRun,
    PipelineRun,
    Post,
    Prediction,
    ReviewItem,
    Source,
)
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from pantau.linking import Linker, account_match
from pantau.store import StoreResult, save_capture, store_posts
from scrapers.base import ParseError

if TYPE_CHECKING:
    from classifier.api import Prediction as PredictionResult
    from scrapers.collector import Collector
    from scrapers.http import PoliteClient

log = logging.getLogger("pantau.pipeline")

EXPORT_KINDS = {"whatsapp": "whatsapp_export", "telegram": "telegram_export"}


@dataclass(frozen=True)
class PlannedSource:
    collector: str
    source_id: int
    label: str


@dataclass
class SourceSummary:
    label: str
    collector: str
    source_id: int | None = None
    status: str = "ok"  # ok | failed | stopped (quota)
    collected: int = 0
    new: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class ClassifySummary:
    model_version: str = ""
    classified: int = 0
    flagged: int = 0
    queued: int = 0
    flagged_by_source: dict[int, int] = field(default_factory=dict)


# -- set-up ------------------------------------------------------------------------------------

_client_lock = threading.Lock()
_clients: dict[str, PoliteClient] = {}


def shared_client(settings: Settings) -> PoliteClient:
    """One polite client per process, so per-host limits hold across concurrent tasks."""
    from pantau.ops.limits import host_slot
    from scrapers.http import PoliteClient

    key = f"{settings.warc_dir}|{id(settings.http)}"
    with _client_lock:
        if key not in _clients:
            # host_slot: the per-host limit shared by every worker (no-op without a Prefect server)
            _clients[key] = PoliteClient(settings.http, warc_dir=settings.warc_dir, host_slot=host_slot)
        return _clients[key]


def close_clients() -> None:
    with _client_lock:
        for c in _clients.values():
            c.close()
        _clients.clear()


def enabled_collectors(settings: Settings) -> dict[str, Collector]:
    from scrapers.catalog import COLLECTORS

    return {name: c for name, c in COLLECTORS.items()
            if getattr(settings.sources, name, SourceSettings(enabled=False)).enabled}


def _handles(collector: Collector, source: Source) -> bool:
    if source.platform != collector.platform or not source.enabled:
        return False
    if collector.name == "rss":
        return source.kind == "feed"
    return source.kind not in {"feed", "group_export", "tip"}


def start_run(settings: Settings, kind: str = "nightly", **info: Any) -> int:
    with session_scope(settings) as s:
        run = PipelineRun(kind=kind, summary={"info": info})
        s.add(run)
        s.flush()
        return run.id


def plan_sources(settings: Settings, shard_index: int = 0, shard_count: int = 1) -> list[PlannedSource]:
    from pantau.ops.sharding import shard_of, source_key

    collectors = enabled_collectors(settings)
    plans: list[PlannedSource] = []
    with session_scope(settings) as s:
        for src in s.execute(select(Source).order_by(Source.id)).scalars():
            if shard_count > 1 and shard_of(source_key(src.platform, src.key), shard_count) != shard_index:
                continue
            for name, collector in collectors.items():
                if _handles(collector, src):
                    plans.append(PlannedSource(name, src.id, f"{name}:{src.key}"))
                    break
    return plans


def _target(settings: Settings, collector_name: str, source: Source, account: Account | None):  # noqa: ANN202
    from scrapers.collector import Target

    cfg: SourceSettings = getattr(settings.sources, collector_name)
    options: dict[str, Any] = {**cfg.options, **(source.config or {})}
    if cfg.base_url:
        options.setdefault("base_url", cfg.base_url)
    if cfg.token is not None:
        options.setdefault("token", cfg.token.get_secret_value())
    if account is not None and account.external_id:
        options.setdefault("external_id", account.external_id)
    return Target(platform=source.platform, key=source.key, options=options)


# -- collecting --------------------------------------------------------------------------------

_linker_lock = threading.Lock()
_linkers: dict[tuple[str, int | None], Linker] = {}


def run_linker(settings: Settings, run_id: int | None) -> Linker:
    """One registry snapshot per run and process (building one reads every account)."""
    key = (settings.db_url, run_id)
    with _linker_lock:
        if key not in _linkers:
            if len(_linkers) > 4:
                _linkers.clear()
            with session_scope(settings) as s:
                _linkers[key] = Linker(s, settings.privacy)
        return _linkers[key]


def collect_source(settings: Settings, run_id: int | None, plan: PlannedSource,
                   client: PoliteClient | None = None) -> SourceSummary:
    """Fetch, archive, parse and store one source. Raises after recording if the source fails."""
    from scrapers.collector import QuotaExceeded

    collector = enabled_collectors(settings)[plan.collector]
    client = client or shared_client(settings)
    summary = SourceSummary(label=plan.label, collector=plan.collector, source_id=plan.source_id)
    with session_scope(settings) as s:
        source = s.get(Source, plan.source_id)
        if source is None:
            raise LookupError(f"sumber {plan.source_id} tidak ada")
        account = s.get(Account, source.account_id) if source.account_id else None
        target = _target(settings, plan.collector, source, account)
        cursor = source.cursor
        crun = CollectionRun(pipeline_run_id=run_id, source_id=source.id, source_label=plan.label,
                             cursor_before=cursor)
        s.add(crun)
        s.flush()
        crun_id = crun.id
    cfg: SourceSettings = getattr(settings.sources, plan.collector)
    try:
        for page in collector.fetch(client, target, cursor, max_pages=cfg.max_pages):
            resp = page.response
            with session_scope(settings) as s:
                capture = save_capture(s, resp)
                try:
                    posts = collector.parse(resp.body, resp.url, target)
                except ParseError as exc:  # layout changed: record with URL, keep going
                    summary.errors.append(f"{resp.url}: {exc}")
                    posts = []
                source = s.get(Source, plan.source_id)
                account = s.get(Account, source.account_id) if source and source.account_id else None
                if account is not None:  # the source is a registered person's own account
                    items = [(p, account_match(account)) for p in posts]
                else:
                    linker = run_linker(settings, run_id)
                    items = [(p, linker.match(p)) for p in posts]
                stored = store_posts(s, items, source_id=plan.source_id, capture_id=capture.id,
                                     fetched_at=resp.fetched_at)
                summary.collected += len(posts)
                summary.new += stored.new
                summary.duplicates += stored.duplicates
                if page.cursor is not None and source is not None:
                    source.cursor = page.cursor
                if page.truncated:
                    summary.errors.append(f"{plan.label}: batas halaman tercapai; sebagian pos lama mungkin terlewat")
                _update_crun(s, crun_id, summary, cursor_after=source.cursor if source else None)
    except QuotaExceeded as exc:
        summary.status = "stopped"
        summary.errors.append(f"kuota API habis, dilanjutkan malam berikutnya: {exc}")
    except Exception as exc:
        summary.status = "failed"
        summary.errors.append(f"{type(exc).__name__}: {exc}")
        log.warning("source %s failed:\n%s", plan.label, traceback.format_exc())
        with session_scope(settings) as s:
            _update_crun(s, crun_id, summary, finished=True)
        raise
    with session_scope(settings) as s:
        _update_crun(s, crun_id, summary, finished=True)
    return summary


def _update_crun(s: Session, crun_id: int, summary: SourceSummary, *, cursor_after: str | None = None,
                 finished: bool = False) -> None:
    crun = s.get(CollectionRun, crun_id)
    if crun is None:
        return
    crun.collected, crun.new, crun.duplicates = summary.collected, summary.new, summary.duplicates
    crun.errors = list(summary.errors)
    if cursor_after is not None:
        crun.cursor_after = cursor_after
    if finished:
        crun.status = summary.status
        crun.finished_at = utcnow()


def import_inbox(settings: Settings, run_id: int | None, actor: str = "nightly") -> list[SourceSummary]:
    """Import every export dropped into ``<data_dir>/inbox/{whatsapp,telegram}/``.

    Each file is its own unit of work and its own failure; imported files move to
    ``inbox/selesai/`` after their transaction commits (a file seen again is skipped by hash).
    """
    from pantau.imports import import_export

    out: list[SourceSummary] = []
    for kind, setting in EXPORT_KINDS.items():
        if not getattr(settings.sources, setting).enabled:
            continue
        folder = settings.data_dir / "inbox" / kind
        for path in sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []:
            summary = SourceSummary(label=f"{setting}:{path.name}", collector=setting)
            with session_scope(settings) as s:
                crun = CollectionRun(pipeline_run_id=run_id, source_label=summary.label)
                s.add(crun)
                s.flush()
                crun_id = crun.id
            try:
                with session_scope(settings) as s:
                    res = import_export(s, path, kind, settings, actor=actor)  # type: ignore[arg-type]
                    summary.collected, summary.new = res.messages, res.stored.new
                    summary.duplicates = res.stored.duplicates
                    summary.source_id = res.source_id
                    summary.label = f"{setting}:{res.group}"
                    if res.already_imported:
                        summary.errors.append("berkas sudah pernah diimpor (SHA-256 sama); dilewati")
                    _update_crun(s, crun_id, summary, finished=True)
                _move_done(path)
            except Exception as exc:  # one broken file never sinks the run
                summary.status = "failed"
                summary.errors.append(f"{type(exc).__name__}: {exc}")
                with session_scope(settings) as s:
                    _update_crun(s, crun_id, summary, finished=True)
            out.append(summary)
    return out


def _move_done(path: Path) -> None:
    done = path.parent.parent / "selesai" / path.parent.name
    done.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), done / path.name)


# -- classifying and queueing ------------------------------------------------------------------

def classify_new(settings: Settings, run_id: int | None = None, *, actor: str = "nightly") -> ClassifySummary:
    """Classify registered people's posts that the current model has not seen; queue the flagged."""
    from classifier import load_classifier

    clf = load_classifier()
    summary = ClassifySummary(model_version=clf.version)
    batch = settings.classifier.batch_size
    last_id = 0
    while True:
        try:
            with session_scope(settings) as s:
                rows = _unclassified_batch(s, clf.version, last_id, batch)
                if not rows:
                    break
                last_id = rows[-1].id
                preds = clf.predict([r.text or "" for r in rows])
                part = ClassifySummary()
                for post, pred in zip(rows, preds, strict=True):
                    row = store_prediction(s, post, pred, clf.version)
                    part.classified += 1
                    if pred.label == "partisan":
                        part.flagged += 1
                        key = post.source_id or 0
                        part.flagged_by_source[key] = part.flagged_by_source.get(key, 0) + 1
                        if enqueue(s, post, row, actor):
                            part.queued += 1
        except IntegrityError:
            # Another worker (another shard on SQLite) classified this batch first: its rows stand.
            log.info("batch after post %s already classified by another worker", last_id)
            continue
        summary.classified += part.classified
        summary.flagged += part.flagged
        summary.queued += part.queued
        for k, v in part.flagged_by_source.items():
            summary.flagged_by_source[k] = summary.flagged_by_source.get(k, 0) + v
    return summary


def _unclassified_batch(s: Session, version: str, after_id: int, limit: int) -> list[Post]:
    """Registered people's posts without a prediction of ``version``, oldest first.

    On PostgreSQL the batch is locked with SKIP LOCKED, so concurrent workers (shards) take
    disjoint batches instead of classifying the same posts twice.
    """
    done = select(Prediction.id).where(and_(Prediction.post_id == Post.id,
                                            Prediction.model_version == version)).exists()
    stmt = (select(Post).where(Post.id > after_id, Post.person_id.is_not(None),
                               Post.match_status.in_(("matched", "pending")), Post.text.is_not(None), ~done)
            .order_by(Post.id).limit(limit))
    if s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Post)
    return list(s.execute(stmt).scalars())


def _election_of(explanation: dict[str, Any]) -> str | None:
    hits = explanation.get("watchlist") or []
    return str(hits[0].get("election")) if hits and isinstance(hits[0], dict) and hits[0].get("election") else None


def store_prediction(s: Session, post: Post, pred: PredictionResult, version: str) -> Prediction:
    row = Prediction(post_id=post.id, model_version=pred.model_version or version, label=pred.label,
                     score=float(pred.score), category=pred.category, explanation=pred.explanation)
    s.add(row)
    s.flush()
    return row


def enqueue(s: Session, post: Post, pred: Prediction, actor: str, **details: Any) -> bool:
    """Put a post into the review queue (once); audited as ``item.queued``."""
    if s.execute(select(ReviewItem.id).where(ReviewItem.post_id == post.id)).first():
        return False
    item = ReviewItem(post_id=post.id, prediction_id=pred.id, score=pred.score, category=pred.category,
                      election=_election_of(pred.explanation))
    s.add(item)
    s.flush()
    audit.record(s, actor, "item.queued", object_type="review_item", object_id=item.id,
                 details={"post_id": post.id, "score": round(pred.score, 4), "category": pred.category,
                          "model_version": pred.model_version, **details})
    return True


# -- summary -----------------------------------------------------------------------------------

def finish_run(settings: Settings, run_id: int, sources: Sequence[SourceSummary], classify: ClassifySummary | None,
               started: datetime) -> dict[str, Any]:
    finished = utcnow()
    failed = [x for x in sources if x.status == "failed"]
    summary: dict[str, Any] = {
        "run_id": run_id,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "duration_s": round((finished - started).total_seconds(), 1),
        "sources": [asdict(x) for x in sources],
        "classify": asdict(classify) if classify else None,
        "totals": {
            "collected": sum(x.collected for x in sources),
            "new": sum(x.new for x in sources),
            "flagged": classify.flagged if classify else 0,
            "queued": classify.queued if classify else 0,
            "failed_sources": len(failed),
        },
    }
    with session_scope(settings) as s:
        run = s.get(PipelineRun, run_id)
        if run is not None:
            summary["info"] = (run.summary or {}).get("info", {})
            run.summary = summary
            run.finished_at = finished
            run.status = "partial" if failed else "ok"
    return summary


__all__ = [
    "ClassifySummary", "PlannedSource", "SourceSummary", "StoreResult", "classify_new", "close_clients",
    "collect_source", "enabled_collectors", "enqueue", "finish_run", "import_inbox", "plan_sources",
    "shared_client", "start_run", "store_prediction",
]
