"""The web page (api/page/): the form, the server-rendered answer (no JavaScript needed), problems at their fields,
presets, shared links, escaping, assets served by decider itself, and API keys honoured."""

from __future__ import annotations

import base64
import re
from html import unescape
from pathlib import Path

import httpx
import pytest

import decider
from api.examples import CHECKOUT_API
from api.page.form import FIELDS, applied, decode, encode, form_values, workload_from_form
from api.page.presets import presets
from tests.api.conftest import KEY, ApiClient, ClientFactory, problem_of
from tests.pricing.unpriced import rules_without_windows_licence

HREF = re.compile(r'(?:href|src)="([^"]+)"')
HTML = "text/html; charset=utf-8"


def error_at(html: str, path: str) -> str:
    """The text of the error slot of the field at ``path``."""
    found = re.search(rf'data-path="{re.escape(path)}">.*?<span class="error"[^>]*>(.*?)</span>', html, re.S)
    assert found, path
    return unescape(found.group(1)).strip()


def test_the_page_is_a_form_with_every_section_of_the_workload(client: ApiClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == HTML
    html = response.text
    assert f"decider {decider.__version__}" in html
    for section in ("runtime", "traffic", "control", "team", "preferences"):
        assert f"<legend>{section}</legend>" in html
    for field in FIELDS:
        assert f'name="{field.path}"' in html
        assert f'<label for="{field.id}">' in html
    assert '<span class="unit">(MB)</span>' in html
    assert 'placeholder="512"' in html  # runtime.memory_mb's default
    assert 'name="document"' in html
    assert 'id="result"' in html


def test_the_page_loads_nothing_from_another_host_and_links_the_api(client: ApiClient) -> None:
    html = client.get("/").text
    assert "http://" not in html
    assert "https://" not in html
    links = HREF.findall(html)
    for path in ("/docs", "/redoc", "/openapi.json", "/healthz", "/page/static/page.css"):
        assert path in links
    for link in links:
        if link.startswith("/"):
            assert client.get(link).status_code == 200, link


def test_links_follow_the_proxy_path(make_client: ClientFactory) -> None:
    client = make_client()
    client.http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app, root_path="/tools/decider"), base_url="http://testserver"
    )
    html = client.get("/").text
    links = HREF.findall(html)
    assert "/tools/decider/docs" in links
    assert "/tools/decider/page/static/page.js" in links
    assert 'action="/tools/decider/"' in html
    assert all(link.startswith(("/tools/decider/", "#", "data:")) for link in links), links


def test_every_example_submitted_as_the_form_answers(client: ApiClient) -> None:
    """Each preset's values, as the page fills the form, submitted with and without the script (the office-hours
    example carries an hourly profile)."""
    for name, workload in presets().items():
        values = form_values(workload)
        response = client.post("/page/result", data=values)
        assert response.status_code == 200, (name, response.text[:300])
        expected = client.post("/recommend", json=workload).json()["recommendation"]
        assert f'data-target="{expected}"' in response.text, name
        page = client.post("/", data=values).text
        assert f'data-target="{expected}"' in page, name
        assert not re.search(r'class="error"[^>]*>[^<]', page), name  # no field shows a problem
    assert any("hourly_profile" in workload.get("traffic", {}) for workload in presets().values())


def test_the_examples_are_presets(client: ApiClient) -> None:
    html = client.get("/").text
    assert set(presets()) >= {"checkout-api", "nightly-batch-job", "queue-consumer"}
    for name in presets():
        assert f'<option value="{name}">' in html
    loaded = client.post("/", data={"preset": "checkout-api", "action": "preset"}).text
    assert re.search(r'name="runtime.memory_mb" value="1024"', loaded)
    assert 'id="recommendation"' not in loaded


def test_a_shared_link_renders_the_answer_on_the_server(client: ApiClient) -> None:
    response = client.get("/?w=" + encode(CHECKOUT_API))
    assert response.status_code == 200
    html = response.text
    expected = client.post("/recommend", json=CHECKOUT_API).json()
    assert f'data-target="{expected["recommendation"]}"' in html
    assert "Recommendation: <span" in html
    assert unescape(expected["summary"]) in unescape(html)
    for entry in expected["ranking"]:
        assert f'<tr data-target="{entry["target"]}">' in html
        assert f"${entry['monthly_cost']['total_usd']:,.2f} a month" in html
    assert html.count('<table class="bill">') == len(expected["ranking"])
    assert 'id="cost-chart-spec"' in html
    assert '<noscript><img src="/page/chart.svg?w=' in html
    for text in expected["assumptions"]:
        assert unescape(text) in unescape(html)
    assert 'name="runtime.memory_mb" value="1024"' in html


def test_a_target_without_a_bill_says_why_and_the_warning_is_shown(make_client: ClientFactory, tmp_path: Path) -> None:
    """A server on rules whose sa-east-1 book leaves the Windows EC2 licence out (a team's own rules may)."""
    client = make_client(rules_dirs=(str(rules_without_windows_licence(tmp_path, "sa-east-1")),))
    workload = {
        **CHECKOUT_API,
        "runtime": {**CHECKOUT_API["runtime"], "os": "windows"},
        "preferences": {**CHECKOUT_API.get("preferences", {}), "region": "sa-east-1"},
    }
    html = unescape(client.get("/?w=" + encode(workload)).text)
    expected = client.post("/recommend", json=workload).json()
    unbilled = [entry for entry in expected["ranking"] if entry["monthly_cost"] is None]
    assert unbilled, "that sa-east-1 book has no Windows licence-included EC2 price: the EC2 targets have no bill"
    for entry in unbilled:
        assert f'not priced<div class="configure">{entry["no_price"]}</div>' in html
    assert expected["warnings"], "Fargate is billed there and the EC2 targets are not: the answer warns"
    for warning in expected["warnings"]:
        assert f"<strong>Check:</strong> {warning}" in html


def test_counterfactuals_are_links_that_apply_their_change(client: ApiClient) -> None:
    html = client.get("/?w=" + encode(CHECKOUT_API)).text
    expected = client.post("/recommend", json=CHECKOUT_API).json()["counterfactuals"]
    links = re.findall(r'<a class="button apply" href="/\?w=([^"]+)"', html)
    assert len(links) == len(expected) >= 1
    for link, counterfactual in zip(links, expected, strict=True):
        assert decode(link) == applied(CHECKOUT_API, counterfactual["change"])
        answer = client.get("/?w=" + link).text
        assert f'id="recommendation" data-target="{counterfactual["recommendation"]}"' in answer


def test_exclusions_show_their_limits_and_the_fix(client: ApiClient) -> None:
    workload = presets()["nightly-batch-job"]
    expected = client.post("/recommend", json=workload).json()
    html = unescape(client.get("/?w=" + encode(workload)).text)
    assert expected["excluded"]
    for exclusion in expected["excluded"]:
        assert f'<li data-target="{exclusion["target"]}"><strong>{exclusion["name"]}</strong>' in html
        for cause in exclusion["reasons"]:
            assert cause["message"] in html
            assert f'<a href="{cause["source"]}" rel="noreferrer">{cause["rule"]}</a>' in html
        (fix,) = [text for text in expected["what_would_change"] if text.startswith(exclusion["name"] + " is kept")]
        assert f"<strong>To let it in:</strong> {fix}</p>" in html
        assert html.count(fix) == 1


def test_targets_one_limit_keeps_out_each_show_the_shared_fix(client: ApiClient) -> None:
    """Four targets kept out by the Kubernetes-API limit share one fix sentence; each target's entry shows it, and it
    is not listed again among the other changes."""
    workload = {**CHECKOUT_API, "control": {"kubernetes_api": True}}
    expected = client.post("/recommend", json=workload).json()
    (fix,) = [text for text in expected["what_would_change"] if "kept out by limits.kubernetes-api" in text]
    assert " are kept out by " in fix
    html = unescape(client.get("/?w=" + encode(workload)).text)
    assert len(expected["excluded"]) == 4
    for exclusion in expected["excluded"]:
        entry = html.split(f'<li data-target="{exclusion["target"]}">', 1)[1].split("\n</li>", 1)[0]
        assert f"<strong>To let it in:</strong> {fix}</p>" in entry
    assert html.count(f"<strong>To let it in:</strong> {fix}</p>") == 4
    assert html.count(fix) == 4


def test_the_form_submitted_without_javascript_answers(client: ApiClient) -> None:
    form = form_values(CHECKOUT_API)
    response = client.post("/", data=form)
    assert response.status_code == 200
    assert 'id="recommendation" data-target="lambda"' in response.text


def test_a_pasted_document_is_the_workload(client: ApiClient) -> None:
    document = "name: pasted\nruntime: {memory_mb: 2048}\ntraffic: {pattern: steady}\n"
    response = client.post("/", data={"document": document, "runtime.memory_mb": "1"})
    assert response.status_code == 200
    assert 'name="runtime.memory_mb" value="2048"' in response.text
    assert "for pasted" in response.text


def test_problems_are_shown_at_their_fields(client: ApiClient) -> None:
    response = client.post("/", data={"runtime.memory_mb": "lots", "traffic.pattern": "spikey", "name": "x"})
    assert response.status_code == 422
    html = response.text
    assert "whole number" in error_at(html, "runtime.memory_mb")
    assert "did you mean 'spiky'?" in error_at(html, "traffic.pattern")
    assert 'id="f-runtime-memory_mb" name="runtime.memory_mb" value="lots"' in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#f-runtime-memory_mb">runtime.memory_mb</a>' in html
    assert 'id="recommendation"' not in html


def test_a_bad_document_is_shown_at_the_textarea(client: ApiClient) -> None:
    html = client.post("/", data={"document": "runtime: [1,\n"}).text
    assert "not valid YAML" in error_at(html, "document")
    unknown = client.post("/", data={"document": "runtime: {memroy_mb: 1}"}).text
    assert "runtime.memroy_mb" in unknown
    assert "did you mean &#39;memory_mb&#39;?" in unknown


def test_user_text_is_escaped(client: ApiClient) -> None:
    hostile = '<script>alert("x")</script>'
    for response in (
        client.get("/?w=" + encode({"name": hostile})),
        client.post("/", data={"name": hostile}),
        client.post("/", data={"name": hostile, "runtime.memory_mb": "<b>"}),
    ):
        assert hostile not in response.text
        assert "&lt;script&gt;" in response.text
        assert "<b>" not in response.text


@pytest.mark.parametrize("empty", ["", "%20"])
def test_an_empty_link_is_the_blank_form(client: ApiClient, empty: str) -> None:
    """``?w=`` is what a form or a hand-edited link easily leaves: the blank form, as ``/`` is, not a 400."""
    response = client.get("/?w=" + empty)
    assert response.status_code == 200
    assert response.text == client.get("/").text


def test_a_link_that_cannot_be_read_says_so(client: ApiClient) -> None:
    response = client.get("/?w=é")
    assert response.status_code == 400
    assert "it is not base64url-encoded" in response.text
    assert client.get("/?w=" + "A" * 9000).status_code == 400


def _link(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize(
    ("json_text", "message"),
    [
        (b'{"runtime": {"memory_mb": 1, "memory_mb": 2048}}', "w: not valid JSON: found key 'memory_mb' twice"),
        (b'{"runtime": {"vcpu": 1e400}}', "w.runtime.vcpu: a number out of range: 1e400 is beyond ±1.8e308"),
        (b'{"runtime": {"vcpu": NaN}}', "w.runtime.vcpu: NaN and Infinity are not JSON numbers"),
        (b"[" + b"1" * 5000 + b"]", "w: not valid JSON: an integer has too many digits"),
    ],
)
def test_a_link_is_read_by_the_apis_strict_json_reader(client: ApiClient, json_text: bytes, message: str) -> None:
    """A key given twice is refused (not the last one kept), and a bad number is said as such, not as bad base64."""
    page = client.get("/?w=" + _link(json_text))
    assert page.status_code == 400
    assert message in unescape(page.text)
    chart = problem_of(client.get("/page/chart.svg?w=" + _link(json_text)), 400)
    assert message in chart["detail"]


@pytest.mark.parametrize("path", ["/page/result", "/"])
def test_a_form_name_the_form_does_not_have_is_refused_with_the_nearest(client: ApiClient, path: str) -> None:
    response = client.post(path, data={"runtime.memroy_mb": "4096", "traffic.patern": "steady", "runtme.vcpu": "1"})
    assert response.status_code == 422
    if path == "/":
        assert "did you mean &#39;memory_mb&#39;?" in response.text
        assert 'id="recommendation"' not in response.text
        return
    errors = problem_of(response, 422)["errors"]
    assert [(entry["location"], entry["suggestion"]) for entry in errors] == [
        ("runtime.memroy_mb", "memory_mb"),
        ("traffic.patern", "pattern"),
        ("runtme.vcpu", "runtime.vcpu"),
    ]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "Infinity"])
def test_a_form_number_that_is_not_finite_is_said_so(client: ApiClient, value: str) -> None:
    errors = problem_of(client.post("/page/result", data={"runtime.vcpu": value}), 422)["errors"]
    assert errors == [
        {"location": "runtime.vcpu", "message": f"not a finite number, got '{value}'", "suggestion": None}
    ]
    page = client.post("/", data={"runtime.vcpu": value})
    assert page.status_code == 422
    assert error_at(page.text, "runtime.vcpu") == f"not a finite number, got '{value}'"


@pytest.mark.parametrize("body", [b"name=%ff%fe", b"name=\xff"])
def test_a_form_that_is_not_utf8_is_400_as_for_the_api(client: ApiClient, body: bytes) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    for path in ("/page/result", "/"):
        problem = problem_of(client.post(path, content=body, headers=headers), 400)
        assert problem["errors"][0]["location"] == "body"
        assert problem["errors"][0]["message"].startswith("not UTF-8")


@pytest.mark.parametrize("path", ["/page/result", "/"])
@pytest.mark.parametrize(
    ("content_type", "content"),
    [("application/json", b"{}"), ("text/plain", b"name=x"), (None, b"name=x"), ("multipart/form-data", b"--x--")],
)
def test_a_body_that_is_not_a_urlencoded_form_is_415_pointing_json_at_the_api(
    client: ApiClient, path: str, content_type: str | None, content: bytes
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    problem = problem_of(client.post(path, content=content, headers=headers), 415)
    assert problem["type"] == "urn:decider:problem:unsupported-media-type"
    assert "application/x-www-form-urlencoded" in problem["detail"]
    assert "POST it to /recommend" in problem["detail"]
    [entry] = problem["errors"]
    assert entry["location"] == "Content-Type"
    assert (repr(content_type) if content_type else "no content type") in entry["message"]


def test_an_unknown_example_is_refused_not_decided(client: ApiClient) -> None:
    page = client.post("/", data={"action": "preset", "preset": "checkout-apii"})
    assert page.status_code == 422
    assert "did you mean &#39;checkout-api&#39;?" in page.text
    assert 'id="recommendation"' not in page.text


def test_the_script_gets_a_fragment_or_problem_json(client: ApiClient) -> None:
    response = client.post("/page/result", data=form_values(CHECKOUT_API))
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="answer"')
    assert f'data-share="/?w={encode(CHECKOUT_API)}"' in response.text
    body = problem_of(client.post("/page/result", data={"runtime.memory_mb": "0"}), 422)
    assert body["errors"][0]["location"] == "runtime.memory_mb"


def test_the_chart_without_javascript_is_svg(client: ApiClient) -> None:
    response = client.get("/page/chart.svg?w=" + encode(CHECKOUT_API))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.count("cost_line_marks") == 5
    problem_of(client.get("/page/chart.svg?w=%%"), 400)


def test_assets_are_served_from_an_allow_list(client: ApiClient) -> None:
    for name, media in (("page.css", "text/css"), ("page.js", "text/javascript"), ("vega-embed.js", "text/javascript")):
        response = client.get(f"/page/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
    assert "vegaEmbed" in client.get("/page/static/vega-embed.js").text
    problem_of(client.get("/page/static/..%2Fform.py"), 404)
    problem_of(client.get("/page/static/other.js"), 404)


def test_with_api_keys_the_form_is_open_and_the_answer_needs_a_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY,))
    assert client.get("/").status_code == 200
    assert 'name="api_key"' in client.get("/").text
    shared = client.get("/?w=" + encode(CHECKOUT_API))
    assert "needs an API key" in shared.text
    assert 'id="recommendation"' not in shared.text
    refused = client.post("/", data={"name": "x"})
    assert refused.status_code == 401
    assert "does not match" in error_at(refused.text, "api_key")
    assert client.post("/", data={"name": "x", "api_key": "wrong"}).status_code == 401
    assert 'id="recommendation"' in client.post("/", data={"name": "x", "api_key": KEY}).text
    problem_of(client.post("/page/result", data={"name": "x"}), 401)
    assert client.post("/page/result", data={"name": "x"}, headers={"x-api-key": KEY}).status_code == 200
    problem_of(client.get("/page/chart.svg?w=" + encode({})), 401)


def test_the_page_is_not_an_operation_of_the_api(client: ApiClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(path.startswith("/page") for path in paths)


@pytest.mark.parametrize(
    ("form", "workload"),
    [
        ({"runtime.memory_mb": "2,048", "runtime.vcpu": "0.5"}, {"runtime": {"memory_mb": 2048, "vcpu": 0.5}}),
        (
            {"control.privileged": "true", "team.new_cluster": "false"},
            {"control": {"privileged": True}, "team": {"new_cluster": False}},
        ),
        ({"traffic.protocols": "http, grpc", "name": " n "}, {"traffic": {"protocols": ["http", "grpc"]}, "name": "n"}),
        ({"runtime.memory_mb": "", "traffic.pattern": ""}, {}),
        ({"runtime.memory_mb": "big"}, {"runtime": {"memory_mb": "big"}}),
        # an hourly profile (an array nested in the schema's anyOf/oneOf) is a list of numbers
        (
            {"traffic.hourly_profile": "0, 0.5, 1,2"},
            {"traffic": {"hourly_profile": [0, 0.5, 1, 2]}},
        ),
        ({"traffic.hourly_profile": "1, x"}, {"traffic": {"hourly_profile": [1, "x"]}}),
    ],
)
def test_form_values_read_as_the_workload(form: dict[str, str], workload: dict[str, object]) -> None:
    assert workload_from_form(form) == workload
    assert workload_from_form(form_values(workload)) == workload
