"""Slack mrkdwn text: escaping, links, and cutting text to Slack's limits without breaking the markup."""

from __future__ import annotations

import re
from collections.abc import Sequence

ELLIPSIS = "…"
MAX_LIST_LINES = 12  # a chat answer, not a report: the API and CLI give everything


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives meaning to (&, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link, or the bare label when the URL could break the markup."""
    if not re.fullmatch(r"https?://[^\s<>|]+", url):
        return escape(label)
    return f"<{url}|{escape(label)}>"


_OPEN_LINK = re.compile(r"<[^>]*$")
_OPEN_ENTITY = re.compile(r"&[a-z]*$")


def fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…": at a line or word break when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    # Never end inside a link (<url|label>) or an escape (&amp;): Slack would show the markup raw.
    cut = _OPEN_LINK.sub("", cut)
    cut = _OPEN_ENTITY.sub("", cut)
    for boundary in ("\n", " "):
        at = cut.rfind(boundary)
        if at >= len(cut) * 3 // 4:
            cut = cut[:at]
            break
    return cut.rstrip() + ELLIPSIS


def bullets(lines: Sequence[str], limit: int, heading: str = "", cap: int = MAX_LIST_LINES) -> str:
    """A heading and bulleted lines within ``limit`` characters; lines that do not fit are counted, not dropped."""
    text = heading
    shown = 0
    for line in lines[:cap]:
        room_for_more = len(f"\n…and {len(lines)} more")
        candidate = f"{text}\n• {line}" if text else f"• {line}"
        if len(candidate) + room_for_more > limit:
            if shown == 0:  # one line longer than the whole block: show as much of it as fits
                text = fit(candidate, limit - room_for_more)
                shown = 1
            break
        text, shown = candidate, shown + 1
    if shown < len(lines):
        text += f"\n…and {len(lines) - shown} more"
    return text
