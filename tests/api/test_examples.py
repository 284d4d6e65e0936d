"""The request examples (api/examples.py) are the shipped example files, YAML and JSON alike."""

from __future__ import annotations

import json
from pathlib import Path

from api.examples import CHECKOUT_API
from decider.documents import read_file

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_example_in_the_openapi_document_is_the_shipped_example_file() -> None:
    assert read_file(REPO_ROOT / "examples" / "checkout-api.yaml") == CHECKOUT_API


def test_the_json_example_for_curl_is_the_yaml_example() -> None:
    examples = REPO_ROOT / "examples"
    assert json.loads((examples / "checkout-api.json").read_text()) == read_file(examples / "checkout-api.yaml")
