"""Parameters declared once: the type, range, units, choices, default and help of a front door's inputs.

In the style of scikit-learn's ``utils._param_validation`` (``Interval(Integral, 1, None, closed="left")``,
``StrOptions``), one :class:`Spec` per front door (the declarations are in :mod:`limbound.specs`) gives

* the function's check, one call at its entry (:meth:`Spec.validates`, a decorator, or :meth:`Spec.check`);
  never inside kernels (DESIGN.md: checked front doors, unchecked kernels);
* the CLI's options with their help and defaults (:meth:`Spec.add_arguments`): a bad value is refused by
  argparse with the same message, one line, exit 2 (``argument --sweeps: sweeps=0 is out of range; ...``);
* the sweep config's validation (:meth:`Spec.check_config`): unknown keys refused with a suggestion.

Messages follow :mod:`limbound.errors`: ``NAME=VALUE is out of range; allowed: WHAT`` (a
:class:`~limbound.errors.ParameterError`) or ``NAME=VALUE is a TYPE; allowed: WHAT`` (a
:class:`~limbound.errors.ParameterTypeError`, also a ``TypeError``).

**The integer rule** (one, everywhere): an integer is a Python ``int`` or a numpy integer.  Booleans are
refused (``reads=True`` is not 1) and so is every float, whole or not (``4.0``, ``1e3``): a count that
arrives as a float went through arithmetic or a typo, and silently truncating it is how ``3.7`` became
``3``.  At the CLI the text is read as Python would read it (``"4"`` is 4, ``"4.0"`` is the float 4.0 and
is refused with the same message).
"""
from __future__ import annotations

from .kinds import NO_DEFAULT, AnyOf, Boolean, Integer, Limit, ListOf, Options, Param, Quantity, Real, Text
from .spec import Spec

__all__ = ["Param", "Integer", "Real", "Quantity", "Limit", "Options", "Text", "Boolean", "AnyOf", "ListOf", "Spec", "NO_DEFAULT"]
