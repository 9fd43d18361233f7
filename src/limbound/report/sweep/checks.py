"""Input value checks of the sweep kinds, run for every point before any cluster starts.

One check per input name (:data:`_CHECKS`, overridden per kind by :func:`_kind_checks`): a value of the wrong
type or range is refused in one line naming the input (see :mod:`limbound.report.sweep`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ...errors import ParameterError

_VALIDATE_GROUPS = ("kramers", "drag", "erasure", "master", "lim", "static")
#: A check of one input: ``check(name, value)`` raises a one-line ParameterError for a bad value.
Check = Callable[[str, object], None]


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _number(lo: float | None = None, *, lo_open: bool = False, hi: float | None = None, hi_open: bool = False,
            what: str = "") -> Check:
    """A real number (never a boolean or a string) in the given range."""
    rng = []
    if lo is not None:
        rng.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        rng.append(f"{'<' if hi_open else '<='} {hi:g}")
    allowed = what or ("a finite number" + (" " + " and ".join(rng) if rng else ""))

    def check(name: str, v: object) -> None:
        if not _is_number(v):
            raise ParameterError(f"{name}={v!r} is not a number; allowed: {allowed}")
        if not np.isfinite(float(v)):
            raise ParameterError(f"{name}={v!r} is not finite; allowed: {allowed}")
        x = float(v)
        if lo is not None and (x < lo or (lo_open and x == lo)) or hi is not None and (x > hi or (hi_open and x == hi)):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: {allowed}")
    return check


def _integer(lo: int = 1, hi: int | None = None) -> Check:
    """A TOML integer (not a float such as 1e3, not a boolean) in lo..hi."""
    allowed = f"integers {lo}..{hi}" if hi is not None else f"integers >= {lo}"

    def check(name: str, v: object) -> None:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise ParameterError(f"{name}={v!r} is not an integer; allowed: {allowed}")
        if v < lo or (hi is not None and v > hi):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: {allowed}")
    return check


def _choice(options: Sequence[str]) -> Check:
    def check(name: str, v: object) -> None:
        if not isinstance(v, str) or v not in options:
            raise ParameterError(f"{name}={v!r} is unknown; allowed: {', '.join(options)}")
    return check


def _boolean(name: str, v: object) -> None:
    if not isinstance(v, (bool, np.bool_)):
        raise ParameterError(f"{name}={v!r} is not a boolean; allowed: true or false")


def _quantity(kind: str) -> Check:
    """A number or a string with a unit (limbound.units.parse_quantity), never a boolean."""
    def check(name: str, v: object) -> None:
        from ...units import parse_quantity

        if isinstance(v, (bool, np.bool_)) or not (isinstance(v, str) or _is_number(v)):
            raise ParameterError(f"{name}={v!r} is not a {kind}; allowed: a number or a string with a unit, e.g. '1us'")
        parse_quantity(v, kind, name)
    return check


def _list_of(inner: Check, *, length: int | None = None) -> Check:
    def check(name: str, v: object) -> None:
        if not isinstance(v, (list, tuple)) or not v or (length is not None and len(v) != length):
            n = f"{length} values" if length is not None else "at least one value"
            raise ParameterError(f"{name}={v!r} is not allowed; allowed: a list of {n}")
        for i, x in enumerate(v):
            inner(f"{name}[{i}]", x)
    return check


def _graph_spec(name: str, v: object) -> None:
    if not isinstance(v, str):
        raise ParameterError(f"{name}={v!r} is not allowed; allowed: a G-set file path or 'random:N:P'")
    if v.startswith("random:"):
        try:
            _, n, p = v.split(":")
            n, p = int(n), float(p)
        except ValueError:
            raise ParameterError(f"{name}={v!r} is not allowed; allowed: a G-set file path or 'random:N:P'") from None
        if not (2 <= n <= 100_000 and 0 < p <= 1):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: 'random:N:P' with N in 2..100000, 0 < P <= 1")
    elif not Path(v).is_file():
        raise ParameterError(f"{name}={v!r} is not a file; allowed: a G-set file path or 'random:N:P'")


def _bits(lo: int = 1, hi: int = 64) -> Check:
    return _integer(lo, hi)


_POS = _number(0, lo_open=True)
_NONNEG = _number(0)
#: Checks of the inputs of kind "validate" by name (the keyword arguments of limbound.sim.validate's
#: ``<group>_cases``, which have no declaration in limbound.specs); the estimate, anneal, qp and train kinds check
#: their inputs by the declarations of their functions (limbound.specs).
_CHECKS = {
    "n_particles": _integer(1), "n_memories": _integer(1), "n_rate": _integer(1), "n_levels": _integer(2),
    "f0_hz": _POS, "dt_s": _POS, "dt": _quantity("time"), "retention_s": _POS,
    "k": _POS, "L": _POS, "tau": _POS, "gamma": _POS, "a": _POS, "barrier": _POS, "tilt": _NONNEG, "settle_dt": _POS,
    "default_prob": _number(0, lo_open=True, hi=1, hi_open=True), "sync": _boolean,
    "taus": _list_of(_POS), "barriers": _list_of(_POS), "probs": _list_of(_number(0, lo_open=True, hi=1, hi_open=True)),
}


def _kind_checks(kind: str) -> dict:
    """The checks of ``kind`` ("validate"): :data:`_CHECKS` with its list-valued inputs."""
    c = dict(_CHECKS)
    if kind == "validate":
        c.update(group=_choice(_VALIDATE_GROUPS), bits=_list_of(_bits()),
                 n_particles=lambda n, v: (_list_of(_integer(1)) if isinstance(v, list) else _integer(1))(n, v),
                 dt=lambda n, v: (_list_of(_POS) if isinstance(v, list) else _POS)(n, v))
    return c


def _check_values(kind: str, inputs: dict) -> None:
    """Refuse values of the wrong type or range (one line naming the input) for the names ``kind`` knows."""
    checks = _kind_checks(kind)
    for name, value in inputs.items():
        check = checks.get(name)
        if check is not None:
            check(name, value)


#: Input names of kind "estimate": the keyword arguments of limbound.bounds.resolve, plus
