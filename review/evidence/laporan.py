"""``laporan.pdf``: the case report inside an evidence packet, in Bahasa Indonesia."""

from __future__ import annotations

import io
from importlib.metadata import PackageNotFoundError, version

from review.evidence.case import ROUTING_LABELS, STATUS_LABELS, CaseData, fmt_dt
from review.evidence.legal import DISCLAIMER, indication_for
from review.evidence.pdfbase import FONT, GREY, WARN, OfficePDF

INDICATIVE = "INDIKATIF — BUKAN KEPUTUSAN"


def tool_version() -> str:
    try:
        return version("pantau")
    except PackageNotFoundError:
        return "0+unknown"


def person_rows(case: CaseData) -> list[tuple[str, object]]:
    p = case.person
    if p is None:
        return [("Terlapor", "belum tertaut ke data ASN — perlu verifikasi analis"),
                ("Nama tampilan", case.post.author_name),
                ("Akun", case.account_label)]
    ident = p.nip if p.nip else (f"{p.employee_ref} (ID pegawai non-NIP)" if p.employee_ref
                                 else None)
    return [
        ("Nama", p.name),
        ("NIP / NIK", ident),
        ("Jabatan", p.position),
        ("Unit kerja / OPD", p.unit),
        ("Instansi", p.agency),
        ("Status kepegawaian", p.employment_type.value),
        ("Akun", case.account_label),
        ("URL akun", case.account.url if case.account else None),
        ("Cara penautan", f"{case.post.match_method or '-'}"
         + (f" (keyakinan {case.post.match_confidence:.2f})"
            if case.post.match_confidence is not None else "")),
    ]


def incident_rows(case: CaseData) -> list[tuple[str, object]]:
    post = case.post
    return [
        ("Waktu unggah", fmt_dt(post.posted_at, case.tz)),
        ("Diketahui pada", fmt_dt(case.item.known_at, case.tz)),
        ("Batas pelaporan", f"{fmt_dt(case.deadline, case.tz)} "
                            f"({case.deadline_days} hari sejak diketahui)"),
        ("Platform", post.platform),
        ("URL unggahan", post.url or "(ekspor grup — lihat kutipan-ekspor.txt)"),
        ("ID unggahan", post.external_id),
        ("Pemilihan", ", ".join(case.elections) or None),
        ("Tahapan", case.stage),
        ("Kontestan", ", ".join(case.contestants) or None),
    ]


def build_laporan(case: CaseData, *, screenshot: bytes | None,
                  evidence: list[tuple[str, str, int]]) -> bytes:
    """``evidence``: (file name, SHA-256, size) of the other packet files."""
    item = case.item
    pdf = OfficePDF(title=f"Laporan dugaan pelanggaran netralitas ASN — kasus {item.id}",
                    office=case.office_name, as_of=case.as_of, doc_key=f"laporan:{item.id}",
                    subtitle=f"Status: {STATUS_LABELS.get(item.status.value, item.status.value)}"
                             f" · Data per {fmt_dt(case.as_of, case.tz)}")
    pdf.add_page()
    pdf.h1("Laporan Dugaan Pelanggaran Netralitas ASN")
    pdf.set_text_color(*WARN)
    pdf.boxed("DUGAAN — bahan telaah. Temuan ini dikumpulkan dan ditandai oleh sistem pemantauan "
              "lalu ditinjau manusia. Hasil klasifikasi mesin bersifat indikatif, bukan "
              "keputusan; penilaian pelanggaran dan sanksi menjadi kewenangan pejabat yang "
              "berwenang.", color=WARN, size=8.5)
    pdf.set_text_color(0, 0, 0)

    pdf.section("A. Terlapor")
    pdf.fields(person_rows(case))
    pdf.section("B. Kejadian")
    pdf.fields(incident_rows(case))

    pdf.section("C. Isi unggahan")
    pdf.boxed(case.post.text or "(teks tidak tersedia: telah dihapus sesuai retensi)")
    if case.context_posts and len(case.context_posts) > 1:
        pdf.para(f"Konteks percakapan ({len(case.context_posts)} pesan, termasuk pesan yang "
                 "dilaporkan) tercantum di kutipan-ekspor.txt.", size=8)

    pdf.section(f"D. Hasil klasifikasi mesin — {INDICATIVE}")
    ind = indication_for(case.category)
    pdf.fields([
        ("Model", case.model_version),
        ("Label", {"partisan": "partisan (dugaan)", "not_partisan": "tidak partisan"}
         .get(case.prediction_label or "", case.prediction_label)),
        ("Skor", f"{case.prediction_score:.3f}" if case.prediction_score is not None else None),
        ("Kategori", f"{case.category} — {ind.name}" if ind else case.category),
        ("Kecocokan daftar pantau", "; ".join(
            f"{h.get('contestant')} (\u201c{h.get('match')}\u201d)" for h in case.watchlist_hits)
         or None),
    ])
    pdf.set_font(FONT, "I", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, f"Hasil ini {INDICATIVE.lower()}: skor model hanya menunjukkan "
                   "prioritas telaah, bukan bukti pelanggaran.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    pdf.section("E. Indikasi aturan terkait (bukan keputusan)")
    if ind:
        pdf.fields([("Kategori", f"{ind.code} — {ind.name}"), ("Aturan", ind.rule)])
    else:
        pdf.para("Kategori belum ditetapkan.")
    pdf.para(DISCLAIMER, size=8, style="I")

    pdf.section("F. Keputusan peninjau")
    if case.decisions:
        rows = [[fmt_dt(d.at, case.tz), f"{d.reviewer} ({d.role})",
                 f"{STATUS_LABELS.get(d.from_status, d.from_status)} → "
                 f"{STATUS_LABELS.get(d.to_status, d.to_status)}", d.reason]
                for d in case.decisions]
        pdf.table(["Waktu", "Peninjau", "Perubahan status", "Alasan"], rows, [34, 38, 40, 62])
    else:
        pdf.para("Belum ada keputusan peninjau.")

    pdf.section("G. Penerusan")
    routed = item.routed_to
    pdf.fields([
        ("Diteruskan kepada", ROUTING_LABELS.get((routed or "").lower(), routed)
         if routed else "belum diteruskan"),
        ("Nomor referensi", item.reference),
        ("Status tindak lanjut", STATUS_LABELS.get(item.status.value, item.status.value)),
    ])

    if case.rechecks:
        pdf.section("G2. Pemeriksaan ulang di sumber")
        outcome = {"ok": "masih ada, tidak berubah", "edited": "diubah",
                   "deleted": "dihapus / tidak ditemukan", "error": "gagal diperiksa"}
        pdf.table(["Waktu", "Hasil", "Keterangan", "SHA-256 tangkapan ulang"],
                  [[fmt_dt(r.checked_at, case.tz), outcome.get(r.outcome, r.outcome),
                    r.detail or (r.diff[:300] if r.diff else "-"),
                    r.capture.sha256 if r.capture else "-"] for r in case.rechecks],
                  [32, 32, 56, 54], size=7)
        pdf.para("Tangkapan asli tidak pernah diganti; setiap pemeriksaan ulang disimpan "
                 "sebagai tangkapan baru.", size=7.5, style="I")

    pdf.section("H. Bukti elektronik dalam paket ini")
    rows = [[name, f"{size:,}".replace(",", "."), digest] for name, digest, size in evidence]
    if case.capture is not None:
        rows.append(["(muatan tangkapan asli)", f"{case.capture.size:,}".replace(",", "."),
                     case.capture.sha256])
    if case.import_file is not None:
        rows.append([f"(berkas ekspor {case.import_file.filename})",
                     f"{case.import_file.size:,}".replace(",", "."), case.import_file.sha256])
    pdf.table(["Berkas", "Ukuran (bita)", "SHA-256"], rows, [50, 22, 102], size=7)
    pdf.para("Keutuhan seluruh berkas dijamin oleh manifest.json yang ditandatangani secara "
             "elektronik (Ed25519, manifest.sig; kunci publik: kunci-publik.pem). Periksa "
             f"dengan perintah: pantau evidence verify <berkas.zip>. Dibuat oleh pantau "
             f"versi {tool_version()}.", size=8)

    if screenshot:
        pdf.add_page()
        pdf.section("I. Tangkapan layar")
        top = pdf.get_y()
        box_w = pdf.w - pdf.l_margin - pdf.r_margin
        box_h = pdf.h - top - 20
        pdf.image(io.BytesIO(screenshot), x=pdf.l_margin, y=top, w=box_w, h=box_h,
                  keep_aspect_ratio=True)
    return bytes(pdf.output())
