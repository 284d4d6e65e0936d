"""Invariants a sixth property audit checked, kept here where it found them broken:

- two instance types whose months cost the same (a family priced pro rata by vCPU, in a region whose book has no
  EBS price to break the tie: eu-west-3's with its network prices taken out, as it shipped before they were sourced)
  are chosen by the stated tie rule, the lower list price and then the name, whatever
  order the bill's products were summed in; so the same compute gets the same nodes on ECS Managed Instances and on
  ECS on EC2, and a flat hourly profile the nodes of no profile.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from decider import Decision, Ruleset, decide, parse_workload
from decider.decision import InstanceSizing

#: 2 billion requests of 4 vCPU copies in eu-west-3: c6i.xlarge ($0.202 an hour) and c6i.12xlarge ($2.424, twelve
#: times it) bill the same month to the cent.
TIE: dict[str, Any] = {
    "runtime": {"memory_mb": 146, "vcpu": 4, "architecture": "x86_64"},
    "traffic": {"pattern": "steady", "requests_per_month": 2_000_000_000},
    "preferences": {"region": "eu-west-3"},
}


def no_ebs(ruleset: Ruleset) -> Ruleset:
    """The rule set with eu-west-3's book missing its network prices (EBS among them), as when the tie was found."""
    book = ruleset.pricing["eu-west-3"]
    bare = book.model_copy(update={"network": None, "missing": {**book.missing, "network": "not sourced"}})
    return dataclasses.replace(ruleset, pricing={**ruleset.pricing, "eu-west-3": bare})


def nodes(decision: Decision) -> dict[str, tuple[str, int, int]]:
    found = {}
    for entry in decision.ranking:
        if isinstance(entry.sizing, InstanceSizing):
            found[entry.target] = (
                entry.sizing.instance_type,
                entry.sizing.copies_per_instance,
                entry.sizing.max_instances,
            )
    return found


def test_equal_months_are_split_by_list_price_then_name(ruleset: Ruleset) -> None:
    chosen = nodes(decide(parse_workload(TIE), no_ebs(ruleset), advice=False))
    assert chosen["ecs-managed-instances"][0] == "c6i.xlarge"
    assert chosen["ecs-ec2"][0] == "c6i.xlarge"
    # with eu-west-3's gp3 price the root volumes break the tie: fewer, larger nodes bill less, on both targets alike
    priced = nodes(decide(parse_workload(TIE), ruleset, advice=False))
    assert priced["ecs-managed-instances"][0] == priced["ecs-ec2"][0] != "c6i.xlarge"


def test_a_flat_hourly_profile_sizes_the_nodes_of_no_profile(ruleset: Ruleset) -> None:
    flat = {**TIE, "traffic": {**TIE["traffic"], "hourly_profile": [1] * 24}}
    without = nodes(decide(parse_workload(TIE), ruleset, advice=False))
    assert nodes(decide(parse_workload(flat), ruleset, advice=False)) == without
