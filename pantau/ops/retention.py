"""Retention (UU 27/2022: deletion when retention ends), configured in ``[retention]``.

Rules (defaults in ``pantau.config.RetentionSettings``):

* **Not a violation** — a post whose review item was decided ``bukan_pelanggaran``, or whose
  suspicion a supervisor rejected at second review (``ditolak``), more than
  ``not_violation_days`` (90) ago loses its content: ``Post.text = NULL``, ``raw = {}``,
  ``purged_at`` set. The row (ids, hashes, dates, link to the person) stays for the audit trail.
* **Never flagged** — raw captures (``Capture`` rows and their WARC records) older than
  ``unflagged_capture_days`` (30) whose posts were never flagged are deleted; the posts
  themselves keep their text (they may be re-classified).
* **Cases** — items ``terkonfirmasi`` or ``diteruskan`` are closed cases: their
  evidence (text, raw, captures) is kept until ``closed_case_days`` (5 years) after the last
  decision on them, then purged like the first rule. Items still open (``baru``,
  ``ditinjau``, ``dugaan_pelanggaran``) are never touched.

A capture is deleted only when *every* post that references it may lose it, and a WARC file
(which can hold records of several posts) is deleted only when no remaining ``Capture``
references it; otherwise it stays and is reported under ``warc_files_kept``. Stored export
files (``ImportFile.stored_path``) follow the capture rule. WARC files in the archive that no
capture references and that were last written before the capture window are swept too (left
behind by an interrupted purge).

Database changes and their ``retention.purge`` audit events commit together; files are deleted
after the commit. ``dry_run=True`` computes the same report and changes nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased

from pantau import audit
from pantau.config import Settings, get_settings
from pantau.db.models import Capture, Decision, ImportFile, Post, ReviewItem, ReviewStatus
from pantau.db.session import session_scope
from pantau.db.types import utcnow

log = logging.getLogger(__name__)

ACTOR = "sistem:retensi"
# A suspicion rejected at second review (ditolak) found no violation either: minimise it the same way.
NOT_VIOLATION = {ReviewStatus.BUKAN_PELANGGARAN, ReviewStatus.DITOLAK}
CLOSED_CASE = {ReviewStatus.TERKONFIRMASI, ReviewStatus.DITERUSKAN}
CHUNK = 500
AUDIT_IDS_PER_EVENT = 5000

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class RetentionReport:
    dry_run: bool
    now: str
    cutoffs: dict[str, str]
    posts_purged_not_violation: list[int] = field(default_factory=list)
    posts_purged_closed_case: list[int] = field(default_factory=list)
    captures_deleted: list[int] = field(default_factory=list)
    import_files_deleted: list[int] = field(default_factory=list)
    warc_files_deleted: list[str] = field(default_factory=list)
    warc_files_kept: list[str] = field(default_factory=list)
    warc_files_missing: list[str] = field(default_factory=list)
    orphan_warc_files_deleted: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in asdict(self).items() if isinstance(v, list)}

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "now": self.now, "cutoffs": self.cutoffs,
                "counts": self.counts(), **{k: v for k, v in asdict(self).items()
                                            if isinstance(v, list)}}


def _resolve(path: str, settings: Settings) -> Path:
    p = Path(path)
    return p if p.is_absolute() else settings.warc_dir / p


def _decided_at(session: Session, statuses: set[ReviewStatus]) -> list[tuple[int, ReviewStatus, datetime]]:
    """(post_id, status, time of the last decision) for items in ``statuses``."""
    last = (select(Decision.item_id, func.max(Decision.created_at).label("at"))
            .group_by(Decision.item_id).subquery())
    rows = session.execute(
        select(ReviewItem.post_id, ReviewItem.status, last.c.at, ReviewItem.updated_at)
        .outerjoin(last, last.c.item_id == ReviewItem.id)
        .where(ReviewItem.status.in_([s.value for s in statuses]))
    ).all()
    return [(pid, ReviewStatus(st), at or upd) for pid, st, at, upd in rows]


def _expired_flagged(session: Session, settings: Settings, now: datetime) -> tuple[list[int], list[int]]:
    ret = settings.retention
    nv_cut = now - timedelta(days=ret.not_violation_days)
    cc_cut = now - timedelta(days=ret.closed_case_days)
    not_violation = sorted(pid for pid, _s, at in _decided_at(session, NOT_VIOLATION) if at < nv_cut)
    closed = sorted(pid for pid, _s, at in _decided_at(session, CLOSED_CASE) if at < cc_cut)
    return not_violation, closed


def _purge_posts(session: Session, ids: Sequence[int]) -> list[int]:
    """Empty text/raw of posts not yet purged; returns the ids actually changed."""
    todo: list[int] = []
    for chunk in _chunks(ids):
        todo.extend(session.execute(select(Post.id).where(Post.id.in_(chunk),
                                                          Post.purged_at.is_(None))).scalars())
    return sorted(todo)


def _eligible_captures(session: Session, cutoff: datetime, expired_posts: set[int]) -> list[int]:
    """Captures older than ``cutoff`` whose every referencing post may lose it.

    A referencing post keeps its capture when it is recent (fetched on/after ``cutoff``) or
    flagged and not expired.
    """
    recent = aliased(Post)
    candidates = list(session.execute(
        select(Capture.id).where(
            Capture.fetched_at < cutoff,
            ~exists().where(recent.capture_id == Capture.id, recent.fetched_at >= cutoff),
        )
    ).scalars())
    if not candidates:
        return []
    # Captures referenced by flagged posts (a small set: humans review them).
    flagged = session.execute(
        select(Post.capture_id, Post.id).join(ReviewItem, ReviewItem.post_id == Post.id)
        .where(Post.capture_id.is_not(None))
    ).all()
    keep = {cid for cid, pid in flagged if pid not in expired_posts}
    return sorted(c for c in candidates if c not in keep)


def _eligible_imports(session: Session, cutoff: datetime, expired_posts: set[int]) -> list[int]:
    recent = aliased(Post)
    candidates = list(session.execute(
        select(ImportFile.id).where(
            ImportFile.imported_at < cutoff,
            ImportFile.stored_path.is_not(None),
            ~exists().where(recent.import_id == ImportFile.id, recent.fetched_at >= cutoff),
        )
    ).scalars())
    if not candidates:
        return []
    flagged = session.execute(
        select(Post.import_id, Post.id).join(ReviewItem, ReviewItem.post_id == Post.id)
        .where(Post.import_id.is_not(None))
    ).all()
    keep = {iid for iid, pid in flagged if pid not in expired_posts}
    return sorted(i for i in candidates if i not in keep)


def _audit(session: Session, kind: str, ids: Sequence[int | str], report: RetentionReport,
           extra: dict[str, Any] | None = None) -> None:
    if not ids:
        return
    for n, chunk in enumerate(_chunks(list(ids), AUDIT_IDS_PER_EVENT)):
        audit.record(session, ACTOR, "retention.purge", object_type="retention", object_id=kind,
                     details={"kind": kind, "count": len(ids), "part": n, "ids": list(chunk),
                              "cutoffs": report.cutoffs, **(extra or {})})


def run_retention(settings: Settings | None = None, *, dry_run: bool = False,
                  now: datetime | None = None) -> RetentionReport:
    """Apply the retention rules once; returns what was (or, dry run, would be) purged."""
    settings = settings or get_settings()
    now = now or utcnow()
    ret = settings.retention
    cap_cut = now - timedelta(days=ret.unflagged_capture_days)
    report = RetentionReport(dry_run=dry_run, now=now.isoformat(), cutoffs={
        "not_violation_before": (now - timedelta(days=ret.not_violation_days)).isoformat(),
        "unflagged_capture_before": cap_cut.isoformat(),
        "closed_case_before": (now - timedelta(days=ret.closed_case_days)).isoformat(),
    })
    files_to_check: set[str] = set()
    import_paths: list[str] = []
    with session_scope(settings) as session:
        nv, closed = _expired_flagged(session, settings, now)
        report.posts_purged_not_violation = _purge_posts(session, nv)
        report.posts_purged_closed_case = _purge_posts(session, closed)
        expired = set(nv) | set(closed)
        report.captures_deleted = _eligible_captures(session, cap_cut, expired)
        report.import_files_deleted = _eligible_imports(session, cap_cut, expired)

        for chunk in _chunks(report.captures_deleted):
            files_to_check.update(p for p in session.execute(
                select(Capture.warc_path).where(Capture.id.in_(chunk))).scalars() if p)
        for chunk in _chunks(report.import_files_deleted):
            import_paths.extend(p for p in session.execute(
                select(ImportFile.stored_path).where(ImportFile.id.in_(chunk))).scalars() if p)

        if not dry_run:
            purge_ids = report.posts_purged_not_violation + report.posts_purged_closed_case
            for chunk in _chunks(purge_ids):
                session.execute(update(Post).where(Post.id.in_(chunk))
                                .values(text=None, raw={}, purged_at=now))
            for chunk in _chunks(report.captures_deleted):
                session.execute(update(Post).where(Post.capture_id.in_(chunk)).values(capture_id=None))
                session.execute(Capture.__table__.delete().where(Capture.id.in_(chunk)))
            for chunk in _chunks(report.import_files_deleted):
                session.execute(update(ImportFile).where(ImportFile.id.in_(chunk))
                                .values(stored_path=None))
            session.flush()

        # A WARC file goes only when no remaining capture references it.
        deleted = set(report.captures_deleted)
        for path in sorted(files_to_check):
            refs = session.execute(select(Capture.id).where(Capture.warc_path == path)).scalars()
            if any(r not in deleted for r in refs):  # in a dry run the rows are still there
                report.warc_files_kept.append(path)
            elif _resolve(path, settings).exists():
                report.warc_files_deleted.append(path)
            else:
                report.warc_files_missing.append(path)
        referenced = set(session.execute(
            select(Capture.warc_path).where(Capture.warc_path.is_not(None)).distinct()).scalars())
        if dry_run:
            referenced -= set(report.warc_files_deleted)
        report.orphan_warc_files_deleted = _orphans(settings, referenced, cap_cut,
                                                    set(report.warc_files_deleted))

        if not dry_run:
            _audit(session, "post_text_not_violation", report.posts_purged_not_violation, report)
            _audit(session, "post_text_closed_case", report.posts_purged_closed_case, report)
            _audit(session, "capture", report.captures_deleted, report,
                   {"warc_files_deleted": report.warc_files_deleted,
                    "warc_files_kept": report.warc_files_kept})
            _audit(session, "import_file", report.import_files_deleted, report)
            _audit(session, "orphan_warc_file", report.orphan_warc_files_deleted, report)

    if not dry_run:  # after the commit: a crash here leaves files the orphan sweep removes
        for path in report.warc_files_deleted + report.orphan_warc_files_deleted + import_paths:
            try:
                _resolve(path, settings).unlink(missing_ok=True)
            except OSError as exc:
                report.file_errors.append(f"{path}: {exc}")
                log.warning("berkas tidak dapat dihapus: %s: %s", path, exc)
    return report


def _orphans(settings: Settings, referenced: Iterable[str], cutoff: datetime,
             already: set[str]) -> list[str]:
    root = settings.warc_dir
    if not root.is_dir():
        return []
    refs = {str(_resolve(p, settings).resolve()) for p in referenced}
    done = {str(_resolve(p, settings).resolve()) for p in already}
    limit = cutoff.timestamp()
    out = []
    for entry in sorted(root.rglob("*.warc*")):
        full = str(entry.resolve())
        if full in refs or full in done or not entry.is_file():
            continue
        if os.stat(entry).st_mtime < limit:
            out.append(str(entry))
    return out


def format_report(report: RetentionReport) -> str:
    """Bahasa Indonesia summary for the CLI and flow logs."""
    c = report.counts()
    head = "SIMULASI (tidak ada yang diubah)" if report.dry_run else "Retensi dijalankan"
    lines = [
        f"{head} — {report.now}",
        f"Teks pos 'bukan pelanggaran' dihapus : {c['posts_purged_not_violation']}",
        f"Teks pos kasus ditutup dihapus      : {c['posts_purged_closed_case']}",
        f"Tangkapan mentah (capture) dihapus  : {c['captures_deleted']}",
        f"Berkas ekspor impor dihapus         : {c['import_files_deleted']}",
        f"Berkas WARC dihapus                 : {c['warc_files_deleted']}",
        f"Berkas WARC dipertahankan (dipakai pos lain yang masih disimpan): {c['warc_files_kept']}",
        f"Berkas WARC yatim dihapus           : {c['orphan_warc_files_deleted']}",
    ]
    if report.warc_files_kept:
        lines += [f"  - dipertahankan: {p}" for p in report.warc_files_kept[:20]]
    if report.file_errors:
        lines.append(f"Galat berkas: {len(report.file_errors)}")
        lines += [f"  - {e}" for e in report.file_errors[:20]]
    return "\n".join(lines)
