"""``POST /admin/reload`` (api/admin.py): only with API keys; swaps in a good rule set, keeps the old on a bad one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.conftest import KEY, NO_EKS, ApiClient, ClientFactory, problem_of


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
