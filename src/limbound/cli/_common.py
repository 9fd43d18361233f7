"""Helpers shared by the subcommands: the one ``--json`` layout (inputs, results, provenance), tables and notes
that fit the terminal, progress on stderr, the physics options."""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..fileio import dumps

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console


def print_json(obj: object) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def add_thermal_args(p: argparse.ArgumentParser) -> None:
    """``--temperature`` and ``--attempt-frequency``, the same on every command that simulates memories
    (declared in limbound.specs.THERMAL)."""
    from ..specs import THERMAL

    THERMAL.add_arguments(p.add_argument_group("physics"))


def thermal_kwargs(args: argparse.Namespace) -> dict:
    """``temperature_K`` and ``f0_hz`` (SI) from ``--temperature`` and ``--attempt-frequency``."""
    from ..constants import check_temperature
    from ..specs import THERMAL

    out = THERMAL.from_args(args, ("temperature_K", "f0_hz"))
    check_temperature(out["temperature_K"], "--temperature")  # kT a normal double: the value's consequence, not its range
    return out


def refuse_args(p: argparse.ArgumentParser, reasons: dict) -> None:
    """Flags that other commands take but that do not apply here: refused at parse time with the reason
    (one line, exit 2), instead of argparse's bare "unrecognized arguments"."""
    import argparse

    class _Refuse(argparse.Action):
        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                     option_string: str | None = None) -> None:
            parser.error(f"{option_string} does not apply to `{parser.prog}`: {reasons[option_string]}")

    for flag in reasons:
        p.add_argument(flag, action=_Refuse, nargs="?", help=argparse.SUPPRESS)


def add_progress_arg(p: argparse.ArgumentParser) -> None:
    """``--no-progress``: the commands that can run for more than a few seconds show progress on stderr."""
    p.add_argument("--no-progress", action="store_true",
                   help="no progress display (it is shown on stderr, only when stderr is a terminal)")


def progress(args: argparse.Namespace, description: str, total: float | None = None) -> AbstractContextManager[Any]:
    """The progress display of a long command (:func:`limbound.report.progress.progress`): on stderr, only when
    stderr is a terminal and ``--no-progress`` is not given.  Yields a task with ``update(description=,
    completed=, total=)`` and ``advance()``."""
    from ..report.progress import progress as display

    return display(description, total, enabled=not getattr(args, "no_progress", False))


def epilog(*examples: str) -> str:
    """The ``--help`` epilog of a command: two or three example command lines."""
    return "examples:\n" + "\n".join(f"  {e}" for e in examples)


def provenance_block(args: argparse.Namespace, seed: int | None, inputs: dict) -> dict:
    """The ``provenance`` block of every ``--json`` output (README "JSON output"): the package version, the seed
    (null for deterministic commands), the command line, the sha256 of the canonical JSON of ``inputs`` (two runs
    with the same inputs hash the same) and when it ran (UTC, ISO 8601)."""
    import datetime
    import hashlib
    import json
    import shlex

    argv = getattr(args, "argv", None)
    argv = list(sys.argv[1:] if argv is None else argv)
    canon = json.dumps(inputs, sort_keys=True, default=str, separators=(",", ":"))
    return {"version": __version__, "seed": seed, "command": shlex.join(["limbound", *map(str, argv)]),
            "inputs_sha256": hashlib.sha256(canon.encode()).hexdigest(),
            "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def json_record(args: argparse.Namespace, results: object, inputs: dict, *, seed: int | None = None,
                legacy: dict | None = None) -> dict:
    """The one layout of every command's ``--json``: ``inputs`` (what the run was given, with the API's key
    names), ``results`` (what it computed: the API result's ``as_dict()``), ``provenance`` (:func:`provenance_block`).

    The layout before 0.2 is kept beside the three blocks, as deprecated aliases for one release: ``legacy`` (the
    command's old top-level keys; by default ``version``, ``seed``, ``inputs`` and the keys of ``results``).  Where
    an old key has a block's name and both are objects, the two are merged, the old sub-keys unchanged.
    """
    if legacy is None:
        legacy = {"version": __version__, "seed": seed, "inputs": inputs, **(results if isinstance(results, dict) else {})}
    out = {"inputs": inputs, "results": results, "provenance": None}
    for k, v in legacy.items():
        out[k] = {**out[k], **v} if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    out["provenance"] = {**provenance_block(args, seed, out["inputs"]), **(out["provenance"] or {})}
    return out


def emit_json(args: argparse.Namespace, results: object, inputs: dict, *, seed: int | None = None,
              legacy: dict | None = None) -> int:
    """Print :func:`json_record` as one JSON object; exit code 0."""
    print_json(json_record(args, results, inputs, seed=seed, legacy=legacy))
    return 0


#: The physics options shared by ``estimate``, ``per-op`` and ``gap`` (declared in limbound.specs.ESTIMATE).
PHYSICS = ("bits", "temperature_K", "f0_hz", "retention_s", "d_ret", "d_w")


def add_physics_args(p: argparse.ArgumentParser, *, time_default: str = "30d") -> None:
    """Options shared by every subcommand that evaluates the physics (human units accepted), kept as text:
    ``estimate`` and ``gap`` also take ranges and distributions there (:mod:`limbound.cli._uncertain`)."""
    from ..specs import ESTIMATE

    ESTIMATE.add_arguments(p.add_argument_group("physics"), PHYSICS, typed=False)


def physics_kwargs(args: argparse.Namespace) -> dict:
    """The physics options as SI keyword arguments of the API, each read and checked by its declaration."""
    from ..constants import check_temperature
    from ..specs import ESTIMATE

    out = ESTIMATE.from_args(args, PHYSICS)
    check_temperature(out["temperature_K"])  # kT a normal double: a check of the value's consequence, not its range
    return out


#: header words of columns holding text (left-aligned, may wrap between words); every other column holds
#: numbers, which are right-aligned and never wrapped.
TEXT_COLUMNS = {"workload", "paradigm", "name", "source", "device", "hardware", "key", "quantity", "case", "kind",
                "criterion", "note", "notes", "what", "model", "graph", "status", "panel", "reference", "run", "problem"}

_PLAIN_BOX = None


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) at the terminal's own width (rich's detection: ``COLUMNS``, then
    the terminal; 80 when neither is known). No colour or markup highlighting when not a terminal."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _plain_box() -> Box:
    """A header rule of ASCII dashes and nothing else: plain aligned text when the output is piped."""
    global _PLAIN_BOX
    if _PLAIN_BOX is None:
        from rich.box import Box

        _PLAIN_BOX = Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
    return _PLAIN_BOX


def _is_text(header: str, cells: Sequence) -> bool:
    if header.split(" ")[0].lower() in TEXT_COLUMNS:
        return True
    return any(re.search(r"[A-Za-z]{3,}", c) and " " in c for c in cells)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence], *, footer: str | None = None,
          text_columns: Iterable[str] = (), optional: Iterable[str] = ()) -> None:
    """Print ``rows`` under ``columns`` so they fit the terminal; one short ``footer`` line (or lines) under it.

    On a terminal: a rich table with light rules at the terminal's width.  Piped (not a terminal): the same
    columns as plain aligned text, a dashed header rule and no box-drawing characters.  Numbers never wrap
    mid-cell (their columns are ``no_wrap``); text columns (``TEXT_COLUMNS`` or ``text_columns``, or any column
    of words) wrap between words.  When even that does not fit the width, every row is printed as a block of
    ``column: value`` lines instead, so any number of columns (other commands add theirs) still fits.
    Columns named in ``optional`` are dropped first (last named first) when the table is too wide; a footer
    line then names them.
    """
    con = console()
    width = con.width
    columns = [str(c) for c in columns]
    cells = [["-" if v is None else str(v) for v in r] for r in rows]
    text = [_is_text(c, [r[i] for r in cells]) or c in text_columns for i, c in enumerate(columns)]
    need = _needs(columns, cells, text)
    keep, dropped = _drop_optional(columns, need, optional, width)
    if dropped:
        columns, text, need = [columns[i] for i in keep], [text[i] for i in keep], [need[i] for i in keep]
        cells = [[r[i] for i in keep] for r in cells]
    if sum(need) + 2 * (len(columns) - 1) > width:
        _records(con, title, columns, cells, width)
    else:
        _grid(con, title, columns, cells, text, need, width)
    lines = [footer] if isinstance(footer, str) else list(footer or ())
    if dropped:
        lines.append(f"(not shown at {width} columns: {', '.join(dropped)}; a wider terminal or --json shows them)")
    for line in lines:
        note(line, prefix="")


def _needs(columns: Sequence[str], cells: list[list[str]], text: Sequence[bool]) -> list:
    """Each column's least width: its longest header word, and its longest word (text) or whole cell (numbers)."""
    need = []
    for i, c in enumerate(columns):
        col = [r[i] for r in cells]
        head = max((len(w) for w in c.split()), default=1)
        if text[i]:
            body = max((len(w) for v in col for w in v.split()), default=1)
        else:
            body = max((len(v) for v in col), default=1)
        need.append(max(head, body, 1))
    return need


def _drop_optional(columns: Sequence[str], need: list, optional: Iterable[str], width: int) -> tuple:
    """The columns kept and the ``optional`` ones dropped (last named first) until the rest fit ``width``."""
    keep = list(range(len(columns)))
    dropped = []
    for name in reversed(list(optional)):
        if sum(need[i] for i in keep) + 2 * len(keep) <= width or name not in columns:
            continue
        keep.remove(columns.index(name))
        dropped.insert(0, name)
    return keep, dropped


def _grid(con: Console, title: str, columns: Sequence[str], cells: list[list[str]], text: Sequence[bool], need: list,
          width: int) -> None:
    """The table itself: rich's on a terminal, plain aligned text with a dashed header rule when piped."""
    from rich import box as rbox
    from rich.markup import escape
    from rich.table import Table

    terminal = con.is_terminal
    ncol = len(columns)
    overhead = 2 * (ncol - 1)
    t = Table(title=escape(title), box=rbox.SIMPLE_HEAD if terminal else _plain_box(), show_edge=False,
              padding=(0, 1, 0, 0), pad_edge=False, expand=False, title_justify="left" if not terminal else "center")
    # natural width: every header and cell on one line; if that is too wide, fix each column at its need
    # (headers then wrap between words) and give the slack to the text columns
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    widths = natural
    if sum(natural) + overhead > width:
        widths = list(need)
        slack = width - overhead - sum(widths)
        for i in sorted(range(ncol), key=lambda i: natural[i] - widths[i]):  # most headers on one line
            add = min(slack, natural[i] - widths[i])
            widths[i] += add
            slack -= add
    for i, c in enumerate(columns):
        t.add_column(escape(c), justify="left" if text[i] else "right", width=widths[i], overflow="fold")
    for r in cells:
        t.add_row(*[escape(v) for v in r])
    con.print(t)


def _records(con: Console, title: str, columns: Sequence[str], cells: list[list[str]], width: int) -> None:
    """Each row as a block: its first cell, then one indented ``column: value`` line per other column."""
    import textwrap

    out = [*textwrap.wrap(title, width), ""]
    w = min(max(len(c) for c in columns[1:]) if len(columns) > 1 else 0, width // 3)
    for r in cells:
        out.append(textwrap.shorten(f"{columns[0]}: {r[0]}", width, placeholder="...") if len(r[0]) > width - 2
                   else f"{columns[0]}: {r[0]}")
        for c, v in zip(columns[1:], r[1:], strict=False):
            out.extend(textwrap.wrap(v, width, initial_indent=f"  {c:<{w}}  ", subsequent_indent=" " * (w + 4),
                                     break_on_hyphens=False) or [f"  {c}"])
    con.out("\n".join(out), highlight=False)


def note(text: str, prefix: str = "note: ") -> None:
    """Print one note (or any sentence) wrapped whole to the terminal's width, continuation lines indented."""
    import textwrap

    con = console()
    lines = textwrap.wrap(f"{prefix}{text}", con.width, subsequent_indent=" " * max(len(prefix), 2),
                          break_on_hyphens=False, break_long_words=False) or [""]
    con.out("\n".join(lines), highlight=False)


def g3(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}"
