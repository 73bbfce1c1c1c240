"""Notifications against a local SMTP server (aiosmtpd, with and without STARTTLS) and a local
fake Telegram Bot API."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from pantau.config import Settings
from pantau.ops.notify import format_summary, notify_run

SUMMARY: dict[str, Any] = {
    "status": "selesai",
    "started_at": "2026-11-22T01:00:00+07:00",
    "collected": 120,
    "new": 100,
    "flagged": 3,
    "sources": {
        "telegram_web:dinas_x": {"collected": 80, "new": 70, "errors": []},
        "mastodon:pns@masto.example": {"collected": 40, "new": 30,
                                       "errors": ["HTTP 503 setelah 4 percobaan"]},
    },
    "errors": [],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:  # noqa: N802
        self.messages.append((envelope, message_from_bytes(envelope.content)))  # type: ignore[arg-type]
        return "250 OK"


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp() -> Iterator[tuple[_Sink, int]]:
    sink, port = _Sink(), _free_port()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield sink, port
    finally:
        ctl.stop()


class _FakeTelegram(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, Any]]] = []
    reply_status = 200

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append((self.path, body))
        ok = self.reply_status == 200
        data = json.dumps({"ok": ok, "result": {"message_id": 1}} if ok
                          else {"ok": False, "description": "Unauthorized"}).encode()
        self.send_response(self.reply_status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def telegram() -> Iterator[tuple[type[_FakeTelegram], str]]:
    handler = type("Handler", (_FakeTelegram,), {"calls": [], "reply_status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _settings(**notify: Any) -> Settings:
    return Settings(office_name="Kesbangpol Uji", notify=notify)


def test_format_summary_in_indonesian() -> None:
    subject, body = format_summary(SUMMARY, "Kesbangpol Uji")
    assert subject == "[pantau] Pengumpulan malam selesai — 1 galat"
    assert "terkumpul 120" in body and "baru 100" in body and "ditandai 3" in body
    assert "mastodon:pns@masto.example" in body and "HTTP 503" in body
    _, clean = format_summary({"status": "selesai", "collected": 5})
    assert "Tidak ada galat." in clean


def test_email_plain(smtp: tuple[_Sink, int]) -> None:
    sink, port = smtp
    result = notify_run(SUMMARY, _settings(smtp_host="127.0.0.1", smtp_port=port,
                                           mail_to=["kabid@example.go.id", "dpo@example.go.id"]))
    assert result == {"email": "ok"}
    [(env, msg)] = sink.messages
    assert env.rcpt_tos == ["kabid@example.go.id", "dpo@example.go.id"]
    assert msg["Subject"].startswith("[pantau] Pengumpulan malam")
    body = msg.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Kesbangpol Uji" in body and "HTTP 503" in body


def test_email_starttls_and_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our test CA
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    logins: list[str] = []

    def auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        logins.append(data.login.decode())
        return AuthResult(success=data.password == b"rahasia")

    sink, port = _Sink(), _free_port()
    ctl = Controller(sink, hostname="127.0.0.1", port=port, tls_context=ctx,
                     require_starttls=True, authenticator=auth, auth_require_tls=True)
    ctl.start()
    try:
        ok = notify_run(SUMMARY, _settings(smtp_host="127.0.0.1", smtp_port=port,
                                           smtp_user="pantau", smtp_password="rahasia",
                                           mail_to=["kabid@example.go.id"]))
    finally:
        ctl.stop()
    assert ok == {"email": "ok"}
    assert logins == ["pantau"] and len(sink.messages) == 1


def test_telegram(telegram: tuple[type[_FakeTelegram], str]) -> None:
    handler, base = telegram
    result = notify_run(SUMMARY, _settings(telegram_bot_token="123:ABC", telegram_chat_id="-100",
                                           telegram_api_base=base))
    assert result == {"telegram": "ok"}
    [(path, body)] = handler.calls
    assert path == "/bot123:ABC/sendMessage"
    assert body["chat_id"] == "-100" and "HTTP 503" in body["text"]


def test_failures_never_raise(telegram: tuple[type[_FakeTelegram], str]) -> None:
    handler, base = telegram
    handler.reply_status = 401
    dead_port = _free_port()  # nothing listens there
    result = notify_run(SUMMARY, _settings(
        telegram_bot_token="123:ABC", telegram_chat_id="-100", telegram_api_base=base,
        smtp_host="127.0.0.1", smtp_port=dead_port, mail_to=["x@example.go.id"]))
    assert result["telegram"].startswith("gagal: RuntimeError: Telegram menolak pesan: HTTP 401")
    assert "123:ABC" not in result["telegram"]
    assert result["email"].startswith("gagal: ConnectionRefusedError")
    assert notify_run({"sources": object()}, _settings()) == {}  # odd summary, no channels
    assert notify_run(SUMMARY, _settings()) == {}
