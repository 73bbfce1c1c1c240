"""Checking a packet: every hash and size in the manifest, no missing or extra file, and the
Ed25519 signature over ``manifest.json``. Works on the ZIP or on an unpacked folder.

The signature is checked against, in order: a public key given by the caller, the office's
own public key (``settings.data_dir/keys``) when present, else the key inside the packet —
in that last case the result says so, because a key shipped with the data only proves
integrity, not origin; compare its fingerprint with the one the office published.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from review.evidence import signing
from review.evidence.archive import sha256_hex
from review.evidence.packet import MANIFEST, PUBLIC_KEY, SIGNATURE, TIMESTAMP, UNSIGNED


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class VerifyResult:
    problems: list[Problem] = field(default_factory=list)
    case_id: int | None = None
    fingerprint: str | None = None
    key_source: str | None = None
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_members(path: Path, problems: list[Problem]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file():
                out[p.relative_to(path).as_posix()] = p.read_bytes()
        return out
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        problems.append(Problem(path.name, f"bukan arsip ZIP yang dapat dibaca: {exc}"))
        return out
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.filename in out:
                problems.append(Problem(info.filename, "nama berkas ganda dalam ZIP"))
            try:
                out[info.filename] = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, zlib.error) as exc:
                problems.append(Problem(info.filename, f"isi rusak atau diubah ({exc})"))
    return out


def verify_packet(path: Path, *, public_key: bytes | None = None,
                  office_key: Path | None = None) -> VerifyResult:
    res = VerifyResult()
    members = _read_members(Path(path), res.problems)
    if not members and res.problems:
        return res
    manifest_raw = members.get(MANIFEST)
    if manifest_raw is None:
        res.problems.append(Problem(MANIFEST, "tidak ada dalam paket"))
        return res
    try:
        manifest = json.loads(manifest_raw)
        listed = {f["name"]: f for f in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        res.problems.append(Problem(MANIFEST, f"tidak dapat dibaca: {exc}"))
        return res
    res.case_id = manifest.get("case_id")

    # signature
    packet_key = members.get(PUBLIC_KEY)
    if public_key is not None:
        key, res.key_source = public_key, "kunci yang diberikan"
    elif office_key is not None and office_key.exists():
        key, res.key_source = office_key.read_bytes(), f"kunci kantor ({office_key})"
    else:
        key, res.key_source = packet_key, "kunci di dalam paket (cocokkan sidik jarinya)"
    sig = members.get(SIGNATURE)
    if sig is None:
        res.problems.append(Problem(SIGNATURE, "tidak ada dalam paket"))
    elif key is None:
        res.problems.append(Problem(PUBLIC_KEY, "tidak ada kunci publik untuk memeriksa tanda "
                                                "tangan"))
    else:
        try:
            res.fingerprint = signing.fingerprint(key)
        except signing.KeyError_ as exc:
            res.problems.append(Problem(PUBLIC_KEY, str(exc)))
        if not signing.check_signature(manifest_raw, sig, key):
            res.problems.append(Problem(SIGNATURE, "tanda tangan tidak sah untuk manifest.json"))
        if packet_key is not None and packet_key != key:
            res.problems.append(Problem(PUBLIC_KEY, "kunci publik dalam paket bukan kunci "
                                                    "yang dipakai untuk memeriksa"))
        if manifest.get("public_key_fingerprint") not in (None, res.fingerprint):
            res.problems.append(Problem(MANIFEST, "sidik jari kunci dalam manifest tidak cocok"))

    # files
    for name, entry in sorted(listed.items()):
        data = members.get(name)
        if data is None:
            res.problems.append(Problem(name, "hilang dari paket"))
            continue
        if len(data) != entry.get("size"):
            res.problems.append(Problem(name, f"ukuran berbeda ({len(data)} ≠ {entry.get('size')})"))
        if sha256_hex(data) != entry.get("sha256"):
            res.problems.append(Problem(name, "SHA-256 tidak cocok: isi berkas berubah"))
    for name in sorted(set(members) - set(listed) - set(UNSIGNED)):
        res.problems.append(Problem(name, "berkas tambahan yang tidak tercantum di manifest"))
    tsr = members.get(TIMESTAMP)
    if tsr is not None:
        from review.evidence.timestamp import check_timestamp

        problem = check_timestamp(tsr, manifest_raw)
        if problem:
            res.problems.append(Problem(TIMESTAMP, problem))
    res.files = len(listed)
    return res
