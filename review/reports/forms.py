"""Bawaslu and BKN report forms, prefilled from a case, as JSON and PDF.

Bawaslu (Perbawaslu 7/2022): formal — reporter (name, address), reported party, filing within
the deadline; material — time and place, description, witnesses, evidence. BKN (Deputi
Pengawasan dan Pengendalian): identity of the ASN (NIP/NIK, position, unit, agency, status),
description, evidence. Blank lines are left where a person must fill in (witnesses,
signature, reporter's truth statement).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from pantau.config import Settings, get_settings
from review.evidence.case import ROUTING_LABELS, CaseData, fmt_dt, fmt_iso, load_case
from review.evidence.legal import DISCLAIMER, indication_for
from review.evidence.packet import packet_name
from review.evidence.pdfbase import FONT, OfficePDF

Kind = Literal["bawaslu", "bkn"]
KINDS: tuple[str, ...] = ("bawaslu", "bkn")
BLANK = "...................................................."


def description(case: CaseData) -> str:
    post, person = case.post, case.person
    who = case.account_label
    if person is not None:
        who = (f"akun {case.account_label} yang tertaut dengan {person.name}"
               f" ({person.position or 'jabatan tidak tercatat'}, "
               f"{person.unit or person.agency})")
    where = f"di {post.platform}" + (f" ({post.url})" if post.url else " (grup percakapan)")
    ind = indication_for(case.category)
    what = f"yang diduga termasuk kategori {ind.code} — {ind.name}" if ind else ""
    contest = ""
    if case.elections:
        contest = f" terkait {', '.join(case.elections)}"
        if case.contestants:
            contest += f" ({', '.join(case.contestants)})"
        if case.stage:
            contest += f" pada tahapan {case.stage}"
    text = (post.text or "").strip()
    return (f"Pada {fmt_dt(post.posted_at, case.tz)}, {who} mengunggah konten {where} "
            f"{what}{contest}. Isi unggahan: \u201c{text}\u201d. Unggahan diketahui pada "
            f"{fmt_dt(case.item.known_at, case.tz)} melalui pemantauan media sosial dan telah "
            f"ditinjau oleh {len(case.decisions)} peninjau.").replace("  ", " ")


def evidence_list(case: CaseData) -> list[str]:
    items = [f"Paket bukti elektronik {packet_name(case.case_id)} (ditandatangani Ed25519; "
             "berisi laporan.pdf, manifest.json, custody.log)"]
    items.append("Tangkapan layar unggahan yang memuat akun, waktu dan URL (screenshot.png)")
    if case.capture is not None:
        items.append(f"Salinan arsip halaman (capture.warc.gz), diambil "
                     f"{fmt_dt(case.capture.fetched_at, case.tz)}, SHA-256 muatan "
                     f"{case.capture.sha256}")
    if case.import_file is not None:
        items.append(f"Kutipan ekspor percakapan (kutipan-ekspor.txt) dari berkas "
                     f"{case.import_file.filename}, SHA-256 {case.import_file.sha256}")
    items.append("Catatan rantai penguasaan bukti (custody.log)")
    return items


def _person(case: CaseData) -> dict[str, Any]:
    p = case.person
    return {
        "nama": p.name if p else None,
        "nip": p.nip if p else None,
        "nik_atau_id_pegawai": p.employee_ref if p else None,
        "jabatan": p.position if p else None,
        "unit_kerja": p.unit if p else None,
        "instansi": p.agency if p else None,
        "status_kepegawaian": p.employment_type.value if p else None,
        "akun": case.account_label,
        "url_akun": case.account.url if case.account else None,
    }


def form_data(case: CaseData, kind: Kind, settings: Settings) -> dict[str, Any]:
    ind = indication_for(case.category)
    office_address = getattr(settings, "office_address", None)
    common: dict[str, Any] = {
        "jenis": kind,
        "kasus": case.case_id,
        "pelapor": {"nama": settings.office_name, "alamat": office_address,
                    "kontak": settings.http.contact},
        "terlapor": _person(case),
        "uraian": description(case),
        "kategori": {"kode": ind.code, "nama": ind.name, "aturan_indikatif": ind.rule}
        if ind else None,
        "catatan": DISCLAIMER,
        "bukti": evidence_list(case),
        "penerusan": {"kepada": case.item.routed_to, "nomor_referensi": case.item.reference},
    }
    if kind == "bawaslu":
        common.update({
            "waktu_kejadian": fmt_iso(case.post.posted_at, case.tz),
            "waktu_kejadian_teks": fmt_dt(case.post.posted_at, case.tz),
            "tempat_kejadian": f"media sosial {case.post.platform}"
                               + (f": {case.post.url}" if case.post.url else ""),
            "waktu_diketahui": fmt_iso(case.item.known_at, case.tz),
            "batas_pelaporan": fmt_iso(case.deadline, case.tz),
            "pemilihan": case.elections,
            "tahapan": case.stage,
            "kontestan": case.contestants,
            "saksi": [{"nama": None, "alamat": None}, {"nama": None, "alamat": None}],
        })
    return common


def _pdf(case: CaseData, data: dict[str, Any], kind: Kind) -> bytes:
    title = ("Formulir Laporan Dugaan Pelanggaran Netralitas ASN kepada Bawaslu"
             if kind == "bawaslu" else
             "Laporan Dugaan Pelanggaran Netralitas ASN kepada BKN")
    pdf = OfficePDF(title=f"{title} — kasus {case.case_id}", office=case.office_name,
                    as_of=case.as_of, doc_key=f"form-{kind}:{case.case_id}",
                    subtitle="Terisi otomatis dari data kasus; periksa dan lengkapi sebelum "
                             "ditandatangani.")
    pdf.add_page()
    pdf.h1(title)
    t = data["terlapor"]
    pdf.section("I. Pelapor")
    pdf.fields([("Nama", data["pelapor"]["nama"]),
                ("Alamat", data["pelapor"]["alamat"] or BLANK),
                ("Kontak", data["pelapor"]["kontak"])])
    pdf.section("II. Terlapor")
    pdf.fields([("Nama", t["nama"]), ("NIP", t["nip"]),
                ("NIK / ID pegawai", t["nik_atau_id_pegawai"] or (BLANK if not t["nip"] else None)),
                ("Jabatan", t["jabatan"]), ("Unit kerja / OPD", t["unit_kerja"]),
                ("Instansi", t["instansi"]), ("Status kepegawaian", t["status_kepegawaian"]),
                ("Akun", t["akun"]), ("URL akun", t["url_akun"])])
    if kind == "bawaslu":
        pdf.section("III. Peristiwa")
        pdf.fields([("Waktu kejadian", data["waktu_kejadian_teks"]),
                    ("Tempat kejadian", data["tempat_kejadian"]),
                    ("Waktu diketahui", fmt_dt(case.item.known_at, case.tz)),
                    ("Batas pelaporan", f"{fmt_dt(case.deadline, case.tz)} "
                                        f"({case.deadline_days} hari sejak diketahui)"),
                    ("Pemilihan", ", ".join(data["pemilihan"]) or None),
                    ("Tahapan", data["tahapan"]),
                    ("Kontestan", ", ".join(data["kontestan"]) or None)])
    pdf.section("IV. Uraian kejadian" if kind == "bawaslu" else "III. Uraian dugaan pelanggaran")
    pdf.boxed(data["uraian"])
    if data["kategori"]:
        pdf.fields([("Kategori (indikatif)", f"{data['kategori']['kode']} — "
                                             f"{data['kategori']['nama']}"),
                    ("Aturan (indikasi)", data["kategori"]["aturan_indikatif"])])
    pdf.para(DISCLAIMER, size=8, style="I")
    if kind == "bawaslu":
        pdf.section("V. Saksi")
        for i in (1, 2):
            pdf.fields([(f"Saksi {i} — nama", BLANK), (f"Saksi {i} — alamat", BLANK)])
    pdf.section("VI. Bukti" if kind == "bawaslu" else "IV. Bukti")
    for i, line in enumerate(data["bukti"], 1):
        pdf.para(f"{i}. {line}", size=8.5)
    routed = data["penerusan"]["kepada"]
    if routed or data["penerusan"]["nomor_referensi"]:
        pdf.fields([("Diteruskan kepada", ROUTING_LABELS.get((routed or "").lower(), routed)),
                    ("Nomor referensi", data["penerusan"]["nomor_referensi"])])
    pdf.section("Pernyataan pelapor")
    pdf.para("Dengan ini saya menyatakan bahwa laporan ini dibuat dengan sebenar-benarnya "
             "dan bukti yang dilampirkan diperoleh secara sah.")
    pdf.ln(4)
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, f"{BLANK[:30]}, {BLANK[:30]}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, "Pelapor,", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.cell(0, 5, f"( {BLANK[:40]} )", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build_form(session: Session, case_id: int, kind: Kind, out_dir: Path,
               settings: Settings | None = None) -> tuple[Path, Path]:
    """Write ``laporan-<kind>-kasus-<id>.pdf`` and ``.json``; returns both paths."""
    if kind not in KINDS:
        raise ValueError(f"jenis formulir tidak dikenal: {kind!r} (bawaslu|bkn)")
    settings = settings or get_settings()
    case = load_case(session, case_id, settings)
    data = form_data(case, kind, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"laporan-{kind}-kasus-{case_id}"
    json_path, pdf_path = stem.with_suffix(".json"), stem.with_suffix(".pdf")
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                         encoding="utf-8")
    pdf_path.write_bytes(_pdf(case, data, kind))
    return pdf_path, json_path
