from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scrapers.base import ParseError
from scrapers.telegram_export import flatten_text, parse_export, parse_export_detailed
from tests.support.scraping import FIXTURES, SHARED, needs_shared

TE = FIXTURES / "telegram_export"
WIB = ZoneInfo("Asia/Jakarta")


def test_full_account_export() -> None:
    data = (TE / "full_account_result.json").read_bytes()
    res = parse_export_detailed(data, filename="result.json", tz=WIB)
    assert [(c.chat_id, c.messages, c.service_messages) for c in res.chats] == [
        ("1700000001", 4, 2),
        ("1700000002", 1, 0),
    ]
    by = {p.external_id: p for p in res.posts}
    p2 = by["1700000001/2"]
    assert p2.text == ("Rekan-rekan, mari coblos nomor 2 tanggal 14 Februari!\nInfo: https://contoh.example/paslon2")
    assert p2.posted_at == datetime(2024, 1, 10, 1, 5, tzinfo=UTC)  # from date_unixtime
    assert p2.author_id == "user5000001" and p2.thread_key == "1700000001"
    assert p2.platform == "telegram"
    p3 = by["1700000001/3"]
    assert p3.reply_to == "1700000001/2" and p3.extra["edited"] is True
    assert p3.extra["edited_at"] == "2024-01-10T01:07:00+00:00"
    p4 = by["1700000001/4"]
    assert p4.author_name is None and p4.author_id == "user5000003"  # from: null
    assert p4.extra["forwarded_from"] == "Relawan Contoh Bersatu"
    assert p4.extra["media_type"] == "photo"
    p5 = by["1700000001/5"]
    assert p5.extra["poll"]["answers"] == ["Paslon 1", "Paslon 2"]
    assert "Siapa pilihan kita?" in p5.text
    signed = by["1700000002/10"]
    assert signed.author_name == "Dewi Lestari" and signed.extra["author"] == "Dewi Lestari"
    assert signed.raw["from"] == "Kanal Info Pemkot Contoh"


def test_select_one_chat_by_name_or_id() -> None:
    data = (TE / "full_account_result.json").read_bytes()
    by_name = parse_export(data, filename="r.json", tz=WIB, chat="Kanal Info Pemkot Contoh")
    by_id = parse_export(data, filename="r.json", tz=WIB, chat="1700000002")
    assert [p.external_id for p in by_name] == [p.external_id for p in by_id] == ["1700000002/10"]
    with pytest.raises(ParseError, match="no chat named"):
        parse_export(data, filename="r.json", tz=WIB, chat="Tidak Ada")


def test_legacy_format_uses_configured_timezone() -> None:
    posts = parse_export((TE / "legacy_single_chat_result.json").read_bytes(), filename="l", tz=WIB)
    assert [p.external_id for p in posts] == ["900001/101", "900001/102"]
    assert posts[0].posted_at == datetime(2020, 12, 1, 19, 30, tzinfo=WIB)
    assert posts[0].author_id == "user5000001"  # numeric legacy id normalised
    assert posts[1].text == "Lihat @budi_contoh di sini"
    assert posts[1].reply_to == "900001/101"
    wita = parse_export(
        (TE / "legacy_single_chat_result.json").read_bytes(),
        filename="l",
        tz=ZoneInfo("Asia/Makassar"),
    )
    assert (posts[0].posted_at - wita[0].posted_at).total_seconds() == 3600


@needs_shared
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("tekum_coorporate-speak_result.json", 155),
        ("tekum_praktik-load-balancer_result.json", 43),
        ("csharpindo_dependency-injection_result_legacy.json", 242),
        ("tekum_ssl_poll_result_reformatted.json", 14),
        ("tekum_oop_forwarded_reformatted.json", 46),
    ],
)
def test_real_exports(name: str, count: int) -> None:
    posts = parse_export((SHARED / "telegram_export" / name).read_bytes(), filename=name, tz=WIB)
    assert len(posts) == count
    assert all(p.posted_at.tzinfo is not None for p in posts)
    assert len({p.external_id for p in posts}) == count


@needs_shared
def test_real_modern_export_details() -> None:
    name = "tekum_coorporate-speak_result.json"
    posts = parse_export((SHARED / "telegram_export" / name).read_bytes(), filename=name, tz=WIB)
    first = posts[0]
    assert first.author_name is None and first.author_id == "user1168523623"
    assert first.posted_at == datetime.fromtimestamp(1654418579, UTC)
    assert any(p.reply_to == "1712691810/10821" for p in posts)


def test_flatten_text() -> None:
    assert flatten_text(["a ", {"type": "bold", "text": "b"}, " c"]) == "a b c"
    assert flatten_text("x") == "x" and flatten_text(None) == ""


def _good() -> bytes:
    return (TE / "legacy_single_chat_result.json").read_bytes()


def test_truncated_json_reports_line_and_column() -> None:
    data = _good()[:300]
    with pytest.raises(ParseError, match=r"result\.json:\d+:\d+: invalid JSON.*truncated") as info:
        parse_export(data, filename="result.json", tz=WIB)
    assert info.value.location and info.value.location.startswith("result.json:")


def test_invalid_json_in_the_middle() -> None:
    data = b'{"name": "x", "id": 1, "messages": [\n {"id": 1,, "type": "message"}\n]}'
    with pytest.raises(ParseError, match=r"r\.json:2:\d+: invalid JSON"):
        parse_export(data, filename="r.json", tz=WIB)


def test_utf16_and_bom_are_decoded() -> None:
    ref = parse_export(_good(), filename="r", tz=WIB)
    for data in (
        _good().decode().encode("utf-16"),
        b"\xef\xbb\xbf" + _good(),
        _good().decode().encode("utf-16-le"),  # no BOM
    ):
        assert [p.text for p in parse_export(data, filename="r", tz=WIB)] == [p.text for p in ref]


def test_latin1_is_an_error_with_location_unless_encoding_given() -> None:
    doc = {"name": "g", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2020-01-01T10:00:00", "from": "José", "text": "Café"}
    ]}  # fmt: skip
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("latin-1")
    with pytest.raises(ParseError, match=r"l1\.json:\d+:\d+: not UTF-8"):
        parse_export(data, filename="l1.json", tz=WIB)
    posts = parse_export(data, filename="l1.json", tz=WIB, encoding="latin-1")
    assert posts[0].author_name == "José" and posts[0].text == "Café"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "r.json: empty file"),
        (b"  \n", "empty file"),
        (b"[1, 2]", "wrong shape: top level is list"),
        (b'{"name": "x"}', "wrong shape: no 'messages'"),
        (b'{"chats": {"list": [{"name": "a"}]}}', r"chats\.list\[0\] has no 'messages'"),
        (
            b'{"id": 1, "messages": [{"id": 7, "type": "message", "text": "x"}]}',
            r"messages\[0\] \(id 7\): missing 'date'",
        ),
        (
            b'{"id": 1, "messages": [{"type": "message", "date": "2020-01-01T00:00:00"}]}',
            r"messages\[0\]: missing or non-integer 'id'",
        ),
    ],
)
def test_bad_shapes(data: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        parse_export(data, filename="r.json", tz=WIB)
