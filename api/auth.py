"""API-key authentication: when DECIDER_API_KEYS is set, every route but health needs a matching X-API-Key."""

from __future__ import annotations

import hmac

from fastapi.security import APIKeyHeader
from starlette.requests import HTTPConnection

from api.problems import ApiProblem


def key_matches(given: str, accepted: tuple[str, ...]) -> bool:
    """Compare against every accepted key in constant time, so timing tells nothing about which part matched."""
    matched = False
    for key in accepted:
        matched |= hmac.compare_digest(given.encode(), key.encode())
    return matched


class ApiKeyCheck(APIKeyHeader):
    """The X-API-Key security scheme and its check in one FastAPI dependency.

    Being the scheme, it puts ``ApiKey`` in the OpenAPI document as APIKeyHeader does; being the check, FastAPI
    solves one dependency per protected request instead of two (a check depending on the header scheme).
    """

    async def __call__(self, request: HTTPConnection) -> None:
        """401 problem unless no keys are configured or X-API-Key matches one."""
        accepted: tuple[str, ...] = request.app.state.settings.api_keys
        if not accepted:
            return
        key = await super().__call__(request)  # None when the header is missing or empty
        if key is None:
            raise ApiProblem(401, "unauthorized", "this server requires an X-API-Key header")
        if not key_matches(key, accepted):
            raise ApiProblem(401, "unauthorized", "the X-API-Key header does not match any accepted key")


API_KEY_SCHEME = "ApiKey"

require_api_key = ApiKeyCheck(
    name="X-API-Key",
    auto_error=False,
    scheme_name=API_KEY_SCHEME,
    description="Required on every route but /healthz, /readyz, the docs and /slack when the server is configured "
    "with DECIDER_API_KEYS (a missing or wrong key is 401); a server without keys ignores it. Each operation "
    "therefore lists the key and no key as its two ways in.",
)
