"""What a review reads before it reviews anything: every workload valid, in a region a price book covers.

``check_imported`` raises at the first sign of bad input (a review that must stop: ``--strict``, or the API);
``screen_imported`` keeps the good workloads and says, for each bad one, where it is and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from decider.errors import Problem, WorkloadError, relocate
from decider.known_names import unknown_region
from decider.rules.model import Ruleset
from decider.sources import ImportedWorkload
from decider.workload import validate_workload


def settle_region(item: ImportedWorkload, ruleset: Ruleset) -> None:
    """The region the source deploys the workload to (``region_from``: its Terraform AWS provider's, or that of the
    EKS capacity a manifest runs on), said as an assumption, unless a usage file gave another. A region no price book
    covers is priced in decider's default, us-east-1, and said so: the workload is not left out of the review for an
    input it never gave. Once per workload."""
    if item.region_from is None:
        return
    (region, source), item.region_from = item.region_from, None
    if "preferences.region" in item.given_in:
        return  # the usage file's region is laid over the source's
    if not ruleset.pricing or region in ruleset.pricing:
        item.assume(f"priced in {region}, where {source} deploys it")
        return
    item.raw.get("preferences", {}).pop("region", None)
    item.assume(
        f"{source} deploys it to {region}, which no price book here covers: priced in us-east-1 (give "
        "preferences.region in the usage file to choose another)"
    )


def check_imported(imported: Iterable[ImportedWorkload], ruleset: Ruleset) -> None:
    """Raise what reviewing these workloads would raise, before any is reviewed (so nothing is written yet): every
    invalid workload at once with its file and line, else the first one in a region no price book covers."""
    problems: list[Problem] = []
    region_problem: Problem | None = None
    for item in imported:
        settle_region(item, ruleset)
        try:  # validation is where parse_workload() fails; its other half, resolving defaults, does not
            region = validate_workload(item.raw, strict_json=item.json_types).preferences.region
        except WorkloadError as error:
            problems.extend(relocate(error.problems, f"{item.file}:{item.line} {item.name}", ": "))
            continue
        priced = ruleset.pricing and ruleset.cost_model is not None  # as decide() prices: then it needs the region
        if priced and region not in ruleset.pricing and region_problem is None:
            region_problem = unknown_region(region, tuple(ruleset.pricing))  # what decide() would raise
    if problems:
        raise WorkloadError(problems)
    if region_problem:
        raise WorkloadError([region_problem])


def _problems(item: ImportedWorkload, ruleset: Ruleset) -> list[Problem]:
    """What is wrong with one workload as check_imported() would raise it; empty when it can be reviewed."""
    settle_region(item, ruleset)
    try:
        region = validate_workload(item.raw, strict_json=item.json_types).preferences.region
    except WorkloadError as error:
        return list(error.problems)
    if ruleset.pricing and ruleset.cost_model is not None and region not in ruleset.pricing:
        return [unknown_region(region, tuple(ruleset.pricing))]
    return []


def screen_imported(
    imported: Sequence[ImportedWorkload], ruleset: Ruleset
) -> tuple[list[ImportedWorkload], list[tuple[str, int, str]]]:
    """The workloads that can be reviewed, and for each one that cannot, its file, line and what is wrong."""
    good: list[ImportedWorkload] = []
    bad: list[tuple[str, int, str]] = []
    for item in imported:
        problems = _problems(item, ruleset)
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            bad.append((item.file, item.line, f"workload {item.name}: {problems[0]}{more}"))
        else:
            good.append(item)
    return good, bad
