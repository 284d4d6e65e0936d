"""How decide() scales with the number of rules and with the number of workloads per call loop, in one run.

Every ``decide()`` here is ``decide(advice=False)``: the ranking, bills, break-even and explanation without the
counterfactual search, which bench/engine.py measures on its own.

Rule count: the shipped rules directory is copied ×1, ×2, ×5 and ×10 into temporary folders — each rule file holds
its rules that many times, every copy after the first with its ids renamed (``<id>.copy<k>``), so every copy fires
wherever the original does — with ``ruleset.yaml``, ``targets.yaml`` and the price books unchanged. For each
factor it times loading the rule set (median of a few loads) and, per decision, ``decide()`` with price books and
without them over the same workloads: ``--workloads`` (default 10) evenly spaced scenario workloads
(``tests/scenarios/*.yaml``, as bench/engine.py). A round runs every factor once (order reversed every other
round) after a warm-up pass; a sample is the pass's wall time ÷ the number of workloads; figures are medians and
ratios to ×1.

Batch size: the first 50 scenario workloads (the most, up to 50, that divide 100), cycled, in loops of 1, 10, 100
and 1,000 ``decide()`` calls. A sample is as many loops as cover whole cycles of that mix (50 loops of 1, 5 of 10,
1 of 100, 1 of 1,000), each loop timed as a whole, so every sample is the mean cost of the same mix: summed loop
times ÷ decisions. A round takes one
sample of every size; figures are the median over rounds and the ratio to loops of 1.

Both sections stop taking rounds at a time budget (``--budget`` seconds each, default 15; at least 2 rounds by rule
count and 1 by loop size), so a slow engine on a busy machine still finishes; the printed round counts say how many
samples each median has.

Scores add up over rule copies, so rankings can differ from the shipped rules': this measures cost, not answers.

Run: ``.venv/bin/python bench/scaling.py [--rounds N] [--batch-rounds N] [--workloads N] [--budget S] [--quick]``.
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from engine import scenario_workloads, within, without_prices  # noqa: E402 - bench/engine.py, beside this script

from decider.engine import decide  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.rules.location import default_rules_dir  # noqa: E402
from decider.rules.model import Ruleset  # noqa: E402
from decider.workload import ParsedWorkload, parse_workload  # noqa: E402

FACTORS = (1, 2, 5, 10)
BATCH_SIZES = (1, 10, 100, 1000)
META_FILES = ("ruleset.yaml", "targets.yaml")
RULE_ID = re.compile(r"^- id: (\S+)", re.MULTILINE)


def copied_rules(source: Path, target: Path, factor: int) -> Path:
    """``source`` copied to ``target`` with every rule file's rules repeated ``factor`` times under new ids."""
    shutil.copytree(source, target)
    for path in sorted(source.glob("*.y*ml")):
        if path.name in META_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        if not RULE_ID.search(text):
            continue
        copies = [text] + [RULE_ID.sub(rf"- id: \1.copy{k}", text) for k in range(1, factor)]
        (target / path.name).write_text("\n".join(copies), encoding="utf-8")
    return target


def median_ms(call: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e6


def interleaved(
    passes: dict[str, Callable[[], object]], size: int, rounds: int, budget_s: float
) -> tuple[dict[str, float], int]:
    """Median µs per decision of each pass, passes interleaved (order reversed every other round), after warm-up;
    and the number of rounds taken."""
    for call in passes.values():
        call()
    samples: dict[str, list[float]] = {name: [] for name in passes}
    order = list(passes)
    for index in within(budget_s, rounds, min(2, rounds)):
        for name in order if index % 2 == 0 else reversed(order):
            start = time.perf_counter_ns()
            passes[name]()
            samples[name].append((time.perf_counter_ns() - start) / size / 1000)
    return {name: statistics.median(values) for name, values in samples.items()}, len(samples[order[0]])


def rule_scaling(parsed: list[ParsedWorkload], rounds: int, loads: int, budget_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="decider-rules-bench-") as directory:
        rulesets: dict[int, Ruleset] = {}
        load_ms: dict[int, float] = {}
        for factor in FACTORS:
            folder = copied_rules(default_rules_dir(), Path(directory) / f"x{factor}", factor)
            rulesets[factor] = load_ruleset(rules_dir=folder)
            load_ms[factor] = median_ms(lambda folder=folder: load_ruleset(rules_dir=folder), loads)
    passes: dict[str, Callable[[], object]] = {}
    for factor, ruleset in rulesets.items():
        unpriced = without_prices(ruleset)
        passes[f"full x{factor}"] = lambda ruleset=ruleset: [decide(item, ruleset, advice=False) for item in parsed]
        passes[f"unpriced x{factor}"] = lambda unpriced=unpriced: [
            decide(item, unpriced, advice=False) for item in parsed
        ]
    medians, taken = interleaved(passes, len(parsed), rounds, budget_s)

    print(f"decide() by rule count: {len(parsed)} scenario workloads, {taken} interleaved rounds, medians")
    header = (
        f"{'rules':>8}  {'load':>10}  {'decide() with cost':>19}  {'÷ ×1':>6}  {'without price books':>20}  {'÷ ×1':>6}"
    )
    print(header)
    print("-" * len(header))
    for factor, ruleset in rulesets.items():
        full, unpriced = medians[f"full x{factor}"], medians[f"unpriced x{factor}"]
        print(
            f"{len(ruleset.rules):>4} ×{factor:<2}  {load_ms[factor]:>7.1f} ms  {full:>16.1f} µs  "
            f"{full / medians['full x1']:>5.2f}×  {unpriced:>17.1f} µs  {unpriced / medians['unpriced x1']:>5.2f}×"
        )


def batch_scaling(parsed: list[ParsedWorkload], ruleset: Ruleset, rounds: int, budget_s: float) -> None:
    count = max(size for size in range(1, min(len(parsed), 100) + 1) if 100 % size == 0)
    parsed = parsed[:count]
    plans: dict[int, tuple[int, list[list[ParsedWorkload]]]] = {}
    for size in BATCH_SIZES:
        loops = math.lcm(size, count) // size if size < count else 1
        cycled = [parsed[index % count] for index in range(loops * size)]
        plans[size] = (loops, [cycled[start : start + size] for start in range(0, len(cycled), size)])

    def sample(size: int) -> float:
        loops, chunks = plans[size]
        total = 0
        for chunk in chunks:
            start = time.perf_counter_ns()
            for item in chunk:
                decide(item, ruleset, advice=False)
            total += time.perf_counter_ns() - start
        return total / (loops * size) / 1000

    for size in BATCH_SIZES:  # warm-up
        sample(size)
    samples: dict[int, list[float]] = {size: [] for size in BATCH_SIZES}
    for index in within(budget_s, rounds, 1):
        for size in BATCH_SIZES if index % 2 == 0 else reversed(BATCH_SIZES):
            samples[size].append(sample(size))
    base = statistics.median(samples[1])
    print()
    taken = len(samples[1])
    print(f"decide() by loop size: workloads cycled from {count} scenarios, {taken} rounds, medians per decision")
    header = f"{'loop of':>8}  {'loops per sample':>16}  {'per decision':>13}  {'÷ loop of 1':>11}"
    print(header)
    print("-" * len(header))
    for size in BATCH_SIZES:
        value = statistics.median(samples[size])
        print(f"{size:>8}  {plans[size][0]:>16}  {value:>10.1f} µs  {value / base:>10.2f}×")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=12, help="interleaved rounds by rule count (default 12)")
    parser.add_argument("--batch-rounds", type=int, default=5, help="rounds by loop size (default 5)")
    parser.add_argument("--loads", type=int, default=3, help="rule set loads timed per factor (default 3)")
    parser.add_argument("--workloads", type=int, default=10, help="scenario workloads by rule count (default 10)")
    parser.add_argument("--budget", type=float, default=15.0, help="seconds per section, roughly (default 15)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 rounds each, 1 load, 8 s per section")
    parser.add_argument("--summary-dir", type=Path, help="accepted for make bench; this script adds no summary row")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.batch_rounds, args.loads, args.budget = 3, 3, 1, 8.0
    _, raw = scenario_workloads()
    parsed = [parse_workload(item) for item in raw]
    step = max(1, len(parsed) // max(1, args.workloads))
    rule_scaling(parsed[::step][: args.workloads], args.rounds, args.loads, args.budget)
    batch_scaling(parsed, load_ruleset(), args.batch_rounds, args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
