"""The workload as given with only its monthly volume changed, its defaults resolved: what a rerun at another volume
prices (the crossing checks of decider/crossings.py price a dozen or more volumes of one workload a decision).

``resolve_defaults`` (decider/workload.py) fills most defaults from fields a volume leaves as given: the pattern
(from the protocols), the durations, the protocols, the connections a copy holds, the team's experience. Only the
peak rate (when not given), the open WebSocket connections (when not given), the bursts a day, the copies kept up for
bursts and Lambda's environments kept warm read the volume (through the average rate and the peak). ``AtVolume``
resolves the workload in full once, then fills only those for each other volume, with the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from decider.advice import apply
from decider.defaults_said import for_bursts
from decider.traffic_profile import peak_factor
from decider.websocket import connection_defaults
from decider.workload import PEAK_TO_AVERAGE, SECONDS_PER_MONTH, Runtime, Traffic, Workload, resolve_defaults

VOLUME = "traffic.requests_per_month"


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A workload resolved at one volume, and what its other volumes are resolved from."""

    workload: Workload
    given_traffic: Traffic
    """The traffic as given, with what resolving fills before the volume is read (a flat profile dropped, the pattern
    assumed from the protocols): what ``for_bursts`` and ``connection_defaults`` read."""
    given_runtime: Runtime
    factor: float
    """The peak-to-average factor of the pattern and profile (``peak_factor``)."""
    avg_ms: float
    """The average duration, resolved (ms)."""


class AtVolume:
    """``resolve_defaults(apply(given, {"traffic.requests_per_month": volume}), record=False).workload`` for any
    volume of ``given``.

    It keeps the first volume's workload resolved in full (``_resolved``), keyed on nothing but the workload as given,
    which it holds: every default but those a volume moves (the module's docstring) is filled from fields a volume
    change leaves as given, so it is the same at every volume; those the volume moves are filled anew for each, by the
    functions ``resolve_defaults`` fills them with, from the same inputs. tests/test_volume_rerun.py checks the
    workloads are those resolved in full, field by field, for generated workloads and volumes."""

    def __init__(self, given: Workload) -> None:
        self.given = given
        self._resolved: _Resolved | None = None

    def __call__(self, volume: float) -> Workload:
        resolved = self._resolved
        if resolved is None:
            workload = resolve_defaults(apply(self.given, {VOLUME: volume}), record=False).workload
            self._resolved = _reference(self.given, workload)
            return workload
        given_traffic, given_runtime, reference = resolved.given_traffic, resolved.given_runtime, resolved.workload
        peak = given_traffic.peak_rps
        if peak is None:
            peak = volume / SECONDS_PER_MONTH * resolved.factor
        rate = volume / SECONDS_PER_MONTH
        protocols = reference.protocols
        connections, _ = connection_defaults(given_traffic, given_runtime, "websocket" in protocols, rate, [], [])
        kept, burst, warm, bursts = for_bursts(
            given_traffic, given_runtime, protocols, rate, resolved.avg_ms, [], [], peak
        )
        warmed = warm[0] if warm is not None else given_runtime.provisioned_concurrency
        runtime = reference.runtime.model_copy(update={"min_copies": kept, "provisioned_concurrency": warmed})
        runtime._burst_copies, runtime._warm_environments = burst, warm
        filled = {"requests_per_month": volume, "peak_rps": peak, "connections": connections, "bursts_per_day": bursts}
        return reference.model_copy(update={"runtime": runtime, "traffic": reference.traffic.model_copy(update=filled)})


def _reference(given: Workload, workload: Workload) -> _Resolved:
    """``workload`` (``given`` resolved at one volume) with what its other volumes are resolved from."""
    traffic = workload.traffic
    before = given.traffic.model_copy(update={"pattern": traffic.pattern, "hourly_profile": traffic.hourly_profile})
    factor, _ = peak_factor(PEAK_TO_AVERAGE[traffic.pattern], traffic.pattern, traffic.hourly_profile)
    return _Resolved(workload, before, given.runtime, factor, _avg_ms(workload))


def _avg_ms(workload: Workload) -> float:
    """The resolved average duration as ``resolve_defaults`` set it (ms)."""
    avg_ms = workload.runtime.avg_duration_ms
    if avg_ms is None:  # resolve_defaults fills it
        raise ValueError("workload defaults not resolved")
    return avg_ms
