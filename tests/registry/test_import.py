from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.db.models import Account, Person, Source
from pantau.registry.importer import RegistryFileError, import_registry

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "registri-asn-contoh.csv"
HEADER = "NIP,Nama,Jenis Pegawai,Jabatan,Unit Kerja,Instansi,No HP,Telegram\n"


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_sample_registry_imports_and_reimport_changes_nothing(session: Session) -> None:
    first = import_registry(session, SAMPLE)
    session.commit()
    assert first.errors == []
    assert (first.rows, first.inserted) == (6, 6)
    budi = session.execute(select(Person).where(Person.nip == "198609262015051001")).scalar_one()
    assert budi.name == "Budi Santoso" and budi.unit == "Dinas Komunikasi dan Informatika"
    handles = {(a.platform, a.handle) for a in budi.accounts}
    assert handles == {("phone", "+6281200001001"), ("telegram", "kabar_budi_ptk")}
    # accounts on collected platforms become sources
    sources = session.execute(select(Source.key).where(Source.platform == "telegram")).scalars().all()
    assert sources == ["kabar_budi_ptk"]

    people, accounts = _count(session, Person), _count(session, Account)
    again = import_registry(session, SAMPLE)
    session.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)
    assert (_count(session, Person), _count(session, Account)) == (people, accounts)


def test_changed_row_updates_in_place(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    row = "198609262015051001,Budi Santoso,PNS,{},Diskominfo,Pemprov Contoh,0812-0000-1001,\n"
    f.write_text(HEADER + row.format("Staf"))
    import_registry(session, f)
    f.write_text(HEADER + row.format("Kepala Bidang"))
    report = import_registry(session, f)
    session.commit()
    assert report.updated == 1
    assert session.execute(select(Person.position)).scalar_one() == "Kepala Bidang"


def test_bad_rows_are_reported_and_good_rows_kept(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text(
        HEADER
        + "198609262015051001,Budi Santoso,PNS,Staf,Diskominfo,Pemprov Contoh,0812-0000-1001,\n"  # line 2 ok
        + "19860926201505100,Salah Panjang,PNS,Staf,Diskominfo,Pemprov Contoh,,\n"  # line 3 bad NIP
        + "199001142019032004,Nomor Salah,PNS,Staf,Bappeda,Pemprov Contoh,12345,\n"  # line 4 bad phone
        + "199001142019032004,Handle Salah,PNS,Staf,Bappeda,Pemprov Contoh,,https://example.com/x\n"  # 5
        + "198609262015051001,Dobel,PNS,Staf,Diskominfo,Pemprov Contoh,,\n"  # line 6 duplicate
    )
    report = import_registry(session, f)
    session.commit()
    where = {(e.line, e.column) for e in report.errors}
    assert where == {(3, "nip"), (4, "telepon"), (5, "telegram"), (6, "nip")}
    assert "18 angka" in next(e.reason for e in report.errors if e.line == 3)
    assert "baris 2" in next(e.reason for e in report.errors if e.line == 6)
    assert _count(session, Person) == 1


def test_strict_rejects_whole_file(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text(HEADER + "198609262015051001,Budi,PNS,Staf,Diskominfo,Pemprov,,\n"
                 + "bukan-nip,X,PNS,Staf,Diskominfo,Pemprov,,\n")
    report = import_registry(session, f, strict=True)
    session.commit()
    assert not report.written and report.rejected_lines == 1
    assert _count(session, Person) == 0


def test_xlsx_with_semicolon_free_headers_and_numeric_nip(session: Session, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["NIP", "Nama Lengkap", "Status Kepegawaian", "OPD", "Instansi", "Nomor HP"])
    ws.append(["198609262015051001", "Budi Santoso", "PNS", "Diskominfo", "Pemprov Contoh", "+62 812 0000 1001"])
    ws.append([1.98203172008011e17, "Ahmad Fauzi", "PNS", "Disdukcapil", "Pemkab Contoh", ""])
    f = tmp_path / "registri.xlsx"
    wb.save(f)
    report = import_registry(session, f)
    session.commit()
    assert report.inserted == 1
    [err] = report.errors
    assert (err.line, err.column) == (3, "nip") and "Teks" in err.reason


def test_broken_xlsx_is_one_clear_error(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "rusak.xlsx"
    f.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(RegistryFileError, match="XLSX rusak"):
        import_registry(session, f)


def test_file_that_is_not_a_registry(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "belanja.csv"
    f.write_text("tanggal,barang,harga\n2024-01-01,kertas,50000\n")
    with pytest.raises(RegistryFileError, match="bukan berkas registri ASN.*tanggal, barang, harga"):
        import_registry(session, f)


def test_latin1_semicolon_csv(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "excel.csv"
    f.write_bytes("NIP;Nama;Instansi;Unit Kerja\n198609262015051001;Budi Santoso;Pemprov Contoh;Dinas Pariwisata – Ké\n"
                  .encode("cp1252"))
    report = import_registry(session, f)
    session.commit()
    assert report.errors == [] and report.inserted == 1
    assert session.execute(select(Person.unit)).scalar_one() == "Dinas Pariwisata – Ké"
