"""Property audit, round 28: a TCP or UDP service scaled to no copy is warned as an HTTP one is (F3), and the list a
text of words makes is one the field takes (F4)."""

from __future__ import annotations

from typing import Any

import pytest

from decider import Ruleset, decide, parse_workload
from decider.errors import WorkloadError


def service(protocols: list[str], **runtime: Any) -> dict[str, Any]:
    return {
        "name": "listener",
        "runtime": {"max_duration_s": 0.2, **runtime},
        "traffic": {"pattern": "diurnal", "requests_per_month": 10_000, "protocols": protocols},
    }


@pytest.mark.parametrize("protocol", ["tcp", "udp"])
def test_a_stream_service_scaled_to_no_copy_is_warned(protocol: str, ruleset: Ruleset) -> None:
    decision = decide(parse_workload(service([protocol], min_copies=0)), ruleset)
    warned = [text for text in decision.warnings if text.startswith("runtime.min_copies is 0")]
    assert len(warned) == 1
    assert f"(traffic.protocols: {protocol})" in warned[0]
    assert "Network Load Balancer has no target to forward a connection to" in warned[0]
    # the bill it warns of: the container target scaled to no copy while idle
    entry = next(entry for entry in decision.ranking if entry.target == decision.recommendation)
    assert entry.sizing is not None
    assert getattr(entry.sizing, "min_copies", None) == 0


def test_a_stream_service_kept_up_or_an_http_one_is_warned_once_as_itself(ruleset: Ruleset) -> None:
    kept = decide(parse_workload(service(["tcp"], min_copies=1)), ruleset)
    assert not [text for text in kept.warnings if text.startswith("runtime.min_copies")]
    both = decide(parse_workload(service(["http", "tcp"], min_copies=0)), ruleset)
    warned = [text for text in both.warnings if text.startswith("runtime.min_copies is 0")]
    assert len(warned) == 1
    assert "answers 503" in warned[0]  # the HTTP wording: the load balancer in front is an ALB


def _problem(traffic: dict[str, Any]) -> str:
    with pytest.raises(WorkloadError) as caught:
        parse_workload({"name": "x", "traffic": traffic})
    return str(caught.value)


def test_two_words_that_make_an_allowed_value_are_read_as_it() -> None:
    told = _problem({"protocols": "web socket"})
    assert "[websocket] in YAML" in told
    assert "[web," not in told


def test_a_word_nothing_allowed_is_near_is_left_out_of_the_list_suggested() -> None:
    told = _problem({"protocols": "api, queue, websocet"})
    assert "'api' is not allowed" in told
    assert '["queue", "websocket"] in JSON' in told
    parse_workload({"name": "x", "traffic": {"protocols": ["queue", "websocket"]}})  # the list suggested is taken


def test_an_empty_text_for_a_list_is_told_what_the_list_may_hold() -> None:
    told = _problem({"protocols": ""})
    assert "give a list of any of http, grpc, websocket" in told


def test_blank_text_for_a_list_is_told_what_the_list_may_hold_not_one_value() -> None:
    told = _problem({"protocols": "  "})
    assert "give a list of any of http, grpc, websocket" in told
    assert "list of one" not in told


def test_numbers_json_would_refuse_as_written_are_told_back_as_json_writes_them() -> None:
    told = _problem({"hourly_profile": "1.5 2. 3e2 01"})
    assert "[1.5, 2, 3e2, 1] in JSON" in told
