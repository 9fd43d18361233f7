"""One import guard for the optional extras (dimod, osqp, pandas, ...).

``require("dimod", extra="ising")`` returns the module, or raises a one-line
:class:`~limbound.errors.LimboundError` (or the error class given) naming the
missing package and the ``pip install`` that brings it.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import LimboundError


def require(module: str, *, extra: str, error: type[Exception] = LimboundError, message: str | None = None) -> ModuleType:
    """Import ``module`` or raise ``error`` saying which extra installs it.

    ``message`` replaces the default text ("<package> is not installed; install the
    optional extra: pip install 'limbound[<extra>]'").
    """
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the environment
        top = module.partition(".")[0]
        raise error(message or f"{top} is not installed; install the optional extra: pip install 'limbound[{extra}]'") from None
