"""Everything a packet or report shows about one case (review item), loaded once.

Times are stored in UTC and shown in the configured zone with its Indonesian label
(WIB/WITA/WIT). The reporting deadline is ``known_at`` + ``review.report_deadline_days``
calendar days (the stricter reading of UU 7/2017 Pasal 454(6); see shared/docs/domain.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pantau.config import Settings, get_settings
from pantau.db.models import (
    Account,
    AuditEvent,
    Capture,
    Decision,
    ImportFile,
    Person,
    Post,
    Recheck,
    ReviewItem,
)
from pantau.errors import PantauError

ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]

STAGE_NAMES = {
    "candidates_fixed": "penetapan calon",
    "number_draw": "pengundian nomor urut",
    "campaign": "masa kampanye",
    "quiet_period": "masa tenang",
    "voting": "pemungutan suara",
}

STATUS_LABELS = {
    "baru": "Baru",
    "ditinjau": "Ditinjau",
    "bukan_pelanggaran": "Bukan pelanggaran",
    "dugaan_pelanggaran": "Dugaan pelanggaran",
    "terkonfirmasi": "Terkonfirmasi",
    "ditolak": "Ditolak",
    "diteruskan": "Diteruskan",
}

ROUTING_LABELS = {
    "bawaslu": "Bawaslu",
    "bkn": "BKN (Deputi Pengawasan dan Pengendalian)",
    "lapor": "SP4N-LAPOR!",
    "sp4n-lapor": "SP4N-LAPOR!",
    "bkpsdm": "BKPSDM / Inspektorat",
    "inspektorat": "BKPSDM / Inspektorat",
}

# Audit object types that belong to a case's chain of custody.
CUSTODY_OBJECTS = ("review_item", "post", "capture", "import_file")
# Excluded from custody.log so that re-exporting the same case gives the same bytes; every
# export is still recorded in the audit log itself.
CUSTODY_EXCLUDED_ACTIONS = ("evidence.export",)


class CaseNotFound(PantauError):
    pass


def zone_label(tz: ZoneInfo) -> str:
    return ZONE_LABELS.get(str(tz.key), str(tz.key))


def fmt_dt(value: datetime | None, tz: ZoneInfo, *, with_time: bool = True) -> str:
    """``14 Februari 2024 19.05 WIB`` (Indonesian style, dot as time separator)."""
    if value is None:
        return "-"
    local = value.astimezone(tz)
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    if not with_time:
        return day
    return f"{day} {local:%H.%M} {zone_label(tz)}"


def fmt_iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")


@dataclass
class DecisionView:
    at: datetime
    reviewer: str
    role: str
    from_status: str
    to_status: str
    reason: str
    category: str | None
    routed_to: str | None
    reference: str | None


@dataclass
class CaseData:
    item: ReviewItem
    post: Post
    person: Person | None
    account: Account | None
    capture: Capture | None
    import_file: ImportFile | None
    context_posts: list[Post]
    decisions: list[DecisionView]
    custody: list[AuditEvent]
    tz: ZoneInfo
    office_name: str
    deadline_days: int
    model_version: str | None = None
    prediction_label: str | None = None
    prediction_score: float | None = None
    prediction_category: str | None = None
    watchlist_hits: list[dict[str, Any]] = field(default_factory=list)
    rechecks: list[Recheck] = field(default_factory=list)
    elections: list[str] = field(default_factory=list)
    stage: str | None = None

    @property
    def case_id(self) -> int:
        return self.item.id

    @property
    def category(self) -> str | None:
        return self.item.category or self.prediction_category

    @property
    def deadline(self) -> datetime:
        return self.item.known_at + timedelta(days=self.deadline_days)

    @property
    def contestants(self) -> list[str]:
        out = []
        for h in self.watchlist_hits:
            label = f"{h.get('contestant')}"
            if h.get("number") is not None:
                label = f"No. {h['number']} {label}"
            if label not in out:
                out.append(label)
        return out

    @property
    def routed_to(self) -> str | None:
        return self.item.routed_to

    @property
    def as_of(self) -> datetime:
        """The latest stored time the packet depends on (used as the PDF/ZIP date)."""
        times = [self.item.known_at, self.item.queued_at, self.post.posted_at]
        times += [d.at for d in self.decisions]
        times += [e.at for e in self.custody]
        times += [r.checked_at for r in self.rechecks]
        return max(times)

    @property
    def account_label(self) -> str:
        if self.account is not None:
            return self.account.handle
        return self.post.author_handle or self.post.author_name or "-"


def _election_info(hits: list[dict[str, Any]], posted_at: datetime, tz: ZoneInfo,
                   settings: Settings) -> tuple[list[str], str | None]:
    ids = []
    for h in hits:
        if h.get("election") and h["election"] not in ids:
            ids.append(str(h["election"]))
    if not ids:
        return [], None
    names, stage = list(ids), None
    try:  # the watchlist is optional here: a missing/invalid folder only loses the stage
        from classifier.watchlist import load_elections

        by_id = {e.id: e for e in load_elections(settings.classifier.elections_dir)}
        names = [by_id[i].name if i in by_id else i for i in ids]
        if ids[0] in by_id:
            raw = by_id[ids[0]].stage_on(posted_at.astimezone(tz).date())
            stage = STAGE_NAMES.get(raw, raw) if raw else "di luar tahapan yang tercatat"
    except Exception:  # noqa: BLE001 - explanatory data only
        pass
    return names, stage


def custody_events(session: Session, item: ReviewItem, post: Post) -> list[AuditEvent]:
    keys = [("review_item", str(item.id)), ("post", str(post.id))]
    if post.capture_id is not None:
        keys.append(("capture", str(post.capture_id)))
    if post.import_id is not None:
        keys.append(("import_file", str(post.import_id)))
    cond = or_(*[(AuditEvent.object_type == t) & (AuditEvent.object_id == i) for t, i in keys])
    stmt = (select(AuditEvent).where(cond)
            .where(AuditEvent.action.not_in(CUSTODY_EXCLUDED_ACTIONS))
            .order_by(AuditEvent.id))
    return list(session.execute(stmt).scalars())


def load_case(session: Session, case_id: int, settings: Settings | None = None) -> CaseData:
    settings = settings or get_settings()
    item = session.get(ReviewItem, case_id)
    if item is None:
        raise CaseNotFound(f"kasus {case_id} tidak ditemukan")
    post = item.post
    tz = settings.tz
    person = post.person
    account = post.account
    if account is None and person is not None:
        account = next((a for a in person.accounts if a.platform == post.platform), None)
    import_file = session.get(ImportFile, post.import_id) if post.import_id else None
    context: list[Post] = []
    if post.import_id is not None and post.thread_key:
        context = list(session.execute(
            select(Post).where(Post.import_id == post.import_id, Post.thread_key == post.thread_key)
            .order_by(Post.posted_at, Post.id)).scalars())
    decisions = []
    for d in session.execute(select(Decision).where(Decision.item_id == item.id)
                             .order_by(Decision.id)).scalars():
        decisions.append(DecisionView(
            at=d.created_at, reviewer=d.user.full_name, role=str(d.user.role.value),
            from_status=d.from_status, to_status=d.to_status, reason=d.reason,
            category=d.category, routed_to=d.routed_to, reference=d.reference))
    pred = item.prediction
    if pred is None and post.predictions:
        pred = sorted(post.predictions, key=lambda p: p.id)[-1]
    hits = list((pred.explanation or {}).get("watchlist") or []) if pred else []
    elections, stage = _election_info(hits, post.posted_at, tz, settings)
    if item.election and not any(h.get("election") == item.election for h in hits):
        elections.insert(0, item.election)
    return CaseData(
        item=item, post=post, person=person, account=account, capture=post.capture,
        import_file=import_file, context_posts=context, decisions=decisions,
        custody=custody_events(session, item, post), tz=tz, office_name=settings.office_name,
        deadline_days=settings.review.report_deadline_days,
        model_version=pred.model_version if pred else None,
        prediction_label=pred.label if pred else None,
        prediction_score=pred.score if pred else None,
        prediction_category=pred.category if pred else None,
        watchlist_hits=hits, elections=elections, stage=stage,
        rechecks=list(session.execute(select(Recheck).where(Recheck.post_id == post.id)
                                      .order_by(Recheck.id)).scalars()),
    )
