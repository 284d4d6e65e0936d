"""Schemathesis against the committed OpenAPI document, with the app in process.

Every operation, positive and negative data, every check: no server errors, every status and content type
documented, every response conforming to its schema, valid data accepted and invalid data rejected.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from api.settings import Settings

if TYPE_CHECKING:  # schemathesis names the OpenAPI case type for type checkers only
    from schemathesis.specs.openapi.schemas import OpenApiCase

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY = "schemathesis-key"
# With keys configured, POST /admin/reload exists and X-API-Key is enforced, so auth checks have work to do.
APP = create_app(Settings(api_keys=(KEY,)))

# The hooks file is named relative to the repository root; anchor it so pytest may run from anywhere.
settings_text = (REPO_ROOT / "schemathesis.toml").read_text()
config = SchemathesisConfig.from_str(settings_text.replace('hooks = "tests/', f'hooks = "{REPO_ROOT}/tests/'))
schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi" / "openapi.json", config=config)
schema.app = APP
schema.config.update(headers={"X-API-Key": KEY})
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=40)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_the_committed_document(case: OpenApiCase) -> None:
    case.call_and_validate()
