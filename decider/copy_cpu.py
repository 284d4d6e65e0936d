"""The CPU of one container copy, given or taken from its memory as Lambda would size it: decided when a workload is
read (decider/workload.py records it as an assumed field) and used by every fact and bill after."""

from __future__ import annotations

import math

from decider.defaults_said import LAMBDA_MAX_MEMORY_MB

#: Lambda gives one vCPU-equivalent per 1,769 MB of memory (Lambda quotas page).
LAMBDA_MB_PER_VCPU = 1769
LAMBDA_MIN_MEMORY_MB = 128
#: The vCPUs Lambda's largest memory setting (LAMBDA_MAX_MEMORY_MB) gives (Lambda quotas page: "up to 6 vCPU").
LAMBDA_MAX_VCPU = 6.0
#: (vCPU, largest memory in MB) for each Fargate CPU size, smallest first (ECS task sizes, aws-facts §2a).
FARGATE_CPU_MAX_MEMORY_MB: tuple[tuple[float, int], ...] = (
    (0.25, 2048),
    (0.5, 4096),
    (1, 8192),
    (2, 16384),
    (4, 30720),
    (8, 61440),
    (16, 122880),
    (32, 249856),
)
#: Fargate's long-standing largest task, before the 32 vCPU sizes: its row of the table above.
FARGATE_STANDARD_VCPU, FARGATE_STANDARD_MEMORY_MB = FARGATE_CPU_MAX_MEMORY_MB[-2]
#: The largest Fargate CPU size for Windows tasks (1, 2 or 4 vCPU).
WINDOWS_MAX_VCPU = 4.0


def lambda_equivalent_vcpu(memory_mb: float) -> float:
    """The CPU Lambda gives ``memory_mb`` (memory ÷ 1,769 MB per vCPU), unrounded; past Lambda's largest setting
    (10,240 MB) the CPU of that setting, about 5.8 vCPU. A copy with more memory than any function has no Lambda of
    the same work to match: its CPU stays at the most Lambda gives rather than growing with the memory (a 64 GB copy
    would otherwise be taken to need 37 vCPU), and the memory alone sizes it past that."""
    return min(max(memory_mb, LAMBDA_MIN_MEMORY_MB), LAMBDA_MAX_MEMORY_MB) / LAMBDA_MB_PER_VCPU


def container_vcpu_for(memory_mb: float, vcpu: float | None, os: str = "linux") -> float:
    """The vCPUs of one container copy: given, or the CPU Lambda gives the same memory (``lambda_equivalent_vcpu``)
    rounded to the nearest Fargate CPU size on a log scale (ties up), and never less than the smallest size that
    holds memory_mb, so a container and a function of the same memory are billed for the same work: sizes double, so
    a ratio measures how far each is from Lambda's (5.8 vCPU is nearer 8 than 4: 4 would buy 31% less CPU). A copy
    larger than any function gets the smallest size that holds its memory, at least that nearest Lambda's largest.
    Worked out once per memory and OS (``_ROUNDED``): every ranking of a decision's advice search asks again."""
    if vcpu is not None:
        return vcpu
    found = _ROUNDED.get((memory_mb, os))
    if found is None:
        if len(_ROUNDED) >= 4096:  # a long-running service meets many memories: keep the table bounded
            _ROUNDED.clear()
        found = _ROUNDED[(memory_mb, os)] = _rounded(memory_mb, os)
    return found


#: ``container_vcpu_for`` of a copy with no vCPUs given, by (memory, OS).
_ROUNDED: dict[tuple[float, str], float] = {}


def _rounded(memory_mb: float, os: str) -> float:
    smallest = next((cpu for cpu, max_memory in FARGATE_CPU_MAX_MEMORY_MB if memory_mb <= max_memory), None)
    if smallest is None:
        return float(math.ceil(memory_mb / 8192))
    lambda_vcpu = lambda_equivalent_vcpu(memory_mb)
    nearest = min(
        (cpu for cpu, _ in FARGATE_CPU_MAX_MEMORY_MB), key=lambda cpu: (abs(math.log(cpu / lambda_vcpu)), -cpu)
    )
    if os == "windows":
        nearest = min(nearest, WINDOWS_MAX_VCPU)
    return max(smallest, nearest)
