"""The REST API against the app in process (httpx over ASGI): every route, every error status, problem+json."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

from api.app import create_app
from api.examples import CHECKOUT_API
from api.settings import Settings
from decider.documents import read_file
from decider.engine import decide
from decider.errors import RulesError
from decider.rules.model import CATEGORIES, Ruleset
from decider.workload import parse_workload, workload_schema

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "application/problem+json"
KEY = "k-0123456789"


class ApiClient:
    """A synchronous client for an app in process, with its lifespan (rules loading) run like a server would."""

    def __init__(self, app: FastAPI, *, lifespan: bool = True) -> None:
        self.app = app
        self._stack = ExitStack()
        self.portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())
        if lifespan:
            self._stack.enter_context(self.portal.wrap_async_context_manager(app.router.lifespan_context(app)))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(lambda: self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.portal.call(self.http.aclose)
        self._stack.close()


ClientFactory = Callable[..., ApiClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    clients: list[ApiClient] = []

    def build(lifespan: bool = True, **settings: Any) -> ApiClient:
        client = ApiClient(create_app(Settings(**settings)), lifespan=lifespan)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> ApiClient:
    return make_client()


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check the RFC 9457 shape every error shares and return the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:decider:problem:")
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# --- POST /recommend ------------------------------------------------------------------------------------------


def test_recommend_returns_the_engines_decision_byte_for_byte(client: ApiClient, ruleset: Ruleset) -> None:
    response = client.post("/recommend", json=CHECKOUT_API)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = decide(parse_workload(CHECKOUT_API), ruleset).model_dump_json()
    assert response.text == expected


def test_example_in_the_openapi_document_is_the_shipped_example_file() -> None:
    assert read_file(REPO_ROOT / "examples" / "checkout-api.yaml") == CHECKOUT_API


def test_an_empty_workload_gets_defaults_reported_as_assumptions(client: ApiClient) -> None:
    body = client.post("/recommend", json={}).json()
    assert body["recommendation"] in {entry["target"] for entry in body["ranking"]}
    assert any("memory_mb not given" in line for line in body["assumptions"])


def test_unknown_field_is_422_naming_the_field_with_did_you_mean(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"runtime": {"memroy_mb": 1024}}), 422)
    assert body["type"] == "urn:decider:problem:invalid-workload"
    [error] = body["errors"]
    assert error["location"] == "runtime.memroy_mb"
    assert error["suggestion"] == "memory_mb"
    assert "unknown field" in error["message"]


def test_out_of_range_value_is_422_with_the_allowed_range(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"runtime": {"gpu": 99}}), 422)
    [error] = body["errors"]
    assert error["location"] == "runtime.gpu"
    assert "16" in error["message"]
    assert "99" in error["message"]


def test_wrong_enum_value_suggests_the_nearest(client: ApiClient) -> None:
    body = problem_of(client.post("/recommend", json={"traffic": {"pattern": "spikey"}}), 422)
    assert body["errors"][0]["suggestion"] == "spiky"


@pytest.mark.parametrize(
    ("workload", "location"),
    [
        ({"runtime": {"long_running": 0}}, "runtime.long_running"),
        ({"runtime": {"memory_mb": "1024"}}, "runtime.memory_mb"),
        ({"runtime": {"memory_mb": True}}, "runtime.memory_mb"),
        ({"traffic": {"protocols": "http"}}, "traffic.protocols"),
        ({"runtime": 5}, "runtime"),
    ],
)
def test_wrong_json_type_is_422(client: ApiClient, workload: dict[str, Any], location: str) -> None:
    body = problem_of(client.post("/recommend", json=workload), 422)
    assert [error["location"] for error in body["errors"]] == [location]


@pytest.mark.parametrize("body", [None, [], "checkout", 3])
def test_a_body_that_is_not_an_object_is_422(client: ApiClient, body: Any) -> None:
    response = client.post("/recommend", content=json.dumps(body), headers={"content-type": "application/json"})
    problem = problem_of(response, 422)
    assert "must be a JSON object" in problem["errors"][0]["message"]
    batch = client.post("/recommend/batch", json={"workloads": [body]}).json()
    assert "must be a JSON object" in batch["results"][0]["problem"]["errors"][0]["message"]


def test_every_problem_is_listed_at_once(client: ApiClient) -> None:
    workload = {"runtime": {"memroy_mb": 1, "gpu": -1}, "traffic": {"pattern": "x"}}
    body = problem_of(client.post("/recommend", json=workload), 422)
    assert {error["location"] for error in body["errors"]} == {"runtime.memroy_mb", "runtime.gpu", "traffic.pattern"}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"runtime": ', "body:1"),
        (b'{"runtime": {"memory_mb": NaN}}', "body.runtime.memory_mb"),
        (b'{"workloads": [{}, {"runtime": {"vcpu": -Infinity}}]}', "body.workloads[1].runtime.vcpu"),
        (b'{"name": "a", "name": "b"}', "'name' twice"),
        (b"\xff\xfe{}", "body"),
        (b"[" * 100_000 + b"]" * 100_000, "body"),
        (b'{"name": ' + b"9" * 5000 + b"}", "body"),
    ],
)
def test_malformed_json_is_400(client: ApiClient, content: bytes, fragment: str) -> None:
    response = client.post("/recommend", content=content, headers={"content-type": "application/json"})
    body = problem_of(response, 400)
    assert body["type"] == "urn:decider:problem:malformed-json"
    assert fragment in json.dumps(body["errors"])


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_415(client: ApiClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = problem_of(client.post("/recommend", content=b"{}", headers=headers), 415)
    assert "application/json" in body["detail"]


def test_json_with_a_charset_or_a_json_suffix_type_is_accepted(client: ApiClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.decider+json"):
        response = client.post("/recommend", content=b"{}", headers={"content-type": content_type})
        assert response.status_code == 200, content_type


def test_body_over_the_limit_is_413_from_content_length(client: ApiClient) -> None:
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    body = problem_of(client.post("/recommend", content=big, headers={"content-type": "application/json"}), 413)
    assert "1048576" in body["detail"]


def test_body_over_the_limit_is_413_while_streaming_without_content_length(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=1000)

    async def chunks() -> Any:
        for _ in range(10):
            yield b" " * 500

    response = client.post("/recommend", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    problem_of(response, 413)


def test_body_under_a_small_limit_is_served(make_client: ClientFactory) -> None:
    client = make_client(max_body_bytes=2000)
    assert client.post("/recommend", json=CHECKOUT_API).status_code == 200
    problem_of(client.post("/recommend", json={"name": "x" * 3000}), 413)


def test_a_crash_is_a_500_problem_without_internals_logged_with_the_request_id(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_: Any) -> Any:
        raise RuntimeError("secret-internal-state at /srv/app.py")

    monkeypatch.setattr("api.recommend.decide", explode)
    with caplog.at_level(logging.ERROR, logger="decider.api"):
        response = client.post("/recommend", json={}, headers={"x-request-id": "trace-500"})
    body = problem_of(response, 500)
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["request_id"] == "trace-500"
    logged = [record for record in caplog.records if record.name == "decider.api"]
    assert logged
    assert "trace-500" in logged[0].getMessage()
    assert logged[0].exc_info is not None


# --- POST /recommend/batch ------------------------------------------------------------------------------------


def test_batch_answers_each_item_in_order_and_a_bad_item_never_sinks_the_batch(client: ApiClient) -> None:
    workloads = [CHECKOUT_API, {"runtime": {"gpuu": 1}}, 7, {}]
    response = client.post("/recommend/batch", json={"workloads": workloads})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["index"] for item in results] == [0, 1, 2, 3]
    assert results[0]["decision"]["name"] == "checkout-api"
    assert results[3]["decision"]["recommendation"]
    problem = results[1]["problem"]
    assert problem["status"] == 422
    assert problem["instance"] == "/recommend/batch#/workloads/1"
    assert problem["errors"] == [
        {"location": "workloads[1].runtime.gpuu", "message": problem["errors"][0]["message"], "suggestion": "gpu"}
    ]
    assert results[2]["problem"]["errors"][0]["location"] == "workloads[2]"


def test_batch_decisions_equal_single_decisions(client: ApiClient) -> None:
    single = client.post("/recommend", json=CHECKOUT_API).json()
    batch = client.post("/recommend/batch", json={"workloads": [CHECKOUT_API] * 3}).json()
    assert [item["decision"] for item in batch["results"]] == [single] * 3


def test_batch_of_1000_is_served_and_1001_is_422(client: ApiClient) -> None:
    ok = client.post("/recommend/batch", json={"workloads": [{}] * 1000})
    assert ok.status_code == 200
    assert len(ok.json()["results"]) == 1000
    body = problem_of(client.post("/recommend/batch", json={"workloads": [{}] * 1001}), 422)
    assert "at most 1000" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("payload", "location", "suggestion"),
    [
        ({"workload": []}, "workload", "workloads"),
        ({}, "workloads", None),
        ({"workloads": {}}, "workloads", None),
        ([], "", None),
    ],
)
def test_a_malformed_batch_is_422(client: ApiClient, payload: Any, location: str, suggestion: str | None) -> None:
    body = problem_of(client.post("/recommend/batch", json=payload), 422)
    assert body["errors"][0]["location"] == location
    assert body["errors"][0]["suggestion"] == suggestion


# --- catalog --------------------------------------------------------------------------------------------------


def test_rules_lists_every_rule_with_the_ruleset_digest(client: ApiClient, ruleset: Ruleset) -> None:
    body = client.get("/rules").json()
    assert body["ruleset"] == {"version": ruleset.version, "digest": ruleset.digest}
    assert [rule["id"] for rule in body["rules"]] == [rule.id for rule in ruleset.rules]
    assert all(rule["source"].startswith("http") for rule in body["rules"])


def test_rules_filter_by_category_and_target(client: ApiClient, ruleset: Ruleset) -> None:
    body = client.get("/rules", params={"category": "limits", "target": "lambda"}).json()
    expected = [rule.id for rule in ruleset.rules if rule.category == "limits" and "lambda" in rule.targets]
    assert expected
    assert [rule["id"] for rule in body["rules"]] == expected


def test_rules_with_unknown_category_and_target_is_422_with_suggestions(client: ApiClient) -> None:
    body = problem_of(client.get("/rules", params={"category": "limts", "target": "lamda"}), 422)
    assert {(e["location"], e["suggestion"]) for e in body["errors"]} == {
        ("query.category", "limits"),
        ("query.target", "lambda"),
    }
    assert all(category in body["errors"][0]["message"] for category in CATEGORIES)


def test_rules_with_an_over_long_target_is_a_422_problem(client: ApiClient) -> None:
    problem_of(client.get("/rules", params={"target": "x" * 101}), 422)


def test_one_rule_by_id_and_unknown_id_is_404_with_the_nearest(client: ApiClient, ruleset: Ruleset) -> None:
    rule = ruleset.rules[0]
    shown = {key: value for key, value in client.get(f"/rules/{rule.id}").json().items() if value is not None}
    assert shown == json.loads(json.dumps(rule.to_dict()))
    body = problem_of(client.get(f"/rules/{rule.id}x"), 404)
    assert body["errors"][0]["suggestion"] == rule.id


def test_targets_are_the_rule_sets_targets_simplest_first(client: ApiClient, ruleset: Ruleset) -> None:
    targets = client.get("/targets").json()["targets"]
    assert [target["id"] for target in targets] == list(ruleset.target_ids)
    assert targets[0]["id"] == "lambda"


def test_pricing_lists_every_price_book_with_its_date(client: ApiClient, ruleset: Ruleset) -> None:
    regions = client.get("/pricing").json()["regions"]
    assert ruleset.pricing
    assert sorted(regions) == sorted(ruleset.pricing)
    for region, book in regions.items():
        assert book["region"] == region
        assert book["as_of"] == ruleset.pricing[region].as_of
        # The YAML's names, not Python's: the Lambda prices are under "lambda".
        assert book["lambda"]["request"]["source"].startswith("https://")


def test_workload_schema_is_the_cli_schema(client: ApiClient) -> None:
    assert client.get("/schema/workload").json() == workload_schema()


# --- operations -----------------------------------------------------------------------------------------------


def test_healthz_and_readyz(client: ApiClient, ruleset: Ruleset) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["rules"] == len(ruleset.rules)
    assert ready["ruleset"]["digest"] == ruleset.digest


def test_readyz_is_503_until_the_rules_are_loaded(make_client: ClientFactory) -> None:
    client = make_client(lifespan=False)
    assert client.get("/healthz").status_code == 200
    problem_of(client.get("/readyz"), 503)
    problem_of(client.post("/recommend", json={}), 503)


def test_version_names_package_ruleset_and_price_book_dates(client: ApiClient, ruleset: Ruleset) -> None:
    import decider

    body = client.get("/version").json()
    assert body["version"] == decider.__version__
    assert body["ruleset"] == {"version": ruleset.version, "digest": ruleset.digest}
    assert {item["region"] for item in body["pricing"]} == set(ruleset.pricing)
    assert all(item["as_of"] for item in body["pricing"])


def test_request_id_is_echoed_when_sane_and_replaced_when_not(client: ApiClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123.x:y"}).headers["x-request-id"] == "abc-123.x:y"
    for bad in ("has space", "x" * 200, "line\tbreak"):
        echoed = client.get("/healthz", headers={"x-request-id": bad}).headers["x-request-id"]
        assert echoed != bad
        assert len(echoed) == 32
    generated = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(generated) == 3


def test_one_json_access_log_line_per_request(client: ApiClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="decider.access"):
        client.get("/rules/nope", headers={"x-request-id": "log-me"})
    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "decider.access"]
    [line] = lines
    assert line["method"] == "GET"
    assert line["path"] == "/rules/nope"
    assert line["route"] == "/rules/{rule_id}"
    assert line["status"] == 404
    assert line["request_id"] == "log-me"
    assert line["duration_ms"] >= 0


def test_metrics_count_requests_by_route_template_and_decisions_by_target(client: ApiClient) -> None:
    recommendation = client.post("/recommend", json=CHECKOUT_API).json()["recommendation"]
    client.get("/rules/a.b")
    client.get("/rules/c.d")
    text = client.get("/metrics").text
    assert 'decider_http_requests_total{method="GET",route="/rules/{rule_id}",status="404"} 2.0' in text
    assert 'decider_http_requests_total{method="POST",route="/recommend",status="200"} 1.0' in text
    assert 'decider_http_request_duration_seconds_count{method="POST",route="/recommend"} 1.0' in text
    assert f'decider_decisions_total{{recommendation="{recommendation}"}} 1.0' in text


def test_each_app_has_its_own_metrics(make_client: ClientFactory) -> None:
    first, second = make_client(), make_client()
    first.get("/healthz")
    assert 'route="/healthz"' in first.get("/metrics").text
    assert 'route="/healthz"' not in second.get("/metrics").text


# --- 404, 405, 401 --------------------------------------------------------------------------------------------


def test_unknown_route_is_404_with_the_nearest_route(client: ApiClient) -> None:
    body = problem_of(client.get("/rulez"), 404)
    assert body["errors"][0]["suggestion"] == "/rules"


def test_wrong_method_is_405_with_allow(client: ApiClient) -> None:
    response = client.request("DELETE", "/recommend")
    problem_of(response, 405)
    assert response.headers["allow"] == "POST"


def test_api_keys_guard_every_route_but_health(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY, "second-key"))
    for method, path in [("POST", "/recommend"), ("GET", "/rules"), ("GET", "/version"), ("GET", "/metrics")]:
        body = problem_of(client.request(method, path, json={}), 401)
        assert "X-API-Key" in body["detail"]
        problem_of(client.request(method, path, json={}, headers={"x-api-key": KEY + "x"}), 401)
    assert client.post("/recommend", json={}, headers={"x-api-key": KEY}).status_code == 200
    assert client.get("/rules", headers={"x-api-key": "second-key"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECIDER_RULES_DIRS", "/a:/b, /c")
    monkeypatch.setenv("DECIDER_API_KEYS", " one, two ,")
    monkeypatch.setenv("DECIDER_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("DECIDER_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.rules_dirs == ("/a", "/b", "/c")
    assert settings.api_keys == ("one", "two")
    assert settings.max_body_bytes == 2048
    assert settings.log_level == "warning"


# --- reload ---------------------------------------------------------------------------------------------------


@pytest.fixture
def org_rules(tmp_path: Path) -> Path:
    directory = tmp_path / "org"
    directory.mkdir()
    return directory


NO_EKS = [
    {
        "id": "org.no-eks",
        "category": "control",
        "effect": "exclude",
        "target": "eks",
        "when": {"field": "team.kubernetes_experience", "ne": "expert"},
        "because": "Platform policy: no EKS without Kubernetes experts.",
        "source": "https://wiki.example.com/platform/compute-policy",
    }
]


def test_admin_reload_is_404_without_api_keys(client: ApiClient) -> None:
    problem_of(client.post("/admin/reload"), 404)


def test_admin_reload_swaps_rules_and_rejects_a_bad_set_keeping_the_old(
    make_client: ClientFactory, org_rules: Path
) -> None:
    client = make_client(api_keys=(KEY,), rules_dirs=(str(org_rules),))
    headers = {"x-api-key": KEY}
    problem_of(client.post("/admin/reload"), 401)
    before = client.get("/version", headers=headers).json()["ruleset"]

    (org_rules / "policy.yaml").write_text(json.dumps(NO_EKS))
    reloaded = client.post("/admin/reload", headers=headers).json()
    assert reloaded["changed"] is True
    assert reloaded["previous"] == before
    assert client.get("/rules/org.no-eks", headers=headers).status_code == 200
    decision = client.post("/recommend", json={}, headers=headers).json()
    assert "org.no-eks" in json.dumps(decision["excluded"])

    broken = [{**NO_EKS[0], "id": "org.typo", "target": "ekss"}]
    (org_rules / "broken.yaml").write_text(json.dumps(broken))
    body = problem_of(client.post("/admin/reload", headers=headers), 422)
    assert body["type"] == "urn:decider:problem:rules-rejected"
    assert any(error["suggestion"] == "eks" for error in body["errors"])
    assert client.get("/version", headers=headers).json()["ruleset"] == reloaded["ruleset"]
    assert client.post("/recommend", json={}, headers=headers).status_code == 200
    assert 'decider_rules_reloads_total{outcome="rejected"} 1.0' in client.get("/metrics", headers=headers).text


def test_a_bad_rule_file_stops_start_up_listing_every_problem(org_rules: Path) -> None:
    broken = [{**NO_EKS[0], "target": "ekss"}, {"id": "org.b"}]
    (org_rules / "broken.yaml").write_text(json.dumps(broken))
    app = create_app(Settings(rules_dirs=(str(org_rules),)))
    with (
        start_blocking_portal() as portal,
        pytest.raises(RulesError) as caught,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        pass
    assert len(caught.value.problems) >= 2
    assert "ekss" in str(caught.value)
    assert "org.b" in str(caught.value)
    assert not app.state.rules.ready


def test_an_integral_float_counts_as_an_integer_as_in_json_schema(client: ApiClient) -> None:
    assert client.post("/recommend", json={"runtime": {"gpu": 1.0, "memory_mb": 2048.0}}).status_code == 200
    problem_of(client.post("/recommend", json={"runtime": {"gpu": 1.5}}), 422)


def test_the_json_example_for_curl_is_the_yaml_example() -> None:
    examples = REPO_ROOT / "examples"
    assert json.loads((examples / "checkout-api.json").read_text()) == read_file(examples / "checkout-api.yaml")


def test_the_benchmark_floor_route_exists_only_in_bench_mode_and_answers_the_same_bytes(
    make_client: ClientFactory,
) -> None:
    assert make_client().post("/bench/fixed-decision", json=CHECKOUT_API).status_code == 404
    bench = make_client(bench_routes=True)
    floor = bench.post("/bench/fixed-decision", json=CHECKOUT_API)
    assert floor.status_code == 200
    assert floor.content == bench.post("/recommend", json=CHECKOUT_API).content
    assert "/bench/fixed-decision" not in bench.app.openapi()["paths"]


def test_a_content_length_that_is_not_a_number_is_400(client: ApiClient) -> None:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/recommend",
        "raw_path": b"/recommend",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"twelve")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    client.portal.call(client.app, scope, receive, send)
    assert messages[0]["status"] == 400
    body = json.loads(messages[1]["body"])
    assert body["detail"] == "Content-Length is not a number"
    assert (b"x-request-id", body["request_id"].encode()) in messages[0]["headers"]


def test_a_region_without_a_price_book_is_422_naming_the_priced_regions(client: ApiClient, ruleset: Ruleset) -> None:
    body = problem_of(client.post("/recommend", json={"preferences": {"region": "xx-nowhere-9"}}), 422)
    [error] = body["errors"]
    assert error["location"] == "preferences.region"
    assert "xx-nowhere-9" in error["message"]
    assert all(region in error["message"] for region in ruleset.pricing)


def test_a_bad_setting_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings
    from decider.errors import SettingsError

    monkeypatch.setenv("DECIDER_MAX_BODY_BYTES", "lots")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as caught:
            get_settings()
    finally:
        get_settings.cache_clear()
    [problem] = caught.value.problems
    assert problem.location == "DECIDER_MAX_BODY_BYTES"
    assert "'lots'" in problem.message


def test_unusual_methods_share_one_metric_label(client: ApiClient) -> None:
    for method in ("BREW", "WHEN"):
        assert client.request(method, "/recommend").status_code == 405
    text = client.get("/metrics").text
    assert 'method="OTHER",route="/recommend",status="405"} 2.0' in text
    assert "BREW" not in text
