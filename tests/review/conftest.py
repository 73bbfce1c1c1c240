"""Fixtures for the review app: a seeded database, a TestClient and a login helper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from pantau.config import Settings
from pantau.db.models import ReviewItem, Role, User
from pantau.db.session import session_scope
from review.app import create_app
from tests.review import factories as f

OFFICE = "Kesbangpol Provinsi Kalbar"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Seed:
    items: list[int]
    conflict_item: int  # a person from the reviewers' own agency


@pytest.fixture
def seed(db: Settings) -> Seed:
    with session_scope(db) as s:
        f.user(s, "ana", Role.ANALIS, agency=OFFICE)
        f.user(s, "budi", Role.ANALIS, agency=OFFICE)
        f.user(s, "sari", Role.SUPERVISOR, agency=OFFICE)
        f.user(s, "tono", Role.SUPERVISOR, agency=OFFICE)
        f.user(s, "adm", Role.ADMIN, agency=OFFICE)
        f.user(s, "aud", Role.AUDITOR, agency=OFFICE)
        items = [f.flagged(s, f"Ayo coblos nomor 2 ke-{i}", score=0.95 - i * 0.1).id
                 for i in range(3)]
        own = f.person(s, "Pegawai Kantor Sendiri", agency=OFFICE, unit="Sekretariat")
        conflict = f.flagged(s, "Salam dua jari dari kantor", own, score=0.5).id
    return Seed(items=items, conflict_item=conflict)


@pytest.fixture
def app_client(db: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as client:
        yield client


def csrf_of(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token in page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = f.PASSWORD) -> str:
    """Sign in; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    resp = client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})
    assert resp.status_code == 200, resp.text[:500]
    return csrf_of(resp.text)


def make_client(db: Settings) -> TestClient:
    return TestClient(create_app(db))


def item(db: Settings, item_id: int) -> ReviewItem:
    with session_scope(db) as s:
        obj = s.get(ReviewItem, item_id)
        assert obj is not None
        s.expunge(obj)
        return obj


def user_row(db: Settings, username: str) -> User:
    from sqlalchemy import select

    with session_scope(db) as s:
        u = s.execute(select(User).where(User.username == username)).scalar_one()
        s.expunge(u)
        return u
