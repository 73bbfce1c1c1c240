"""Read side of the review app: the queue with its filters and counts, the item page's
context, the dashboard figures and the audit-log browser. No HTTP here."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from pantau.db.models import (
    Account,
    AuditEvent,
    Decision,
    Person,
    Post,
    Prediction,
    ReviewItem,
    ReviewStatus,
    User,
)
from review.decisions import OPEN_STATUSES

PAGE_SIZE = 100


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    return start, start + timedelta(days=1)


def mask_nip(nip: str | None) -> str | None:
    """``198601012010011001`` → ``1986********1001`` (birth date and serial hidden)."""
    if not nip:
        return nip
    if len(nip) <= 8:
        return "*" * len(nip)
    return nip[:4] + "********" + nip[-4:]


@dataclass
class QueueFilters:
    day: date | None = None
    include_open: bool = True
    unit: str = ""
    agency: str = ""
    platform: str = ""
    category: str = ""
    election: str = ""
    status: str = ""
    score_min: float | None = None
    score_max: float | None = None
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str], tz: ZoneInfo) -> QueueFilters:
        def num(key: str) -> float | None:
            try:
                return float(params[key]) if params.get(key, "").strip() else None
            except ValueError:
                return None

        raw_day = params.get("tanggal", "").strip()
        try:
            day = date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            day = None
        if day is None:
            day = datetime.now(tz).date() - timedelta(days=1)
        try:
            page = max(1, int(params.get("hal", "1")))
        except ValueError:
            page = 1
        status = params.get("status", "").strip()
        if status and status not in {s.value for s in ReviewStatus}:
            status = ""
        return cls(day=day, include_open=params.get("terbuka", "1") != "0",
                   unit=params.get("opd", "").strip(), agency=params.get("instansi", "").strip(),
                   platform=params.get("platform", "").strip(),
                   category=params.get("kategori", "").strip(),
                   election=params.get("pemilihan", "").strip(), status=status,
                   score_min=num("skor_min"), score_max=num("skor_maks"), page=page)

    def as_params(self) -> dict[str, str]:
        out = {"tanggal": self.day.isoformat() if self.day else "",
               "terbuka": "1" if self.include_open else "0", "opd": self.unit,
               "instansi": self.agency, "platform": self.platform, "kategori": self.category,
               "pemilihan": self.election, "status": self.status,
               "skor_min": "" if self.score_min is None else f"{self.score_min:g}",
               "skor_maks": "" if self.score_max is None else f"{self.score_max:g}"}
        return {k: v for k, v in out.items() if v}


@dataclass
class QueueRow:
    item: ReviewItem
    post: Post
    person: Person | None
    account: Account | None
    claimed_by: str | None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]
    options: dict[str, list[str]] = field(default_factory=dict)


def _scope(filters: QueueFilters, tz: ZoneInfo) -> list[Any]:
    conds: list[Any] = []
    if filters.day is not None:
        start, end = day_bounds(filters.day, tz)
        on_day = and_(ReviewItem.queued_at >= start, ReviewItem.queued_at < end)
        conds.append(or_(on_day, ReviewItem.status.in_(OPEN_STATUSES))
                     if filters.include_open else on_day)
    if filters.unit:
        conds.append(Person.unit == filters.unit)
    if filters.agency:
        conds.append(Person.agency == filters.agency)
    if filters.platform:
        conds.append(Post.platform == filters.platform)
    if filters.category:
        conds.append(ReviewItem.category == filters.category)
    if filters.election:
        conds.append(ReviewItem.election == filters.election)
    if filters.score_min is not None:
        conds.append(ReviewItem.score >= filters.score_min)
    if filters.score_max is not None:
        conds.append(ReviewItem.score <= filters.score_max)
    return conds


def load_queue(session: Session, filters: QueueFilters, tz: ZoneInfo) -> QueuePage:
    claimer = aliased(User)
    base = (select(ReviewItem, Post, Person, Account, claimer.username)
            .join(Post, Post.id == ReviewItem.post_id)
            .outerjoin(Person, Person.id == Post.person_id)
            .outerjoin(Account, Account.id == Post.account_id)
            .outerjoin(claimer, claimer.id == ReviewItem.claimed_by_id))
    conds = _scope(filters, tz)
    count_stmt = (select(ReviewItem.status, func.count())
                  .join(Post, Post.id == ReviewItem.post_id)
                  .outerjoin(Person, Person.id == Post.person_id)
                  .where(*conds).group_by(ReviewItem.status))
    counts = {str(s): 0 for s in ReviewStatus}
    for status, n in session.execute(count_stmt):
        counts[str(status)] = n
    if filters.status:
        conds.append(ReviewItem.status == filters.status)
    total = counts[filters.status] if filters.status else sum(counts.values())
    stmt = (base.where(*conds)
            .order_by(ReviewItem.score.desc(), ReviewItem.queued_at.desc(), ReviewItem.id)
            .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE))
    rows = [QueueRow(item=i, post=p, person=pe, account=a, claimed_by=c)
            for i, p, pe, a, c in session.execute(stmt)]
    return QueuePage(rows=rows, total=total, counts=counts, options=filter_options(session))


def filter_options(session: Session) -> dict[str, list[str]]:
    def distinct(col: Any) -> list[str]:
        return [v for v in session.execute(select(col).distinct().order_by(col)).scalars() if v]

    return {"opd": distinct(Person.unit), "instansi": distinct(Person.agency),
            "platform": distinct(Post.platform), "pemilihan": distinct(ReviewItem.election)}


# ---------------------------------------------------------------- item page


@dataclass
class ItemView:
    item: ReviewItem
    post: Post
    person: Person | None
    account: Account | None
    prediction: Prediction | None
    context: list[Post]
    decisions: list[tuple[Decision, str]]
    events: list[AuditEvent]
    terms: list[tuple[str, float]]
    watchlist: list[dict[str, Any]]
    claimed_by: User | None
    first_reviewer: User | None


def load_item(session: Session, item_id: int, context_size: int = 5) -> ItemView | None:
    item = session.get(ReviewItem, item_id)
    if item is None:
        return None
    post = item.post
    context: list[Post] = []
    if post.thread_key:
        before = session.execute(
            select(Post).where(Post.thread_key == post.thread_key, Post.id != post.id,
                               Post.posted_at <= post.posted_at)
            .order_by(Post.posted_at.desc()).limit(context_size)).scalars().all()
        after = session.execute(
            select(Post).where(Post.thread_key == post.thread_key, Post.id != post.id,
                               Post.posted_at > post.posted_at)
            .order_by(Post.posted_at).limit(context_size)).scalars().all()
        context = [*reversed(before), post, *after]
    prediction = item.prediction
    if prediction is None:
        prediction = session.execute(
            select(Prediction).where(Prediction.post_id == post.id)
            .order_by(Prediction.id.desc()).limit(1)).scalar_one_or_none()
    explanation = (prediction.explanation if prediction else None) or {}
    terms: list[tuple[str, float]] = []
    for entry in explanation.get("terms") or []:
        try:
            terms.append((str(entry[0]), float(entry[1])))
        except (TypeError, ValueError, IndexError):
            continue
    watchlist = [w for w in explanation.get("watchlist") or [] if isinstance(w, dict)]
    decisions = [(d, u) for d, u in session.execute(
        select(Decision, User.username).join(User, User.id == Decision.user_id)
        .where(Decision.item_id == item.id).order_by(Decision.id))]
    events = list(session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "review_item",
                                 AuditEvent.object_id == str(item.id))
        .order_by(AuditEvent.id)).scalars())
    return ItemView(item=item, post=post, person=post.person, account=post.account,
                    prediction=prediction, context=context, decisions=decisions, events=events,
                    terms=terms, watchlist=watchlist,
                    claimed_by=session.get(User, item.claimed_by_id) if item.claimed_by_id
                    else None,
                    first_reviewer=session.get(User, item.first_reviewer_id)
                    if item.first_reviewer_id else None)


def highlight_spans(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into (chunk, is_hit) pieces, case-insensitively, longest words first.

    The template escapes every chunk; only the <mark> wrapper is markup.
    """
    needles = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not text or not needles:
        return [(text or "", False)]
    low = text.casefold()
    out: list[tuple[str, bool]] = []
    i = last = 0
    while i < len(text):
        hit = next((n for n in needles if low.startswith(n.casefold(), i)), None)
        if hit:
            if last < i:
                out.append((text[last:i], False))
            out.append((text[i:i + len(hit)], True))
            i += len(hit)
            last = i
        else:
            i += 1
    if last < len(text):
        out.append((text[last:], False))
    return out


# ---------------------------------------------------------------- dashboard


@dataclass
class Dashboard:
    days: list[tuple[str, int, int]]  # (label, flags, decisions)
    by_unit: list[tuple[str, int]]
    by_platform: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    decisions_by_unit: list[tuple[str, int]]
    decisions_by_platform: list[tuple[str, int]]
    decisions_by_category: list[tuple[str, int]]
    workload: list[tuple[str, int, int]]  # (username, decisions in period, claims held)


def load_dashboard(session: Session, tz: ZoneInfo, days: int = 14,
                   today: date | None = None) -> Dashboard:
    today = today or datetime.now(tz).date()
    first = today - timedelta(days=days - 1)
    start, _ = day_bounds(first, tz)
    flags: Counter[date] = Counter()
    for (queued,) in session.execute(select(ReviewItem.queued_at)
                                     .where(ReviewItem.queued_at >= start)):
        flags[queued.astimezone(tz).date()] += 1
    decided: Counter[date] = Counter()
    per_user: Counter[str] = Counter()
    for created, username in session.execute(
            select(Decision.created_at, User.username).join(User, User.id == Decision.user_id)
            .where(Decision.created_at >= start)):
        decided[created.astimezone(tz).date()] += 1
        per_user[username] += 1
    series = []
    for n in range(days):
        d = first + timedelta(days=n)
        series.append((d.strftime("%d/%m"), flags[d], decided[d]))

    def grouped(col: Any) -> list[tuple[str, int]]:
        stmt = (select(col, func.count()).select_from(ReviewItem)
                .join(Post, Post.id == ReviewItem.post_id)
                .outerjoin(Person, Person.id == Post.person_id)
                .where(ReviewItem.queued_at >= start).group_by(col)
                .order_by(func.count().desc()).limit(12))
        return [(str(k) if k is not None else "—", n) for k, n in session.execute(stmt)]

    def decided_by(col: Any) -> list[tuple[str, int]]:
        stmt = (select(col, func.count()).select_from(Decision)
                .join(ReviewItem, ReviewItem.id == Decision.item_id)
                .join(Post, Post.id == ReviewItem.post_id)
                .outerjoin(Person, Person.id == Post.person_id)
                .where(Decision.created_at >= start).group_by(col)
                .order_by(func.count().desc()).limit(12))
        return [(str(k) if k is not None else "—", n) for k, n in session.execute(stmt)]

    claims: dict[str, int] = defaultdict(int)
    now = datetime.now(UTC)
    for (username,) in session.execute(
            select(User.username).join(ReviewItem, ReviewItem.claimed_by_id == User.id)
            .where(ReviewItem.claim_expires_at > now)):
        claims[username] += 1
    names = sorted(set(per_user) | set(claims), key=lambda u: (-per_user[u], u))
    return Dashboard(days=series, by_unit=grouped(Person.unit),
                     by_platform=grouped(Post.platform), by_category=grouped(ReviewItem.category),
                     by_status=grouped(ReviewItem.status), decisions_by_unit=decided_by(Person.unit),
                     decisions_by_platform=decided_by(Post.platform),
                     decisions_by_category=decided_by(func.coalesce(Decision.category, ReviewItem.category)),
                     workload=[(u, per_user[u], claims[u]) for u in names])


# ---------------------------------------------------------------- audit log


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> AuditFilters:
        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(params.get(key, "").strip())
            except ValueError:
                return None

        try:
            page = max(1, int(params.get("hal", "1")))
        except ValueError:
            page = 1
        return cls(actor=params.get("pelaku", "").strip(), action=params.get("aksi", "").strip(),
                   object_type=params.get("jenis", "").strip(),
                   object_id=params.get("objek", "").strip(), since=day("dari"),
                   until=day("sampai"), page=page)


def load_audit(session: Session, filters: AuditFilters, tz: ZoneInfo,
               page_size: int = PAGE_SIZE) -> tuple[list[AuditEvent], int, list[str]]:
    conds: list[Any] = []
    if filters.actor:
        conds.append(AuditEvent.actor == filters.actor)
    if filters.action:
        conds.append(AuditEvent.action == filters.action)
    if filters.object_type:
        conds.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        conds.append(AuditEvent.object_id == filters.object_id)
    if filters.since:
        conds.append(AuditEvent.at >= day_bounds(filters.since, tz)[0])
    if filters.until:
        conds.append(AuditEvent.at < day_bounds(filters.until, tz)[1])
    total = session.execute(select(func.count()).select_from(AuditEvent).where(*conds)).scalar()
    events = list(session.execute(
        select(AuditEvent).where(*conds).order_by(AuditEvent.id.desc())
        .limit(page_size).offset((filters.page - 1) * page_size)).scalars())
    actions = list(session.execute(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())
    return events, int(total or 0), actions
