"""Where in a document's text a problem with one of its values is: the line of a dotted location.

A workload's validation names fields (``runtime.memory_mb``, ``traffic.protocols.1``), not lines: it checks parsed
data. A person fixing a file wants the line, as an editor or a CI log links ``file:line``. The text is composed again
(PyYAML's node tree keeps each node's place) only when there is a problem to place, so a valid file costs nothing.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from decider.documents import compose
from decider.errors import DeciderError, MoreProblems


def line_of(root: yaml.Node | None, location: str) -> int | None:
    """The 1-based line of ``location`` (dotted keys, list items by index) in a composed document: the line of the
    deepest part of it the document has (a field written, or the section a missing field belongs in); None when not
    even its first part is there."""
    node, line = root, None
    for part in location.split(".") if location else ():
        if isinstance(node, yaml.MappingNode):
            found = next((pair for pair in node.value if _key(pair[0]) == part), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _key(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def placed(error: DeciderError, text: str, source: str) -> DeciderError:
    """``error`` with each problem's location prefixed by ``source:line`` where its field is written in ``text``; the
    error as it is when the text cannot be composed again (it parsed, so that is not expected) or nothing is placed."""
    try:
        root = compose(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return error
    problems = []
    for problem in error.problems:
        line = None if isinstance(problem, MoreProblems) or problem.line else line_of(root, problem.location)
        problems.append(
            problem if line is None else replace(problem, location=f"{source}:{line}: {problem.location}", line=line)
        )
    if all(new is old for new, old in zip(problems, error.problems, strict=True)):
        return error
    return type(error)(problems, headline=error.headline)
