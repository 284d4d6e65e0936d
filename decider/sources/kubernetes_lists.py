"""Kubernetes lists: ``kind: List`` (what ``kubectl get … -o yaml`` writes) and typed lists (``DeploymentList``)
hold their objects under ``items``. Each item is read as a manifest of its own, at the line it starts on.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from decider.sources.document import Document

_ITEMS = re.compile(r'"items"\s*:\s*\[')


def is_list(data: Any) -> bool:
    """A Kubernetes list: ``apiVersion``, a ``kind`` of ``List`` (or ``…List``) and a list of ``items``."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and str(data.get("kind", "")).endswith("List")
        and isinstance(data.get("items"), list)
    )


def expand_lists(documents: list[Document]) -> list[Document]:
    """The documents with each Kubernetes list replaced by its items (a list's warnings go with its first item)."""
    expanded: list[Document] = []
    for document in documents:
        if not is_list(document.data):
            expanded.append(document)
            continue
        items = [_item(document, index, item) for index, item in enumerate(document.data["items"])]
        if items and document.warnings:
            first = items[0]
            items[0] = Document(first.data, first.line, first.node, first.text, document.warnings)
        expanded.extend(items)
    return expanded


def _item(document: Document, index: int, item: Any) -> Document:
    """Item ``index`` of a list as a document, with the line it starts on (and its YAML node, for lines inside it)."""
    node = _items_node(document.node)
    if node is not None and index < len(node.value):
        item_node = node.value[index]
        return Document(data=item, line=item_node.start_mark.line + 1, node=item_node)
    if document.text is not None:
        match = _ITEMS.search(document.text)
        if match is not None:
            start = match.end() - 1  # the list's opening bracket
            offset = document.text.count("\n", 0, start)
            within = Document(data=document.data["items"], line=1, text=document.text[start:])
            return Document(data=item, line=within.item_line(index) + offset, text=None)
    return Document(data=item, line=document.line)


def _items_node(node: yaml.Node | None) -> yaml.SequenceNode | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "items" and isinstance(value, yaml.SequenceNode):
            return value
    return None
