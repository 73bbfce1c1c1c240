"""NET-* category → the rule it *may* touch, shown as an indication only.

Whether an act is an ethics or a disciplinary matter, and any sanction, is decided by
people (BKN, PPK, Inspektorat), never by this table. Sources: SKB 2022 (MenPANRB, Mendagri,
BKN, KASN, Bawaslu) Lampiran II; PP 94/2021 Pasal 5 huruf n; PP 42/2004 (etika); UU 20/2023.
Keep this the single place the mapping lives.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indication:
    code: str
    name: str
    rule: str


DISCLAIMER = (
    "Indikasi aturan yang mungkin relevan — bukan keputusan. Penentuan jenis pelanggaran "
    "(etika/disiplin) dan sanksi menjadi kewenangan pejabat yang berwenang."
)

_PP94 = "PP 94/2021 Pasal 5 huruf n"
_ETIKA = "PP 42/2004 (kode etik); SKB 2022 Lampiran II (pelanggaran etika)"

INDICATIONS: dict[str, Indication] = {
    i.code: i
    for i in [
        Indication("NET-KMS", "Kampanye/sosialisasi di media sosial",
                   f"SKB 2022 Lampiran II (etika: kampanye/sosialisasi melalui media sosial); {_ETIKA}"),
        Indication("NET-INT", "Interaksi dengan akun/grup pemenangan",
                   "SKB 2022 Lampiran II (etika: memberikan like, komentar, membagikan, "
                   "mengikuti akun/grup pemenangan); PP 42/2004"),
        Indication("NET-FTO", "Foto bersama calon/tim dengan simbol dukungan",
                   "SKB 2022 Lampiran II (etika: foto bersama dengan simbol keberpihakan); "
                   "PP 42/2004"),
        Indication("NET-APK", "Alat peraga/atribut kampanye",
                   "SKB 2022 Lampiran II (etika: memasang/menggunakan atribut kampanye); "
                   "PP 42/2004"),
        Indication("NET-HDR", "Hadir deklarasi/kampanye",
                   f"SKB 2022 Lampiran II (disiplin: ikut kampanye/deklarasi); {_PP94} angka 1–2"),
        Indication("NET-AJK", "Ajakan/kegiatan keberpihakan",
                   f"SKB 2022 Lampiran II (disiplin: kegiatan yang mengarah keberpihakan); "
                   f"{_PP94} angka 6"),
        Indication("NET-TIM", "Tim pemenangan/konsultan",
                   f"SKB 2022 Lampiran II (disiplin: menjadi tim/konsultan pemenangan); {_PP94}"),
        Indication("NET-KTP", "Dukungan calon perseorangan (KTP/surat dukungan)",
                   f"SKB 2022 Lampiran II (disiplin); {_PP94} angka 7"),
        Indication("NET-KEP", "Keputusan/fasilitas negara untuk calon",
                   f"SKB 2022 Lampiran II (disiplin); {_PP94} angka 3–5; UU 20/2023 Pasal 24 "
                   "ayat (1) huruf d"),
        Indication("NET-PCL", "Pendekatan sebagai bakal calon",
                   "SKB 2022 Lampiran II (etika: mendekati partai/mendeklarasikan diri sebagai "
                   "bakal calon); PP 42/2004"),
        Indication("NET-PRT", "Anggota/pengurus partai",
                   "UU 20/2023 Pasal 9 ayat (2); SKB 2022 Lampiran II (disiplin: menjadi "
                   "anggota/pengurus partai politik)"),
        Indication("NET-LNY", "Lainnya",
                   "UU 20/2023 Pasal 2 huruf f dan Pasal 9 ayat (2) (asas netralitas)"),
    ]
}


def indication_for(code: str | None) -> Indication | None:
    if not code:
        return None
    return INDICATIONS.get(code.strip().upper())
