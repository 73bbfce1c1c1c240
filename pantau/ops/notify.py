"""Notify the office after each nightly run: summary and errors, in Bahasa Indonesia.

Channels (``[notify]`` in pantau.toml): e-mail over SMTP (``smtp_host`` + ``mail_to``; STARTTLS
whenever the server offers it, login when ``smtp_user`` is set) and a
Telegram bot (``telegram_bot_token`` + ``telegram_chat_id``; ``sendMessage`` on
``telegram_api_base``). ``notify_run`` never raises: a failed notification is logged and
reported in its return value, and the flow carries on.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

import httpx

from pantau.config import NotifySettings, Settings

log = logging.getLogger(__name__)

TELEGRAM_MAX_CHARS = 4000  # the API limit is 4096; leave room
_COUNT_LABELS = {
    "sources": "sumber",
    "collected": "terkumpul",
    "new": "baru",
    "duplicates": "duplikat",
    "classified": "diklasifikasi",
    "flagged": "ditandai",
    "enqueued": "masuk antrean",
    "errors": "galat",
    "queued": "masuk antrean",
    "failed_sources": "sumber gagal",
    "duration_s": "durasi (detik)",
    "source_id": "id sumber",
}


def _label(key: str) -> str:
    return _COUNT_LABELS.get(key, key)


def _errors_of(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(v.get("message", v)) if isinstance(v, dict) else str(v) for v in value]
    return [str(value)]


def format_summary(summary: dict[str, Any], office: str = "") -> tuple[str, str]:
    """(subject, body) for a run summary. Tolerant of missing keys: shows what is there.

    Understood keys: ``status``, ``started_at``/``finished_at``, ``shard_index``/``shard_count``,
    ``shards`` (list of per-shard summaries), scalar counts (``collected``, ``new``, ...),
    ``sources`` (dict label → counts, or list of dicts with ``source``/``label``) and
    ``errors`` (list of strings or dicts with ``message``).
    """
    errors: list[str] = list(_errors_of(summary.get("errors")))
    status = str(summary.get("status") or ("gagal" if errors else "selesai"))
    lines: list[str] = []
    if office:
        lines.append(office)
    lines.append(f"Ringkasan pengumpulan malam: {status}")
    for key in ("started_at", "finished_at"):
        if summary.get(key):
            lines.append(f"{'Mulai' if key == 'started_at' else 'Selesai'}: {summary[key]}")
    if "shard_count" in summary:
        lines.append(f"Shard: {summary.get('shard_index', '-')}/{summary['shard_count']}")
    flat = {**summary, **(summary.get("totals") if isinstance(summary.get("totals"), dict) else {})}
    counts = [(k, v) for k, v in flat.items()
              if isinstance(v, int | float) and not isinstance(v, bool)
              and k not in ("shard_index", "shard_count", "run_id", "pid")]
    if counts:
        lines.append("Jumlah: " + ", ".join(f"{_label(k)} {v}" for k, v in counts))
    sources = summary.get("sources")
    rows: list[tuple[str, dict[str, Any]]] = []
    if isinstance(sources, dict):
        rows = [(str(k), v) for k, v in sources.items() if isinstance(v, dict)]
    elif isinstance(sources, list):
        rows = [(str(v.get("label") or v.get("source") or v.get("key") or "?"), v)
                for v in sources if isinstance(v, dict)]
    if rows:
        lines.append("")
        lines.append("Per sumber:")
        for label, data in rows:
            nums = ", ".join(f"{_label(k)} {v}" for k, v in data.items()
                             if isinstance(v, int | float) and not isinstance(v, bool))
            src_errors = _errors_of(data.get("errors"))
            flag = " — GALAT" if src_errors else ""
            lines.append(f"- {label}: {nums or '-'}{flag}")
            errors.extend(f"{label}: {e}" for e in src_errors)
    for i, shard in enumerate(summary.get("shards") or []):
        if isinstance(shard, dict):
            errors.extend(f"shard {shard.get('shard_index', i)}: {e}"
                          for e in _errors_of(shard.get("errors")))
    lines.append("")
    if errors:
        lines.append(f"Galat ({len(errors)}):")
        lines.extend(f"- {e}" for e in errors[:50])
        if len(errors) > 50:
            lines.append(f"- ... dan {len(errors) - 50} galat lainnya")
    else:
        lines.append("Tidak ada galat.")
    subject = f"[pantau] Pengumpulan malam {status}" + (f" — {len(errors)} galat" if errors else "")
    return subject, "\n".join(lines)


def send_email(cfg: NotifySettings, subject: str, body: str, *, timeout_s: float = 20.0,
               starttls: bool | None = None) -> None:
    """Send one plain-text mail. STARTTLS is used when the server offers it (or forced with
    ``starttls=True``); login when ``smtp_user`` is set. Raises on failure."""
    if not cfg.smtp_host or not cfg.mail_to:
        raise ValueError("notify.smtp_host dan notify.mail_to harus diisi")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = cfg.mail_from
    msg["To"] = ", ".join(cfg.mail_to)
    msg.set_content(body)
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=timeout_s) as smtp:
        smtp.ehlo()
        offered = smtp.has_extn("starttls")
        if starttls or (starttls is None and offered):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if cfg.smtp_user:
            password = cfg.smtp_password.get_secret_value() if cfg.smtp_password else ""
            smtp.login(cfg.smtp_user, password)
        smtp.send_message(msg)


def send_telegram(cfg: NotifySettings, text: str, *, timeout_s: float = 20.0,
                  transport: httpx.BaseTransport | None = None) -> None:
    """``sendMessage`` to the configured chat (text cut to Telegram's limit). Raises on failure."""
    if not cfg.telegram_bot_token or not cfg.telegram_chat_id:
        raise ValueError("notify.telegram_bot_token dan notify.telegram_chat_id harus diisi")
    token = cfg.telegram_bot_token.get_secret_value()
    url = f"{cfg.telegram_api_base.rstrip('/')}/bot{token}/sendMessage"
    if len(text) > TELEGRAM_MAX_CHARS:
        text = text[: TELEGRAM_MAX_CHARS - 20] + "\n... (dipotong)"
    with httpx.Client(timeout=timeout_s, transport=transport) as client:
        resp = client.post(url, json={"chat_id": cfg.telegram_chat_id, "text": text,
                                      "disable_web_page_preview": True})
    if resp.status_code != 200 or not resp.json().get("ok", False):
        # never echo the token (it is part of the URL)
        raise RuntimeError(f"Telegram menolak pesan: HTTP {resp.status_code} {resp.text[:200]}")


def channels(cfg: NotifySettings) -> list[str]:
    out = []
    if cfg.smtp_host and cfg.mail_to:
        out.append("email")
    if cfg.telegram_bot_token and cfg.telegram_chat_id:
        out.append("telegram")
    return out


def notify_run(summary: dict[str, Any], settings: Settings | None = None) -> dict[str, str]:
    """Send the run summary on every configured channel. Never raises.

    Returns ``{channel: "ok" | "gagal: <reason>"}`` (empty when nothing is configured).
    """
    result: dict[str, str] = {}
    try:
        if settings is None:
            from pantau.config import get_settings

            settings = get_settings()
        cfg = settings.notify
        subject, body = format_summary(summary, settings.office_name)
    except Exception as exc:  # bad summary or settings: log, never break the flow
        log.exception("ringkasan notifikasi tidak dapat dibuat")
        return {"notify": f"gagal: {exc}"}
    for channel in channels(cfg):
        try:
            if channel == "email":
                send_email(cfg, subject, body)
            else:
                send_telegram(cfg, f"{subject}\n\n{body}")
            result[channel] = "ok"
        except Exception as exc:
            log.warning("notifikasi %s gagal: %s", channel, exc)
            result[channel] = f"gagal: {exc.__class__.__name__}: {exc}"
    return result
