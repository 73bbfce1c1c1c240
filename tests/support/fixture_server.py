"""A real HTTP server on 127.0.0.1 serving recorded pages, with scripted faults.

Usage::

    with FixtureServer() as srv:
        srv.add("/s/chan", Reply(body=page, headers={"Content-Type": "text/html"}))
        srv.add("/flaky", Reply(status=500), Reply(body=b"ok"))        # 500 then 200
        srv.add("/slow", Reply(delay_s=2))                               # beyond the timeout
        srv.add("/drop", Reply(drop=True))                               # connection dropped
        srv.robots("User-agent: *\\nDisallow: /private\\n")
        client.get(srv.url("/s/chan"))

Replies for one route are served in order; the last one repeats. A route key may include the
query string (``/s/chan?before=101``), which wins over the bare path. Unknown paths get 404
(so robots.txt is "allowed" unless set). Every request is recorded in ``srv.requests``.
"""

from __future__ import annotations

import gzip as gzip_mod
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering (slow server)
    drop: bool = False  # close the connection without any response
    gzip: bool = False  # gzip the body and send Content-Encoding: gzip
    no_length: bool = False  # no Content-Length; body ends when the connection closes
    chunk_delay_s: float = 0.0  # sleep between 64 KiB chunks of the body


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        owner = self.server.owner
        owner.requests.append(
            SeenRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        )
        reply = owner._next_reply(self.path)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.drop:
            self.close_connection = True
            return
        body = gzip_mod.compress(reply.body) if reply.gzip else reply.body
        try:
            self.send_response(reply.status)
            headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
            if reply.gzip:
                headers["Content-Encoding"] = "gzip"
            for k, v in headers.items():
                self.send_header(k, v)
            if reply.no_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = 64 * 1024
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                if reply.chunk_delay_s:
                    self.wfile.flush()
                    time.sleep(reply.chunk_delay_s)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FixtureServer


class FixtureServer:
    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.requests: list[SeenRequest] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, *replies: Reply) -> FixtureServer:
        with self._lock:
            self._routes[path] = list(replies) or [Reply()]
        return self

    def add_file(
        self,
        path: str,
        file: str | Path,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> FixtureServer:
        hdrs = {"Content-Type": content_type, **(headers or {})}
        return self.add(path, Reply(body=Path(file).read_bytes(), headers=hdrs))

    def robots(self, text: str, status: int = 200) -> FixtureServer:
        return self.add("/robots.txt", Reply(status=status, body=text.encode(), headers={"Content-Type": "text/plain"}))

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            queue = self._routes.get(path)
            if queue is None:
                queue = self._routes.get(path.split("?", 1)[0])
            if queue is None:
                return Reply(status=404, body=b"not found")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def start(self) -> FixtureServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
