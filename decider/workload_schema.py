"""The JSON Schema of a workload file (``decider schema``, ``GET /schema/workload``, the page's form)."""

from __future__ import annotations

from typing import Any

from decider.workload import Workload


def workload_schema() -> dict[str, Any]:
    """The JSON Schema of a workload file, for editors and the API."""
    schema = Workload.model_json_schema()
    # $id names the schema (a URN: no address serves it; the file is openapi/workload.schema.json)
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:decider-aws:workload"})
    schema["title"] = "decider workload"
    return schema
