"""Telegram Desktop "Export chat history" JSON (``result.json``).

Pure: ``parse_export(data, filename=..., tz=..., chat=None)`` -> ``list[ParsedPost]``
(``parse_export_detailed`` also returns counts per chat).

Accepted shapes: a single-chat export (root ``{name, type, id, messages}``) and a
full-account export (``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``); with
``chat=`` (name or id) only that chat is parsed. Both the modern format (``date_unixtime``,
``text_entities``) and the pre-2021 one (only ``date``, ``text`` as string or list of
entities) are read. ``date_unixtime`` is used when present; otherwise ``date`` is local time
of the exporting computer and is read in ``tz`` (the configured office time zone).
Service messages (joins, pins, calls, ...) are skipped and counted. ``from`` may be ``null``
(deleted account); ``from_id`` is kept as ``author_id`` (``"user123"``/``"channel123"``).

``external_id`` = ``"<chat id>/<message id>"``; ``reply_to`` uses the same form;
``thread_key`` = chat id (chat name when the export has no id). Media is not embedded in the
JSON: the file path and kind are kept in ``extra``.

Errors (``ParseError`` naming file and location): empty file, truncated or invalid JSON
(line/column), bytes that are not UTF-8 (line/column; pass ``encoding=`` for a file re-saved
in another encoding), wrong shape, a message without id/date. UTF-8 with BOM and UTF-16/32
with BOM are decoded. Exports are handed over by group members; no credentials.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scrapers.base import ParsedPost, ParseError

PLATFORM = "telegram"

_MEDIA_KEYS = ("photo", "file", "thumbnail")
_FLAG_KEYS = (
    "media_type",
    "mime_type",
    "sticker_emoji",
    "duration_seconds",
    "title",
    "performer",
    "via_bot",
    "forwarded_from",
    "saved_from",
    "author",
    "contact_information",
    "location_information",
    "live_location_period_seconds",
)


@dataclass
class ChatSummary:
    chat_id: str
    name: str | None
    type: str | None
    messages: int = 0
    service_messages: int = 0


@dataclass
class TelegramExportResult:
    posts: list[ParsedPost]
    chats: list[ChatSummary] = field(default_factory=list)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _decode(data: bytes, filename: str, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"cannot decode as {encoding}: {exc}", location=filename) from exc
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(enc)
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid {enc} at byte {exc.start + len(bom)}", location=filename) from exc
    if len(data) >= 2 and data[0] == 0x7B and data[1] == 0:  # '{' in UTF-16-LE without BOM
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col(prefix, len(prefix))
        raise ParseError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}); Telegram Desktop writes UTF-8 — if the "
            "file was re-saved in another encoding, import it with that encoding",
            location=f"{filename}:{line}:{col}",
        ) from exc


def flatten_text(value: Any) -> str:
    """``text`` as string, or list of strings / ``{"type", "text"}`` entities."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for item in value:
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, dict):
                parts.append(str(item.get("text", "")))
        return "".join(parts)
    return str(value)


def _posted_at(msg: dict[str, Any], tz: ZoneInfo, where: str) -> datetime:
    unix = msg.get("date_unixtime")
    if unix not in (None, ""):
        try:
            return datetime.fromtimestamp(int(unix), UTC)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ParseError(f"bad date_unixtime {unix!r}", location=where) from exc
    date = msg.get("date")
    if not isinstance(date, str):
        raise ParseError("missing 'date'", location=where)
    try:
        moment = datetime.fromisoformat(date)
    except ValueError as exc:
        raise ParseError(f"bad date {date!r}", location=where) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _chats(root: Any, filename: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(root, dict):
        raise ParseError(
            f"wrong shape: top level is {type(root).__name__}, expected an object",
            location=filename,
        )
    if isinstance(root.get("messages"), list):
        return [("", root)]
    found: list[tuple[str, dict[str, Any]]] = []
    for section in ("chats", "left_chats"):
        block = root.get(section)
        if block is None:
            continue
        items = block.get("list") if isinstance(block, dict) else None
        if not isinstance(items, list):
            raise ParseError(f"wrong shape: '{section}.list' is not a list", location=filename)
        for i, chat in enumerate(items):
            if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
                raise ParseError(f"wrong shape: {section}.list[{i}] has no 'messages' list", location=filename)
            found.append((f"{section}.list[{i}].", chat))
    if not found and not any(k in root for k in ("chats", "left_chats")):
        raise ParseError(
            "wrong shape: no 'messages' and no 'chats.list' — not a Telegram Desktop JSON export (result.json)",
            location=filename,
        )
    return found


def parse_export_detailed(
    data: bytes,
    *,
    filename: str,
    tz: ZoneInfo,
    chat: str | None = None,
    encoding: str | None = None,
) -> TelegramExportResult:
    if not data.strip():
        raise ParseError("empty file", location=filename)
    text = _decode(data, filename, encoding)
    if not text.strip():
        raise ParseError("empty file", location=filename)
    try:
        root = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (file truncated?)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise ParseError(f"invalid JSON: {exc.msg}{hint}", location=f"{filename}:{exc.lineno}:{exc.colno}") from exc

    result = TelegramExportResult(posts=[])
    matched = False
    for prefix, chat_obj in _chats(root, filename):
        chat_id = chat_obj.get("id")
        name = chat_obj.get("name")
        key = str(chat_id) if chat_id is not None else str(name or "chat")
        if chat is not None and chat not in (str(chat_id), name):
            continue
        matched = True
        summary = ChatSummary(chat_id=key, name=name, type=chat_obj.get("type"))
        result.chats.append(summary)
        for i, msg in enumerate(chat_obj["messages"]):
            where = f"{filename}: {prefix}messages[{i}]"
            if not isinstance(msg, dict):
                raise ParseError("message is not an object", location=where)
            if msg.get("type", "message") != "message":
                summary.service_messages += 1
                continue
            msg_id = msg.get("id")
            if not isinstance(msg_id, int):
                raise ParseError(f"missing or non-integer 'id' ({msg_id!r})", location=where)
            where = f"{where} (id {msg_id})"
            posted_at = _posted_at(msg, tz, where)
            body = flatten_text(msg.get("text"))
            extra: dict[str, Any] = {"chat_name": name, "chat_type": chat_obj.get("type")}
            for k in _FLAG_KEYS:
                if msg.get(k) not in (None, ""):
                    extra[k] = msg[k]
            for k in _MEDIA_KEYS:
                if msg.get(k):
                    extra.setdefault("media_files", []).append(msg[k])
            if "photo" in msg:
                extra.setdefault("media_type", "photo")
            if msg.get("edited"):
                extra["edited"] = True
                edited = _posted_at(
                    {"date": msg.get("edited"), "date_unixtime": msg.get("edited_unixtime")},
                    tz,
                    where,
                )
                extra["edited_at"] = edited.isoformat()
            poll = msg.get("poll")
            if isinstance(poll, dict):
                answers = [flatten_text(a.get("text")) for a in poll.get("answers", []) if isinstance(a, dict)]
                extra["poll"] = {"question": poll.get("question"), "answers": answers}
                if not body:
                    body = "\n".join([str(poll.get("question") or ""), *(f"- {a}" for a in answers)])
            reply = msg.get("reply_to_message_id")
            from_id = msg.get("from_id")
            if isinstance(from_id, int):  # pre-2021 exports: bare numeric user id
                from_id = f"user{from_id}"
            signer = msg.get("author") if isinstance(msg.get("author"), str) else None
            sender = msg.get("from") if isinstance(msg.get("from"), str) else None
            summary.messages += 1
            result.posts.append(
                ParsedPost(
                    platform=PLATFORM,
                    external_id=f"{key}/{msg_id}",
                    posted_at=posted_at,
                    text=body,
                    raw=msg,
                    author_name=signer or sender,
                    author_id=str(from_id) if from_id is not None else None,
                    reply_to=f"{key}/{reply}" if reply is not None else None,
                    thread_key=key,
                    extra=extra,
                )
            )
    if chat is not None and not matched:
        raise ParseError(f"no chat named or with id {chat!r} in the export", location=filename)
    return result


def parse_export(
    data: bytes,
    *,
    filename: str,
    tz: ZoneInfo,
    chat: str | None = None,
    encoding: str | None = None,
) -> list[ParsedPost]:
    """Parse a Telegram Desktop ``result.json`` into posts (see module docstring)."""
    return parse_export_detailed(data, filename=filename, tz=tz, chat=chat, encoding=encoding).posts
