from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from pantau import audit
from pantau.db.models import AuditEvent


def _three_events(session: Session) -> None:
    audit.record(session, "analis1", "item.view", object_type="review_item", object_id=1)
    audit.record(session, "analis1", "item.decide", object_type="review_item", object_id=1,
                 details={"to": "dugaan_pelanggaran", "reason": "ajakan memilih nomor 2"})
    audit.record(session, "spv", "item.confirm", object_type="review_item", object_id=1)
    session.commit()


def test_intact_chain_verifies(session: Session) -> None:
    _three_events(session)
    assert audit.verify(session) == []
    events = audit.events_for(session, "review_item", 1)
    assert [e.action for e in events] == ["item.view", "item.decide", "item.confirm"]
    assert events[1].prev_hash == events[0].hash


def test_edited_event_is_detected(session: Session) -> None:
    _three_events(session)
    session.execute(update(AuditEvent).where(AuditEvent.id == 2)
                    .values(details={"to": "bukan_pelanggaran", "reason": "diubah"}))
    session.commit()
    problems = audit.verify(session)
    assert [p.event_id for p in problems] == [2]
    assert "diubah" in problems[0].problem


def test_deleted_event_is_detected(session: Session) -> None:
    _three_events(session)
    session.execute(delete(AuditEvent).where(AuditEvent.id == 2))
    session.commit()
    problems = audit.verify(session)
    assert [p.event_id for p in problems] == [3]
    assert "terputus" in problems[0].problem
