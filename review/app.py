"""FastAPI application factory for the review web app.

Extending it (evidence packets, reports): put an ``APIRouter`` in your module and either
append it to ``review.app.ROUTERS`` before ``create_app`` runs or pass it in
``create_app(extra_routers=[...])``; add a button on the item page with
``ITEM_ACTIONS.append(ItemAction(label="Paket bukti", url="/butir/{id}/bukti"))``. Every
non-GET route is CSRF-checked by the app-wide ``verify_csrf`` dependency, and
``review.auth.require_roles`` / ``current_user`` give you the signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pantau.config import Settings, get_settings
from pantau.db.session import session_factory
from review.auth import LoginRequired, csrf_token, verify_csrf
from review.i18n import translator

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "pantau_sesi"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'self'")


@dataclass(frozen=True)
class ItemAction:
    """A button on the item page; ``url`` may contain ``{id}`` (the review item id)."""

    label: str
    url: str
    method: str = "get"


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    roles: tuple[str, ...] = ()  # empty: everyone signed in


# Extension points (see module docstring).
ROUTERS: list[APIRouter] = []
ITEM_ACTIONS: list[ItemAction] = []
NAV_LINKS: list[NavLink] = []


class SecurityHeaders:
    """Adds CSP and friends to every response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if static:  # vendored files may be cached; pages never are
                    present.add(b"cache-control")
                    headers.append((b"cache-control", b"public, max-age=3600"))
                for name, value in (
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def make_templates(settings: Settings) -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    tz = settings.tz
    env.globals["t"] = translator(settings.review.language)
    env.globals["lang"] = settings.review.language
    env.globals["office_name"] = settings.office_name

    def localtime(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
        if value is None:
            return "—"
        local = value.astimezone(tz)
        return f"{local.strftime(fmt)} {local.strftime('%Z')}".strip()

    env.filters["waktu"] = localtime
    env.filters["tanggal"] = lambda v: localtime(v, "%d-%m-%Y").rsplit(" ", 1)[0] if v else "—"
    return Jinja2Templates(env=env)


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, user: Any = None) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "user": user,
        "csrf": csrf_token(request),
        "nav_links": request.app.state.nav_links,
        "flash": request.session.pop("flash", None),
    }
    ctx.update(context or {})
    return request.app.state.templates.TemplateResponse(request, name, ctx,
                                                        status_code=status_code)


def flash(request: Request, key: str, kind: str = "ok", **params: object) -> None:
    request.session["flash"] = {"key": key, "kind": kind, "params": params}


def _builtin_extensions() -> tuple[list[APIRouter], list[ItemAction], list[NavLink]]:
    """Evidence packets and queue exports (``review/evidence``), mounted in every app."""
    from review.evidence.routes import router as evidence_router

    return ([evidence_router], [ItemAction(label="Paket bukti (ZIP)", url="/butir/{id}/bukti")],
            [NavLink(label="Ekspor antrean", url="/antrean/ekspor.xlsx", roles=("supervisor", "admin"))])


def create_app(settings: Settings | None = None,
               extra_routers: Iterable[APIRouter] = ()) -> FastAPI:
    from review.web import router as core_router

    builtin_routers, builtin_actions, builtin_nav = _builtin_extensions()
    settings = settings or get_settings()
    app = FastAPI(title="pantau — tinjauan", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(verify_csrf)])
    app.state.settings = settings
    app.state.session_factory = session_factory(settings)
    app.state.templates = make_templates(settings)
    app.state.item_actions = [*builtin_actions, *ITEM_ACTIONS]
    app.state.nav_links = [*builtin_nav, *NAV_LINKS]
    app.state.t = translator(settings.review.language)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(SessionMiddleware, secret_key=settings.review.secret_key.get_secret_value(),
                       session_cookie=SESSION_COOKIE, max_age=12 * 3600, same_site="lax",
                       https_only=settings.review.cookie_secure)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (core_router, *builtin_routers, *ROUTERS, *extra_routers):
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        key = {403: "err.forbidden", 404: "err.not_found", 405: "err.method"}.get(
            exc.status_code, "err.generic")
        if exc.detail == "csrf":
            key = "err.csrf"
        return render(request, "error.html", {"message_key": key, "code": exc.status_code},
                      status_code=exc.status_code)

    return app
