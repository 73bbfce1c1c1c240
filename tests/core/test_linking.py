from __future__ import annotations

from datetime import UTC, datetime

from pantau.config import PrivacySettings
from pantau.linking import Match, minimise_group, normalise_name, pseudonym
from scrapers.base import ParsedPost


def _post(i: int, author: str) -> ParsedPost:
    return ParsedPost(platform="whatsapp", external_id=str(i), posted_at=datetime(2024, 11, 1, 8, i, tzinfo=UTC),
                      text=f"pesan {i}", raw={"line": f"{author}: pesan {i}", "phone": "+6281300000000"},
                      author_name=author, author_phone="+6281300000000")


def test_titles_and_brackets_are_removed() -> None:
    assert normalise_name("Drs. H. Budi Santoso, S.Kom., M.Si (Diskominfo) 🙏") == "budi santoso"


def test_unregistered_senders_become_pseudonymous_context_or_are_dropped() -> None:
    posts = [_post(i, "Warga Lain" if i != 3 else "Budi Santoso") for i in range(8)]
    matches = [Match(7, 1, "name", 1.0, "matched") if i == 3 else Match(None, None, None, None, "unmatched")
               for i in range(8)]
    kept = minimise_group(posts, matches, PrivacySettings(context_window=2), "Grup A")
    assert [p.external_id for p, _ in kept] == ["1", "2", "3", "4", "5"]
    context = [p for p, m in kept if m.status == "context"]
    assert all(p.author_name == pseudonym("Grup A", "Warga Lain") for p in context)
    assert all(p.author_phone is None and "phone" not in p.raw and "Warga" not in str(p.raw) for p in context)

    dropped = minimise_group(posts, matches, PrivacySettings(non_registry_messages="drop"), "Grup A")
    assert [p.external_id for p, _ in dropped] == ["3"]
