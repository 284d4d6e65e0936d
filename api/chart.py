"""``POST /recommend/chart``: the workload's cost-vs-traffic chart as SVG or PNG, chosen by the Accept header.

The same workload body as ``POST /recommend``; the chart is decider/render/chart.py's Vega-Lite specification drawn
by vl-convert (decider/render/image.py), off the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.dependencies import holder_of, metrics_of, read_json_body, ruleset_in_service, work_of
from api.problems import ApiProblem, problem_responses
from api.recommend import WORKLOAD_BODY
from decider.engine import decide
from decider.errors import Problem
from decider.render.chart import cost_chart
from decider.render.image import MEDIA_TYPES, ImageFormat, render
from decider.workload import parse_workload

#: Media types the route answers with, by the name the Accept header gives them; a wildcard gets SVG.
ACCEPTED: dict[str, ImageFormat] = {"image/svg+xml": "svg", "image/png": "png", "image/*": "svg", "*/*": "svg"}

router = APIRouter(tags=["recommend"])


def chosen_format(accept: str | None) -> ImageFormat:
    """SVG or PNG from an Accept header (q-values honoured, q=0 refuses); 406 when it accepts neither."""
    if not accept or not accept.strip():
        return "svg"
    offers: list[tuple[float, int, ImageFormat]] = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = ACCEPTED.get(media.lower())
        if kind is not None and quality > 0:
            offers.append((-quality, position, kind))
    if not offers:
        raise ApiProblem(
            406,
            "not-acceptable",
            f"the chart is served as image/svg+xml or image/png; the request accepts neither ({accept})",
            [Problem("Accept", "send Accept: image/svg+xml or Accept: image/png")],
        )
    return min(offers)[2]


@router.post(
    "/recommend/chart",
    operation_id="recommend_chart",
    summary="Draw the cost-vs-traffic chart for one workload",
    responses={
        200: {
            "description": "The chart: each eligible target's monthly bill from 0.1× to 10× the workload's traffic "
            "(log scale), the break-even volumes marked and labelled, the current traffic marked.",
            "content": {
                "image/svg+xml": {"schema": {"type": "string"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **problem_responses(400, 401, 406, 413, 415, 422, 503),
    },
    response_class=Response,
    openapi_extra=WORKLOAD_BODY,
)
async def recommend_chart(request: Request) -> Response:
    """The workload as for /recommend; the chart as `image/svg+xml` or `image/png` by `Accept` (406 for anything
    else). The same figures as the decision's `cost_curve` and `break_even`."""
    kind = chosen_format(request.headers.get("accept"))
    ruleset = await ruleset_in_service(await holder_of(request))
    parsed = parse_workload(await read_json_body(request), strict_json=True)
    decision = await work_of(request).run(decide, parsed, ruleset)  # off the event loop, as for /recommend
    (await metrics_of(request)).count_decision(decision.recommendation)
    image = await run_in_threadpool(render, cost_chart(decision, parsed.workload.requests_per_month), kind)
    return Response(image, media_type=MEDIA_TYPES[kind])
