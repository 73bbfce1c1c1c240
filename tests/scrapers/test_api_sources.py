"""Mastodon, X and YouTube: pure parsers over fixtures, fetch through PoliteClient + local server."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrapers.base import ParseError
from scrapers.catalog import COLLECTORS, PLATFORMS
from scrapers.collector import QuotaExceeded, SourceError, SourceUnavailable, Target
from scrapers.http import PoliteClient
from scrapers.mastodon import MastodonCollector, parse_link_header, parse_statuses
from scrapers.x_api import XCollector, parse_tweets, snowflake_time
from scrapers.youtube import YouTubeCollector, parse_comment_threads
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.scraping import FIXTURES, SHARED, FakeSleep, make_settings, needs_shared

MA = FIXTURES / "mastodon"
XF = FIXTURES / "x"
YT = FIXTURES / "youtube"
JSON = {"Content-Type": "application/json; charset=utf-8"}


def test_catalog_keys_match_settings() -> None:
    from pantau.config import SourcesSettings

    for name, col in COLLECTORS.items():
        assert name in SourcesSettings.model_fields
        assert col.name == name and PLATFORMS[name] == col.platform


# ---------------------------------------------------------------- Mastodon
def test_mastodon_parse_indonesian() -> None:
    url = "https://mastodon.contoh.example/api/v1/accounts/110000000000000001/statuses?limit=40"
    posts = parse_statuses((MA / "statuses_page1.json").read_bytes(), url)
    first, media, reply = posts
    assert first.external_id == "mastodon.contoh.example/110000000000000105"
    assert (
        first.text == "Ayo coblos nomor 2 tanggal 14 Februari! #Pemilu2024\n\nSalam dari ASN Kominfo.\nJangan golput."
    )
    assert first.author_handle == "@budi_santoso@mastodon.contoh.example"
    assert first.author_name == "Budi Santoso (Dinas Kominfo)"
    assert first.posted_at == datetime(2024, 1, 12, 2, 0, tzinfo=UTC)
    assert first.extra["tags"] == ["pemilu2024"] and first.extra["language"] == "id"
    assert media.extra["media"] == ["image"] and media.extra["edited"] is True
    assert media.extra["media_descriptions"] == ["Spanduk paslon nomor 2"]
    assert reply.reply_to == "mastodon.contoh.example/110000000000000099"
    assert reply.text.startswith("Politik\n\n")  # content warning kept
    boost = parse_statuses((MA / "statuses_page2.json").read_bytes(), url)[0]
    assert boost.text == "Dukung petahana dua periode!"
    assert boost.extra["reblog_author"] == "@siti_r@mastodon.contoh.example"


@needs_shared
def test_mastodon_parse_real_pages() -> None:
    for i in (1, 2, 3):
        meta = json.loads((SHARED / f"apis/mastodon/account_statuses_p{i}.meta.json").read_text())
        body = (SHARED / f"apis/mastodon/account_statuses_p{i}.json").read_bytes()
        posts = parse_statuses(body, meta["request"]["uri"])
        assert posts and all(p.external_id.startswith("localhost:3000/") for p in posts)
    links = parse_link_header(meta["headers"].get("link"))
    assert set(links) <= {"next", "prev"}


def test_mastodon_bad_json() -> None:
    with pytest.raises(ParseError, match=r"u: invalid JSON \(line 1"):
        parse_statuses(b'[{"id": "1",', "u")
    with pytest.raises(ParseError, match="API error: Record not found"):
        parse_statuses(b'{"error": "Record not found"}', "u")


def _serve_mastodon(server: FixtureServer) -> None:
    meta = json.loads((MA / "statuses_page1.meta.json").read_text())["headers"]
    headers = {k: v.replace("{base}", server.base) for k, v in meta.items()}
    base = "/api/v1/accounts/110000000000000001/statuses"
    server.add(
        "/api/v1/accounts/lookup?acct=budi_santoso", Reply(body=(MA / "lookup_budi.json").read_bytes(), headers=JSON)
    )
    server.add(f"{base}?limit=40", Reply(body=(MA / "statuses_page1.json").read_bytes(), headers=headers))
    link2 = f'<{server.base}{base}?limit=40&max_id=110000000000000101>; rel="next"'
    server.add(
        f"{base}?limit=40&max_id=110000000000000103",
        Reply(status=500),
        Reply(body=(MA / "statuses_page2.json").read_bytes(), headers={**JSON, "Link": link2}),
    )
    server.add(f"{base}?limit=40&max_id=110000000000000101", Reply(body=b"[]", headers=JSON))
    server.add(f"{base}?limit=40&since_id=110000000000000104", Reply(body=b"[]", headers=JSON))


def test_mastodon_fetch_lookup_paginate_and_retry(client: PoliteClient, server: FixtureServer) -> None:
    _serve_mastodon(server)
    target = Target("mastodon", "@budi_santoso", {"base_url": server.base})
    col = MastodonCollector()
    pages = list(col.fetch(client, target, None, max_pages=10))
    assert [p.cursor for p in pages] == [None, None, "110000000000000105"]
    posts = [q for p in pages for q in col.parse(p.response.body, p.response.url, target)]
    assert len(posts) == 5
    assert posts[0].external_id == f"127.0.0.1:{server.port}/110000000000000105"
    assert server.hits("/api/v1/accounts/lookup?acct=budi_santoso") == 1


def test_mastodon_fetch_incremental_uses_since_id(client: PoliteClient, server: FixtureServer) -> None:
    _serve_mastodon(server)
    target = Target("mastodon", "x", {"base_url": server.base, "external_id": "110000000000000001"})
    pages = list(MastodonCollector().fetch(client, target, "110000000000000104", max_pages=5))
    assert len(pages) == 1 and pages[0].cursor == "110000000000000104"  # nothing new
    assert server.hits("/api/v1/accounts/lookup?acct=budi_santoso") == 0


def test_mastodon_needs_instance() -> None:
    with pytest.raises(SourceError, match="base_url"):
        list(MastodonCollector().fetch(None, Target("mastodon", "budi"), None, max_pages=1))  # type: ignore[arg-type]


# ---------------------------------------------------------------- X
def test_x_parse() -> None:
    posts = parse_tweets((XF / "user_tweets_page1.json").read_bytes(), "u")
    a, b = posts
    assert a.external_id == "1745000000000000003" and a.author_handle == "@budi_asn_contoh"
    assert a.url == "https://x.com/budi_asn_contoh/status/1745000000000000003"
    assert a.posted_at == datetime(2024, 1, 10, 3, tzinfo=UTC) and a.extra["lang"] == "in"
    assert b.reply_to == "1744000000000000009" and b.extra["edited"] is True
    assert b.thread_key == "1744000000000000000"
    rt = parse_tweets((XF / "user_tweets_page2.json").read_bytes(), "u")[0]
    assert rt.extra["referenced"] == [{"type": "retweeted", "id": "1744000000000000001"}]
    assert parse_tweets((XF / "user_tweets_empty.json").read_bytes(), "u") == []


@needs_shared
def test_x_parse_real_default_fields_uses_snowflake_time() -> None:
    body = (SHARED / "apis/x_v2/test_client_get_users_tweets_0.json").read_bytes()
    posts = parse_tweets(body, "https://api.twitter.com/2/users/783214/tweets")
    assert [p.external_id for p in posts] == ["1577730467436138524", "1565318587736285184"]
    assert posts[0].posted_at.date().isoformat() == "2022-10-05"
    assert posts[0].extra["date_source"] == "snowflake"


def test_snowflake_time() -> None:
    assert snowflake_time(1 << 22) == datetime.fromtimestamp(1288834974.658, UTC)


def test_x_fetch_with_rate_limit_and_pagination(tmp_path: Path, server: FixtureServer) -> None:
    sleeps = FakeSleep()
    now = time.time()
    path = "/2/users/1500000000000000001/tweets"
    q = (
        "max_results=100&tweet.fields=created_at%2Cauthor_id%2Cconversation_id%2Creferenced_tweets%2Clang"
        "&expansions=author_id&user.fields=username%2Cname"
    )
    server.add(
        "/2/users/by/username/budi_asn_contoh", Reply(body=(XF / "user_by_username.json").read_bytes(), headers=JSON)
    )
    server.add(
        f"{path}?{q}",
        Reply(
            status=429,
            body=(XF / "rate_limited.json").read_bytes(),
            headers={**JSON, "x-rate-limit-reset": str(int(now) + 30)},
        ),
        Reply(
            body=gzip.decompress(gzip.compress((XF / "user_tweets_page1.json").read_bytes())), headers=JSON, gzip=True
        ),
    )
    server.add(
        f"{path}?{q}&pagination_token=7140dibdnow9c7btw4232",
        Reply(body=(XF / "user_tweets_page2.json").read_bytes(), headers=JSON),
    )
    target = Target("x", "@budi_asn_contoh", {"base_url": server.base, "token": "AAAArahasia"})
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=sleeps, clock=sleeps.clock, wallclock=lambda: now) as c:
        pages = list(XCollector().fetch(c, target, None, max_pages=5))
    assert [p.cursor for p in pages] == [None, "1745000000000000003"]
    assert any(29 <= s <= 30.5 for s in sleeps.calls), sleeps.calls
    assert all(r.headers.get("authorization") == "Bearer AAAArahasia" for r in server.requests if "/2/" in r.path)
    for p in pages:
        assert b"AAAArahasia" not in gzip.decompress(Path(p.response.warc_path).read_bytes())
    assert "AAAArahasia" not in repr(target)


def test_x_needs_token_and_reports_unauthorised(client: PoliteClient, server: FixtureServer) -> None:
    with pytest.raises(SourceError, match="bearer token"):
        list(XCollector().fetch(client, Target("x", "123"), None, max_pages=1))
    server.add("/2/users/123/tweets", Reply(status=401, body=b'{"title":"Unauthorized"}', headers=JSON))
    target = Target("x", "123", {"base_url": server.base, "token": "t"})
    with pytest.raises(SourceUnavailable, match="HTTP 401"):
        list(XCollector().fetch(client, target, None, max_pages=1))


# ---------------------------------------------------------------- YouTube
def test_youtube_parse() -> None:
    posts = parse_comment_threads((YT / "comment_threads_page1.json").read_bytes(), "u")
    a, b = posts
    assert a.external_id == "UgzContoh0003" and a.author_id == "UCbudi00000000000000000a"
    assert a.author_handle == "@budisantoso-asn" and a.thread_key == "vidContoh01"
    assert a.url == "https://www.youtube.com/watch?v=vidContoh01&lc=UgzContoh0003"
    assert a.extra["like_count"] == 12 and a.extra["total_reply_count"] == 3
    assert b.text == "Semoga pemilunya damai 🙏\nSalam dari Kecamatan Contoh" and b.extra["edited"]
    with pytest.raises(ParseError, match="quotaExceeded"):
        parse_comment_threads((YT / "error_quota_exceeded.json").read_bytes(), "u")
    with pytest.raises(ParseError, match="no 'items'"):
        parse_comment_threads(b"{}", "u")


def _yt_path(extra: str = "") -> str:
    return (
        "/youtube/v3/commentThreads?part=snippet&maxResults=100&order=time&textFormat=plainText&videoId=vidContoh01&key=KUNCI"
        + extra
    )


def test_youtube_fetch_pages_and_cursor(client: PoliteClient, server: FixtureServer) -> None:
    server.add(_yt_path(), Reply(body=(YT / "comment_threads_page1.json").read_bytes(), headers=JSON))
    server.add(
        _yt_path("&pageToken=QURTSl9pM1Rva2Vu"),
        Reply(body=(YT / "comment_threads_page2.json").read_bytes(), headers=JSON),
    )
    target = Target("youtube", "vidContoh01", {"base_url": server.base, "token": "KUNCI"})
    col = YouTubeCollector()
    pages = list(col.fetch(client, target, None, max_pages=5))
    assert [p.cursor for p in pages] == [None, "2024-01-12T04:00:00+00:00"]
    assert all("KUNCI" not in p.response.url for p in pages)
    assert len([q for p in pages for q in col.parse(p.response.body, p.response.url, target)]) == 3
    # incremental: first page already reaches the cursor
    again = list(col.fetch(client, target, "2024-01-11T04:00:00+00:00", max_pages=5))
    assert len(again) == 1 and again[0].cursor == "2024-01-12T04:00:00+00:00"


def test_youtube_quota_exceeded_stops_cleanly(client: PoliteClient, server: FixtureServer) -> None:
    server.add(_yt_path(), Reply(body=(YT / "comment_threads_page1.json").read_bytes(), headers=JSON))
    server.add(
        _yt_path("&pageToken=QURTSl9pM1Rva2Vu"),
        Reply(status=403, body=(YT / "error_quota_exceeded.json").read_bytes(), headers=JSON),
    )
    target = Target("youtube", "vidContoh01", {"base_url": server.base, "token": "KUNCI"})
    got = []
    with pytest.raises(QuotaExceeded, match="quotaExceeded") as info:
        for page in YouTubeCollector().fetch(client, target, "2023-12-01T00:00:00+00:00", max_pages=5):
            got.append(page)
    assert [p.cursor for p in got] == [None]  # cursor not advanced: next night resumes
    assert info.value.response is not None and info.value.response.status == 403
    assert server.hits(_yt_path("&pageToken=QURTSl9pM1Rva2Vu")) == 1  # 403 is not retried


def test_youtube_comments_disabled(client: PoliteClient, server: FixtureServer) -> None:
    server.add(_yt_path(), Reply(status=403, body=(YT / "error_comments_disabled.json").read_bytes(), headers=JSON))
    target = Target("youtube", "vidContoh01", {"base_url": server.base, "token": "KUNCI"})
    with pytest.raises(SourceUnavailable, match="commentsDisabled"):
        list(YouTubeCollector().fetch(client, target, None, max_pages=1))


def test_api_collectors_do_not_consult_robots_but_web_does(client: PoliteClient, server: FixtureServer) -> None:
    server.robots("User-agent: *\nDisallow: /\n")
    server.add(_yt_path(), Reply(body=(YT / "comment_threads_page2.json").read_bytes(), headers=JSON))
    target = Target("youtube", "vidContoh01", {"base_url": server.base, "token": "KUNCI"})
    assert len(list(YouTubeCollector().fetch(client, target, None, max_pages=1))) == 1
    assert server.hits("/robots.txt") == 0
    from scrapers.http import RobotsDisallowed
    from scrapers.telegram_web import TelegramWebCollector

    tg = Target("telegram", "c", {"base_url": server.url("/s/c")})
    with pytest.raises(RobotsDisallowed):
        list(TelegramWebCollector().fetch(client, tg, None, max_pages=1))
