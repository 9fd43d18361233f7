"""Human units at the edges: parse ``"30d"``, ``"1us"``, ``"300K"``, ``"1e9/s"``.

Only the CLI and report layers call this module; everything inside the
package is SI.  A small explicit table is used instead of a general unit
library so that every accepted spelling is listed here and nothing is
guessed (``"y"`` is a Julian year, not yocto).  DESIGN.md ("SI inside,
units in names; conversions only in units.py"); the parsed quantities are
those of THEORY §1-3 (times, temperatures, attempt frequencies, energies).
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
_ENERGY = {"J": 1.0, "kJ": 1e3, "MJ": 1e6, "GJ": 1e9, "TJ": 1e12, "mJ": 1e-3, "uJ": 1e-6, "µJ": 1e-6, "nJ": 1e-9,
           "pJ": 1e-12, "fJ": 1e-15, "PJ": 1e15, "mWh": 3.6, "Wh": 3.6e3, "kWh": 3.6e6, "MWh": 3.6e9, "GWh": 3.6e12, "TWh": 3.6e15}
# Energies are case-sensitive (mJ is milli, MJ mega; pJ pico).  Other spellings are taken case-insensitively
# only where that cannot mean two different units: "kwh" is kWh, but "mj" or "PJ" are refused as ambiguous.
_CASE_SENSITIVE = {"energy"}

_NUM = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")

KINDS = {"time": (_TIME, "s"), "temperature": (_TEMP, "K"), "frequency": (_FREQ, "/s"), "energy": (_ENERGY, "J")}


def _unit_key(unit: str | None, table: dict[str, float], kind: str, name: str, text: object) -> str | None:
    """The table key a typed unit means: exact spelling first; otherwise case-insensitive where unambiguous."""
    if not unit or unit in table:
        return unit
    if kind not in _CASE_SENSITIVE:
        return unit.lower() if unit != "µs" else unit
    matches = {k for k in table if k.lower() == unit.lower()}
    if len(matches) == 1:
        return matches.pop()
    if len(matches) > 1:
        options = " or ".join(sorted(matches))
        raise ParameterError(f"{name}={text!r}: unit {unit!r} is ambiguous; allowed: {options} (energy units are case-sensitive)")
    return unit


def to_si(text: str | float, kind: str, name: str) -> float:
    """``text`` (a number with an optional unit of ``kind``) in SI, without a range check (see :func:`parse_quantity`).

    >>> to_si("-2ms", "time", "--dt")
    -0.002
    """
    table, si = KINDS[kind]
    if isinstance(text, (int, float)):
        return float(text)
    m = _NUM.match(str(text))
    unit = m.group(2) if m else None
    key = _unit_key(unit, table, kind, name, text)
    if m is None or (key and key not in table):
        allowed = ", ".join(sorted(table))
        raise ParameterError(f"{name}={text!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind}; allowed: a number with unit one of {allowed} (bare number = {si})")
    return float(m.group(1)) * (table[key] if key else 1.0)


def parse_quantity(text: str | float, kind: str, name: str) -> float:
    """Parse ``text`` (a number with an optional unit of ``kind``) to SI.

    A bare number is taken in the SI unit of ``kind``.  Raises
    :class:`ParameterError` naming ``name`` on anything else.

    >>> parse_quantity("30d", "time", "--time")
    2592000.0
    >>> parse_quantity("1us", "time", "--dt")
    1e-06
    """
    value = to_si(text, kind, name)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name}={text!r} is out of range; allowed: a finite {kind} > 0")
    return value


def parse_number(text: str | float, name: str, *, integer: bool = False, allow_zero: bool = False) -> float:
    """Parse a plain positive (or, with ``allow_zero``, non-negative) number such as ``"1e15"``; one-line error otherwise.

    >>> parse_number("1e15", "--params", integer=True)
    1000000000000000.0
    """
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
