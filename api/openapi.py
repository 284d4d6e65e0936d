"""The OpenAPI document: generated from the app, then made truthful where FastAPI cannot see.

Routes parse their bodies through decider (for decider's own problems), so the request schemas (Workload,
BatchRequest) are added here; every error response is declared as ``application/problem+json``; and the API key is
optional in the document (``security: [{"ApiKey": []}, {}]``), as it is on a server configured without keys.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.auth import API_KEY_SCHEME
from api.problems import PROBLEM_MEDIA_TYPE
from api.recommend import BatchRequest
from decider.workload import Workload

REGENERATE_COMMAND = ".venv/bin/decider openapi"
OPENAPI_PATH = Path("openapi/openapi.json")
WORKLOAD_SCHEMA_PATH = Path("openapi/workload.schema.json")


def _request_models() -> list[type[BaseModel]]:
    return [Workload, BatchRequest]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    for model in _request_models():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in {**schema.pop("$defs", {}), model.__name__: schema}.items():
            if name in schemas and schemas[name] != definition:
                raise ValueError(f"OpenAPI schema name {name!r} is used by two different models")
            schemas[name] = definition
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if operation.get("security") == [{API_KEY_SCHEME: []}]:
                # The key is needed only when the server is configured with keys: no key is the other way in.
                operation["security"] = [{API_KEY_SCHEME: []}, {}]
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _without_null(parameter["schema"])
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.isdigit() and int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
                for media in content.values():
                    # FastAPI's own parameter errors are answered as problems too (see api/problems.py).
                    if media.get("schema") == {"$ref": "#/components/schemas/HTTPValidationError"}:
                        media["schema"] = {"$ref": "#/components/schemas/ProblemDetails"}
                        response["description"] = HTTPStatus(int(status)).phrase
    if "HTTPValidationError" not in json.dumps(document.get("paths", {})):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return document


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter is absent, never null: drop the ``null`` branch FastAPI adds for ``X | None``."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) != 1:
        return schema
    merged = {key: value for key, value in schema.items() if key != "anyOf"}
    merged.update(kept[0])
    return merged


def render_document(document: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline (diffs show only real changes)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
