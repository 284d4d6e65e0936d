"""The floor plan holds: imports run one way, the engine stays pure, and modules stay small.

The import graph is read from the source (every ``import`` and ``from … import``, at module level or inside a
function), so a lazy import that closes a circle is caught as well as an eager one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("decider", "api")
WEB_STACK = ("api", "fastapi", "starlette", "uvicorn", "prometheus_client")
MAX_MODULE_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((REPO_ROOT / package).rglob("*.py"))}


def imported_names(path: Path, name: str) -> Iterator[str]:
    """Every module ``path`` imports, absolute; ``from package import module`` names the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = modules()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            if len(submodules) < len(node.names):  # at least one name is an attribute of ``base`` itself
                yield base
            yield from submodules


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {target for target in imported_names(path, name) if target in known and target != name}
        for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_circle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def third_party_imports(path: Path, name: str) -> set[str]:
    return {target.split(".")[0] for target in imported_names(path, name)}


@pytest.mark.parametrize("name", sorted(name for name in modules() if name.startswith("decider")))
def test_the_engine_imports_no_web_stack_outside_the_cli(name: str) -> None:
    if name.startswith("decider.cli"):
        return
    assert third_party_imports(modules()[name], name).isdisjoint(WEB_STACK)


@pytest.mark.parametrize("name", sorted(modules()))
def test_only_the_slack_package_imports_slack_sdk(name: str) -> None:
    uses_slack_sdk = "slack_sdk" in third_party_imports(modules()[name], name)
    assert not uses_slack_sdk or name.startswith("decider.slack") or name == "api.slack"


@pytest.mark.parametrize("name", sorted(name for name in modules() if name.startswith("api")))
def test_no_api_module_imports_the_cli(name: str) -> None:
    assert not any(target.startswith("decider.cli") for target in imported_names(modules()[name], name))


def test_only_the_cli_reaches_the_api_and_only_inside_a_command() -> None:
    for name, path in modules().items():
        if not name.startswith("decider"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = [
            node
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            and any(
                part.split(".")[0] == "api"
                for part in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names])
            )
        ]
        assert not eager, f"{name} imports api at module level"
        if not name.startswith("decider.cli"):
            assert "api" not in third_party_imports(path, name), name


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_stay_small(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines; split it by what its parts are about"
