"""RSS/Atom, web pages and citizen tips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scrapers.base import ParseError
from scrapers.collector import Target
from scrapers.htmltext import html_fragment_text, parse_html
from scrapers.http import PoliteClient, ResponseTooLarge, UnsafeURL, read_warc_payload
from scrapers.rss import RssCollector, parse_feed, parse_web_page
from scrapers.tips import fetch_tip, parse_tip
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.scraping import FIXTURES, FakeSleep, make_settings

RSS = FIXTURES / "rss"
TIPS = FIXTURES / "tips"
WIB = timezone(timedelta(hours=7))
NOW = datetime(2024, 1, 12, 12, 0, tzinfo=UTC)


def test_rss_entries_and_date_fallback() -> None:
    posts = parse_feed((RSS / "berita_rss.xml").read_bytes(), "https://berita.contoh.example/rss")
    assert len(posts) == 3
    first = posts[0]
    assert first.external_id == "https://berita.contoh.example/2024/01/netralitas-asn"
    assert first.posted_at == datetime(2024, 1, 12, 1, 0, tzinfo=UTC)
    assert first.text == (
        "Bupati Ajak ASN Jaga Netralitas Jelang Pemilu\n\n"
        "Bupati Contoh mengingatkan seluruh ASN untuk menjaga netralitas.\n\n"
        "Pelanggaran akan ditindak sesuai aturan.\nLaporkan ke Bawaslu."
    )
    assert first.author_name == "Humas Kab. Contoh" and first.extra["tags"] == ["Pemilu"]
    assert posts[1].text.endswith("kehadiran camat & dua lurah di acara kampanye.")
    assert posts[2].extra["date_source"] == "feed"  # lastBuildDate
    assert posts[2].posted_at == datetime(2024, 1, 12, 2, 0, tzinfo=UTC)


def test_atom_feed() -> None:
    (post,) = parse_feed((RSS / "blog_atom.xml").read_bytes(), "https://blog.contoh.example/atom")
    assert post.author_name == "Budi Santoso" and post.text.endswith("nomor 2!")
    assert post.posted_at == datetime(2024, 1, 12, 3, 0, tzinfo=UTC)


def test_not_a_feed() -> None:
    with pytest.raises(ParseError, match=r"u \[entry 1\]: entry without link or id \(XML problem"):
        parse_feed(b"<?xml version='1.0'?><rss><channel><item>", "u")
    with pytest.raises(ParseError, match="not a readable RSS/Atom feed"):
        parse_feed(b"\x00\x01 binary", "u")
    with pytest.raises(ParseError, match="empty feed"):
        parse_feed(b"", "u")


def test_web_page_article() -> None:
    post = parse_web_page((TIPS / "artikel.html").read_bytes(), "https://kabar.contoh.example/x?utm=1")
    assert post.external_id == "https://kabar.contoh.example/2024/01/11/kadis-kampanye"
    assert post.posted_at == datetime(2024, 1, 11, 19, 45, tzinfo=WIB)
    assert post.author_name == "Redaksi Kabar Contoh"
    assert post.extra["title"] == "Foto Kepala Dinas di Panggung Kampanye"
    assert "Budi Santoso, kepala Dinas Kominfo, berdiri di panggung kampanye" in post.text
    assert "Bawaslu setempat menyatakan akan menindaklanjuti laporan warga.\nPihak dinas" in post.text
    for noise in ("Beranda", "jangan ikut", "color: red", "© 2024", "Cuaca"):
        assert noise not in post.text


def test_web_page_json_ld_and_missing_date() -> None:
    post = parse_web_page((TIPS / "jsonld_no_meta.html").read_bytes(), "https://warga.contoh.example/p/1")
    assert post.author_name == "Siti Rahmawati" and post.extra["date_source"] == "json-ld"
    with pytest.raises(ParseError, match=r"https://x\.example/: no usable publication date"):
        parse_web_page((TIPS / "no_date.html").read_bytes(), "https://x.example/")


def test_deeply_nested_html_is_refused_not_truncated() -> None:
    deep = b"<html><body>" + b"<div>" * 5000 + b"teks" + b"</div>" * 5000 + b"</body></html>"
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_html(deep, "https://x.example/deep")
    with pytest.raises(ParseError, match="deep"):
        parse_tip(deep, "https://x.example/deep", fetched_at=NOW)
    ok = b"<html><body>" + b"<div>" * 200 + b"teks" + b"</div>" * 200 + b"</body></html>"
    assert parse_tip(ok, "https://x.example/ok", fetched_at=NOW).text == "teks"


def test_html_too_large_and_fragments() -> None:
    with pytest.raises(ParseError, match="too large"):
        parse_html(b"<p>" + b"a" * 100, "u", max_bytes=50)
    assert html_fragment_text("<p>a<br>b</p><p>c</p>") == "a\nb\n\nc"
    assert html_fragment_text("") == ""


def test_rss_collector_fetches_and_parses(client: PoliteClient, server: FixtureServer) -> None:
    server.add_file("/rss", RSS / "berita_rss.xml", "application/rss+xml")
    server.add_file("/artikel", TIPS / "artikel.html")
    col = RssCollector()
    (page,) = col.fetch(client, Target("web", server.url("/rss")), None, max_pages=3)
    assert page.cursor == "2024-01-12T02:00:00+00:00"
    assert len(col.parse(page.response.body, page.response.url, Target("web", ""))) == 3
    (page,) = col.fetch(client, Target("web", server.url("/artikel")), None, max_pages=3)
    (post,) = col.parse(page.response.body, page.response.url, Target("web", ""))
    assert post.extra["title"].startswith("Foto Kepala Dinas")


def test_tip_fetched_archived_and_parsed(tmp_path: Path, server: FixtureServer) -> None:
    server.add_file("/berita", TIPS / "no_date.html")
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        tip = fetch_tip(c, server.url("/berita"), note="Dikirim warga lewat formulir")
    assert tip.post.extra["tip_note"] == "Dikirim warga lewat formulir"
    assert "Dikirim warga" not in tip.post.text
    assert tip.post.extra["date_source"] == "fetched" and tip.post.posted_at == tip.response.fetched_at
    assert tip.post.text == "Isi halaman tanpa tanggal terbit."
    assert read_warc_payload(tip.response.warc_path, tip.response.warc_offset) == (TIPS / "no_date.html").read_bytes()


def test_tip_ssrf_and_size_guards(tmp_path: Path, server: FixtureServer) -> None:
    server.add("/besar", Reply(body=b"<p>" + b"x" * 20_000 + b"</p>"))
    server.add("/alih", Reply(status=302, headers={"Location": "http://10.0.0.5/admin"}))
    strict = make_settings(allow_private_hosts=[])
    with PoliteClient(strict, warc_dir=tmp_path, sleep=FakeSleep()) as c:
        with pytest.raises(UnsafeURL, match="non-public"):
            fetch_tip(c, server.url("/besar"))
        with pytest.raises(UnsafeURL, match="scheme 'file'"):
            fetch_tip(c, "file:///etc/passwd")
        with pytest.raises(UnsafeURL, match="scheme 'gopher'"):
            fetch_tip(c, "gopher://127.0.0.1:70/")
    with PoliteClient(make_settings(max_response_bytes=5_000), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        with pytest.raises(ResponseTooLarge):
            fetch_tip(c, server.url("/besar"))
        with pytest.raises(UnsafeURL, match="10.0.0.5"):
            fetch_tip(c, server.url("/alih"))


def test_tip_plain_text_and_unsupported_type() -> None:
    post = parse_tip(
        b"Teks  biasa\r\nbaris dua",
        "https://x.example/t.txt",
        fetched_at=NOW,
        content_type="text/plain; charset=utf-8",
    )
    assert post.text == "Teks biasa\nbaris dua" and post.posted_at == NOW
    with pytest.raises(ParseError, match="unsupported content type 'application/pdf'"):
        parse_tip(b"%PDF-1.7", "https://x.example/a.pdf", fetched_at=NOW, content_type="application/pdf")
