"""The FastAPI application: one read-only warehouse connection, a cursor per request, errors
mapped to clear 4xx answers and never a traceback (``multivector serve`` runs
:func:`create_app` on uvicorn)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from multivector import __version__, warehouse
from multivector.core import paths
from multivector.core.errors import MultivectorError
from multivector.web import api, charts, pages
from multivector.web.cache import ResponseCache

MAX_BODY = 256_000  # bytes: the largest request body (claims and scenario files)
STATIC = Path(__file__).parent / "static"
log = logging.getLogger("multivector.web")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    body = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>multivector: "
            f"error {status}</title><link rel='stylesheet' href='/static/site.css'></head><body>"
            f"<main class='wrap'><h1>Error {status}</h1><p class='error' id='error'>"
            f"{escape(message)}</p><p><a href='/'>Back to the observatory</a></p></main>"
            f"</body></html>")
    return HTMLResponse(body, status_code=status)


@asynccontextmanager
async def _lifespan(app: FastAPI):
    target = paths.warehouse_path()
    app.state.con = warehouse.open_checked(target) if target.is_file() else None
    app.state.warehouse = str(target)
    try:
        yield
    finally:
        if app.state.con is not None:
            app.state.con.close()


def create_app() -> FastAPI:
    """The observatory: pages at ``/``, the API under ``/api/`` (schema ``/api/openapi.json``),
    static files (the Vega bundle, CSS, JS) at ``/static/``; nothing loaded from elsewhere."""
    app = FastAPI(title="multivector observatory", version=__version__,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  lifespan=_lifespan)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return _error(request, 400, "Content-Length is not a number")
            if int(length) > MAX_BODY:
                return _error(request, 413, f"request too large: {int(length):,} bytes (at most "
                                            f"{MAX_BODY:,})")
        elif request.method in ("POST", "PUT") and "chunked" in request.headers.get(
                "transfer-encoding", ""):
            return _error(request, 411, "a Content-Length is required for uploads")
        return await call_next(request)

    @app.exception_handler(MultivectorError)
    async def _mv_error(request: Request, exc: MultivectorError):
        return _error(request, 404 if getattr(exc, "status", 400) == 404 else 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {e.get('msg')}")
        return _error(request, 422, "invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return _error(request, 500, "internal error: the server logged it; the request may "
                                    "be retried with other settings")

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        return PlainTextResponse("ok")

    app.add_middleware(ResponseCache)  # outermost: a repeated GET is answered at once
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(charts.router)
    app.include_router(pages.router)
    return app
