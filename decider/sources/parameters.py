"""A template's context as CloudFormation sees it with default parameter values: ``Ref`` to a parameter is its
``Default``, and a resource's ``Condition`` is evaluated from those defaults (``Fn::Equals``, ``Fn::Not``,
``Fn::And``, ``Fn::Or``, ``Condition``). A parameter with no ``Default`` stays unknown, and so does any condition that
depends on it: the resource is then reviewed, and the review says it may not be created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: A condition that cannot be evaluated from the template alone.
UNKNOWN = None


@dataclass
class TemplateContext:
    """Parameter defaults and conditions of one template."""

    defaults: dict[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, template: Mapping[str, Any]) -> TemplateContext:
        parameters = template.get("Parameters")
        defaults: dict[str, Any] = {}
        if isinstance(parameters, dict):
            for name, parameter in parameters.items():
                if isinstance(parameter, dict) and "Default" in parameter and _scalar(parameter["Default"]):
                    defaults[str(name)] = parameter["Default"]
        conditions = template.get("Conditions")
        return cls(defaults, conditions if isinstance(conditions, dict) else {})

    def substitute(self, value: Any, used: dict[str, Any]) -> Any:
        """``value`` with each ``Ref`` to a parameter that has a default replaced by it; ``used`` collects them."""
        if isinstance(value, dict):
            if len(value) == 1 and isinstance(value.get("Ref"), str) and value["Ref"] in self.defaults:
                used[value["Ref"]] = self.defaults[value["Ref"]]
                return self.defaults[value["Ref"]]
            return {key: self.substitute(item, used) for key, item in value.items()}
        if isinstance(value, list):
            return [self.substitute(item, used) for item in value]
        return value

    def holds(self, name: Any, seen: frozenset[str] = frozenset()) -> bool | None:
        """Whether the named condition holds with default parameters; None when that cannot be known."""
        if not isinstance(name, str) or name not in self.conditions or name in seen:
            return UNKNOWN
        return self._evaluate(self.conditions[name], seen | {name})

    def _evaluate(self, expression: Any, seen: frozenset[str]) -> bool | None:
        if not isinstance(expression, dict) or len(expression) != 1:
            return UNKNOWN
        function, argument = next(iter(expression.items()))
        if function == "Condition":
            return self.holds(argument, seen)
        if function == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
            left, right = (self._value(item) for item in argument)
            return UNKNOWN if left is UNKNOWN or right is UNKNOWN else str(left) == str(right)
        if function in ("Fn::Not", "Fn::And", "Fn::Or") and isinstance(argument, list) and argument:
            values = [self._evaluate(item, seen) for item in argument]
            if function == "Fn::Not":
                return UNKNOWN if values[0] is UNKNOWN else not values[0]
            settled = bool(function != "Fn::And")  # what one value settles: any false for And, any true for Or
            if settled in values:
                return settled
            return UNKNOWN if UNKNOWN in values else not settled
        return UNKNOWN

    def _value(self, item: Any) -> Any:
        if isinstance(item, dict):
            reference = item.get("Ref") if len(item) == 1 else None
            return self.defaults.get(reference, UNKNOWN) if isinstance(reference, str) else UNKNOWN
        return item if _scalar(item) else UNKNOWN


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)
