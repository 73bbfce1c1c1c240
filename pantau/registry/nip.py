"""NIP (Nomor Induk Pegawai) validation.

Layout of a PNS NIP, 18 digits: ``YYYYMMDD`` birth date · ``YYYYMM`` CPNS appointment (TMT) ·
``1|2`` sex · ``NNN`` sequence. NI PPPK is also 18 digits with another layout, so for PPPK
only the shape is checked. A NIP reveals birth date and sex: mask it where it is not needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_DIGITS = re.compile(r"^\d{18}$")


class NipError(ValueError):
    pass


@dataclass(frozen=True)
class NipInfo:
    nip: str
    birth_date: date | None
    appointed: tuple[int, int] | None  # (year, month)
    sex: str | None  # "L" or "P"


def clean_nip(raw: str) -> str:
    """Strip the spaces, dots and dashes people type into NIPs."""
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_pns_nip(raw: str, *, today: date | None = None) -> NipInfo:
    nip = clean_nip(raw)
    if not _DIGITS.match(nip):
        raise NipError(f"NIP harus 18 angka, didapat {len(nip)} karakter: {raw!r}")
    today = today or date.today()
    y, m, d = int(nip[0:4]), int(nip[4:6]), int(nip[6:8])
    try:
        birth = date(y, m, d)
    except ValueError as exc:
        raise NipError(f"tanggal lahir dalam NIP tidak valid ({nip[0:8]})") from exc
    if not (1930 <= y <= today.year - 17):
        raise NipError(f"tahun lahir dalam NIP tidak masuk akal ({y})")
    ay, am = int(nip[8:12]), int(nip[12:14])
    if not 1 <= am <= 12:
        raise NipError(f"bulan TMT CPNS dalam NIP tidak valid ({nip[8:14]})")
    if (ay, am) > (today.year, today.month):
        raise NipError(f"TMT CPNS dalam NIP di masa depan ({nip[8:14]})")
    if (ay, am) < (y + 18, m):
        raise NipError(
            f"TMT CPNS ({nip[8:14]}) sebelum usia 18 tahun (lahir {birth.isoformat()})"
        )
    sex_digit = nip[14]
    if sex_digit not in "12":
        raise NipError(f"digit jenis kelamin dalam NIP harus 1 atau 2, didapat {sex_digit}")
    if nip[15:18] == "000":
        raise NipError("nomor urut dalam NIP tidak boleh 000")
    return NipInfo(nip=nip, birth_date=birth, appointed=(ay, am), sex="L" if sex_digit == "1" else "P")


def parse_pppk_ni(raw: str) -> NipInfo:
    nip = clean_nip(raw)
    if not _DIGITS.match(nip):
        raise NipError(f"NI PPPK harus 18 angka, didapat {len(nip)} karakter: {raw!r}")
    return NipInfo(nip=nip, birth_date=None, appointed=None, sex=None)


def mask_nip(nip: str | None) -> str:
    """``198609262015051001`` → ``1986********1001``: enough to tell people apart on screen."""
    if not nip:
        return "—"
    return nip[:4] + "*" * (len(nip) - 8) + nip[-4:] if len(nip) > 8 else "*" * len(nip)
