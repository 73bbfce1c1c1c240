from __future__ import annotations

import io
import json
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pantau import audit
from pantau.config import Settings
from pantau.db.models import AuditEvent
from review.evidence import signing
from review.evidence.packet import build_packet
from review.evidence.screenshot import cache_path
from review.evidence.verify import verify_packet
from tests.evidence.conftest import HAS_CHROMIUM, needs_chromium, needs_poppler
from tests.evidence.factory import NIP, URL, make_export_case, make_web_case


def _rezip(src: Path, dst: Path, *, change: str | None = None, drop: str | None = None,
           add: tuple[str, bytes] | None = None, replace: tuple[str, bytes] | None = None
           ) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == drop:
                continue
            if info.filename == change:
                pos = len(data) // 2
                data = data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:]
            if replace and info.filename == replace[0]:
                data = replace[1]
            zout.writestr(info, data)
        if add:
            zout.writestr(add[0], add[1])
    return dst


@needs_chromium
@needs_poppler
def test_packet_contents_pdf_and_determinism(session: Session, keys: Settings, tmp_path: Path,
                                             artifacts_dir: Path, request: pytest.FixtureRequest
                                             ) -> None:
    built = make_web_case(session, keys.warc_dir)
    session.commit()
    first = build_packet(session, built.item_id, tmp_path / "a", actor="spv1")
    session.commit()
    second = build_packet(session, built.item_id, tmp_path / "b", actor="spv1")
    session.commit()
    assert first.path.read_bytes() == second.path.read_bytes(), "same case → same bytes"
    assert cache_path(built.item_id, keys).exists()

    with zipfile.ZipFile(first.path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        pdf = zf.read("laporan.pdf")
        warc = zf.read("capture.warc.gz")
        png = zf.read("screenshot.png")
        custody = zf.read("custody.log").decode()
        assert all(i.external_attr >> 16 == 0o100644 for i in zf.infolist())
    assert names == sorted(["capture.warc.gz", "custody.log", "kunci-publik.pem", "laporan.pdf",
                            "manifest.json", "manifest.sig", "screenshot.png"])
    assert manifest["case_id"] == built.item_id
    assert manifest["model_version"] == "e5-logreg-2024.10"
    assert manifest["tool"]["name"] == "pantau"
    assert {f["name"] for f in manifest["files"]} == set(names) - {"manifest.json",
                                                                   "manifest.sig"}
    assert png.startswith(b"\x89PNG")
    # the WARC copy is the stored bytes and still readable
    from warcio.archiveiterator import ArchiveIterator
    records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
               for r in ArchiveIterator(io.BytesIO(warc))]
    assert records == [("response", URL), ("request", URL)]
    # custody: capture, flag, view and decisions, with hashes; no export events
    actions = [json.loads(line)["action"] for line in custody.splitlines()]
    assert actions == ["capture.store", "item.flag", "item.view", "item.decide", "item.confirm"]
    assert all(len(json.loads(line)["hash"]) == 64 for line in custody.splitlines())
    # exporting is audited (twice here), and the chain is intact
    exports = session.execute(select(AuditEvent).where(
        AuditEvent.action == "evidence.export")).scalars().all()
    assert len(exports) == 2 and exports[0].details["sha256"] == first.sha256
    assert audit.verify(session) == []

    pdf_path = tmp_path / "laporan.pdf"
    pdf_path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          check=True, text=True).stdout
    for needle in ["Budi Santoso", NIP, URL, "NET-KMS", "20 Oktober 2024 08.30 WIB",
                   "12 Oktober 2024 10.05 WIB", "INDIKATIF — BUKAN KEPUTUSAN",
                   "Pilgub Kalimantan Barat 2024", "masa kampanye", "Siti Rahmawati",
                   "001/BWS-KB/X/2024", "PP 42/2004"]:
        assert needle in text, needle
    backend = request.node.callspec.params["db"]
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf_path),
                    str(artifacts_dir / f"evidence-laporan-{backend}")], check=True)
    assert (artifacts_dir / f"evidence-laporan-{backend}-1.png").exists()
    assert verify_packet(first.path).ok


def test_any_change_fails_verify_naming_the_file(session: Session, keys: Settings,
                                                  tmp_path: Path) -> None:
    built = make_web_case(session, keys.warc_dir)
    session.commit()
    res = build_packet(session, built.item_id, tmp_path, allow_missing_screenshot=not HAS_CHROMIUM)
    session.commit()
    office = signing.public_key_path(keys)
    ok = verify_packet(res.path, office_key=office)
    assert ok.ok, ok.problems
    assert ok.fingerprint == signing.fingerprint(office.read_bytes())

    for name in res.files:
        bad = verify_packet(_rezip(res.path, tmp_path / f"x-{name}.zip", change=name),
                            office_key=office)
        assert not bad.ok, name
        assert name in {p.file for p in bad.problems}, (name, bad.problems)

    missing = verify_packet(_rezip(res.path, tmp_path / "m.zip", drop="capture.warc.gz"))
    assert [(p.file, p.message) for p in missing.problems] == [
        ("capture.warc.gz", "hilang dari paket")]
    extra = verify_packet(_rezip(res.path, tmp_path / "e.zip", add=("catatan.txt", b"x")))
    assert [p.file for p in extra.problems] == ["catatan.txt"]

    # a valid signature by another key: bad against the office key
    other = signing.Ed25519PrivateKey.generate()
    with zipfile.ZipFile(res.path) as zf:
        manifest = zf.read("manifest.json")
    forged = _rezip(res.path, tmp_path / "s.zip",
                    replace=("manifest.sig", other.sign(manifest)))
    bad_sig = verify_packet(forged, office_key=office)
    assert "manifest.sig" in {p.file for p in bad_sig.problems}

    # a byte flipped inside the ZIP itself (CRC) still names the member
    raw = bytearray(res.path.read_bytes())
    with zipfile.ZipFile(res.path) as zf:
        info = zf.getinfo("custody.log")
    raw[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF
    crc = tmp_path / "crc.zip"
    crc.write_bytes(bytes(raw))
    assert "custody.log" in {p.file for p in verify_packet(crc).problems}


def test_export_packet_for_group_message(session: Session, keys: Settings, tmp_path: Path
                                         ) -> None:
    built = make_export_case(session, keys.data_dir / "exports")
    session.commit()
    res = build_packet(session, built.item_id, tmp_path, allow_missing_screenshot=not HAS_CHROMIUM)
    session.commit()
    with zipfile.ZipFile(res.path) as zf:
        excerpt = zf.read("kutipan-ekspor.txt").decode()
        assert "capture.warc.gz" not in zf.namelist()
        if HAS_CHROMIUM:
            assert zf.read("screenshot.png").startswith(b"\x89PNG")
    assert "Rapat jam 2 ya" in excerpt and "Siap bu" in excerpt
    assert ">> [12 Oktober 2024 10.05 WIB] Rina Wulandari" in excerpt
    from pantau.db.models import ImportFile
    assert session.execute(select(ImportFile.sha256)).scalar_one() in excerpt
    assert verify_packet(res.path).ok


def test_cli_keys_export_verify(session: Session, db: Settings, tmp_path: Path) -> None:
    import typer

    from pantau.cli.evidence import app, keys_app

    root = typer.Typer()
    root.add_typer(app, name="evidence")
    root.add_typer(keys_app, name="keys")
    runner = CliRunner()
    r = runner.invoke(root, ["keys", "init"])
    assert r.exit_code == 0, r.output
    priv = signing.private_key_path(db)
    assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    assert runner.invoke(root, ["keys", "init"]).exit_code != 0  # never overwrites silently

    built = make_web_case(session, db.warc_dir)
    session.commit()
    if not HAS_CHROMIUM:
        shot = cache_path(built.item_id, db)
        shot.parent.mkdir(parents=True)
        shot.write_bytes(b"\x89PNG-placeholder")
    r = runner.invoke(root, ["evidence", "export", str(built.item_id), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    packet = tmp_path / f"bukti-kasus-{built.item_id}.zip"
    r = runner.invoke(root, ["evidence", "verify", str(packet)])
    assert r.exit_code == 0, r.output
    bad = _rezip(packet, tmp_path / "bad.zip", change="laporan.pdf")
    r = runner.invoke(root, ["evidence", "verify", str(bad)])
    assert r.exit_code == 1
    assert "laporan.pdf" in r.output


def test_minimal_case_unlinked_without_capture(session: Session, keys: Settings,
                                               tmp_path: Path) -> None:
    """An unlinked post with no capture, prediction or decision still exports and verifies."""
    import hashlib
    from datetime import UTC, datetime

    from pantau.db.models import Post, ReviewItem
    from review.reports.forms import build_form

    post = Post(platform="mastodon", external_id="m-1", author_name="Anonim",
                posted_at=datetime(2024, 11, 1, 1, 0, tzinfo=UTC), url=None, text=None,
                content_sha256=hashlib.sha256(b"m").hexdigest())
    session.add(post)
    session.flush()
    item = ReviewItem(post_id=post.id, score=0.6, known_at=datetime(2024, 11, 2, tzinfo=UTC),
                      queued_at=datetime(2024, 11, 2, tzinfo=UTC))
    session.add(item)
    session.commit()
    res = build_packet(session, item.id, tmp_path, allow_missing_screenshot=not HAS_CHROMIUM)
    session.commit()
    assert "capture.warc.gz" not in res.files
    assert verify_packet(res.path).ok
    pdf, js = build_form(session, item.id, "bkn", tmp_path, keys)
    assert json.loads(js.read_text(encoding="utf-8"))["terlapor"]["nip"] is None
