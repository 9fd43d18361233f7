"""Human units at the edges: parse ``"30d"``, ``"1us"``, ``"300K"``, ``"1e9/s"``; print J/kWh/kT.

Only the CLI and report layers call this module; everything inside the
package is SI.  A small explicit table is used instead of a general unit
library so that every accepted spelling is listed here and nothing is
guessed (``"y"`` is a Julian year, not yocto).
"""
from __future__ import annotations

import math
import re

from .constants import DAY_S, YEAR_S
from .errors import ParameterError

_TIME = {
    "s": 1.0, "sec": 1.0,
    "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15,
    "min": 60.0, "h": 3600.0, "hr": 3600.0, "d": DAY_S, "day": DAY_S, "days": DAY_S,
    "w": 7 * DAY_S, "wk": 7 * DAY_S, "y": YEAR_S, "yr": YEAR_S, "year": YEAR_S, "years": YEAR_S,
}
_TEMP = {"k": 1.0}
_FREQ = {"/s": 1.0, "hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9, "thz": 1e12}
_ENERGY = {"j": 1.0, "kj": 1e3, "mj": 1e6, "gj": 1e9, "tj": 1e12, "wh": 3.6e3, "kwh": 3.6e6, "mwh": 3.6e9,
           "gwh": 3.6e12, "twh": 3.6e15}  # case-insensitive: MJ is mega (no milli- or pico-joules here)

_NUM = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")

KINDS = {"time": (_TIME, "s"), "temperature": (_TEMP, "K"), "frequency": (_FREQ, "/s"), "energy": (_ENERGY, "J")}


def parse_quantity(text, kind: str, name: str) -> float:
    """Parse ``text`` (a number with an optional unit of ``kind``) to SI.

    A bare number is taken in the SI unit of ``kind``.  Raises
    :class:`ParameterError` naming ``name`` on anything else.

    >>> parse_quantity("30d", "time", "--time")
    2592000.0
    >>> parse_quantity("1us", "time", "--dt")
    1e-06
    """
    table, si = KINDS[kind]
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        m = _NUM.match(str(text))
        unit = m.group(2) if m else None
        key = unit.lower() if unit is not None and unit not in ("µs",) else unit
        if m is None or (key and key not in table):
            allowed = ", ".join(sorted(table))
            raise ParameterError(f"{name}={text!r} is not a {kind}; allowed: a number with unit one of {allowed} (bare number = {si})")
        value = float(m.group(1)) * (table[key] if key else 1.0)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name}={text!r} is out of range; allowed: a finite {kind} > 0")
    return value


def parse_number(text, name: str, *, integer: bool = False, allow_zero: bool = False) -> float:
    """Parse a plain positive (or, with ``allow_zero``, non-negative) number such as ``"1e15"``; one-line error otherwise."""
    rng = ">= 0" if allow_zero else "> 0"
    try:
        value = float(text)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name}={text!r} is not a number; allowed: a finite number {rng}") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ParameterError(f"{name}={text!r} is out of range; allowed: a finite number {rng}")
    if integer and value != round(value):
        raise ParameterError(f"{name}={text!r} is not a whole number")
    return value


def J_to_kWh(energy_J: float) -> float:
    return energy_J / 3.6e6


def fmt_J(energy_J: float) -> str:
    """Engineering string of an energy, e.g. ``'2.93e+08 J'``."""
    return f"{energy_J:.3g} J"


def fmt_time(seconds: float) -> str:
    for unit, size in (("y", YEAR_S), ("d", DAY_S), ("h", 3600.0), ("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("ps", 1e-12)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"
