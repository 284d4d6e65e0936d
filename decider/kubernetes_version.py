"""``control.kubernetes_version``: the Kubernetes minor version an EKS cluster runs, as EKS names it (``1.32``).

It is a string: YAML reads ``1.30`` unquoted as the number 1.3, which would name another version, so a number is
refused with how to write it. What the version costs is decided by the release calendar in the cost model
(decider/cost/kubernetes.py).
"""

# No ``from __future__ import annotations``: Pydantic takes these annotations as objects, evaluating no text.

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

#: A minor version as EKS names one: 1.29, 1.35. A patch (1.32.1) or an EKS platform version (eks.12) is not one.
MINOR = re.compile(r"^1\.(0|[1-9][0-9]?)$")
#: What the field takes, as its JSON Schema says it: a minor version, ``v`` before it or not.
GIVEN = r"^v?1\.(0|[1-9][0-9]?)$"


def _minor(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        raise PydanticCustomError(
            "kubernetes_version",
            'must be a version as text, like "1.32": a number loses a version\'s last zero (1.30 is 1.3)',
        )
    if isinstance(value, str):
        text = value.removeprefix("v")
        patch = re.fullmatch(r"(1\.[0-9]+)\.[0-9]+", text)
        if patch is not None:
            raise PydanticCustomError(
                "kubernetes_version",
                'must be a minor version like "{minor}": EKS bills by minor version, so drop the patch',
                {"minor": patch.group(1)},
            )
        if not MINOR.fullmatch(text):
            raise PydanticCustomError("kubernetes_version", 'must be a Kubernetes minor version like "1.32"')
        return text
    return value


#: The field's type: a minor version (``v1.32`` and ``1.32`` alike), or None when the cluster's version is not given.
KubernetesVersion = Annotated[
    str | None,
    BeforeValidator(_minor),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": GIVEN}, {"type": "null"}]}),
    Field(
        description='The Kubernetes minor version the EKS cluster runs ("1.32"). A version past its standard '
        "support on the price book's date bills the extended-support control-plane hour. Default: a version in "
        "standard support.",
    ),
]
