"""The catalog routes (``/rules``, ``/rules/{rule_id}``, ``/targets``, ``/pricing``, ``/schema/workload``):
the rule set in service, filtered, with 422 and 404 naming the nearest valid choice."""

from __future__ import annotations

import json
from pathlib import Path

from decider.rules.model import CATEGORIES, Ruleset
from decider.workload_schema import workload_schema
from tests.api.conftest import ApiClient, problem_of


def test_rules_lists_every_rule_with_the_ruleset_digest(client: ApiClient, ruleset: Ruleset) -> None:
    body = client.get("/rules").json()
    assert body["ruleset"] == {"version": ruleset.version, "digest": ruleset.digest}
    # every rule from the files, then the criterion computed from the bills, which decisions cite too
    assert [rule["id"] for rule in body["rules"]] == [rule.id for rule in ruleset.rules] + [
        "cost.relative-monthly-cost"
    ]
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


def test_a_query_parameter_a_route_does_not_take_or_given_twice_is_422(client: ApiClient) -> None:
    """A typo would otherwise answer as if nothing were asked (?categroy=limits listed every rule), and a second value
    as if only the last were."""
    body = problem_of(client.get("/rules", params={"categroy": "limits"}), 422)
    assert [(e["location"], e["suggestion"]) for e in body["errors"]] == [("query.categroy", "category")]
    assert "valid here: category, target" in body["errors"][0]["message"]
    twice = problem_of(client.get("/rules?category=limits&category=cost"), 422)
    assert [(e["location"], e["message"]) for e in twice["errors"]] == [
        ("query.category", "given more than once; give it once")
    ]
    for path in ("/pricing", "/targets", "/schema/workload", "/rules/limits.lambda-max-duration"):
        body = problem_of(client.get(path, params={"region": "eu-west-1"}), 422)
        assert body["errors"][0]["location"] == "query.region"
        assert "takes no query parameters" in body["errors"][0]["message"]
    assert client.get("/rules", params={"category": "limits"}).status_code == 200


def test_rules_with_an_over_long_target_is_a_422_problem(client: ApiClient) -> None:
    problem_of(client.get("/rules", params={"target": "x" * 101}), 422)


def test_one_rule_by_id_and_unknown_id_is_404_with_the_nearest(client: ApiClient, ruleset: Ruleset) -> None:
    rule = ruleset.rules[0]
    shown = {key: value for key, value in client.get(f"/rules/{rule.id}").json().items() if value is not None}
    # The file as a client sees it: relative to the rules folder, not the server's absolute path.
    assert shown == json.loads(json.dumps({**rule.to_dict(), "file": Path(rule.file).name}))
    body = problem_of(client.get(f"/rules/{rule.id}x"), 404)
    assert body["errors"][0]["suggestion"] == rule.id


def test_a_rule_limited_to_capacity_modes_shows_them(client: ApiClient) -> None:
    shown = client.get("/rules/team.high-ops-capacity").json()
    assert shown["in_modes"] == {"eks": ["managed-node-group"]}
    assert shown["impacts"] == {"ecs-ec2": 5.0, "eks": 3.0}


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


def test_the_criterion_computed_from_the_bills_is_found_by_its_id(client: ApiClient) -> None:
    """Decisions cite cost.relative-monthly-cost in their reasons: its id is looked up like any rule's."""
    body = client.get("/rules/cost.relative-monthly-cost").json()
    assert (body["id"], body["category"], body["effect"], body["file"]) == (
        "cost.relative-monthly-cost",
        "cost",
        "score",
        "pricing/model.yaml",
    )
    assert "log2((bill + 5) / (cheapest bill + 5))" in body["because"]
    assert body["source"].startswith("https://")
    assert client.get("/rules", params={"category": "limits"}).json()["rules"][-1]["id"] != "cost.relative-monthly-cost"
