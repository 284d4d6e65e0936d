"""Terraform HCL source: a folder of ``*.tf`` files read with python-hcl2, values resolved as far as they can be.

Nothing is run. Literals are read as they are; ``var.NAME`` takes the variable's value from the ``.tfvars`` files —
``terraform.tfvars``, then ``*.auto.tfvars`` in name order, then those given with ``--var-file``, later ones winning
as in Terraform — else its default; ``local.NAME`` the local's value when that can be resolved; ``jsonencode(…)`` the
value it encodes; a string whose interpolations all resolve, the string. Anything else (a function, a conditional,
arithmetic, an attribute of another resource, a variable with no value) is an ``Expression``: unknown, and the reader
says so. Calls of terraform-aws-modules' Lambda and ECS service modules become the resources those modules create,
from their documented inputs and defaults; other module calls are not read (their folders are not followed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError

from decider.errors import Problem, SourceError
from decider.sources.hcl_switch import switch
from decider.sources.terraform_model import EKS_MODULE, Expression, Partial, Resource, module_kind, references_in
from decider.sources.terraform_modules import eks_capacity, module_resources
from decider.sources.unread import UNREAD

_META_KEYS = frozenset({"__is_block__", "__comments__", "__start_line__", "__end_line__"})
_QUOTED = re.compile(r'^"(?P<text>.*)"$', re.DOTALL)
_HEREDOC = re.compile(r"^<<-?(?P<tag>\w+)\n(?P<text>.*)\n\s*(?P=tag)$", re.DOTALL)
_INTERPOLATION = re.compile(r"\$\{(?P<expr>[^{}]*)\}")
#: ``var.name`` or ``local.name``, and an attribute path into an object's value (``var.cluster_config.launch_type``).
_VARIABLE = re.compile(r"^var\.(?P<name>[A-Za-z_][\w-]*)(?P<path>(?:\.[A-Za-z_][\w-]*)*)$")
_LOCAL = re.compile(r"^local\.(?P<name>[A-Za-z_][\w-]*)(?P<path>(?:\.[A-Za-z_][\w-]*)*)$")
_JSONENCODE = re.compile(r"^jsonencode\((?P<body>.*)\)$", re.DOTALL)
_OPTIONS = hcl2.SerializationOptions(with_comments=False)
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_AWS_PROVIDER = r'provider\s+"aws"'


@dataclass
class Scope:
    """What ``var.`` and ``local.`` resolve to in one Terraform folder, and what could not be resolved."""

    variables: dict[str, Any] = field(default_factory=dict)
    locals_raw: dict[str, Any] = field(default_factory=dict)
    locals_done: dict[str, Any] = field(default_factory=dict)
    resolving: set[str] = field(default_factory=set)
    unset: dict[str, str] = field(default_factory=dict)
    """Variables with no default and no value in a .tfvars file, with the file that declares them."""


@dataclass
class TerraformFolder:
    """The resources of one Terraform folder (its module calls expanded), and what was assumed reading it."""

    resources: list[Resource]
    assumptions: list[str]
    unread: list[tuple[str, str]] = field(default_factory=list)
    """The module calls decider does not expand: (file, why), for the review's list of what it skipped."""
    module_folders: list[Path] = field(default_factory=list)
    """The folders its module calls take as a local source (resolved): a reusable module's own folder."""
    regions: dict[str | None, tuple[str, str]] = field(default_factory=dict)
    """Each AWS provider's ``region`` that resolves to a region code, and where it is (``file:line``), by alias (None:
    the default provider, which a resource without a ``provider`` meta-argument uses)."""


def load_hcl(path: Path, shown: str) -> dict[str, Any]:
    """One HCL file as python-hcl2 gives it; a file that does not parse is a SourceError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError([Problem(shown, f"cannot read: {error}")]) from None
    try:
        data = hcl2.loads(heredoc_ends_trimmed(text), serialization_options=_OPTIONS)
    except (LarkError, ValueError, TypeError) as error:
        line = getattr(error, "line", None)
        where = f"{shown}:{line}" if isinstance(line, int) and line > 0 else shown
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SourceError([Problem(where, f"not valid Terraform (HCL): {first}")]) from None
    return data if isinstance(data, dict) else {}


#: A heredoc's opening (``<<EOF``, ``<<-EOF``): its marker ends the heredoc on a line of its own.
_HEREDOC_OPENING = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?$", re.MULTILINE)


def heredoc_ends_trimmed(text: str) -> str:
    """The text with the blanks after each heredoc's closing marker taken off: Terraform ends a heredoc at a line that
    is its marker once trimmed (hclsyntax's scanner compares the trimmed line), python-hcl2 only at the bare marker.
    Lines keep their numbers, so a problem is still placed on its line."""
    markers = set(_HEREDOC_OPENING.findall(text))
    if not markers:
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        bare = line.strip()
        if bare in markers and line != line.rstrip():
            lines[index] = line.rstrip()
    return "\n".join(lines)


def read_folder(
    files: Sequence[tuple[Path, str]], var_files: Sequence[tuple[Path, str]] = (), reviewed: Collection[Path] = ()
) -> TerraformFolder:
    """The resources of the ``*.tf`` files of one folder (path, shown path), with its variables resolved; a local
    module call whose folder is in ``reviewed`` (resolved paths) is said to be reviewed from that folder."""
    parsed = [(shown, load_hcl(path, shown), path.read_text(encoding="utf-8")) for path, shown in files]
    scope = Scope()
    for shown, data, _ in parsed:
        for (variable,), body in _labelled(data.get("variable"), 1):
            if "default" in body:
                scope.variables[variable] = body["default"]
            else:
                scope.unset[variable] = shown
        for block in _list(data.get("locals")):
            scope.locals_raw.update({key: value for key, value in block.items() if key not in _META_KEYS})
    folder = files[0][0].parent if files else Path()
    automatic = sorted(folder.glob("*.auto.tfvars"))
    tfvars = [folder / "terraform.tfvars"] if (folder / "terraform.tfvars").is_file() else []
    for path, shown in [*((file, file.name) for file in [*tfvars, *automatic]), *var_files]:
        for key, value in load_hcl(path, shown).items():
            if key not in _META_KEYS:
                scope.variables[key] = value
                scope.unset.pop(key, None)
    assumptions = [
        f"{file}: variable {name} has no default and no value in a .tfvars file: treated as unknown"
        for name, file in sorted(scope.unset.items())
    ]
    resources: list[Resource] = []
    unread: list[tuple[str, str]] = []
    module_folders: list[Path] = []
    for shown, data, text in parsed:
        for (kind, name), body in _labelled(data.get("resource"), 2):
            address = f"{kind}.{name}"
            line = _line(text, rf'resource\s+"{re.escape(kind)}"\s+"{re.escape(name)}"')
            values = {key: resolve(value, scope) for key, value in body.items() if key not in _META_KEYS}
            references = {key: _references(value, scope) for key, value in body.items() if key not in _META_KEYS}
            none = _creates_none(address, body, scope)
            if none is not None or kind in UNREAD:
                unread.append((shown, f"line {line}: {none if none is not None else f'{address}: {UNREAD[kind]}'}"))
                continue
            resources.append(Resource(address, kind, values, shown, line, references, owner=address))
        for (call,), body in _labelled(data.get("module"), 1):
            line = _line(text, rf'module\s+"{re.escape(call)}"')
            source = resolve(body.get("source"), scope)
            if isinstance(source, str) and source.startswith(("./", "../")):
                module_folders.append((folder / source).resolve())
            none = _creates_none(f"module.{call}", body, scope)
            if none is not None:
                unread.append((shown, f"line {line}: {none}"))
                continue
            module = module_kind(source)
            inputs = {key: resolve(value, scope) for key, value in body.items() if key not in _META_KEYS}
            if module is None and isinstance(source, str) and EKS_MODULE.search(source):
                resources.extend(eks_capacity(f"module.{call}", inputs, shown, line))  # capacity, not workloads
                continue
            if module is None:
                unread.append((shown, f"line {line}: {_unread_call(call, source, folder, reviewed)}"))
                continue
            references = {key: _references(value, scope) for key, value in body.items() if key not in _META_KEYS}
            notes = tuple(  # Terraform makes one instance of the call per count or key: one is read
                f"module.{call} has {key} = {inputs[key]}: decider read one instance of the call; each instance it "
                "creates is reviewed as this one"
                for key in ("count", "for_each")
                if inputs.get(key) is not None
            )
            for resource in module_resources(module, f"module.{call}", inputs, references, shown, line):
                resource.notes = notes
                resources.append(resource)
    return TerraformFolder(resources, assumptions, unread, module_folders, _regions(parsed, scope))


def _regions(parsed: Sequence[tuple[str, Mapping[str, Any], str]], scope: Scope) -> dict[str | None, tuple[str, str]]:
    """The region of each ``provider "aws"`` block (by its alias; None for the default) that resolves to a region
    code, with the block's file and line (the n-th such block in a file is the n-th ``provider "aws"`` in its text)."""
    found: dict[str | None, tuple[str, str]] = {}
    for shown, data, text in parsed:
        lines = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(_AWS_PROVIDER, text)]
        blocks = [body for (name,), body in _labelled(data.get("provider"), 1) if name == "aws"]
        for index, body in enumerate(blocks):
            alias, region = resolve(body.get("alias"), scope), resolve(body.get("region"), scope)
            key = alias if isinstance(alias, str) else None
            if isinstance(region, str) and REGION.fullmatch(region) and key not in found:
                found[key] = (region, f"{shown}:{lines[index] if index < len(lines) else 1}")
    return found


_LOCAL_NAME = re.compile(r"(?<![\w.])local\.([A-Za-z_][A-Za-z0-9_-]*)")


def _references(value: Any, scope: Scope) -> tuple[str, ...]:
    """The resources and module calls an attribute's expression refers to, through the folder's locals too
    (``task_definition = local.task_definition``, a local naming ``aws_ecs_task_definition.this[0].arn``)."""
    text, seen = str(value), set[str]()
    for _ in range(4):  # a local naming a local, a few deep
        names = [name for name in _LOCAL_NAME.findall(text) if name in scope.locals_raw and name not in seen]
        if not names:
            break
        seen.update(names)
        text += " " + " ".join(str(scope.locals_raw[name]) for name in names)
    return references_in(text)


def _unread_call(call: str, source: Any, folder: Path, reviewed: Collection[Path]) -> str:
    """Why a module call is listed as skipped: decider does not read it by its inputs. A local module's folder that
    the review reads is reviewed on its own, as written there."""
    called = f"module {call} (source {source}) is not one decider reads by its inputs"
    plan = "review a plan, `terraform show -json`, to see them"
    if isinstance(source, str) and source.startswith(("./", "../")) and (folder / source).resolve() in reviewed:
        return (
            f"{called}: its resources are reviewed from its folder as written there, not with this call's inputs "
            f"({plan} as deployed)"
        )
    return f"{called}: its resources are not reviewed ({plan})"


def _creates_none(address: str, body: Mapping[str, Any], scope: Scope) -> str | None:
    """Why a resource or module call that makes no instance is not read: ``count = 0``, a switch whose variable's
    default is off, or a ``for_each`` over nothing (``{}``, ``[]``, ``toset([])``, or a variable whose default is
    empty); None when it makes some, or how many is not known."""
    each = body.get("for_each")
    if each is not None:
        value = resolve(each, scope)
        over = _FOR.match(value.text) if isinstance(value, Expression) else None
        if over is not None and _expression(over["source"].strip(), scope) in ({}, []):
            # A for expression over an empty collection (``{ for k, v in var.mappings : k => v if … }``) is empty
            value = Expression(f"{{ for … in {over['source'].strip()} … }}")
        if value in ({}, []) or (isinstance(value, Expression) and (over or _EMPTY_COLLECTION.match(value.text))):
            said = ", empty with its variable's default" if "var." in str(each) else ""
            shown = value.text if isinstance(value, Expression) else json.dumps(value)
            return f"{address} has for_each = {shown}{said}: Terraform creates none"
        return None
    value = resolve(body.get("count"), scope)
    if created(value, scope) != 0:
        return None
    said = "0" if value in (0, False) else f"{value}, 0 with its variable's default"
    return f"{address} has count = {said}: Terraform creates none"


#: A for expression, with the collection it runs over: ``{ for k, v in var.x : k => v }``, ``[ for s in local.y : s ]``.
_FOR = re.compile(r"^\s*[\[{]\s*for\s+\w+(?:\s*,\s*\w+)?\s+in\s+(?P<source>[^:]+?)\s*:", re.DOTALL)
#: A collection written empty in HCL: ``toset([])``, ``tomap({})``, ``tolist([])``.
_EMPTY_COLLECTION = re.compile(r"^\s*to(?:set|map|list)\(\s*(?:\[\s*\]|\{\s*\})\s*\)\s*$")


_CONDITION = re.compile(r"^\s*(?P<test>[^?]+?)\s*\?\s*(?P<yes>\d+)\s*:\s*(?P<no>\d+)\s*$")


def created(count: Any, scope: Scope) -> int | None:
    """How many instances a resource's ``count`` creates: a number, or the common switch ``var.enabled ? 1 : 0``
    on a variable with a default; None when there is no count or it is an expression decider does not evaluate."""
    if isinstance(count, bool):
        return int(count)
    if isinstance(count, int | float):
        return int(count)
    match = _CONDITION.match(str(count)) if isinstance(count, Expression) else None
    if match is None:
        return None
    chosen = switch(match["test"], scope.variables, scope.locals_raw, frozenset(scope.unset))
    return None if chosen is None else int(match["yes"] if chosen else match["no"])


def resolve(raw: Any, scope: Scope) -> Any:
    """A value from python-hcl2's form: literals as they are, expressions resolved where they can be."""
    if isinstance(raw, list):
        return [resolve(item, scope) for item in raw]
    if isinstance(raw, dict):
        # An object's keys may be quoted (``{ "kubernetes.io/arch" = "arm64" }``): the key is the text inside.
        return {_key(key): resolve(value, scope) for key, value in raw.items() if key not in _META_KEYS}
    if not isinstance(raw, str):
        return raw
    quoted = _QUOTED.match(raw)
    if quoted:
        return _template(quoted.group("text"), scope)
    if raw.startswith("${") and raw.endswith("}"):
        return _expression(raw[2:-1].strip(), scope)
    return raw


def _key(key: str) -> str:
    quoted = _QUOTED.match(key)
    return quoted.group("text") if quoted else key


def _template(text: str, scope: Scope) -> Any:
    """A quoted string (or heredoc): its interpolations replaced by their values when every one is known."""
    heredoc = _HEREDOC.match(text)
    if heredoc:
        text = heredoc.group("text")
    parts: list[str] = []
    position = 0
    unknown = False
    for match in _INTERPOLATION.finditer(text):
        value = _expression(match.group("expr").strip(), scope)
        if isinstance(value, Expression | dict | list):
            unknown = True  # kept as written: the rest of the text is known (a heredoc's JSON around "${var.image}")
            parts.append(text[position : match.end()])
        else:
            parts.append(text[position : match.start()] + ("" if value is None else _scalar_text(value)))
        position = match.end()
    parts.append(text[position:])
    known = "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
    return Partial(text, known) if unknown else known


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expression(text: str, scope: Scope) -> Any:
    variable = _VARIABLE.match(text)
    if variable:
        name = variable.group("name")
        if name in scope.variables and name not in scope.unset:
            return _attribute(resolve(scope.variables[name], Scope()), variable.group("path"), text)
        return Expression(text)
    local = _LOCAL.match(text)
    if local:
        return _attribute(_local(local.group("name"), scope, text), local.group("path"), text)
    encoded = _JSONENCODE.match(text)
    if encoded:
        try:
            body = hcl2.loads(f"value = {encoded.group('body')}\n", serialization_options=_OPTIONS)
        except (LarkError, ValueError, TypeError):
            return Expression(text)
        value = resolve(body.get("value"), scope)
        return Partial(text, value) if _holds_unknown(value) else value
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    return Expression(text)


def _attribute(value: Any, path: str, text: str) -> Any:
    """``value``'s attribute at ``path`` (``.launch_type``, ``.a.b``); the whole expression as unknown when an object
    on the way does not have it (an optional attribute left out of the default)."""
    for name in path.split(".")[1:]:
        if not isinstance(value, dict) or name not in value:
            return Expression(text)
        value = value[name]
    return value


def _local(name: str, scope: Scope, text: str) -> Any:
    if name in scope.locals_done:
        return scope.locals_done[name]
    if name not in scope.locals_raw or name in scope.resolving:
        return Expression(text)
    scope.resolving.add(name)
    value = resolve(scope.locals_raw[name], scope)
    scope.resolving.discard(name)
    scope.locals_done[name] = value
    return value


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, Expression):
        return True
    if isinstance(value, list):
        return any(_holds_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_unknown(item) for item in value.values())
    return False


def _labelled(blocks: Any, depth: int) -> list[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Labelled blocks (``resource "type" "name" {}``) as (labels, body), labels unquoted, in file order."""
    found: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []

    def walk(node: Any, labels: tuple[str, ...]) -> None:
        if len(labels) == depth:
            for body in node if isinstance(node, list) else [node]:
                if isinstance(body, dict):
                    found.append((labels, body))
            return
        if isinstance(node, dict):
            for key, inner in node.items():
                if key not in _META_KEYS:
                    walk(inner, (*labels, key.strip('"')))

    for block in _list(blocks):
        walk(block, ())
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if isinstance(value, dict) else []


def _line(text: str, pattern: str) -> int:
    match = re.search(rf"^[ \t]*{pattern}", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
