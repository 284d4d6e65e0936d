"""``POST /recommend/chart``: the workload's cost chart as SVG or PNG by Accept; problems as everywhere else."""

from __future__ import annotations

import pytest

from api.chart import chosen_format
from api.examples import CHECKOUT_API
from api.problems import ApiProblem
from decider.documents import read_file
from tests.api.conftest import KEY, ApiClient, ClientFactory, problem_of
from tests.conftest import EXAMPLES_DIR


def test_svg_by_default_and_when_asked(client: ApiClient) -> None:
    for accept in (None, "image/svg+xml", "*/*", "image/*", "text/html;q=0.9, image/svg+xml"):
        headers = {"accept": accept} if accept else {}
        response = client.post("/recommend/chart", json=CHECKOUT_API, headers=headers)
        assert response.status_code == 200, accept
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.text.startswith("<svg")
        assert response.text.count('class="mark-line role-mark cost_line_marks"') == 5
    # a crossing in the chart's range is marked and labelled (checkout-api's bills cross past 10× its volume)
    response = client.post("/recommend/chart", json=read_file(EXAMPLES_DIR / "queue-consumer.yaml"))
    assert "Amazon ECS on AWS Fargate cheaper above ~1.2M" in response.text


def test_png_when_asked(client: ApiClient) -> None:
    response = client.post("/recommend/chart", json=CHECKOUT_API, headers={"accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("image/png;q=0.9, image/svg+xml;q=0.5", "png"),
        ("image/svg+xml;q=0.2, image/png", "png"),
        ("image/png;q=0, */*", "svg"),
        ("IMAGE/PNG", "png"),
        ("  ", "svg"),
    ],
)
def test_accept_is_read_with_its_quality_values(accept: str, kind: str) -> None:
    assert chosen_format(accept) == kind


def test_an_accept_it_cannot_serve_is_406(client: ApiClient) -> None:
    response = client.post("/recommend/chart", json=CHECKOUT_API, headers={"accept": "text/html"})
    body = problem_of(response, 406)
    assert body["errors"][0]["location"] == "Accept"
    assert "image/svg+xml" in body["detail"]
    assert chosen_format("image/png;q=zero, image/svg+xml") == "svg"
    with pytest.raises(ApiProblem):
        chosen_format("image/png;q=0")


def test_a_bad_workload_is_422_with_its_field(client: ApiClient) -> None:
    response = client.post("/recommend/chart", json={"runtime": {"memroy_mb": 1}})
    body = problem_of(response, 422)
    assert body["errors"][0]["location"] == "runtime.memroy_mb"
    assert body["errors"][0]["suggestion"] == "memory_mb"


def test_a_body_that_is_not_json_is_415(client: ApiClient) -> None:
    problem_of(client.post("/recommend/chart", content=b"name: x", headers={"content-type": "text/yaml"}), 415)


def test_the_chart_needs_the_key_when_keys_are_set(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY,))
    problem_of(client.post("/recommend/chart", json=CHECKOUT_API), 401)
    assert client.post("/recommend/chart", json=CHECKOUT_API, headers={"x-api-key": KEY}).status_code == 200


def test_the_chart_route_is_in_the_openapi_document_with_both_media_types(client: ApiClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/recommend/chart"]["post"]
    assert set(operation["responses"]["200"]["content"]) == {"image/svg+xml", "image/png"}
    assert "406" in operation["responses"]
