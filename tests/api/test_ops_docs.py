"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served by decider itself (api/docs.py): the pages name no host but
the server's own, every file they load is answered here, and they stay outside the API key like /openapi.json."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from api.app import create_app
from api.docs import ASSETS, ASSETS_DIR
from api.settings import Settings
from tests.api.conftest import KEY, ApiClient, ClientFactory, problem_of

PAGES = ("/docs", "/redoc")
#: Where an HTML page or an inline script names something to load or link.
REFERENCE = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|\burl\s*:\s*["']([^"']+)["']""")
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


def references(html: str) -> list[str]:
    return [first or second for first, second in REFERENCE.findall(html)]


@pytest.mark.parametrize("page", PAGES)
def test_the_page_names_no_host_but_the_servers_own(client: ApiClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    hosts = {urlsplit(url if "//" in url else "//" + url).hostname for url in ABSOLUTE.findall(html)}
    assert hosts <= {"testserver"}, hosts  # the server's own (here: none at all, every link is a path)
    found = references(html)
    assert found
    assert all(reference.startswith("/") and not reference.startswith("//") for reference in found)


@pytest.mark.parametrize("page", PAGES)
def test_every_file_the_page_loads_is_served_here(client: ApiClient, page: str) -> None:
    for reference in references(client.get(page).text):
        response = client.get(reference)
        assert response.status_code == 200, reference
        assert response.content
        if reference.startswith("/docs/assets/"):
            name = reference.rsplit("/", 1)[1]
            assert response.headers["content-type"] == ASSETS[name]
            assert response.content == (ASSETS_DIR / name).read_bytes()
            assert "max-age" in response.headers["cache-control"]


def test_the_pages_load_the_openapi_document_and_the_packaged_assets(client: ApiClient) -> None:
    swagger = references(client.get("/docs").text)
    assert set(swagger) == {
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/favicon.png",
        "/openapi.json",
    }
    redoc = references(client.get("/redoc").text)
    assert set(redoc) == {"/docs/assets/redoc.standalone.js", "/docs/assets/favicon.png", "/openapi.json"}


def test_swagger_ui_asks_no_online_validator(client: ApiClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


@pytest.mark.parametrize("name", ["nope.js", "..%2Fpyproject.toml", "%2E%2E"])
def test_only_the_listed_assets_are_served(client: ApiClient, name: str) -> None:
    problem_of(client.get(f"/docs/assets/{name}"), 404)


def test_docs_need_no_api_key_but_the_api_still_does(make_client: ClientFactory) -> None:
    client = make_client(api_keys=(KEY,))
    for path in (*PAGES, "/docs/assets/swagger-ui-bundle.js", "/openapi.json"):
        assert client.get(path).status_code == 200, path
    assert client.get("/version").status_code == 401


def test_the_docs_are_not_operations_of_the_api(client: ApiClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {path for path in paths if path.startswith(("/docs", "/redoc"))}


@pytest.fixture
def proxied() -> Iterator[ApiClient]:
    """The app mounted under /decider by a proxy (what uvicorn --root-path /decider tells it)."""
    app = create_app(Settings())
    client = ApiClient(app)
    client.portal.call(client.http.aclose)
    client.http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, root_path="/decider"), base_url="http://testserver"
    )
    yield client
    client.close()


def test_behind_a_proxy_the_pages_load_from_under_its_path(proxied: ApiClient) -> None:
    for page in PAGES:
        found = references(proxied.get(f"/decider{page}").text)
        assert found
        assert all(reference.startswith("/decider/") for reference in found), found
        for reference in found:
            assert proxied.get(reference).status_code == 200, reference
