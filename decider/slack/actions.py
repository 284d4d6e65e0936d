"""The buttons under a Slack answer: "what if" changes that decide again, and "Share in channel".

Each what-if button is one change to the workload: the decision's own counterfactuals first (the engine's changes,
as dotted paths and values, laid over the workload with ``decider.advice.apply``), then "traffic ×10" and
"optimise for cost" when they are not already among them. A button carries the whole workload it will decide, as
the command text that describes it (``command_text_of``), so a press needs no memory on the server; and since a
button's value comes back as user input, a press is read with ``read_command``, exactly as if it had been typed.
A workload whose command would not fit in a button's 2,000 characters gets no button, and the answer says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from decider.advice import apply
from decider.cost.breakeven import approx_requests
from decider.decision import Decision
from decider.errors import CommandError, Problem
from decider.numbers import number, show
from decider.slack.grammar import command_text_of, read_command
from decider.slack.keys import BY_PATH, Flag
from decider.workload import ParsedWorkload, Workload

MAX_VALUE_CHARS = 2000  # Slack's limit on a button's value
MAX_LABEL_CHARS = 75  # Slack's limit on a button's text
COUNTERFACTUAL_BUTTONS = 3  # the engine's counterfactuals come most useful first; the rest stay in the text
TRAFFIC_FACTOR = 10
WHAT_IF = "what-if-"  # a what-if button's action_id: this prefix and its place among the buttons
SHARE = "share"


@dataclass(frozen=True)
class Button:
    """One button: what Slack sends back when it is pressed (``action_id`` and ``value``), and its text."""

    action_id: str
    label: str
    value: str
    """The command text of the workload the press decides."""


@dataclass(frozen=True)
class Buttons:
    """The buttons for one answer, and how many were left out because their workload would not fit in a value."""

    buttons: tuple[Button, ...] = ()
    left_out: int = 0


@dataclass(frozen=True)
class Press:
    """A pressed button, read back: the command text to decide, and whether to post the answer in the channel."""

    text: str
    share: bool


def buttons_for(decision: Decision, parsed: ParsedWorkload, *, shared: bool = False) -> Buttons:
    """What-if buttons for a decision's workload, then "Share in channel" unless the answer is already shared."""
    given = parsed.given
    if given is None:
        return Buttons()
    buttons: list[Button] = []
    left_out = 0
    for label, change in _changes(decision, parsed):
        text = _text(apply(given, change))
        if len(text) > MAX_VALUE_CHARS:
            left_out += 1
            continue
        try:
            read_command(text)
        except CommandError:
            continue  # a change past a field's bounds (traffic ×10 at the limit) is no answer to offer
        buttons.append(Button(f"{WHAT_IF}{len(buttons)}", _fit(label), text))
    if not shared:
        text = _text(given)
        if len(text) > MAX_VALUE_CHARS:
            left_out += 1
        else:
            buttons.append(Button(SHARE, "Share in channel", text))
    return Buttons(tuple(buttons), left_out)


def read_press(action_id: str, value: str) -> Press:
    """A pressed button's command text and kind; CommandError for an action or value decider never sent.

    The value is only checked for size and kind here: ``read_command`` then validates it as a new command.
    """
    if action_id != SHARE and not _is_what_if(action_id):
        shown = action_id[:40] + ("…" if len(action_id) > 40 else "")
        raise CommandError(
            [Problem("action_id", f"{shown!r} is not a button decider sends; its buttons are {WHAT_IF}N and {SHARE}")],
            headline="Unknown button",
        )
    if len(value) > MAX_VALUE_CHARS:
        message = f"is {len(value):,} characters long; decider's buttons carry at most {MAX_VALUE_CHARS:,}"
        raise CommandError([Problem("value", message)], headline="Button value refused")
    if not value.strip():
        raise CommandError([Problem("value", "is empty; a button carries the workload it decides")])
    return Press(text=value, share=action_id == SHARE)


def _text(workload: Workload) -> str:
    """The command text that describes a workload as given (what was set, not the defaults)."""
    return command_text_of(workload.model_dump(exclude_unset=True))


def _is_what_if(action_id: str) -> bool:
    place = action_id.removeprefix(WHAT_IF)
    return action_id.startswith(WHAT_IF) and place.isascii() and place.isdigit() and len(place) <= 2


def _changes(decision: Decision, parsed: ParsedWorkload) -> list[tuple[str, dict[str, Any]]]:
    """Each what-if as (label, change), the engine's counterfactuals first, no change twice."""
    workload = parsed.workload
    found: list[tuple[str, dict[str, Any]]] = [
        (label_of(item.change, parsed), dict(item.change)) for item in decision.counterfactuals[:COUNTERFACTUAL_BUTTONS]
    ]
    scaled = {"traffic.requests_per_month": _round(workload.requests_per_month * TRAFFIC_FACTOR)}
    if "traffic.peak_rps" not in dict(parsed.defaults):  # an assumed peak follows the volume; a given one is scaled
        scaled["traffic.peak_rps"] = _round(workload.peak_rps * TRAFFIC_FACTOR)
    found.append((f"traffic ×{TRAFFIC_FACTOR}", scaled))
    if workload.preferences.optimize_for != "cost":
        found.append(("optimise for cost", {"preferences.optimize_for": "cost"}))
    unique: list[tuple[str, dict[str, Any]]] = []
    for label, change in found:
        if all(change != other for _, other in unique):
            unique.append((label, change))
    return unique


def _round(value: float) -> float:
    """Six significant digits: a derived rate (5.707762557077625 requests a second) reads 5.70776 in the command."""
    return float(f"{value:.6g}")


def label_of(change: Mapping[str, Any], parsed: ParsedWorkload) -> str:
    """A change in a few words: ``needs privileged containers``, ``monthly ×10``, ``optimise for cost``."""
    return ", ".join(_phrase(path, value, _current(parsed, path)) for path, value in change.items())


def _phrase(path: str, value: Any, current: Any) -> str:
    entry = BY_PATH.get(path)
    name = entry.name if entry is not None else path
    if path == "preferences.optimize_for":
        return f"optimise for {value}"
    if isinstance(entry, Flag):
        return entry.help if value is True else f"{name}=no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(current, int | float) and not isinstance(current, bool) and current:
            for factor, said in ((10.0, "×10"), (0.1, "÷10")):
                if math.isclose(value / current, factor, rel_tol=1e-6):
                    return f"{name} {said}"
        if path == "traffic.requests_per_month":
            return f"{name}={approx_requests(float(value)).lstrip('~')}"
        return f"{name}={number(float(value))}"
    return f"{name}={show(value)}"


def _current(parsed: ParsedWorkload, path: str) -> Any:
    value: Any = parsed.workload
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def _fit(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"
