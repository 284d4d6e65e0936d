"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served entirely by decider: no CDN, no external host.

The JavaScript, CSS and favicon are the files the pinned ``fastapi-offline`` package ships (its ``static/`` folder),
answered from ``/docs/assets/{name}``; the pages themselves are FastAPI's own, pointed at those files. Swagger UI's
online validator badge (a call to an outside host) is off, and ReDoc loads no Google Fonts.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import FileResponse, HTMLResponse

import decider
from api.problems import ApiProblem
from decider.errors import quoted

ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS_URL = "/docs/assets"
#: Every file served under ASSETS_URL, with its media type; any other name is 404 (no directory is ever listed).
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
#: The assets change only with the fastapi-offline pin, which changes decider's version.
ASSET_CACHE_CONTROL = "public, max-age=86400"

router = APIRouter(include_in_schema=False)


def _prefix(request: Request) -> str:
    """The path the server is mounted under behind a proxy (uvicorn --root-path), else empty."""
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    prefix = _prefix(request)
    return get_swagger_ui_html(
        openapi_url=f"{prefix}{request.app.openapi_url}",
        title=f"{request.app.title} {decider.__version__} - Swagger UI",
        swagger_js_url=f"{prefix}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{prefix}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{prefix}{ASSETS_URL}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    prefix = _prefix(request)
    return get_redoc_html(
        openapi_url=f"{prefix}{request.app.openapi_url}",
        title=f"{request.app.title} {decider.__version__} - ReDoc",
        redoc_js_url=f"{prefix}{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{prefix}{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )


@router.get(ASSETS_URL + "/{name}")
async def asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise ApiProblem(
            404, "not-found", f"no docs asset named {quoted(name)}; the assets are {', '.join(sorted(ASSETS))}"
        )
    return FileResponse(ASSETS_DIR / name, media_type=media_type, headers={"cache-control": ASSET_CACHE_CONTROL})
