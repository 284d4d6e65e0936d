"""``POST /recommend`` refuses an instance type whose size EC2 does not have, as 422 problem JSON with the nearest
listed type, beside the request's other problems; a family or a type with an EC2 size is recommended on."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, problem_of


@pytest.mark.parametrize(("name", "meant"), [("m7g.larg", "m7g.large"), ("m7g.huge", "m7g.large")])
def test_an_instance_type_with_no_ec2_size_is_422_with_the_nearest(client: ApiClient, name: str, meant: str) -> None:
    workload = {"control": {"instance_types": [name]}, "traffic": {"pattern": "spikey"}}
    body = problem_of(client.post("/recommend", json=workload), 422)
    assert body["type"] == "urn:decider:problem:invalid-workload"
    errors = {error["location"]: error for error in body["errors"]}
    assert set(errors) == {"control.instance_types.0", "traffic.pattern"}  # reported together
    assert errors["control.instance_types.0"]["suggestion"] == meant
    assert f"'{name}' is not an EC2 instance type" in errors["control.instance_types.0"]["message"]
    assert errors["traffic.pattern"]["suggestion"] == "spiky"


def test_a_region_no_book_prices_and_aws_does_not_have_is_422_with_the_other_problems(client: ApiClient) -> None:
    workload = {"control": {"instance_types": ["m7g.larg"]}, "preferences": {"region": "us-esat-1"}}
    body = problem_of(client.post("/recommend", json=workload), 422)
    errors = {error["location"]: error for error in body["errors"]}
    assert set(errors) == {"control.instance_types.0", "preferences.region"}
    assert errors["preferences.region"]["message"].startswith("no price book for 'us-esat-1'; regions: ")
    assert errors["preferences.region"]["suggestion"] == "us-east-1"  # one swap from us-esat-1, not us-west-1


@pytest.mark.parametrize("name", ["m7g.large", "m7g", "m7g.metal", "m7g.16xlarge", "u-6tb1.metal", "p4d.24xlarge"])
def test_an_instance_type_with_an_ec2_size_is_recommended_on(client: ApiClient, name: str) -> None:
    response = client.post("/recommend", json={"control": {"instance_types": [name]}})
    assert response.status_code == 200
    assert response.json()["recommendation"]
