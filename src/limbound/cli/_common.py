"""Helpers shared by the subcommands: JSON output with provenance, atomic writes."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

from .. import __version__


def _default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o):
    """Replace non-finite floats by None so the output is strict JSON."""
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def dumps(obj) -> str:
    """Strict JSON (NaN/inf -> null), numpy-aware, stable key order as given."""
    return json.dumps(_clean(json.loads(json.dumps(obj, default=_default))), indent=2)


def print_json(obj) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def provenance(seed=None, **inputs) -> dict:
    """The block every output carries: version, seed and resolved inputs."""
    return {"version": __version__, "seed": seed, "inputs": inputs}


def add_physics_args(p, *, time_default="30d") -> None:
    """Options shared by every subcommand that evaluates the physics (human units accepted)."""
    g = p.add_argument_group("physics")
    g.add_argument("--bits", default=None, help="bits of precision per parameter, 1..64 (default 16)")
    g.add_argument("--temperature", default="300K", help="bath temperature, e.g. 300K (default 300K)")
    g.add_argument("--attempt-frequency", default="1e9/s", help="attempt frequency f0, e.g. 1e9/s (default 1e9/s)")
    g.add_argument("--retention", default="10y", help="retention time of the static memory, e.g. 10y (default 10y)")
    g.add_argument("--retention-failure", default="1e-6", help="retention failure probability d_ret, in (0,1) (default 1e-6)")
    g.add_argument("--write-failure", default="1e-6", help="write failure probability d_w, in (0,1) (default 1e-6)")


def physics_kwargs(args) -> dict:
    """Parse the physics options to SI keyword arguments of the API."""
    from ..errors import check_bits
    from ..units import parse_number, parse_quantity

    out = {
        "T_K": parse_quantity(args.temperature, "temperature", "--temperature"),
        "f0_hz": parse_quantity(args.attempt_frequency, "frequency", "--attempt-frequency"),
        "retention_s": parse_quantity(args.retention, "time", "--retention"),
        "d_ret": _probability(args.retention_failure, "--retention-failure"),
        "d_w": _probability(args.write_failure, "--write-failure"),
    }
    if args.bits is not None:
        try:
            out["bits"] = check_bits(parse_number(args.bits, "--bits"), "--bits")
        except Exception as exc:
            from ..errors import ParameterError
            raise ParameterError(f"--bits={args.bits!r} is out of range; allowed: integers 1..64") from exc
    return out


def _probability(text, name):
    from ..errors import ParameterError

    try:
        v = float(text)
    except ValueError:
        raise ParameterError(f"{name}={text!r} is not a number; allowed: 0 < p < 1") from None
    if not (0.0 < v < 1.0):
        raise ParameterError(f"{name}={text!r} is out of range; allowed: 0 < p < 1")
    return v


def table(title: str, columns, rows) -> None:
    """Print a table with rich (plain text when not a terminal)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(title))
    for c in columns:
        t.add_column(escape(c), justify="right" if c not in ("workload", "paradigm", "name", "source", "device", "hardware") else "left", overflow="fold")
    for r in rows:
        t.add_row(*[escape(str(v)) for v in r])
    Console(width=200).print(t)


def g3(x) -> str:
    return "-" if x is None else f"{x:.3g}"
