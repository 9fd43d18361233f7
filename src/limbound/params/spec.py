"""A front door's declared parameters (:class:`Spec`): the function's check, the CLI options, the sweep config.

See :mod:`limbound.params` for the framework and :mod:`limbound.specs` for the declarations.
"""
from __future__ import annotations

import argparse
import copy
import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..deprecation import RENAMED
from ..errors import ParameterError, did_you_mean
from .kinds import NO_DEFAULT, Options, Param

__all__ = ["Spec"]

F = TypeVar("F", bound=Callable[..., Any])


class Spec:
    """The declared parameters of one front door (``name`` is the function or command it serves).

    ``aliases`` maps extra sweep-config names to declared ones (``{"dt": "dt_s"}``); ``extra`` names config
    keys the sweep kind takes besides the function's parameters (checked by the kind itself).
    """

    def __init__(self, name: str, params: dict, *, aliases: dict | None = None) -> None:
        self.name = name
        self.params: dict[str, Param] = {}
        for key, p in params.items():
            p = copy.copy(p)
            p.name = key
            self.params[key] = p
        self.aliases = dict(aliases or {})

    def __getitem__(self, key: str) -> Param:
        return self.params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def defaults(self) -> dict:
        return {k: p.default for k, p in self.params.items() if p.default is not NO_DEFAULT}

    def unknown(self, key: str, allowed: Iterable[str] | None = None, where: str | None = None) -> ParameterError:
        allowed = list(allowed if allowed is not None else [*self.params, *self.aliases])
        return ParameterError(f"input {key!r} is unknown for {where or self.name};{did_you_mean(key, allowed)} "
                              f"allowed: {', '.join(allowed)}")

    def check(self, values: dict) -> dict:
        """Each declared value checked (normalised); an undeclared key is refused."""
        out = {}
        for key, v in values.items():
            p = self.params.get(key)
            if p is None:
                raise self.unknown(key)
            out[key] = p.check(key, v)
        return out

    def check_config(self, inputs: dict, *, extra: Iterable[str] = (), exclude: Iterable[str] = (),
                     where: str | None = None) -> dict:
        """A sweep point's inputs: aliases resolved to declared names, every value checked, unknown keys refused.

        ``extra`` are config keys the kind handles itself (passed through); ``exclude`` declared names that
        the config may not set (the sweep sets ``seed`` per point); ``where`` names the config in messages.
        The old name of a renamed parameter (:data:`limbound.deprecation.RENAMED`, ``T_K``) is taken as an alias.
        """
        allowed = [k for k in [*self.params, *self.aliases] if k not in exclude] + list(extra)
        # a renamed parameter's old name (T_K) is still taken, unlisted; the config's reader warns once (deprecation)
        aliases = {**{old: new for old, new in RENAMED.items() if new in allowed}, **self.aliases}
        out = {}
        for key, v in inputs.items():
            if key in extra:
                out[key] = v
                continue
            if key not in allowed and key not in aliases:
                raise self.unknown(key, allowed, where)
            target = aliases.get(key, key)
            if target in out or (target != key and target in inputs):
                raise ParameterError(f"inputs {key!r} and {target!r} are the same quantity; give one")
            out[target] = self.params[target].check(key, v)
        return out

    def validates(self, func: F) -> F:
        """Decorator: check the declared arguments of ``func`` once at its entry (as passed or defaulted)."""
        sig = inspect.signature(func)
        missing = [k for k in self.params if k not in sig.parameters]
        if missing:
            raise TypeError(f"{func.__qualname__} has no parameter {missing[0]!r} declared in spec {self.name}")
        names = [k for k in sig.parameters if k in self.params]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            a = bound.arguments
            for k in names:
                a[k] = self.params[k].check(k, a[k])
            return func(*bound.args, **bound.kwargs)

        wrapper.spec = self
        return wrapper

    def add_arguments(self, parser: argparse.ArgumentParser, names: Iterable[str] | None = None, *,
                      typed: bool = True, help: dict | None = None) -> None:
        """Add the CLI options of ``names`` (default: every parameter with a flag) to ``parser``.

        ``typed=False`` keeps the option's text as given (the ``estimate`` options also take ranges and
        distributions, read later); :meth:`from_args` then reads and checks it.  ``help`` rewords the help of
        some options for a command that uses them in its own sense (``gap``'s ``--params``: the measured run's);
        the declaration keeps their flag, type, range and default.
        """
        for key in (names if names is not None else self.params):
            p = self.params[key]
            if p.flag is False:
                continue
            kw = p.argparse_kwargs()
            if help and key in help:
                kw["help"] = help[key]
            if not typed and not isinstance(p, Options):
                kw.pop("type", None)
            if p.positional:  # argparse names a positional by its dest; one with a default may be left out
                flags = [key]
                if "nargs" not in kw and p.default is not NO_DEFAULT:
                    kw["nargs"] = "?"
            else:
                flags = p.flag if isinstance(p.flag, (list, tuple)) else [p.flag or "--" + key.replace("_", "-")]
            parser.add_argument(*flags, **kw)

    def cli_flag(self, key: str) -> str | None:
        """The CLI option of ``key`` (``None`` when it has none: not on the CLI, or a positional argument)."""
        p = self.params[key]
        if p.flag is False or p.positional:
            return None
        return (p.flag[0] if isinstance(p.flag, (list, tuple)) else p.flag) or "--" + key.replace("_", "-")

    def dest(self, key: str) -> str:
        """The argparse attribute of ``key``'s option (a positional's is ``key``)."""
        return key if self.params[key].positional else self.cli_flag(key).lstrip("-").replace("-", "_")

    def from_args(self, args: argparse.Namespace, names: Iterable[str]) -> dict:
        """``{name: checked value}`` of the options of ``names`` that were given (text read by the declaration).

        A refused value names its option as argparse does: ``argument --ambient: T_ambient_K=0.0 is out of
        range; allowed: ...`` (the function's message after the option).
        """
        out = {}
        for key in names:
            p, v = self.params[key], getattr(args, self.dest(key), None)
            if v is not None:
                try:
                    out[key] = p.check(key, p.from_text(v) if isinstance(v, (str, list)) else v)
                except ParameterError as exc:
                    raise type(exc)(f"argument {self.cli_flag(key) or p.metavar or key}: {exc}") from None
        return out
