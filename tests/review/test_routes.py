"""HTTP routes with TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from pantau.config import Settings
from pantau.db.models import AuditEvent, Capture, Post, ReviewItem, ReviewStatus, User
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from tests.review import factories as f
from tests.review.conftest import Seed, csrf_of, item, login


def _events(db: Settings, action: str) -> list[AuditEvent]:
    with session_scope(db) as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).scalars())


def test_login_required_and_queue_sorted(db: Settings, seed: Seed, app_client: TestClient) -> None:
    r = app_client.get("/antrean", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login(app_client, "ana")
    html = app_client.get("/antrean").text
    pos = [html.index(f"/butir/{i}\"") for i in seed.items]
    assert pos == sorted(pos), "queue must be sorted by score, highest first"
    assert "Ambil berikutnya" in html and re.search(r"sisa [67] hari", html)
    assert re.search(r"Baru</span><b>4</b>", html)


def test_queue_filters_and_default_day(db: Settings, seed: Seed, app_client: TestClient) -> None:
    with session_scope(db) as s:
        old = f.flagged(s, "Lama dan sudah selesai", score=0.99,
                        status=ReviewStatus.BUKAN_PELANGGARAN,
                        queued_at=utcnow() - timedelta(days=10), platform="rss")
        f.flagged(s, "Unggahan di X", score=0.7, platform="x", category="NET-FTO")
    login(app_client, "ana")
    html = app_client.get("/antrean").text
    assert f"/butir/{old.id}\"" not in html  # closed and not from yesterday
    html = app_client.get("/antrean?platform=x").text
    assert "Unggahan di X" in html and "coblos" not in html
    html = app_client.get("/antrean?kategori=NET-FTO&skor_min=0.6&skor_maks=0.8").text
    assert "Unggahan di X" in html
    html = app_client.get("/antrean?skor_min=0.96").text
    assert "Tidak ada butir" in html
    day = (utcnow() - timedelta(days=10)).astimezone(db.tz).date().isoformat()
    html = app_client.get(f"/antrean?tanggal={day}&terbuka=0").text
    assert f"/butir/{old.id}\"" in html and "Unggahan di X" not in html
    # the form sends a hidden terbuka=0 before the checkbox: checked wins, unchecked stays 0
    html = app_client.get(f"/antrean?tanggal={day}&terbuka=0&terbuka=1").text
    assert f"/butir/{old.id}\"" in html and "Unggahan di X" in html
    # HTMX filter requests get the table fragment only
    frag = app_client.get("/antrean?platform=x", headers={"HX-Request": "true",
                                                         "HX-Target": "hasil"}).text
    assert "<html" not in frag and "Unggahan di X" in frag


def test_item_page_context_terms_and_nip(db: Settings, seed: Seed, app_client: TestClient) -> None:
    with session_scope(db) as s:
        who = f.person(s, "Rina", nip="198601012010012001")
        base = utcnow() - timedelta(hours=30)
        f.post(s, "Pesan sebelumnya di grup", None, posted_at=base, thread_key="grup-1")
        it = f.flagged(s, "Menangkan nomor 2! coblos", who, thread_key="grup-1",
                       posted_at=base + timedelta(minutes=5))
        f.post(s, "Balasan sesudahnya", None, posted_at=base + timedelta(minutes=9),
               thread_key="grup-1")
    login(app_client, "ana")
    html = app_client.get(f"/butir/{it.id}").text
    assert html.index("Pesan sebelumnya") < html.index("Balasan sesudahnya")
    assert "<mark>coblos</mark>" in html and "<mark>Menangkan</mark>" in html
    assert "1986********2001" in html and "198601012010012001" not in html
    assert not _events(db, "nip.view")
    sup = TestClient(app_client.app)
    login(sup, "sari")
    assert "198601012010012001" in sup.get(f"/butir/{it.id}").text
    ev = _events(db, "nip.view")
    assert len(ev) == 1 and ev[0].actor == "sari"


def test_claim_decide_second_review_forward_over_http(db: Settings, seed: Seed,
                                                      app_client: TestClient) -> None:
    token = login(app_client, "ana")
    r = app_client.post("/antrean/ambil-berikutnya", data={"csrf_token": token})
    assert r.url.path == f"/butir/{seed.items[0]}"
    it = seed.items[0]
    r = app_client.post(f"/butir/{it}/keputusan",
                        data={"csrf_token": token, "status": "dugaan_pelanggaran", "alasan": ""})
    assert r.status_code == 422 and "Alasan wajib" in r.text
    r = app_client.post(f"/butir/{it}/keputusan",
                        data={"csrf_token": token, "status": "dugaan_pelanggaran",
                              "alasan": "Ajakan memilih", "kategori": "NET-AJK", "lanjut": "1"})
    assert r.url.path == f"/butir/{seed.items[1]}"  # saved and claimed the next one
    r = app_client.post(f"/butir/{seed.items[1]}/lepas", data={"csrf_token": token})
    assert r.url.path == "/antrean" and item(db, seed.items[1]).claimed_by_id is None
    assert item(db, it).status == ReviewStatus.DUGAAN_PELANGGARAN
    assert item(db, it).category == "NET-AJK"

    sup = TestClient(app_client.app)
    st = login(sup, "sari")
    page = sup.get(f"/butir/{it}").text
    assert "form-tinjauan-kedua" in page
    r = sup.post(f"/butir/{it}/tinjauan-kedua",
                 data={"csrf_token": st, "status": "terkonfirmasi", "alasan": "Terbukti"})
    assert r.status_code == 200 and "form-teruskan" in r.text
    r = sup.post(f"/butir/{it}/teruskan", data={"csrf_token": st, "tujuan": "Bawaslu",
                                                "referensi": "012/PL/2024", "alasan": "Lapor"})
    assert r.status_code == 200
    final = item(db, it)
    assert final.status == ReviewStatus.DITERUSKAN and final.routed_to == "Bawaslu"
    assert final.reference == "012/PL/2024"
    history = sup.get(f"/butir/{it}").text
    assert "Ajakan memilih" in history and "012/PL/2024" in history


def test_archived_capture_is_inert_and_audited(db: Settings, seed: Seed, tmp_path: Path,
                                               app_client: TestClient) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = b"<html><script>alert('x')</script><p>Ayo coblos</p></html>"
    path = tmp_path / "cap.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        rec = writer.create_warc_record(
            "https://t.me/s/kanal/1", "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1"))
        writer.write_record(rec)
    with session_scope(db) as s:
        cap = Capture(url="https://t.me/s/kanal/1", sha256=hashlib.sha256(body).hexdigest(),
                      status_code=200, content_type="text/html", size=len(body),
                      warc_path=str(path), warc_offset=0)
        s.add(cap)
        s.flush()
        post = s.execute(select(Post).join(ReviewItem, ReviewItem.post_id == Post.id)
                         .where(ReviewItem.id == seed.items[0])).scalar_one()
        post.capture_id = cap.id
    login(app_client, "aud")
    assert "/arsip" in app_client.get(f"/butir/{seed.items[0]}").text
    r = app_client.get(f"/butir/{seed.items[0]}/arsip")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert "sandbox" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert('x')</script>" in r.text  # shown as text, never as HTML
    ev = _events(db, "evidence.view")
    assert len(ev) == 1 and ev[0].actor == "aud" and ev[0].details["review_item"] == seed.items[0]
    assert app_client.get(f"/butir/{seed.items[1]}/arsip").status_code == 404


def test_dashboard_audit_log_and_users(db: Settings, seed: Seed, app_client: TestClient) -> None:
    from review import decisions as dec

    with session_scope(db) as s:
        ana = s.execute(select(User).where(User.username == "ana")).scalar_one()
        dec.claim(s, ana, seed.items[0], claim_minutes=30)
        dec.decide(s, ana, seed.items[0],
                   dec.DecisionInput(ReviewStatus.BUKAN_PELANGGARAN, "berita biasa"))
    token = login(app_client, "adm")
    dash = app_client.get("/dasbor")
    assert dash.status_code == 200 and dash.text.count("<svg") >= 8
    assert "Dinas Pendidikan" in dash.text and "Keputusan per OPD" in dash.text
    assert "Keputusan per platform" in dash.text and "Keputusan per kategori" in dash.text
    log = app_client.get("/audit?aksi=login.ok")
    assert log.status_code == 200 and "Rantai utuh" in log.text and "login.ok" in log.text
    r = app_client.post("/admin/pengguna", data={
        "csrf_token": token, "username": "baru", "full_name": "Pengguna Baru", "role": "analis",
        "agency": "Inspektorat", "unit": "", "password": "sandi-panjang-123"})
    assert r.status_code == 200 and "baru" in r.text
    r = app_client.post("/admin/pengguna", data={
        "csrf_token": token, "username": "pendek", "role": "analis", "agency": "X",
        "password": "123"})
    assert "minimal 10" in r.text
    app_client.post("/admin/pengguna/baru/status", data={"csrf_token": token, "aktif": "0"})
    other = TestClient(app_client.app)
    t2 = csrf_of(other.get("/login").text)
    r = other.post("/login", data={"username": "baru", "password": "sandi-panjang-123",
                                   "csrf_token": t2})
    assert r.status_code == 401
    # tampering with a stored event shows up as a broken chain
    with session_scope(db) as s:
        ev = s.execute(select(AuditEvent).order_by(AuditEvent.id).limit(1)).scalar_one()
        ev.details = {"diubah": True}
    assert "Rantai RUSAK" in app_client.get("/audit").text


def test_english_catalogue(db: Settings, seed: Seed) -> None:
    from review.app import create_app
    from review.i18n import catalogue

    assert set(catalogue("id")) == set(catalogue("en"))
    settings = db.model_copy(update={"review": db.review.model_copy(update={"language": "en"})})
    client = TestClient(create_app(settings))
    login(client, "ana")
    html = client.get("/antrean").text
    assert "Review queue" in html and "Claim next" in html and "Antrean tinjauan" not in html


def test_extension_points(db: Settings, seed: Seed) -> None:
    from fastapi import APIRouter, Depends
    from fastapi.responses import PlainTextResponse

    from review import app as app_module
    from review.auth import current_user

    extra = APIRouter()

    @extra.get("/butir/{item_id}/contoh")
    def contoh(item_id: int, user: User = Depends(current_user)) -> PlainTextResponse:
        return PlainTextResponse(f"{user.username}:{item_id}")

    app_module.ITEM_ACTIONS.append(app_module.ItemAction("Paket bukti", "/butir/{id}/contoh"))
    try:
        client = TestClient(app_module.create_app(db, extra_routers=[extra]))
    finally:
        app_module.ITEM_ACTIONS.pop()
    login(client, "ana")
    it = seed.items[0]
    assert f'href="/butir/{it}/contoh"' in client.get(f"/butir/{it}").text
    assert client.get(f"/butir/{it}/contoh").text == f"ana:{it}"
