"""A simulated province on loopback: many t.me/s-style channels generated on the fly.

Channel ``c<j>`` has posts with ids ``1..M`` (``M`` grows with ``grow()``, one "night"); pages
hold ``page_size`` posts, newest first, ``?before=X`` pages backwards, like t.me/s. Each post is
signed by the channel's owner so the pipeline can link it. Used by the kill-and-resume test
and ``bench/nightly.py``. The server can run in this process (``serve()``) or in a child
process (``python -m tests.ops.province``) so a benchmark measures the pipeline's CPU alone.

Control endpoints: ``/_grow?n=4`` (every channel gets n new posts), ``/_stats`` (JSON: page
requests, first/last request time, per channel counts not kept — totals only).
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)
TEXTS = [
    "Pelayanan KTP-el hari Sabtu tetap buka pukul 08.00 WIB. #PelayananPublik",
    "Rapat koordinasi persiapan Pilkada serentak di kantor bupati.",
    "Info banjir: warga diimbau waspada, hubungi BPBD bila perlu bantuan.",
    "Ayo datang ke TPS tanggal 27 November, gunakan hak pilih Anda.",
    "Kerja bakti membersihkan saluran air bersama warga kelurahan.",
    "Ayo coblos nomor 2, lanjutkan pembangunan! Salam dua jari.",
]


def channel_name(j: int) -> str:
    return f"kanal_asn_{j:06d}"


def owner_name(j: int) -> str:
    return f"Pegawai Contoh {j:06d}"


def _message(channel: str, owner: str, pid: int) -> str:
    when = (BASE_TIME + timedelta(minutes=pid * 37)).isoformat()
    text = html.escape(TEXTS[(pid + len(channel)) % len(TEXTS)] + f" ({channel} #{pid})")
    return (
        f'<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message '
        f'js-widget_message" data-post="{channel}/{pid}"><div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
        f'href="https://t.me/{channel}"><span dir="auto">{html.escape(owner)}</span></a></div>'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        f'<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info">'
        f'<span class="tgme_widget_message_views">{pid * 3}</span><span class="tgme_widget_message_meta">'
        f'<span class="tgme_widget_message_from_author" dir="auto">{html.escape(owner)}</span>,&nbsp;'
        f'<a class="tgme_widget_message_date" href="https://t.me/{channel}/{pid}"><time datetime="{when}" '
        f'class="time">00:00</time></a></span></div></div></div></div></div>\n')


def mastodon_statuses(account: int, newest: int, since_id: int | None, limit: int = 40) -> bytes:
    """``/api/v1/accounts/<id>/statuses``: newest first; status id = account * 10**6 + n."""
    base = account * 10**6
    ids = [base + n for n in range(newest, 0, -1) if since_id is None or base + n > since_id][:limit]
    return json.dumps([{
        "id": str(sid), "created_at": (BASE_TIME + timedelta(minutes=(sid - base) * 41)).isoformat(),
        "content": f"<p>{html.escape(TEXTS[sid % len(TEXTS)])} (akun {account} #{sid - base})</p>",
        "visibility": "public", "language": "id", "url": f"https://masto.test/@asn{account}/{sid}",
        "account": {"id": str(account), "acct": f"asn{account}", "username": f"asn{account}",
                    "display_name": owner_name(account)},
    } for sid in ids]).encode()


def render_page(channel: str, owner: str, newest: int, before: int | None, page_size: int) -> bytes:
    top = newest if before is None else min(newest, before - 1)
    ids = list(range(max(1, top - page_size + 1), top + 1)) if top >= 1 else []
    prev = f'<link rel="prev" href="/s/{channel}?before={ids[0]}">\n' if ids and ids[0] > 1 else ""
    body = "".join(_message(channel, owner, i) for i in ids)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(owner)}</title>\n'
            f'{prev}</head><body class="widget_frame_base"><main class="tgme_main"><div class="tgme_container">'
            f'<section class="tgme_channel_history js-message_history">\n{body}</section></div></main>'
            f'</body></html>\n').encode()


class Province:
    """State shared by the handler threads."""

    def __init__(self, channels: int, posts: int, page_size: int = 20) -> None:
        self.channels = channels
        self.newest = posts
        self.page_size = page_size
        self.page_requests = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.lock = threading.Lock()
        self.on_page: Callable[[int], None] | None = None  # called with the request number

    def stats(self) -> dict[str, Any]:
        with self.lock:
            span = (self.last_at - self.first_at) if self.first_at and self.last_at else 0.0
            return {"page_requests": self.page_requests, "span_s": span,
                    "rate_per_s": self.page_requests / span if span else None,
                    "newest": self.newest, "channels": self.channels}


class _Handler(BaseHTTPRequestHandler):
    province: Province
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        prov = self.province
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if parts.path == "/_grow":
            with prov.lock:
                prov.newest += int(query.get("n", ["4"])[0])
            return self._send(200, b"ok", "text/plain")
        if parts.path == "/_stats":
            return self._send(200, json.dumps(prov.stats()).encode(), "application/json")
        m = re.fullmatch(r"/s/kanal_asn_(\d{6})", parts.path)
        api = re.fullmatch(r"/api/v1/accounts/(\d+)/statuses", parts.path)
        if api:
            m = api
        if not m or int(m.group(1)) >= prov.channels:
            return self._send(404, b"not found", "text/plain")
        now = time.monotonic()
        with prov.lock:
            prov.page_requests += 1
            number = prov.page_requests
            prov.first_at = prov.first_at or now
            prov.last_at = now
            newest = prov.newest
        if prov.on_page is not None:
            prov.on_page(number)
        j = int(m.group(1))
        if api:
            since = int(query["since_id"][0]) if "since_id" in query else None
            return self._send(200, mastodon_statuses(j, newest, since), "application/json")
        before = int(query["before"][0]) if "before" in query else None
        body = render_page(channel_name(j), owner_name(j), newest, before, prov.page_size)
        self._send(200, body, "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(province: Province) -> Iterator[str]:
    """Serve in a thread of this process; yields the base URL."""
    handler = type("H", (_Handler,), {"province": province})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def seed(settings: Any, base_url: str, channels: int, *, people: bool = True,
         batch: int = 5000) -> None:
    """Register ``channels`` people (optional), their accounts and channel sources, in bulk."""
    from sqlalchemy import insert, select

    from pantau.db.models import Account, Person, Source
    from pantau.db.session import session_scope

    for start in range(0, channels, batch):
        js = range(start, min(channels, start + batch))
        with session_scope(settings) as s:
            account_ids: dict[int, int] = {}
            if people:
                s.execute(insert(Person), [
                    {"nip": f"19800101{j:010d}", "name": owner_name(j), "employment_type": "PNS",
                     "agency": f"Dinas {j % 40}", "active": True} for j in js])
                pids = {nip: pid for nip, pid in s.execute(select(Person.nip, Person.id).where(
                    Person.nip.in_([f"19800101{j:010d}" for j in js]))).all()}
                s.execute(insert(Account), [
                    {"person_id": pids[f"19800101{j:010d}"], "platform": "telegram",
                     "handle": channel_name(j), "verified": True} for j in js])
                account_ids = {int(h.rsplit("_", 1)[1]): i for h, i in s.execute(
                    select(Account.handle, Account.id).where(
                        Account.handle.in_([channel_name(j) for j in js]))).all()}
            s.execute(insert(Source), [
                {"platform": "telegram", "key": channel_name(j), "kind": "channel",
                 "name": owner_name(j), "enabled": True, "account_id": account_ids.get(j),
                 "config": {"base_url": f"{base_url}/s/{channel_name(j)}"}} for j in js])


def main(argv: list[str]) -> None:
    """``python -m tests.ops.province CHANNELS POSTS [HOSTS]``: serve HOSTS independent
    servers (e.g. t.me-like and a Mastodon instance) until killed; prints one URL per line."""
    channels, posts = int(argv[0]), int(argv[1])
    hosts = int(argv[2]) if len(argv) > 2 else 1
    with contextlib.ExitStack() as stack:
        for _ in range(hosts):
            print(stack.enter_context(serve(Province(channels, posts))), flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
