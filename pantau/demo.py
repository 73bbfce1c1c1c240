"""``pantau demo``: the whole pipeline, offline, on bundled sample data.

Sample data (``data/samples``, ``data/demo``) names *fictional* civil servants only. The demo
serves a t.me/s-style channel from a local HTTP server, drops one WhatsApp and one Telegram
export into the inbox, runs the nightly flow twice (the second run must store nothing new)
and leaves a ready review queue in ``var/demo``.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pantau.config import PROJECT_ROOT, Settings, get_settings, reset_settings_cache

DEMO_DATA = PROJECT_ROOT / "data" / "demo"
SAMPLE_REGISTRY = PROJECT_ROOT / "data" / "samples" / "registri-asn-contoh.csv"
DEMO_CHANNEL = "kabar_budi_ptk"
EMPTY_PAGE = (b'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><main class="tgme_main">'
              b'<section class="tgme_channel_history js-message_history"></section></main></body></html>')


class _ChannelHandler(BaseHTTPRequestHandler):
    """Serves ``/s/<channel>[?before=N]`` from ``<root>/<channel>[_before_N].html``, like t.me/s."""

    root: Path = DEMO_DATA / "telegram_web"
    requests_seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        parts = urlsplit(self.path)
        self.requests_seen.append(self.path)
        if parts.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        m = re.fullmatch(r"/s/([A-Za-z0-9_]+)", parts.path)
        if not m:
            return self._send(404, b"not found", "text/plain")
        before = parse_qs(parts.query).get("before", [None])[0]
        name = f"{m.group(1)}_before_{before}.html" if before else f"{m.group(1)}.html"
        path = self.root / name
        if path.is_file():
            return self._send(200, path.read_bytes(), "text/html; charset=utf-8")
        return self._send(200 if before else 404, EMPTY_PAGE if before else b"not found", "text/html")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


@contextmanager
def channel_server(root: Path | None = None) -> Iterator[str]:
    """A local t.me/s-style server on 127.0.0.1; yields its base URL."""
    handler = type("Handler", (_ChannelHandler,), {"root": root or _ChannelHandler.root, "requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class DemoResult:
    data_dir: Path
    first: dict[str, Any]
    second: dict[str, Any]
    registry_rows: int


def _demo_env(data_dir: Path) -> None:
    os.environ["PANTAU_DATA_DIR"] = str(data_dir)
    os.environ.pop("PANTAU_DATABASE_URL", None)
    os.environ["PANTAU_HTTP__MIN_DELAY_S"] = "0.2"
    os.environ["PANTAU_HTTP__ALLOW_PRIVATE_HOSTS"] = '["127.0.0.1"]'
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / "var" / "prefect"))
    reset_settings_cache()


def prepare(settings: Settings, base_url: str) -> int:
    """Fresh demo database: migrations, sample registry, channel source, exports in the inbox."""
    from sqlalchemy import select

    from pantau.db.migrate import upgrade
    from pantau.db.models import Source
    from pantau.db.session import session_scope
    from pantau.registry.importer import import_registry

    upgrade(settings)
    with session_scope(settings) as s:
        report = import_registry(s, SAMPLE_REGISTRY, actor="demo")
        src = s.execute(select(Source).where(Source.platform == "telegram", Source.key == DEMO_CHANNEL)).scalar_one()
        src.config = {"base_url": f"{base_url}/s/{DEMO_CHANNEL}"}
    for kind, folder in (("whatsapp", DEMO_DATA / "whatsapp"), ("telegram", DEMO_DATA / "telegram")):
        inbox = settings.data_dir / "inbox" / kind
        inbox.mkdir(parents=True, exist_ok=True)
        for f in folder.iterdir():
            shutil.copyfile(f, inbox / f.name)
    return report.rows


def run_demo(data_dir: Path | None = None) -> DemoResult:
    data_dir = (data_dir or PROJECT_ROOT / "var" / "demo").resolve()
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    _demo_env(data_dir)
    settings = get_settings()
    from pantau.db.session import dispose_engines

    with channel_server() as base_url:
        rows = prepare(settings, base_url)
        from flows.nightly import nightly

        first = nightly()
        second = nightly()
    dispose_engines()
    return DemoResult(data_dir=data_dir, first=first, second=second, registry_rows=rows)
