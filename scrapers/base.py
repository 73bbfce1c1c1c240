"""What every source produces, and what every source module provides.

A source module (one per platform, e.g. ``scrapers/telegram_web.py``) keeps parsing as pure
functions over saved input (bytes in, ``ParsedPost`` out) so that parsers are tested on
fixtures and captures can be re-mapped later without re-fetching. Network sources fetch
through ``scrapers.http.PoliteClient`` only: politeness, retries and archiving live there
and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ParseError(Exception):
    """Input that cannot be parsed. The message names the file/line or URL and the field."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


@dataclass(frozen=True)
class ParsedPost:
    """One post/message mapped from a raw item.

    ``external_id`` is unique within ``platform`` (e.g. ``"pemkot_contoh/1234"`` for a
    Telegram channel message). ``raw`` is the item as received (JSON-able), kept verbatim so
    that the mapping can be redone later.
    """

    platform: str
    external_id: str
    posted_at: datetime
    text: str
    raw: dict[str, Any]
    author_name: str | None = None
    author_handle: str | None = None
    author_id: str | None = None
    author_phone: str | None = None
    url: str | None = None
    reply_to: str | None = None
    thread_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.posted_at.tzinfo is None:
            raise ValueError(f"{self.platform}/{self.external_id}: posted_at must be tz-aware")

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON of the raw item (stable across re-imports)."""
        blob = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def api_datetime(value: Any, field: str, where: str) -> datetime:
    """An ISO 8601 timestamp from a JSON API (``...Z`` allowed); it must carry a zone."""
    if not isinstance(value, str):
        raise ParseError(f"missing {field} ({value!r})", location=where)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ParseError(f"bad {field} {value!r}", location=where) from exc
    if moment.tzinfo is None:
        raise ParseError(f"{field} without zone {value!r}", location=where)
    return moment


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
