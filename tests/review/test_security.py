"""Security: inert hostile content, CSRF, roles, conflict guard, cookie flags, lockout."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from pantau.config import Settings
from pantau.db.models import AuditEvent, ReviewStatus
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from tests.review import factories as f
from tests.review.conftest import Seed, csrf_of, item, login, user_row

HOSTILE = ('<script>alert("xss")</script><img src=x onerror="alert(1)">'
           '<a href="javascript:alert(2)">klik</a> coblos')


def test_hostile_post_is_escaped(db: Settings, seed: Seed, app_client: TestClient) -> None:
    with session_scope(db) as s:
        it = f.flagged(s, HOSTILE, f.person(s, name='<b onmouseover="x()">Nama</b>'),
                       explanation={"terms": [["<script>", 0.9]],
                                    "watchlist": [{"match": "<img src=y onerror=z>"}]},
                       url="javascript:alert(3)")
    login(app_client, "ana")
    for url in ("/antrean", f"/butir/{it.id}"):
        html = app_client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'onerror="alert' not in html and "<b onmouseover" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in html or "&lt;img" in html
    resp = app_client.get(f"/butir/{it.id}")
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["cache-control"] == "no-store"  # personal data stays out of caches


def test_state_changes_need_csrf(db: Settings, seed: Seed, app_client: TestClient) -> None:
    token = csrf_of(app_client.get("/login").text)
    r = app_client.post("/login", data={"username": "ana", "password": f.PASSWORD})
    assert r.status_code == 403
    assert not app_client.cookies.get("pantau_sesi") or "uid" not in r.text
    token = login(app_client, "ana")
    for url, data in (("/antrean/ambil-berikutnya", {}),
                      (f"/butir/{seed.items[0]}/ambil", {}),
                      (f"/butir/{seed.items[0]}/keputusan",
                       {"status": "bukan_pelanggaran", "alasan": "x"}),
                      ("/logout", {})):
        assert app_client.post(url, data=data).status_code == 403
        assert app_client.post(url, data={**data, "csrf_token": "salah"}).status_code == 403
    assert item(db, seed.items[0]).status == ReviewStatus.BARU  # nothing changed
    # the right token in the HTMX header works
    r = app_client.post(f"/butir/{seed.items[0]}/ambil", headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and item(db, seed.items[0]).claimed_by_id is not None


def test_roles_are_enforced(db: Settings, seed: Seed, app_client: TestClient) -> None:
    token = login(app_client, "ana")
    it = seed.items[0]
    assert app_client.get("/audit").status_code == 403
    assert app_client.get("/admin/pengguna").status_code == 403
    assert app_client.post("/admin/pengguna", data={"csrf_token": token, "username": "x",
                                                    "role": "admin", "agency": "X",
                                                    "password": "p" * 12}).status_code == 403
    for url, data in ((f"/butir/{it}/tinjauan-kedua", {"status": "terkonfirmasi"}),
                      (f"/butir/{it}/teruskan", {"tujuan": "BKN", "referensi": "1"})):
        r = app_client.post(url, data={**data, "csrf_token": token, "alasan": "x"})
        assert r.status_code == 403
    aud = TestClient(app_client.app)
    at = login(aud, "aud")
    assert aud.get("/audit").status_code == 200
    assert aud.post("/antrean/ambil-berikutnya", data={"csrf_token": at}).status_code == 403
    assert aud.post(f"/butir/{it}/ambil", data={"csrf_token": at}).status_code == 403
    assert item(db, it).status == ReviewStatus.BARU


def test_conflict_of_interest_refused_and_audited(db: Settings, seed: Seed,
                                                  app_client: TestClient) -> None:
    token = login(app_client, "ana")
    page = app_client.get(f"/butir/{seed.conflict_item}").text
    assert "Konflik kepentingan" in page and 'id="ambil"' not in page
    r = app_client.post(f"/butir/{seed.conflict_item}/ambil", data={"csrf_token": token})
    assert r.status_code == 403 and "Konflik kepentingan" in r.text
    with session_scope(db) as s:  # a supervisor of the same agency cannot either
        it = s.get(type(item(db, seed.conflict_item)), seed.conflict_item)
        it.status = ReviewStatus.DUGAAN_PELANGGARAN
        it.first_reviewer_id = user_row(db, "budi").id
    sup = TestClient(app_client.app)
    st = login(sup, "sari")
    r = sup.post(f"/butir/{seed.conflict_item}/tinjauan-kedua",
                 data={"csrf_token": st, "status": "terkonfirmasi", "alasan": "ok"})
    assert r.status_code == 403 and "Konflik kepentingan" in r.text
    assert item(db, seed.conflict_item).status == ReviewStatus.DUGAAN_PELANGGARAN
    with session_scope(db) as s:
        actors = s.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "conflict_of_interest.refused")).scalars().all()
    assert sorted(actors) == ["ana", "sari"]


def test_session_cookie_flags(db: Settings, seed: Seed) -> None:
    from review.app import create_app

    secure = db.model_copy(update={"review": db.review.model_copy(update={"cookie_secure": True})})
    for settings, want_secure in ((db, False), (secure, True)):
        client = TestClient(create_app(settings), base_url="https://testserver")
        client.get("/login")
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"username": "ana", "password": f.PASSWORD,
                                        "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("secure" in cookie.replace("samesite", "")) is want_secure


def test_lockout_after_failed_logins(db: Settings, seed: Seed, app_client: TestClient) -> None:
    token = csrf_of(app_client.get("/login").text)
    n = db.review.max_failed_logins
    for _ in range(n - 1):
        r = app_client.post("/login", data={"username": "ana", "password": "salah",
                                            "csrf_token": token})
        assert r.status_code == 401 and "salah" in r.text
    r = app_client.post("/login", data={"username": "ana", "password": "salah",
                                        "csrf_token": token})
    assert r.status_code == 401 and "dikunci" in r.text
    # even the right password is refused while locked
    r = app_client.post("/login", data={"username": "ana", "password": f.PASSWORD,
                                        "csrf_token": token})
    assert r.status_code == 401 and "dikunci" in r.text
    locked = user_row(db, "ana").locked_until
    assert locked is not None and locked > utcnow() + timedelta(minutes=db.review.lockout_minutes - 1)
    with session_scope(db) as s:
        acts = s.execute(select(AuditEvent.action).where(AuditEvent.actor == "ana")).scalars().all()
    assert acts.count("login.failed") == n + 1 and acts.count("login.locked") == 1
    with session_scope(db) as s:  # the lock ends by itself
        u = s.get(type(user_row(db, "ana")), user_row(db, "ana").id)
        u.locked_until = utcnow() - timedelta(seconds=1)
    login(app_client, "ana")
