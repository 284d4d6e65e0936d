"""The operations routes of api/health.py: ``/healthz``, ``/readyz`` (503 until the rules load) and ``/version``."""

from __future__ import annotations

import pytest

from decider.rules.model import Ruleset
from tests.api.conftest import ApiClient, ClientFactory, problem_of


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


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_answer_head_as_get_without_a_body(client: ApiClient, path: str) -> None:
    get = client.get(path)
    head = client.request("HEAD", path)
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"] == "application/json"
    assert head.headers["content-length"] == str(len(get.content))


def test_head_readyz_is_503_until_the_rules_are_loaded(make_client: ClientFactory) -> None:
    client = make_client(lifespan=False)
    assert client.request("HEAD", "/healthz").status_code == 200
    head = client.request("HEAD", "/readyz")
    assert head.status_code == 503
    assert head.headers["content-type"] == "application/problem+json"
    assert head.headers["content-length"] == str(len(client.get("/readyz").content))


def test_version_names_package_ruleset_and_price_book_dates(client: ApiClient, ruleset: Ruleset) -> None:
    import decider

    body = client.get("/version").json()
    assert body["version"] == decider.__version__
    assert body["ruleset"] == {"version": ruleset.version, "digest": ruleset.digest}
    assert {item["region"] for item in body["pricing"]} == set(ruleset.pricing)
    assert all(item["as_of"] for item in body["pricing"])
