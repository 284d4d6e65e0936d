"""The operations routes of api/health.py: ``/healthz``, ``/readyz`` (503 until the rules load) and ``/version``."""

from __future__ import annotations

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


def test_version_names_package_ruleset_and_price_book_dates(client: ApiClient, ruleset: Ruleset) -> None:
    import decider

    body = client.get("/version").json()
    assert body["version"] == decider.__version__
    assert body["ruleset"] == {"version": ruleset.version, "digest": ruleset.digest}
    assert {item["region"] for item in body["pricing"]} == set(ruleset.pricing)
    assert all(item["as_of"] for item in body["pricing"])
