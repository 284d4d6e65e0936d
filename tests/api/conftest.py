"""The REST API in process (httpx over ASGI, the app's lifespan run like a server would): the client, its factory,
and the problem+json shape every error answer shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from tests.api.slack_requests import SECRET as SLACK_SECRET
from tests.api.slack_requests import Slack, SlackClient

PROBLEM = "application/problem+json"
KEY = "k-0123456789"


class ApiClient:
    """A synchronous client for an app in process, with its lifespan (rules loading) run like a server would."""

    def __init__(self, app: FastAPI, *, lifespan: bool = True) -> None:
        self.app = app
        self._stack = ExitStack()
        self.portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())
        if lifespan:
            self._stack.enter_context(self.portal.wrap_async_context_manager(app.router.lifespan_context(app)))
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(lambda: self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.portal.call(self.http.aclose)
        self._stack.close()


ClientFactory = Callable[..., ApiClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    clients: list[ApiClient] = []

    def build(lifespan: bool = True, **settings: Any) -> ApiClient:
        client = ApiClient(create_app(Settings(**settings)), lifespan=lifespan)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> ApiClient:
    return make_client()


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check the RFC 9457 shape every error shares and return the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:decider:problem:")
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Slack]:
    monkeypatch.delenv("DECIDER_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SLACK_SECRET)
    client = SlackClient(create_app(Settings()))
    yield Slack(client)
    client.close()


@pytest.fixture
def org_rules(tmp_path: Path) -> Path:
    directory = tmp_path / "org"
    directory.mkdir()
    return directory


NO_EKS = [
    {
        "id": "org.no-eks",
        "category": "control",
        "effect": "exclude",
        "target": "eks",
        "when": {"field": "team.kubernetes_experience", "ne": "expert"},
        "because": "Platform policy: no EKS without Kubernetes experts.",
        "source": "https://wiki.example.com/platform/compute-policy",
    }
]
