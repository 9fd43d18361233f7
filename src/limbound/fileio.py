"""Files in and out, one policy in one place: atomic writes, output checks before any work, bounded inputs.

Writing (every command that writes goes through here):

* :func:`atomic_path` / :func:`atomic_write_text`: a reader sees the old file
  or the new one, never half of one (temporary file beside, then rename).
* :func:`check_output_file`: before any work, refuse an empty path, a path
  that exists and is not a regular file (a directory, FIFO, device, socket:
  a rename would replace the node), a missing or read-only parent folder.
* :func:`check_out_dir`: the same for a result folder (``--out``), and each
  file the command will write in it (``files``) must be a regular file or
  absent.
* :func:`claim_out_dir`: a folder remembers which command (and which config)
  wrote it, in ``DIR/.limbound-owner.json``; another command or config is
  refused unless ``force`` (``--force``).
* :func:`mark_incomplete` / :func:`clear_incomplete`: ``DIR/INCOMPLETE`` says
  a run started and did not finish (with the reason when it failed), so a
  half-written folder never looks finished.

Tables: :func:`csv_text`, the one CSV writer (full-precision floats; None, a missing key and NaN are empty
cells, as pandas ``to_csv`` writes them and ``pandas.read_csv`` / ``numpy.genfromtxt`` read them back as NaN;
infinities are ``inf`` / ``-inf``, which both read back as infinities);
JSON: :func:`dumps` (strict JSON, numpy-aware).

Reading: :func:`check_input_file` refuses anything that is not a regular file
(FIFOs and devices would block or never end) or is larger than a stated cap.

All refusals are one-line :class:`~limbound.errors.ParameterError` naming the
option (``name``), what it got and what is allowed.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ParameterError

OWNER_FILE = ".limbound-owner.json"
INCOMPLETE_FILE = "INCOMPLETE"
#: Default cap of an input file read whole (graphs, configs, CSV): 256 MiB.
MAX_INPUT_BYTES = 256 * 2**20
#: A file-system path as the functions here accept it.
StrPath = str | os.PathLike


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def _nonempty(path: object, name: str, what: str) -> Path:
    if path is None or not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"{name}={path!r} is not a path; allowed: {what}")
    if str(path) == "" or str(path).strip() == "":
        raise ParameterError(f"{name}={str(path)!r} is empty; allowed: {what}")
    if "\x00" in str(path):
        raise ParameterError(f"{name}={str(path)!r} contains a NUL byte; allowed: {what}")
    return Path(path)


def check_input_file(path: StrPath, *, name: str = "file", max_bytes: int = MAX_INPUT_BYTES, what: str = "a regular file") -> Path:
    """Refuse (one line) an input that is missing, not a regular file (FIFO, device, directory) or too large."""
    p = _nonempty(path, name, what)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ParameterError(f"{name}={str(path)!r} does not exist; allowed: {what}") from None
    except OSError as exc:
        raise ParameterError(f"{name}={str(path)!r} cannot be read ({exc.strerror or type(exc).__name__}); "
                             f"allowed: {what}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ParameterError(f"{name}={str(path)!r} is {_kind(st.st_mode)}, not a regular file; allowed: {what}")
    if st.st_size > max_bytes:
        raise ParameterError(f"{name}={str(path)!r} is {st.st_size / 2**20:.4g} MiB; allowed: {what} of at most "
                             f"{max_bytes / 2**20:.4g} MiB")
    if not os.access(p, os.R_OK):
        raise ParameterError(f"{name}={str(path)!r} is not readable; allowed: {what}")
    return p


def read_input_bytes(path: StrPath, *, name: str = "file", max_bytes: int = MAX_INPUT_BYTES, what: str = "a regular file") -> bytes:
    """The bytes of a checked input file (:func:`check_input_file`), read with the cap enforced again."""
    p = check_input_file(path, name=name, max_bytes=max_bytes, what=what)
    with open(p, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since the check
        raise ParameterError(f"{name}={str(path)!r} is larger than {max_bytes / 2**20:.4g} MiB; allowed: {what} "
                             f"of at most {max_bytes / 2**20:.4g} MiB")
    return data


def _existing_not_regular(p: Path) -> str | None:
    """The kind of an existing non-regular node at ``p`` (following symlinks), or None."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            return "a dangling symbolic link"
        return None
    except OSError:
        return None
    return None if stat.S_ISREG(st.st_mode) else _kind(st.st_mode)


def _probe_writable(folder: Path) -> str | None:
    """None if a file can be created (and is removed) in ``folder``, else why not."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".limbound-write-test-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def check_output_file(path: StrPath, *, name: str = "output") -> Path:
    """Refuse, before any work, an output file path that cannot be written by :func:`atomic_path`.

    Refused: an empty path; a path that exists and is not a regular file (a
    directory, a FIFO, a device such as ``/dev/null``, a socket -- the atomic
    rename would replace that node); a parent folder that does not exist or
    where no file can be created.  An existing regular file is replaced.
    """
    allowed = "a file path (e.g. out.csv) in an existing writable folder"
    p = _nonempty(path, name, allowed)
    bad = _existing_not_regular(p)
    if bad:
        raise ParameterError(f"{name}={str(path)!r} is {bad}; allowed: {allowed} (never a directory, device or FIFO)")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ParameterError(f"{name}={str(path)!r}: folder {str(parent)!r} does not exist; allowed: {allowed}")
    why = _probe_writable(parent)
    if why:
        raise ParameterError(f"{name}={str(path)!r}: cannot create a file in folder {str(parent)!r} ({why}); "
                             f"allowed: {allowed}")
    return p


def check_out_dir(path: StrPath, *, name: str = "--out", files: Iterable[str] = ()) -> Path:
    """Refuse an output folder that cannot be one, without creating anything.

    ``path`` must be a writable folder, or not exist yet below a writable
    folder; every relative path in ``files`` (what the command will write
    there) must be absent or a regular file.  One-line :class:`ParameterError` otherwise.
    """
    allowed = "a folder (created if missing)"
    p = _nonempty(path, name, allowed)
    if p.exists() or os.path.islink(p):
        if not p.is_dir():
            what = _existing_not_regular(p) or "a file"
            raise ParameterError(f"{name}={str(path)!r} is {what}, not a folder; allowed: {allowed}")
        if not os.access(p, os.W_OK | os.X_OK):
            raise ParameterError(f"{name}={str(path)!r} is not writable; allowed: a writable folder")
        for f in files:
            bad = _existing_not_regular(p / f)
            if bad:
                raise ParameterError(f"{name}={str(path)!r}: {f} there is {bad}; allowed: a folder where {f} is "
                                     "a regular file or absent (remove it, or choose another --out)")
        return p
    parent = p.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ParameterError(f"{name}={str(path)!r} cannot be created ({parent} is not a writable folder); "
                             "allowed: a folder below a writable one")
    return p


def make_out_dir(path: StrPath, *, name: str = "--out", files: Iterable[str] = ()) -> Path:
    """Create the output folder (and parents) after :func:`check_out_dir`; an OS refusal becomes one line."""
    p = check_out_dir(path, name=name, files=files)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"{name}={str(path)!r} cannot be created ({exc.strerror or type(exc).__name__}); "
                             "allowed: a folder below a writable one") from None
    return p


# ------------------------------------------------------------------ ownership of a result folder
#: Files that identify a folder written by a command before owner files existed.
_LEGACY_MARKS = {"sweep": ("manifest.json",), "reproduce": ("provenance.json", "report.html")}


def read_owner(path: StrPath) -> dict | None:
    """``{"command", "key", ...}`` of the folder ``path`` (None: no limbound output there)."""
    p = Path(path)
    f = p / OWNER_FILE
    if f.is_file():
        try:
            rec = json.loads(f.read_text(encoding="utf-8"))
            if isinstance(rec, dict) and isinstance(rec.get("command"), str):
                return rec
        except (OSError, ValueError):
            pass
        return {"command": "?", "key": None}
    for command, marks in _LEGACY_MARKS.items():
        if any((p / m).exists() for m in marks):
            return {"command": command, "key": None}
    return None


def check_owner(path: StrPath, command: str, key: str | None = None, *, force: bool = False, name: str = "--out",
                describe: str = "") -> dict | None:
    """Refuse (one line) writing ``command``'s results into a folder another command or config wrote.

    ``key`` identifies the config (e.g. a sweep's grid hash); None accepts any
    earlier run of the same command.  ``force`` accepts anything.  Returns the
    previous owner record (None for a new or foreign-but-empty folder).
    """
    p = Path(path)
    if not p.is_dir():
        return None
    prev = read_owner(p)
    if prev is None or force:
        return prev
    if prev["command"] != command:
        raise ParameterError(f"{name}={str(path)!r} holds the output of `limbound {prev['command']}`, not of "
                             f"`limbound {command}`; allowed: a new {name}, or --force to write there anyway")
    if key is not None and prev.get("key") not in (None, key):
        what = describe or "config"
        raise ParameterError(f"{name}={str(path)!r} holds a {command} of another {what} ({str(prev.get('key'))[:12]}, "
                             f"this one is {key[:12]}); allowed: the same {what} to resume, a new {name}, or --force")
    return prev


def claim_out_dir(path: StrPath, command: str, key: str | None = None, **extra: Any) -> None:
    """Record ``command`` (and ``key``) as the owner of folder ``path`` (atomic)."""
    rec = {"command": command, "key": key, **extra}
    atomic_write_text(Path(path) / OWNER_FILE, json.dumps(rec, indent=2) + "\n")


def mark_incomplete(path: StrPath, reason: str = "running") -> None:
    """Write ``DIR/INCOMPLETE``: the folder's results are not (yet) whole, and why."""
    atomic_write_text(Path(path) / INCOMPLETE_FILE,
                      f"{reason}\n(written {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, pid {os.getpid()}; "
                      "removed when a run finishes)\n")


def clear_incomplete(path: StrPath) -> None:
    (Path(path) / INCOMPLETE_FILE).unlink(missing_ok=True)


# ------------------------------------------------------------------ atomic writes
@contextlib.contextmanager
def atomic_path(path: StrPath) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``, else remove it.

    For writers that want a file name (``savefig``, ``to_parquet``).  The
    result gets ordinary permissions (``0666 & ~umask``), not mkstemp's 0600.
    A ``path`` that exists and is not a regular file (a directory, a device,
    a FIFO) is refused (:func:`check_output_file`), never replaced.
    """
    path = Path(path)
    bad = _existing_not_regular(path)
    if bad:
        raise ParameterError(f"{str(path)!r} is {bad}; allowed: a regular file path (it is never replaced)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp" + path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        bad = _existing_not_regular(path)  # appeared while we computed
        if bad:
            raise ParameterError(f"{str(path)!r} is {bad}; allowed: a regular file path (it is never replaced)")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: StrPath, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            fh.write(text)


# ---- JSON ----------------------------------------------------------------------------------------

def _default(o: object) -> object:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o: object) -> object:
    """Replace non-finite floats by None so the output is strict JSON."""
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def dumps(obj: object, *, ascii: bool = True) -> str:
    """Strict JSON (NaN/inf -> null), numpy-aware, stable key order as given; ``ascii=False`` keeps non-ASCII
    characters (``§``) as they are instead of ``\\u00a7`` escapes (for UTF-8 pages).

    >>> print(dumps({"a": float("nan"), "b": np.float64(1.5)}))
    {
      "a": null,
      "b": 1.5
    }
    """
    return json.dumps(_clean(json.loads(json.dumps(obj, default=_default))), indent=2, ensure_ascii=ascii)


# ---- CSV -----------------------------------------------------------------------------------------

def _csv_cell(v: object) -> object:
    """CSV cell: floats at full precision (plain Python repr, also for numpy scalars), NaN and None empty,
    infinities ``inf`` / ``-inf``."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else repr(float(v))
    if isinstance(v, np.integer):
        return int(v)
    return "" if v is None else v


def csv_text(rows: Iterable[dict], columns: Sequence[str] | None = None) -> str:
    """``rows`` (dicts) as CSV text with the header ``columns`` (default: every key, in order of first
    appearance); keys not in ``columns`` are left out, a missing key, None and NaN are empty cells, floats keep
    full precision.  Every CSV file limbound writes is written by this function.

    >>> print(csv_text([{"x": 0.1, "y": float("nan"), "z": 3}, {"x": True, "y": float("-inf")}], ["x", "y"]), end="")
    x,y
    0.1,
    True,-inf
    >>> print(csv_text([{"a": 1}, {"b": None, "a": 2}]), end="")
    a,b
    1,
    2,
    """
    rows = list(rows)
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: _csv_cell(r.get(c, "")) for c in columns})
    return buf.getvalue()
