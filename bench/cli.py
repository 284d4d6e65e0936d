"""How long one ``decider recommend FILE`` takes from the shell, against starting Python and importing Pydantic.

Each command runs to the end in a fresh subprocess (stdout to /dev/null) and is timed from spawn to exit with
``time.perf_counter``. A round runs every command once, in an order reversed every other round, after untimed
warm-up runs (the page cache and bytecode caches warm for all of them alike); each figure is the median over
rounds. The anchor is ``python -c "import pydantic"`` with the same interpreter; ``python -c pass`` and
``from pydantic import BaseModel`` (Pydantic's lazy import made concrete) and one Pydantic model defined and
instantiated (the floor of any command that validates its input with Pydantic: the first model class imports
Pydantic's schema machinery) are printed for context, as is ``decider --help`` (the CLI's own start-up, no rules
loaded). ``decider`` runs as its console script does (``from decider.cli import run``), with this checkout first on
``PYTHONPATH`` for every command, so the code timed is the code beside this script. The package's bytecode is
compiled first (``compileall``, as ``make install`` and a wheel install do), so no command pays
for compiling decider's sources.

Figure: ``decider recommend examples/checkout-api.yaml`` ÷ ``python -c "import pydantic"`` (aim ≤ 2.5×), printed,
never asserted.

Run: ``.venv/bin/python bench/cli.py [--rounds N] [--file PATH] [--quick] [--summary-dir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from summary import Figure, record  # bench/summary.py, beside this script

REPO_ROOT = Path(__file__).resolve().parent.parent
AIM_RATIO = 2.5
ANCHOR = 'python -c "import pydantic"'
RECOMMEND = "decider recommend FILE"
DECIDER = "import sys; from decider.cli import run; sys.argv[0] = 'decider'; sys.exit(run())"
#: Every command runs with this tree first on the path (the anchors too, so each pays for the same path entry).
ENVIRONMENT = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
}
ONE_MODEL = "from pydantic import BaseModel\nclass Workload(BaseModel):\n    name: str = ''\nWorkload()"


def commands(file: str) -> dict[str, list[str]]:
    python = sys.executable
    # The console script's own two lines, run with this tree first on the path (ENVIRONMENT): the code measured is the
    # code beside this script, whichever checkout the interpreter's environment has installed.
    decider = [python, "-c", DECIDER]
    return {
        "python -c pass": [python, "-c", "pass"],
        ANCHOR: [python, "-c", "import pydantic"],
        'python -c "from pydantic import BaseModel"': [python, "-c", "from pydantic import BaseModel"],
        "python: one Pydantic model, made once": [python, "-c", ONE_MODEL],
        "decider --help": [*decider, "--help"],
        RECOMMEND: [*decider, "recommend", file],
    }


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, env=ENVIRONMENT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=12, help="timed rounds of every command (default 12)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument("--file", default="examples/checkout-api.yaml", help="the workload file to recommend for")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 rounds, 1 warm-up")
    parser.add_argument("--summary-dir", type=Path, help="also write the summary figure here (for bench/summary.py)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.warmup = 4, 1
    # Bytecode as an install leaves it: compiled once here, so no timed run compiles decider's sources itself.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "decider", "api"], cwd=REPO_ROOT, check=True)
    runs = commands(args.file)
    for _ in range(args.warmup):
        for command in runs.values():
            run_once(command)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for index in range(args.rounds):
        for name in order if index % 2 == 0 else reversed(order):
            samples[name].append(run_once(runs[name]))

    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    print(f"command wall time, spawn to exit: {args.rounds} interleaved rounds, medians; file {args.file}")
    width = max(len(name) for name in runs)
    header = f"{'command':<{width}}  {'median':>9}  {'min':>9}  {'÷ import pydantic':>17}"
    print(header)
    print("-" * len(header))
    for name, value in medians.items():
        print(
            f"{name:<{width}}  {value:>6.0f} ms  {min(samples[name]) * 1000:>6.0f} ms  "
            f"{value / medians[ANCHOR]:>16.2f}×"
        )
    figure = Figure(
        "cli.recommend",
        '`decider recommend FILE` wall time ÷ `python -c "import pydantic"`',
        medians[RECOMMEND] / medians[ANCHOR],
        "×",
        "le",
        AIM_RATIO,
        f"{medians[RECOMMEND]:.0f} ms ÷ {medians[ANCHOR]:.0f} ms",
    )
    print(f"{figure.name}: {figure.shown()} (aim {figure.aim_text}){'' if figure.met else '  ← above aim'}")
    if args.summary_dir is not None:
        record(args.summary_dir, "cli", [figure])
    return 0


if __name__ == "__main__":
    sys.exit(main())
