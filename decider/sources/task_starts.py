"""What starts an ECS task definition with no rate of its own: an EventBridge rule's event pattern, or a Step Functions
state machine that names the task definition (its ``arn:aws:states:::ecs:runTask`` state).

Each start runs the task as a job (RunTask) that stops when done, as a schedule's does; but an event pattern and a
state machine say nothing of how often, so the runs a month are left to the usage file, and the review says why
rather than that no event source was found. A schedule, which has a rate, is read by decider/sources/ecs.py and
terraform.py. Read from CloudFormation (``AWS::Events::Rule`` with an ``EventPattern``,
``AWS::StepFunctions::StateMachine`` and ``AWS::Serverless::StateMachine``) and Terraform
(``aws_cloudwatch_event_target`` with an ``ecs_target`` under an ``aws_cloudwatch_event_rule`` with an
``event_pattern``, ``aws_sfn_state_machine``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.schedule import NO_RATE
from decider.sources.template import mentions
from decider.sources.terraform_model import Resource

#: A state machine's properties that may name the task definition it runs: its definition inline, as a string, or
#: the substitutions laid into a definition kept elsewhere (``DefinitionUri``, ``DefinitionS3Location``).
_DEFINITION_KEYS = ("Definition", "DefinitionString", "DefinitionSubstitutions")
_STATE_MACHINES = frozenset({"AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"})


@dataclass(frozen=True, slots=True)
class Start:
    """Something that starts the task definition: what it is and its name (``EventBridge rule OnOrder``)."""

    what: str
    name: str

    def describe(self) -> str:
        return f"{self.what} {self.name}"


def template_starts(task_id: str, resources: Mapping[str, Any]) -> list[Start]:
    """The EventBridge rules with an event pattern (and no schedule) whose targets name the task definition, and the
    state machines whose definition names it, among a template's resources, in template order."""
    found: list[Start] = []
    for logical_id, resource in resources.items():
        properties = resource.get("Properties") if isinstance(resource, dict) else None
        if not isinstance(properties, dict):
            continue
        kind = resource.get("Type")
        if kind == "AWS::Events::Rule" and "EventPattern" in properties and "ScheduleExpression" not in properties:
            if mentions(properties.get("Targets"), task_id):
                found.append(Start("EventBridge rule", f"{logical_id} (an event pattern)"))
        elif kind in _STATE_MACHINES and any(mentions(properties.get(key), task_id) for key in _DEFINITION_KEYS):
            found.append(Start("Step Functions state machine", str(logical_id)))
    return found


def terraform_starts(task: Resource, resources: Sequence[Resource]) -> list[Start]:
    """The EventBridge targets whose ``ecs_target`` runs the task definition under a rule with an event pattern (or
    a rule not in these files), and the state machines whose ``definition`` refers to it, in the order given."""
    found: list[Start] = []
    for item in resources:
        if item.type == "aws_cloudwatch_event_target" and item.refers_to("ecs_target", task.owner):
            rule = next(
                (other for other in resources if other.type == "aws_cloudwatch_event_rule" and _rule_of(item, other)),
                None,
            )
            if rule is None:
                found.append(Start("EventBridge target", f"{item.address} (its rule is not in these files)"))
            elif not rule.values.get("schedule_expression"):  # no schedule (or an empty one): an event pattern
                found.append(Start("EventBridge rule", f"{rule.address} (an event pattern)"))
        elif item.type == "aws_sfn_state_machine" and item.refers_to("definition", task.owner):
            found.append(Start("Step Functions state machine", item.address))
    return found


def _rule_of(target: Resource, rule: Resource) -> bool:
    return target.refers_to("rule", rule.owner)


def read_starts(workload: ImportedWorkload, starts: Sequence[Start]) -> None:
    """A task definition that ``starts`` run: a job (RunTask) each start, ``batch`` work whose runs a month are not
    known; a schedule that also starts it keeps its count, and the other starts are said."""
    if not starts:
        return
    names = ", ".join(start.describe() for start in starts)
    if workload.get("traffic.pattern") == "scheduled":
        workload.assume(f"also started by {names}, which gives no rate: those runs are not counted")
        return
    workload.set("traffic.pattern", "batch")
    workload.set("traffic.protocols", ["schedule"])
    workload.assume(
        f"{NO_RATE} started by {names}: each start runs it as a job (RunTask), and nothing says how often; give its "
        "runs a month in the usage file (traffic.requests_per_month)"
    )


def beside_services(workload: ImportedWorkload, services: Sequence[ImportedWorkload]) -> ImportedWorkload | None:
    """A task definition that ``services`` run, read (its schedules and starts) for the tasks those start besides
    them: RunTask starts extra, separate tasks, so they are a workload of their own, ``<task> (scheduled)`` (or
    ``(started)`` for starts with no schedule), and each service is told; None when nothing else starts it."""
    pattern = workload.get("traffic.pattern")
    if pattern is None:
        return None
    task = workload.name
    workload.name = f"{task} ({'scheduled' if pattern == 'scheduled' else 'started'})"
    said, now = f"{workload.kind} {task}: ", f"{workload.kind} {workload.name}: "
    workload.assumptions = [now + note.removeprefix(said) for note in workload.assumptions]
    names = ", ".join(service.name for service in services)
    workload.assume(
        f"the tasks that its schedule or event rules start (RunTask), apart from those {names} keeps running: a "
        "service and a rule that run the same task definition start separate tasks"
    )
    for service in services:
        service.assume(
            f"its task definition {task} is also started by a schedule or event rule (RunTask): those are separate "
            f"tasks, reviewed as {workload.name}, and say nothing of this service's traffic"
        )
    return workload
