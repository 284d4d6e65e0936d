"""A sizing drafted as plain data reads like the model it validates to, and becomes that model only when asked."""

from __future__ import annotations

import pytest

from decider.cost.draft import Draft
from decider.decision import LambdaSizing

FIELDS = {
    "memory_mb": 1024,
    "vcpu_equivalent": 0.579,
    "architecture": "arm64",
    "ephemeral_storage_mb": 512,
    "peak_concurrency": 3,
    "concurrency_quota": 1000,
    "within_default_quota": True,
    "gb_seconds_per_month": 12.5,
    "purchase": "on-demand",
}


def test_a_draft_reads_its_fields_and_the_models_defaults() -> None:
    draft = Draft(LambdaSizing, **FIELDS)
    assert draft.memory_mb == 1024
    assert draft.front_door is None  # not given: the model's default
    assert draft.modes == ()
    with pytest.raises(AttributeError, match="LambdaSizing has no field 'memory_gb'"):
        draft.memory_gb  # noqa: B018 - the attribute access is the test


def test_a_draft_becomes_its_model_once_and_its_data_carries_the_kind() -> None:
    draft = Draft(LambdaSizing, **FIELDS)
    model = draft.model()
    assert model is draft.model()
    assert model == LambdaSizing(**FIELDS)
    data = draft.data(mode="on-demand")
    assert data["kind"] == "lambda"
    assert data["mode"] == "on-demand"
    assert LambdaSizing.model_validate(data).mode == "on-demand"


def test_a_draft_with_a_bad_field_fails_when_validated() -> None:
    draft = Draft(LambdaSizing, **{**FIELDS, "architecture": "sparc"})
    assert draft.architecture == "sparc"  # plain data until an answer shows it
    with pytest.raises(ValueError, match="architecture"):
        draft.model()


def test_a_draft_copies_and_pickles() -> None:
    import copy
    import pickle

    draft = Draft(LambdaSizing, **FIELDS)
    for again in (copy.copy(draft), copy.deepcopy(draft), pickle.loads(pickle.dumps(draft))):  # noqa: S301 - our own bytes
        assert again.fields == draft.fields
        assert again.model() == draft.model()
