# PYTHON_ARGCOMPLETE_OK  (shell completion: argcomplete's marker, README "Shell completion")
"""The ``limbound`` command: argument parsing only, every number comes from the public API.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable
taking the parsed namespace and returning an exit code).  Modules are
discovered here, so adding a subcommand touches no other file.

Any :class:`limbound.errors.LimboundError` (bad input) becomes one line on
stderr and exit code 2, with nothing written; so does an ``OSError`` on a
path the user gave and a ``MemoryError`` (a problem too large for the
machine).  Subcommands should still refuse such input before any work.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import __version__
from ..errors import LimboundError


class _Formatter(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal as usual; the epilog's example lines kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a: Any, **k: Any) -> None:
        k.setdefault("formatter_class", _Formatter)
        super().__init__(*a, **k)

    def error(self, message: str) -> NoReturn:  # one line, exit 2 (argparse prints usage first otherwise)
        import re

        from ..errors import did_you_mean

        m = re.match(r"argument ([^:]+): invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if m:  # a mistyped choice (a command, --schedule ...): name the closest one
            choices = [c.strip().strip("'") for c in m.group(3).split(",")]
            message = f"argument {m.group(1)}: invalid choice: {m.group(2)!r};{did_you_mean(m.group(2), choices)} " \
                      f"allowed: {', '.join(choices)}"
        sys.stderr.write(f"limbound: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="limbound", description="Energy dissipation of learning: floors (theorems), estimates (LIM, compute-in-memory, Landauer reference, accelerators) and measured simulations.")
    parser.add_argument("--version", action="version", version=f"limbound {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


class _ClosedStream:
    """Stands for a standard stream the caller closed: any write is an OSError (one line, exit 2)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(9, "standard output is closed; allowed: run with stdout open (e.g. > file)")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _streams() -> None:
    """Text the terminal's encoding cannot show (e.g. '§' under PYTHONIOENCODING=ascii) is escaped, never a crash."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _ClosedStream())
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a detached stream
                pass


def _complete(parser: argparse.ArgumentParser) -> None:
    """Shell completion (the optional extra ``limbound[completion]``): answer the shell and exit.  Called only when
    the shell asks (``_ARGCOMPLETE`` in the environment), so argcomplete is never imported on a normal start."""
    try:
        import argcomplete
    except ImportError:  # completion registered but the extra not installed: complete nothing
        raise SystemExit(1) from None
    argcomplete.autocomplete(parser)


def _deprecations_as_notes() -> None:
    """A deprecated name the user wrote (a sweep config's ``T_K``, ``[inputs.T_K]``) is one note line on stderr, once
    per name and place, not a Python warning with its traceback line (limbound.deprecation)."""
    def show(message: Warning | str, category: type, *_: Any, **__: Any) -> None:
        sys.stderr.write(f"limbound: note: {message}\n")

    warnings.showwarning = show
    warnings.filterwarnings("default", ".*is deprecated and goes in the next release", DeprecationWarning)


def main(argv: Sequence[str] | None = None) -> int:
    _streams()
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:
        _complete(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a refused option (one line already on stderr), --help or --version
        return exc.code if isinstance(exc.code, int) else 2
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the command line, for --json provenance
    try:
        with warnings.catch_warnings():
            _deprecations_as_notes()
            code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full disk or closed pipe is reported here, not as an exception at exit
        return code
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except LimboundError as exc:
        sys.stderr.write(f"limbound: error: {exc}\n")
        return 2
    except OSError as exc:  # a path the user gave cannot be read or written, or stdout is full/closed
        where = f": {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"limbound: error: {exc.strerror or exc}{where}\n")
        import errno
        if exc.errno in (errno.ENOSPC, errno.EIO) and exc.filename is None:  # stdout full: drop what is buffered
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        return 2
    except MemoryError:
        sys.stderr.write("limbound: error: the problem is too large for this machine's memory; reduce its size\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("limbound: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
