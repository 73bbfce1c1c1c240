"""Append-only, hash-chained audit log.

Each event's hash covers its content and the previous event's hash, so editing or deleting
any stored event breaks the chain from that point on; ``verify`` finds where. ``prev_hash``
is unique in the schema, so two writers can never both append after the same event.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pantau.db.models import AuditEvent
from pantau.db.types import utcnow

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x70616E746175  # "pantau"


def _event_hash(prev_hash: str, at: datetime, actor: str, action: str, object_type: str | None,
                object_id: str | None, details: dict[str, Any]) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Serialise appenders for the rest of the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    else:  # SQLite: a write statement takes the database write lock until commit
        session.execute(text("DELETE FROM audit_event WHERE 0 = 1"))


def record(session: Session, actor: str, action: str, *, object_type: str | None = None,
           object_id: str | int | None = None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the change it records)."""
    _lock_chain(session)
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = utcnow()
    details = json.loads(json.dumps(details or {}, default=str))
    oid = None if object_id is None else str(object_id)
    event = AuditEvent(at=at, actor=actor, action=action, object_type=object_type, object_id=oid,
                       details=details, prev_hash=prev,
                       hash=_event_hash(prev, at, actor, action, object_type, oid, details))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    problem: str


def verify(session: Session) -> list[ChainProblem]:
    """Check the whole chain; an empty list means intact."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if ev.prev_hash != prev:
            problems.append(ChainProblem(ev.id, "rantai terputus: peristiwa sebelumnya diubah atau dihapus"))
        expected = _event_hash(ev.prev_hash, ev.at, ev.actor, ev.action, ev.object_type,
                               ev.object_id, ev.details)
        if ev.hash != expected:
            problems.append(ChainProblem(ev.id, "isi peristiwa diubah (hash tidak cocok)"))
        prev = ev.hash
    return problems


def events_for(session: Session, object_type: str, object_id: str | int) -> list[AuditEvent]:
    stmt = (select(AuditEvent).where(AuditEvent.object_type == object_type,
                                     AuditEvent.object_id == str(object_id)).order_by(AuditEvent.id))
    return list(session.execute(stmt).scalars())
