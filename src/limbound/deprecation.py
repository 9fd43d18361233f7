"""Renamed names keep working for one release (issue 10: one name per quantity, ``temperature_K`` and ``heat_J``).

* :func:`renamed_keywords` -- a function's keyword argument was renamed: the old keyword still works, with a
  ``DeprecationWarning`` naming the new one; giving both is a one-line error.
* :func:`deprecated_alias` -- an attribute was renamed: the old name reads the new one, with a warning.
* :func:`renamed_keys` -- the same for the names a user writes in a file or dict (TOML tables, sweep configs).
* :data:`RENAMED` -- the renames themselves, old -> new (``T_K`` -> ``temperature_K``), for the dict and config keys
  that keep an old name beside the new one.

The package itself never uses an old name (the suite runs clean under ``-W error::DeprecationWarning``).
"""
from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ParameterTypeError

__all__ = ["RENAMED", "renamed_keywords", "renamed_keys", "deprecated_alias", "warn_renamed"]

F = TypeVar("F", bound=Callable[..., Any])

#: Renamed quantities, old name -> new name (deprecated in 0.2, gone in the next release).
RENAMED = {"T_K": "temperature_K"}


def warn_renamed(old: str, new: str, where: str, stacklevel: int = 3) -> None:
    """The one deprecation message of a renamed name: ``WHERE: OLD is deprecated ...; use NEW``."""
    warnings.warn(f"{where}: {old} is deprecated and goes in the next release; use {new}", DeprecationWarning,
                  stacklevel=stacklevel)


def renamed_keys(d: dict, where: str) -> dict:
    """``d`` with each old key of :data:`RENAMED` under its new name (a warning each); both given is refused.

    For the inputs a user writes as names (a TOML ``[inputs.T_K]`` table, a sweep config, ``Problem(fixed=...)``).
    """
    out = dict(d)
    for old, new in RENAMED.items():
        if old in out:
            if new in out:
                raise ParameterTypeError(f"{where}: {old} and {new} are both given; allowed: {new} only ({old} is its "
                                         "deprecated name)")
            warn_renamed(old, new, where)
            out = {(new if k == old else k): v for k, v in out.items()}  # same place in the order
    return out


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """Decorator: the keyword ``OLD`` of ``func`` is now ``NEW`` (``@renamed_keywords(T_K="temperature_K")``).

    ``func(OLD=v)`` calls ``func(NEW=v)`` and warns (``DeprecationWarning``); ``func(OLD=v, NEW=w)`` (or ``NEW``
    given by position) is refused with a one-line :class:`~limbound.errors.ParameterTypeError`.  The signature
    shown by ``help`` and :func:`inspect.signature` is the new one.  On a class (a dataclass whose field was
    renamed) it renames the constructor's keyword and adds the read-only attribute ``OLD``
    (:func:`deprecated_alias`).

    >>> @renamed_keywords(T_K="temperature_K")
    ... def f(*, temperature_K=300.0):
    ...     return temperature_K
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     (f(T_K=77.0), str(w[0].message))
    (77.0, 'f: T_K is deprecated and goes in the next release; use temperature_K')
    """

    def decorate(func: F) -> F:
        if isinstance(func, type):  # a class: its constructor's keyword, and the attribute it sets
            cls = func
            cls.__init__ = decorate(cls.__init__)
            for old, new in renames.items():
                if old not in vars(cls):
                    setattr(cls, old, deprecated_alias(new, old))
            return cls
        sig = inspect.signature(func)
        for new in renames.values():
            if new not in sig.parameters:
                raise TypeError(f"{func.__qualname__} has no parameter {new!r} to rename to")
        # the position of each new name when it may be passed by position (then OLD= and a positional NEW clash)
        position = {new: i for i, (name, p) in enumerate(sig.parameters.items()) for new in renames.values()
                    if name == new and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs or len(args) > position.get(new, len(args)):
                        raise ParameterTypeError(f"{old} and {new} are both given; allowed: {new} only ({old} is its "
                                                 "deprecated name)")
                    warn_renamed(old, new, func.__qualname__)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.renamed_keywords = {**getattr(func, "renamed_keywords", {}), **renames}
        return wrapper

    return decorate


def deprecated_alias(new: str, old: str) -> property:
    """A read-only attribute ``old`` that returns ``self.<new>`` and warns (``DeprecationWarning``): a renamed
    quantity (one name per quantity: ``temperature_K``, ``heat_J``) keeps its old name for one release."""

    def get(self):
        warnings.warn(f"{type(self).__name__}.{old} is deprecated and goes in the next release; use .{new}",
                      DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}`` (goes in the next release).")
