"""What every result object shares: ``status``, ``message``, ``as_dict()`` (SciPy's ``OptimizeResult`` habit) and
the notebook display, ``_repr_html_`` (Jupyter shows a table) and ``to_pandas()``.

A result class mixes in :class:`Result` (or only :class:`Display`) and provides ``as_dict()`` (JSON-ready: the
``results`` block of the command's ``--json``, README "JSON output"), ``_records()`` -- a list of flat dicts,
one per row (a run's summary, a read, a paradigm) -- and optionally ``_title()``, ``status`` and ``message``.
pandas is optional (the ``sweep`` extra); ``to_pandas`` says how to install it when it is missing.
Renamed attributes keep their old name one release through :func:`limbound.deprecation.deprecated_alias`.
The records carry the same keys as the result's JSON (``as_dict``), so a notebook table and a ``--json``
output name every quantity alike.
"""
from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas


def flat_scalars(d: dict, prefix: str = "") -> dict:
    """The scalar leaves of a nested dict (``a.b`` keys), lists and arrays left out.

    >>> flat_scalars({"a": 1, "b": {"c": 2.5, "d": [1, 2]}, "e": None})
    {'a': 1, 'b.c': 2.5, 'e': None}
    """
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flat_scalars(v, key + "."))
        elif isinstance(v, (str, bool, int, float, np.integer, np.floating)) or v is None:
            out[key] = v.item() if isinstance(v, (np.integer, np.floating)) else v
    return out


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return "-" if not math.isfinite(v) else f"{v:.4g}"
    return "-" if v is None else html.escape(str(v))


class Display:
    """Mixin: ``_repr_html_`` and ``to_pandas`` from ``self._records()``."""

    def _records(self) -> list:  # pragma: no cover - every user overrides it
        return [flat_scalars(self.as_dict())]

    def _title(self) -> str:
        return type(self).__name__

    def to_pandas(self) -> pandas.DataFrame:
        """A :class:`pandas.DataFrame` of the result, one row per record (see the class)."""
        from ._optional import require
        pd = require("pandas", extra="sweep", message="pandas is not installed; pip install pandas (or 'limbound[sweep]')")
        return pd.DataFrame(self._records())

    def _repr_html_(self) -> str:
        rows = self._records()
        cols = list(dict.fromkeys(k for r in rows for k in r))
        if len(rows) == 1:  # one record: a two-column quantity/value table reads better
            body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{_cell(rows[0].get(k))}</td></tr>"
                           for k in cols)
            head = ""
        else:
            head = "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
            body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows)
        return (f"<div style='max-width:100%;overflow-x:auto'><table><caption style='text-align:left'>"
                f"<b>{html.escape(self._title())}</b></caption>{head}{body}</table></div>")


class Result(Display):
    """Mixin of every result (:class:`~limbound.solvers.ising.AnnealResult`, ``QPResult``, ``TrainResult``,
    :class:`~limbound.bounds.Estimate`, the validation cases): ``status`` (one word: ``"success"`` unless the class
    says otherwise, e.g. QP's ``"solved"``/``"max_iter"``), ``message`` (one sentence saying what the status means)
    and ``as_dict()``, as SciPy's ``OptimizeResult`` has ``status``/``message``."""

    status = "success"

    @property
    def message(self) -> str:
        return "completed"

    def as_dict(self) -> dict:  # pragma: no cover - every user overrides it
        raise NotImplementedError

