"""Import an ASN registry file (CSV or XLSX) as a BKD/BKPSDM office sends it.

Rows are validated one by one. Bad rows are reported with line number, column and reason and
the valid rows are kept (or, with ``strict``, nothing is written). Importing the same file
twice changes nothing: people are keyed by NIP (or ``id_pegawai`` for PPNPN), accounts by
(platform, handle).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau import audit
from pantau.db.models import Account, EmploymentType, Person, Source
from pantau.errors import PantauError
from pantau.registry.handles import PLATFORMS, HandleError, normalise_handle
from pantau.registry.nip import NipError, parse_pns_nip, parse_pppk_ni
from pantau.registry.phones import PhoneError, normalise_phone

# Canonical column → accepted header spellings (compared lower-case, without punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("nip", "ni pppk", "nip ni pppk", "nomor induk pegawai"),
    "id_pegawai": ("id pegawai", "nomor pegawai", "no pegawai"),
    "nama": ("nama", "nama lengkap", "nama pegawai"),
    "jenis_pegawai": ("jenis pegawai", "status kepegawaian", "status pegawai", "jenis"),
    "jabatan": ("jabatan", "nama jabatan"),
    "unit_kerja": ("unit kerja", "opd", "unit", "satuan kerja", "perangkat daerah"),
    "instansi": ("instansi", "instansi induk", "nama instansi"),
    "wilayah": ("wilayah", "kabupaten kota", "kab kota", "daerah"),
    "telepon": ("telepon", "no hp", "nomor hp", "no telepon", "hp", "whatsapp", "no wa"),
    "telegram": ("telegram",),
    "x": ("x", "twitter", "x twitter"),
    "instagram": ("instagram", "ig"),
    "facebook": ("facebook", "fb"),
    "tiktok": ("tiktok",),
    "mastodon": ("mastodon",),
    "youtube": ("youtube", "kanal youtube"),
    "terverifikasi": ("terverifikasi", "akun terverifikasi", "verified"),
}
REQUIRED = ("nama", "instansi")
# Platforms that have a network collector: a registered account there becomes a source.
COLLECTED_PLATFORMS = {"telegram", "mastodon", "x", "youtube"}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def rejected_lines(self) -> int:
        return len({e.line for e in self.errors})


class RegistryFileError(PantauError):
    """The file as a whole cannot be used (not a registry, unreadable, broken XLSX)."""


@dataclass
class _Row:
    line: int
    values: dict[str, str]


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _map_headers(headers: list[Any], path: Path) -> dict[int, str]:
    lookup = {alias: canon for canon, aliases in COLUMNS.items() for alias in aliases}
    mapping: dict[int, str] = {}
    for i, h in enumerate(headers):
        canon = lookup.get(_key(str(h or "")))
        if canon and canon not in mapping.values():
            mapping[i] = canon
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing or not ({"nip", "id_pegawai"} & set(mapping.values())):
        shown = ", ".join(str(h) for h in headers if h not in (None, "")) or "(kosong)"
        raise RegistryFileError(
            f"{path}: bukan berkas registri ASN — kolom wajib tidak ditemukan "
            f"(nama, instansi, dan nip atau id_pegawai). Kolom yang ada: {shown}"
        )
    return mapping


def _cell(value: Any, column: str, line: int, errors: list[RowError]) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and column in {"nip", "telepon"}:
        errors.append(RowError(line, column, repr(value),
                               "tersimpan sebagai angka di Excel (digit hilang); format kolom sebagai Teks"))
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(path: Path, errors: list[RowError]) -> Iterator[_Row]:
    data = path.read_bytes()
    if not data.strip():
        raise RegistryFileError(f"{path}: berkas kosong")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text else ""
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader)
    mapping = _map_headers(headers, path)
    for raw in reader:
        line = reader.line_num
        if not any(c.strip() for c in raw):
            continue
        yield _Row(line, {mapping[i]: _cell(v, mapping[i], line, errors)
                          for i, v in enumerate(raw) if i in mapping})


def _read_xlsx(path: Path, errors: list[RowError], sheet: str | None) -> Iterator[_Row]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryFileError(f"{path}: berkas XLSX rusak atau bukan XLSX ({exc})") from exc
    try:
        if sheet and sheet not in wb.sheetnames:
            raise RegistryFileError(f"{path}: lembar {sheet!r} tidak ada (ada: {', '.join(wb.sheetnames)})")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        headers = list(next(rows, ()) or ())
        mapping = _map_headers(headers, path)
        for line, raw in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in raw):
                continue
            yield _Row(line, {mapping[i]: _cell(v, mapping[i], line, errors)
                              for i, v in enumerate(raw) if i in mapping})
    finally:
        wb.close()


def read_rows(path: Path, errors: list[RowError], sheet: str | None = None) -> Iterator[_Row]:
    if not path.is_file():
        raise RegistryFileError(f"{path}: berkas tidak ditemukan")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, errors, sheet)
    if path.suffix.lower() in {".csv", ".txt", ".tsv"}:
        return _read_csv(path, errors)
    raise RegistryFileError(f"{path}: format tidak didukung (gunakan .csv atau .xlsx)")


@dataclass
class _ValidRow:
    line: int
    key: tuple[str, str]  # ("nip", value) or ("employee_ref", value)
    person: dict[str, Any]
    accounts: list[dict[str, Any]]


def _validate(row: _Row, errors: list[RowError]) -> _ValidRow | None:
    v, line = row.values, row.line
    before = len(errors)
    name = v.get("nama", "")
    if not name:
        errors.append(RowError(line, "nama", "", "nama wajib diisi"))
    agency = v.get("instansi", "")
    if not agency:
        errors.append(RowError(line, "instansi", "", "instansi wajib diisi"))
    raw_type = v.get("jenis_pegawai", "").upper().strip()
    nip_raw = v.get("nip", "")
    emp_type: EmploymentType | None = None
    if raw_type:
        try:
            emp_type = EmploymentType(raw_type)
        except ValueError:
            errors.append(RowError(line, "jenis_pegawai", raw_type, "harus PNS, PPPK, atau PPNPN"))
    elif nip_raw:
        emp_type = EmploymentType.PNS
    else:
        emp_type = EmploymentType.PPNPN
    nip: str | None = None
    cell_failed = any(e.line == line and e.column == "nip" for e in errors)
    if emp_type in (EmploymentType.PNS, EmploymentType.PPPK) and not cell_failed:
        if not nip_raw:
            errors.append(RowError(line, "nip", "", f"NIP wajib untuk {emp_type.value}"))
        else:
            try:
                nip = (parse_pns_nip(nip_raw) if emp_type is EmploymentType.PNS
                       else parse_pppk_ni(nip_raw)).nip
            except NipError as exc:
                errors.append(RowError(line, "nip", nip_raw, str(exc)))
    elif nip_raw:
        errors.append(RowError(line, "nip", nip_raw, "PPNPN tidak memiliki NIP; gunakan id_pegawai"))
    employee_ref = v.get("id_pegawai") or None
    if emp_type is EmploymentType.PPNPN and not employee_ref:
        errors.append(RowError(line, "id_pegawai", "", "PPNPN memerlukan id_pegawai dari BKD"))

    verified = v.get("terverifikasi", "").lower() in {"ya", "y", "yes", "1", "true", "benar"}
    accounts: list[dict[str, Any]] = []
    for phone_raw in filter(None, (p.strip() for p in re.split(r"[;/,]", v.get("telepon", "")))):
        try:
            e164 = normalise_phone(phone_raw)
            accounts.append({"platform": "phone", "handle": e164, "phone": e164,
                             "url": None, "verified": verified})
        except PhoneError as exc:
            errors.append(RowError(line, "telepon", phone_raw, str(exc)))
    for platform in PLATFORMS:
        for raw in filter(None, (h.strip() for h in re.split(r"[;\s]+", v.get(platform, "")))):
            try:
                h = normalise_handle(platform, raw)
                accounts.append({"platform": h.platform, "handle": h.handle, "phone": None,
                                 "url": h.url, "verified": verified})
            except HandleError as exc:
                errors.append(RowError(line, platform, raw, str(exc)))
    if len(errors) > before or emp_type is None or cell_failed:
        return None
    key = ("nip", nip) if nip else ("employee_ref", employee_ref or "")
    person = {
        "nip": nip, "employee_ref": employee_ref, "name": name, "employment_type": emp_type,
        "position": v.get("jabatan") or None, "unit": v.get("unit_kerja") or None,
        "agency": agency, "region": v.get("wilayah") or None,
    }
    return _ValidRow(line, key, person, accounts)


def import_registry(session: Session, path: Path, *, strict: bool = False, sheet: str | None = None,
                    actor: str = "cli") -> ImportReport:
    """Validate and upsert. Commits nothing itself: the caller's transaction decides."""
    report = ImportReport(file=str(path))
    valid: list[_ValidRow] = []
    seen_keys: dict[tuple[str, str], int] = {}
    seen_accounts: dict[tuple[str, str], int] = {}
    for row in read_rows(path, report.errors, sheet):
        report.rows += 1
        vr = _validate(row, report.errors)
        if vr is None:
            continue
        if vr.key in seen_keys:
            report.errors.append(RowError(vr.line, vr.key[0], vr.key[1],
                                          f"duplikat dari baris {seen_keys[vr.key]}"))
            continue
        clash = next(((a["platform"], a["handle"]) for a in vr.accounts
                      if (a["platform"], a["handle"]) in seen_accounts), None)
        if clash:
            report.errors.append(RowError(vr.line, clash[0], clash[1],
                                          f"akun yang sama sudah ada di baris {seen_accounts[clash]}"))
            continue
        seen_keys[vr.key] = vr.line
        for a in vr.accounts:
            seen_accounts[(a["platform"], a["handle"])] = vr.line
        valid.append(vr)
    if report.rows == 0:
        raise RegistryFileError(f"{path}: tidak ada baris data di bawah judul kolom")
    if strict and report.errors:
        return report
    for vr in valid:
        _upsert(session, vr, report)
    report.written = True
    audit.record(session, actor, "registry.import", object_type="registry", object_id=path.name,
                 details={"rows": report.rows, "inserted": report.inserted, "updated": report.updated,
                          "rejected": report.rejected_lines})
    return report


def _upsert(session: Session, vr: _ValidRow, report: ImportReport) -> None:
    column, value = vr.key
    person = session.execute(select(Person).where(getattr(Person, column) == value)).scalar_one_or_none()
    if person is None:
        person = Person(**vr.person)
        session.add(person)
        session.flush()
        report.inserted += 1
    else:
        changed = False
        for k, val in vr.person.items():
            if getattr(person, k) != val:
                setattr(person, k, val)
                changed = True
        report.updated += changed
        report.unchanged += not changed
    for a in vr.accounts:
        existing = session.execute(select(Account).where(
            Account.platform == a["platform"], Account.handle == a["handle"])).scalar_one_or_none()
        if existing is None:
            acc = Account(person_id=person.id, **a)
            session.add(acc)
            session.flush()
            report.accounts_added += 1
            if acc.platform in COLLECTED_PLATFORMS:
                _ensure_source(session, acc)
        elif existing.person_id != person.id:
            report.errors.append(RowError(vr.line, a["platform"], a["handle"],
                                          "akun sudah terdaftar atas orang lain; tidak diubah"))
        elif existing.verified != a["verified"]:
            existing.verified = a["verified"]


def _ensure_source(session: Session, account: Account) -> None:
    src = session.execute(select(Source).where(Source.platform == account.platform,
                                               Source.key == account.handle)).scalar_one_or_none()
    if src is None:
        session.add(Source(platform=account.platform, key=account.handle, kind="account",
                           name=account.url, account_id=account.id))
    elif src.account_id is None:
        src.account_id = account.id
