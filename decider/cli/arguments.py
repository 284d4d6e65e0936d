"""What every ``decider`` subcommand shares: exit codes, the ``--rules`` option, reading a workload file, and what the
whole command line shares: ``--version``, shell completion and the message for an optional extra not installed."""

from __future__ import annotations

import argparse
import gc
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from decider import DISTRIBUTION
from decider.errors import Problem, UsageError

if TYPE_CHECKING:
    from decider.rules.model import Ruleset

EXIT_OK = 0
EXIT_GATE = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]

#: The optional extras (pyproject.toml) and the top-level modules only they install: a command that needs one of
#: these modules says which extra to install instead of a traceback.
EXTRA_OF_MODULE = {
    "fastapi": "api",
    "fastapi_offline": "api",
    "starlette": "api",
    "pydantic_settings": "api",
    "uvicorn": "api",
    "prometheus_client": "api",
    "slack_sdk": "api",
    "httpx": "refresh",
    "ijson": "refresh",
    "mcp": "mcp",
    "anyio": "mcp",  # the MCP SDK's, imported first by decider mcp (the api extra installs it too)
    "jinja2": "api",
    "vl_convert": "chart",
}


def read_input(path: str, stdin: TextIO | None = None) -> Any:
    """Read a workload document (YAML or JSON) from a file, or from stdin when ``path`` is '-'.

    An empty document or ``null`` is refused, as the API refuses a null body: a generator that failed and wrote
    nothing must not get an answer for the default workload (and exit 0)."""
    return read_document(path, stdin)[0]


def read_document(path: str, stdin: TextIO | None = None) -> tuple[Any, str, str]:
    """``read_input``'s document with the text it was read from and that text's name (the path, or ``<stdin>``), for
    a later problem with one of its values to be placed on its line (decider/document_lines.py)."""
    from decider.documents import parse_remembered, parse_text

    if path == "-":
        text = (stdin or sys.stdin).read()
        # JSON on stdin is read as JSON (3e6 is a number there, as in a .json file and the API), anything else as YAML
        source, json_only = "<stdin>", is_json(text, path)
    else:
        file = Path(path)
        if not file.exists():
            raise UsageError([Problem(path, "no such file")])
        if file.is_dir():
            raise UsageError([Problem(path, "is a directory; give a workload file (YAML or JSON)")])
        from decider.document_limits import read_text

        source, text, json_only = str(file), read_text(file), file.suffix == ".json"
    # YAML read as the rule files are: from the document cache when this text was read and checked before
    raw = parse_text(text, source, json_only=True) if json_only else parse_remembered(text, source)
    if raw is None:
        from decider.errors import WorkloadError

        got = "null" if _has_content(text) else "an empty document"
        raise WorkloadError([Problem(source, f"a workload must be a mapping of sections (a JSON object), got {got}")])
    if not isinstance(raw, dict):  # said where it was read, as the empty document is
        from decider.errors import WorkloadError, json_type

        raise WorkloadError(
            [Problem(source, f"a workload must be a mapping of sections (a JSON object), got {json_type(raw)}")]
        )
    return raw, text, source


def is_json(text: str, path: str) -> bool:
    """Whether a workload document is JSON, and so held to JSON's types as the API holds its bodies (``"512"`` is not
    a number there, nor ``"yes"`` true): a ``.json`` file, or standard input written as JSON: it parses as JSON, or it
    opens as JSON does (``{"``, ``[{``: malformed JSON is then refused with its line and column, not read as YAML). A
    YAML flow mapping (``{runtime: {memory_mb: 512}}``) stays YAML, which stays lenient."""
    if path != "-":
        return Path(path).suffix == ".json"
    if _JSON_OPENING.match(text):
        return True
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    return True


#: How a JSON document opens and a YAML one does not: an object whose first key is quoted, or an array of those.
_JSON_OPENING = re.compile(r'\s*(\[\s*)*\{\s*["}]')


def _has_content(text: str) -> bool:
    """Whether a YAML text holds more than blank lines, comments and document markers."""
    lines = (line.strip() for line in text.splitlines())
    return any(line and not line.startswith("#") and line not in ("---", "...") for line in lines)


def add_rules_option(
    parser: argparse.ArgumentParser,
    help: str = "extra rule directory (repeatable); a rule there replaces a shipped rule with the same id",
) -> None:
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help=help)


def ruleset_from(args: argparse.Namespace) -> Ruleset:
    from decider.rules.loader import load_ruleset  # and the price book models: only for commands that load rules

    return load_ruleset(args.rules)


#: Whether a command's start-up set its objects aside from the garbage collector (``start_up``), until it ends.
_set_aside = False


@contextmanager
def start_up() -> Iterator[None]:
    """A command's start-up (importing its modules, loading the rules) with Python's cyclic garbage collector paused:
    the tens of thousands of objects made there (model classes, compiled rules, price books) live as long as the
    command, and the collector's passes over them find nothing to free. They are then set aside from its later passes
    (``gc.freeze``) until the command ends (``end_of_command``), and it runs again, when it ran, for the command's
    own work."""
    global _set_aside
    running = gc.isenabled()
    ours = gc.get_freeze_count() == 0  # a process that set objects aside itself keeps them as it did: none are added
    gc.disable()
    try:
        yield
    finally:
        if ours:
            gc.freeze()
            _set_aside = True
        if running:
            gc.enable()


#: Allocations between young-generation collections while a command does its own work (Python's default is 700): a
#: decision makes many short-lived objects, freed as they go out of use, and few cycles.
WORK_GC_THRESHOLD = 20_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """A command's own work (reading its input, deciding, rendering) with the collector's young generation collected
    less often; the thresholds are given back as they were when it ends. What the work made and still holds then (the
    decision) is set aside with what the start-up set aside, when it set objects aside, until the command ends: the
    young generation's usual threshold would otherwise have the collector walk all of it (~2 ms) at the next
    allocation, to free nothing."""
    threshold = gc.get_threshold()
    gc.set_threshold(WORK_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        if _set_aside:
            gc.freeze()
        gc.set_threshold(*threshold)


def end_of_command() -> None:
    """Give what ``start_up`` set aside back to the garbage collector (a process that runs more than one command)."""
    global _set_aside
    if _set_aside:
        gc.unfreeze()
        _set_aside = False


def package_version() -> str:
    """The installed distribution's version, else (running from a source tree that is not installed) the package's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        from decider import __version__

        return __version__


class _VersionAction(argparse.Action):
    """``--version``: ``decider <version>``, the version read only when asked for (importlib.metadata is not free)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        sys.stdout.write(f"decider {package_version()}\n")
        parser.exit()


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``decider`` itself (before the command): ``--version``."""
    parser.add_argument("--version", action=_VersionAction, help="print decider's version and exit")


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit, when this run is one (argcomplete sets ``_ARGCOMPLETE``)."""
    import argcomplete

    _define_every_command(parser)  # argcomplete walks the whole tree: fill in the lazily defined commands first
    argcomplete.autocomplete(parser)


def _define_every_command(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                define = getattr(command, "define", None)
                if callable(define):
                    define()
                _define_every_command(command)


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """What to say when a command needs an optional extra that is not installed; None for any other missing module."""
    module = (error.name or "").partition(".")[0]
    extra = EXTRA_OF_MODULE.get(module)
    if extra is None:
        return None
    return (
        f"decider: this command needs the {extra!r} extra ({module} is not installed); "
        f"install it with: pip install '{DISTRIBUTION}[{extra}]'\n"
    )
