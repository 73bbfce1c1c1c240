from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.db.models import AuditEvent, ImportFile, Person, Post
from pantau.imports import import_export
from pantau.registry.importer import import_registry
from scrapers.base import ParseError

ROOT = Path(__file__).resolve().parents[2]
WA = ROOT / "data" / "demo" / "whatsapp" / "Chat WhatsApp dengan Koordinasi ASN Kubu Raya.txt"
TG = ROOT / "data" / "demo" / "telegram" / "result.json"
REGISTRY = ROOT / "data" / "samples" / "registri-asn-contoh.csv"


@pytest.fixture
def registry(session: Session) -> Session:
    import_registry(session, REGISTRY)
    session.commit()
    return session


def _person_of(session: Session, text_fragment: str) -> str | None:
    post = session.execute(select(Post).where(Post.text.contains(text_fragment))).scalar_one()
    return session.get(Person, post.person_id).name if post.person_id else None


def test_whatsapp_senders_matched_by_phone_and_name(registry: Session, db: Settings) -> None:
    res = import_export(registry, WA, "whatsapp", db, actor="analis1")
    registry.commit()
    assert res.messages == 13 and res.stored.new == 13
    assert _person_of(registry, "rapat koordinasi pembangunan jalan") == "Yohanes Saragih"  # by phone
    assert _person_of(registry, "coblos no 2") == "Ahmad Fauzi"  # name inside a longer display name
    assert _person_of(registry, "kumpul relawan paslon 1") == "Rudi Hartono"
    outsider = registry.execute(select(Post).where(Post.text.contains("ASN harus netral"))).scalar_one()
    assert outsider.match_status == "context" and outsider.author_name.startswith("Anggota grup #")
    assert "+62 813" not in str(outsider.raw)
    record = registry.execute(select(ImportFile)).scalar_one()
    assert record.imported_by == "analis1" and len(record.sha256) == 64 and Path(record.stored_path).is_file()
    assert registry.execute(select(AuditEvent.action).where(AuditEvent.action == "import.file")).scalar_one()


def test_reimport_stores_nothing_twice(registry: Session, db: Settings, tmp_path: Path) -> None:
    import_export(registry, WA, "whatsapp", db)
    registry.commit()
    again = import_export(registry, WA, "whatsapp", db)
    assert again.already_imported
    # the same messages in a longer, later export (different file hash) are deduplicated per message
    longer = tmp_path / WA.name
    longer.write_text(WA.read_text(encoding="utf-8") + "17/11/24 09.00 - Dewi Lestari: Rapat evaluasi besok pagi.\n",
                      encoding="utf-8")
    res = import_export(registry, longer, "whatsapp", db)
    registry.commit()
    assert (res.stored.new, res.stored.duplicates) == (1, 13)
    assert registry.execute(select(func.count()).select_from(Post)).scalar_one() == 14


def test_telegram_export_links_by_name(registry: Session, db: Settings) -> None:
    res = import_export(registry, TG, "telegram", db)
    registry.commit()
    assert res.messages == 6 and res.registered == 4
    assert _person_of(registry, "twibbon") == "Siti Rahmawati"


def test_broken_export_names_the_file_and_keeps_what_is_stored(registry: Session, db: Settings,
                                                               tmp_path: Path) -> None:
    import_export(registry, TG, "telegram", db)
    registry.commit()
    broken = tmp_path / "result.json"
    shutil.copyfile(TG, broken)
    broken.write_bytes(broken.read_bytes()[:-400])
    with pytest.raises(ParseError, match="result.json"):
        import_export(registry, broken, "telegram", db)
    registry.rollback()
    assert registry.execute(select(func.count()).select_from(Post)).scalar_one() == 6
