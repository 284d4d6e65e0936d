"""How fast the engine decides, against validating the same workloads and against a rules engine, in the same run.

Over every scenario workload (``tests/scenarios/*.yaml``, key ``workload``; ``examples/*.yaml`` when there are none)
it prints two tables.

1. Single calls. It times: loading and compiling the rule set, ``parse_workload`` alone, ``decide`` alone, and parts
   and variants of ``decide``. Each figure is the median of single calls (``time.perf_counter_ns``) after warm-up
   rounds, every workload once per round. Rows with a baseline print their ratio to it (aim: ``decide`` within 5×
   of ``parse_workload``).

2. Per decision, against anchors. Every row is one pass over the same workloads; a round runs every row once
   (rows interleaved, their order reversed every other round, so drift on a shared machine hits all of them alike),
   after warm-up passes. A sample is the pass's wall time ÷ the number of workloads; each row's figure is the median
   of its samples, and a ratio is a ratio of two such medians. Rows:

   - bare Pydantic validation: ``Workload.model_validate(raw)`` of the raw mapping (no defaults, no assumptions);
   - ``decide()`` with the shipped rules and price books (bills, cost score and break-even search);
   - ``decide()`` with the same rules and no price books (rules, ranking and explanation only);
   - GoRules zen-engine (the ``bench`` extra): ``ZenEngine.evaluate_batch`` of a 48-row JDM decision table
     (hit policy ``collect``; 18 input columns on the same fields decider's rules read — runtime.max_duration_s,
     memory_mb, traffic.pattern, derived.duty_cycle, team.* …; outputs rule, effect, target, points; the rows copy
     48 (rule, target) pairs of the shipped rules, exclusions as effect ``exclude``). Its input is each parsed
     workload as a dict (``model_dump(mode="json")``) plus ``derived`` (decider's derived facts), built once before
     timing; decide() gets the parsed workload, which it derives facts from inside the timing. The table is served
     by a static loader (no Python callback per request); ``evaluate`` per workload is printed for context, with the
     CPU time per wall time of each row (above 1 would mean the call used more than one core).

Rounds stop early at a time budget (``--row-budget``: 3 s per single-call row, after 3 rounds; ``--budget``: 25 s for
the per-decision table, after 5), so a slow engine on a busy machine still finishes in minutes; the printed call
and round counts say how many samples each median has.

Figures: decide() with cost ÷ zen-engine (aim ≤ 2×), decide() with cost ÷ bare Pydantic (aim ≤ 30×), decide()
without price books ÷ zen-engine (aim ≤ 1×) and decide() with the counterfactual search ÷ decide() alone (the
advice budget, aim ≤ 10×), all from table 2; "decide()" alone is ``decide(advice=False)``. They are printed, never
asserted. The zen table's
own top pick (highest summed points among targets it does not exclude) is compared once with decide()'s
recommendation, to show what the anchor does and does not compute (no cost model, no explanation, a subset of the
rules).

Run: ``.venv/bin/python bench/engine.py [--rounds N] [--compare-rounds N] [--budget S] [--row-budget S] [--quick]
[--json] [--profile] [--summary-dir DIR] [--zen-table FILE]`` (``--zen-table`` writes the JDM table, to open in
GoRules' editor, and stops). Adding a figure is adding a ``Row`` in ``rows()`` (single calls) or a ``Loop`` in
``loops()`` (per decision).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from summary import Figure, record  # noqa: E402 - bench/summary.py, beside this script

from decider.cost.breakeven import break_even_points  # noqa: E402
from decider.cost.quote import Quote, quote  # noqa: E402
from decider.documents import read_file  # noqa: E402
from decider.engine import decide  # noqa: E402
from decider.facts import derive  # noqa: E402
from decider.rules.fields import context  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.rules.model import Ruleset  # noqa: E402
from decider.scoring import evaluate, fire  # noqa: E402
from decider.workload import ParsedWorkload, Workload, parse_workload  # noqa: E402

try:
    import zen  # the `bench` extra: pip install -e ".[bench]"
except ImportError:  # pragma: no cover - reported, the zen rows are skipped
    zen = None

AIM_RATIO = 5.0
AIM_ZEN_FULL = 2.0
AIM_PYDANTIC = 30.0
AIM_ZEN_UNPRICED = 1.0
PYDANTIC = "bare Pydantic: Workload.model_validate(raw)"
DECIDE_FULL = "decide() with cost + break-even"
DECIDE_UNPRICED = "decide() without price books"
DECIDE_ADVICE = "decide() with the advice search"
FIGURE_ADVICE = "decide() with the counterfactual search ÷ decide() alone, per decision"
AIM_ADVICE = 10.0
ZEN_BATCH = "zen-engine evaluate_batch, 48-row table"
ZEN_SINGLE = "zen-engine ZenDecision.evaluate, one call each"
FIGURE_ZEN_FULL = "decide() with cost + break-even ÷ zen-engine evaluate_batch, per decision"
FIGURE_PYDANTIC = "decide() with cost ÷ bare Pydantic validation of the same workload"
FIGURE_ZEN_UNPRICED = "decide() without price books ÷ zen-engine evaluate_batch, per decision"
VALIDATION = "validate: parse_workload()"
DECIDE = "decide()"
NO_BREAK_EVEN = "  decide() without break-even"


@dataclass(frozen=True)
class Row:
    """One figure: a call timed once per input per round; ``baseline`` names the row its ratio is taken against."""

    name: str
    call: Callable[[Any], object]
    inputs: Sequence[Any]
    rounds: int
    baseline: str | None = None
    note: str = ""


@dataclass
class Result:
    name: str
    samples_ns: list[int] = field(repr=False)
    baseline: str | None
    note: str

    @property
    def median_us(self) -> float:
        return statistics.median(self.samples_ns) / 1000.0

    def per_input_us(self, inputs: int) -> list[float]:
        """Median of each input's calls (samples run round by round over the inputs in order)."""
        return [statistics.median(self.samples_ns[index::inputs]) / 1000.0 for index in range(inputs)]

    @property
    def p90_us(self) -> float:
        ordered = sorted(self.samples_ns)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))] / 1000.0


def scenario_workloads() -> tuple[str, list[Any]]:
    """The raw workloads of the scenario suite, or of the examples when the suite is empty."""
    for folder in (REPO_ROOT / "tests" / "scenarios", REPO_ROOT / "examples"):
        found = []
        for path in sorted(folder.glob("*.yaml")):
            document = read_file(path)
            found.append(document["workload"] if isinstance(document, dict) and "workload" in document else document)
        if found:
            return str(folder.relative_to(REPO_ROOT)), found
    raise SystemExit("no workloads found in tests/scenarios/ or examples/")


def without_prices(ruleset: Ruleset) -> Ruleset:
    """The same rules with no price books: ``decide`` then runs the rules and the explanation only."""
    changes = {name: empty for name, empty in (("pricing", {}), ("cost_model", None)) if hasattr(ruleset, name)}
    return dataclasses.replace(ruleset, **changes)


def decide_without_break_even(item: ParsedWorkload, ruleset: Ruleset) -> object:
    """``decide`` with the break-even search switched off (the bills and the cost score stay)."""
    search = Quote.break_even
    Quote.break_even = lambda self, ranking: []  # type: ignore[method-assign]
    try:
        return decide(item, ruleset, advice=False)
    finally:
        Quote.break_even = search  # type: ignore[method-assign]


def break_even_inputs(item: ParsedWorkload, ruleset: Ruleset) -> tuple[Any, list[str], float]:
    """The plans, ranking and volume the break-even search of one decision works on."""
    decision = decide(item, ruleset, advice=False)
    facts = derive(item.workload)
    firing = fire(ruleset, context(item.workload, facts), item.workload.preferences.optimize_for)
    priced = quote(item.workload, facts, ruleset, firing)
    plans = priced.plans if priced is not None else {}
    return plans, [entry.target for entry in decision.ranking], item.workload.requests_per_month


def rows(ruleset: Ruleset, raw: list[Any], parsed: list[ParsedWorkload], rounds: int) -> list[Row]:
    """Every figure the benchmark prints, in order. Add a row here to measure something new."""
    loads = max(5, rounds // 20)
    unpriced = without_prices(ruleset)
    contexts = [context(item.workload, derive(item.workload)) for item in parsed]
    goals = [item.workload.preferences.optimize_for for item in parsed]
    priced = [break_even_inputs(item, ruleset) for item in parsed]
    return [
        Row("ruleset: load + compile", lambda _: load_ruleset(), [None], loads, note="whole rules/ directory, once"),
        Row(VALIDATION, parse_workload, raw, rounds, note="baseline"),
        Row(DECIDE, lambda item: decide(item, ruleset, advice=False), parsed, rounds, baseline=VALIDATION),
        Row(
            "  derive facts + context",
            lambda item: context(item.workload, derive(item.workload)),
            parsed,
            rounds,
            baseline=VALIDATION,
            note="part of decide()",
        ),
        Row(
            "  evaluate rules",
            lambda index: evaluate(ruleset, contexts[index], goals[index]),
            range(len(parsed)),
            rounds,
            baseline=VALIDATION,
            note=f"part of decide(): {len(ruleset.rules)} rules",
        ),
        Row(
            "  decide() without price books",
            lambda item: decide(item, unpriced, advice=False),
            parsed,
            rounds,
            baseline=VALIDATION,
            note="rules + explanation, no cost model",
        ),
        Row(
            NO_BREAK_EVEN,
            lambda item: decide_without_break_even(item, ruleset),
            parsed,
            rounds,
            baseline=VALIDATION,
            note="rules + explanation + bills, no break-even search",
        ),
        Row(
            "decide() with break-even",
            lambda item: decide(item, ruleset, advice=False),
            parsed,
            rounds,
            baseline=NO_BREAK_EVEN,
            note="aim: within 3× of decide() without break-even",
        ),
        Row(
            "  break-even search alone",
            lambda index: break_even_points(*priced[index]),
            range(len(parsed)),
            rounds,
            baseline=VALIDATION,
            note="exact crossings of piecewise-linear bills",
        ),
        Row(
            "parse + decide + JSON",
            lambda item: decide(parse_workload(item), ruleset).model_dump_json(),
            raw,
            rounds,
            baseline=VALIDATION,
            note="what one API call costs the engine",
        ),
    ]


# ---------------------------------------------------------------- per decision, against anchors ------------------
#: The zen table's input columns: the workload and derived fields the copied rules read.
ZEN_COLUMNS: dict[str, str] = {
    "max_duration_s": "runtime.max_duration_s",
    "memory_mb": "runtime.memory_mb",
    "vcpu": "runtime.vcpu",
    "gpu": "runtime.gpu",
    "ephemeral_gb": "runtime.ephemeral_storage_gb",
    "artifact_mb": "runtime.artifact_mb",
    "os": "runtime.os",
    "long_running": "runtime.long_running",
    "pattern": "traffic.pattern",
    "payload_mb": "traffic.payload_mb",
    "duty_cycle": "derived.duty_cycle",
    "requests_per_day": "derived.requests_per_day",
    "peak_concurrency": "derived.peak_concurrency",
    "lambda_memory_mb": "derived.lambda_memory_mb",
    "privileged": "control.privileged",
    "k8s_experience": "team.kubernetes_experience",
    "ops_capacity": "team.ops_capacity",
    "current_platform": "team.current_platform",
}
EXCLUDE = "exclude"
#: (rule id, {column: unary test}, {target: points or EXCLUDE}), copied from rules/*.yaml with their impacts; one
#: table row per rule and target: 13 exclusions and 35 score rows, 48 in all.
ZEN_RULES: tuple[tuple[str, dict[str, str], dict[str, int | str]], ...] = (
    ("limits.lambda-max-duration", {"max_duration_s": "> 900"}, {"lambda": EXCLUDE}),
    ("limits.lambda-memory", {"lambda_memory_mb": "> 10240"}, {"lambda": EXCLUDE}),
    ("limits.lambda-max-vcpu", {"vcpu": "> 6"}, {"lambda": EXCLUDE}),
    ("limits.lambda-ephemeral-storage", {"ephemeral_gb": "> 10"}, {"lambda": EXCLUDE}),
    ("limits.lambda-image-size", {"artifact_mb": "> 10240"}, {"lambda": EXCLUDE}),
    ("limits.lambda-payload", {"payload_mb": "> 200"}, {"lambda": EXCLUDE}),
    ("limits.lambda-no-gpu", {"gpu": "> 0"}, {"lambda": EXCLUDE}),
    ("limits.lambda-no-windows", {"os": '"windows"'}, {"lambda": EXCLUDE}),
    ("limits.lambda-no-long-running", {"long_running": "true"}, {"lambda": EXCLUDE}),
    ("limits.lambda-no-privileged", {"privileged": "true"}, {"lambda": EXCLUDE}),
    ("limits.fargate-no-gpu", {"gpu": "> 0"}, {"ecs-fargate": EXCLUDE}),
    ("limits.fargate-no-privileged", {"privileged": "true"}, {"ecs-fargate": EXCLUDE}),
    ("limits.fargate-task-size", {"memory_mb": "> 249856"}, {"ecs-fargate": EXCLUDE}),  # its memory half
    (  # traffic.spiky-favours-lambda and traffic.spiky-favours-fargate: one condition, one row (the table stays 48)
        "traffic.spiky-favours-lambda",
        {"pattern": '"spiky", "event"'},
        {"lambda": 12, "ecs-fargate": 3, "ecs-ec2": -3, "eks": -2},
    ),
    (
        "traffic.low-duty-cycle",
        {"duty_cycle": "< 0.1", "long_running": "false"},
        {"lambda": 10, "ecs-fargate": 2, "ecs-managed-instances": -2, "ecs-ec2": -3, "eks": -3},
    ),
    (
        "traffic.high-duty-cycle",
        {"duty_cycle": ">= 0.5", "long_running": "false"},
        {"lambda": -12, "ecs-fargate": 8, "ecs-managed-instances": 7, "ecs-ec2": 6, "eks": 6},
    ),
    ("traffic.low-volume", {"requests_per_day": "< 50000", "long_running": "false"}, {"lambda": 6}),
    (
        "traffic.scheduled-jobs-fit-lambda",
        {"pattern": '"scheduled", "batch"', "max_duration_s": "<= 900"},
        {"lambda": 8},
    ),
    ("traffic.jobs-run-as-tasks", {"pattern": '"scheduled", "batch"'}, {"ecs-fargate": 6, "ecs-ec2": -2, "eks": -2}),
    ("traffic.lambda-concurrency-quota", {"peak_concurrency": "> 1000"}, {"lambda": -4}),
    ("team.no-kubernetes-experience", {"k8s_experience": '"none"'}, {"eks": -20}),
    ("team.some-kubernetes-experience", {"k8s_experience": '"some"'}, {"eks": -6}),
    ("team.kubernetes-experts", {"k8s_experience": '"expert"'}, {"eks": 8}),
    (  # team.low-ops-capacity, team.low-ops-managed-instances and team.low-ops-self-managed: one condition, one row
        "team.low-ops-capacity",
        {"ops_capacity": '"low"'},
        {"lambda": 8, "ecs-fargate": 6, "ecs-managed-instances": 3, "ecs-ec2": -12, "eks": -10},
    ),
    ("team.high-ops-capacity", {"ops_capacity": '"high"'}, {"ecs-ec2": 5, "eks": 3}),
    ("team.stay-on-lambda", {"current_platform": '"lambda"'}, {"lambda": 4}),
    ("team.stay-on-eks", {"current_platform": '"eks"'}, {"eks": 6}),
    ("control.privileged", {"privileged": "true"}, {"ecs-managed-instances": 3, "ecs-ec2": 10, "eks": 4}),
)
ZEN_KEY = "decider-48.json"


def zen_table() -> dict[str, Any]:
    """The JDM graph: input → one ``collect`` decision table (one row per rule and target) → output."""
    inputs = [{"id": column, "name": column, "field": path} for column, path in ZEN_COLUMNS.items()]
    outputs = [{"id": name, "name": name, "field": name} for name in ("rule", "effect", "target", "points")]
    table_rows: list[dict[str, str]] = []
    for rule_id, tests, impacts in ZEN_RULES:
        for target, points in impacts.items():
            row = {"_id": f"{rule_id}:{target}", **dict.fromkeys(ZEN_COLUMNS, ""), **tests}
            row |= {"rule": json.dumps(rule_id), "target": json.dumps(target)}
            row |= {"effect": json.dumps(EXCLUDE if points == EXCLUDE else "score")}
            row["points"] = "0" if points == EXCLUDE else str(points)
            table_rows.append(row)
    table = {"hitPolicy": "collect", "inputs": inputs, "outputs": outputs, "rules": table_rows}
    position = {"x": 0, "y": 0}
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request", "position": position},
            {"id": "rules", "type": "decisionTableNode", "name": "Rules", "position": position, "content": table},
            {"id": "response", "type": "outputNode", "name": "Response", "position": position},
        ],
        "edges": [
            {"id": "in", "type": "edge", "sourceId": "request", "targetId": "rules"},
            {"id": "out", "type": "edge", "sourceId": "rules", "targetId": "response"},
        ],
    }


def zen_context(item: ParsedWorkload) -> dict[str, Any]:
    """What the zen table reads: the resolved workload as JSON-typed dicts, plus decider's derived facts."""
    body: dict[str, Any] = item.workload.model_dump(mode="json")
    body["derived"] = dataclasses.asdict(derive(item.workload))
    return body


def zen_pick(matches: list[dict[str, Any]], targets: Sequence[str]) -> str | None:
    """The table's own answer: the target with the most summed points among those it does not exclude."""
    excluded = {match["target"] for match in matches if match["effect"] == EXCLUDE}
    scores = dict.fromkeys((target for target in targets if target not in excluded), 0.0)
    for match in matches:
        if match["target"] in scores:
            scores[match["target"]] += match["points"]
    return max(scores, key=lambda target: scores[target]) if scores else None


@dataclass(frozen=True)
class Loop:
    """One figure per decision: ``call`` makes one pass over ``size`` workloads; ``baseline`` names its anchor."""

    name: str
    call: Callable[[], object]
    size: int
    baseline: str | None = None
    note: str = ""


@dataclass
class LoopResult:
    name: str
    wall_ns: list[float] = field(repr=False)
    cpu_ns: list[float] = field(repr=False)
    baseline: str | None
    note: str

    @property
    def median_us(self) -> float:
        return statistics.median(self.wall_ns) / 1000.0

    @property
    def cpu_per_wall(self) -> float:
        return sum(self.cpu_ns) / sum(self.wall_ns)


def loops(ruleset: Ruleset, raw: list[Any], parsed: list[ParsedWorkload]) -> tuple[list[Loop], str]:
    """The per-decision rows, all over the same workloads, and a line on the zen table's agreement with decide()."""
    unpriced = without_prices(ruleset)
    count = len(parsed)
    found = [
        Loop(PYDANTIC, lambda: [Workload.model_validate(item) for item in raw], count, note="anchor"),
        Loop(DECIDE_FULL, lambda: [decide(item, ruleset, advice=False) for item in parsed], count, baseline=PYDANTIC),
        Loop(
            DECIDE_UNPRICED, lambda: [decide(item, unpriced, advice=False) for item in parsed], count, baseline=PYDANTIC
        ),
        Loop(
            DECIDE_ADVICE,
            lambda: [decide(item, ruleset) for item in parsed],
            count,
            baseline=DECIDE_FULL,
            note="÷ decide() alone: the counterfactual search (POST /recommend, the CLI, Slack)",
        ),
    ]
    if zen is None:
        return found, 'zen-engine is not installed (pip install -e ".[bench]"): its rows are skipped'
    table = zen_table()
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {ZEN_KEY: table}}})
    decision = engine.create_decision(json.dumps(table))
    contexts = [zen_context(item) for item in parsed]
    requests = [{"key": ZEN_KEY, "context": body} for body in contexts]
    answers = engine.evaluate_batch(requests)
    failed = [answer.get("error") for answer in answers if not answer.get("success")]
    if failed:
        raise SystemExit(f"zen-engine could not evaluate the table: {failed[:3]}")
    targets = [target.id for target in ruleset.targets]
    picks = [zen_pick(answer["data"]["result"], targets) for answer in answers]
    agree = sum(
        pick == decide(item, ruleset, advice=False).recommendation for pick, item in zip(picks, parsed, strict=True)
    )
    fired = statistics.median(len(answer["data"]["result"]) for answer in answers)
    found += [
        Loop(ZEN_BATCH, lambda: engine.evaluate_batch(requests), count, note="anchor"),
        Loop(ZEN_SINGLE, lambda: [decision.evaluate(body) for body in contexts], count, baseline=ZEN_BATCH),
    ]
    rows_count = sum(len(impacts) for _, _, impacts in ZEN_RULES)
    agreement = (
        f"zen-engine {_zen_version()}: {rows_count}-row table, median {fired:g} rows matched per workload; its top "
        f"pick (summed points, exclusions applied) equals decide()'s recommendation on {agree}/{count} workloads "
        "(a subset of the rules, no cost model, no explanation)"
    )
    return found, agreement


def _zen_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zen-engine")
    except PackageNotFoundError:
        return "unknown"


def measure_interleaved(
    batch: Sequence[Loop], rounds: int, warmup: int, budget_s: float = float("inf")
) -> dict[str, LoopResult]:
    """Every loop once per round, order reversed every other round; samples are wall and CPU ns per decision.

    Rounds stop early, after at least 5, once ``budget_s`` has passed (warm-up: after 1, at a tenth of it).
    """
    for _ in within(budget_s / 10, warmup, min(1, warmup)):
        for loop in batch:
            loop.call()
    results = {loop.name: LoopResult(loop.name, [], [], loop.baseline, loop.note) for loop in batch}
    wall, cpu = time.perf_counter_ns, time.process_time_ns
    for index in within(budget_s, rounds, min(5, rounds)):
        for loop in batch if index % 2 == 0 else reversed(batch):
            cpu_start, start = cpu(), wall()
            loop.call()
            elapsed, cpu_elapsed = wall() - start, cpu() - cpu_start
            results[loop.name].wall_ns.append(elapsed / loop.size)
            results[loop.name].cpu_ns.append(cpu_elapsed / loop.size)
    return results


def loop_ratio(results: dict[str, LoopResult], name: str, anchor: str) -> float | None:
    if name not in results or anchor not in results:
        return None
    return results[name].median_us / results[anchor].median_us


def report_loops(results: dict[str, LoopResult], count: int, agreement: str) -> str:
    taken = len(next(iter(results.values())).wall_ns)
    lines = [f"per decision, against anchors: {taken} interleaved rounds over the same {count} workloads", ""]
    width = max(len(name) for name in results)
    header = f"{'figure':<{width}}  {'median':>10}  {'cpu/wall':>8}  {'ratio':>8}  note"
    lines += [header, "-" * len(header)]
    for result in results.values():
        times = loop_ratio(results, result.name, result.baseline) if result.baseline else None
        shown = f"{times:.2f}×" if times is not None else ""
        lines.append(
            f"{result.name:<{width}}  {_time(result.median_us):>10}  {result.cpu_per_wall:>8.2f}  {shown:>8}  "
            f"{result.note or ('÷ ' + result.baseline if result.baseline else '')}"
        )
    lines += ["", agreement, ""]
    for figure in loop_figures(results):
        lines.append(f"{figure.name}: {figure.shown()} (aim {figure.aim_text}){'' if figure.met else '  ← above aim'}")
    return "\n".join(lines)


def loop_figures(results: dict[str, LoopResult]) -> list[Figure]:
    """The three summary figures this script owns (missing when zen-engine is not installed)."""
    figures = []
    for key, name, anchor, aim, label in (
        ("engine.zen_full", DECIDE_FULL, ZEN_BATCH, AIM_ZEN_FULL, FIGURE_ZEN_FULL),
        ("engine.pydantic", DECIDE_FULL, PYDANTIC, AIM_PYDANTIC, FIGURE_PYDANTIC),
        ("engine.zen_unpriced", DECIDE_UNPRICED, ZEN_BATCH, AIM_ZEN_UNPRICED, FIGURE_ZEN_UNPRICED),
        ("engine.advice", DECIDE_ADVICE, DECIDE_FULL, AIM_ADVICE, FIGURE_ADVICE),
    ):
        times = loop_ratio(results, name, anchor)
        if times is not None:
            detail = f"{_time(results[name].median_us)} ÷ {_time(results[anchor].median_us)} per decision"
            figures.append(Figure(key, label, times, "×", "le", aim, detail))
    return figures


def within(budget_s: float, most: int, least: int) -> Iterator[int]:
    """Round numbers: at least ``least`` and at most ``most``, stopping once ``budget_s`` seconds have passed."""
    deadline = time.monotonic() + budget_s
    for index in range(most):
        if index >= least and time.monotonic() > deadline:
            return
        yield index


def measure(row: Row, warmup: int, budget_s: float = float("inf")) -> Result:
    """Time every input once per round, after ``warmup`` untimed rounds; inputs interleave so no one runs hot alone.

    Rounds stop early, after at least 3, once ``budget_s`` has passed (warm-up: after at least 1, at a quarter of it).
    """
    call, inputs = row.call, row.inputs
    for _ in within(budget_s / 4, warmup, min(1, warmup)):
        for item in inputs:
            call(item)
    samples: list[int] = []
    clock = time.perf_counter_ns
    for _ in within(budget_s, row.rounds, min(3, row.rounds)):
        for item in inputs:
            start = clock()
            call(item)
            samples.append(clock() - start)
    return Result(row.name, samples, row.baseline, row.note)


def ratio(result: Result, results: dict[str, Result]) -> float | None:
    if result.baseline is None or result.baseline not in results:
        return None
    return result.median_us / results[result.baseline].median_us


def slowest(names: Sequence[str], results: dict[str, Result], count: int = 5) -> list[tuple[str, float]]:
    """The workloads whose decide() takes longest, by their own median."""
    timed = zip(names, results[DECIDE].per_input_us(len(names)), strict=True)
    return sorted(timed, key=lambda item: -item[1])[:count]


def report_table(source: str, names: Sequence[str], results: dict[str, Result]) -> str:
    count = len(names)
    lines = [f"decider engine benchmark: {count} workloads from {source}; medians of single calls", ""]
    width = max(len(name) for name in results)
    header = f"{'figure':<{width}}  {'median':>12}  {'p90':>12}  {'calls':>7}  {'ratio':>7}  note"
    lines += [header, "-" * len(header)]
    for result in results.values():
        times = ratio(result, results)
        ratio_text = f"{times:.2f}×" if times is not None else ""
        lines.append(
            f"{result.name:<{width}}  {_time(result.median_us):>12}  {_time(result.p90_us):>12}  "
            f"{len(result.samples_ns):>7}  {ratio_text:>7}  {result.note}"
        )
    decide_ratio = ratio(results[DECIDE], results)
    assert decide_ratio is not None
    verdict = "within" if decide_ratio <= AIM_RATIO else "ABOVE"
    lines += ["", "slowest decide() workloads: " + ", ".join(f"{n} {_time(us)}" for n, us in slowest(names, results))]
    lines += ["", f"decide / validation = {decide_ratio:.2f}× ({verdict} the {AIM_RATIO:g}× aim)"]
    return "\n".join(lines)


def report_json(source: str, names: Sequence[str], results: dict[str, Result]) -> str:
    decide_ratio = ratio(results[DECIDE], results)
    body = {
        "workloads": len(names),
        "source": source,
        "rows": [
            {
                "name": result.name,
                "median_us": round(result.median_us, 3),
                "p90_us": round(result.p90_us, 3),
                "calls": len(result.samples_ns),
                "baseline": result.baseline,
                "ratio": round(times, 3) if (times := ratio(result, results)) is not None else None,
            }
            for result in results.values()
        ],
        "slowest_decide_us": {name: round(us, 3) for name, us in slowest(names, results)},
        "decide_to_validation": round(decide_ratio, 3) if decide_ratio is not None else None,
        "aim_ratio": AIM_RATIO,
        "within_aim": decide_ratio is not None and decide_ratio <= AIM_RATIO,
    }
    return json.dumps(body, indent=2)


def profile(ruleset: Ruleset, parsed: list[ParsedWorkload], rounds: int) -> str:
    """Where decide() spends its time: cumulative cProfile over ``rounds`` passes of every workload."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        for item in parsed:
            decide(item, ruleset, advice=False)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def _time(microseconds: float) -> str:
    if microseconds >= 1000:
        return f"{microseconds / 1000:.2f} ms"
    return f"{microseconds:.1f} µs"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds of single calls (default 40)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first (default 10)")
    parser.add_argument(
        "--compare-rounds", type=int, default=60, help="interleaved rounds of the per-decision table (default 60)"
    )
    parser.add_argument(
        "--budget", type=float, default=25.0, help="seconds for the per-decision table, after 5 rounds (default 25)"
    )
    parser.add_argument(
        "--row-budget", type=float, default=3.0, help="seconds per single-call row, after 3 rounds (default 3)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 8 rounds, 15 per-decision rounds, 10 s")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, for CI tooling")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of decide()")
    parser.add_argument("--summary-dir", type=Path, help="also write the summary figures here (for bench/summary.py)")
    parser.add_argument("--zen-table", type=Path, metavar="FILE", help="write the JDM decision table here and stop")
    args = parser.parse_args(argv)
    if args.zen_table is not None:
        args.zen_table.write_text(json.dumps(zen_table(), indent=2) + "\n", encoding="utf-8")
        return 0
    if args.quick:
        args.rounds, args.warmup, args.compare_rounds, args.budget, args.row_budget = 8, 3, 15, 10.0, 1.0

    source, raw = scenario_workloads()
    ruleset = load_ruleset()
    parsed = [parse_workload(item) for item in raw]
    results: dict[str, Result] = {}
    for row in rows(ruleset, raw, parsed, args.rounds):
        budget = args.row_budget * (4 if row.name == "ruleset: load + compile" else 1)
        results[row.name] = measure(row, warmup=min(args.warmup, row.rounds), budget_s=budget)
    batch, agreement = loops(ruleset, raw, parsed)
    compared = measure_interleaved(batch, args.compare_rounds, warmup=max(2, args.warmup // 2), budget_s=args.budget)

    names = [
        str(item.get("name") or f"#{index}") if isinstance(item, dict) else f"#{index}"
        for index, item in enumerate(raw)
    ]
    if args.json:
        body = json.loads(report_json(source, names, results))
        body["per_decision"] = {
            "rounds": len(next(iter(compared.values())).wall_ns),
            "rows": {
                name: {"median_us": round(result.median_us, 3), "cpu_per_wall": round(result.cpu_per_wall, 3)}
                for name, result in compared.items()
            },
            "figures": [dataclasses.asdict(figure) for figure in loop_figures(compared)],
            "zen": agreement,
        }
        print(json.dumps(body, indent=2))
    else:
        print(report_table(source, names, results))
        print()
        print(report_loops(compared, len(parsed), agreement))
    if args.summary_dir is not None:
        record(args.summary_dir, "engine", loop_figures(compared))
    if args.profile:
        print(profile(ruleset, parsed, max(1, args.rounds // 10)), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
