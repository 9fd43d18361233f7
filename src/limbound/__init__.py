"""limbound: the least energy learning must dissipate, and how far hardware is from it.

The public API (numpy in, numpy out; SI units; see ``docs/theory.md``):

>>> import limbound as lb
>>> x = lb.resolve(params=1e15, tokens=1e12, bits=16, time_s=30 * 86400, accelerator="h100-sxm")
>>> f"{lb.energy_to_solution(x, 'lim').energy_J:.2e}"
'2.93e+08'

The front doors of the other layers are here too, imported on first use (PEP 562), so ``import limbound``
stays fast and their optional dependencies (numba, dimod, osqp, scikit-learn, matplotlib) are needed only
when used: ``lb.anneal`` / ``lb.solve_maxcut`` (Ising machine, THEORY §6), ``lb.solve_qp``, ``lb.train``
(scikit-learn digits), ``lb.simulate`` (Langevin), ``lb.gillespie`` (exact KMC), ``lb.validate`` (the
published-physics cases, ``limbound validate``), ``lb.LIMAnnealingSampler`` (a dimod sampler),
``lb.reproduce`` (every figure and the HTML report).
"""
__version__ = "0.1.0"

import importlib

from . import catalogs, counting, physics  # noqa: E402
from .bounds import PARADIGMS, Bound, Inputs, brain_scale_band, energy_to_solution, estimate, gap_orders, resolve  # noqa: E402
from .constants import k_B, kT, landauer_J  # noqa: E402
from .errors import CatalogError, FormatError, LimboundError, ParameterError  # noqa: E402

#: name -> (module, attribute) of the front doors imported on first use (PEP 562 ``__getattr__``)
_LAZY = {
    "anneal": ("limbound.solvers", "anneal"),
    "AnnealResult": ("limbound.solvers", "AnnealResult"),
    "IsingProblem": ("limbound.solvers", "IsingProblem"),
    "solve_maxcut": ("limbound.solvers", "solve_maxcut"),
    "read_gset": ("limbound.solvers", "read_gset"),
    "solve_qp": ("limbound.solvers.qp", "solve_qp"),
    "load_qp": ("limbound.solvers.qp", "load_qp"),
    "random_qp": ("limbound.solvers.qp", "random_qp"),
    "QPResult": ("limbound.solvers.qp", "QPResult"),
    "train": ("limbound.solvers.train", "train_digits"),
    "TrainResult": ("limbound.solvers.train", "TrainResult"),
    "simulate": ("limbound.sim", "simulate"),
    "gillespie": ("limbound.sim", "gillespie"),
    "validate": ("limbound.sim", "run_validation"),
    "LIMAnnealingSampler": ("limbound.solvers.sampler", "LIMAnnealingSampler"),
    "reproduce": ("limbound.report.reproduce", "reproduce"),
    "sim": ("limbound.sim", None),
    "solvers": ("limbound.solvers", None),
    "report": ("limbound.report", None),
}


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'limbound' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__", "catalogs", "counting", "physics",
    "resolve", "energy_to_solution", "estimate", "gap_orders", "brain_scale_band", "Bound", "Inputs", "PARADIGMS",
    "k_B", "kT", "landauer_J", "LimboundError", "ParameterError", "CatalogError", "FormatError",
    *(name for name in _LAZY if name != "LIMAnnealingSampler"),  # a star-import must not need dimod (optional)
]
