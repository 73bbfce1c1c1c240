"""Test data for the review app, built with the ORM directly."""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from pantau.db.models import (
    Account,
    EmploymentType,
    Person,
    Post,
    Prediction,
    ReviewItem,
    ReviewStatus,
    Role,
    Source,
    User,
)
from pantau.db.types import utcnow
from review.auth import hash_password

PASSWORD = "kata-sandi-uji-123"
_seq = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}


def user(session: Session, username: str, role: Role | str = Role.ANALIS,
         agency: str = "Kesbangpol Provinsi", unit: str | None = "Bidang Politik",
         password: str = PASSWORD, **kw: Any) -> User:
    if password not in _HASH_CACHE:  # argon2 is slow on purpose; hash once per test run
        _HASH_CACHE[password] = hash_password(password)
    u = User(username=username, full_name=kw.pop("full_name", username.title()),
             role=Role(role), agency=agency, unit=unit, password_hash=_HASH_CACHE[password],
             active=kw.pop("active", True), failed_logins=0, **kw)
    session.add(u)
    session.flush()
    return u


def person(session: Session, name: str | None = None, agency: str = "Pemerintah Kab. Kubu Raya",
           unit: str | None = "Dinas Pendidikan", nip: str | None = None, **kw: Any) -> Person:
    n = next(_seq)
    p = Person(name=name or f"Pegawai {n}", nip=nip if nip is not None else f"19860101201001{n:04d}",
               employment_type=kw.pop("employment_type", EmploymentType.PNS),
               position=kw.pop("position", "Guru Ahli Pertama"), unit=unit, agency=agency, **kw)
    session.add(p)
    session.flush()
    return p


def account(session: Session, who: Person, platform: str = "telegram",
            handle: str | None = None) -> Account:
    a = Account(person_id=who.id, platform=platform, handle=handle or f"akun{next(_seq)}")
    session.add(a)
    session.flush()
    return a


def source(session: Session, platform: str = "telegram", key: str | None = None) -> Source:
    s = Source(platform=platform, key=key or f"kanal-{next(_seq)}", name="Kanal uji")
    session.add(s)
    session.flush()
    return s


def post(session: Session, text: str, who: Person | None = None, *, platform: str = "telegram",
         posted_at: datetime | None = None, thread_key: str | None = None,
         acct: Account | None = None, src: Source | None = None, **kw: Any) -> Post:
    n = next(_seq)
    p = Post(platform=platform, external_id=f"ext-{n}", source_id=src.id if src else None,
             account_id=acct.id if acct else None, person_id=who.id if who else None,
             match_status="matched" if who else "context",
             author_name=who.name if who else kw.pop("author_name", "Anggota grup"),
             author_handle=acct.handle if acct else None,
             posted_at=posted_at or utcnow() - timedelta(hours=20), text=text,
             thread_key=thread_key, raw={"text": text},
             content_sha256=hashlib.sha256(f"{n}{text}".encode()).hexdigest(), **kw)
    session.add(p)
    session.flush()
    return p


def flagged(session: Session, text: str = "Ayo coblos nomor 2, menangkan!",
            who: Person | None = None, *, score: float = 0.9, category: str | None = "NET-KMS",
            status: ReviewStatus = ReviewStatus.BARU, queued_at: datetime | None = None,
            known_at: datetime | None = None, election: str | None = "Pilkada Kalbar 2024",
            explanation: dict[str, Any] | None = None, platform: str = "telegram",
            **post_kw: Any) -> ReviewItem:
    """A post, its prediction and its review item (the usual unit of test data)."""
    who = who if who is not None else person(session)
    p = post(session, text, who, platform=platform, **post_kw)
    pred = Prediction(post_id=p.id, model_version="uji-1", label="partisan", score=score,
                      category=category,
                      explanation=explanation if explanation is not None else
                      {"terms": [["coblos", 0.8], ["menangkan", 0.5]],
                       "watchlist": [{"election": election, "match": "nomor 2"}]})
    session.add(pred)
    session.flush()
    when = queued_at or utcnow() - timedelta(hours=12)
    item = ReviewItem(post_id=p.id, prediction_id=pred.id, status=status, score=score,
                      category=category, election=election, known_at=known_at or when,
                      queued_at=when)
    session.add(item)
    session.flush()
    return item
