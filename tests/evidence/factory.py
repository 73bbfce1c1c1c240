"""Small ORM factory for evidence tests: a registered ASN, a flagged post with a real WARC
capture (or a group-export message with context), a prediction, decisions and audit events."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pantau import audit
from pantau.db.models import (
    Account,
    Capture,
    Decision,
    EmploymentType,
    ImportFile,
    Person,
    Post,
    Prediction,
    ReviewItem,
    ReviewStatus,
    Role,
    User,
)

POSTED = datetime(2024, 10, 12, 3, 5, tzinfo=UTC)  # 10.05 WIB
KNOWN = datetime(2024, 10, 13, 1, 30, tzinfo=UTC)
TEXT = ("Yang masih ragu, lihat rekam jejaknya. Nomor 2 Norsan–Krisantus paling layak pimpin "
        "Kalbar! Ayo coblos nomor 2 ✌️ #NorsanKrisantus")
NIP = "198609262015051001"
URL = "https://t.me/infopemprovkalbar/4821"

PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Info Pemprov</title>
<script>document.title='x';fetch('https://example.com/beacon')</script>
<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>
<body style="font-family:sans-serif;margin:0">
<div class="tgme_widget_message_wrap" style="padding:24px">
<div class="tgme_widget_message_author"><b>Budi Santoso</b> @budi_ptk</div>
<div class="tgme_widget_message_text js-message_text">{TEXT}</div>
<img src="https://cdn.example.com/photo.jpg" alt="foto">
<time datetime="2024-10-12T03:05:00+00:00">10.05</time></div></body></html>"""


def write_warc(path: Path, url: str, body: bytes, *, status: str = "200 OK") -> tuple[int, str]:
    """A warcinfo record, then response + request; returns the response offset and id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as out:
        w = WARCWriter(out, gzip=True)
        if out.tell() == 0:
            w.write_record(w.create_warcinfo_record(path.name, {"software": "pantau-test"}))
        resp = w.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2024-10-12T04:00:00Z"})
        rid = resp.rec_headers.get_header("WARC-Record-ID")
        offset = out.tell()
        w.write_record(resp)
        req = w.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders("GET /infopemprovkalbar/4821 HTTP/1.1",
                                          [("Host", "t.me")], is_http_request=True),
            warc_headers_dict={"WARC-Date": "2024-10-12T04:00:00Z", "WARC-Concurrent-To": rid})
        w.write_record(req)
    return offset, rid


@dataclass
class Built:
    item_id: int
    post_id: int


def make_person(session: Session, *, nip: str = NIP, name: str = "Budi Santoso, S.Kom.",
                unit: str = "Dinas Komunikasi dan Informatika") -> Person:
    person = Person(nip=nip, name=name, employment_type=EmploymentType.PNS,
                    position="Pranata Komputer Ahli Muda", unit=unit,
                    agency="Pemerintah Provinsi Kalimantan Barat", region="Kalimantan Barat")
    session.add(person)
    session.flush()
    return person


def make_users(session: Session) -> tuple[User, User]:
    existing = {u.username: u for u in session.execute(select(User)).scalars()}
    if "analis1" in existing and "spv1" in existing:
        return existing["analis1"], existing["spv1"]
    a = User(username="analis1", full_name="Siti Rahmawati", password_hash="x",
             role=Role.ANALIS, agency="Kesbangpol")
    s = User(username="spv1", full_name="Ahmad Fauzi", password_hash="x",
             role=Role.SUPERVISOR, agency="Kesbangpol")
    session.add_all([a, s])
    session.flush()
    return a, s


def make_web_case(session: Session, warc_dir: Path, *, person: Person | None = None,
                  users: tuple[User, User] | None = None, external_id: str = "4821",
                  url: str = URL, text: str = TEXT, category: str = "NET-KMS",
                  status: ReviewStatus = ReviewStatus.TERKONFIRMASI,
                  platform: str = "telegram", posted: datetime = POSTED,
                  known: datetime = KNOWN, decide: bool = True) -> Built:
    person = person or make_person(session)
    acc = Account(person_id=person.id, platform=platform, handle=f"budi_ptk_{external_id}",
                  url="https://t.me/budi_ptk", display_name="Budi Santoso")
    session.add(acc)
    body = PAGE.replace(TEXT, text).encode("utf-8")
    warc = warc_dir / "test-00001.warc.gz"
    offset, rid = write_warc(warc, url, body)
    cap = Capture(url=url, sha256=hashlib.sha256(body).hexdigest(), status_code=200,
                  content_type="text/html; charset=utf-8", size=len(body), warc_path=str(warc),
                  warc_record_id=rid, warc_offset=offset,
                  fetched_at=posted + timedelta(minutes=55))
    session.add(cap)
    session.flush()
    post = Post(platform=platform, external_id=external_id, account_id=acc.id,
                person_id=person.id, match_method="account", match_confidence=1.0,
                match_status="matched", author_name="Budi Santoso", author_handle="@budi_ptk",
                posted_at=posted, fetched_at=cap.fetched_at, url=url, text=text,
                content_sha256=hashlib.sha256(text.encode()).hexdigest(), capture_id=cap.id,
                created_at=cap.fetched_at)
    session.add(post)
    session.flush()
    return _review(session, post, category, status, known, users, decide,
                   capture_id=cap.id)


def make_export_case(session: Session, export_dir: Path, *, person: Person | None = None,
                     users: tuple[User, User] | None = None) -> Built:
    person = person or make_person(session, nip="197703152003122002", name="Rina Wulandari")
    raw = ("12/10/24 10.01 - Pak Joko: Rapat jam 2 ya\n"
           "12/10/24 10.05 - Rina Wulandari: Bapak ibu, arahkan keluarga pilih nomor 2 ya ✌️\n"
           "12/10/24 10.07 - Pak Joko: Siap bu\n").encode()
    export_dir.mkdir(parents=True, exist_ok=True)
    (export_dir / "chat.txt").write_bytes(raw)
    imp = ImportFile(platform="whatsapp", filename="Chat WhatsApp dengan Grup OPD.txt",
                     sha256=hashlib.sha256(raw).hexdigest(), size=len(raw),
                     stored_path=str(export_dir / "chat.txt"), imported_by="analis1",
                     imported_at=datetime(2024, 10, 13, 2, 0, tzinfo=UTC))
    session.add(imp)
    session.flush()
    audit.record(session, "analis1", "import.file", object_type="import_file", object_id=imp.id,
                 details={"sha256": imp.sha256})
    posts = []
    for i, (minute, who, text, pid) in enumerate([
        (1, "Pak Joko", "Rapat jam 2 ya", None),
        (5, "Rina Wulandari", "Bapak ibu, arahkan keluarga pilih nomor 2 ya ✌️", person.id),
        (7, "Pak Joko", "Siap bu", None),
    ]):
        p = Post(platform="whatsapp", external_id=f"wa-{imp.id}-{i}", person_id=pid,
                 match_status="matched" if pid else "context", author_name=who,
                 posted_at=datetime(2024, 10, 12, 3, minute, tzinfo=UTC), text=text,
                 thread_key="grup-opd-diskominfo", content_sha256=hashlib.sha256(
                     text.encode()).hexdigest(), import_id=imp.id)
        session.add(p)
        posts.append(p)
    session.flush()
    return _review(session, posts[1], "NET-AJK", ReviewStatus.DUGAAN_PELANGGARAN, KNOWN, users,
                   True)


def _review(session: Session, post: Post, category: str, status: ReviewStatus, known: datetime,
            users: tuple[User, User] | None, decide: bool, capture_id: int | None = None
            ) -> Built:
    pred = Prediction(post_id=post.id, model_version="e5-logreg-2024.10", label="partisan",
                      score=0.91, category=category,
                      explanation={"terms": [["coblos", 1.2]], "watchlist": [
                          {"election": "pilgub-kalbar-2024",
                           "contestant": "Ria Norsan – Krisantus Kurniawan", "number": 2,
                           "match": "#NorsanKrisantus"}]},
                      created_at=known)
    session.add(pred)
    session.flush()
    item = ReviewItem(post_id=post.id, prediction_id=pred.id, status=status, score=0.91,
                      category=category, election="pilgub-kalbar-2024", known_at=known,
                      queued_at=known, routed_to="bawaslu" if decide else None,
                      reference="001/BWS-KB/X/2024" if decide else None)
    session.add(item)
    session.flush()
    if capture_id is not None:
        audit.record(session, "system:collector", "capture.store", object_type="capture",
                     object_id=capture_id, details={"url": post.url})
    audit.record(session, "system:classifier", "item.flag", object_type="review_item",
                 object_id=item.id, details={"score": 0.91})
    if decide:
        analis, spv = users or make_users(session)
        audit.record(session, analis.username, "item.view", object_type="review_item",
                     object_id=item.id)
        session.add(Decision(item_id=item.id, user_id=analis.id, from_status="baru",
                             to_status="dugaan_pelanggaran",
                             reason="Ajakan memilih paslon nomor 2 dengan tagar kampanye.",
                             category=category, created_at=known + timedelta(hours=2)))
        audit.record(session, analis.username, "item.decide", object_type="review_item",
                     object_id=item.id, details={"to": "dugaan_pelanggaran"})
        if status == ReviewStatus.TERKONFIRMASI:
            session.add(Decision(item_id=item.id, user_id=spv.id,
                                 from_status="dugaan_pelanggaran", to_status="terkonfirmasi",
                                 reason="Dikonfirmasi; akun tertaut melalui daftar akun resmi.",
                                 category=category, routed_to="bawaslu",
                                 reference="001/BWS-KB/X/2024",
                                 created_at=known + timedelta(hours=5)))
            audit.record(session, spv.username, "item.confirm", object_type="review_item",
                         object_id=item.id)
    session.flush()
    return Built(item_id=item.id, post_id=post.id)
