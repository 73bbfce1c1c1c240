from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.db.models import AuditEvent, User
from review.auth import get_db
from review.evidence.case import fmt_dt
from review.evidence.routes import exporter, router
from tests.evidence.conftest import HAS_CHROMIUM
from tests.evidence.factory import make_users, make_web_case


def test_zone_labels() -> None:
    moment = datetime(2024, 10, 12, 3, 5, tzinfo=UTC)
    assert fmt_dt(moment, ZoneInfo("Asia/Jakarta")) == "12 Oktober 2024 10.05 WIB"
    assert fmt_dt(moment, ZoneInfo("Asia/Makassar")) == "12 Oktober 2024 11.05 WITA"
    assert fmt_dt(moment, ZoneInfo("Asia/Jayapura")) == "12 Oktober 2024 12.05 WIT"


def test_router_packet_and_queue_export(session: Session, keys: Settings) -> None:
    _, spv = make_users(session)
    built = make_web_case(session, keys.warc_dir)
    session.commit()
    if not HAS_CHROMIUM:  # the route needs a screenshot: give it a cached one
        from review.evidence.screenshot import cache_path

        shot = cache_path(built.item_id, keys)
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(b"\x89PNG-placeholder")

    app = FastAPI()
    app.include_router(router)

    def _db() -> Iterator[Session]:
        yield session

    def _user() -> User:
        return spv

    app.dependency_overrides[get_db] = _db
    app.dependency_overrides[exporter] = _user
    client = TestClient(app)
    r = client.get(f"/butir/{built.item_id}/bukti")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "laporan.pdf" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert client.get("/butir/999999/bukti").status_code == 404

    r = client.get("/antrean/ekspor.csv", params={"status": "terkonfirmasi"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert client.get("/antrean/ekspor.xlsx").content[:2] == b"PK"
    assert client.get("/antrean/ekspor.csv", params={"status": "salah"}).status_code == 400
    actions = session.execute(select(AuditEvent.action).where(
        AuditEvent.actor == "spv1")).scalars().all()
    assert "evidence.export" in actions and actions.count("queue.export") == 2
