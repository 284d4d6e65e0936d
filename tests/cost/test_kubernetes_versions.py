"""A new EKS cluster's control plane is billed for the Kubernetes version it runs (``control.kubernetes_version``) on
its price book's date: the extended-support hour once the version has left standard support, the version EKS
upgrades it to once its extended support has ended (https://docs.aws.amazon.com/eks/latest/userguide/
kubernetes-versions.html). Without the field nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.cost.kubernetes import STANDARD, support
from decider.decision import Decision, InstanceSizing, RankedTarget
from decider.errors import WorkloadError
from decider.pricing.cost_model import CostModel

SERVICE: dict[str, Any] = {
    "runtime": {"memory_mb": 2048, "vcpu": 1, "long_running": True},
    "traffic": {"requests_per_month": 50_000_000, "pattern": "steady"},
    "team": {"kubernetes_experience": "expert", "ops_capacity": "high"},
    "control": {"kubernetes_api": True},
}


def _model(ruleset: Ruleset) -> CostModel:
    assert ruleset.cost_model is not None
    return ruleset.cost_model


def _decide(ruleset: Ruleset, version: str | None, **team: Any) -> Decision:
    control = {**SERVICE["control"], **({"kubernetes_version": version} if version is not None else {})}
    raw = {**SERVICE, "control": control, "team": {**SERVICE["team"], **team}}
    return decide(parse_workload(raw), ruleset, advice=False)


def _eks(decision: Decision) -> RankedTarget:
    return next(entry for entry in decision.ranking if entry.target == "eks")


def test_each_stage_of_a_version_on_the_calendar(ruleset: Ruleset) -> None:
    model = _model(ruleset)
    assert support(None, model, "2026-12-06").item == STANDARD
    standard = support("1.35", model, "2026-12-06")  # standard support until 2027-03-27
    assert not standard.extended
    assert standard.ends == "2027-03-27"
    assert "uncertain" in (standard.said or "")  # 1.35's dates are not from AWS's page as read
    extended = support("1.32", model, "2026-12-06")  # standard support ended 2026-03-23
    assert extended.extended
    assert extended.item == "EKS control plane (extended support: Kubernetes 1.32 since 2026-03-23)"
    past = support("1.31", model, "2026-12-06")  # extended support ended 2026-11-26: upgraded to 1.32
    assert past.extended
    assert "upgraded by EKS to 1.32" in past.item
    older = support("1.25", model, "2026-12-06")  # older than the calendar: upgraded as well
    assert older.extended
    assert "upgraded by EKS to 1.32" in older.item
    newer = support("1.40", model, "2026-12-06")
    assert not newer.extended
    assert "newer than the last version" in (newer.said or "")
    # On an earlier date the same versions stand elsewhere: 1.32 was in standard support in 2025, and a version past
    # its extended support then was upgraded to 1.29, itself in standard support until 2025-03-23.
    assert not support("1.32", model, "2025-06-01").extended
    upgraded = support("1.28", model, "2025-01-01")
    assert not upgraded.extended
    assert "upgraded by EKS to 1.29" in upgraded.item


def test_a_cluster_in_extended_support_pays_six_times_the_hour_in_every_eks_mode(ruleset: Ruleset) -> None:
    book = ruleset.pricing["us-east-1"]
    plain, current, old = (_eks(_decide(ruleset, version)) for version in (None, "1.35", "1.32"))
    assert old.monthly_cost is not None
    assert plain.monthly_cost is not None
    assert current.monthly_cost is not None
    line = next(line for line in old.monthly_cost.lines if line.item.startswith("EKS control plane"))
    assert line.unit_price_usd == book.eks.extended_support_control_plane_hour.usd == 0.60
    assert line.usd == pytest.approx(438.0)
    assert isinstance(old.sizing, InstanceSizing)
    assert isinstance(plain.sizing, InstanceSizing)
    assert old.sizing.control_plane == "eks-extended-support"
    assert plain.sizing.control_plane == "eks-standard-support"
    extra = (book.eks.extended_support_control_plane_hour.usd - book.eks.control_plane_hour.usd) * 730
    assert old.monthly_cost.total_usd - plain.monthly_cost.total_usd == pytest.approx(extra, abs=0.011)
    assert current.monthly_cost.total_usd == plain.monthly_cost.total_usd  # in standard support: the same bill
    # Node groups, Auto Mode and EKS on Fargate all run on the cluster's control plane
    priced = {mode.mode: mode.monthly_usd for mode in plain.sizing.modes if mode.monthly_usd is not None}
    assert {"managed-node-group", "auto-mode", "fargate"} <= set(priced)
    for mode in old.sizing.modes:
        if mode.monthly_usd is not None:
            assert mode.monthly_usd - priced[mode.mode] == pytest.approx(extra, abs=0.011), mode.mode


def test_the_answer_warns_of_extended_support_and_of_its_coming(ruleset: Ruleset) -> None:
    old = _decide(ruleset, "1.32")
    warned = [text for text in old.warnings if "Kubernetes 1.32" in text]
    assert len(warned) == 1
    assert "saves it $365.00 a month" in warned[0]
    # us-east-1's book is dated 2026-11-27: 1.34 leaves standard support five days later
    assert ruleset.pricing["us-east-1"].as_of == "2026-11-27"
    soon = [text for text in _decide(ruleset, "1.34").warnings if "Kubernetes 1.34" in text]
    assert len(soon) == 1
    assert "leaves EKS standard support on 2026-12-02, 5 days after" in soon[0]
    assert not [text for text in _decide(ruleset, "1.35").warnings if "Kubernetes" in text]
    [newer] = [text for text in _decide(ruleset, "1.37").warnings if "Kubernetes 1.37" in text]
    assert "newer than the last version decider's EKS calendar lists (1.35)" in newer


def test_a_month_that_crosses_the_end_of_standard_support_is_billed_hour_by_hour(ruleset: Ruleset) -> None:
    """1.34's standard support ends on 2026-12-02, five days after us-east-1's book (2026-11-27): the month from the
    book's date is 120 standard hours and 610 in extended support, $378.00 (audit of round 39's changes, F5)."""
    eks = _eks(_decide(ruleset, "1.34"))
    assert eks.monthly_cost is not None
    lines = [line for line in eks.monthly_cost.lines if line.item.startswith("EKS control plane")]
    assert [(line.quantity, line.unit_price_usd) for line in lines] == [(120.0, 0.10), (610.0, 0.60)]
    assert lines[1].item == "EKS control plane (extended support: Kubernetes 1.34 from 2026-12-02)"
    assert sum(line.usd for line in lines) == pytest.approx(378.0)
    assert isinstance(eks.sizing, InstanceSizing)
    assert eks.sizing.control_plane == "eks-extended-support"
    assert not [text for text in _decide(ruleset, None).warnings if "extended support" in text]


def test_on_an_existing_cluster_the_control_plane_stays_paid(ruleset: Ruleset) -> None:
    eks = _eks(_decide(ruleset, "1.32", current_platform="eks"))
    assert eks.monthly_cost is not None
    line = next(line for line in eks.monthly_cost.lines if line.item.startswith("EKS control plane"))
    assert line.usd == 0.0
    assert "already paid" in line.item


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (1.3, "a number loses a version's last zero (1.30 is 1.3)"),
        (132, "must be a version as text"),
        (True, "must be a version as text"),
        ("1.350", "must be a Kubernetes minor version"),
        ("1.32.1", 'must be a minor version like "1.32"'),
        ("latest", "must be a Kubernetes minor version"),
        ("2.1", "must be a Kubernetes minor version"),
    ],
)
def test_a_version_that_is_not_a_minor_version_is_refused(value: Any, said: str) -> None:
    with pytest.raises(WorkloadError) as raised:
        parse_workload({"control": {"kubernetes_version": value}})
    problems = raised.value.problems
    assert [problem.location for problem in problems] == ["control.kubernetes_version"]
    assert said in problems[0].message


def test_a_leading_v_is_read_as_the_version() -> None:
    parsed = parse_workload({"control": {"kubernetes_version": "v1.33"}})
    assert parsed.workload.control.kubernetes_version == "1.33"


def test_a_calendar_out_of_order_fails_at_load(ruleset: Ruleset) -> None:
    model = _model(ruleset)
    raw = model.model_dump()
    raw["eks_versions"] = list(reversed(raw["eks_versions"]))
    with pytest.raises(ValueError, match="oldest first"):
        CostModel.model_validate(raw)
    raw["eks_versions"] = [{**raw["eks_versions"][-1], "end_of_extended_support": "2020-01-01"}]
    with pytest.raises(ValueError, match="must come before end_of_extended_support"):
        CostModel.model_validate(raw)
