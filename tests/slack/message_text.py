"""The texts of a Block Kit message, for the Slack tests to search."""

from __future__ import annotations

from typing import Any


def blocks_text(answer: dict[str, Any]) -> str:
    """Every text in a Block Kit message, one per line: sections, fields, context elements and button labels."""
    parts: list[str] = []
    for block in answer["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(item["text"] for item in block.get("fields", []))
        for item in block.get("elements", []):
            text = item.get("text", "")
            parts.append(text["text"] if isinstance(text, dict) else text)  # a button's text is a text object
    return "\n".join(parts)
