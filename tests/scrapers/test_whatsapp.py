from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scrapers.base import ParseError
from scrapers.whatsapp import normalise_phone, parse_export, parse_export_detailed
from tests.support.scraping import FIXTURES, SHARED, needs_shared

WA = FIXTURES / "whatsapp"
WIB = ZoneInfo("Asia/Jakarta")


def _parse(name: str, **kw):
    return parse_export_detailed(
        (WA / name).read_bytes(), filename=name, group=kw.pop("group", "ASN Kab. Contoh"), tz=WIB, **kw
    )


def test_android_indonesian() -> None:
    res = _parse("android_id.txt")
    assert res.format == "android" and res.date_order == "dmy" and res.encoding == "utf-8"
    assert res.system_lines == 5  # encryption notice, created, added, joined, left
    posts = res.posts
    assert len(posts) == 9
    first = posts[0]
    assert first.author_name == "Budi Santoso (Dinas Kominfo)"
    assert first.posted_at == datetime(2025, 8, 30, 18, 5, tzinfo=WIB)
    assert first.posted_at.utcoffset().total_seconds() == 7 * 3600
    assert first.thread_key == "ASN Kab. Contoh" and first.platform == "whatsapp"
    multi = posts[1]
    assert multi.text == (
        "Sore pak. Jangan lupa tanggal 27 November coblos nomor 2 ya!\nAjak keluarga juga.\n#Pilkada2025"
    )
    media1, media2 = posts[2], posts[3]
    assert media1.text == "" and media1.extra["media_omitted"] is True
    assert media1.author_phone == "+6281200001234" and media1.author_name == "+62 812-0000-1234"
    assert media1.external_id != media2.external_id  # identical tuples: occurrence index
    deleted = posts[4]
    assert deleted.extra["deleted"] is True and deleted.author_phone == "+6281200005678"
    edited = posts[5]
    assert edited.extra["edited"] is True
    assert edited.text == "Maaf salah ketik, maksudnya rapat jam 19.00"
    attach = posts[6]
    assert attach.extra["attachment"] == "IMG-20250831-WA0001.jpg"
    assert attach.text == "Foto apel pagi di kantor bupati"  # caption kept
    assert posts[7].text == "Siap: hadir pak"  # colon in text, U+00A0 normalised
    assert posts[8].text.endswith("2. Dilarang ikut kampanye\n\nTerima kasih.")
    assert posts[8].extra["line"] == 17  # line numbers point into the file


def test_ios_indonesian() -> None:
    res = _parse("ios_id.txt")
    assert res.format == "ios" and res.system_lines == 2
    by_text = [(p.author_name, p.text, p.extra) for p in res.posts]
    assert by_text[0][1] == "Mari dukung paslon nomor 1 pada Pemilu 14 Februari!"
    assert res.posts[0].posted_at == datetime(2024, 1, 12, 14, 6, 1, tzinfo=WIB)
    img = res.posts[1]
    assert img.author_phone == "+6281200009012"
    assert img.extra["media_omitted"] and img.extra["media_kind"] == "image"
    assert res.posts[2].extra["attachment"] == "00000012-PHOTO-2024-01-12-14-07-02.jpg"
    assert res.posts[3].text == "Selamat pagi.\nBesok ada apel di halaman kantor."
    assert res.posts[4].extra["deleted"] and res.posts[4].text == ""
    assert res.posts[5].extra["edited"] and res.posts[5].text == "Sudah saya perbaiki"


def test_english_12h_month_first_with_narrow_nbsp() -> None:
    res = _parse("android_en_12h.txt")
    assert res.date_order == "mdy"  # 1/13/24 decides
    assert [p.posted_at.hour for p in res.posts] == [21, 21, 21, 0, 12]
    assert res.posts[3].posted_at == datetime(2024, 1, 13, 0, 30, tzinfo=WIB)
    assert res.posts[1].extra["media_omitted"] and res.posts[2].extra["deleted"]
    assert res.posts[3].extra["attachment"] == "DOC-20240113-WA0002.pdf"
    assert res.posts[4].text == "Noted" and res.posts[4].extra["edited"]


def test_day_month_order_decided_by_whole_file() -> None:
    early = "05/03/24 10.00 - Budi: satu\n"  # ambiguous alone
    late = "20/03/24 10.00 - Budi: dua\n"  # 20 > 12: day first
    posts = parse_export((early + late).encode(), filename="x.txt", group="g", tz=WIB)
    assert posts[0].posted_at.month == 3 and posts[0].posted_at.day == 5
    us = "03/05/24 10:00 - Budi: one\n03/20/24 10:00 - Budi: two\n"
    posts = parse_export(us.encode(), filename="x.txt", group="g", tz=WIB)
    assert posts[0].posted_at.month == 3 and posts[0].posted_at.day == 5
    only = "05/03/24 10.00 - Budi: ambigu\n"
    assert parse_export(only.encode(), filename="x", group="g", tz=WIB)[0].posted_at.month == 3
    mixed = "20/03/24 10.00 - Budi: a\n03/20/24 10.00 - Budi: b\n"
    with pytest.raises(ParseError, match=r"x\.txt:2.*inconsistent"):
        parse_export(mixed.encode(), filename="x.txt", group="g", tz=WIB)


def test_four_digit_years_and_colon_times() -> None:
    text = "30/08/2025, 18:00 - Budi Santoso: halo\n2025/08/31 07:15 - x\n"
    res = parse_export_detailed(text.encode(), filename="x", group="g", tz=WIB)
    assert res.posts[0].posted_at == datetime(2025, 8, 30, 18, 0, tzinfo=WIB)
    assert res.posts[0].text == "halo" and res.system_lines == 1  # year-first line, no author


def test_ids_stable_across_reimport_and_longer_export() -> None:
    data = (WA / "android_id.txt").read_bytes()
    a = parse_export(data, filename="a.txt", group="G", tz=WIB)
    longer = data + b"31/08/25 08.00 - Budi Santoso (Dinas Kominfo): pesan baru\n"
    b = parse_export(longer, filename="b.txt", group="G", tz=WIB)
    assert [p.external_id for p in a] == [p.external_id for p in b[: len(a)]]
    assert [p.content_sha256 for p in a] == [p.content_sha256 for p in b[: len(a)]]
    assert len({p.external_id for p in b}) == len(b)
    other_group = parse_export(data, filename="a.txt", group="H", tz=WIB)
    assert a[0].external_id != other_group[0].external_id
    assert all(len(p.external_id) == 32 for p in a)
    # CRLF line endings and a BOM do not change ids
    crlf = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    c = parse_export(crlf, filename="c.txt", group="G", tz=WIB)
    assert [p.external_id for p in a] == [p.external_id for p in c]


def test_utf16_and_latin1_and_zip() -> None:
    data = (WA / "android_id.txt").read_bytes()
    ref = parse_export(data, filename="a", group="G", tz=WIB)
    utf16 = data.decode().encode("utf-16")  # with BOM
    res = parse_export_detailed(utf16, filename="u16.txt", group="G", tz=WIB)
    assert res.encoding.startswith("utf-16")
    assert [p.text for p in res.posts] == [p.text for p in ref]
    latin = "30/08/25 18.00 - Budi: Café près de kantor\n".encode("latin-1")
    res = parse_export_detailed(latin, filename="l1.txt", group="G", tz=WIB)
    assert res.encoding == "cp1252" and res.posts[0].text == "Café près de kantor"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Chat WhatsApp dengan ASN.txt", data)
        zf.writestr("IMG-20250831-WA0001.jpg", b"\xff\xd8")
    zipped = parse_export(buf.getvalue(), filename="export.zip", group="G", tz=WIB)
    assert [p.external_id for p in zipped] == [p.external_id for p in ref]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", r"empty\.txt: empty file"),
        (b"   \n\n", "empty file"),
        (b"halo semua\ntanpa cap waktu\n", r"empty\.txt:1: no WhatsApp message lines"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"empty\.txt:3: binary data"),
        (b"PK\x03\x04garbage", "corrupt ZIP"),
        (b"31/02/24 10.00 - Budi: 31 Februari\n", r"empty\.txt:1: invalid date"),
    ],
)
def test_bad_input(data: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        parse_export(data, filename="empty.txt", group="g", tz=WIB)


def test_leading_junk_is_counted_not_fatal() -> None:
    text = "Ekspor chat grup\n30/08/25 18.00 - Budi: halo\n"
    res = parse_export_detailed(text.encode(), filename="x", group="g", tz=WIB)
    assert res.skipped_lines == 1 and len(res.posts) == 1


@pytest.mark.parametrize(
    ("shown", "e164"),
    [
        ("+62 812-0000-1234", "+6281200001234"),
        ("0812-0000-1234", "+6281200001234"),
        ("+62 812 0000 1234", "+6281200001234"),
        ("Budi Santoso", None),
        ("+1 202-555-0143", "+12025550143"),
        ("12345", None),
    ],
)
def test_phone_normalisation(shown: str, e164: str | None) -> None:
    assert normalise_phone(shown) == e164


@needs_shared
@pytest.mark.parametrize(
    ("name", "order", "n_posts"),
    [
        ("chatminer_test_ddmmyy_24hrs.txt", "dmy", 7),
        ("chatminer_test_mmddyy_24hrs.txt", "mdy", 7),
        ("chatminer_test_bracket_mmddyy_24hrs.txt", "mdy", 7),
        ("chatminer_test_yyyymmdd_24hrs.txt", "ymd", 7),
        ("chatminer_test_mmddyyyy_12hrs.txt", "mdy", 7),
        ("chatanalytics_4A_11M.txt", "dmy", 11),
    ],
)
def test_shared_real_format_samples(name: str, order: str, n_posts: int) -> None:
    res = parse_export_detailed((SHARED / "whatsapp" / name).read_bytes(), filename=name, group="g", tz=WIB)
    assert res.date_order == order
    assert len(res.posts) == n_posts
    assert all(p.posted_at.tzinfo is not None and p.author_name for p in res.posts)
