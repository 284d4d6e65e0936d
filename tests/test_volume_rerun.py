"""A rerun at another volume (decider/volume_rerun.py ``AtVolume``) resolves the workload as resolving it in full
does: every field of every section, its type, the fields counted as set and what resolving keeps aside, at every
volume, whichever volume came first."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from decider.advice import apply
from decider.errors import WorkloadError
from decider.volume_rerun import AtVolume
from decider.workload import SECTIONS, Workload, resolve_defaults, validate_workload
from tests.test_properties import CONTROL, PREFERENCES, RUNTIME, TEAM, TRAFFIC

#: Every field a volume's defaults read, or that fills one: the peak, the connections, the bursts, the copies and
#: environments kept up, the profile, the front door (which fills the protocols of events), the network.
RUNTIME_MORE = st.fixed_dictionaries(
    {},
    optional={
        "min_copies": st.integers(0, 30),
        "provisioned_concurrency": st.integers(0, 200),
        "connections_per_copy": st.integers(1, 100_000),
    },
)
PROFILES = st.one_of(
    st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 5.0, 40.0]), min_size=24, max_size=24),
    st.lists(st.sampled_from([1.0, 3.0]), min_size=168, max_size=168),
    st.just([2.0] * 24),  # flat: taken as none
).filter(any)
TRAFFIC_MORE = st.fixed_dictionaries(
    {},
    optional={
        "hourly_profile": PROFILES,
        "bursts_per_day": st.sampled_from([0.5, 1.0, 24.0, 200.0, 1440.0]),
        "front_door": st.sampled_from(["http-api", "rest-api", "alb", "function-url", "none"]),
        "latency_slo_ms": st.sampled_from([10.0, 100.0, 500.0, 3000.0]),
        "pattern": st.sampled_from(["spiky", "event", "diurnal", "steady"]),
    },
)
NETWORK = st.fixed_dictionaries(
    {},
    optional={"vpc": st.booleans(), "nat_gateways": st.integers(0, 3), "egress_gb_per_month": st.sampled_from([0, 50])},
)


def _merged(first: st.SearchStrategy[dict[str, Any]], second: st.SearchStrategy[dict[str, Any]]) -> Any:
    return st.tuples(first, second).map(lambda pair: {**pair[0], **pair[1]})


#: A service whose clients come in bursts at a peak it names, with a latency target: the copies and environments
#: kept up for its bursts are assumed, and move with the volume.
BURSTING = st.fixed_dictionaries(
    {
        "runtime": _merged(
            RUNTIME.map(lambda runtime: {key: value for key, value in runtime.items() if key != "long_running"}),
            st.fixed_dictionaries({"startup_s": st.sampled_from([0.2, 1.0, 5.0, 30.0])}),
        ),
        "traffic": _merged(
            TRAFFIC_MORE,
            st.fixed_dictionaries(
                {
                    "pattern": st.sampled_from(["spiky", "event"]),
                    "peak_rps": st.sampled_from([1.0, 50.0, 2_000.0, 40_000.0]),
                    "latency_slo_ms": st.sampled_from([50.0, 300.0, 2_000.0]),
                    "protocols": st.sampled_from([["http"], ["grpc"], ["websocket"], ["http", "websocket"]]),
                },
                optional={"connections": st.sampled_from([10.0, 50_000.0])},
            ),
        ),
    },
    optional={"preferences": PREFERENCES, "network": NETWORK},
)
ANY = st.fixed_dictionaries(
    {},
    optional={
        "runtime": _merged(RUNTIME, RUNTIME_MORE),
        "traffic": _merged(TRAFFIC, TRAFFIC_MORE),
        "control": CONTROL,
        "team": TEAM,
        "preferences": PREFERENCES,
        "network": NETWORK,
    },
)
WORKLOADS = st.one_of(ANY, BURSTING)
VOLUMES = st.lists(
    st.one_of(
        st.floats(min_value=1.0, max_value=1e13, allow_nan=False),
        st.sampled_from([0.0, 1.0, 30.0, 1e6, 2.5e7, 4.4e9]),
    ),
    min_size=1,
    max_size=6,
)


def _said(model: BaseModel) -> tuple[Any, ...]:
    """Everything a section or workload holds: each value with its type (1 is not 1.0), as its repr, the fields set
    and the private attributes."""
    values = tuple((name, type(value).__name__, repr(value)) for name, value in model.__dict__.items())
    private = model.__pydantic_private__
    return type(model).__name__, values, sorted(model.__pydantic_fields_set__), repr(private)


def _whole(workload: Workload) -> tuple[Any, ...]:
    return _said(workload), tuple(_said(getattr(workload, section)) for section in SECTIONS)


def _full(given_workload: Workload, volume: float) -> Any:
    try:
        return _whole(
            resolve_defaults(apply(given_workload, {"traffic.requests_per_month": volume}), record=False).workload
        )
    except (ValueError, ArithmeticError) as error:
        return type(error)


@given(WORKLOADS, VOLUMES)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_volume_s_workload_is_the_one_resolved_in_full(raw: dict[str, Any], volumes: list[float]) -> None:
    try:
        given_workload = validate_workload(raw)
    except WorkloadError:
        return  # a combination the contract refuses
    at_volume = AtVolume(given_workload)
    for volume in volumes:
        try:
            fast: Any = _whole(at_volume(volume))
        except (ValueError, ArithmeticError) as error:
            fast = type(error)
        assert fast == _full(given_workload, volume), volume
