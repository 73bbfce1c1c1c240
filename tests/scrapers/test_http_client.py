"""PoliteClient against a real HTTP server on 127.0.0.1 (no network)."""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from scrapers.http import (
    FetchError,
    HttpStatusError,
    PoliteClient,
    RateLimited,
    ResponseTooLarge,
    RobotsDisallowed,
    UnsafeURL,
    parse_reset_epoch,
    parse_retry_after,
    read_warc_payload,
)
from scrapers.warc import WarcArchive, WarcReadError
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.scraping import FakeSleep, make_settings


def _records(path: str) -> list[tuple[str, str, dict[str, str]]]:
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            http = dict(rec.http_headers.headers) if rec.http_headers else {}
            out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI") or "", http))
    return out


def test_get_archives_response_and_reads_it_back(client: PoliteClient, server: FixtureServer):
    body = "Halo, ini halaman uji. Netralitas ASN 🇮🇩".encode()
    server.add("/halaman", Reply(body=body, headers={"Content-Type": "text/plain; charset=utf-8"}))
    resp = client.get(server.url("/halaman"))
    assert resp.status == 200 and resp.ok
    assert resp.body == body
    assert resp.sha256 == hashlib.sha256(body).hexdigest()
    assert resp.fetched_at.tzinfo is not None
    assert resp.content_type == "text/plain; charset=utf-8"
    assert read_warc_payload(resp.warc_path, resp.warc_offset) == body
    kinds = [r[0] for r in _records(resp.warc_path) if r[1].endswith("/halaman")]
    assert kinds == ["response", "request"]
    assert any(r[1].endswith("/robots.txt") for r in _records(resp.warc_path))
    assert resp.warc_record_id.startswith("<urn:uuid:")
    # honest user agent and contact
    seen = [r for r in server.requests if r.path == "/halaman"][0]
    assert seen.headers["user-agent"].startswith("pantau/")
    assert "from" in seen.headers


def test_gzip_body_is_decoded_and_archived_as_received(client: PoliteClient, server: FixtureServer):
    body = b"<p>isi terkompresi</p>" * 100
    server.add("/gz", Reply(body=body, gzip=True))
    resp = client.get(server.url("/gz"))
    assert resp.body == body
    assert resp.sha256 == hashlib.sha256(body).hexdigest()
    with open(resp.warc_path, "rb") as fh:
        fh.seek(resp.warc_offset)
        rec = next(iter(ArchiveIterator(fh)))
        raw = rec.raw_stream.read()
    assert raw == gzip.compress(body) or gzip.decompress(raw) == body  # compressed on disk
    assert read_warc_payload(resp.warc_path, resp.warc_offset) == body


def test_500_then_200_is_retried(client: PoliteClient, server: FixtureServer, fake_sleep: FakeSleep):
    server.add("/flaky", Reply(status=500, body=b"error"), Reply(body=b"ok"))
    resp = client.get(server.url("/flaky"))
    assert resp.status == 200 and resp.body == b"ok"
    assert server.hits("/flaky") == 2
    # both responses are archived
    assert sum(1 for r in _records(resp.warc_path) if r[0] == "response" and "flaky" in r[1]) == 2


def test_429_retry_after_seconds_is_honoured(client: PoliteClient, server: FixtureServer, fake_sleep: FakeSleep):
    server.add("/limited", Reply(status=429, headers={"Retry-After": "7"}), Reply(body=b"ok"))
    resp = client.get(server.url("/limited"))
    assert resp.body == b"ok"
    assert any(6.5 <= s <= 7.0 for s in fake_sleep.calls), fake_sleep.calls


def test_retry_after_http_date_and_reset_epoch() -> None:
    now = 1_700_000_000.0
    date = format_datetime(datetime.fromtimestamp(now + 30, UTC), usegmt=True)
    assert parse_retry_after(date, now) == pytest.approx(30, abs=1)
    assert parse_retry_after("12", now) == 12
    assert parse_retry_after("soon", now) is None
    assert parse_reset_epoch(str(int(now + 45)), now) == pytest.approx(45)
    assert parse_reset_epoch("2023-11-14T22:14:20Z", now) == pytest.approx(60)  # now + 60 s
    assert parse_reset_epoch("900", now) == 900  # small numbers are deltas


def test_x_rate_limit_reset_is_honoured(tmp_path: Path, server: FixtureServer):
    sleeps = FakeSleep()
    now = time.time()
    server.add(
        "/x",
        Reply(status=429, headers={"x-rate-limit-reset": str(int(now) + 20)}),
        Reply(body=b"{}"),
    )
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=sleeps, wallclock=lambda: now) as c:
        assert c.get(server.url("/x")).status == 200
    assert any(19 <= s <= 20.1 for s in sleeps.calls), sleeps.calls


def test_wait_beyond_limit_raises_rate_limited(tmp_path: Path, server: FixtureServer):
    server.add("/quota", Reply(status=429, headers={"Retry-After": "3600"}))
    with (
        PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c,
        pytest.raises(RateLimited) as info,
    ):
        c.get(server.url("/quota"))
    assert info.value.retry_at > datetime.now(UTC)
    assert server.hits("/quota") == 1


def test_persistent_5xx_gives_up_after_max_retries(client: PoliteClient, server: FixtureServer):
    server.add("/down", Reply(status=503))
    with pytest.raises(HttpStatusError) as info:
        client.get(server.url("/down"))
    assert info.value.status == 503
    assert server.hits("/down") == 4  # 1 + max_retries=3


def test_404_is_returned_not_retried(client: PoliteClient, server: FixtureServer):
    resp = client.get(server.url("/tidak-ada"))
    assert resp.status == 404 and not resp.ok
    assert server.hits("/tidak-ada") == 1
    with pytest.raises(HttpStatusError):
        resp.raise_for_status()


def test_slow_response_times_out_and_is_retried(tmp_path: Path, server: FixtureServer):
    server.add("/slow", Reply(delay_s=0.8, body=b"late"), Reply(body=b"fast"))
    settings = make_settings(timeout_s=0.3, max_retries=1)
    with PoliteClient(settings, warc_dir=tmp_path, sleep=FakeSleep()) as c:
        assert c.get(server.url("/slow")).body == b"fast"
    server.add("/slower", Reply(delay_s=0.8))
    with (
        PoliteClient(settings, warc_dir=tmp_path, sleep=FakeSleep()) as c,
        pytest.raises(FetchError, match="transport error"),
    ):
        c.get(server.url("/slower"))
    assert server.hits("/slower") == 2


def test_dropped_connection_is_retried(client: PoliteClient, server: FixtureServer):
    server.add("/drop", Reply(drop=True), Reply(body=b"kembali"))
    assert client.get(server.url("/drop")).body == b"kembali"
    assert server.hits("/drop") == 2


def test_oversized_bodies_abort(tmp_path: Path, server: FixtureServer):
    settings = make_settings(max_response_bytes=10_000)
    server.add("/big", Reply(body=b"x" * 50_000))
    server.add("/big-stream", Reply(body=b"y" * 50_000, no_length=True))
    server.add("/bomb", Reply(body=b"\0" * 5_000_000, gzip=True))
    with PoliteClient(settings, warc_dir=tmp_path, sleep=FakeSleep()) as c:
        with pytest.raises(ResponseTooLarge, match="Content-Length"):
            c.get(server.url("/big"))
        with pytest.raises(ResponseTooLarge, match="transfer aborted"):
            c.get(server.url("/big-stream"))
        with pytest.raises(ResponseTooLarge, match="decoded body"):
            c.get(server.url("/bomb"))
    assert server.hits("/big") == 1  # not retried


def test_robots_rules(tmp_path: Path, server: FixtureServer):
    server.robots("User-agent: *\nDisallow: /rahasia\n")
    server.add("/publik", Reply(body=b"ok"))
    server.add("/rahasia/x", Reply(body=b"secret"))
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        assert c.get(server.url("/publik")).body == b"ok"
        with pytest.raises(RobotsDisallowed, match="robots.txt"):
            c.get(server.url("/rahasia/x"))
        c.get(server.url("/publik"))
    assert server.hits("/rahasia/x") == 0
    assert server.hits("/robots.txt") == 1  # cached per host
    with PoliteClient(make_settings(respect_robots=False), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        assert c.get(server.url("/rahasia/x")).body == b"secret"


def test_robots_404_allows_and_5xx_disallows(tmp_path: Path):
    with FixtureServer() as srv:
        srv.add("/a", Reply(body=b"a"))  # robots.txt -> 404
        with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c:
            assert c.get(srv.url("/a")).body == b"a"
    with FixtureServer() as srv:
        srv.add("/robots.txt", Reply(status=503))
        srv.add("/a", Reply(body=b"a"))
        with (
            PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c,
            pytest.raises(RobotsDisallowed, match="unreachable"),
        ):
            c.get(srv.url("/a"))
        assert srv.hits("/a") == 0


def test_crawl_delay_larger_than_min_delay_is_honoured(tmp_path: Path, server: FixtureServer, fake_sleep: FakeSleep):
    server.robots("User-agent: *\nCrawl-delay: 5\n")
    server.add("/a", Reply(body=b"a"))
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=fake_sleep, clock=fake_sleep.clock) as c:
        c.get(server.url("/a"))
        c.get(server.url("/a"))
    assert sum(1 for s in fake_sleep.calls if 4.5 <= s <= 5.0) >= 2, fake_sleep.calls


def test_min_delay_per_host_and_hosts_in_parallel(tmp_path: Path):
    delay = 0.25
    with FixtureServer() as one, FixtureServer() as two:
        for srv in (one, two):
            srv.add("/p", Reply(body=b"p"))
        settings = make_settings(min_delay_s=delay, respect_robots=False)
        with PoliteClient(settings, warc_dir=tmp_path) as c:  # real sleep
            started = time.monotonic()

            def work(srv: FixtureServer) -> None:
                for _ in range(3):
                    c.get(srv.url("/p"))

            threads = [threading.Thread(target=work, args=(s,)) for s in (one, two)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
        for srv in (one, two):
            times = [r.at for r in srv.requests]
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert len(times) == 3 and min(gaps) >= delay * 0.6, gaps  # arrival jitter on a busy CPU
    # hosts proceed in parallel: each host's requests start before the other host's last one
    # (a global lock would serialise them); elapsed is only loosely bounded (shared CPU)
    first_one, last_one = one.requests[0].at, one.requests[-1].at
    first_two, last_two = two.requests[0].at, two.requests[-1].at
    assert first_two < last_one and first_one < last_two
    assert elapsed < 5 * delay + 1.0


def test_ssrf_guard_refuses_private_unless_allow_listed(tmp_path: Path, server: FixtureServer):
    server.add("/tip", Reply(body=b"tip"))
    strict = make_settings(allow_private_hosts=[])
    with PoliteClient(strict, warc_dir=tmp_path, sleep=FakeSleep()) as c:
        with pytest.raises(UnsafeURL, match="non-public address 127.0.0.1"):
            c.get(server.url("/tip"), guard=True)
        with pytest.raises(UnsafeURL, match="scheme 'file'"):
            c.get("file:///etc/passwd", guard=True)
        with pytest.raises(UnsafeURL, match="scheme 'ftp'"):
            c.get("ftp://example.org/x", guard=True)
    assert server.hits("/tip") == 0 and server.hits("/robots.txt") == 0
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        assert c.get(server.url("/tip"), guard=True).body == b"tip"


def test_ssrf_guard_checks_resolved_addresses(tmp_path: Path):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, text="publik")

    addrs = {
        "intranet.example": ["10.1.2.3"],
        "metadata.example": ["169.254.169.254"],
        "v6.example": ["::ffff:127.0.0.1"],
        "publik.example": ["93.184.216.34"],
    }
    with PoliteClient(
        make_settings(allow_private_hosts=[], respect_robots=False),
        warc_dir=tmp_path,
        transport=httpx.MockTransport(handler),
        resolver=lambda host, port: addrs[host],
        sleep=FakeSleep(),
    ) as c:
        for host in ("intranet.example", "metadata.example", "v6.example"):
            with pytest.raises(UnsafeURL, match="non-public"):
                c.get(f"https://{host}/", guard=True)
        assert c.get("https://publik.example/", guard=True).body == b"publik"
    assert seen == ["https://publik.example/"]


def test_redirect_to_private_host_is_refused(tmp_path: Path, server: FixtureServer):
    # 127.0.0.1 is allow-listed; "localhost" is not and resolves to loopback.
    server.add("/go", Reply(status=302, headers={"Location": f"http://localhost:{server.port}/in"}))
    server.add("/loop", Reply(status=302, headers={"Location": "/loop"}))
    server.add("/hop", Reply(status=301, headers={"Location": "/final"}))
    server.add("/final", Reply(body=b"akhir"))
    with PoliteClient(make_settings(), warc_dir=tmp_path, sleep=FakeSleep()) as c:
        with pytest.raises(UnsafeURL, match="localhost"):
            c.get(server.url("/go"), guard=True)
        with pytest.raises(UnsafeURL, match="redirects"):
            c.get(server.url("/loop"), guard=True)
        resp = c.get(server.url("/hop"), guard=True)
    assert resp.body == b"akhir" and resp.final_url.endswith("/final")
    assert resp.url.endswith("/hop") and len(resp.history) == 1
    assert server.hits("/in") == 0


def test_secrets_are_redacted_in_archive(client: PoliteClient, server: FixtureServer):
    server.add("/api", Reply(body=b"{}", headers={"Content-Type": "application/json"}))
    resp = client.get(
        server.url("/api"),
        params={"key": "RAHASIA123", "part": "snippet"},
        headers={"Authorization": "Bearer TOKENRAHASIA"},
    )
    assert "RAHASIA123" not in resp.url and "part=snippet" in resp.url
    assert server.requests[-1].headers["authorization"] == "Bearer TOKENRAHASIA"  # was sent
    data = gzip.decompress(Path(resp.warc_path).read_bytes())
    assert b"RAHASIA" not in data and b"REDACTED" in data


def test_warc_rotation_and_bad_offsets(tmp_path: Path, server: FixtureServer):
    server.add("/r", Reply(body=os.urandom(3000)))  # incompressible
    archive = WarcArchive(tmp_path / "rot", max_file_bytes=1500)
    with PoliteClient(make_settings(respect_robots=False), archive=archive, sleep=FakeSleep()) as c:
        paths = {c.get(server.url("/r")).warc_path for _ in range(3)}
    assert len(paths) == 3
    one = sorted(paths)[0]
    with pytest.raises(WarcReadError):
        read_warc_payload(one, 0)  # offset 0 is the warcinfo record
    with pytest.raises(WarcReadError):
        read_warc_payload(tmp_path / "missing.warc.gz", 0)


def test_min_delay_is_requested_between_requests_to_one_host(tmp_path: Path, server: FixtureServer):
    """Deterministic version: with a fake clock, each request waits the full min_delay."""
    sleeps = FakeSleep()
    server.add("/p", Reply(body=b"p"))
    settings = make_settings(min_delay_s=2.0, respect_robots=False)
    with PoliteClient(settings, warc_dir=tmp_path, sleep=sleeps, clock=sleeps.clock) as c:
        for _ in range(4):
            c.get(server.url("/p"))
    assert len(sleeps.calls) == 3 and all(1.9 <= s <= 2.0 for s in sleeps.calls), sleeps.calls


def test_mock_transport_gzip_archive_reads_back(tmp_path: Path) -> None:
    body = b"<p>halo</p>" * 50

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=gzip.compress(body), headers={"Content-Encoding": "gzip"})

    with PoliteClient(
        make_settings(respect_robots=False),
        warc_dir=tmp_path,
        transport=httpx.MockTransport(handler),
        sleep=FakeSleep(),
    ) as c:
        resp = c.get("https://example.org/gz")
    assert resp.body == body
    assert read_warc_payload(resp.warc_path, resp.warc_offset) == body


def test_slow_drip_body_hits_total_timeout(tmp_path: Path, server: FixtureServer) -> None:
    # every read arrives within timeout_s, but the whole transfer takes too long
    server.add("/drip", Reply(body=b"d" * (64 * 1024 * 4), chunk_delay_s=0.3))
    settings = make_settings(timeout_s=1.0, max_retries=0)
    with (
        PoliteClient(settings, warc_dir=tmp_path, sleep=FakeSleep(), total_timeout_s=0.5) as c,
        pytest.raises(FetchError, match="total_timeout_s"),
    ):
        c.get(server.url("/drip"))
