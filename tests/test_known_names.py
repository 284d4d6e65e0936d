"""Names checked as a workload is validated: an instance type's size is one EC2 has (the nearest listed type
suggested), a Region unknown to AWS and to every price book is refused with the workload's other problems, and a
choice given in other words (bursty, k8s, sqs) is told the value it means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decider.engine import decide
from decider.errors import Problem, WorkloadError
from decider.known_names import AWS_REGIONS, edit_distance, shipped_regions, shipped_types
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset
from decider.synonyms import SYNONYMS
from decider.workload import parse_workload

REPO_ROOT = Path(__file__).resolve().parents[1]


def problems_of(raw: Any) -> tuple[Problem, ...]:
    with pytest.raises(WorkloadError) as caught:
        parse_workload(raw)
    return caught.value.problems


def instance_problem(name: str) -> Problem:
    (problem,) = problems_of({"control": {"instance_types": [name]}})
    assert problem.location == "control.instance_types.0"
    return problem


# -- control.instance_types ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "meant"), [("m7g.larg", "m7g.large"), ("m7g.huge", "m7g.large")])
def test_a_type_whose_size_ec2_does_not_have_is_refused_with_the_nearest_listed_type(name: str, meant: str) -> None:
    problem = instance_problem(name)
    size = name.split(".")[1]
    assert problem.message.startswith(f"'{name}' is not an EC2 instance type: '{size}' is not an EC2 size (sizes: ")
    assert "<N>xlarge" in problem.message
    assert "metal-<N>xl" in problem.message
    assert "or the family alone, m7g" in problem.message
    assert problem.suggestion == meant
    assert str(problem).endswith(f"(did you mean '{meant}'?)")


@pytest.mark.parametrize(
    "name",
    [
        "m7g.large", "m7g", "m7g.metal", "m7g.16xlarge", "u-6tb1.metal", "p4d.24xlarge", "c7g.metal-48xl", "t3.nano",
        "u7i-12tb.224xlarge", "m7gd.large", "x2iezn.2xlarge", "m7gd",
    ],
)  # fmt: skip
def test_families_and_types_with_an_ec2_size_are_taken_listed_or_not(name: str) -> None:
    assert parse_workload({"control": {"instance_types": [name]}}).workload.control.instance_types == (name,)


@pytest.mark.parametrize(
    ("name", "meant"), [("M7G.large", "m7g.large"), ("M7G", "m7g"), ("p4d ", "p4d"), ("M5.Large", "m5.large")]
)
def test_a_name_not_written_as_aws_writes_it_is_told_the_name_meant(name: str, meant: str) -> None:
    problem = instance_problem(name)
    assert "not an EC2 instance family or type" in problem.message
    assert problem.suggestion == meant


def test_a_name_far_from_every_listed_type_gets_no_guess() -> None:
    problem = instance_problem("m7g.banana-split")
    assert "'banana-split' is not an EC2 size" in problem.message
    assert problem.suggestion is None


def test_the_nearest_type_is_the_one_fewest_letters_away() -> None:
    assert edit_distance("m7g.larg", "m7g.large") == 1
    assert edit_distance("m7g.huge", "m7g.large") == 3
    assert edit_distance("kitten", "sitting") == 3
    suggested = instance_problem("c7g.2xlarg").suggestion
    assert suggested == "c7g.2xlarge"
    assert suggested in shipped_types()


def test_every_problem_of_a_workload_is_reported_together() -> None:
    problems = problems_of(
        {
            "runtime": {"memory_mb": 0},
            "traffic": {"pattern": "bursty"},
            "control": {"instance_types": ["m7g.larg", "m7g.large", "m7g.huge"]},
            "preferences": {"region": "us-esat-1"},
        }
    )
    assert {problem.location: problem.suggestion for problem in problems} == {
        "runtime.memory_mb": None,
        "traffic.pattern": "spiky",
        "control.instance_types.0": "m7g.large",
        "control.instance_types.2": "m7g.large",
        "preferences.region": "us-east-1",  # one swap from us-esat-1
    }


# -- a listed name one letter away, in the answer ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "meant"), [("p4dd", "p4d"), ("m7gg", "m7g"), ("m7gg.large", "m7g.large")])
def test_a_name_the_book_does_not_price_a_doubled_letter_from_one_it_does_is_asked_after(
    ruleset: Ruleset, name: str, meant: str
) -> None:
    decision = decide(parse_workload({"control": {"instance_types": [name]}}), ruleset, advice=False)
    asked = f"does not price {name} (did you mean {meant!r}?)"
    assert all(asked in (entry.no_price or "") for entry in decision.ranking)
    assert asked in decision.warnings[0]


@pytest.mark.parametrize(
    ("name", "near"), [("c7gn", "c7g"), ("m7gd.large", "m7g.large"), ("x2iezn.2xlarge", "x2iedn.2xlarge")]
)
def test_a_real_variant_the_book_does_not_price_is_named_with_the_nearest_not_taken_for_a_typo(
    ruleset: Ruleset, name: str, near: str
) -> None:
    """c7gn (network-optimised Graviton3), m7gd (local NVMe) and x2iezn are EC2 families of their own, one letter from
    ones the book prices: the nearest is named, and nothing asks whether the user meant it."""
    decision = decide(parse_workload({"control": {"instance_types": [name]}}), ruleset, advice=False)
    assert f"does not price {name} (nearest priced: {near})" in decision.warnings[0]
    assert "did you mean" not in decision.warnings[0]


def test_another_generation_is_not_taken_for_a_typo(ruleset: Ruleset) -> None:
    """c8g is Graviton4, not a slip for c7g: the book's nearest is named, not asked after."""
    decision = decide(parse_workload({"control": {"instance_types": ["c8g"]}}), ruleset, advice=False)
    assert "does not price c8g (nearest priced: c7g)" in decision.warnings[0]
    assert "did you mean" not in decision.warnings[0]


# -- preferences.region ------------------------------------------------------------------------------------------


def test_a_region_aws_does_not_have_is_refused_with_the_other_problems_in_the_words_pricing_uses(
    ruleset: Ruleset,
) -> None:
    problems = problems_of({"preferences": {"region": "us-esat-1"}, "runtime": {"gpu": -1}})
    assert [problem.location for problem in problems] == ["runtime.gpu", "preferences.region"]
    region = problems[1]
    assert region.message == f"no price book for 'us-esat-1'; regions: {', '.join(sorted(ruleset.pricing))}"
    assert region.suggestion in ruleset.pricing


def test_a_region_aws_has_without_a_book_is_refused_when_priced_as_before(ruleset: Ruleset) -> None:
    assert "ap-east-1" in AWS_REGIONS
    assert "ap-east-1" not in shipped_regions()
    parsed = parse_workload({"preferences": {"region": "ap-east-1"}})  # an organisation's book may price it
    with pytest.raises(WorkloadError) as caught:
        decide(parsed, ruleset)
    (problem,) = caught.value.problems
    assert problem.message.startswith("no price book for 'ap-east-1'; regions: ")


def test_every_shipped_book_prices_a_region_aws_has() -> None:
    assert set(shipped_regions()) <= AWS_REGIONS


# -- other words for a choice ------------------------------------------------------------------------------------

SAID = [
    (path, word, meant)
    for path, words in SYNONYMS.items()
    for word, meant in words.items()
    if isinstance(meant, str) or meant.choice is not None
]


@pytest.mark.parametrize(("path", "word", "meant"), SAID)
def test_another_word_for_a_choice_is_told_the_choice(path: str, word: str, meant: Any) -> None:
    section, field = path.split(".")
    value: Any = [word] if path == "traffic.protocols" else word
    (problem,) = problems_of({section: {field: value}})
    assert problem.location.startswith(path)
    assert f"{word!r} is not allowed; choose one of " in problem.message
    assert problem.suggestion == (meant if isinstance(meant, str) else meant.choice)
    parse_workload({section: {field: [problem.suggestion] if path == "traffic.protocols" else problem.suggestion}})


def test_an_api_gateway_is_an_http_api_and_the_rest_api_is_named_too() -> None:
    (problem,) = problems_of({"traffic": {"front_door": "API Gateway"}})
    assert problem.suggestion == "http-api"
    assert "an API Gateway REST API is rest-api" in problem.message


@pytest.mark.parametrize("word", ["nlb", "NLB", "network-load-balancer"])
def test_an_nlb_is_not_taken_for_an_alb(word: str) -> None:
    (problem,) = problems_of({"traffic": {"front_door": word}})
    assert problem.suggestion is None
    assert "an NLB is not an ALB" in problem.message
    assert "traffic.protocols [tcp] or [udp] and leave traffic.front_door out" in problem.message
    # As said: TCP work with no front door given is priced behind a Network Load Balancer
    parse_workload({"traffic": {"protocols": ["tcp"]}})


def test_other_words_in_a_list_written_as_text_are_the_list_meant() -> None:
    (problem,) = problems_of({"traffic": {"protocols": "kafka, https"}})
    assert "a list is written [queue, http] in YAML" in problem.message
    assert problem.suggestion == "queue"


def test_a_misspelling_is_still_matched_by_spelling() -> None:
    (problem,) = problems_of({"traffic": {"pattern": "spikey"}})
    assert problem.suggestion == "spiky"


def test_a_region_only_an_organisations_book_prices_is_taken_before_its_rules_are_loaded(tmp_path: Path) -> None:
    """``decide(parse_workload(raw), load_ruleset([org]))``: the workload is validated before the organisation's book
    is loaded, and a code near no known Region is left to the books it is priced with, not refused as a typo."""
    shipped = (REPO_ROOT / "rules" / "pricing" / "us-east-1.yaml").read_text(encoding="utf-8")
    (tmp_path / "pricing").mkdir()
    (tmp_path / "pricing" / "zz-lab-1.yaml").write_text(
        shipped.replace("region: us-east-1", "region: zz-lab-1", 1), encoding="utf-8"
    )
    parsed = parse_workload({"preferences": {"region": "zz-lab-1"}})
    decision = decide(parsed, load_ruleset([tmp_path]), advice=False)
    assert decision.pricing is not None
    assert decision.pricing.region == "zz-lab-1"
    assert all(entry.monthly_cost is not None for entry in decision.ranking)


def test_a_long_list_of_names_is_refused_by_its_length_and_a_long_name_is_not_searched_for_its_nearest() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"control": {"instance_types": ["m7g.large"] * 201}})
    (problem,) = caught.value.problems
    assert problem.location == "control.instance_types"
    assert problem.message == "must have at most 200 item(s), got 201 items"
    long = "m7g." + "l" * 40
    (problem,) = problems_of({"control": {"instance_types": [long]}})
    assert problem.suggestion is None  # no EC2 name is this long: nothing is a typo of it
    (near,) = problems_of({"control": {"instance_types": ["m7g.lareg"]}})
    assert near.suggestion == "m7g.large"  # two letters swapped: one step away
    assert edit_distance("lareg", "large") == 1


@pytest.mark.parametrize(
    ("region", "meant"), [("US-EAST-1", "us-east-1"), ("eu-west", "eu-west-1"), ("useast1", "us-east-1")]
)
def test_a_region_code_not_written_as_aws_writes_it_is_told_the_code_meant(region: str, meant: str) -> None:
    (problem,) = problems_of({"preferences": {"region": region}})
    assert problem.location == "preferences.region"
    assert problem.suggestion == meant
