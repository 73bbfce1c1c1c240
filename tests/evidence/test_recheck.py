from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings
from pantau.db.models import AuditEvent, Capture, Post, Recheck, ReviewStatus
from pantau.recheck import recheck_all, recheck_url
from tests.evidence.factory import PAGE, TEXT, make_person, make_users, make_web_case

PAGES: dict[str, tuple[int, bytes]] = {
    "/c/1": (404, b"<html><body>Not Found</body></html>"),
    "/c/2": (200, PAGE.replace(TEXT, "Selamat pagi, mari jaga netralitas ASN.").encode()),
    "/c/3": (200, PAGE.encode()),
    "/c/4": (200, b'<html><body><div class="tgme_widget_message_error">Post not found'
                  b"</div></body></html>"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        status, body = PAGES.get(self.path, (500, b"?"))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _fetch(url: str) -> tuple[int, bytes]:
    r = httpx.get(url, timeout=5)
    return r.status_code, r.content


def test_deleted_and_edited_posts_are_detected(session: Session, db: Settings, server: str
                                               ) -> None:
    person = make_person(session)
    users = make_users(session)
    ids = {}
    for n in (1, 2, 3, 4):
        b = make_web_case(session, db.warc_dir, person=person, users=users, external_id=str(n),
                          url=f"{server}/c/{n}")
        ids[n] = b.post_id
    # not re-checked: rejected as not a violation
    make_web_case(session, db.warc_dir, person=person, users=users, external_id="9",
                  url=f"{server}/c/9", status=ReviewStatus.BUKAN_PELANGGARAN, decide=False)
    session.commit()
    originals = {c.id: (c.sha256, c.warc_path, c.warc_offset)
                 for c in session.execute(select(Capture)).scalars()}

    results = recheck_all(session, _fetch, settings=db)
    session.commit()
    by_post = {r.post_id: r for r in results}
    assert set(by_post) == set(ids.values())
    assert by_post[ids[1]].outcome == "deleted"
    assert by_post[ids[2]].outcome == "edited"
    assert by_post[ids[3]].outcome == "ok"
    assert by_post[ids[4]].outcome == "deleted"

    edited = session.get(Recheck, by_post[ids[2]].recheck_id)
    assert edited is not None and edited.diff
    assert "-Yang masih ragu" in edited.diff and "+Selamat pagi" in edited.diff
    # each check archived a new capture; the originals are untouched and still linked
    for pid in ids.values():
        post = session.get(Post, pid)
        assert post is not None and post.capture_id in originals
        new = session.get(Capture, by_post[pid].capture_id)
        assert new is not None and new.id not in originals and new.warc_path
    assert {c.id: (c.sha256, c.warc_path, c.warc_offset) for c in session.execute(
        select(Capture).where(Capture.id.in_(list(originals)))).scalars()} == originals
    assert session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "post.recheck")).scalar() == 4
    assert audit.verify(session) == []


def test_fetch_error_is_recorded(session: Session, db: Settings) -> None:
    b = make_web_case(session, db.warc_dir, url="http://127.0.0.1:9/none")
    session.commit()

    def broken(url: str) -> tuple[int, bytes]:
        raise ConnectionError("tidak tersambung")

    [res] = recheck_all(session, broken, settings=db)
    session.commit()
    assert res.post_id == b.post_id and res.outcome == "error" and res.capture_id is None
    assert "tidak tersambung" in (res.detail or "")


def test_telegram_url_uses_embed() -> None:
    post = Post(platform="telegram", url="https://t.me/s/infopemprov/4821", external_id="1")
    assert recheck_url(post) == "https://t.me/infopemprov/4821?embed=1"
    assert recheck_url(Post(platform="telegram", url=None, external_id="2")) is None
    assert recheck_url(Post(platform="whatsapp", url="x", import_id=3, external_id="3")) is None


def test_flow_is_thin_wrapper(session: Session, db: Settings, server: str) -> None:
    from flows.recheck import recheck_flow

    make_web_case(session, db.warc_dir, url=f"{server}/c/1")
    session.commit()
    assert recheck_flow.fn(fetch=_fetch) == {"deleted": 1}


def test_recheck_shows_in_packet(session: Session, keys: Settings, server: str,
                                 tmp_path: Path) -> None:
    import shutil
    import subprocess
    import zipfile

    from review.evidence.packet import build_packet
    from tests.evidence.conftest import HAS_CHROMIUM

    b = make_web_case(session, keys.warc_dir, url=f"{server}/c/1")
    session.commit()
    recheck_all(session, _fetch, settings=keys)
    session.commit()
    out = tmp_path
    res = build_packet(session, b.item_id, out, allow_missing_screenshot=not HAS_CHROMIUM)
    session.commit()
    if shutil.which("pdftotext"):
        with zipfile.ZipFile(res.path) as zf:
            (out / "l.pdf").write_bytes(zf.read("laporan.pdf"))
        text = subprocess.run(["pdftotext", str(out / "l.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Pemeriksaan ulang" in text and "dihapus" in text
