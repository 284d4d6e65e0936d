"""Kubernetes Jobs and CronJobs: how often they run, how many pods one run is (``completions``) and how many of them
run at once (``parallelism``), how long a pod may take (``activeDeadlineSeconds`` bounds the whole Job), and when they
run nothing at all (``suspend: true``, ``parallelism: 0``).
https://kubernetes.io/docs/concepts/workloads/controllers/job/#parallel-jobs
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.schedule import NO_RATE, counted_runs

JOB_RUNS = "give its runs a month in the usage file (traffic.requests_per_month); priced at 1 run a month meanwhile"


def not_run(manifest: Mapping[str, Any]) -> str | None:
    """Why a Job or CronJob runs no pod, so is not reviewed: suspended (``spec.suspend: true``: the CronJob controller
    starts no Jobs, the Job controller no pods), or a Job template of ``parallelism: 0``; None for any other object."""
    kind = manifest.get("kind")
    if kind not in ("Job", "CronJob"):
        return None
    spec = _mapping(manifest.get("spec"))
    name = _mapping(manifest.get("metadata")).get("name")
    if spec.get("suspend") is True:
        starts = "Jobs" if kind == "CronJob" else "pods"
        return f"{kind} {name} is suspended (suspend: true): it starts no {starts} until resumed, so is not reviewed"
    job = _mapping(_mapping(spec.get("jobTemplate")).get("spec")) if kind == "CronJob" else spec
    parallelism = job.get("parallelism")
    if parallelism == 0 and not isinstance(parallelism, bool):
        return f"{kind} {name} has parallelism 0: it runs no pods, so is not reviewed"
    return None


def read_cron_job(workload: ImportedWorkload, spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """A CronJob's runs a month from its schedule and its Job template's pods; its Job template's spec."""
    job_spec = _mapping(_mapping(spec.get("jobTemplate")).get("spec"))
    workload.set("traffic.pattern", "scheduled")
    workload.set("traffic.protocols", ["schedule"])
    runs = counted_runs(spec.get("schedule"), workload.assume)
    _read_job_spec(workload, job_spec, runs)
    return job_spec


def read_job(workload: ImportedWorkload, spec: Mapping[str, Any]) -> None:
    """A Job: batch work run once each time it is applied (a guess: nothing says how often), of its pods."""
    workload.set("traffic.pattern", "batch")
    workload.set("traffic.protocols", ["schedule"])
    first = len(workload.assumptions)
    pods = _read_job_spec(workload, spec, 1)
    workload.guessed["traffic.requests_per_month"] = "a Job runs once each time it is applied"
    if workload.get("traffic.peak_rps") is not None:  # its pods at once, of runs whose number is a guess
        workload.guessed["traffic.peak_rps"] = "a Job runs once each time it is applied"
    runs = (
        JOB_RUNS
        if pods == 1
        else "give its pods a month in the usage file (traffic.requests_per_month: runs a month × "
        f"{pods} pods); priced at 1 run ({pods} pods) a month meanwhile"
    )
    workload.assume(f"{NO_RATE} a Job runs once each time it is applied, and nothing says how often: {runs}")
    workload.assumptions.insert(first, workload.assumptions.pop())  # said before what the Job spec says


def _read_job_spec(workload: ImportedWorkload, job_spec: Mapping[str, Any], runs: float | None) -> int:
    """Read a Job spec's pods a run, their concurrency and deadline, ``runs`` a month (None: not known) into the
    workload; the pods one run is. ``traffic.requests_per_month`` counts pods: ``completions`` of them a run (a work
    queue that gives only ``parallelism`` runs that many), up to ``parallelism`` at once."""
    completions = _count(workload, job_spec, "completions")
    parallelism = _count(workload, job_spec, "parallelism")
    pods = completions or parallelism or 1
    at_once = min(parallelism or 1, pods)
    if runs is not None:
        workload.set("traffic.requests_per_month", runs * pods)
    deadline = job_spec.get("activeDeadlineSeconds")
    if not (isinstance(deadline, int | float) and not isinstance(deadline, bool) and deadline > 0):
        deadline = None
    if pods > 1 or at_once > 1:
        given = ", ".join(
            f"{field} {value}" for field, value in (("completions", completions), ("parallelism", parallelism)) if value
        )
        workload.assume(
            f"{given}: a run is {pods} pods, up to {at_once} at once; priced per pod (traffic.requests_per_month "
            f"counts pods: {pods} a run)"
        )
    if deadline is None:
        return pods
    workload.set("runtime.max_duration_s", float(deadline))
    if pods == 1:
        workload.assume(f"max_duration_s from activeDeadlineSeconds ({deadline} s), the longest a run may take")
        return pods
    average = float(deadline) * at_once / pods
    workload.assume(
        f"activeDeadlineSeconds ({deadline} s) bounds the whole Job: max_duration_s {deadline} s, the longest one pod "
        "may take"
        + (
            f"; its {pods} pods, {at_once} at a time, all finish within it, so each averages at most {average:g} s "
            "(runtime.avg_duration_ms)"
            if pods > at_once
            else ""
        )
    )
    if pods > at_once:
        workload.set("runtime.avg_duration_ms", average * 1000.0)
    if at_once > 1:
        # at_once pods in flight at peak: as many pods start a second as finish (peak rate × duration = at_once)
        workload.set("traffic.peak_rps", at_once / average)
        workload.assume(
            f"{at_once} pods at once at peak: traffic.peak_rps {at_once} ÷ {average:g} s, the pods in flight "
            "(Lambda's concurrency, Fargate's vCPU quota)"
        )
    return pods


def _count(workload: ImportedWorkload, spec: Mapping[str, Any], field: str) -> int:
    """A Job spec's ``completions`` or ``parallelism``: a whole number of pods; 0 when not given or not one (said)."""
    value = spec.get(field)
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    workload.assume(f"{field} {value!r} is not a whole number of pods: not used")
    return 0


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
