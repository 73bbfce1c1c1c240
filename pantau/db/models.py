"""ORM entities. One table per concept; every schema change goes through an Alembic migration
(``pantau/db/migrations``).

Raw material is kept apart from its mapping (the 4CAT pattern): a ``Post`` keeps the raw item
as received (``raw``) and a pointer to the archived bytes (``Capture``), so a source can be
re-mapped later without re-fetching.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from pantau.db.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Big integers on PostgreSQL, but plain INTEGER on SQLite so that autoincrement works there.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class EmploymentType(enum.StrEnum):
    PNS = "PNS"
    PPPK = "PPPK"
    PPNPN = "PPNPN"


class ReviewStatus(enum.StrEnum):
    """Review statuses, in Bahasa Indonesia because analysts read them in exports."""

    BARU = "baru"
    DITINJAU = "ditinjau"
    BUKAN_PELANGGARAN = "bukan_pelanggaran"
    DUGAAN_PELANGGARAN = "dugaan_pelanggaran"
    TERKONFIRMASI = "terkonfirmasi"
    DITOLAK = "ditolak"
    DITERUSKAN = "diteruskan"


class Role(enum.StrEnum):
    ANALIS = "analis"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    AUDITOR = "auditor"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e],
                length=32, validate_strings=True)


class Person(Base):
    """A registered civil servant (ASN) or government staff member (PPNPN)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    employee_ref: Mapped[str | None] = mapped_column(
        String(64), unique=True, doc="Identifier for staff without NIP (PPNPN), from the registry."
    )
    name: Mapped[str] = mapped_column(String(200))
    employment_type: Mapped[EmploymentType] = mapped_column(_enum(EmploymentType, "employment_type"))
    position: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200), doc="Unit kerja / OPD")
    agency: Mapped[str] = mapped_column(String(200), index=True, doc="Instansi")
    region: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    accounts: Mapped[list[Account]] = relationship(back_populates="person")


class Account(Base):
    """A handle of a registered person on one platform (phone number for messaging apps)."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_account_platform_handle"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(300), doc="Normalised handle, or E.164 phone.")
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    url: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="accounts")


class Source(Base):
    """Where posts come from: a channel, a group export, an API account, a feed, tips."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("platform", "key", name="uq_source_platform_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(300), doc="Channel name, group name, feed URL, ...")
    name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="channel")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    cursor: Mapped[str | None] = mapped_column(
        String(200), doc="Last seen position; advanced only after its posts are committed."
    )
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Capture(Base):
    """Raw bytes as received, archived in a WARC file (or a stored import file)."""

    __tablename__ = "capture"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True, doc="SHA-256 of the payload.")
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    warc_path: Mapped[str | None] = mapped_column(String(500))
    warc_record_id: Mapped[str | None] = mapped_column(String(100))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportFile(Base):
    """One imported export file (WhatsApp/Telegram): who, when, and the file's SHA-256."""

    __tablename__ = "import_file"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    stored_path: Mapped[str | None] = mapped_column(String(500))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Post(Base):
    """One collected post or message, linked to a registered person where matched."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_post_platform_external_id"),
        Index("ix_post_posted_at", "posted_at"),
        Index("ix_post_platform_content_sha256", "platform", "content_sha256"),  # dedup of re-imports
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    match_method: Mapped[str | None] = mapped_column(String(20), doc="account|phone|name|analyst")
    match_confidence: Mapped[float | None] = mapped_column(Float)
    match_status: Mapped[str] = mapped_column(String(20), default="unmatched",
                                              doc="matched|pending|unmatched|context")
    author_name: Mapped[str | None] = mapped_column(String(300), doc="Author as shown.")
    author_handle: Mapped[str | None] = mapped_column(String(300))
    posted_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text, doc="Null after a retention purge.")
    language: Mapped[str | None] = mapped_column(String(8))
    reply_to: Mapped[str | None] = mapped_column(String(200))
    thread_key: Mapped[str | None] = mapped_column(String(200), index=True)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="Raw item as received.")
    content_sha256: Mapped[str] = mapped_column(String(64), index=True,
                                                doc="SHA-256 of the canonical raw item.")
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_file.id", ondelete="SET NULL"))
    purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person | None] = relationship()
    account: Mapped[Account | None] = relationship()
    source: Mapped[Source | None] = relationship()
    capture: Mapped[Capture | None] = relationship()
    predictions: Mapped[list[Prediction]] = relationship(back_populates="post")


class Prediction(Base):
    __tablename__ = "prediction"
    __table_args__ = (UniqueConstraint("post_id", "model_version", name="uq_prediction_post_model"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(20), doc="partisan|not_partisan")
    score: Mapped[float] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(16), doc="NET-* code")
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="predictions")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    agency: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewItem(Base):
    """A flagged post waiting for (or past) human review."""

    __tablename__ = "review_item"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), unique=True)
    prediction_id: Mapped[int | None] = mapped_column(ForeignKey("prediction.id", ondelete="SET NULL"))
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus, "review_status"),
                                                 default=ReviewStatus.BARU, index=True)
    score: Mapped[float] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(16))
    election: Mapped[str | None] = mapped_column(String(100))
    known_at: Mapped[datetime] = mapped_column(default=utcnow,
                                               doc="When it became known: starts the 7-day clock.")
    queued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    claimed_at: Mapped[datetime | None]
    claim_expires_at: Mapped[datetime | None]
    first_reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    routed_to: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    post: Mapped[Post] = relationship()
    prediction: Mapped[Prediction | None] = relationship()
    decisions: Mapped[list[Decision]] = relationship(back_populates="item",
                                                     order_by="Decision.id")


class Decision(Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(16))
    routed_to: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ReviewItem] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """Append-only, hash-chained audit log (see pantau.audit)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True,
                                           doc="Unique: two events can never follow the same one.")
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class PipelineRun(Base):
    """One run of the nightly flow (or an import); its summary is stored here."""

    __tablename__ = "pipeline_run"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="nightly")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CollectionRun(Base):
    """One source's part of a pipeline run: cursor movement, counts and errors."""

    __tablename__ = "collection_run"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pipeline_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("pipeline_run.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    source_label: Mapped[str] = mapped_column(String(300))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running", doc="running|ok|failed")
    cursor_before: Mapped[str | None] = mapped_column(String(200))
    cursor_after: Mapped[str | None] = mapped_column(String(200))
    collected: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)


class Recheck(Base):
    """One re-check of a flagged post at its source: still there, edited or deleted.

    Each re-check that fetched something points to a new ``Capture``; the post's original
    capture is never replaced.
    """

    __tablename__ = "recheck"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16), doc="ok|edited|deleted|error")
    status_code: Mapped[int | None] = mapped_column(Integer)
    diff: Mapped[str | None] = mapped_column(Text, doc="Unified diff original → current text.")
    detail: Mapped[str | None] = mapped_column(Text)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    capture: Mapped[Capture | None] = relationship()
