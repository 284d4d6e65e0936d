"""Reading YAML as plain data: PyYAML's safe loader (libyaml's when built with it), duplicate keys refused, errors
with line numbers. Imported only when a YAML text is parsed: a run whose rule, price and workload files all come from
the document cache (decider/document_cache.py) never imports PyYAML. decider/documents.py is the reader everyone calls.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from decider.document_limits import check_yaml
from decider.errors import DocumentError, Problem, quoted

# libyaml's parser reads the rule files about ten times faster than PyYAML's pure-Python one; the constructor, and so
# what may be built from a document, is the same SafeConstructor either way.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _StrictLoader(_SafeLoader):
    """A safe loader that refuses a mapping with the same key twice (PyYAML would silently keep the last)."""


def mapping_key(
    loader: yaml.constructor.BaseConstructor, node: yaml.MappingNode, key_node: yaml.Node, deep: bool
) -> Any:
    """A mapping's key, refused when it is a list or mapping (e.g. an unrendered template's ``{{ .Values.name }}``):
    keys are plain text or numbers. Shared by the strict reader here and the template reader (sources/document.py)."""
    key = loader.construct_object(key_node, deep=deep)
    if isinstance(key, list | dict | set):
        raise yaml.constructor.ConstructorError(
            "while reading a mapping",
            node.start_mark,
            "found a list or mapping used as a key; keys are plain text or numbers",
            key_node.start_mark,
        )
    return key


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = mapping_key(loader, node, key_node, deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found key {quoted(key)} twice (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
#: YAML 1.1 resolves a bare ``=`` to its "value" type, which PyYAML's safe loader has no constructor for; YAML 1.2's
#: core schema (kubectl, CloudFormation, most tools) reads it as the string "=" (a CRD's enum, a container's args).
VALUE_TAG = "tag:yaml.org,2002:value"


def construct_value(loader: Any, node: yaml.ScalarNode) -> str:
    """A bare ``=`` as the string it is written as (for either loader: this one, or the templates')."""
    return str(loader.construct_scalar(node))


_StrictLoader.add_constructor(VALUE_TAG, construct_value)
#: YAML 1.1 (PyYAML's schema) reads an exponent without a dot or without a sign (``1e3``, ``1.0e3``) as a string, so
#: ``memory_mb: 1e3`` was refused in YAML and answered in JSON; YAML 1.2's core schema, which JSON and the editors'
#: YAML servers follow, reads it as a number, and so does decider.
_EXPONENT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT, list("-+0123456789."))


def compose(text: str) -> yaml.Node | None:
    """One YAML (or JSON) document's node tree, each node with its place in the text, nothing constructed: for
    placing a problem with a parsed value on its line (decider/document_lines.py)."""
    return yaml.compose(text, Loader=_SafeLoader)


def parse_yaml(text: str, source: str) -> Any:
    """One YAML document from text, checked against the limits first; DocumentError naming the line."""
    check_yaml(text, source)
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        raise DocumentError(Problem(_where(source, error), f"not valid YAML: {_reason(error)}")) from None
    except ValueError:  # an integer longer than Python converts (sys.int_max_str_digits)
        raise DocumentError(Problem(source, "not valid YAML: an integer has too many digits")) from None
    finally:
        loader.dispose()


def parse_all(text: str, source: str) -> list[Any]:
    """Parse every document of a multi-document YAML stream."""
    check_yaml(text, source)
    try:
        return [doc for doc in yaml.load_all(text, Loader=_StrictLoader) if doc is not None]
    except yaml.YAMLError as error:
        raise DocumentError(Problem(_where(source, error), f"not valid YAML: {_reason(error)}")) from None
    except ValueError:  # an integer longer than Python converts (sys.int_max_str_digits)
        raise DocumentError(Problem(source, "not valid YAML: an integer has too many digits")) from None


def _where(source: str, error: yaml.YAMLError) -> str:
    mark = error_mark(error)
    return f"{source}:{mark.line + 1}" if mark is not None else source


def error_mark(error: yaml.YAMLError) -> yaml.Mark | None:
    """Where a YAML error is: where the scanner gave up, but for a key with no ``:`` (``while scanning a simple
    key``) the key's own line, where the scanner started it (it gives up on the line after)."""
    started: yaml.Mark | None = getattr(error, "context_mark", None)
    if getattr(error, "context", None) == "while scanning a simple key" and started is not None:
        return started
    stopped: yaml.Mark | None = getattr(error, "problem_mark", None)
    return stopped


#: CloudFormation's short-form intrinsic functions: YAML tags no plain YAML reader knows.
CLOUDFORMATION_TAGS = frozenset({
    "!Ref", "!Sub", "!GetAtt", "!If", "!Join", "!Select", "!Split", "!FindInMap", "!ImportValue", "!Base64", "!Cidr",
    "!Equals", "!And", "!Or", "!Not", "!Condition", "!GetAZs", "!Transform",
})  # fmt: skip


def _reason(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    parts = [str(part) for part in (context, problem) if part]
    said = "; ".join(parts) if parts else str(error).splitlines()[0]
    tag = re.search(r"tag '(![A-Za-z]+)'", said)
    if tag is not None and tag.group(1) in CLOUDFORMATION_TAGS:  # a template given where a workload is read
        said += " (a CloudFormation or SAM template: `decider review FILE` reads those)"
    return said
