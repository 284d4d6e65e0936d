"""How a score rule's headroom criterion says that a workload comes near a limit it is still within
(decider/scoring.py): the quantity in words (a workload field by its path, as the user wrote it; a derived fact in
words), its value and the limit with their unit, and the margin left."""

from __future__ import annotations

from collections.abc import Mapping

from decider.numbers import show

#: Each quantity a headroom reads: how it is named, and its unit.
WORDS: Mapping[str, tuple[str, str]] = {
    "derived.lambda_memory_mb": ("The Lambda memory setting it needs", " MB"),
    "derived.container_vcpu": ("A copy's vCPU", " vCPU"),
    "derived.container_disk_gb": ("A copy's disk (scratch and image)", " GB"),
    "runtime.max_duration_s": ("runtime.max_duration_s", " s"),
    "runtime.ephemeral_storage_gb": ("runtime.ephemeral_storage_gb", " GB"),
    "runtime.artifact_mb": ("runtime.artifact_mb", " MB"),
    "runtime.vcpu": ("runtime.vcpu", " vCPU"),
    "traffic.payload_mb": ("traffic.payload_mb", " MB"),
}


def near_limit(field: str, value: float, limit: float, whose: str, rule_id: str) -> str:
    """ "The Lambda memory setting it needs is 9,000 MB, within 12.1% of AWS Lambda's limit of 10,240 MB, with little
    room to grow (limits.lambda-memory).\""""
    label, unit = WORDS.get(field, (field, ""))
    margin = round((limit - value) / limit * 100.0, 1)
    said = f"{whose}'s limit of {show(limit)}{unit}"
    near = (
        f"at {said}, with no room to grow"
        if margin <= 0
        else f"within {show(margin)}% of {said}, with little room to grow"
    )
    return f"{label} is {show(value)}{unit}, {near} ({rule_id})."
