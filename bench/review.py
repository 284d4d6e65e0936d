"""How fast ``decider review`` is per workload, against ``decide()`` alone on the same workloads in the same run.

It writes 1,000 generated workload files (YAML and JSON, varied shapes and current platforms) to a temporary folder,
then times, per workload: ``decide()`` alone on the already-parsed workload (the baseline); and the review path —
reading and classifying the file, validating the workload, deciding and judging the verdict. Each figure is the
median of single calls over every file and several rounds (``time.perf_counter_ns``). It also times one whole
review of the folder (walk, read, review, render JSON) and divides by the number of workloads. Aim: review within
2× of ``decide()`` alone.

Run: ``.venv/bin/python bench/review.py [--files N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from decider.engine import decide  # noqa: E402
from decider.render.review import to_json  # noqa: E402
from decider.review import judge, review_imported  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.sources import find_workloads, read_file_workloads  # noqa: E402
from decider.workload import parse_workload  # noqa: E402

AIM_RATIO = 2.0
PATTERNS = ("steady", "diurnal", "spiky", "scheduled", "event", "batch")
PLATFORMS = ("lambda", "ecs", "eks", "none")


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` workload files, a quarter of them JSON, with varied sizes, traffic and current platforms."""
    rng = random.Random(seed)
    files: list[Path] = []
    for index in range(count):
        pattern = rng.choice(PATTERNS)
        workload = {
            "name": f"service-{index:04d}",
            "runtime": {
                "max_duration_s": rng.choice([1, 5, 30, 300, 1200, 3600]),
                "memory_mb": rng.choice([256, 512, 1024, 2048, 4096]),
                "architecture": rng.choice(["any", "arm64", "x86_64"]),
            },
            "traffic": {"pattern": pattern, "requests_per_month": rng.choice([1e3, 1e5, 3e6, 5e7])},
            "control": {"sidecars": rng.random() < 0.2, "privileged": rng.random() < 0.05},
            "team": {"current_platform": rng.choice(PLATFORMS)},
        }
        subfolder = folder / f"team-{index % 10}"
        subfolder.mkdir(exist_ok=True)
        if index % 4 == 0:
            path = subfolder / f"service-{index:04d}.json"
            path.write_text(json.dumps(workload, indent=2), encoding="utf-8")
        else:
            path = subfolder / f"service-{index:04d}.yaml"
            path.write_text(yaml.safe_dump(workload, sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def median_us(samples_ns: list[int]) -> float:
    return statistics.median(samples_ns) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ruleset = load_ruleset()
    with tempfile.TemporaryDirectory(prefix="decider-review-bench-") as directory:
        folder = Path(directory)
        files = generate(folder, args.files)
        imported = [item for path in files for item in (read_file_workloads(path, str(path)) or [])]
        parsed = [parse_workload(item.raw) for item in imported]
        for item, workload in zip(imported, parsed, strict=True):  # warm-up: caches, first-call costs
            decide(workload, ruleset)
            judge(item.name, workload, ruleset, current_target=item.current_target)

        decide_ns: list[int] = []
        review_ns: list[int] = []
        for _ in range(args.rounds):
            for path, workload in zip(files, parsed, strict=True):
                start = time.perf_counter_ns()
                decide(workload, ruleset)
                decide_ns.append(time.perf_counter_ns() - start)

                start = time.perf_counter_ns()
                found = read_file_workloads(path, str(path)) or []
                for item in found:
                    judge(item.name, parse_workload(item.raw), ruleset, current_target=item.current_target)
                review_ns.append(time.perf_counter_ns() - start)

        whole_ns: list[int] = []
        for _ in range(args.rounds):
            start = time.perf_counter_ns()
            discovery = find_workloads([str(folder)])
            review = review_imported(discovery.workloads, ruleset, skipped=discovery.skipped)
            to_json(review)
            whole_ns.append((time.perf_counter_ns() - start) // max(1, len(review.workloads)))

    base = median_us(decide_ns)
    rows = [
        ("decide() alone (baseline)", base, None),
        (
            "review one file: read, classify, validate, decide, verdict",
            median_us(review_ns),
            median_us(review_ns) / base,
        ),
        ("whole review of the folder incl. JSON, per workload", median_us(whole_ns), median_us(whole_ns) / base),
    ]
    print(f"decider review benchmark: {args.files} workload files, {args.rounds} rounds, ruleset {ruleset.version}")
    width = max(len(name) for name, _, _ in rows)
    for name, value, ratio in rows:
        shown = f"  {ratio:.2f}× decide()" if ratio is not None else ""
        print(f"  {name:<{width}}  median {value:>9.1f} µs{shown}")
    ratio = median_us(review_ns) / base
    verdict = "within" if ratio <= AIM_RATIO else "OVER"
    print(f"review per workload is {ratio:.2f}× decide() alone: {verdict} the {AIM_RATIO:g}× aim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
