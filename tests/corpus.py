"""A corpus of generated workload files, shared by the review's tests (tests/cli/test_review_jobs.py) and its
benchmark (bench/review.py): varied sizes, traffic patterns and current platforms, a quarter of them JSON."""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

PATTERNS = ("steady", "diurnal", "spiky", "scheduled", "event", "batch")
PLATFORMS = ("lambda", "ecs", "eks", "none")


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` workload files, a quarter of them JSON, with varied sizes, traffic and current platforms."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
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
