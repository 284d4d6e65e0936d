"""The ``decider`` command line; ``decider.cli.main`` builds it, this runs it with what the whole command line
shares: ``decider --version``, shell completion (argcomplete) and a plain message when a command needs an optional
extra that is not installed (``decider serve`` without ``decider-aws[api]``).

PYTHON_ARGCOMPLETE_OK (argcomplete's global completion looks for this marker in the entry point's module)
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from decider.cli.arguments import EXIT_BAD_INPUT, EXIT_OK, complete, missing_extra, package_version
from decider.cli.main import build_parser
from decider.cli.main import main as run_command
from decider.errors import quoted

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``decider`` command line (``sys.argv[1:]`` by default); the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer and exit
        complete(build_parser())  # build_parser() defines --version with the commands
    if arguments[:1] == ["--version"]:
        sys.stdout.write(f"decider {package_version()}\n")
        return EXIT_OK
    try:
        return run_command(arguments)
    except ModuleNotFoundError as error:
        message = missing_extra(error)
        sys.stderr.write(message if message is not None else could_not_finish(error))
        return EXIT_BAD_INPUT
    except Exception as error:  # never a traceback, and exit 1 stays the --fail-on gate's
        sys.stderr.write(could_not_finish(error))
        return EXIT_BAD_INPUT


def could_not_finish(error: Exception) -> str:
    """The one line for a failure no check of decider's caught (a bug): what it was, cut short."""
    return f"decider: could not finish: {type(error).__name__}: {quoted(str(error))}\n"


#: The commands a Pydantic plugin (an observability package's, found through the installed packages' entry points) may
#: be wanted in: the API server, long-lived. Any other command is one validation and one answer.
PLUGIN_COMMANDS = ("serve",)


def run() -> None:
    """Console-script entry point: one command in a process of its own, which ends with it. A command other than
    ``serve`` looks for no Pydantic plugin: finding them reads every installed package's entry points (~15 ms of a
    ``decider recommend``); ``PYDANTIC_DISABLE_PLUGINS`` set in the environment is left as it is."""
    if sys.argv[1:2] and sys.argv[1] not in PLUGIN_COMMANDS:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = main()
    # What the command built (modules, model classes, rules) is freed with the process: the interpreter's collections
    # at exit would walk it all (~30 ms for a recommend) to free what the operating system takes back anyway. Output
    # is written and flushed by now; files are written inside ``with`` blocks.
    gc.freeze()
    _end_now(code)
    sys.exit(code)


def _end_now(code: int) -> None:
    """End the process here when nothing but freeing memory is left to do at exit: the interpreter's own exit would
    then tear every module down object by object (~7 ms for a recommend). What an exit does besides is done first:
    the functions registered with atexit run and the standard streams are flushed. A thread still running, or a
    stream that cannot be flushed, leaves the exit to the interpreter (it waits for the thread, or reports the failed
    flush and its exit code, as always)."""
    import atexit
    import threading

    if threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # a closed pipe, a full disk: the interpreter's exit says so
        return
    os._exit(code)
