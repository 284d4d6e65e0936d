"""Whether a file that does not parse was meant to be read: its text shows the keys of a source decider reads.

Under a folder, a YAML or JSON file that does not parse is an error (it could not be read, and ``--strict`` fails)
when its text shows it is one of the sources decider reads — a SAM/CloudFormation template, a Kubernetes manifest
(rendered or not), an ECS task definition, a Terraform plan or a workload file — and skipped otherwise (a workflow, a
package manifest: not infrastructure decider reads). docs/review.md's Inputs table names the keys.
"""

from __future__ import annotations

import re
from pathlib import Path

from decider.sources.kubernetes_files import GO_TEMPLATE_ACTION

_KEY = r"""["']?{name}["']?[ \t]*:"""
#: Each marker: a pattern that one source's text matches (a key as YAML or JSON writes it).
_MARKERS = (
    re.compile(r"AWSTemplateFormatVersion|AWS::"),  # a SAM / CloudFormation template
    re.compile(_KEY.format(name="apiVersion")),  # a Kubernetes manifest
    re.compile(_KEY.format(name="containerDefinitions")),  # an ECS task definition (also inside taskDefinition)
    re.compile(r'"format_version"\s*:[\s\S]*"(planned_values|resource_changes)"'),  # a Terraform plan
    # a workload file: a section as a mapping, at the top level (or a list item's) in YAML, anywhere in JSON
    re.compile(r"(?m)^(-[ \t]+|[ \t]{2})?(runtime|traffic|control|team|preferences)[ \t]*:[ \t]*(\{|#|$)"),
    re.compile(r'"(runtime|traffic|control|team|preferences)"\s*:\s*\{'),
)
HELM_HINT = "it holds Helm's {{ … }} actions: render it with `helm template` and review the output"


def meant_as_source(file: Path) -> bool:
    """Whether ``file``'s text shows one of the sources decider reads (so that not parsing is an error)."""
    text = _text(file)
    return text is not None and any(marker.search(text) for marker in _MARKERS)


def helm_hint(file: Path) -> str | None:
    """What to do with a file that holds Helm's template actions outside a chart's ``templates/`` folder."""
    text = _text(file)
    return HELM_HINT if text is not None and GO_TEMPLATE_ACTION.search(text) else None


def _text(file: Path) -> str | None:
    try:
        return file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
