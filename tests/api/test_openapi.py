"""The committed OpenAPI document and workload schema are exactly what the code generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.openapi import OPENAPI_PATH, REGENERATE_COMMAND, WORKLOAD_SCHEMA_PATH
from decider.cli import main
from decider.cli.serve import documents
from tests.api.conftest import ApiClient

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", [OPENAPI_PATH, WORKLOAD_SCHEMA_PATH], ids=str)
def test_committed_document_matches_the_code(path: Path) -> None:
    generated = documents()[path]
    committed = (REPO_ROOT / path).read_text()
    if committed != generated:
        pytest.fail(f"{path} is out of date with the code; regenerate it with: {REGENERATE_COMMAND}", pytrace=False)


def test_openapi_check_command_reports_drift_with_the_regeneration_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("decider.cli.serve.stale_documents", lambda root: [OPENAPI_PATH])
    assert main(["openapi", "--check"]) == 1
    assert REGENERATE_COMMAND in capsys.readouterr().err


def test_operation_ids_are_stable_and_unique() -> None:
    document = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())
    ids = {
        (method.upper(), path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert len(set(ids.values())) == len(ids)
    expected = {
        ("POST", "/recommend"): "recommend",
        ("POST", "/recommend/batch"): "recommend_batch",
        ("GET", "/rules"): "list_rules",
        ("GET", "/rules/{rule_id}"): "get_rule",
        ("GET", "/targets"): "list_targets",
        ("GET", "/pricing"): "list_pricing",
        ("GET", "/schema/workload"): "get_workload_schema",
        ("GET", "/healthz"): "healthz",
        ("GET", "/readyz"): "readyz",
        ("GET", "/version"): "version",
        ("POST", "/admin/reload"): "reload_rules",
        ("GET", "/metrics"): "metrics",
    }
    assert {key: ids.get(key) for key in expected} == expected


def test_every_error_response_is_problem_json() -> None:
    document = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)


def test_metrics_are_documented_as_prometheus_text_behind_the_api_key(client: ApiClient) -> None:
    operation = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())["paths"]["/metrics"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/plain"]
    assert "401" in operation["responses"]
    assert operation["security"] == [{"ApiKey": []}, {}]
    served = client.get("/metrics")
    assert served.headers["content-type"].split(";")[0] == "text/plain"


def test_the_probes_are_documented_by_their_get_alone() -> None:
    """HEAD /healthz and HEAD /readyz are answered (tests/api/test_health.py) but are no operations of their own."""
    document = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())
    assert {path: list(document["paths"][path]) for path in ("/healthz", "/readyz")} == {
        "/healthz": ["get"],
        "/readyz": ["get"],
    }
    assert not [path for path, item in document["paths"].items() if "head" in item]


def test_problem_entries_declare_the_optional_line_and_column_of_malformed_json() -> None:
    entry = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())["components"]["schemas"]["ProblemEntry"]
    assert {"location", "message", "suggestion", "line", "column"} == set(entry["properties"])
    assert entry["required"] == ["location", "message"]
    for name in ("line", "column"):
        assert {"type": "integer", "minimum": 1} in entry["properties"][name]["anyOf"]


def test_request_bodies_declare_their_schema_and_carry_the_shipped_example() -> None:
    document = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())
    body = document["paths"]["/recommend"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Workload"}
    assert body["examples"]["checkout-api"]["value"]["name"] == "checkout-api"
    schemas = document["components"]["schemas"]
    assert schemas["Workload"]["additionalProperties"] is False
    batch = document["paths"]["/recommend/batch"]["post"]["requestBody"]["content"]["application/json"]
    assert batch["schema"] == {"$ref": "#/components/schemas/BatchRequest"}
    assert schemas["BatchRequest"]["properties"]["workloads"]["maxItems"] == 1000


def test_every_error_status_the_routes_raise_is_declared() -> None:
    document = json.loads((REPO_ROOT / OPENAPI_PATH).read_text())
    recommend = set(document["paths"]["/recommend"]["post"]["responses"])
    assert {"200", "400", "401", "413", "415", "422", "503"} <= recommend
    assert "404" in document["paths"]["/rules/{rule_id}"]["get"]["responses"]
    assert "404" in document["paths"]["/admin/reload"]["post"]["responses"]


def test_write_documents_writes_only_what_changed(tmp_path: Path) -> None:
    from decider.cli.serve import stale_documents, write_documents

    assert sorted(stale_documents(tmp_path)) == sorted([OPENAPI_PATH, WORKLOAD_SCHEMA_PATH])
    assert sorted(write_documents(tmp_path)) == sorted([OPENAPI_PATH, WORKLOAD_SCHEMA_PATH])
    assert stale_documents(tmp_path) == []
    assert write_documents(tmp_path) == []
    assert json.loads((tmp_path / OPENAPI_PATH).read_text())["info"]["title"] == "decider"
