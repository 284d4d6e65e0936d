"""POST /slack/commands in process: Slack's signature scheme, replays, configuration, and the answers it gives.

Requests are signed with the real algorithm (tests/api/slack_requests.py), not with slack_sdk, so the route is
checked against the scheme and not against itself.
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from api.slack import ReplayGuard, read_form
from decider.documents import read_file
from decider.slack.blocks import limit_problems
from decider.slack.keys import FLAGS, KEYS
from tests.api.slack_requests import (
    COMMANDS,
    FORM,
    SECRET,
    SlackClient,
    command_body,
    signed_headers,
    trigger_id,
)
from tests.slack.message_text import blocks_text

PATH = COMMANDS
PROBLEM = "application/problem+json"
CONTAINER_TARGETS = {"ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks"}


def send(client: SlackClient, text: str, **extra: str) -> httpx.Response:
    body = command_body(text, **extra)
    return client.post(body, signed_headers(body))


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackClient]:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    slack = SlackClient(create_app(Settings()))
    yield slack
    slack.close()


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["instance"] == PATH
    return body


# --- the answer ----------------------------------------------------------------------------------------------------


def test_a_twenty_minute_job_goes_to_a_container_and_the_answer_says_why_lambda_is_out(client: SlackClient) -> None:
    response = send(client, "duration=20m memory=2g")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert limit_problems(answer) == []
    assert answer["response_type"] == "ephemeral"
    header = answer["blocks"][0]["text"]["text"]
    top = next(block for block in answer["blocks"] if "fields" in block)["fields"][0]["text"]
    assert "Lambda" not in header
    assert any(name in header for name in ("ECS", "EKS"))
    assert "Lambda" not in top
    text = blocks_text(answer)
    excluded = next(
        block["text"]["text"] for block in answer["blocks"] if "*Excluded*" in block.get("text", {}).get("text", "")
    )
    assert "*AWS Lambda* is out" in excluded
    assert "15 minutes" in excluded
    assert "limits.lambda-max-duration" in excluded
    assert "asked: `/compute duration=20m memory=2g`" in text
    # 20-minute requests behind the load balancer priced: its idle timeout to raise, above the ranking
    assert "idle timeout (idle_timeout.timeout_seconds, 60 s by default) to 1,334 s" in text


def test_the_recommendation_matches_the_rest_api(client: SlackClient) -> None:
    slack = send(client, "duration=20m memory=2g rps=50 pattern=steady").json()
    rest = client.portal.call(
        lambda: client.http.post(
            "/recommend",
            json={
                "runtime": {"max_duration_s": 1200, "memory_mb": 2048},
                "traffic": {"peak_rps": 50, "pattern": "steady"},
            },
        )
    ).json()
    assert rest["recommendation"] in CONTAINER_TARGETS
    winner = rest["ranking"][0]
    ranking = next(block for block in slack["blocks"] if "fields" in block)
    assert ranking["fields"][0]["text"].startswith(f"*1. {winner['name']}*\nscore {winner['score']:.1f}")


def test_share_posts_in_the_channel(client: SlackClient) -> None:
    assert send(client, "memory=2g share").json()["response_type"] == "in_channel"
    assert send(client, "memory=2g").json()["response_type"] == "ephemeral"


def test_a_misspelt_key_gets_a_friendly_ephemeral_did_you_mean_with_status_200(client: SlackClient) -> None:
    response = send(client, "memroy=2g")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert limit_problems(answer) == []
    text = blocks_text(answer)
    assert "`memroy=2g`: unknown key 'memroy'" in text
    assert "did you mean `memory`?" in text
    assert "*Usage:*" in text


def test_a_value_out_of_bounds_is_answered_like_the_api_would(client: SlackClient) -> None:
    answer = send(client, "memory=50t").json()
    assert "less than or equal to 33554432" in blocks_text(answer)


def test_help_and_an_empty_command_answer_with_the_usage(client: SlackClient) -> None:
    for text in ("help", ""):
        answer = send(client, text).json()
        assert answer["response_type"] == "ephemeral"
        assert "`duration`" in blocks_text(answer)
        assert "Amazon ECS on AWS Fargate" in blocks_text(answer)  # the targets of the rules in service
        assert limit_problems(answer) == []


def test_the_command_name_slack_sends_is_used_in_the_answer(client: SlackClient) -> None:
    answer = send(client, "memroy=2g", command="/where").json()
    assert "`/where duration=20m memory=2g rps=50 [share]`" in blocks_text(answer)
    odd = send(client, "memroy=2g", command="not a command <!here>").json()
    assert "`/compute duration=20m" in blocks_text(odd)


def test_the_route_is_kept_out_of_the_public_openapi_document(client: SlackClient) -> None:
    document = client.get("/openapi.json").json()
    assert PATH not in document["paths"]
    assert "/recommend" in document["paths"]


# --- signatures ----------------------------------------------------------------------------------------------------


def test_a_request_signed_with_another_secret_is_401(client: SlackClient) -> None:
    body = command_body("memory=2g")
    body_json = problem_of(client.post(body, signed_headers(body, secret="not-the-secret")), 401)  # noqa: S106
    assert body_json["type"] == "urn:decider:problem:slack-signature"
    assert body_json["errors"][0]["location"] == "X-Slack-Signature"


def test_a_body_changed_after_signing_is_401(client: SlackClient) -> None:
    body = command_body("memory=2g")
    headers = signed_headers(body)
    problem_of(client.post(body.replace("memory%3D2g", "memory%3D4g"), headers), 401)


def test_a_stale_or_future_request_is_401_saying_which_even_when_correctly_signed(client: SlackClient) -> None:
    body = command_body("memory=2g")
    stale = problem_of(client.post(body, signed_headers(body, timestamp=int(time.time()) - 301 - 5)), 401)
    assert "too old" in stale["detail"]
    assert "outside the 5-minute window" in stale["detail"]
    assert re.fullmatch(r"is 30\d s before now; at most 300 s either way is accepted", stale["errors"][0]["message"])
    future = problem_of(client.post(body, signed_headers(body, timestamp=int(time.time()) + 400)), 401)
    assert future["errors"][0]["location"] == "X-Slack-Request-Timestamp"
    assert "in the future, outside the 5-minute window" in future["detail"]
    assert "old" not in future["detail"]
    assert re.fullmatch(
        r"is (399|400) s ahead of now; at most 300 s either way is accepted", future["errors"][0]["message"]
    )


def test_a_request_inside_the_window_is_accepted(client: SlackClient) -> None:
    body = command_body("memory=2g")
    assert client.post(body, signed_headers(body, timestamp=int(time.time()) - 240)).status_code == 200


def test_a_replayed_request_is_401(client: SlackClient) -> None:
    body = command_body("memory=2g")
    headers = signed_headers(body)
    assert client.post(body, headers).status_code == 200
    replay = problem_of(client.post(body, headers), 401)
    assert "already answered" in replay["detail"]


def test_a_forged_request_does_not_use_up_the_real_one(client: SlackClient) -> None:
    body = command_body("memory=2g")
    headers = signed_headers(body)
    forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
    problem_of(client.post(body, forged), 401)
    assert client.post(body, headers).status_code == 200


@pytest.mark.parametrize("missing", ["X-Slack-Request-Timestamp", "X-Slack-Signature"])
def test_a_missing_signature_header_is_401_naming_it(client: SlackClient, missing: str) -> None:
    body = command_body("memory=2g")
    headers = {name: value for name, value in signed_headers(body).items() if name != missing}
    problem = problem_of(client.post(body, headers), 401)
    assert missing in problem["errors"][0]["message"]


def test_an_unsigned_request_is_401(client: SlackClient) -> None:
    problem_of(client.post(command_body("memory=2g"), {"Content-Type": FORM}), 401)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": "-5", "X-Slack-Signature": "v0=" + "a" * 64},
        {"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v1=abc"},
        {"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v0=" + "A" * 64},
        {"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": ""},
    ],
)
def test_malformed_signature_headers_are_401_not_500(client: SlackClient, headers: dict[str, str]) -> None:
    stamped = {name: str(int(time.time())) if value == "NOW" else value for name, value in headers.items()}
    problem_of(client.post(command_body("memory=2g"), stamped), 401)


def test_a_signature_header_with_non_ascii_bytes_is_401_not_500(client: SlackClient) -> None:
    body = command_body("memory=2g")
    headers = [
        (b"x-slack-request-timestamp", str(int(time.time())).encode()),
        (b"x-slack-signature", b"v0=\xe9" + b"a" * 63),
    ]
    response = client.portal.call(lambda: client.http.post(PATH, content=body, headers=headers))
    problem_of(response, 401)


def test_a_signed_body_that_is_not_utf8_is_400_saying_so(client: SlackClient) -> None:
    body = b"text=\xff\xfe&command=%2Fcompute"
    problem = problem_of(client.post(body, signed_headers(body)), 400)
    assert problem["type"] == "urn:decider:problem:malformed-form"
    assert "not UTF-8 form data" in problem["detail"]
    assert problem["errors"] == [
        {"location": "body", "message": "not UTF-8: invalid start byte at byte 5", "suggestion": None}
    ]


@pytest.mark.parametrize("signing", ["unsigned", "forged", "another body's"])
def test_a_body_that_is_not_utf8_without_its_signature_is_401(client: SlackClient, signing: str) -> None:
    body = b"text=\xff\xfe&command=%2Fcompute"
    headers = {
        "unsigned": {"Content-Type": FORM},
        "forged": {**signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64},
        "another body's": signed_headers(b"text=\xff\xfd&command=%2Fcompute"),
    }[signing]
    problem = problem_of(client.post(body, headers), 401)
    assert problem["type"] == "urn:decider:problem:slack-signature"
    assert "UTF-8" not in str(problem)  # nothing is said about the body of a request Slack did not sign


def test_a_signed_body_that_is_not_utf8_is_checked_for_replays_too(client: SlackClient) -> None:
    body = b"text=\xff\xfe&command=%2Fcompute"
    headers = signed_headers(body)
    problem_of(client.post(body, headers), 400)
    assert "already answered" in problem_of(client.post(body, headers), 401)["detail"]


def test_a_signed_compressed_body_is_415_and_an_unsigned_one_401(client: SlackClient) -> None:
    body = gzip.compress(command_body("memory=2g").encode())
    compressed = {"Content-Encoding": "gzip"}
    problem = problem_of(client.post(body, {**signed_headers(body), **compressed}), 415)
    assert problem["type"] == "urn:decider:problem:unsupported-content-encoding"
    assert "'gzip'" in problem["detail"]
    problem_of(client.post(body, {"Content-Type": FORM, **compressed}), 401)


def test_a_signed_body_that_is_not_a_form_is_400(client: SlackClient) -> None:
    body = "text=memory%3D2g&&&=&broken"
    problem = problem_of(client.post(body, signed_headers(body)), 400)
    assert problem["type"] == "urn:decider:problem:malformed-form"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_a_signed_body_that_is_not_declared_a_form_is_415_naming_its_content_type(
    client: SlackClient, content_type: str | None
) -> None:
    body = '{"text": "memory=2g"}'
    headers = {name: value for name, value in signed_headers(body).items() if name != "Content-Type"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    problem = problem_of(client.post(body, headers), 415)
    assert problem["type"] == "urn:decider:problem:unsupported-media-type"
    got = repr(content_type) if content_type else "no content type"
    assert f"(got {got})" in problem["detail"]
    assert problem["errors"][0]["location"] == "Content-Type"
    unsigned = {name: value for name, value in headers.items() if not name.startswith("X-Slack")}
    problem_of(client.post(body, unsigned), 401)  # nothing is said about the body of a request Slack did not sign


def test_a_signed_command_form_without_a_text_field_is_400_naming_it(client: SlackClient) -> None:
    body = "command=%2Fcompute&user_id=U2147483697&trigger_id=" + trigger_id()
    problem = problem_of(client.post(body, signed_headers(body)), 400)
    assert problem["type"] == "urn:decider:problem:malformed-form"
    assert [entry["location"] for entry in problem["errors"]] == ["text"]
    assert problem["errors"][0]["message"].startswith("missing")


@pytest.mark.parametrize("field", ["text", "command"])
def test_a_signed_command_giving_a_field_twice_is_400_not_the_first_value(client: SlackClient, field: str) -> None:
    body = command_body("memory=2g") + "&" + urlencode({field: "memory=4g" if field == "text" else "/other"})
    problem = problem_of(client.post(body, signed_headers(body)), 400)
    assert problem["detail"] == f"the form gives {field} 2 times"
    assert problem["errors"][0]["location"] == field


# --- configuration and pings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_without_a_signing_secret_the_route_refuses_with_503(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    if secret is None:
        monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    else:
        monkeypatch.setenv("SLACK_SIGNING_SECRET", secret)
    slack = SlackClient(create_app(Settings()))
    try:
        body = command_body("memory=2g")
        problem = problem_of(slack.post(body, signed_headers(body)), 503)
        assert "SLACK_SIGNING_SECRET" in problem["detail"]
        assert problem["type"] == "urn:decider:problem:slack-not-configured"
        problem_of(slack.post("ssl_check=1&token=x", {"Content-Type": FORM}), 503)
    finally:
        slack.close()


def test_the_secret_is_read_from_either_environment_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("DECIDER_SLACK_SIGNING_SECRET", "abc")
    secret = Settings().slack_signing_secret
    assert secret is not None
    assert secret.get_secret_value() == "abc"
    assert "abc" not in repr(Settings())  # a SecretStr never shows in logs or reprs


def test_an_ssl_check_ping_gets_an_empty_200_and_nothing_is_decided(client: SlackClient) -> None:
    response = client.post("ssl_check=1&token=legacy", {"Content-Type": FORM})
    assert response.status_code == 200
    assert response.content == b""
    with_text = client.post(command_body("memory=2g", ssl_check="1"), {"Content-Type": FORM})
    assert with_text.status_code == 200
    assert with_text.content == b""


# --- the replay guard and the form reader ----------------------------------------------------------------------------


def test_the_replay_guard_forgets_pairs_once_their_window_has_passed() -> None:
    guard = ReplayGuard(window_s=300, capacity=100)
    assert guard.first_use("1000", "v0=a", now=1000)
    assert not guard.first_use("1000", "v0=a", now=1200)
    assert guard.first_use("1000", "v0=b", now=1200)
    # At 1302 the timestamp 1000 is outside the window: the verifier refuses it anyway, and the guard lets it go.
    assert guard.first_use("1302", "v0=c", now=1302)
    assert len(guard) == 1


def test_the_replay_guard_is_bounded() -> None:
    guard = ReplayGuard(window_s=300, capacity=3)
    for index in range(10):
        assert guard.first_use("1000", f"v0={index}", now=1000)
    assert len(guard) == 3
    assert not guard.first_use("1000", "v0=9", now=1000)


def test_read_form_is_strict_and_bounded() -> None:
    assert read_form(b"text=a%20b&command=%2Fcompute") == {"text": ["a b"], "command": ["/compute"]}
    assert read_form(b"text=") == {"text": [""]}
    assert read_form(b"text=a&text=b") == {"text": ["a", "b"]}
    assert read_form(b"") == {}
    assert read_form(b"a=1&&b") is None
    assert read_form("&".join(f"f{index}=1" for index in range(100)).encode()) is None
    assert read_form(b"\xff=1") is None


# --- no command text can cause a server error ------------------------------------------------------------------------

_KEY_WORDS = [key.name for key in KEYS] + ["memroy", "MEM", "runtime.memory_mb"]
_VALUES = st.sampled_from(["20m", "2g", "1.5gb", "3M", "-1", "1e400", "nan", "http,ws", '"a b"', "“x”", "50t"])
_token = st.one_of(
    st.builds(lambda key, value: f"{key}={value}", st.sampled_from(_KEY_WORDS), _VALUES | st.text(max_size=12)),
    st.sampled_from([flag.name for flag in FLAGS] + ["help", "share", "steady", "<!channel>", "&amp;"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200) | st.lists(_token, max_size=10).map(" ".join))
def test_no_command_text_causes_a_server_error(client: SlackClient, text: str) -> None:
    response = send(client, text)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert limit_problems(answer) == []
    assert answer["response_type"] in {"ephemeral", "in_channel"}


# --- the app manifest ------------------------------------------------------------------------------------------------


def test_the_slack_app_manifest_points_its_command_at_this_route() -> None:
    manifest = read_file(Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yaml")
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/compute"
    assert command["url"] == f"https://YOUR-HOST{PATH}"
    assert len(command["description"]) <= 2000
    assert len(command["usage_hint"]) <= 1000
    assert manifest["oauth_config"]["scopes"]["bot"] == ["commands"]
    display = manifest["display_information"]
    # Slack refuses a manifest whose name is over 35 characters, description over 140, long_description under 174.
    assert len(display["name"]) <= 35
    assert len(display["description"]) <= 140
    assert 174 <= len(display["long_description"]) <= 4000


def test_a_region_without_prices_is_answered_against_the_token_typed(client: SlackClient) -> None:
    response = send(client, "memory=2g region=zz-nowhere-9")
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert limit_problems(answer) == []
    text = blocks_text(answer)
    assert "`region=zz-nowhere-9`:" in text
    assert "zz-nowhere-9" in text
    assert "preferences.region" in text
