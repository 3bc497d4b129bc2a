"""The app factory: REST API under /api, web UI under /, static assets under /static."""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from html import escape
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimscope import __version__
from claimscope.store.base import StoreError
from claimscope.web.security import SECURITY_HEADERS
from claimscope.web.state import AppState

log = logging.getLogger(__name__)

DESCRIPTION = """\
Who claims what about which incident, traced to the words of stored articles.

Reads are open to anyone who can reach the server (it binds to 127.0.0.1 by default).
Writes (ingest, analyze) need the server's token: `Authorization: Bearer <token>`.
Errors are JSON: `{"error": {"status": 404, "message": "..."}}`.

Incident clustering, incident-level dossiers and narratives arrive in a later version;
dossiers are currently built around one incident mention.
"""


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")


def create_app(store_path: str | Path, token: str | None = None, *, write_rate_per_minute: int = 30,
               max_upload_bytes: int = 50 * 1024 * 1024, allow_private_fetch: bool = False,
               allowed_hosts: list[str] | tuple[str, ...] | None = None) -> FastAPI:
    """Build the app over the store at ``store_path``.

    ``token``: write token (default ``$CLAIMSCOPE_TOKEN``; none means writes answer 403).
    ``write_rate_per_minute``: writes allowed per client address per minute (0: no limit).
    ``allow_private_fetch``: let ``/api/ingest/url`` fetch loopback/private addresses (tests only).
    ``allowed_hosts``: Host header values served (default: loopback names only, which stops a
    web page from reading the local API through DNS rebinding); ``["*"]`` accepts any.
    """
    if token is None:
        token = os.environ.get("CLAIMSCOPE_TOKEN") or None
    try:
        state = AppState(store_path, token, write_rate_per_minute=write_rate_per_minute,
                         max_upload_bytes=max_upload_bytes, allow_private_fetch=allow_private_fetch)
    except StoreError as exc:
        raise StoreError(f"cannot serve {store_path}: {exc}") from None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.close()

    # The interactive docs pages load their scripts from a CDN, which neither works offline nor
    # passes our CSP: only the schema itself is served.
    app = FastAPI(title="claimscope", version=__version__, description=DESCRIPTION, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.cs = state

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    from starlette.middleware.trustedhost import TrustedHostMiddleware

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOOPBACK_HOSTS))
    _install_error_handlers(app)
    from claimscope.web import pages
    from claimscope.web.routers import ALL

    for module in ALL:
        app.include_router(module.router)
    app.include_router(pages.router)
    static = resources.files("claimscope.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, message: str, details=None, headers=None):
    if _is_api(request):
        body = {"error": {"status": status, "message": message}}
        if details is not None:
            body["error"]["details"] = details
        return JSONResponse(body, status_code=status, headers=headers)
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{status} · claimscope</title>"
            f"<link rel=stylesheet href=/static/app.css><link rel=icon href=/static/favicon.svg type=image/svg+xml></head><body><main class=error><h1>{status}</h1>"
            f"<p>{escape(message)}</p><p><a href=/>Back to the articles</a></p></main></body></html>")
    return HTMLResponse(page, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}"
        return _error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        summary = "; ".join(f"{d['where']}: {d['problem']}" for d in details[:5])
        return _error(request, 422, f"invalid request: {summary}", details)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, f"internal error while handling {request.method} {request.url.path}: "
                                    f"{type(exc).__name__} (see the server log)")
