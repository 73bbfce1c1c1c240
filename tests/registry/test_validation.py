from __future__ import annotations

from datetime import date

import pytest

from pantau.registry.handles import HandleError, normalise_handle
from pantau.registry.nip import NipError, mask_nip, parse_pns_nip
from pantau.registry.phones import PhoneError, normalise_phone, try_normalise_phone

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("raw", ["198609262015051001", "19860926 201505 1 001", "19860926.201505.2.001"])
def test_valid_nips(raw: str) -> None:
    info = parse_pns_nip(raw, today=TODAY)
    assert info.birth_date == date(1986, 9, 26)
    assert info.appointed == (2015, 5)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("19860926201505100", "18 angka"),          # 17 digits
        ("1986092620150510011", "18 angka"),        # 19 digits
        ("19860231201505 1001", "tanggal lahir"),   # 31 Feb
        ("198609262015131001", "bulan TMT"),        # month 13
        ("198609262000051001", "usia 18"),          # appointed at 13
        ("198609262015053001", "jenis kelamin"),    # sex digit 3
        ("198609262015051000", "000"),
        ("198609262030011001", "masa depan"),
        ("1986O9262015051001", "18 angka"),         # letter O
    ],
)
def test_invalid_nips(raw: str, fragment: str) -> None:
    with pytest.raises(NipError, match=fragment):
        parse_pns_nip(raw, today=TODAY)


def test_nip_mask_hides_birth_date() -> None:
    assert mask_nip("198609262015051001") == "1986**********1001"


@pytest.mark.parametrize(
    "raw", ["0812-3456-7890", "081234567890", "62 812 3456 7890", "+62 812-3456-7890", "\u200e+62\u00a0812 3456 7890"]
)
def test_phone_forms(raw: str) -> None:
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "12345", "0812", "nomor saya"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(PhoneError):
        normalise_phone(raw)


def test_phone_detection_for_sender_names() -> None:
    assert try_normalise_phone("+62 812-3456-7890") == "+6281234567890"
    assert try_normalise_phone("Budi Santoso") is None


@pytest.mark.parametrize(
    ("platform", "raw", "handle"),
    [
        ("telegram", "https://t.me/s/Kabar_Budi", "kabar_budi"),
        ("telegram", "@kabar_budi", "kabar_budi"),
        ("x", "https://twitter.com/SitiR?lang=id", "sitir"),
        ("x", "x.com/sitir", "sitir"),
        ("mastodon", "@fauzi@Kalbar.example", "fauzi@kalbar.example"),
        ("mastodon", "https://kalbar.example/@fauzi", "fauzi@kalbar.example"),
        ("youtube", "https://www.youtube.com/channel/UC1234567890abcdefghijkl", "UC1234567890abcdefghijkl"),
        ("facebook", "https://m.facebook.com/profile.php?id=100012345678", "100012345678"),
    ],
)
def test_handles_are_canonical(platform: str, raw: str, handle: str) -> None:
    assert normalise_handle(platform, raw).handle == handle


@pytest.mark.parametrize(("platform", "raw"), [
    ("telegram", "https://example.com/budi"), ("x", "@nama_yang_terlalu_panjang_sekali"),
    ("mastodon", "fauzi"), ("youtube", "kanal budi"), ("myspace", "budi"),
])
def test_bad_handles(platform: str, raw: str) -> None:
    with pytest.raises(HandleError):
        normalise_handle(platform, raw)
