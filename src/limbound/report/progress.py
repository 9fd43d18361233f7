"""The one progress display of limbound: every command and report that can run for more than ~2 s uses it.

A rich display on **stderr** (so ``--json`` on stdout stays clean), shown only when stderr is a terminal and
not switched off (``--no-progress`` at the command line, ``progress=False`` in the API): piped output carries no
progress at all.  A spinner, the description and the elapsed time; with a known total also a bar, done/total
and the time remaining.  It disappears when the work ends (transient).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _NoTask:
    """The task of a display that is off: every call does nothing."""

    def update(self, *a: Any, **k: Any) -> None:
        pass

    def advance(self, *a: Any, **k: Any) -> None:
        pass


class _Task:
    """One running task of a shown display."""

    def __init__(self, bar: Any, task: Any) -> None:  # a rich Progress and its task id
        self._bar, self._task = bar, task

    def update(self, description: str | None = None, completed: float | None = None, total: float | None = None) -> None:
        kw = {k: v for k, v in (("description", description), ("completed", completed), ("total", total))
              if v is not None}
        self._bar.update(self._task, **kw)

    def advance(self, n: float = 1) -> None:
        self._bar.advance(self._task, n)


@contextmanager
def progress(description: str, total: float | None = None, *, enabled: bool = True) -> Iterator[_Task | _NoTask]:
    """Show progress of one piece of work while the ``with`` block runs; yields a task with
    ``update(description=, completed=, total=)`` and ``advance(n=1)``.

    Nothing is shown (the task does nothing) when ``enabled`` is false or stderr is not a terminal.
    """
    from rich.console import Console

    con = Console(stderr=True, highlight=False, soft_wrap=False)
    if not enabled or not con.is_terminal:
        yield _NoTask()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    cols = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        cols += [BarColumn(), MofNCompleteColumn()]
    cols.append(TimeElapsedColumn())
    if total:
        cols.append(TimeRemainingColumn())
    with Progress(*cols, console=con, transient=True) as bar:
        yield _Task(bar, bar.add_task(description, total=total))


__all__ = ["progress"]
