"""How fast the engine decides, against validating the same workloads alone (the baseline) in the same run.

Over every scenario workload (``tests/scenarios/*.yaml``, key ``workload``; ``examples/*.yaml`` when there are none)
it times: loading and compiling the rule set, ``parse_workload`` alone, ``decide`` alone, and both together. Each
figure is the median of many single calls after warm-up rounds, measured with ``time.perf_counter_ns``. The aim is
``decide`` within 5× of validation alone.

Run: ``.venv/bin/python bench/engine.py [--rounds N] [--json] [--profile]``. Adding a figure is adding a ``Row``
in ``rows()``; rows whose ``baseline`` is set also print their ratio to that row.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from decider.cost.breakeven import break_even_points  # noqa: E402
from decider.cost.quote import Quote, quote  # noqa: E402
from decider.documents import read_file  # noqa: E402
from decider.engine import decide  # noqa: E402
from decider.facts import derive  # noqa: E402
from decider.rules.fields import context  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.rules.model import Ruleset  # noqa: E402
from decider.scoring import evaluate  # noqa: E402
from decider.workload import ParsedWorkload, parse_workload  # noqa: E402

AIM_RATIO = 5.0
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
        return decide(item, ruleset)
    finally:
        Quote.break_even = search  # type: ignore[method-assign]


def break_even_inputs(item: ParsedWorkload, ruleset: Ruleset) -> tuple[Any, list[str], float]:
    """The plans, ranking and volume the break-even search of one decision works on."""
    decision = decide(item, ruleset)
    facts = derive(item.workload)
    evaluation = evaluate(ruleset, context(item.workload, facts), item.workload.preferences.optimize_for)
    priced = quote(item.workload, facts, ruleset, evaluation)
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
        Row(DECIDE, lambda item: decide(item, ruleset), parsed, rounds, baseline=VALIDATION),
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
            lambda item: decide(item, unpriced),
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
            lambda item: decide(item, ruleset),
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


def measure(row: Row, warmup: int) -> Result:
    """Time every input once per round, after ``warmup`` untimed rounds; inputs interleave so no one runs hot alone."""
    call, inputs = row.call, row.inputs
    for _ in range(warmup):
        for item in inputs:
            call(item)
    samples: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(row.rounds):
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
            decide(item, ruleset)
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
    parser.add_argument("--rounds", type=int, default=200, help="timed rounds over every workload (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, for CI tooling")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of decide()")
    args = parser.parse_args(argv)

    source, raw = scenario_workloads()
    ruleset = load_ruleset()
    parsed = [parse_workload(item) for item in raw]
    results: dict[str, Result] = {}
    for row in rows(ruleset, raw, parsed, args.rounds):
        results[row.name] = measure(row, warmup=min(args.warmup, row.rounds))

    names = [
        str(item.get("name") or f"#{index}") if isinstance(item, dict) else f"#{index}"
        for index, item in enumerate(raw)
    ]
    print(report_json(source, names, results) if args.json else report_table(source, names, results))
    if args.profile:
        print(profile(ruleset, parsed, max(1, args.rounds // 10)), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
