"""HTTP routes of the review app (thin: the rules live in ``review.decisions``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pantau import audit
from pantau.db.models import Capture, ReviewStatus, Role, User
from review import decisions as dec
from review.app import flash, render
from review.auth import (
    AccountError,
    LoginError,
    authenticate,
    create_user,
    current_user,
    get_db,
    login_session,
    require_roles,
    set_active,
)
from review.queue import (
    AuditFilters,
    QueueFilters,
    highlight_spans,
    load_audit,
    load_dashboard,
    load_item,
    load_queue,
    mask_nip,
)

router = APIRouter()

reviewer = require_roles(Role.ANALIS, Role.SUPERVISOR)
supervisor = require_roles(Role.SUPERVISOR)
admin = require_roles(Role.ADMIN)
log_reader = require_roles(Role.AUDITOR, Role.ADMIN)
UNMASKED_NIP_ROLES = (Role.SUPERVISOR, Role.ADMIN)

ERROR_STATUS = {"conflict": 403, "role": 403, "four_eyes": 403, "inactive": 403,
                "not_found": 404, "claimed": 409, "stale": 409, "transition": 409,
                "not_claimed": 409}


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------- login


@router.get("/healthz", include_in_schema=False)
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/login")
def login_form(request: Request) -> Response:
    return render(request, "login.html", {"error": None})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          db: Session = Depends(get_db)) -> Response:
    try:
        user = authenticate(db, username, password, _settings(request))
    except LoginError as exc:
        db.commit()  # keep the failure count and its audit event
        return render(request, "login.html", {"error": f"login.{exc.code}",
                                              "username": username}, status_code=401)
    db.commit()
    login_session(request, user)
    return _see_other("/antrean")


@router.post("/logout")
def logout(request: Request, user: User = Depends(current_user),
           db: Session = Depends(get_db)) -> Response:
    audit.record(db, user.username, "logout", object_type="user", object_id=user.id)
    db.commit()
    request.session.clear()
    return _see_other("/login")


@router.get("/")
def home(user: User = Depends(current_user)) -> Response:
    if user.role == Role.AUDITOR:
        return _see_other("/audit")
    if user.role == Role.ADMIN:
        return _see_other("/dasbor")
    return _see_other("/antrean")


# ---------------------------------------------------------------- queue


@router.get("/antrean")
def queue(request: Request, user: User = Depends(current_user),
          db: Session = Depends(get_db)) -> Response:
    settings = _settings(request)
    filters = QueueFilters.from_params(dict(request.query_params), settings.tz)
    page = load_queue(db, filters, settings.tz)
    ctx = {"page": page, "filters": filters, "params": filters.as_params(),
           "statuses": list(ReviewStatus), "categories": dec.CATEGORIES,
           "deadline_days": settings.review.report_deadline_days, "tz": settings.tz,
           "days_left": dec.days_left, "closed": dec.CLOSED_STATUSES,
           "mask": user.role not in UNMASKED_NIP_ROLES}
    name = "_queue_table.html" if request.headers.get("hx-target") == "hasil" else "queue.html"
    return render(request, name, ctx, user=user)


@router.post("/antrean/ambil-berikutnya")
def claim_next(request: Request, user: User = Depends(reviewer),
               db: Session = Depends(get_db)) -> Response:
    item = dec.claim_next(db, user, claim_minutes=_settings(request).review.claim_minutes)
    db.commit()
    if item is None:
        flash(request, "flash.queue_empty", "info")
        return _see_other("/antrean")
    return _see_other(f"/butir/{item.id}")


# ---------------------------------------------------------------- item


def _item_page(request: Request, db: Session, user: User, item_id: int, *,
               error: dec.DecisionError | None = None, status_code: int = 200,
               form: dict[str, str] | None = None) -> Response:
    settings = _settings(request)
    view = load_item(db, item_id)
    if view is None:
        raise HTTPException(404)
    nip = view.person.nip if view.person else None
    show_nip = user.role in UNMASKED_NIP_ROLES
    if show_nip and nip and error is None:
        audit.record(db, user.username, "nip.view", object_type="person",
                     object_id=view.person.id if view.person else None,
                     details={"review_item": item_id})
        db.commit()
    conflict = None
    try:
        dec.check_conflict(db, user, view.item)
    except dec.DecisionError as exc:
        conflict = exc
    words = [w for w, _ in view.terms] + [str(w.get("match", "")) for w in view.watchlist]
    capture = db.get(Capture, view.post.capture_id) if view.post.capture_id else None
    ctx = {
        "v": view, "item": view.item, "post": view.post, "person": view.person,
        "nip": nip if show_nip else mask_nip(nip),
        "spans": highlight_spans(view.post.text or "", words),
        "allowed": [] if conflict else dec.allowed_decisions(user, view.item),
        "conflict": conflict, "error": error, "form": form or {},
        "categories": dec.CATEGORIES, "routes": dec.ROUTES,
        "days_left": dec.days_left(view.item.known_at, settings.review.report_deadline_days,
                                   settings.tz),
        "deadline": dec.deadline(view.item.known_at, settings.review.report_deadline_days),
        "closed": view.item.status in dec.CLOSED_STATUSES,
        "mine": view.item.claimed_by_id == user.id,
        "can_claim": user.role in dec.REVIEWER_ROLES and conflict is None,
        "capture": capture if capture is not None and capture.warc_path else None,
        "actions": [(a.label, a.url.format(id=item_id), a.method)
                    for a in request.app.state.item_actions],
        "first_review": dec.FIRST_REVIEW, "second_review": dec.SECOND_REVIEW,
    }
    return render(request, "item.html", ctx, status_code=status_code, user=user)


@router.get("/butir/{item_id}")
def item_page(request: Request, item_id: int, user: User = Depends(current_user),
              db: Session = Depends(get_db)) -> Response:
    return _item_page(request, db, user, item_id)


def _refused(request: Request, db: Session, user: User, item_id: int,
             exc: dec.DecisionError, action: str, form: dict[str, str] | None = None) -> Response:
    db.rollback()
    dec.record_refusal(db, user, item_id, exc, action=action)
    db.commit()
    return _item_page(request, db, user, item_id, error=exc, form=form,
                      status_code=ERROR_STATUS.get(exc.code, 422))


@router.post("/butir/{item_id}/ambil")
def claim_item(request: Request, item_id: int, user: User = Depends(reviewer),
               db: Session = Depends(get_db)) -> Response:
    try:
        dec.claim(db, user, item_id, claim_minutes=_settings(request).review.claim_minutes)
    except dec.DecisionError as exc:
        if exc.code == "not_found":
            raise HTTPException(404) from exc
        return _refused(request, db, user, item_id, exc, "review.claim_refused")
    db.commit()
    return _see_other(f"/butir/{item_id}")


@router.post("/butir/{item_id}/lepas")
def release_item(request: Request, item_id: int, user: User = Depends(reviewer),
                 db: Session = Depends(get_db)) -> Response:
    try:
        dec.release(db, user, item_id)
    except dec.DecisionError as exc:
        return _refused(request, db, user, item_id, exc, "review.release_refused")
    db.commit()
    flash(request, "flash.released")
    return _see_other("/antrean")


def _decide(request: Request, db: Session, user: User, item_id: int,
            data: dec.DecisionInput, then_next: bool) -> Response:
    form = {"status": str(data.to_status), "alasan": data.reason,
            "kategori": data.category or "", "tujuan": data.routed_to or "",
            "referensi": data.reference or ""}
    try:
        dec.decide(db, user, item_id, data)
    except dec.DecisionError as exc:
        if exc.code == "not_found":
            raise HTTPException(404) from exc
        return _refused(request, db, user, item_id, exc, "decision.refused", form)
    db.commit()
    flash(request, "flash.decided",
          status=request.app.state.t(f"status.{data.to_status.value}"))
    if then_next:
        nxt = dec.claim_next(db, user, claim_minutes=_settings(request).review.claim_minutes)
        db.commit()
        if nxt is not None:
            return _see_other(f"/butir/{nxt.id}")
        flash(request, "flash.queue_empty", "info")
        return _see_other("/antrean")
    return _see_other(f"/butir/{item_id}")


def _status(value: str, allowed: tuple[ReviewStatus, ...]) -> ReviewStatus:
    try:
        status = ReviewStatus(value)
    except ValueError as exc:
        raise HTTPException(422, "status") from exc
    if status not in allowed:
        raise HTTPException(422, "status")
    return status


@router.post("/butir/{item_id}/keputusan")
def decide_first(request: Request, item_id: int, status: str = Form(""),
                 alasan: str = Form(""), kategori: str = Form(""), lanjut: str = Form(""),
                 user: User = Depends(reviewer), db: Session = Depends(get_db)) -> Response:
    data = dec.DecisionInput(_status(status, dec.FIRST_REVIEW), alasan, kategori or None)
    return _decide(request, db, user, item_id, data, then_next=bool(lanjut))


@router.post("/butir/{item_id}/tinjauan-kedua")
def decide_second(request: Request, item_id: int, status: str = Form(""),
                  alasan: str = Form(""), kategori: str = Form(""),
                  user: User = Depends(supervisor), db: Session = Depends(get_db)) -> Response:
    data = dec.DecisionInput(_status(status, dec.SECOND_REVIEW), alasan, kategori or None)
    return _decide(request, db, user, item_id, data, then_next=False)


@router.post("/butir/{item_id}/teruskan")
def forward(request: Request, item_id: int, tujuan: str = Form(""), referensi: str = Form(""),
            alasan: str = Form(""), user: User = Depends(supervisor),
            db: Session = Depends(get_db)) -> Response:
    data = dec.DecisionInput(ReviewStatus.DITERUSKAN, alasan, None, tujuan, referensi)
    return _decide(request, db, user, item_id, data, then_next=False)


def read_capture_payload(capture: Capture) -> bytes:
    try:  # the archive module owns the WARC format
        from scrapers.warc import read_warc_payload
    except ImportError:  # pragma: no cover - fallback while scrapers/warc.py is absent
        from warcio.archiveiterator import ArchiveIterator

        def read_warc_payload(path: str, offset: int) -> bytes:  # type: ignore[misc]
            with open(path, "rb") as fh:
                fh.seek(offset)
                for record in ArchiveIterator(fh):
                    return bytes(record.content_stream().read())
            raise OSError("no record")

    return read_warc_payload(str(capture.warc_path), int(capture.warc_offset or 0))


@router.get("/butir/{item_id}/arsip")
def archived_capture(request: Request, item_id: int, user: User = Depends(current_user),
                     db: Session = Depends(get_db)) -> Response:
    """The archived bytes as inert text: text/plain, nosniff, and a sandbox CSP."""
    view = load_item(db, item_id)
    capture = (db.get(Capture, view.post.capture_id)
               if view is not None and view.post.capture_id else None)
    if capture is None or not capture.warc_path:
        raise HTTPException(404)
    try:
        payload = read_capture_payload(capture)
    except Exception as exc:  # unreadable or missing archive file
        audit.record(db, user.username, "evidence.view_failed", object_type="capture",
                     object_id=capture.id, details={"review_item": item_id, "error": str(exc)})
        db.commit()
        raise HTTPException(404) from exc
    audit.record(db, user.username, "evidence.view", object_type="capture",
                 object_id=capture.id,
                 details={"review_item": item_id, "sha256": capture.sha256, "url": capture.url})
    db.commit()
    return Response(
        payload.decode("utf-8", errors="replace"), media_type="text/plain; charset=utf-8",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'",
                 "X-Content-Type-Options": "nosniff",
                 "Content-Disposition": f'inline; filename="arsip-{capture.id}.txt"'})


# ---------------------------------------------------------------- dashboard, audit, users


@router.get("/dasbor")
def dashboard(request: Request, user: User = Depends(current_user),
              db: Session = Depends(get_db)) -> Response:
    data = load_dashboard(db, _settings(request).tz)
    return render(request, "dashboard.html", {"d": data}, user=user)


@router.get("/audit")
def audit_log(request: Request, user: User = Depends(log_reader),
              db: Session = Depends(get_db)) -> Response:
    filters = AuditFilters.from_params(dict(request.query_params))
    events, total, actions = load_audit(db, filters, _settings(request).tz)
    problems = audit.verify(db)
    params = {k: v for k, v in request.query_params.items() if k != "hal" and v}
    return render(request, "audit.html",
                  {"events": events, "total": total, "actions": actions, "f": filters,
                   "problems": problems, "params": params}, user=user)


@router.get("/admin/pengguna")
def users_page(request: Request, user: User = Depends(admin),
               db: Session = Depends(get_db), error: str | None = None) -> Response:
    from sqlalchemy import select

    users = db.execute(select(User).order_by(User.username)).scalars().all()
    return render(request, "users.html", {"users": users, "roles": list(Role), "error": error},
                  user=user)


@router.post("/admin/pengguna")
def users_add(request: Request, username: str = Form(""), full_name: str = Form(""),
              role: str = Form(""), agency: str = Form(""), unit: str = Form(""),
              password: str = Form(""), user: User = Depends(admin),
              db: Session = Depends(get_db)) -> Response:
    try:
        create_user(db, username=username, role=role, agency=agency, unit=unit,
                    full_name=full_name or None, password=password, actor=user.username)
    except AccountError as exc:
        db.rollback()
        return users_page(request, user, db, error=str(exc))
    db.commit()
    flash(request, "flash.user_added", name=username)
    return _see_other("/admin/pengguna")


@router.post("/admin/pengguna/{username}/status")
def users_status(request: Request, username: str, aktif: str = Form("0"),
                 user: User = Depends(admin), db: Session = Depends(get_db)) -> Response:
    if username == user.username:
        raise HTTPException(403)
    try:
        set_active(db, username, aktif == "1", actor=user.username)
    except AccountError as exc:
        raise HTTPException(404) from exc
    db.commit()
    return _see_other("/admin/pengguna")
