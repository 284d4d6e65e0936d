"""Source documents read as plain data with line numbers: YAML (every document of a stream) and JSON.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt`` …, and the Rules functions ``!ValueOf``,
``!Contains`` …) load as the long-form mappings they stand for (``{"Ref": "X"}``, ``{"Fn::Sub": …}``), so a template is
data like any other file; nothing is executed and any other tag is refused. YAML merge keys (``<<: *base``) merge.
A key given twice in one mapping is read as CloudFormation reads it — the last one wins — and said in the document's
``warnings``, which the review reports as an assumption.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from decider.document_limits import check_yaml, read_text
from decider.documents import parse_text
from decider.errors import DocumentError, Problem
from decider.yaml_reader import VALUE_TAG, construct_value, error_mark, mapping_key


def _fast_loader_base() -> Any:
    """libyaml's loader when it is usable: parsing is most of the cost of reading a file, and C is several times
    faster. The C parser builds nodes from the ``yaml.nodes`` it saw first; if ``yaml`` was imported again since
    (some test harnesses do), the resolver no longer recognises them and every tag would come out None."""
    compiled = sys.modules.get("yaml._yaml")
    if getattr(yaml, "__with_libyaml__", False) and getattr(compiled, "MappingNode", None) is yaml.nodes.MappingNode:
        return yaml.CSafeLoader
    return yaml.SafeLoader


_BaseLoader = _fast_loader_base()

#: Short-form tag → the key of the long form. ``!GetAtt`` and ``!Ref``/``!Condition`` are handled specially.
INTRINSIC_TAGS: dict[str, str] = {
    "Ref": "Ref",
    "Condition": "Condition",
    "GetAtt": "Fn::GetAtt",
    **{
        name: f"Fn::{name}"
        for name in (
            "Sub",
            "If",
            "Join",
            "Select",
            "FindInMap",
            "ImportValue",
            "Equals",
            "Not",
            "And",
            "Or",
            "Base64",
            "Cidr",
            "GetAZs",
            "Split",
            "Transform",
            "ToJsonString",
            "Length",
            # Rules functions (a template's Rules section): https://docs.aws.amazon.com/AWSCloudFormation/latest/
            # TemplateReference/rules-section-structure.html
            "ValueOf",
            "ValueOfAll",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "RefAll",
        )
    },
}

_MERGE_TAG = "tag:yaml.org,2002:merge"


class TemplateLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader that also reads CloudFormation short-form tags as data; of a key given twice the last wins, and
    each such key is noted in ``warnings``."""

    warnings: list[str]


def _construct_template_mapping(loader: TemplateLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    """A mapping as CloudFormation reads it: merge keys merged, the last of two equal keys kept (and noted)."""
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = mapping_key(loader, node, key_node, deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            loader.warnings.append(
                f"key {key!r} is given twice (lines {seen[key]} and {line}): the last one is read, as CloudFormation "
                "does"
            )
        seen[key] = line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


def _construct_intrinsic(loader: TemplateLoader, node: yaml.Node) -> dict[str, Any]:
    name = INTRINSIC_TAGS[node.tag[1:]]
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt" and isinstance(value, str):
            # The short form "Resource.Attribute" is the list [Resource, Attribute] in the long form.
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = _construct_template_mapping(loader, node, deep=True)  # type: ignore[arg-type]
    return {name: value}


TemplateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_template_mapping)
TemplateLoader.add_constructor(VALUE_TAG, construct_value)  # a bare "=" is "="
for _tag in INTRINSIC_TAGS:
    TemplateLoader.add_constructor(f"!{_tag}", _construct_intrinsic)


@dataclass(frozen=True)
class Document:
    """One parsed document: its data, the 1-based line it starts on, and a way to find lines inside it."""

    data: Any
    line: int
    node: yaml.Node | None = None
    text: str | None = None
    warnings: tuple[str, ...] = ()
    """What reading it had to decide (a key given twice), each with its lines."""

    def key_line(self, *path: str) -> int:
        """The 1-based line of the key at ``path`` (mapping keys from the top), else the document's line."""
        if self.node is not None:
            node: yaml.Node = self.node
            found = self.line
            for key in path:
                if not isinstance(node, yaml.MappingNode):
                    return found
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                        found, node = key_node.start_mark.line + 1, value_node
                        break
                else:
                    return found
            return found
        if self.text is not None and path:
            # JSON carries no marks: find the last key of the path as a quoted key after its parents.
            start = 0
            for key in path:
                match = re.compile(r'"' + re.escape(key) + r'"\s*:').search(self.text, start)
                if match is None:
                    return self.line
                start = match.start() + 1
            return self.text.count("\n", 0, start) + 1
        return self.line

    def item_line(self, index: int) -> int:
        """The 1-based line where item ``index`` of a top-level list starts."""
        if isinstance(self.node, yaml.SequenceNode) and index < len(self.node.value):
            return int(self.node.value[index].start_mark.line) + 1
        if self.text is not None:
            # JSON: the index-th object that opens at the list's top level.
            depth, seen = 0, -1
            in_string = escaped = False
            for offset, char in enumerate(self.text):
                if in_string:
                    if escaped:
                        escaped = False
                    elif char == "\\":
                        escaped = True
                    elif char == '"':
                        in_string = False
                    continue
                if char == '"':
                    in_string, escaped = True, False
                elif char in "[{":
                    depth += 1
                    if depth == 2:
                        seen += 1
                        if seen == index:
                            return self.text.count("\n", 0, offset) + 1
                elif char in "]}":
                    depth -= 1
        return self.line


def read_documents(path: Path) -> list[Document]:
    """Every document in a YAML or JSON file; raise DocumentError naming the file and line when it cannot be read."""
    return parse_documents(read_text(path), str(path), json_only=path.suffix.lower() == ".json")


def parse_documents(text: str, source: str, *, json_only: bool = False) -> list[Document]:
    """Parse a YAML stream (or one JSON document) into Documents that remember their lines."""
    if json_only:
        # decider's JSON reading: duplicate keys refused, errors with the line.
        return [Document(data=parse_text(text, source, json_only=True), line=1, text=text)]
    check_yaml(text, source)
    loader = TemplateLoader(text)
    loader.warnings = []
    documents: list[Document] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            warnings, loader.warnings = tuple(loader.warnings), []
            if data is not None:
                documents.append(Document(data=data, line=node.start_mark.line + 1, node=node, warnings=warnings))
    except yaml.YAMLError as error:
        mark = error_mark(error)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        context = getattr(error, "context", None)
        reason = f"{context}; {problem}" if context else str(problem)
        raise DocumentError(Problem(where, f"not valid YAML: {reason}")) from None
    except ValueError:  # an integer longer than Python converts (sys.int_max_str_digits)
        raise DocumentError(Problem(source, "not valid YAML: an integer has too many digits")) from None
    finally:
        loader.dispose()
    return documents


def is_intrinsic(value: Any) -> bool:
    """True when ``value`` is a CloudFormation intrinsic function (``{"Ref": …}``, ``{"Fn::…": …}``), not a literal."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))
