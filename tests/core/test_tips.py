"""Citizen tips through the real client and a real local server; SSRF refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pantau.config import Settings, get_settings, reset_settings_cache
from pantau.db.models import AuditEvent, Capture, Post, ReviewItem
from pantau.db.session import session_scope
from pantau.demo import channel_server
from pantau.errors import PantauError
from pantau.tips import submit_tip


def test_tip_is_archived_classified_and_queued(db: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HTTP__MIN_DELAY_S", "0")
    monkeypatch.setenv("PANTAU_HTTP__ALLOW_PRIVATE_HOSTS", '["127.0.0.1"]')
    reset_settings_cache()
    with channel_server() as base:
        res = submit_tip(get_settings(), f"{base}/s/kabar_budi_ptk", note="dilaporkan warga", actor="analis1")
        again = submit_tip(get_settings(), f"{base}/s/kabar_budi_ptk", actor="analis1")
    assert not res.duplicate and again.duplicate and again.item_id == res.item_id
    with session_scope() as s:
        item = s.get(ReviewItem, res.item_id)
        post = s.get(Post, item.post_id)
        assert post.raw["extra"]["tip_note"] == "dilaporkan warga"
        capture = s.get(Capture, post.capture_id)
        assert capture.sha256 == res.sha256 and capture.warc_path
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(item.id))).scalars().all()
        assert {"item.queued", "tip.submitted"} <= set(actions)


def test_tip_to_a_private_address_is_refused(db: Settings) -> None:
    with pytest.raises(PantauError, match="tidak dapat diambil"):
        submit_tip(get_settings(), "http://127.0.0.1:9/admin")
    with pytest.raises(PantauError):
        submit_tip(get_settings(), "file:///etc/passwd")
    with session_scope() as s:
        assert s.execute(select(Post)).first() is None
