"""The page's routes: ``GET /`` (the form; with ``?w=`` a shared workload's answer), ``POST /`` (the form submitted
without JavaScript: the answer or the problems, rendered here), ``POST /page/result`` (the same for the page's
script: the answer as an HTML fragment, or problem+json), ``GET /page/chart.svg`` (the chart without JavaScript) and
``GET /page/static/{name}`` (the page's own CSS and JavaScript; nothing comes from another host).

Deciding follows the API's rules: when the server has API keys, the answer needs one (X-API-Key, or the form's key
field, since a plain form cannot send headers); the empty form never does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, Response

import decider
from api.auth import key_matches
from api.dependencies import holder_of, refuse_content_coding, refuse_other_than_form, ruleset_in_service
from api.page.form import DOCUMENT, KEY_FIELD, decode, form_values, workload_from_form
from api.page.presets import presets
from api.page.view import Errors, field_sections, preset_values, result_context
from api.problems import ApiProblem
from decider.engine import decide
from decider.errors import DeciderError, Problem, quoted, unknown_choice
from decider.render.chart import cost_chart
from decider.render.image import MEDIA_TYPES, render
from decider.workload import parse_workload

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
#: Every file served under /page/static, with its media type; any other name is 404.
ASSETS = {
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "vega-embed.js": "text/javascript; charset=utf-8",
}
ASSET_CACHE_CONTROL = "public, max-age=3600"
#: The page's Content-Security-Policy: scripts, styles, images and fetches only from decider itself (no inline script
#: runs, and no eval: page.js has Vega interpret its expressions, ``ast: true``; the JSON blocks the script reads are
#: data), never framed, forms posted only back here. Vega and Vega-Embed style what they draw inline.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Links the page's footer keeps (the API's own pages), relative to the mount path.
LINKS = (
    ("/docs", "Swagger UI"),
    ("/redoc", "ReDoc"),
    ("/openapi.json", "OpenAPI document"),
    ("/healthz", "health"),
)
MAX_FORM_BYTES = 256 * 1024

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
router = APIRouter(include_in_schema=False)


def _prefix(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _keys_needed(request: Request) -> bool:
    return bool(request.app.state.settings.api_keys)


def _authorised(request: Request, form: dict[str, str]) -> bool:
    accepted: tuple[str, ...] = request.app.state.settings.api_keys
    if not accepted:
        return True
    given = request.headers.get("x-api-key") or form.get(KEY_FIELD, "")
    return bool(given) and key_matches(given, accepted)


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form body (the page's only body: else 415), sent as is (no Content-Encoding: else 415); its
    size is held by the app's body limit as well."""
    refuse_other_than_form(request, "to send a workload as JSON, POST it to /recommend")
    refuse_content_coding(request)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ApiProblem(413, "body-too-large", f"the form is larger than {MAX_FORM_BYTES:,} bytes")
    # Not UTF-8 is a 400, as for an API body: the body itself, or a value once its %-escapes are decoded.
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(f"not UTF-8: {error.reason} at byte {error.start}") from None
    try:
        return dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as error:
        raise _not_utf8(f"not UTF-8 once its %-escapes are decoded: {error.reason}") from None


def _not_utf8(message: str) -> ApiProblem:
    return ApiProblem(400, "malformed-form", "the form is not UTF-8", [Problem("body", message)])


async def _answer(request: Request, raw: Any) -> dict[str, Any]:
    """The result section's context for a workload (raises DeciderError when it is not valid)."""
    ruleset = await ruleset_in_service(await holder_of(request))
    parsed = parse_workload(raw, strict_json=True)
    decision = decide(parsed, ruleset)
    return result_context(decision, raw, parsed.workload.requests_per_month, _prefix(request))


def _page(
    request: Request,
    values: dict[str, str],
    *,
    document: str = "",
    errors: Errors | None = None,
    result: dict[str, Any] | None = None,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    errors = errors or Errors()
    html = templates.get_template("page.html").render(
        version=decider.__version__,
        prefix=_prefix(request),
        links=LINKS,
        sections=field_sections(values, errors),
        document=document,
        errors=errors,
        result=result,
        notice=notice,
        presets=preset_values(presets()),
        keys_needed=_keys_needed(request),
        title=(result["decision"].name if result else None),
    )
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": PAGE_POLICY})


@router.get("/")
async def page(request: Request, w: str | None = None) -> HTMLResponse:
    if w is None or not w.strip():  # ``?w=`` (a form or a hand-edited link leaves it empty): the blank form
        return _page(request, {})
    try:
        raw = decode(w)
    except ValueError as error:
        return _page(request, {}, errors=Errors(general=[str(error)]), status=400)
    values = form_values(raw)
    if not _authorised(request, {}):
        return _page(request, values, notice="This server needs an API key: enter it and submit to see the answer.")
    try:
        result = await _answer(request, raw)
    except DeciderError as error:
        return _page(request, values, errors=Errors.of(error.problems), status=422)
    return _page(request, values, result=result)


@router.post("/")
async def submit(request: Request) -> HTMLResponse:
    form = await _form(request)
    document = form.get(DOCUMENT, "")
    preset = form.get("preset", "")
    if form.get("action") == "preset":
        if preset in presets():
            return _page(request, form_values(presets()[preset]))
        unknown = unknown_choice("preset", preset, presets(), noun="example")
        return _page(request, {}, errors=Errors.of([unknown]), status=422)
    values = {key: value for key, value in form.items() if key not in (DOCUMENT, KEY_FIELD)}
    if not _authorised(request, form):
        errors = Errors(at={KEY_FIELD: ["the API key is missing or does not match"]})
        return _page(request, values, document=document, errors=errors, status=401)
    try:
        raw = workload_from_form(form)
        result = await _answer(request, raw)
    except DeciderError as error:
        return _page(request, values, document=document, errors=Errors.of(error.problems), status=422)
    return _page(request, form_values(raw), document=document, result=result)


@router.post("/page/result")
async def result_fragment(request: Request) -> HTMLResponse:
    """The answer as the page's result section, for the page's script; a bad workload is problem+json (422)."""
    form = await _form(request)
    if not _authorised(request, form):
        raise ApiProblem(401, "unauthorized", "this server requires an API key (X-API-Key or the form's key)")
    raw = workload_from_form(form)
    result = await _answer(request, raw)
    return HTMLResponse(templates.get_template("result.html").render(result=result, prefix=_prefix(request)))


@router.get("/page/chart.svg")
async def chart_svg(request: Request, w: str) -> Response:
    """The chart of a shared workload as SVG (the page shows it when JavaScript is off)."""
    if not _authorised(request, {}):
        raise ApiProblem(401, "unauthorized", "this server requires an X-API-Key header")
    try:
        raw = decode(w)
    except ValueError as error:
        raise ApiProblem(400, "bad-request", str(error), [Problem("w", str(error))]) from None
    ruleset = await ruleset_in_service(await holder_of(request))
    parsed = parse_workload(raw, strict_json=True)
    decision = decide(parsed, ruleset)
    image = await run_in_threadpool(render, cost_chart(decision, parsed.workload.requests_per_month), "svg")
    return Response(image, media_type=MEDIA_TYPES["svg"])


@router.get("/page/static/{name}")
async def asset(name: str) -> FileResponse:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise ApiProblem(
            404, "not-found", f"no page asset named {quoted(name)}; the assets are {', '.join(sorted(ASSETS))}"
        )
    return FileResponse(STATIC / name, media_type=media_type, headers={"cache-control": ASSET_CACHE_CONTROL})
