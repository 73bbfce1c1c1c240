from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.base import ParseError
from scrapers.collector import SourceUnavailable, Target
from scrapers.http import PoliteClient, read_warc_payload
from scrapers.telegram_web import TelegramWebCollector, channel_url, parse_page, parse_views
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.scraping import FIXTURES, SHARED, needs_shared

TG = FIXTURES / "telegram_web"
REAL = SHARED / "telegram_web"


def _by_id(posts):
    return {p.external_id: p for p in posts}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("37.2K", 37200), ("1.1M", 1_100_000), ("862", 862), ("1,204", 1204), ("5K", 5000), ("", None)],
)
def test_parse_views(raw: str, expected: int | None) -> None:
    assert parse_views(raw) == expected


def test_indonesian_page() -> None:
    posts = parse_page((TG / "page_latest.html").read_bytes(), "https://t.me/s/diskominfo_contoh")
    ids = [p.external_id for p in posts]
    assert ids == [f"diskominfo_contoh/{i}" for i in (105, 104, 103, 102, 101)]  # 106 = service
    by = _by_id(posts)
    p105 = by["diskominfo_contoh/105"]
    assert p105.text == (
        "Selamat pagi warga Kabupaten Contoh! 🇮🇩\n"
        "Pelayanan KTP-el hari Sabtu tetap buka pukul 08.00–12.00 WIB.\n\n#PelayananPublik"
    )
    assert p105.extra["views"] == 37200
    assert p105.posted_at == datetime(2024, 1, 12, 1, 15, tzinfo=UTC)
    assert p105.url == "https://t.me/diskominfo_contoh/105"
    assert p105.platform == "telegram" and p105.thread_key == "diskominfo_contoh"
    assert p105.author_name == "Dinas Kominfo Kab. Contoh" and "edited" not in p105.extra

    p104 = by["diskominfo_contoh/104"]
    assert p104.reply_to == "diskominfo_contoh/103"
    assert p104.extra["edited"] is True
    assert p104.extra["signed_author"] == "Budi Santoso (Dinas Kominfo)"
    assert p104.author_name == "Budi Santoso (Dinas Kominfo)"
    assert p104.text == "Mohon maaf, unggahan sebelumnya bukan sikap resmi dinas."  # not the quote
    assert p104.extra["views"] == 1204

    p102 = by["diskominfo_contoh/102"]
    assert p102.extra["forwarded_from"] == {
        "name": "Relawan Contoh Bersatu",
        "url": "https://t.me/relawan_contoh/55",
    }
    assert p102.extra["media"] == ["photo"]
    assert p102.text == "Foto kegiatan kampanye akbar di alun-alun."  # caption
    assert p102.extra["views"] == 1_100_000

    p101 = by["diskominfo_contoh/101"]
    assert p101.extra["poll"]["question"] == "Pilihan Anda untuk Pilkada?"
    assert [o["text"] for o in p101.extra["poll"]["options"]] == ["Paslon 1", "Paslon 2"]
    assert "Paslon 2" in p101.text  # a poll's words are kept as text


def test_second_page_link_preview_document_entities() -> None:
    posts = _by_id(parse_page((TG / "page_before_101.html").read_bytes(), "u"))
    assert set(posts) == {f"diskominfo_contoh/{i}" for i in (97, 98, 99, 100)}
    lp = posts["diskominfo_contoh/97"].extra["link_preview"]
    assert lp["title"] == "Peringatan dini banjir" and lp["site_name"] == "BPBD Kab. Contoh"
    assert posts["diskominfo_contoh/97"].text.endswith("https://bpbd.contoh.go.id/info")
    assert posts["diskominfo_contoh/97"].extra["links"] == ["https://bpbd.contoh.go.id/info"]
    assert "Peringatan dini" not in posts["diskominfo_contoh/97"].text
    assert posts["diskominfo_contoh/98"].extra["document_title"] == "Surat Edaran Netralitas ASN.pdf"
    assert posts["diskominfo_contoh/99"].text == "Rapat koordinasi persiapan Pemilu & Pilkada <serentak>."


@needs_shared
def test_real_full_page() -> None:
    posts = parse_page((REAL / "any2feed_full.html").read_bytes(), "https://t.me/s/topwar_official")
    assert len(posts) >= 10
    assert all(p.external_id.startswith("topwar_official/") for p in posts)
    assert all(p.posted_at.tzinfo is not None for p in posts)
    first = _by_id(posts)["topwar_official/70989"]
    assert first.extra["views"] == 37200
    # source indentation is not text: no runs of spaces or stray newlines inside sentences
    assert all("  " not in p.text for p in posts)


@needs_shared
@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("tchan_parse_text_reply_to_video.html", lambda p: p.reply_to == "tchantest/19"),
        ("tchan_parse_signed_edited_text_message.html", lambda p: p.extra["edited"] is True),
        ("tchan_parse_text_message_signed_not_edited.html", lambda p: "edited" not in p.extra),
        ("tchan_parse_text_message_multiline.html", lambda p: p.text == "Bigger\ntext\nmessage\nnumber\n34"),
        ("tchan_parse_round_video_single.html", lambda p: p.extra["media"] == ["round_video"]),
        ("tchan_parse_audio_message.html", lambda p: p.extra["media"] == ["voice"]),
        ("tchan_parse_sticker_message.html", lambda p: p.extra["media"] == ["sticker"]),
        ("tchan_parse_location_message.html", lambda p: p.extra["media"] == ["location"]),
        ("tchan_parse_poll.html", lambda p: p.extra["poll"]["type"] == "Anonymous Quiz"),
        ("any2feed_message_media_file.html", lambda p: p.extra["media"] == ["document"]),
        (
            "any2feed_message_media_photo_and_video.html",
            lambda p: {"photo", "video", "grouped"} <= set(p.extra["media"]),
        ),
        (
            "tchan_parse_forwarded_text_message.html",
            lambda p: p.extra["forwarded_from"]["name"] == "Some user",
        ),
    ],
)
def test_real_fragments(name: str, check) -> None:
    (post,) = parse_page((REAL / name).read_bytes(), name)
    assert check(post), post


@needs_shared
@pytest.mark.parametrize(
    "name",
    [
        "tchan_parse_service_message_pinned.html",
        "tchan_parse_service_message_channel_created.html",
        "tchan_parse_service_message_channel_name_changed.html",
        "tchan_parse_service_message_channel_photo_updated.html",
        "tchan_parse_no_posts_found.html",
    ],
)
def test_service_messages_and_empty_pages_give_no_posts(name: str) -> None:
    assert parse_page((REAL / name).read_bytes(), name) == []


def test_layout_change_is_a_parse_error_naming_the_url() -> None:
    url = "https://t.me/s/diskominfo_contoh"
    with pytest.raises(ParseError, match=r"https://t\.me/s/diskominfo_contoh.*layout changed"):
        parse_page((TG / "layout_changed.html").read_bytes(), url)
    with pytest.raises(ParseError, match=r"post diskominfo_contoh/50.*time"):
        parse_page((TG / "missing_time.html").read_bytes(), url)
    with pytest.raises(ParseError, match="empty"):
        parse_page(b"  ", url)


def test_channel_url() -> None:
    assert channel_url(Target("telegram", "@pemkot_contoh")) == "https://t.me/s/pemkot_contoh"
    assert channel_url(Target("telegram", "https://t.me/s/abc")) == "https://t.me/s/abc"
    opt = Target("telegram", "abc", {"base_url": "http://127.0.0.1:9/s/abc"})
    assert channel_url(opt) == "http://127.0.0.1:9/s/abc"


def _serve_channel(server: FixtureServer) -> Target:
    server.add_file("/s/diskominfo_contoh", TG / "page_latest.html")
    server.add_file("/s/diskominfo_contoh?before=101", TG / "page_before_101.html")
    server.add_file("/s/diskominfo_contoh?before=96", TG / "no_posts.html")
    return Target("telegram", "diskominfo_contoh", {"base_url": server.url("/s/diskominfo_contoh")})


def test_fetch_all_pages_then_cursor_is_newest(client: PoliteClient, server: FixtureServer):
    target = _serve_channel(server)
    col = TelegramWebCollector()
    pages = list(col.fetch(client, target, None, max_pages=10))
    assert [p.response.url.split("/s/")[1] for p in pages] == [
        "diskominfo_contoh",
        "diskominfo_contoh?before=101",
        "diskominfo_contoh?before=96",
    ]
    assert [p.cursor for p in pages] == [None, None, "106"]
    assert not pages[-1].truncated
    posts = [q for p in pages for q in col.parse(p.response.body, p.response.url, target)]
    assert len(posts) == 9
    # archived bytes re-parse to the same posts
    again = parse_page(read_warc_payload(pages[0].response.warc_path, pages[0].response.warc_offset), "u")
    assert [p.external_id for p in again] == [p.external_id for p in col.parse(pages[0].response.body, "u", target)]


def test_fetch_incremental_stops_at_cursor(client: PoliteClient, server: FixtureServer):
    target = _serve_channel(server)
    pages = list(TelegramWebCollector().fetch(client, target, "103", max_pages=10))
    assert len(pages) == 1 and pages[0].cursor == "106"
    assert server.hits("/s/diskominfo_contoh?before=101") == 0
    assert server.requests[-1].headers["accept-language"] == "en"


def test_fetch_max_pages_marks_truncation(client: PoliteClient, server: FixtureServer):
    target = _serve_channel(server)
    pages = list(TelegramWebCollector().fetch(client, target, "50", max_pages=1))
    assert len(pages) == 1 and pages[0].truncated and pages[0].cursor == "106"


def test_fetch_channel_without_preview(client: PoliteClient, server: FixtureServer):
    server.add("/s/tertutup", Reply(status=302, headers={"Location": "/tertutup"}))
    server.add("/tertutup", Reply(body=b"<html>channel page</html>"))
    target = Target("telegram", "tertutup", {"base_url": server.url("/s/tertutup")})
    with pytest.raises(SourceUnavailable, match="no public web preview"):
        list(TelegramWebCollector().fetch(client, target, None, max_pages=3))


def test_fetch_retries_through_server_error(client: PoliteClient, server: FixtureServer):
    server.add(
        "/s/diskominfo_contoh",
        Reply(status=502),
        Reply(body=(TG / "page_latest.html").read_bytes()),
    )
    target = Target("telegram", "x", {"base_url": server.url("/s/diskominfo_contoh")})
    pages = list(TelegramWebCollector().fetch(client, target, "105", max_pages=5))
    assert pages[0].response.status == 200 and pages[0].cursor == "106"
