"""HTTP routes for evidence packets and queue exports, for the review web app to include:

    from review.evidence.routes import router as evidence_router
    create_app(extra_routers=[evidence_router])   # or review.app.ROUTERS.append(...)
    ITEM_ACTIONS.append(ItemAction(label="Paket bukti", url="/butir/{id}/bukti"))

- ``GET /butir/{id}/bukti``: build (or rebuild — deterministic) the signed packet and
  download it; audited as ``evidence.export``. Supervisors and admins (full NIP inside).
- ``GET /antrean/ekspor.csv`` and ``/antrean/ekspor.xlsx``: the queue under the filters
  ``status``, ``kategori``, ``platform``, ``unit``, ``pemilihan``, ``sejak``, ``sampai``
  (repeatable where it makes sense); audited as ``queue.export``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings, get_settings
from pantau.db.models import Role, User
from pantau.errors import PantauError
from review.auth import get_db, require_roles
from review.evidence.case import CaseNotFound
from review.evidence.packet import build_packet
from review.reports.queue import FilterError, export_queue

router = APIRouter()
exporter = require_roles(Role.SUPERVISOR, Role.ADMIN)

MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


@router.get("/butir/{item_id}/bukti")
def download_packet(request: Request, item_id: int, user: User = Depends(exporter),
                    db: Session = Depends(get_db)) -> FileResponse:
    settings = _settings(request)
    out = settings.data_dir / "evidence" / str(item_id) / "paket"
    try:
        res = build_packet(db, item_id, out, actor=user.username, settings=settings)
    except CaseNotFound as exc:
        raise HTTPException(status_code=404, detail="not_found") from exc
    except PantauError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc
    db.commit()
    return FileResponse(res.path, media_type="application/zip", filename=res.path.name)


def _queue(request: Request, fmt: str, user: User, db: Session, status: list[str],
           kategori: list[str], platform: list[str], unit: str | None, pemilihan: str | None,
           sejak: str | None, sampai: str | None) -> Response:
    filters: dict[str, Any] = {"status": status, "category": kategori, "platform": platform,
                               "unit": unit, "election": pemilihan, "since": sejak,
                               "until": sampai}
    try:
        data = export_queue(db, filters, fmt, _settings(request))  # type: ignore[arg-type]
    except FilterError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    audit.record(db, user.username, "queue.export", object_type="queue",
                 details={"format": fmt, "filters": {k: v for k, v in filters.items() if v}})
    db.commit()
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="antrean.{fmt}"'})


@router.get("/antrean/ekspor.{fmt}")
def queue_export(request: Request, fmt: str, user: User = Depends(exporter),
                 db: Session = Depends(get_db), status: list[str] = Query([]),
                 kategori: list[str] = Query([]), platform: list[str] = Query([]),
                 unit: str | None = None, pemilihan: str | None = None,
                 sejak: str | None = None, sampai: str | None = None) -> Response:
    if fmt not in MEDIA:
        raise HTTPException(status_code=404, detail="not_found")
    return _queue(request, fmt, user, db, status, kategori, platform, unit, pemilihan,
                  sejak, sampai)
