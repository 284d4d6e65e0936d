"""API-key authentication: when DECIDER_API_KEYS is set, every route but health needs a matching X-API-Key."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from api.problems import ApiProblem

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="Required when the server is configured with DECIDER_API_KEYS; otherwise ignored.",
)


def key_matches(given: str, accepted: tuple[str, ...]) -> bool:
    """Compare against every accepted key in constant time, so timing tells nothing about which part matched."""
    matched = False
    for key in accepted:
        matched |= hmac.compare_digest(given.encode(), key.encode())
    return matched


async def require_api_key(request: Request, key: Annotated[str | None, Security(api_key_header)] = None) -> None:
    """A FastAPI dependency: 401 problem unless no keys are configured or X-API-Key matches one."""
    accepted: tuple[str, ...] = request.app.state.settings.api_keys
    if not accepted:
        return
    if key is None:
        raise ApiProblem(401, "unauthorized", "this server requires an X-API-Key header")
    if not key_matches(key, accepted):
        raise ApiProblem(401, "unauthorized", "the X-API-Key header does not match any accepted key")
