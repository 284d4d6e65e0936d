"""A Terraform ``count``'s test, read where its switches are known: ``var.enabled ? 1 : 0``, and the compound tests
modules write (``local.create && !var.ignore_changes ? 1 : 0``, a local standing for ``var.create &&
var.create_service``), so a branch Terraform creates no instance of is not reviewed."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

#: The words of a switch: ``var.x``, ``local.y``, ``true``/``false``, ``!``, ``&&``, ``||`` and brackets.
_SWITCH_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|var\.[A-Za-z_][\w-]*|local\.[A-Za-z_][\w-]*|true|false)")


def switch(
    text: str,
    variables: Mapping[str, Any],
    locals_raw: Mapping[str, Any],
    unset: Collection[str] = frozenset(),
    depth: int = 0,
) -> bool | None:
    """A ``count``'s test, when it is made of switches whose values are known: ``var.enabled``, ``!var.x``,
    ``local.create && var.y`` (a local's own test read the same way), ``a || (b && !c)``; None otherwise."""
    tokens: list[str] = []
    position, text = 0, text.strip()
    while position < len(text):
        token = _SWITCH_TOKEN.match(text, position)
        if token is None:
            return None
        tokens.append(token.group(1))
        position = token.end()

    def value(word: str) -> bool | None:
        if word in ("true", "false"):
            return word == "true"
        kind, _, name = word.partition(".")
        if kind == "var":
            known = variables.get(name) if name not in unset else None
            return known if isinstance(known, bool) else None
        raw = locals_raw.get(name)
        if isinstance(raw, bool):
            return raw
        if depth < 4 and isinstance(raw, str):
            return switch(raw.removeprefix("${").removesuffix("}"), variables, locals_raw, unset, depth + 1)
        return None

    def either(index: int) -> tuple[bool | None, int]:  # a || b
        left, index = both(index)
        while index < len(tokens) and tokens[index] == "||":
            right, index = both(index + 1)
            left = True if left is True or right is True else None if left is None or right is None else False
        return left, index

    def both(index: int) -> tuple[bool | None, int]:  # a && b
        left, index = single(index)
        while index < len(tokens) and tokens[index] == "&&":
            right, index = single(index + 1)
            left = False if left is False or right is False else None if left is None or right is None else True
        return left, index

    def single(index: int) -> tuple[bool | None, int]:
        if index >= len(tokens):
            raise ValueError(text)
        if tokens[index] == "!":
            inner, index = single(index + 1)
            return (None if inner is None else not inner), index
        if tokens[index] == "(":
            inner, index = either(index + 1)
            if index >= len(tokens) or tokens[index] != ")":
                raise ValueError(text)
            return inner, index + 1
        if tokens[index] in ("&&", "||", ")"):
            raise ValueError(text)
        return value(tokens[index]), index + 1

    try:
        result, end = either(0)
    except ValueError:
        return None
    return result if end == len(tokens) else None
