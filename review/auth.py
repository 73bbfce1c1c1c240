"""Accounts, passwords, login with lockout, session users, roles and CSRF.

Plain functions (``create_user``, ``authenticate``, ...) are shared with the CLI; the
FastAPI dependencies at the bottom are for the web app only.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pantau import audit
from pantau.config import Settings
from pantau.db.models import Role, User
from pantau.db.types import utcnow
from pantau.errors import PantauError

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("pantau-dummy-password")
MIN_PASSWORD = 10
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AccountError(PantauError):
    """A user-management problem with a message meant for the operator."""


class LoginError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "invalid" | "locked"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_user(session: Session, username: str) -> User | None:
    return session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def create_user(session: Session, *, username: str, role: Role | str, agency: str,
                password: str, full_name: str | None = None, unit: str | None = None,
                actor: str = "cli") -> User:
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace(
            "_", "").replace("-", "").isalnum():
        raise AccountError("Nama pengguna hanya boleh huruf, angka, titik, garis bawah, tanda "
                           "hubung (maks. 64).")
    if not agency.strip():
        raise AccountError("Instansi (--agency) wajib diisi.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError("Peran harus salah satu dari: "
                           + ", ".join(r.value for r in Role)) from exc
    if get_user(session, username) is not None:
        raise AccountError(f"Pengguna {username!r} sudah ada.")
    user = User(username=username, full_name=(full_name or username).strip(), role=role,
                agency=agency.strip(), unit=(unit or "").strip() or None,
                password_hash=hash_password(password), active=True, failed_logins=0)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", object_type="user", object_id=user.id,
                 details={"username": user.username, "role": role.value, "agency": user.agency,
                          "unit": user.unit})
    return user


def set_active(session: Session, username: str, active: bool, actor: str = "cli") -> User:
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"Pengguna {username!r} tidak ditemukan.")
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    audit.record(session, actor, "user.enable" if active else "user.disable",
                 object_type="user", object_id=user.id, details={"username": user.username})
    return user


def authenticate(session: Session, username: str, password: str, settings: Settings,
                 now: datetime | None = None) -> User:
    """Check a login; counts failures and locks the account. Every outcome is audited.

    The caller must commit even when LoginError is raised (the failure count is stored).
    """
    now = now or utcnow()
    review = settings.review
    user = get_user(session, username)
    actor = (username or "?")[:100]
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(session, actor, "login.failed", details={"reason": "unknown_user"})
        raise LoginError("invalid")
    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, user.username, "login.failed", object_type="user",
                     object_id=user.id, details={"reason": "locked"})
        raise LoginError("locked")
    if not user.active or not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        details: dict[str, object] = {"reason": "inactive" if not user.active else "password",
                                      "failures": user.failed_logins}
        locked = user.failed_logins >= review.max_failed_logins
        if locked:
            user.locked_until = now + timedelta(minutes=review.lockout_minutes)
            user.failed_logins = 0
            details["locked_until"] = user.locked_until
        audit.record(session, user.username, "login.failed", object_type="user",
                     object_id=user.id, details=details)
        if locked:
            audit.record(session, user.username, "login.locked", object_type="user",
                         object_id=user.id, details={"minutes": review.lockout_minutes})
            raise LoginError("locked")
        raise LoginError("invalid")
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, user.username, "login.ok", object_type="user", object_id=user.id)
    return user


# ---------------------------------------------------------------- web dependencies


class LoginRequired(Exception):
    """Raised by ``current_user``; the app turns it into a redirect to the login page."""


def get_db(request: Request) -> Iterator[Session]:
    """One session per request. Handlers commit explicitly; anything else is rolled back."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: every state-changing request carries the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(status_code=403, detail="csrf")


def current_user(request: Request, db: Session = Depends(get_db)) -> User:
    uid = request.session.get("uid")
    user = db.get(User, uid) if uid is not None else None
    if user is None or not user.active:
        request.session.clear()
        raise LoginRequired()
    return user


def require_roles(*roles: Role) -> Callable[..., User]:
    """Dependency factory: the signed-in user must hold one of ``roles`` (else 403)."""

    def dep(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=403, detail="role")
        return user

    return dep


def login_session(request: Request, user: User) -> None:
    """Start a fresh session (new CSRF token) for ``user``."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)
