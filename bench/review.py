"""How fast ``decider review`` is per workload, against ``decide()`` alone, and how it scales with the folder's size.

Per file: it writes ``--files`` (default 100) generated workload files (YAML and JSON, varied shapes and current
platforms) to a temporary folder, then times, per workload: ``decide()`` alone on the already-parsed workload (the
baseline); and the review path — reading and classifying the file, validating the workload, deciding and judging
the verdict. Each figure is the median of single calls over every file and several rounds
(``time.perf_counter_ns``). It also times one whole review of the folder (walk, read, review, render JSON) and
divides by the number of workloads. Aim: review within 2× of ``decide()`` alone.

Scaling: ``decider review DIR --format json`` — the command as shipped, streaming its report and, from 50
workloads on, reviewing in worker processes — run to the end in a subprocess (stdout to a file) on folders of 10,
100, 1,000 and 5,000 generated files (the same generator and seed, so a smaller folder's files are the first files
of a larger one), and once more on a 1-file folder for its start-up (interpreter, imports, rules). Per size, up to
``--repeats`` runs (default 3; no new run starts after ``--budget`` seconds, default 15, so 5,000 files may get
one):

- time per workload: (median wall time, timed in the launcher from spawn to exit, − the 1-file folder's) ÷ files,
  so the fixed start-up does not flatter the larger folders; wall ÷ files is printed too;
- peak memory: the largest summed resident set (VmRSS) of the command and every process under it, sampled every
  50 ms — an upper bound, as pages a forked worker shares with its parent count in both (PSS would divide shared
  library pages with unrelated processes on the machine, so it is not used); and, exact but per process, the
  largest peak of any one of them: ``RUSAGE_CHILDREN`` ``ru_maxrss`` read by a small launcher process that runs the
  command (from this benchmark directly, the child's ru_maxrss would start at this benchmark's own resident set,
  which exec carries over).

Figures: time per workload at 5,000 files ÷ at 100 files (aim ≤ 1.1×), and the peak summed RSS at 5,000 files
(aim ≤ 300 MB; 1 MB = 10⁶ bytes). Printed, never asserted.

Run: ``.venv/bin/python bench/review.py [--files N] [--rounds N] [--sizes 10,100,...] [--repeats N] [--budget S]
[--jobs N] [--quick] [--summary-dir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from summary import Figure, record  # noqa: E402 - bench/summary.py, beside this script

from decider.engine import decide  # noqa: E402
from decider.render.review import to_json  # noqa: E402
from decider.review import judge, review_imported  # noqa: E402
from decider.rules.loader import load_ruleset  # noqa: E402
from decider.sources import find_workloads, read_file_workloads  # noqa: E402
from decider.workload import parse_workload  # noqa: E402
from tests.corpus import generate  # noqa: E402

AIM_RATIO = 2.0
AIM_SCALING = 1.1
AIM_PEAK_MB = 300.0
SIZES = (10, 100, 1000, 5000)


def median_us(samples_ns: list[int]) -> float:
    return statistics.median(samples_ns) / 1000


def per_file(files_count: int, rounds: int) -> None:
    """The per-file comparison: the review path and a whole review per workload, against decide() alone."""
    ruleset = load_ruleset()
    with tempfile.TemporaryDirectory(prefix="decider-review-bench-") as directory:
        folder = Path(directory)
        files = generate(folder, files_count)
        imported = [item for path in files for item in (read_file_workloads(path, str(path)) or [])]
        parsed = [parse_workload(item.raw) for item in imported]
        for item, workload in zip(imported, parsed, strict=True):  # warm-up: caches, first-call costs
            decide(workload, ruleset, advice=False)
            judge(item.name, workload, ruleset, current_target=item.target_in(ruleset))

        decide_ns: list[int] = []
        review_ns: list[int] = []
        for _ in range(rounds):
            for path, workload in zip(files, parsed, strict=True):
                start = time.perf_counter_ns()
                decide(workload, ruleset, advice=False)
                decide_ns.append(time.perf_counter_ns() - start)

                start = time.perf_counter_ns()
                found = read_file_workloads(path, str(path)) or []
                for item in found:
                    judge(item.name, parse_workload(item.raw), ruleset, current_target=item.target_in(ruleset))
                review_ns.append(time.perf_counter_ns() - start)

        whole_ns: list[int] = []
        for _ in range(rounds):
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
    print(f"decider review benchmark: {files_count} workload files, {rounds} rounds, ruleset {ruleset.version}")
    width = max(len(name) for name, _, _ in rows)
    for name, value, ratio in rows:
        shown = f"  {ratio:.2f}× decide()" if ratio is not None else ""
        print(f"  {name:<{width}}  median {value:>9.1f} µs{shown}")
    ratio = median_us(review_ns) / base
    verdict = "within" if ratio <= AIM_RATIO else "OVER"
    print(f"review per workload is {ratio:.2f}× decide() alone: {verdict} the {AIM_RATIO:g}× aim")


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc/<pid>/task/<tid>/children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in children.read_text().split()]
            except OSError:
                continue
    return found


def tree_rss_kib(pid: int) -> int:
    """Resident set of a process and its descendants, summed (pages a forked worker shares with its parent count in
    each: an upper bound on the memory the tree uses), KiB."""
    return sum(own_rss_kib(process) for process in descendants(pid))


#: Runs a command and reports its wall time and RUSAGE_CHILDREN peak RSS. A small process of its own, so the
#: command's ru_maxrss starts from this launcher's few MB at exec, not from this benchmark's resident set (exec
#: carries the parent's high-water mark into the child's ru_maxrss).
LAUNCHER = """
import json, os, resource, sys, time
output, command = sys.argv[1], sys.argv[2:]
with open(output, "wb") as out:
    start = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1)])
    _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "status": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    largest_rss_kib: int
    """RUSAGE_CHILDREN ru_maxrss in the launcher: the largest peak of any one process of the command (workers too)."""
    tree_rss_kib: int
    """The largest summed RSS of the command's processes seen by sampling every 50 ms (workers included)."""


def run_measured(command: Sequence[str]) -> Run:
    """Run ``command`` to the end through the launcher, stdout to a temporary file; its wall time and memory."""
    with tempfile.TemporaryDirectory(prefix="decider-review-out-") as directory:
        output = str(Path(directory) / "stdout")
        launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, output, *command], stdout=subprocess.PIPE, cwd=REPO_ROOT
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_kib(launcher.pid) - own_rss_kib(launcher.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        report, _ = launcher.communicate()
        done.set()
        sampler.join()
    result = json.loads(report)
    if launcher.returncode != 0 or result["status"] != 0:
        raise SystemExit(f"{' '.join(command)} exited {result['status']}")
    return Run(result["seconds"], result["maxrss_kib"], peak)


def own_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def megabytes(kib: int) -> float:
    return kib * 1024 / 1e6


def scaling(sizes: Sequence[int], repeats: int, budget_s: float, jobs: int | None) -> list[Figure]:
    """Time per workload and peak memory of ``decider review`` by folder size; the two summary figures."""
    command = [str(Path(sys.executable).parent / "decider"), "review", "--format", "json"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    runs: dict[int, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="decider-review-scaling-") as directory:
        for size in (1, *sizes):
            folder = Path(directory) / f"files-{size}"
            folder.mkdir()
            generate(folder, size)
            runs[size] = []
            deadline = time.monotonic() + budget_s
            while len(runs[size]) < repeats and (not runs[size] or time.monotonic() < deadline):
                runs[size].append(run_measured([*command, str(folder)]))
            shutil.rmtree(folder)

    start_up = statistics.median(run.seconds for run in runs[1])
    wall = {size: statistics.median(run.seconds for run in runs[size]) for size in sizes}
    per_workload = {size: max(0.0, wall[size] - start_up) / size * 1e6 for size in sizes}
    tree = {size: megabytes(max(run.tree_rss_kib for run in runs[size])) for size in sizes}
    reference = 100 if 100 in per_workload else min(per_workload)
    print()
    print(
        f"{' '.join(command[1:])} DIR, by folder size (median wall over runs; start-up = the median "
        f"{start_up:.2f} s of a 1-file folder, {len(runs[1])} runs)"
    )
    header = (
        f"{'files':>6}  {'runs':>4}  {'wall':>8}  {'wall ÷ files':>12}  {'(wall − start-up) ÷ files':>26}  "
        f"{f'÷ at {reference}':>9}  {'peak RSS, all processes':>23}  {'largest one process':>19}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        largest = megabytes(max(run.largest_rss_kib for run in runs[size]))
        print(
            f"{size:>6}  {len(runs[size]):>4}  {wall[size]:>6.2f} s  {wall[size] / size * 1e6:>9.0f} µs  "
            f"{per_workload[size]:>23.0f} µs  {per_workload[size] / per_workload[reference]:>8.2f}×  "
            f"{tree[size]:>20.0f} MB  {largest:>16.0f} MB"
        )
    largest_size = max(sizes)
    label = f"review of {largest_size:,} files"
    figures = [
        Figure(
            "review.per_workload",
            f"{label}: time per workload ÷ at {reference} files",
            per_workload[largest_size] / per_workload[reference],
            "×",
            "le",
            AIM_SCALING,
            f"{per_workload[largest_size]:.0f} µs ÷ {per_workload[reference]:.0f} µs, start-up taken off",
        ),
        Figure(
            "review.peak_rss",
            f"{label}: peak RSS of `decider review DIR --format json` + its workers",
            tree[largest_size],
            " MB",
            "le",
            AIM_PEAK_MB,
            "RSS of the command and its workers, summed, sampled every 50 ms",
        ),
    ]
    for figure in figures:
        print(f"{figure.name}: {figure.shown()} (aim {figure.aim_text}){'' if figure.met else '  ← above aim'}")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=100, help="files in the per-file comparison (default 100)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the per-file comparison (default 2)")
    parser.add_argument("--sizes", help="folder sizes to scale over (default 10,100,1000,5000; --quick: to 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per size, at most (default 3)")
    parser.add_argument(
        "--budget", type=float, default=15.0, help="seconds per size after which no further run starts (default 15)"
    )
    parser.add_argument("--jobs", type=int, help="pass --jobs N to decider review (default: its own default)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 files, 1 round, 1 run per size")
    parser.add_argument("--summary-dir", type=Path, help="also write the summary figures here (for bench/summary.py)")
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.rounds, args.repeats = 50, 1, 1
    if args.sizes is None:
        args.sizes = ",".join(str(size) for size in SIZES if not args.quick or size <= 1000)
    per_file(args.files, args.rounds)
    figures = scaling([int(size) for size in args.sizes.split(",")], args.repeats, args.budget, args.jobs)
    if args.summary_dir is not None:
        record(args.summary_dir, "review", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
