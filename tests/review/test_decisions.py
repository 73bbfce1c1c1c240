"""State machine and guards (review.decisions), without HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pantau import audit
from pantau.config import Settings
from pantau.db.models import AuditEvent, Decision, ReviewStatus, User
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from review import decisions as dec
from tests.review.conftest import Seed

S = ReviewStatus


def _user(s, name: str) -> User:  # type: ignore[no-untyped-def]
    return s.execute(select(User).where(User.username == name)).scalar_one()


def test_full_lifecycle_with_four_eyes(db: Settings, seed: Seed) -> None:
    top = seed.items[0]
    with session_scope(db) as s:
        ana = _user(s, "ana")
        got = dec.claim_next(s, ana, claim_minutes=30)
        assert got is not None and got.id == top  # highest score first
        assert got.status == S.DITINJAU and got.claimed_by_id == ana.id
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, ana, top, dec.DecisionInput(S.DUGAAN_PELANGGARAN, "   "))
        assert e.value.code == "reason"
        dec.decide(s, ana, top, dec.DecisionInput(S.DUGAAN_PELANGGARAN, "ajakan mencoblos",
                                                  category="NET-AJK"))
    with session_scope(db) as s:
        ana, sari, tono = _user(s, "ana"), _user(s, "sari"), _user(s, "tono")
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, ana, top, dec.DecisionInput(S.TERKONFIRMASI, "saya yakin"))
        assert e.value.code == "role"
        # sari reviews first-hand on another item, so she cannot confirm her own
        second = seed.items[1]
        dec.claim(s, sari, second, claim_minutes=30)
        dec.decide(s, sari, second, dec.DecisionInput(S.DUGAAN_PELANGGARAN, "jelas"))
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, sari, second, dec.DecisionInput(S.TERKONFIRMASI, "sendiri"))
        assert e.value.code == "four_eyes"
        dec.decide(s, tono, top, dec.DecisionInput(S.TERKONFIRMASI, "terbukti"))
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, tono, top, dec.DecisionInput(S.DITERUSKAN, "lapor", routed_to="KPK",
                                                       reference="1"))
        assert e.value.code == "route"
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, tono, top, dec.DecisionInput(S.DITERUSKAN, "lapor", routed_to="BKN"))
        assert e.value.code == "reference"
        dec.decide(s, tono, top, dec.DecisionInput(S.DITERUSKAN, "lapor", routed_to="Bawaslu",
                                                   reference="001/LP/PB/2024"))
    with session_scope(db) as s:
        decisions = s.execute(select(Decision).where(Decision.item_id == top)
                              .order_by(Decision.id)).scalars().all()
        assert [(d.from_status, d.to_status) for d in decisions] == [
            ("ditinjau", "dugaan_pelanggaran"), ("dugaan_pelanggaran", "terkonfirmasi"),
            ("terkonfirmasi", "diteruskan")]
        assert decisions[0].category == "NET-AJK"
        item = dec.person_of(s, decisions[0].item)
        assert item is not None
        acts = [e.action for e in audit.events_for(s, "review_item", top)]
        assert acts == ["review.claim", "review.decide", "review.decide", "review.decide"]
        assert audit.verify(s) == []


def test_invalid_transition_and_unclaimed(db: Settings, seed: Seed) -> None:
    with session_scope(db) as s:
        ana = _user(s, "ana")
        with pytest.raises(dec.DecisionError) as e:  # still "baru": must be claimed first
            dec.decide(s, ana, seed.items[0], dec.DecisionInput(S.BUKAN_PELANGGARAN, "x"))
        assert e.value.code == "transition"
        dec.claim(s, ana, seed.items[0], claim_minutes=30)
        budi = _user(s, "budi")
        with pytest.raises(dec.DecisionError) as e:
            dec.decide(s, budi, seed.items[0], dec.DecisionInput(S.BUKAN_PELANGGARAN, "x"))
        assert e.value.code == "claimed"
        with pytest.raises(dec.DecisionError) as e:
            dec.claim(s, budi, seed.items[0], claim_minutes=30)
        assert e.value.code == "claimed"


def test_claim_expires(db: Settings, seed: Seed) -> None:
    with session_scope(db) as s:
        ana, budi = _user(s, "ana"), _user(s, "budi")
        dec.claim(s, ana, seed.items[0], claim_minutes=30)
    with session_scope(db) as s:
        budi = _user(s, "budi")
        later = utcnow() + timedelta(minutes=31)
        got = dec.claim(s, budi, seed.items[0], claim_minutes=30, now=later)
        assert got.claimed_by_id == budi.id


def test_conflict_of_interest_guard(db: Settings, seed: Seed) -> None:
    with session_scope(db) as s:
        ana = _user(s, "ana")
        with pytest.raises(dec.DecisionError) as e:
            dec.claim(s, ana, seed.conflict_item, claim_minutes=30)
        assert e.value.code == "conflict"
        dec.record_refusal(s, ana, seed.conflict_item, e.value)
        # claim_next never hands out an own-agency item
        taken = {dec.claim_next(s, ana, claim_minutes=30) for _ in range(5)}
        assert seed.conflict_item not in {i.id for i in taken if i is not None}
    with session_scope(db) as s:
        ev = s.execute(select(AuditEvent).where(
            AuditEvent.action == "conflict_of_interest.refused")).scalar_one()
        assert ev.object_id == str(seed.conflict_item) and ev.actor == "ana"


def test_days_left(db: Settings) -> None:
    now = utcnow()
    tz = db.tz
    assert dec.days_left(now, 7, tz, now) == 7
    assert dec.days_left(now - timedelta(days=9), 7, tz, now) == -2
