"""API settings from ``DECIDER_*`` environment variables, read once when an app is created (never at import)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from decider.errors import SettingsError
from decider.validation import Wording, problems_from_validation

MIB = 1024 * 1024
#: A bad setting is named by its environment variable, with the value it has.
WORDING = Wording(link="_", separator="_", upper=True, values="always")


class Settings(BaseSettings):
    """What an operator can configure; every field has a ``DECIDER_`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="DECIDER_", extra="ignore", frozen=True)

    rules_dirs: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Extra organisation rule folders, separated by ':' (os.pathsep) or ','."
    )
    max_body_bytes: int = Field(MIB, ge=1, description="Largest request body accepted, bytes; larger gets 413.")
    api_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Accepted X-API-Key values, comma-separated; empty means no authentication."
    )
    require_api_keys: bool = Field(
        False, description="Refuse to start unless DECIDER_API_KEYS holds at least one key (so auth cannot fail open)."
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    batch_concurrency: int = Field(
        2, ge=1, le=64, description="Batches and reviews worked on at once per worker; more wait their turn."
    )
    header_timeout_s: float = Field(
        10.0, gt=0, le=600, description="Seconds a connection may take to send a request's headers; then it is closed."
    )
    body_timeout_s: float = Field(
        30.0, gt=0, le=3600, description="Seconds a request may take to send its body; then the connection is closed."
    )
    keep_alive_s: int = Field(5, ge=1, le=600, description="Seconds an idle keep-alive connection is kept open.")
    limit_concurrency: int = Field(
        256, ge=1, description="Connections and requests a worker holds at once; past it, new requests get 503."
    )
    limit_max_requests: int | None = Field(
        None, ge=1, description="Requests a worker serves before it is replaced (unset: no limit)."
    )
    reload_timeout_s: float = Field(
        30.0, gt=0, le=600, description="Seconds a rules reload may take before it is abandoned (old rules stay)."
    )
    answer_cache_mb: float = Field(
        16.0,
        ge=0,
        le=4096,
        description="MiB of decisions a worker keeps for repeated POST /recommend bodies (api/answers.py); 0 turns "
        "the cache off.",
    )
    bench_routes: bool = Field(False, description="Add the fixed-response route bench/service.py compares against.")
    slack_signing_secret: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "DECIDER_SLACK_SIGNING_SECRET"),
        description="The Slack app's signing secret (env SLACK_SIGNING_SECRET); unset, the Slack routes answer 503.",
    )

    @field_validator("rules_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace(",", os.pathsep).split(os.pathsep) if part.strip())
        return value

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            keys = tuple(part.strip() for part in value.split(",") if part.strip())
            if not keys:
                # Set but holding no key (" , ", or an empty secret): serving with no authentication would fail open.
                raise PydanticCustomError(
                    "no_key", "is set but holds no key; give comma-separated keys, or unset it to serve without"
                )
            return keys
        return value

    @field_validator("require_api_keys", mode="after")
    @classmethod
    def _keys_when_required(cls, value: bool, info: ValidationInfo) -> bool:
        # Said at DECIDER_REQUIRE_API_KEYS (a check of the whole model would be located at no variable at all).
        if value and not info.data.get("api_keys"):
            raise PydanticCustomError("keys_required", "is on but DECIDER_API_KEYS holds no key; set keys, or unset it")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use; a bad value raises SettingsError."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(problems_from_validation(error, at="DECIDER", wording=WORDING)) from None
