"""The limits documents are read under: nesting depth, alias expansion, integers, special and oversize files.

Each attack is the one that took decider down (a segfault, gigabytes, a hang); a run that exhausts memory is run in
a child process under an address-space limit, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from decider.document_limits import ALIAS_NODE_BUDGET, MAX_DEPTH, MAX_FILE_BYTES
from decider.documents import parse_all, parse_json, parse_text, read_file
from decider.errors import DocumentError, RulesError
from decider.rules.loader import load_ruleset
from decider.sources.document import parse_documents
from tests.conftest import REPO_ROOT

DECIDER = Path(sys.executable).parent / "decider"
MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
CHILD_TIMEOUT_S = 120


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """``a`` is a list of 9 strings, ``b`` of 9 ``a``s … ``j`` stands for 9**10 strings, in about a kilobyte."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def message(error: pytest.ExceptionInfo[DocumentError]) -> str:
    return str(error.value.problem)


@pytest.mark.parametrize("text", ["[" * 100_000, "{a: " * 100_000, "- " * 100_000 + "x"])
def test_deep_yaml_is_refused_naming_the_line_before_libyaml_builds_it(text: str) -> None:
    with pytest.raises(DocumentError) as error:
        parse_text(text, "deep.yaml")
    assert message(error) == f"deep.yaml:1: nested more than {MAX_DEPTH} levels deep"
    with pytest.raises(DocumentError):
        parse_all(text, "deep.yaml")
    with pytest.raises(DocumentError):
        parse_documents(text, "deep.yaml")


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = parse_text(text, "ok.yaml")
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    assert depth == MAX_DEPTH


@pytest.mark.parametrize(
    "where",
    [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: *a9\n",  # Kubernetes metadata.name
        "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function: *a9\nResources: {}\n",  # SAM Globals
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: *a9\n",  # CFN
    ],
)
def test_alias_bombs_are_refused_naming_the_line(where: str) -> None:
    text = alias_bomb() + where
    with pytest.raises(DocumentError) as error:
        parse_documents(text, "bomb.yaml")
    assert "bomb.yaml:" in message(error)
    assert f"aliases expand to more than {ALIAS_NODE_BUDGET:,} nodes" in message(error)
    with pytest.raises(DocumentError):
        parse_text(text, "bomb.yaml")


def test_a_rule_whose_category_is_an_alias_bomb_is_a_rules_error(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(
        "- id: x\n  category: &c0 [a, a, a, a, a, a, a, a, a]\n"
        + "".join(f"  c{level}: &c{level} [{', '.join([f'*c{level - 1}'] * 9)}]\n" for level in range(1, 10))
        + "  because: *c9\n"
    )
    with pytest.raises(RulesError) as error:
        load_ruleset([tmp_path])
    assert any("aliases expand" in problem.message for problem in error.value.problems)


def test_aliases_within_the_budget_and_merge_keys_still_read() -> None:
    text = "base: &base {memory: 512, timeout: 30}\nfn:\n  <<: *base\n  timeout: 60\nlist: [*base, *base]\n"
    documents = parse_documents(text, "ok.yaml")
    assert documents[0].data["fn"] == {"memory": 512, "timeout": 60}
    assert documents[0].data["list"] == [{"memory": 512, "timeout": 30}] * 2


def test_an_alias_bomb_cannot_exhaust_memory_through_the_cli(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb() + "runtime:\n  memory_mb: *a9\n")
    result = run_limited([str(DECIDER), "recommend", str(bomb)])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [  # line 6 is where the expansion passes the budget (a5: 9**6 strings)
        f"decider: {bomb}:6: its aliases expand to more than {ALIAS_NODE_BUDGET:,} nodes; write the values out "
        "instead of nesting aliases"
    ]


def run_limited(command: list[str]) -> subprocess.CompletedProcess[str]:
    """``command`` in a child process that may use at most MEMORY_LIMIT_BYTES of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))

    return subprocess.run(
        command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, preexec_fn=limit, cwd=REPO_ROOT, check=False
    )


@pytest.mark.parametrize("json_only", [True, False])
def test_integers_longer_than_python_converts_are_a_clear_error(json_only: bool) -> None:
    with pytest.raises(DocumentError) as error:
        parse_text('{"memory_mb": ' + "9" * 5000 + "}", "big", json_only=json_only)
    assert message(error).endswith("an integer has too many digits")
    assert "set_int_max_str_digits" not in message(error)


def test_json_nested_past_the_limit_is_refused_on_both_readers() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(DocumentError) as error:
        parse_json(deep.encode(), "body")  # orjson reads it; the depth check refuses it
    assert message(error) == f"body: nested more than {MAX_DEPTH} levels deep"
    with pytest.raises(DocumentError) as error:
        parse_text(deep, "f.json", json_only=True)
    assert message(error) == f"f.json: nested more than {MAX_DEPTH} levels deep"


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "workload.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError) as error:
        read_file(fifo)
    assert message(error) == f"{fifo}: not a regular file (a device, FIFO or socket); not read"


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(DocumentError) as error:
        read_file(link)
    assert "not a regular file" in message(error)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(DocumentError) as error:
        read_file(huge)
    assert message(error) == f"{huge}: larger than 16 MiB ({MAX_FILE_BYTES + 1:,} bytes)"
