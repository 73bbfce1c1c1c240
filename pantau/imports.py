"""Importing group exports (WhatsApp ``.txt``, Telegram Desktop ``result.json``).

The file's bytes are kept as received (``imports/<sha256>``) and recorded with who imported
it and when. Senders are linked to the registry; everyone else is minimised (see
``pantau.linking``). Importing the same file again stores nothing twice.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings
from pantau.db.models import ImportFile
from pantau.errors import PantauError
from pantau.linking import Linker, minimise_group
from pantau.store import StoreResult, get_or_create_source, store_posts
from scrapers.base import ParsedPost

ExportKind = Literal["whatsapp", "telegram"]


@dataclass
class ImportResult:
    file: str
    sha256: str
    kind: str
    group: str
    messages: int = 0
    registered: int = 0
    pending: int = 0
    context: int = 0
    dropped: int = 0
    stored: StoreResult = field(default_factory=StoreResult)
    already_imported: bool = False
    import_id: int | None = None
    source_id: int | None = None


def group_name_from_filename(path: Path) -> str:
    """``WhatsApp Chat with Grup Koordinasi OPD.txt`` / ``Chat WhatsApp dengan X.txt`` → the group."""
    stem = path.stem
    m = re.match(r"^(?:WhatsApp Chat with|WhatsApp Chat -|Chat WhatsApp dengan)\s+(.+)$", stem, re.I)
    return (m.group(1) if m else stem).strip()


def _parse(kind: ExportKind, data: bytes, path: Path, group: str | None, settings: Settings) -> list[ParsedPost]:
    if kind == "whatsapp":
        from scrapers import whatsapp

        return list(whatsapp.parse_export(data, filename=str(path), group=group or group_name_from_filename(path),
                                          tz=settings.tz))
    from scrapers import telegram_export

    return list(telegram_export.parse_export(data, filename=str(path), tz=settings.tz, chat=group))


def import_export(session: Session, path: Path, kind: ExportKind, settings: Settings, *, group: str | None = None,
                  actor: str = "cli") -> ImportResult:
    """Parse, link, minimise and store one export file in the caller's transaction."""
    if not path.is_file():
        raise PantauError(f"{path}: berkas tidak ditemukan")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    shown_group = group or (group_name_from_filename(path) if kind == "whatsapp" else path.parent.name or path.stem)
    result = ImportResult(file=str(path), sha256=digest, kind=kind, group=shown_group)
    previous = session.execute(select(ImportFile).where(ImportFile.sha256 == digest)).scalars().first()
    if previous is not None:
        result.already_imported = True
        result.import_id = previous.id
        result.source_id = previous.source_id
        return result
    posts = _parse(kind, data, path, group, settings)  # ParseError names file and line
    result.messages = len(posts)

    stored_dir = settings.data_dir / "imports"
    stored_dir.mkdir(parents=True, exist_ok=True)
    stored = stored_dir / f"{digest}{path.suffix.lower()}"
    if not stored.exists():
        shutil.copyfile(path, stored)
    platform = "whatsapp" if kind == "whatsapp" else "telegram"
    record = ImportFile(platform=platform, filename=path.name, sha256=digest, size=len(data),
                        stored_path=str(stored), imported_by=actor)
    session.add(record)
    session.flush()
    result.import_id = record.id

    linker = Linker(session, settings.privacy)
    by_thread: dict[str, list[ParsedPost]] = defaultdict(list)
    for p in posts:
        by_thread[p.thread_key or shown_group].append(p)
    for thread, items in by_thread.items():
        items.sort(key=lambda p: p.posted_at)
        matches = [linker.match(p, by_name=True) for p in items]
        kept = minimise_group(items, matches, settings.privacy, thread)
        result.registered += sum(m.status == "matched" for _, m in kept)
        result.pending += sum(m.status == "pending" for _, m in kept)
        result.context += sum(m.status == "context" for _, m in kept)
        result.dropped += len(items) - len(kept)
        name = group if (group and kind == "whatsapp") else thread
        source = get_or_create_source(session, platform, name, kind="group_export",
                                      name=group or (items[0].extra.get("chat_name") if items else None) or name)
        record.source_id = record.source_id or source.id
        result.stored.add(store_posts(session, kept, source_id=source.id, import_id=record.id))
    result.source_id = record.source_id
    if kind == "telegram" and by_thread and not group:
        result.group = ", ".join(sorted({p.extra.get("chat_name") or t for t, ps in by_thread.items() for p in ps[:1]}))
    record.counts = {"messages": result.messages, "registered": result.registered, "pending": result.pending,
                     "context": result.context, "dropped": result.dropped, "new": result.stored.new,
                     "duplicates": result.stored.duplicates}
    audit.record(session, actor, "import.file", object_type="import_file", object_id=record.id,
                 details={"file": path.name, "sha256": digest, "kind": kind, **record.counts})
    return result
