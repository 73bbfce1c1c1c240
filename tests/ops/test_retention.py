"""Retention rules on SQLite and PostgreSQL (``db`` fixture)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from pantau import audit
from pantau.config import Settings
from pantau.db.models import (
    AuditEvent,
    Capture,
    Decision,
    ImportFile,
    Post,
    ReviewItem,
    ReviewStatus,
    Role,
    User,
)
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from pantau.ops.retention import format_report, run_retention

NOW = utcnow()


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _warc(settings: Settings, name: str) -> str:
    settings.warc_dir.mkdir(parents=True, exist_ok=True)
    path = settings.warc_dir / name
    path.write_bytes(b"WARC/1.1 fake")
    old = _ago(60).timestamp()
    os.utime(path, (old, old))
    return str(path)


def _build(settings: Settings) -> dict[str, int]:
    """A small world: one post per rule, sharing WARC files where the rule matters."""
    ids: dict[str, int] = {}
    shared = _warc(settings, "shared.warc.gz")     # unflagged-old + flagged-open
    alone = _warc(settings, "alone.warc.gz")       # unflagged-old only
    recent_w = _warc(settings, "recent.warc.gz")   # unflagged but recent post
    nv_w = _warc(settings, "nv.warc.gz")           # not-violation, expired
    export = settings.data_dir / "exports" / "grup.zip"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_bytes(b"zip")
    with session_scope(settings) as s:
        user = User(username="ana", full_name="Ana", password_hash="x", role=Role.ANALIS,
                    agency="BKD")
        s.add(user)
        s.flush()

        def capture(path: str, days: float) -> Capture:
            c = Capture(url="http://x/", sha256="0" * 64, size=1, warc_path=path,
                        fetched_at=_ago(days))
            s.add(c)
            s.flush()
            return c

        def post(key: str, days: float, cap: Capture | None = None, imp: int | None = None) -> Post:
            p = Post(platform="telegram_web", external_id=key, posted_at=_ago(days),
                     fetched_at=_ago(days), text=f"teks {key}", raw={"k": key},
                     content_sha256="1" * 64, capture_id=cap.id if cap else None, import_id=imp)
            s.add(p)
            s.flush()
            ids[key] = p.id
            return p

        def flag(p: Post, status: ReviewStatus, decided_days: float | None) -> None:
            item = ReviewItem(post_id=p.id, status=status, score=0.9)
            s.add(item)
            s.flush()
            if decided_days is not None:
                s.add(Decision(item_id=item.id, user_id=user.id, from_status="baru",
                               to_status=status.value, reason="r", created_at=_ago(decided_days)))

        c_shared_a = capture(shared, 40)
        c_shared_b = capture(shared, 40)
        c_alone = capture(alone, 40)
        c_recent = capture(recent_w, 40)
        c_nv = capture(nv_w, 100)
        c_nv_fresh = capture(_warc(settings, "nvfresh.warc.gz"), 100)
        c_case = capture(_warc(settings, "case.warc.gz"), 100)

        post("unflagged_old", 40, c_shared_a)
        post("unflagged_alone", 40, c_alone)
        post("unflagged_recent", 5, c_recent)
        flag(post("open_case", 40, c_shared_b), ReviewStatus.DUGAAN_PELANGGARAN, 39)
        flag(post("nv_expired", 100, c_nv), ReviewStatus.BUKAN_PELANGGARAN, 95)
        flag(post("nv_fresh", 100, c_nv_fresh), ReviewStatus.BUKAN_PELANGGARAN, 10)
        flag(post("confirmed", 100, c_case), ReviewStatus.TERKONFIRMASI, 99)
        flag(post("closed_old", 2000, None), ReviewStatus.DITERUSKAN, 1900)
        flag(post("rejected_expired", 100, None), ReviewStatus.DITOLAK, 95)

        imp = ImportFile(platform="whatsapp_export", filename="grup.zip", sha256="2" * 64, size=3,
                         stored_path=str(export), imported_by="ana", imported_at=_ago(40))
        s.add(imp)
        s.flush()
        post("import_msg", 40, None, imp.id)
        ids["import"] = imp.id
        ids.update(c_shared_a=c_shared_a.id, c_shared_b=c_shared_b.id, c_alone=c_alone.id,
                   c_recent=c_recent.id, c_nv=c_nv.id, c_nv_fresh=c_nv_fresh.id, c_case=c_case.id)
    return ids


def _orphan(settings: Settings, name: str, days: float) -> Path:
    path = Path(_warc(settings, name))
    t = _ago(days).timestamp()
    os.utime(path, (t, t))
    return path


def test_retention_rules(db: Settings) -> None:
    ids = _build(db)
    old_orphan = _orphan(db, "orphan-old.warc.gz", 45)
    new_orphan = _orphan(db, "orphan-new.warc.gz", 1)

    dry = run_retention(db, dry_run=True, now=NOW)
    with session_scope(db) as s:
        assert s.get(Post, ids["nv_expired"]).text == "teks nv_expired"
        assert s.execute(select(AuditEvent)).first() is None
    assert (db.warc_dir / "alone.warc.gz").exists()

    report = run_retention(db, now=NOW)
    assert report.counts() == dry.counts()  # the dry run announced exactly this
    assert report.posts_purged_not_violation == [ids["nv_expired"], ids["rejected_expired"]]
    assert report.posts_purged_closed_case == [ids["closed_old"]]
    assert set(report.captures_deleted) == {ids["c_shared_a"], ids["c_alone"], ids["c_nv"]}
    assert report.import_files_deleted == [ids["import"]]
    names = {Path(p).name for p in report.warc_files_deleted}
    assert names == {"alone.warc.gz", "nv.warc.gz"}
    assert {Path(p).name for p in report.warc_files_kept} == {"shared.warc.gz"}
    assert [Path(p).name for p in report.orphan_warc_files_deleted] == ["orphan-old.warc.gz"]

    with session_scope(db) as s:
        nv = s.get(Post, ids["nv_expired"])
        assert nv.text is None and nv.raw == {} and nv.purged_at is not None
        assert nv.capture_id is None
        assert s.get(Post, ids["closed_old"]).text is None
        for key in ("nv_fresh", "confirmed", "open_case", "unflagged_old", "unflagged_recent"):
            assert s.get(Post, ids[key]).text == f"teks {key}", key
            assert s.get(Post, ids[key]).purged_at is None
        assert s.get(Post, ids["unflagged_old"]).capture_id is None
        for key in ("c_shared_b", "c_recent", "c_nv_fresh", "c_case"):
            assert s.get(Capture, ids[key]) is not None, key
        assert s.get(ImportFile, ids["import"]).stored_path is None
        events = list(s.execute(select(AuditEvent).where(AuditEvent.action == "retention.purge")
                                .order_by(AuditEvent.id)).scalars())
        kinds = {e.details["kind"]: e.details for e in events}
        assert kinds["post_text_not_violation"]["ids"] == [ids["nv_expired"], ids["rejected_expired"]]
        assert kinds["post_text_not_violation"]["count"] == 2
        assert s.get(Post, ids["rejected_expired"]).text is None
        assert sorted(kinds["capture"]["ids"]) == sorted(report.captures_deleted)
        assert "orphan_warc_file" in kinds and "import_file" in kinds
        assert audit.verify(s) == []

    for name in ("shared", "recent", "nvfresh", "case"):
        assert (db.warc_dir / f"{name}.warc.gz").exists(), name
    for name in ("alone", "nv", "orphan-old"):
        assert not (db.warc_dir / f"{name}.warc.gz").exists(), name
    assert new_orphan.exists() and not old_orphan.exists()
    assert not (db.data_dir / "exports" / "grup.zip").exists()
    assert "dipertahankan" in format_report(report)

    again = run_retention(db, now=NOW)  # idempotent: nothing left to purge
    assert sum(again.counts().values()) == len(again.warc_files_kept)


def test_retention_windows_are_configurable(db: Settings) -> None:
    ids = _build(db)
    strict = db.model_copy(update={"retention": db.retention.model_copy(
        update={"not_violation_days": 5, "unflagged_capture_days": 50})})
    report = run_retention(strict, dry_run=True, now=NOW)
    assert sorted(report.posts_purged_not_violation) == sorted([ids["nv_expired"], ids["nv_fresh"],
                                                                ids["rejected_expired"]])
    # 50-day capture window: the 40-day-old captures stay, the 100-day-old expired ones go
    assert set(report.captures_deleted) == {ids["c_nv"], ids["c_nv_fresh"]}
