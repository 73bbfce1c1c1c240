from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pantau.config import Settings
from review.evidence.packet import build_packet
from review.evidence.timestamp import build_request, children, read_tlv, tlv
from review.evidence.verify import verify_packet
from tests.evidence.conftest import HAS_CHROMIUM
from tests.evidence.factory import make_web_case

SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")


def fake_reply(request: bytes, status: int = 0) -> bytes:
    """A structurally valid TimeStampResp whose (unsigned) token carries the imprint."""
    _, s, e = read_tlv(request)
    imprint = children(request, s, e)[1]
    digest_tlv = children(request, imprint[1], imprint[2])[1]
    digest = request[digest_tlv[1]:digest_tlv[2]]
    tst_info = tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, digest))
    token = tlv(0x30, SIGNED_DATA_OID + tlv(0xA0, tlv(0x04, tst_info)))
    return tlv(0x30, tlv(0x30, tlv(0x02, bytes([status]))) + (token if status == 0 else b""))


class _TSA(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["Content-Type"] == "application/timestamp-query"
        reply = fake_reply(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tsa() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _TSA)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/tsa"
    srv.shutdown()
    srv.server_close()


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl tidak terpasang")
def test_request_is_valid_rfc3161(tmp_path: Path) -> None:
    req = tmp_path / "req.tsq"
    req.write_bytes(build_request(b"isi manifest", nonce=42))
    out = subprocess.run(["openssl", "ts", "-query", "-in", str(req), "-text"],
                         capture_output=True, text=True, check=True).stdout
    assert "sha256" in out.lower()
    digest = hashlib.sha256(b"isi manifest").hexdigest()
    flat = out.replace(" ", "").replace("-", "").replace("\n", "").lower()
    assert digest[:16] in flat
    assert "Certificate required: yes" in out


def test_packet_with_local_fake_tsa(session: Session, keys: Settings, tmp_path: Path,
                                    tsa: str) -> None:
    built = make_web_case(session, keys.warc_dir)
    session.commit()
    res = build_packet(session, built.item_id, tmp_path, tsa_url=tsa,
                       allow_missing_screenshot=not HAS_CHROMIUM)
    session.commit()
    assert "timestamp.tsr" in res.files
    assert verify_packet(res.path).ok
    with zipfile.ZipFile(res.path) as zin, zipfile.ZipFile(tmp_path / "t.zip", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "timestamp.tsr":
                data = fake_reply(build_request(b"manifest lain"))
            zout.writestr(info, data)
    bad = verify_packet(tmp_path / "t.zip")
    assert [p.file for p in bad.problems] == ["timestamp.tsr"]
