"""Review state machine, claims and guards — plain functions, independent of HTTP.

Statuses: baru → ditinjau (on claim) → bukan_pelanggaran | dugaan_pelanggaran
→ terkonfirmasi | ditolak (second review by a different supervisor) → diteruskan (routing).

Every function works inside the caller's transaction and records its audit event there, so
a decision and its audit record commit together or not at all. Races are settled by
conditional UPDATEs (``... WHERE status = <expected>``), which are atomic on SQLite and
PostgreSQL alike: a lost race raises ``DecisionError`` instead of overwriting someone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from pantau import audit
from pantau.db.models import Decision, Person, Post, ReviewItem, ReviewStatus, Role, User
from pantau.db.types import utcnow

S = ReviewStatus

CATEGORIES: tuple[str, ...] = (
    "NET-KMS", "NET-INT", "NET-FTO", "NET-APK", "NET-HDR", "NET-AJK",
    "NET-TIM", "NET-KTP", "NET-KEP", "NET-PCL", "NET-PRT", "NET-LNY",
)
ROUTES: tuple[str, ...] = ("Bawaslu", "BKN", "Inspektorat", "SP4N-LAPOR")

# Statuses that still need someone's attention (shown in the queue whatever the date).
OPEN_STATUSES: tuple[ReviewStatus, ...] = (S.BARU, S.DITINJAU, S.DUGAAN_PELANGGARAN,
                                           S.TERKONFIRMASI)
CLOSED_STATUSES: tuple[ReviewStatus, ...] = (S.BUKAN_PELANGGARAN, S.DITOLAK, S.DITERUSKAN)

# from-status -> allowed to-statuses
TRANSITIONS: dict[ReviewStatus, tuple[ReviewStatus, ...]] = {
    S.DITINJAU: (S.BUKAN_PELANGGARAN, S.DUGAAN_PELANGGARAN),
    S.DUGAAN_PELANGGARAN: (S.TERKONFIRMASI, S.DITOLAK),
    S.TERKONFIRMASI: (S.DITERUSKAN,),
}
FIRST_REVIEW = (S.BUKAN_PELANGGARAN, S.DUGAAN_PELANGGARAN)
SECOND_REVIEW = (S.TERKONFIRMASI, S.DITOLAK)

REVIEWER_ROLES = (Role.ANALIS, Role.SUPERVISOR)
SUPERVISOR_ROLES = (Role.SUPERVISOR,)


class DecisionError(Exception):
    """A refused action. ``code`` is a message-catalogue key (``err.<code>``)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class DecisionInput:
    to_status: ReviewStatus
    reason: str
    category: str | None = None
    routed_to: str | None = None
    reference: str | None = None


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def person_of(session: Session, item: ReviewItem) -> Person | None:
    return session.execute(
        select(Person).join(Post, Post.person_id == Person.id).where(Post.id == item.post_id)
    ).scalar_one_or_none()


def check_conflict(session: Session, user: User, item: ReviewItem) -> None:
    """Conflict-of-interest guard: nobody judges a person from their own agency."""
    person = person_of(session, item)
    if person is not None and person.agency.strip().casefold() == user.agency.strip().casefold():
        raise DecisionError(
            "conflict",
            f"Konflik kepentingan: {person.name} berasal dari instansi Anda ({user.agency}).",
            agency=user.agency,
        )


def record_refusal(session: Session, user: User, item_id: int, error: DecisionError,
                   action: str = "decision.refused") -> None:
    """Audit a refused action (in its own transaction: the refused change was rolled back)."""
    name = "conflict_of_interest.refused" if error.code == "conflict" else action
    audit.record(session, user.username, name, object_type="review_item", object_id=item_id,
                 details={"code": error.code, "message": str(error)})


def _claimable(user: User, now: datetime):  # type: ignore[no-untyped-def]
    free = or_(ReviewItem.claimed_by_id.is_(None), ReviewItem.claim_expires_at < now,
               ReviewItem.claimed_by_id == user.id)
    statuses: list[ReviewStatus] = [S.BARU, S.DITINJAU]
    if user.role in SUPERVISOR_ROLES:
        statuses += [S.DUGAAN_PELANGGARAN, S.TERKONFIRMASI]
    return and_(free, ReviewItem.status.in_(statuses))


def _take(session: Session, user: User, item_id: int, now: datetime,
          claim_minutes: int) -> bool:
    """Atomically claim one item; False when someone else got it first."""
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, _claimable(user, now))
        .values(claimed_by_id=user.id, claimed_at=now,
                claim_expires_at=now + timedelta(minutes=claim_minutes), updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    item = session.get(ReviewItem, item_id)
    assert item is not None
    session.refresh(item)
    from_status = item.status
    if item.status == S.BARU:
        moved = session.execute(
            update(ReviewItem).where(ReviewItem.id == item_id, ReviewItem.status == S.BARU)
            .values(status=S.DITINJAU).execution_options(synchronize_session=False))
        if moved.rowcount == 1:  # type: ignore[attr-defined]
            session.refresh(item)
    audit.record(session, user.username, "review.claim", object_type="review_item",
                 object_id=item_id, details={"from": str(from_status), "to": str(item.status),
                                             "expires": item.claim_expires_at})
    return True


def claim(session: Session, user: User, item_id: int, *, claim_minutes: int,
          now: datetime | None = None) -> ReviewItem:
    """Claim one named item for ``user`` (locks it to them for ``claim_minutes``)."""
    now = _now(now)
    if user.role not in REVIEWER_ROLES:
        raise DecisionError("role", "Peran Anda tidak dapat mengambil butir tinjauan.")
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise DecisionError("not_found", "Butir tidak ditemukan.")
    check_conflict(session, user, item)
    if not _take(session, user, item_id, now, claim_minutes):
        raise DecisionError("claimed", "Butir sedang ditinjau orang lain atau tidak dapat diambil.")
    return item


def claim_next(session: Session, user: User, *, claim_minutes: int,
               now: datetime | None = None, attempts: int = 25) -> ReviewItem | None:
    """Claim the highest-scoring free item that the user may judge; None when none is left.

    PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent reviewers never wait on
    or get the same row. SQLite: the conditional UPDATE in ``_take`` is the arbiter.
    """
    now = _now(now)
    if user.role not in REVIEWER_ROLES:
        raise DecisionError("role", "Peran Anda tidak dapat mengambil butir tinjauan.")
    is_pg = session.get_bind().dialect.name == "postgresql"
    own_agency = (select(Post.id).join(Person, Person.id == Post.person_id)
                  .where(Person.agency == user.agency))
    # A supervisor's "next" is second review first; an analyst's is new items.
    wanted = ([S.DUGAAN_PELANGGARAN, S.TERKONFIRMASI] if user.role in SUPERVISOR_ROLES
              else [S.BARU, S.DITINJAU])
    for _ in range(attempts):
        stmt = (select(ReviewItem.id)
                .where(_claimable(user, now), ReviewItem.status.in_(wanted),
                       ReviewItem.post_id.not_in(own_agency))
                .order_by(ReviewItem.score.desc(), ReviewItem.queued_at, ReviewItem.id)
                .limit(1))
        if user.role in SUPERVISOR_ROLES:
            stmt = stmt.where(or_(ReviewItem.first_reviewer_id.is_(None),
                                  ReviewItem.first_reviewer_id != user.id))
        if is_pg:
            stmt = stmt.with_for_update(skip_locked=True, of=ReviewItem)
        item_id = session.execute(stmt).scalar()
        if item_id is None:
            if user.role in SUPERVISOR_ROLES and wanted != [S.BARU, S.DITINJAU]:
                wanted = [S.BARU, S.DITINJAU]
                continue
            return None
        if _take(session, user, item_id, now, claim_minutes):
            return session.get(ReviewItem, item_id)
    return None


def release(session: Session, user: User, item_id: int) -> None:
    """Give a claimed item back to the queue."""
    result = session.execute(
        update(ReviewItem).where(ReviewItem.id == item_id, ReviewItem.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DecisionError("not_claimed", "Butir ini tidak sedang Anda pegang.")
    audit.record(session, user.username, "review.release", object_type="review_item",
                 object_id=item_id)


def allowed_decisions(user: User, item: ReviewItem) -> list[ReviewStatus]:
    """What ``user`` may decide on ``item`` now (for showing the right buttons)."""
    out: list[ReviewStatus] = []
    for target in TRANSITIONS.get(item.status, ()):
        try:
            _check_role(user, item, target)
        except DecisionError:
            continue
        out.append(target)
    return out


def _check_role(user: User, item: ReviewItem, target: ReviewStatus) -> None:
    if not user.active:
        raise DecisionError("inactive", "Akun dinonaktifkan.")
    if target in FIRST_REVIEW:
        if user.role not in REVIEWER_ROLES:
            raise DecisionError("role", "Hanya analis atau supervisor yang dapat meninjau.")
    elif target in SECOND_REVIEW:
        if user.role not in SUPERVISOR_ROLES:
            raise DecisionError("role", "Konfirmasi atau penolakan hanya oleh supervisor.")
        if item.first_reviewer_id == user.id:
            raise DecisionError("four_eyes",
                                "Peninjauan kedua harus oleh supervisor selain peninjau pertama.")
    elif target == S.DITERUSKAN and user.role not in SUPERVISOR_ROLES:
        raise DecisionError("role", "Penerusan hanya oleh supervisor.")


def decide(session: Session, user: User, item_id: int, data: DecisionInput, *,
           now: datetime | None = None) -> Decision:
    """Apply one decision to an item, with every guard, and audit it."""
    now = _now(now)
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise DecisionError("not_found", "Butir tidak ditemukan.")
    session.refresh(item)
    target = ReviewStatus(data.to_status)
    reason = (data.reason or "").strip()
    if not reason:
        raise DecisionError("reason", "Setiap keputusan wajib disertai alasan tertulis.")
    if target not in TRANSITIONS.get(item.status, ()):
        raise DecisionError("transition",
                            f"Status {item.status} tidak dapat diubah menjadi {target}.",
                            from_status=str(item.status), to_status=str(target))
    _check_role(user, item, target)
    check_conflict(session, user, item)
    if (item.claimed_by_id not in (None, user.id) and item.claim_expires_at is not None
            and item.claim_expires_at > now):
        raise DecisionError("claimed", "Butir sedang dipegang peninjau lain.")
    if target in FIRST_REVIEW and item.claimed_by_id != user.id:
        raise DecisionError("not_claimed", "Ambil butir ini terlebih dahulu sebelum memutuskan.")
    category = (data.category or "").strip() or None
    if category is not None and category not in CATEGORIES:
        raise DecisionError("category", f"Kategori tidak dikenal: {category}.")
    routed_to = reference = None
    if target == S.DITERUSKAN:
        routed_to = (data.routed_to or "").strip()
        reference = (data.reference or "").strip()
        if routed_to not in ROUTES:
            raise DecisionError("route", "Pilih tujuan penerusan: " + ", ".join(ROUTES) + ".")
        if not reference:
            raise DecisionError("reference", "Nomor referensi/registrasi penerusan wajib diisi.")

    values: dict[str, object] = {"status": target, "updated_at": now, "claimed_by_id": None,
                                 "claimed_at": None, "claim_expires_at": None}
    if category is not None:
        values["category"] = category
    if target in FIRST_REVIEW:
        values["first_reviewer_id"] = user.id
    if target == S.DITERUSKAN:
        values["routed_to"] = routed_to
        values["reference"] = reference
    moved = session.execute(
        update(ReviewItem).where(ReviewItem.id == item_id, ReviewItem.status == item.status)
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise DecisionError("stale", "Butir sudah diputuskan orang lain; muat ulang halaman.")
    decision = Decision(item_id=item_id, user_id=user.id, from_status=str(item.status),
                        to_status=str(target), reason=reason,
                        category=category if category != item.category else None,
                        routed_to=routed_to, reference=reference, created_at=now)
    session.add(decision)
    session.flush()
    audit.record(session, user.username, "review.decide", object_type="review_item",
                 object_id=item_id,
                 details={"decision_id": decision.id, "from": str(item.status),
                          "to": str(target), "reason": reason,
                          "category_from": item.category, "category_to": category,
                          "routed_to": routed_to, "reference": reference})
    session.refresh(item)
    return decision


def deadline(known_at: datetime, days: int) -> datetime:
    return known_at + timedelta(days=days)


def days_left(known_at: datetime, days: int, tz: object, now: datetime | None = None) -> int:
    """Whole calendar days (in the office's zone) until the reporting deadline; <0 = overdue."""
    now = (now or datetime.now(UTC)).astimezone(tz)  # type: ignore[arg-type]
    due = deadline(known_at, days).astimezone(tz)  # type: ignore[arg-type]
    return (due.date() - now.date()).days
