"""``GET /``: a small HTML page that says what this server is and links its documentation and health routes.

A placeholder: a web page will replace it. Self-contained (no script, no stylesheet, no external host); the links
are relative to where the server is mounted, so they work behind a proxy too.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

import decider

router = APIRouter(include_in_schema=False)

#: (path, what it is), in the order the page lists them.
LINKS = (
    ("/docs", "Swagger UI: try the API in the browser"),
    ("/redoc", "ReDoc: the API reference"),
    ("/openapi.json", "the OpenAPI document"),
    ("/healthz", "liveness"),
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>decider {version}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }}</style>
</head>
<body>
<h1>decider {version}</h1>
<p>Where should this workload run on AWS: Lambda, ECS (Fargate, Managed Instances, EC2) or EKS?
POST a workload description to <code>/recommend</code> for a ranked, explained, priced answer.</p>
<ul>
{links}
</ul>
</body>
</html>
"""


def render_index(prefix: str = "") -> str:
    """The page, its links under ``prefix`` (the proxy's mount path, or empty)."""
    links = "\n".join(
        f'<li><a href="{escape(prefix + path)}"><code>{escape(path)}</code></a>: {escape(text)}</li>'
        for path, text in LINKS
    )
    return PAGE.format(version=escape(decider.__version__), links=links)


@router.get("/")
async def index(request: Request) -> HTMLResponse:
    root: str = request.scope.get("root_path", "")
    return HTMLResponse(render_index(root.rstrip("/")))
