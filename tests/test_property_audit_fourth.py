"""Violations a fourth property audit found, each kept fixed here:

- EKS on Fargate was priced with a 32 vCPU pod, past its 16 vCPU limit, when the copy's vCPU was derived from memory;
- true and false were taken as hourly rates from a YAML document (1 and 0), though JSON refuses them;
- a workload's name could carry control characters to a terminal, a CI log or Markdown;
- the table and Markdown printed a line's 4-decimal amount rounded half to even by binary accident (52.925 as 52.92),
  where every amount of the answer is rounded half up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cli import main
from decider.errors import WorkloadError
from decider.render.decision import to_markdown, to_table


def test_eks_on_fargate_keeps_out_a_pod_whose_derived_vcpu_passes_16(ruleset: Ruleset) -> None:
    # Past 120 GB the copy's derived vCPU is Fargate's 32 (the smallest size that holds it): no EKS Fargate pod
    decision = decide(parse_workload({"runtime": {"memory_mb": 125_000}}), ruleset, advice=False)
    eks = next(entry for entry in decision.ranking if entry.target == "eks")
    assert eks.sizing is not None
    modes = {option.mode: option for option in eks.sizing.modes}
    assert modes["fargate"].excluded_by == ("modes.eks-fargate-pod-size",)
    assert eks.sizing.mode != "fargate"


def test_true_and_false_are_not_hourly_rates() -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"traffic": {"pattern": "steady", "hourly_profile": [True] * 12 + [False] * 12}})
    [problem] = caught.value.problems
    assert problem.location == "traffic.hourly_profile"
    assert "not true/false: hour 0 is true" in problem.message


@pytest.mark.parametrize("name", ["a\x1b[31mRED\x1b[0m", "bell\x07", "tab\there", "c1\x9b2J"])
def test_a_name_with_a_control_character_is_refused_naming_it(name: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"name": name})
    [problem] = caught.value.problems
    assert problem.location == "name"
    assert "must be printable text: a control character (U+00" in problem.message


def test_a_name_with_a_control_character_never_reaches_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text('name: "a\\e[31mRED"\n', encoding="utf-8")
    assert main(["recommend", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "\x1b" not in err
    assert "name: must be printable text" in err


def test_printed_bill_lines_are_rounded_half_up_as_the_totals_are(ruleset: Ruleset) -> None:
    decision = decide(parse_workload({"name": "half"}), ruleset, advice=False)
    entry = decision.ranking[0]
    assert entry.monthly_cost is not None
    line = entry.monthly_cost.lines[0]
    # A line whose amount ends in 5 at the third decimal prints rounded up (built from the shown one, same price)
    half = line.model_copy(update={"usd": 52.925})
    cost = entry.monthly_cost.model_copy(update={"lines": (half,)})
    changed = decision.model_copy(
        update={"ranking": (entry.model_copy(update={"monthly_cost": cost}), *decision.ranking[1:])}
    )
    assert "$     52.93  " in to_table(changed)
    assert "| 52.93 |" in to_markdown(changed)
