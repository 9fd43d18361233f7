"""Report layer: figures, the HTML report, one-command reproduction and Dask sweeps (no physics here).

* :mod:`.figures` -- figure data (:class:`~.figures.Panel`, :class:`~.figures.Series`)
  and rendering; the only module importing matplotlib (``plot`` extra);
* :mod:`.html` -- one self-contained HTML page;
* :mod:`.reproduce` -- :func:`~.reproduce.reproduce`, every figure, table and CSV; the panels are
  built in :mod:`.panels_model` (a-c), :mod:`.panels_sim` (d, f), :mod:`.panel_gset` (e) and
  :mod:`.uncertainty_panels` (g, h);
* :mod:`.sweep` -- :func:`~.sweep.run_sweep`, resumable grids on Dask (``sweep`` extra), the one
  sweep entry point (``limbound sweep``);
* :mod:`.progress` -- the one progress display (stderr, only on a terminal).

Submodules are imported on first use so that ``import limbound.report`` pulls
in neither matplotlib nor dask.
"""
from __future__ import annotations

import importlib

_LAZY = {"reproduce": ".reproduce", "ReproduceResult": ".reproduce", "run_sweep": ".sweep", "load_config": ".sweep",
         "SweepResult": ".sweep", "Panel": ".figures", "Series": ".figures", "Axes": ".figures"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_LAZY)
