"""Decisions kept for repeated ``POST /recommend`` bodies (api/answers.py): the same bytes answered from memory under
the same rules, never across a reload, never for a refused body, and bounded by DECIDER_ANSWER_CACHE_MB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.answers import ENTRY_OVERHEAD_BYTES, Answers
from api.examples import CHECKOUT_API, NIGHTLY_JOB
from decider.rules.loader import load_ruleset
from tests.api.conftest import KEY, NO_EKS, ApiClient, ClientFactory, problem_of

HEADER = "x-decider-answer"
JSON = {"content-type": "application/json"}


def lookups(client: ApiClient, headers: dict[str, str] | None = None) -> dict[str, float]:
    text = client.get("/metrics", headers=headers or {}).text
    found = {}
    for line in text.splitlines():
        for outcome in ("hit", "miss"):
            if line.startswith(f'decider_answer_cache_lookups_total{{outcome="{outcome}"}}'):
                found[outcome] = float(line.split()[-1])
        if line.startswith("decider_answer_cache_bytes "):
            found["bytes"] = float(line.split()[-1])
    return found


def test_a_repeated_body_is_answered_with_the_same_bytes_without_deciding_again(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(CHECKOUT_API).encode()
    first = client.post("/recommend", content=body, headers=JSON)
    assert first.status_code == 200
    assert first.headers[HEADER] == "decided"

    def no_deciding(*_: object) -> None:
        raise AssertionError("a repeated body was decided again")

    monkeypatch.setattr("api.recommend._decide_one", no_deciding)
    again = client.post("/recommend", content=body, headers=JSON)
    assert again.status_code == 200
    assert again.headers[HEADER] == "cached"
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    counted = lookups(client)
    assert counted["hit"] == 1
    assert counted["miss"] == 1
    assert counted["bytes"] >= len(body) + len(first.content)
    # Each answer counts as a decision of its recommendation, cached or not.
    metrics = client.get("/metrics").text
    assert 'decider_decisions_total{recommendation="lambda"} 2.0' in metrics


def test_a_body_that_differs_in_any_byte_is_decided_anew(client: ApiClient) -> None:
    body = json.dumps(CHECKOUT_API)
    assert client.post("/recommend", content=body, headers=JSON).headers[HEADER] == "decided"
    spaced = client.post("/recommend", content=body + " ", headers=JSON)
    assert spaced.headers[HEADER] == "decided"
    other = client.post("/recommend", content=json.dumps(NIGHTLY_JOB), headers=JSON)
    assert other.headers[HEADER] == "decided"
    assert other.json()["name"] == NIGHTLY_JOB["name"]


def test_a_refused_body_is_refused_again_and_never_kept(client: ApiClient) -> None:
    bad = json.dumps({"runtime": {"memory_mb": "lots"}})
    for _ in range(2):
        problem_of(client.post("/recommend", content=bad, headers=JSON), 422)
    for _ in range(2):
        problem_of(client.post("/recommend", content=b'{"runtime": ', headers=JSON), 400)
    # A body sent with the wrong content type is refused before any lookup, even once its bytes were decided.
    good = json.dumps(CHECKOUT_API)
    client.post("/recommend", content=good, headers=JSON)
    problem_of(client.post("/recommend", content=good, headers={"content-type": "text/plain"}), 415)
    counted = lookups(client)
    assert counted["hit"] == 0
    assert counted["miss"] == 5  # the 422 and the 400 twice each, and the good body: each looked up, none kept


def test_a_rules_reload_empties_the_cache(make_client: ClientFactory, org_rules: Path) -> None:
    client = make_client(api_keys=(KEY,), rules_dirs=(str(org_rules),))
    headers = {"x-api-key": KEY, **JSON}
    body = json.dumps({"name": "cluster-app", "team": {"current_platform": "eks"}})
    before = client.post("/recommend", content=body, headers=headers)
    assert client.post("/recommend", content=body, headers=headers).headers[HEADER] == "cached"
    assert "org.no-eks" not in json.dumps(before.json()["excluded"])

    (org_rules / "policy.yaml").write_text(json.dumps(NO_EKS))
    assert client.post("/admin/reload", headers=headers).json()["changed"] is True
    after = client.post("/recommend", content=body, headers=headers)
    assert after.headers[HEADER] == "decided"
    assert "org.no-eks" in json.dumps(after.json()["excluded"])


def test_the_cache_is_off_at_zero(make_client: ClientFactory) -> None:
    client = make_client(answer_cache_mb=0)
    body = json.dumps(CHECKOUT_API)
    answers = [client.post("/recommend", content=body, headers=JSON) for _ in range(2)]
    assert [answer.headers[HEADER] for answer in answers] == ["decided", "decided"]
    assert answers[0].content == answers[1].content
    assert lookups(client) == {"hit": 0.0, "miss": 0.0, "bytes": 0.0}


def test_the_table_drops_the_least_recently_used_to_stay_within_its_limit() -> None:
    ruleset = load_ruleset()
    answer = b"x" * 1000
    entry = 2 + len(answer) + ENTRY_OVERHEAD_BYTES
    answers = Answers(limit_bytes=3 * entry)
    for body in (b"b1", b"b2", b"b3"):
        answers.put(body, ruleset, "lambda", answer)
    assert answers.get(b"b1", ruleset) == ("lambda", answer)  # b1 used last: b2 is now the oldest
    answers.put(b"b4", ruleset, "eks", answer)
    assert len(answers) == 3
    assert answers.held_bytes == 3 * entry
    assert answers.get(b"b2", ruleset) is None
    assert answers.get(b"b1", ruleset) is not None
    assert answers.get(b"b4", ruleset) == ("eks", answer)
    # An answer larger than the whole limit is not kept, and keeps what is there.
    answers.put(b"huge", ruleset, "lambda", b"y" * (4 * entry))
    assert answers.get(b"huge", ruleset) is None
    assert len(answers) == 3


def test_an_answer_decided_under_rules_no_longer_in_service_is_not_kept() -> None:
    old, new = load_ruleset(), load_ruleset()
    answers = Answers(limit_bytes=1 << 20)
    assert answers.get(b"{}", old) is None
    assert answers.get(b"{}", new) is None  # a request under the new rules arrived while the old one decided
    answers.put(b"{}", old, "lambda", b"{...}")
    assert answers.get(b"{}", new) is None
    assert len(answers) == 0
