"""One signed, deterministic evidence ZIP per case.

Same case (same stored data, same cached screenshot) → same ZIP bytes: files in a fixed
order, fixed ZIP timestamps (the case's latest stored time), fixed permissions, no
wall-clock time anywhere in the content, PDF with a fixed creation date and ID. Ed25519
signatures are deterministic too. Only ``timestamp.tsr`` (optional, from a TSA) is not.

The custody log lists the case's audit events except earlier ``evidence.export`` events
(they would change every re-export); each export is itself recorded as ``evidence.export``.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings, get_settings
from review.evidence import signing
from review.evidence.archive import read_capture, sha256_hex
from review.evidence.case import CaseData, fmt_dt, fmt_iso, load_case
from review.evidence.laporan import build_laporan, tool_version
from review.evidence.screenshot import ScreenshotError, case_screenshot

FORMAT = "pantau-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
TIMESTAMP = "timestamp.tsr"
PUBLIC_KEY = "kunci-publik.pem"
UNSIGNED = (MANIFEST, SIGNATURE, TIMESTAMP)  # files not listed in the manifest
_STORED = (".png", ".gz", ".tsr")  # already compressed


@dataclass(frozen=True)
class PacketResult:
    path: Path
    sha256: str
    files: list[str]


def packet_name(case_id: int) -> str:
    return f"bukti-kasus-{case_id}.zip"


def custody_log(case: CaseData) -> bytes:
    lines = []
    for ev in case.custody:
        lines.append(json.dumps({
            "id": ev.id, "at": ev.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": ev.actor, "action": ev.action, "object_type": ev.object_type,
            "object_id": ev.object_id, "details": ev.details, "prev_hash": ev.prev_hash,
            "hash": ev.hash}, sort_keys=True, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def export_excerpt(case: CaseData) -> bytes:
    imp = case.import_file
    assert imp is not None
    head = [
        "KUTIPAN EKSPOR PERCAKAPAN (pantau)",
        f"Kasus: {case.case_id}",
        f"Platform: {imp.platform}",
        f"Berkas sumber: {imp.filename}",
        f"SHA-256 berkas sumber: {imp.sha256}",
        f"Ukuran berkas sumber: {imp.size} bita",
        f"Diimpor: {fmt_dt(imp.imported_at, case.tz)} oleh {imp.imported_by}",
        f"Percakapan (thread): {case.post.thread_key or '-'}",
        "Tanda >> menandai pesan yang dilaporkan.",
        "",
    ]
    body = []
    for p in case.context_posts or [case.post]:
        mark = ">>" if p.id == case.post.id else "  "
        who = p.author_name or p.author_handle or "(anonim)"
        text = (p.text or "(teks telah dihapus sesuai retensi)").replace("\n", "\n     ")
        body.append(f"{mark} [{fmt_dt(p.posted_at, case.tz)}] {who}: {text}")
    return ("\n".join(head + body) + "\n").encode("utf-8")


def manifest_bytes(case: CaseData, files: dict[str, bytes], fingerprint: str) -> bytes:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "case_id": case.case_id,
        "post_id": case.post.id,
        "tool": {"name": "pantau", "version": tool_version()},
        "model_version": case.model_version,
        "as_of": fmt_iso(case.as_of, case.tz),
        "timezone": str(case.tz.key),
        "public_key_fingerprint": fingerprint,
        "files": [{"name": n, "sha256": sha256_hex(b), "size": len(b)}
                  for n, b in sorted(files.items())],
    }
    if case.capture is not None:
        c = case.capture
        doc["capture"] = {"url": c.url, "payload_sha256": c.sha256, "size": c.size,
                          "warc_record_id": c.warc_record_id,
                          "fetched_at": fmt_iso(c.fetched_at, case.tz)}
    if case.import_file is not None:
        i = case.import_file
        doc["import_file"] = {"filename": i.filename, "sha256": i.sha256, "size": i.size}
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_zip(path: Path, files: dict[str, bytes], when: datetime) -> None:
    local = when.astimezone(UTC)
    stamp = (max(local.year, 1980), local.month, local.day, local.hour, local.minute,
             local.second - local.second % 2)
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(_STORED)
                                  else zipfile.ZIP_DEFLATED)
            zf.writestr(info, files[name], compresslevel=9 if info.compress_type else None)
    tmp.replace(path)


def collect_files(case: CaseData, settings: Settings, *,
                  allow_missing_screenshot: bool = False) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    cap = case.capture
    if cap is not None and cap.warc_path and cap.warc_offset is not None:
        files["capture.warc.gz"] = read_capture(cap.warc_path, cap.warc_offset).raw
    if case.import_file is not None:
        files["kutipan-ekspor.txt"] = export_excerpt(case)
    try:
        files["screenshot.png"] = case_screenshot(case, settings).read_bytes()
    except ScreenshotError:
        if not allow_missing_screenshot:
            raise
    files["custody.log"] = custody_log(case)
    evidence = [(n, sha256_hex(b), len(b)) for n, b in sorted(files.items())]
    files["laporan.pdf"] = build_laporan(case, screenshot=files.get("screenshot.png"),
                                         evidence=evidence)
    return files


def build_packet(session: Session, case_id: int, out_dir: Path, *, actor: str = "system",
                 settings: Settings | None = None, tsa_url: str | None = None,
                 allow_missing_screenshot: bool = False) -> PacketResult:
    """Write ``out_dir/bukti-kasus-<id>.zip`` and record ``evidence.export`` (caller commits)."""
    settings = settings or get_settings()
    case = load_case(session, case_id, settings)
    key = signing.load_private_key(settings)
    pub = signing.public_pem(key.public_key())
    files = collect_files(case, settings, allow_missing_screenshot=allow_missing_screenshot)
    files[PUBLIC_KEY] = pub
    fp = signing.fingerprint(pub)
    manifest = manifest_bytes(case, files, fp)
    files[MANIFEST] = manifest
    files[SIGNATURE] = signing.sign(manifest, key)
    if tsa_url:
        from review.evidence.timestamp import request_timestamp

        files[TIMESTAMP] = request_timestamp(manifest, tsa_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / packet_name(case_id)
    write_zip(path, files, case.as_of)
    digest = sha256_hex(path.read_bytes())
    audit.record(session, actor, "evidence.export", object_type="review_item", object_id=case_id,
                 details={"file": path.name, "sha256": digest,
                          "manifest_sha256": sha256_hex(manifest), "key": fp,
                          "files": sorted(files)})
    return PacketResult(path=path, sha256=digest, files=sorted(files))
