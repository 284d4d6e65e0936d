"""Lambda durable functions (tests/fixtures/durable): a DurableConfig (or Terraform's durable_config) bounds the whole
durable execution, up to a year, while Lambda's 15-minute limit applies to each invocation. A workflow whose usage
gives its two-hour length is a durable execution of five-minute invocations, not one invocation Lambda cannot run:
it is not told to move, and the review says why with AWS's page."""

from __future__ import annotations

from pathlib import Path

from decider.review import ReviewedWorkload, review_imported
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload, apply_usage, find_workloads, read_usage
from decider.sources.durable import DURABLE_SOURCES
from tests.conftest import REPO_ROOT

DURABLE = REPO_ROOT / "tests" / "fixtures" / "durable"
USAGE = DURABLE / "usage.yaml"
PER_INVOCATION = "Lambda's 15-minute limit applies to each invocation"


def read(paths: list[Path]) -> dict[str, ImportedWorkload]:
    return {workload.name: workload for workload in find_workloads([str(path) for path in paths]).workloads}


def reviewed(ruleset: Ruleset) -> dict[str, ReviewedWorkload]:
    found = list(read([DURABLE / "template.yaml"]).values())
    apply_usage(found, read_usage(str(USAGE)), str(USAGE))
    return {item.name: item for item in review_imported(found, ruleset).workloads}


def test_a_durable_config_is_read_with_what_its_execution_timeout_bounds() -> None:
    found = read([DURABLE])
    order = found["OrderWorkflow"]
    assert order.durable
    assert order.raw["runtime"]["max_duration_s"] == 300.0  # its Timeout: one invocation's limit
    [note] = [note for note in order.assumptions if "durable function" in note]
    assert "DurableConfig ExecutionTimeout 86400 s" in note
    assert PER_INVOCATION in note
    assert DURABLE_SOURCES[0] in note
    assert not found["PlainWorkflow"].durable
    saga = found["LedgerSaga"]  # ExecutionTimeout: !Ref a parameter with no default
    assert saga.durable
    assert any("DurableConfig ExecutionTimeout not known" in note for note in saga.assumptions)
    fulfilment = found["aws_lambda_function.fulfilment"]  # Terraform's durable_config block
    assert fulfilment.durable
    assert fulfilment.raw["runtime"]["max_duration_s"] == 600.0
    assert any("(execution_timeout 3600 s)" in note and PER_INVOCATION in note for note in fulfilment.assumptions)


def test_a_durable_workflow_longer_than_15_minutes_is_not_told_to_move(ruleset: Ruleset) -> None:
    """The same usage (two hours end to end) moves the plain function off Lambda, which is right: one invocation
    cannot run two hours. The durable one is reviewed per invocation, its Timeout of 300 s."""
    result = reviewed(ruleset)
    plain, order = result["PlainWorkflow"], result["OrderWorkflow"]
    assert plain.verdict == "move"
    assert "limits.lambda-max-duration" in plain.rules
    assert order.verdict != "move"
    assert "lambda" not in {item.target for item in order.decision.excluded}  # the limit holds per invocation
    [note] = [note for note in order.source_assumptions if "gives max_duration_s 7200 s" in note]
    assert "the durable execution's length, run as invocations of at most 300 s each" in note
    assert DURABLE_SOURCES[0] in note
    # what the review reports as read says where the 300 s comes from: the template, not the usage file
    [read_field] = [item for item in order.fields_read if item.field == "runtime.max_duration_s"]
    assert (read_field.value, read_field.file) == (300.0, "tests/fixtures/durable/template.yaml")


def test_a_durable_function_whose_usage_stays_within_an_invocation_keeps_it(ruleset: Ruleset) -> None:
    found = read([DURABLE / "template.yaml"])
    order = found["OrderWorkflow"]
    apply_usage([order], {"OrderWorkflow": {"runtime": {"max_duration_s": 120}}}, "usage.yaml")
    assert order.raw["runtime"]["max_duration_s"] == 120
    assert order.given_in["runtime.max_duration_s"] == "usage.yaml"
    assert not any("gives max_duration_s" in note for note in order.assumptions)
