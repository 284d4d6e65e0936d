"""Quick construction for the frozen dataclasses the cost model makes by the hundred in every decision.

A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__`` (its class refuses plain
assignment), a generic look-up per field: about three times as slow as setting a slot. Ramps, bill lines and plans
are made hundreds of times a decision with advice, so those classes set their slots through the slots' own
descriptors (``setter``), which store the value the same way; the class stays frozen for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The function that stores slot ``name`` of a slotted class's instance, past a frozen class's ``__setattr__``."""
    descriptor: Any = cls.__dict__[name]
    setter_: Callable[[Any, Any], None] = descriptor.__set__
    return setter_
