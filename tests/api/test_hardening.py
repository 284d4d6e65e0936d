"""The API under attack: bounded answers to huge invalid bodies, no 500 on odd input, settings that cannot fail open,
work bounded off the event loop, and reloads that are honest about prices and never take the server down."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest

import api.chart
import api.recommend
import api.slack
import api.slack_interactions
from api.connections import CONCURRENCY_EXCEEDED, RepeatsOncePerInterval, resource_errors_once
from api.settings import Settings, get_settings
from api.state import RulesetHolder
from api.work import Work
from decider.errors import MAX_PROBLEMS, RulesError, SettingsError
from tests.api.conftest import KEY, ClientFactory, problem_of
from tests.api.slack_requests import Slack, buttons_of, winner_of
from tests.conftest import SHIPPED_RULES_DIR

JSON = {"content-type": "application/json"}
UNKNOWN_FIELDS = 80_000


def flood() -> dict[str, int]:
    """A body of about 850 KB: 80,000 unknown fields."""
    return {f"f{index}": 1 for index in range(UNKNOWN_FIELDS)}


def assert_capped(errors: list[dict[str, Any]]) -> None:
    assert len(errors) == MAX_PROBLEMS + 1
    unlisted = UNKNOWN_FIELDS - MAX_PROBLEMS
    assert errors[-1]["message"] == f"and {unlisted:,} more problems (only the first {MAX_PROBLEMS} are listed)"


def test_a_body_of_80k_unknown_fields_gets_a_small_answer_listing_50_and_counting_the_rest(
    make_client: ClientFactory,
) -> None:
    client = make_client()
    answer = client.post("/recommend", content=json.dumps(flood()), headers=JSON)
    assert_capped(problem_of(answer, 422)["errors"])
    assert len(answer.content) < 20_000

    answer = client.post("/review", json={"workloads": [{"name": "x", "workload": flood()}]})
    assert_capped(problem_of(answer, 422)["errors"])
    assert len(answer.content) < 20_000

    answer = client.post("/recommend/batch", json={"workloads": [flood()]})
    assert answer.status_code == 200
    assert_capped(answer.json()["results"][0]["problem"]["errors"])
    assert len(answer.content) < 20_000


def _recording_thread(on_loop: list[bool], function: Any) -> Any:
    """``function``, recording for each call whether it ran on the event loop's thread or in a worker thread."""

    def recording(*args: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no loop in this thread: a worker thread
            on_loop.append(False)
        return function(*args)

    return recording


def test_every_body_is_validated_and_decided_off_the_event_loop(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision with its counterfactual search takes milliseconds to tens of them: on the event loop, /healthz and
    every other request would wait behind it, however small its body."""
    on_loop: list[bool] = []
    monkeypatch.setattr(api.recommend, "_decide_one", _recording_thread(on_loop, api.recommend._decide_one))
    client = make_client()
    assert client.post("/recommend", json={"name": "small"}).status_code == 200
    large = {"name": "large", "traffic": {"pattern": "steady"}, **flood()}
    assert client.post("/recommend", json=large).status_code == 422
    assert on_loop == [False, False]


def test_the_chart_and_slack_decide_off_the_event_loop(
    make_client: ClientFactory, slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_loop: list[bool] = []
    for module in (api.chart, api.slack, api.slack_interactions):
        monkeypatch.setattr(module, "decide", _recording_thread(on_loop, module.decide))
    chart = make_client().post("/recommend/chart", json={"name": "small"}, headers={"accept": "image/svg+xml"})
    assert chart.status_code == 200
    answer = slack.command("duration=2h memory=4g privileged")
    what_if = next(element for element in buttons_of(answer).values() if element["action_id"].startswith("what-if-"))
    assert winner_of(slack.answer_to(what_if))
    assert on_loop == [False, False, False]


def test_echoed_values_are_cut_short(make_client: ClientFactory) -> None:
    answer = make_client().post("/recommend", json={"name": "x" * 900_000})
    (error,) = problem_of(answer, 422)["errors"]
    assert error["location"] == "name"
    assert error["message"].endswith("… (899,922 more characters)")
    assert len(answer.content) < 2_000


def test_a_5000_digit_integer_is_a_plain_400(make_client: ClientFactory) -> None:
    answer = make_client().post("/recommend", content=b'{"runtime": {"memory_mb": ' + b"9" * 5000 + b"}}", headers=JSON)
    (error,) = problem_of(answer, 400)["errors"]
    assert error["message"] == "not valid JSON: an integer has too many digits"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/recommend", b'{"\\ud800": 1}'),
        ("/review", b'{"workloads": [{"name": "x", "workload": {"\\ud800": 1}}]}'),
        ("/review", b'{"workloads": [{"name": "\\ud800", "workload": {}}]}'),
    ],
)
def test_lone_surrogates_are_422_not_500(make_client: ClientFactory, path: str, body: bytes) -> None:
    problem_of(make_client().post(path, content=body, headers=JSON), 422)


def test_a_lone_surrogate_in_a_batch_is_that_items_422(make_client: ClientFactory) -> None:
    answer = make_client().post("/recommend/batch", content=b'{"workloads": [{"\\ud800": 1}, {}]}', headers=JSON)
    assert answer.status_code == 200
    first, second = answer.json()["results"]
    assert first["problem"]["status"] == 422
    assert "decision" in second


@pytest.mark.parametrize("value", [" , ", ",", ""])
def test_api_keys_set_but_empty_refuse_to_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DECIDER_API_KEYS", value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as error:
            get_settings()
        assert error.value.problems[0].location == "DECIDER_API_KEYS"
        assert error.value.problems[0].message.startswith("is set but holds no key")  # no "Value error," prefix
    finally:
        get_settings.cache_clear()


def test_keys_required_but_missing_refuse_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="is on but DECIDER_API_KEYS holds no key"):
        Settings(require_api_keys=True)
    assert Settings(require_api_keys=True, api_keys=("k",)).api_keys == ("k",)
    monkeypatch.setenv("DECIDER_REQUIRE_API_KEYS", "true")
    monkeypatch.delenv("DECIDER_API_KEYS", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as error:
            get_settings()
        [problem] = error.value.problems
        assert problem.location == "DECIDER_REQUIRE_API_KEYS"  # the variable to look at, not "DECIDER"
        assert problem.message.startswith("is on but DECIDER_API_KEYS holds no key")
    finally:
        get_settings.cache_clear()


def test_start_up_says_whether_authentication_is_on(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="decider.api"):
        make_client()
        make_client(api_keys=(KEY,))
    lines = [record.getMessage() for record in caplog.records if "authentication" in record.getMessage()]
    assert lines == [
        "authentication is off: DECIDER_API_KEYS is not set, so every route answers without a key",
        "authentication is on: 1 API key(s) accepted in X-API-Key",
    ]


def test_batches_run_at_most_batch_concurrency_at_once() -> None:
    work = Work(batch_concurrency=2)
    running = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def job() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(5)
        with lock:
            running -= 1

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(work.run_batch, job)
            await anyio.sleep(0.3)
            release.set()

    anyio.run(main)
    assert most == 2


# -- reloads ----------------------------------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped rules that DECIDER_RULES_DIR points at, to change on disk."""
    copy = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES_DIR, copy)
    monkeypatch.setenv("DECIDER_RULES_DIR", str(copy))
    return copy


def test_a_price_only_change_is_a_changed_reload_with_a_new_pricing_digest(
    make_client: ClientFactory, shipped_copy: Path
) -> None:
    client = make_client(api_keys=(KEY,))
    headers = {"X-API-Key": KEY}
    before = client.get("/version", headers=headers).json()
    book = shipped_copy / "pricing" / "us-east-1.yaml"
    book.write_text(book.read_text().replace("usd: 0.20\n", "usd: 0.25\n", 1))
    reloaded = client.post("/admin/reload", headers=headers).json()
    after = client.get("/version", headers=headers).json()
    assert reloaded["changed"] is True
    assert after["ruleset"]["digest"] == before["ruleset"]["digest"]
    assert after["pricing_digest"] != before["pricing_digest"]
    assert reloaded["pricing_digest"] == after["pricing_digest"]


@pytest.mark.parametrize(
    "attack",
    [
        pytest.param("fifo", id="a FIFO in the rules folder"),
        pytest.param("- id: deep\n  when: " + "{not: " * 600 + "{field: x, eq: 1}" + "}" * 600 + "\n", id="600 nots"),
    ],
)
def test_a_reload_that_cannot_load_is_422_and_the_rules_stay(
    make_client: ClientFactory, tmp_path: Path, attack: str
) -> None:
    client = make_client(api_keys=(KEY,), rules_dirs=(str(tmp_path),))
    headers = {"X-API-Key": KEY}
    before = client.get("/version", headers=headers).json()
    if attack == "fifo":
        os.mkfifo(tmp_path / "rules.yaml")
    else:
        (tmp_path / "rules.yaml").write_text(attack)
    problem = problem_of(client.post("/admin/reload", headers=headers), 422)
    assert problem["errors"][0]["location"].startswith(str(tmp_path / "rules.yaml"))
    assert client.get("/version", headers=headers).json() == before


def test_a_reload_past_its_deadline_is_abandoned_and_the_rules_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    holder = RulesetHolder(())
    holder.load()
    before = holder.current
    stuck = threading.Event()
    monkeypatch.setattr(holder, "load", lambda timeout_s=None: stuck.wait(10))
    with pytest.raises(RulesError, match=r"the reload took more than 0\.2 s; the rules in service stay"):
        anyio.run(holder.reload, 0.2)
    stuck.set()
    assert holder.current is before


def test_a_new_worker_serves_the_last_good_rules_when_the_files_on_disk_are_bad(tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    first = RulesetHolder((str(org),), snapshots).load()
    (org / "broken.yaml").write_text("rules:\n  - id: [unclosed\n")
    with pytest.raises(RulesError):
        RulesetHolder((str(org),)).load_at_start()  # one worker, no snapshot: start-up fails, as it should
    replacement = RulesetHolder((str(org),), snapshots).load_at_start()
    assert replacement.ruleset.digest == first.ruleset.digest
    assert replacement.ruleset.pricing_digest == first.ruleset.pricing_digest


def test_rules_show_paths_relative_to_their_folder(make_client: ClientFactory, tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(
        "- id: org.steady\n  category: traffic\n  effect: score\n  impacts: {lambda: 1}\n"
        "  when: {field: traffic.pattern, eq: steady}\n  because: steady\n  source: https://example.com\n"
    )
    rules = make_client(rules_dirs=(str(tmp_path),)).get("/rules").json()["rules"]
    files = {rule["file"] for rule in rules}
    assert f"{tmp_path.name}/org.yaml" in files
    assert all(not file.startswith("/") for file in files)
    assert all(re.fullmatch(r"[\w./-]+\.ya?ml", file) for file in files)


def test_the_openapi_document_declares_the_key_optional(make_client: ClientFactory) -> None:
    document = make_client().get("/openapi.json").json()
    secured = [
        operation["security"]
        for path in document["paths"].values()
        for operation in path.values()
        if "security" in operation
    ]
    assert len(secured) >= 10
    assert all(security == [{"ApiKey": []}, {}] for security in secured)


# -- connections ------------------------------------------------------------------------------------------------


class FakeLoop:
    def __init__(self) -> None:
        self.defaults: list[dict[str, Any]] = []

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        self.defaults.append(context)


def test_running_out_of_sockets_is_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    handle = resource_errors_once(interval_s=10, clock=lambda: now[0])
    loop = FakeLoop()
    emfile = {"message": "socket.accept() out of system resource", "exception": OSError(24, "Too many open files")}
    with caplog.at_level(logging.ERROR, logger="decider.api"):
        for _ in range(1000):
            handle(loop, emfile)  # type: ignore[arg-type]
        now[0] = 11
        handle(loop, emfile)  # type: ignore[arg-type]
        handle(loop, {"message": "something else", "exception": ValueError("x")})  # type: ignore[arg-type]
    assert [record.getMessage() for record in caplog.records] == [
        "out of a resource while accepting connections: Too many open files",
        "out of a resource while accepting connections: Too many open files (999 more since the last report)",
    ]
    assert all(record.exc_info is None for record in caplog.records)
    assert [context["message"] for context in loop.defaults] == ["something else"]


def test_the_concurrency_warning_is_rate_limited() -> None:
    repeats = RepeatsOncePerInterval(CONCURRENCY_EXCEEDED, interval_s=3600)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 0, message, (), None)

    passed = [repeats.filter(record(CONCURRENCY_EXCEEDED)) for _ in range(500)]
    assert passed.count(True) == 1
    assert repeats.filter(record("another message"))
