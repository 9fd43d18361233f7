"""The kinds of declared parameter (:mod:`limbound.params`): what each accepts, its CLI reading, its bad values.

Integers (by the one integer rule, :func:`limbound.errors.check_integer`), real intervals, physical quantities
with units (:mod:`limbound.units`), limits (a quantity or none), choices, names, switches, unions and lists.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real as _RealT
from typing import Any

import numpy as np

from ..errors import ParameterError, ParameterTypeError, check_integer, did_you_mean, integers_allowed
from ..errors import _short as _show

__all__ = ["Param", "Integer", "Real", "Quantity", "Limit", "Options", "Text", "Boolean", "AnyOf", "ListOf", "NO_DEFAULT"]


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


#: The default of a required parameter.
NO_DEFAULT = _NoDefault()


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def _is_real(v: Any) -> bool:
    return isinstance(v, (_RealT, np.integer, np.floating)) and not _is_bool(v)


class Param:
    """One parameter: what it accepts (:meth:`check`), its default, help and CLI option.

    ``optional=True`` accepts ``None`` (the function then derives the value); ``flag`` is the CLI option
    (default ``--name-with-dashes``; ``False``: not on the CLI); ``positional=True`` makes it a CLI positional
    argument instead (``limbound sources ID ...``; one that has a default may be left out); ``cli_default``
    the CLI's default when it differs in spelling from the function's (``"1us"`` for ``1e-6``).
    """

    allowed = "a value"

    def __init__(self, *, default: Any = NO_DEFAULT, help: str = "", optional: bool = False, flag: str | None = None,
                 positional: bool = False, metavar: str | None = None, cli_default: Any = NO_DEFAULT) -> None:
        self.name = ""
        if optional and default is NO_DEFAULT:
            default = None
        self.default, self.help, self.optional = default, help, optional
        self.flag, self.positional, self.metavar, self.cli_default = flag, positional, metavar, cli_default

    # -- checking
    def check(self, name: str, value: Any) -> Any:
        """``value`` normalised (an int, a float in SI, a str ...), or a one-line ParameterError naming ``name``."""
        if value is None and self.optional:
            return None
        return self._check(name, value)

    def _check(self, name: str, value: Any) -> Any:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def type_error(self, name: str, value: Any) -> ParameterTypeError:
        t = type(value).__name__
        return ParameterTypeError(f"{name}={_show(value)} is {'an' if t[0] in 'aeiou' else 'a'} {t}; "
                                  f"allowed: {self.allowed}")

    def range_error(self, name: str, value: Any) -> ParameterError:
        return ParameterError(f"{name}={_show(value)} is out of range; allowed: {self.allowed}")

    # -- the CLI
    def from_text(self, text: str) -> Any:
        """The Python value a CLI text stands for (no range check: :meth:`check` follows)."""
        return text

    def cli_type(self, name: str) -> Callable[[str], Any]:
        """An argparse ``type``: text -> checked value, or argparse's one-line error with the check's message."""
        import argparse

        def convert(text: str) -> Any:
            try:
                return self.check(name, self.from_text(text))
            except ParameterError as exc:
                raise argparse.ArgumentTypeError(str(exc)) from None
        convert.__name__ = type(self).__name__.lower()
        return convert

    def argparse_kwargs(self) -> dict:
        default = self.cli_default if self.cli_default is not NO_DEFAULT else (
            None if self.default is NO_DEFAULT else self.default)
        shown = "" if default is None or self.help.endswith(")") else f" (default {default})"
        return {"default": default, "type": self.cli_type(self.name), "help": self.help + shown,
                **({"metavar": self.metavar} if self.metavar else {})}

    # -- the test (tests/test_params.py)
    def bad_values(self) -> list:
        """Values this declaration refuses, derived from it (wrong type, out of range, unknown choice)."""
        return [[1, 2], "not-a-value"]


class Integer(Param):
    """An integer in ``lo..hi`` (either end optional), by the module's integer rule
    (:func:`limbound.errors.check_integer`, its one implementation); ``why`` names the reason for the range."""

    def __init__(self, lo: int | None = None, hi: int | None = None, *, why: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.lo, self.hi, self.why = lo, hi, why
        self.allowed = integers_allowed(lo, hi, why)

    def _check(self, name: str, value: Any) -> Any:
        return check_integer(name, value, minimum=self.lo, maximum=self.hi, why=self.why)

    def from_text(self, text: str) -> Any:
        for conv in (int, float):
            try:
                return conv(text)
            except (TypeError, ValueError):
                pass
        return text

    def bad_values(self) -> list:
        lo = 0 if self.lo is None else self.lo
        out = [2.5, float(lo), True, "x", None if not self.optional else [lo]]
        if self.lo is not None:
            out.append(self.lo - 1)
        if self.hi is not None:
            out.append(self.hi + 1)
        return out


class Real(Param):
    """A finite real number (int or float, never a boolean) in an interval; ``closed`` as in scikit-learn."""

    def __init__(self, lo: float | None = None, hi: float | None = None, *, closed: str = "both", what: str = "",
                 why: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.lo, self.hi, self.closed = lo, hi, closed
        self._lo_open = closed in ("right", "neither")
        self._hi_open = closed in ("left", "neither")
        parts = []
        if lo is not None:
            parts.append(f"{'>' if self._lo_open else '>='} {lo:g}")
        if hi is not None:
            parts.append(f"{'<' if self._hi_open else '<='} {hi:g}")
        self.allowed = (what or "a finite number") + (" " + " and ".join(parts) if parts else "") + (
            f" ({why})" if why else "")

    def _inside(self, x: float) -> bool:
        if not math.isfinite(x):
            return False
        if self.lo is not None and (x < self.lo or (self._lo_open and x == self.lo)):
            return False
        return self.hi is None or not (x > self.hi or (self._hi_open and x == self.hi))

    def _check(self, name: str, value: Any) -> Any:
        if not _is_real(value):
            raise self.type_error(name, value)
        try:
            x = float(value)
        except OverflowError:
            raise self.range_error(name, value) from None
        if not self._inside(x):
            raise self.range_error(name, value)
        return x

    def from_text(self, text: str) -> Any:
        try:
            return float(text)
        except (TypeError, ValueError):
            return text

    def bad_values(self) -> list:
        out = [float("nan"), float("inf"), True, "x", None if not self.optional else [1.0]]
        if self.lo is not None:
            out.append(float(self.lo) if self._lo_open else float(self.lo) - 1.0)
        if self.hi is not None:
            out.append(float(self.hi) if self._hi_open else float(self.hi) + 1.0)
        return out


class Quantity(Real):
    """A physical quantity in SI (``kind`` of :data:`limbound.units.KINDS`): a number in SI, or text with a unit
    (``"1us"``, ``"300K"``, ``"1e9/s"``) read by :func:`limbound.units.to_si`.  Default range: > 0."""

    def __init__(self, kind: str, lo: float | None = 0.0, hi: float | None = None, *, closed: str = "neither",
                 **kw: Any) -> None:
        from ..units import KINDS

        si = KINDS[kind][1]
        self.article = "an" if kind[0] in "aeiou" else "a"
        super().__init__(lo, hi, closed=closed, what=f"{self.article} {kind} in {si} (or text with a unit)", **kw)
        self.kind, self.units = kind, ", ".join(sorted(KINDS[kind][0]))

    def _check(self, name: str, value: Any) -> Any:
        if isinstance(value, str):
            from ..units import to_si

            try:
                value = float(value) if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity") \
                    else to_si(value, self.kind, name)
            except ParameterError:
                raise ParameterError(f"{name}={_show(value)} is not {self.article} {self.kind}; allowed: {self.allowed}; "
                                     f"units: {self.units}") from None
        return super()._check(name, value)

    def from_text(self, text: str) -> Any:
        return text

    def bad_values(self) -> list:
        return [*super().bad_values(), "12 parsecs"]


class Limit(Quantity):
    """A limit in ``kind`` (a work budget: ``Limit("time")``), a quantity > 0; no limit is ``None``, ``inf`` or
    the text none, inf, unlimited, off (any case), each read as ``None``."""

    NO_LIMIT = ("none", "inf", "unlimited", "off")

    def __init__(self, kind: str, **kw: Any) -> None:
        super().__init__(kind, optional=True, **kw)
        self.allowed += ", or none (no limit)"

    def _check(self, name: str, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in self.NO_LIMIT or _is_real(value) and value == math.inf:
            return None
        return super()._check(name, value)

    def bad_values(self) -> list:
        return [v for v in super().bad_values() if not (isinstance(v, float) and v == math.inf)]


class Options(Param):
    """One of a fixed set of names (``StrOptions``); a mistyped name gets a suggestion."""

    def __init__(self, *options: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.options = tuple(options)
        self.allowed = ", ".join(self.options)

    def _check(self, name: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise self.type_error(name, value)
        if value not in self.options:
            raise ParameterError(f"{name}={_show(value)} is unknown;{did_you_mean(value, self.options)} "
                                 f"allowed: {self.allowed}")
        return value

    def argparse_kwargs(self) -> dict:
        return {**super().argparse_kwargs(), "choices": self.options}

    def bad_values(self) -> list:
        return [self.options[0].upper() + "-unknown", 1, None if not self.optional else ["x"]]


class Text(Param):
    """A name (a catalog key): any string; whether the catalog holds it is the catalog's check."""

    allowed = "a name (string)"

    def _check(self, name: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise self.type_error(name, value)
        return value

    def bad_values(self) -> list:
        return [1, True, None if not self.optional else ["x"]]


class Boolean(Param):
    """``True`` or ``False`` (numpy booleans too); ``1``, ``"yes"`` and ``None`` are refused.  A CLI switch."""

    allowed = "true or false"

    def _check(self, name: str, value: Any) -> Any:
        if not _is_bool(value):
            raise self.type_error(name, value)
        return bool(value)

    def argparse_kwargs(self) -> dict:
        return {"action": "store_true", "help": self.help}

    def bad_values(self) -> list:
        return [1, "yes", None if not self.optional else 0]


class AnyOf(Param):
    """The first of ``kinds`` that accepts the value (``consolidations``: a policy name or a number >= 0)."""

    def __init__(self, *kinds: Param, **kw: Any) -> None:
        super().__init__(**kw)
        self.kinds = kinds
        self.allowed = " or ".join(k.allowed for k in kinds)

    def _check(self, name: str, value: Any) -> Any:
        for k in self.kinds:
            try:
                return k.check(name, value)
            except ParameterError:
                continue
        if isinstance(value, str):
            names = [o for k in self.kinds for o in getattr(k, "options", ())]
            raise ParameterError(f"{name}={_show(value)} is unknown;{did_you_mean(value, names)} "
                                 f"allowed: {self.allowed}")
        if not _is_real(value):
            raise self.type_error(name, value)
        raise self.range_error(name, value)

    def from_text(self, text: str) -> Any:
        for k in self.kinds:
            v = k.from_text(text)
            try:
                k.check(self.name, v)
                return v
            except ParameterError:
                pass
        return self.kinds[-1].from_text(text)

    def bad_values(self) -> list:
        return [True, [1], None if not self.optional else [1]] + [-1.0]


class ListOf(Param):
    """A list (or tuple) of values of ``inner``, of exactly ``length`` entries when given, else at least one
    (``empty=True``: any number, none too); elements are named ``name[i]`` in messages.  At the CLI:
    ``nargs=length`` texts, read by :meth:`Spec.from_args`."""

    def __init__(self, inner: Param, *, length: int | None = None, empty: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.inner, self.length, self.empty = inner, length, empty
        n = length if length else ("zero or more" if empty else "one or more")
        self.allowed = f"a list of {n} values, each {inner.allowed}"

    def _check(self, name: str, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise self.type_error(name, value)
        if (len(value) != self.length) if self.length else not (value or self.empty):
            raise self.range_error(name, value)
        return [self.inner.check(f"{name}[{i}]", v) for i, v in enumerate(value)]

    def from_text(self, text: str) -> Any:
        return [self.inner.from_text(t) for t in text] if isinstance(text, (list, tuple)) else text

    def argparse_kwargs(self) -> dict:
        kw = super().argparse_kwargs()
        kw.pop("type")
        return {**kw, "nargs": self.length or ("*" if self.empty else "+")}

    def bad_values(self) -> list:
        n = self.length or 1
        return [1.0, "x", *([] if self.empty else [[]]), [self.inner.bad_values()[0]] * n,
                None if not self.optional else [[1.0]]]
