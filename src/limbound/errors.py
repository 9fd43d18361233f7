"""Exception hierarchy of limbound.

Every error a user can cause by bad input is a :class:`ParameterError`
(a ``ValueError``) whose message names the argument, its value and what is
allowed, on one line.  The CLI turns any :class:`LimboundError` into that
line on stderr and exit code 2.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


class LimboundError(Exception):
    """Root of every error limbound raises on purpose."""


class ParameterError(LimboundError, ValueError):
    """An input value is outside what the model allows."""


class CatalogError(LimboundError, KeyError):
    """A catalog name is unknown or a catalog row is malformed."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


class FormatError(LimboundError, ValueError):
    """An input file is malformed (the message names the file and line)."""


class ParameterTypeError(ParameterError, TypeError):
    """An argument of the wrong type (a string, a list, None or a boolean where a number is wanted).

    Both a :class:`TypeError` (Python's convention) and a :class:`ParameterError`
    (so the CLI and the sweeps report it as one line, like every bad input).
    """


def _describe(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    return f"array of shape {arr.shape}"


def _short(value: Any) -> str:
    r = repr(value.item() if isinstance(value, np.generic) else value)
    return r if len(r) <= 40 else f"{r[:12]}...({len(r)} characters)"


def check_real(name: str, value: Any, *, allowed: str = "a finite number") -> float:
    """A single real number (int or float, numpy scalars too) as a finite float.

    A boolean, a string, ``None``, a list or any other type is a
    :class:`ParameterTypeError` (``params=True`` is not 1); an integer beyond
    the double range (``10**400``) and NaN/inf are a :class:`ParameterError`.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterTypeError(f"{name}={_short(value)} is a {type(value).__name__}; allowed: {allowed}")
    try:
        x = float(value)
    except OverflowError:
        raise ParameterError(f"{name}={_short(value)} is beyond the double range; allowed: {allowed}") from None
    if not math.isfinite(x):
        raise ParameterError(f"{name}={value!r} is not finite; allowed: {allowed}")
    return x


def check_text(name: str, value: Any, *, allowed: str = "a name (string)") -> str:
    """A string (a catalog key, a choice); anything else is a :class:`ParameterTypeError`."""
    if not isinstance(value, str):
        raise ParameterTypeError(f"{name}={value!r} is a {type(value).__name__}; allowed: {allowed}")
    return value


def check_positive(name: str, value: ArrayLike, *, allow_zero: bool = False) -> float | NDArray[np.float64]:
    """Return ``value`` as float/array, refusing NaN, inf and non-positive entries."""
    arr = np.asarray(value, dtype=float)
    if arr.size == 0:
        raise ParameterError(f"{name} is empty; a value is required")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name}={_describe(value)} is not finite; allowed: a finite number {'>= 0' if allow_zero else '> 0'}")
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(bad):
        shown = _describe(value) if arr.ndim == 0 else f"{arr[bad].flat[0]!r} (in {_describe(value)})"
        raise ParameterError(f"{name}={shown} is out of range; allowed: {'>= 0' if allow_zero else '> 0'}")
    return float(arr) if arr.ndim == 0 else arr


def check_probability(name: str, value: ArrayLike) -> float | NDArray[np.float64]:
    """Return ``value`` as float/array, refusing anything outside the open interval (0, 1)."""
    arr = np.asarray(value, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any((arr <= 0) | (arr >= 1)):
        raise ParameterError(f"{name}={_describe(value)} is not a probability; allowed: 0 < {name} < 1")
    return float(arr) if arr.ndim == 0 else arr


def check_bits(value: ArrayLike, name: str = "bits") -> int | NDArray[np.int64]:
    """Return bits of precision as int/array of ints, refusing anything outside 1..64."""
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        raise ParameterTypeError(f"{name}={value!r} is a {type(value).__name__}; allowed: integers 1..64")
    arr = np.asarray(value)
    if arr.size == 0:
        raise ParameterError(f"{name} is empty; allowed: integers 1..64")
    try:
        as_float = arr.astype(float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={_describe(value)} is not a number; allowed: integers 1..64") from None
    if (not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float))
            or np.any((as_float < 1) | (as_float > 64))):
        raise ParameterError(f"{name}={_describe(value)} is out of range; allowed: integers 1..64")
    ints = as_float.astype(np.int64)
    return int(ints) if ints.ndim == 0 else ints


def integers_allowed(minimum: int | None = None, maximum: int | None = None, why: str = "") -> str:
    """``"integers 1..64"``, ``"integers >= 2 (entropy over reads)"``: the allowed-part of an integer's message."""
    rng = (f"integers {minimum}..{maximum}" if minimum is not None and maximum is not None else
           f"integers >= {minimum}" if minimum is not None else f"integers <= {maximum}" if maximum is not None
           else "integers")
    return rng + (f" ({why})" if why else "")


def check_integer(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None,
                  why: str = "") -> int:
    """``value`` as an int in ``minimum..maximum`` by limbound's one integer rule (see :mod:`limbound.params`).

    An integer is a Python ``int`` or a numpy integer; a boolean is refused, and so is every float, whole or
    not (``4.0``, ``1e3``): a :class:`ParameterTypeError`.  Out of range: a :class:`ParameterError`, e.g.
    ``reads=1 is out of range; allowed: integers >= 2 (entropy over reads)`` (``why`` in the parentheses).
    """
    allowed = integers_allowed(minimum, maximum, why)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        t = type(value).__name__
        raise ParameterTypeError(f"{name}={_short(value)} is {'an' if t[0] in 'aeiou' else 'a'} {t}; allowed: {allowed}")
    v = int(value)
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        raise ParameterError(f"{name}={_short(value)} is out of range; allowed: {allowed}")
    return v


def check_seed(seed: Any, name: str = "seed") -> int:
    """A seed for numpy's ``default_rng`` or a numba stream: an integer >= 0 (one-line error otherwise)."""
    return check_integer(name, seed, minimum=0)


def check_finite(name: str, value: ArrayLike) -> float | NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name}={_describe(value)} is not finite; allowed: finite numbers")
    return float(arr) if arr.ndim == 0 else arr


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """``" did you mean 'gpt-3'?"`` for the closest of ``choices`` to a mistyped ``word`` (difflib; case and
    the separators - _ . ignored), or ``""`` when none is close."""
    import difflib

    def norm(s: object) -> str:
        return str(s).lower().replace("-", "").replace("_", "").replace(".", "").replace(" ", "")

    choices = [str(c) for c in choices]
    exact = [c for c in choices if norm(c) == norm(word)] or \
        [c for c in choices if norm(word) and norm(c).startswith(norm(word))][:1]  # h100 -> h100-sxm
    close = exact or difflib.get_close_matches(norm(word), [norm(c) for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    best = exact[0] if exact else next(c for c in choices if norm(c) == close[0])
    return f" did you mean {best!r}?"
