"""limbound: the least energy learning must dissipate, and how far hardware is from it.

The public API (numpy in, numpy out; SI units; see ``docs/theory.md``):

>>> import limbound as lb
>>> x = lb.resolve(params=1e15, tokens=1e12, bits=16, time_s=30 * 86400, accelerator="h100-sxm")
>>> f"{lb.energy_to_solution(x, 'lim').energy_J:.2e}"
'2.93e+08'

Simulators live in :mod:`limbound.sim`, optimizers in :mod:`limbound.solvers`,
reports in :mod:`limbound.report` (imported on demand: they pull numba, dimod
or matplotlib).
"""
__version__ = "0.1.0"

from . import catalogs, counting, physics  # noqa: E402
from .bounds import PARADIGMS, Bound, Inputs, brain_scale_band, energy_to_solution, estimate, gap_orders, resolve  # noqa: E402
from .constants import k_B, kT, landauer_J  # noqa: E402
from .errors import CatalogError, FormatError, LimboundError, ParameterError  # noqa: E402

__all__ = [
    "__version__", "catalogs", "counting", "physics",
    "resolve", "energy_to_solution", "estimate", "gap_orders", "brain_scale_band", "Bound", "Inputs", "PARADIGMS",
    "k_B", "kT", "landauer_J", "LimboundError", "ParameterError", "CatalogError", "FormatError",
]
