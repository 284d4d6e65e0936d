"""A sizing as plain data until an answer shows it: most plans decider prices are never shown.

Every capacity mode of every eligible target is priced to choose one (decider/cost/modes.py), and the advice search
and the review's evidence price a workload again for each value they try, yet only the chosen mode of each ranked
target is shown. A ``Draft`` holds a sizing's fields as given; the bill is built from them, and the validated model
(decider/decision.py) is made only when asked for, or never: a decision takes the fields (``data``) into its own
single validation of the whole answer.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from decider.decision import FargateSizing, InstanceSizing, LambdaSizing

SizingModel = TypeVar("SizingModel", LambdaSizing, FargateSizing, InstanceSizing)
_OWN = frozenset({"kind", "fields", "_model"})


class Draft(Generic[SizingModel]):
    """A sizing's fields (read as attributes, like the model's) and the model it validates to, made on first use.

    Each field given is an attribute of its own (in the instance's ``__dict__``), so reading one is a plain attribute
    look-up: plans are billed from their sizing's fields hundreds of times a decision with advice, and a look-up that
    first missed a slot and then asked ``__getattr__`` cost a raised AttributeError each time. ``__getattr__`` is
    left for the fields not given, which read as the model's defaults."""

    def __init__(self, kind: type[SizingModel], **fields: Any) -> None:
        vars(self).update(fields)  # no sizing field is named kind, fields or _model (the model's ``kind`` is a Literal)
        self.kind: type[SizingModel] = kind
        self.fields: dict[str, Any] = fields
        self._model: SizingModel | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in _OWN:  # copy and pickle probe dunders; an own attribute not yet set
            raise AttributeError(name)
        field = self.kind.model_fields.get(name)
        if field is None:
            raise AttributeError(f"{self.kind.__name__} has no field {name!r}") from None
        return field.get_default(call_default_factory=True)

    def model(self) -> SizingModel:
        """The validated sizing (decider/decision.py), made once."""
        if self._model is None:
            self._model = self.kind.model_validate(self.fields)
        return self._model

    def data(self, **extra: Any) -> dict[str, Any]:
        """The fields, the model's ``kind`` (the answer's discriminator) and ``extra``, for a Decision to validate."""
        return {"kind": self.kind.model_fields["kind"].default, **self.fields, **extra}
