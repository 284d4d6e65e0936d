"""``GET /`` (api/index.py): a small self-contained HTML page linking the docs, the OpenAPI document and /healthz."""

from __future__ import annotations

import re

import decider
from api.index import render_index
from tests.api.conftest import KEY, ApiClient, ClientFactory

LINK = re.compile(r'href="([^"]+)"')


def test_the_index_is_html_linking_the_docs_and_health(client: ApiClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert LINK.findall(response.text) == ["/docs", "/redoc", "/openapi.json", "/healthz"]
    assert f"decider {decider.__version__}" in response.text


def test_every_link_of_the_index_answers(client: ApiClient) -> None:
    for link in LINK.findall(client.get("/").text):
        assert client.get(link).status_code == 200, link


def test_the_index_loads_nothing_from_anywhere(client: ApiClient) -> None:
    html = client.get("/").text
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html


def test_the_index_needs_no_api_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY,))
    assert client.get("/").status_code == 200
    assert client.get("/version").status_code == 401


def test_links_follow_the_proxy_path_and_text_is_escaped() -> None:
    html = render_index('/a"b')
    assert 'href="/a&quot;b/docs"' in html
    assert '"/a"b' not in html


def test_the_index_is_not_an_operation_of_the_api(client: ApiClient) -> None:
    assert "/" not in client.get("/openapi.json").json()["paths"]
