"""Text from outside (a workload's name, a file path, a template's values) made safe to put into Markdown.

Names and paths come from the repository under review, so a pull-request comment must show them as they are and
never let them act: no HTML (``</details>`` closing a block early, ``<img>``), no image or link (``![x](https://…)``),
no code span or table cell broken open, and no ``@mention`` that notifies a person or team. Characters that would
act are written as HTML character references, which GitHub shows as the characters themselves both in Markdown and
inside HTML blocks (``<summary>``); an ``@`` is followed by a zero-width space, so it no longer starts a mention.
"""

from __future__ import annotations

#: What each acting character is written as; ``&`` first, so the references added are not escaped again.
_REFERENCES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("[", "&#91;"),
    ("]", "&#93;"),
    ("`", "&#96;"),
    ("|", "&#124;"),
    ("*", "&#42;"),
    ("\\", "&#92;"),
    ("@", "@\u200b"),
)


def markdown_text(text: str) -> str:
    """``text`` on one line, shown literally wherever Markdown or GitHub's HTML puts it (a cell, a summary, a list)."""
    text = " ".join(text.splitlines())
    for character, reference in _REFERENCES:
        text = text.replace(character, reference)
    return text


def code_span(text: str) -> str:
    """``text`` in a monospace font: a code span (in which nothing acts) when it holds no backtick to break out of
    one, else ``<code>`` around the escaped text."""
    if "`" in text or "\n" in text or "\r" in text:
        return f"<code>{markdown_text(text)}</code>"
    return f"`{text}`"
