"""The task kinds of a sweep: what each point runs (a registry), the estimate kind, and :func:`run_point`.

A kind is a module-level function ``func(inputs, seed) -> dict`` of flat scalars, with an input check and a
cost model; the simulation and solver kinds (:mod:`.solver_kinds`) are registered when their modules import.
"""
from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ... import __version__
from ...errors import ParameterError
from .solver_kinds import (
    _check_anneal,
    _check_qp,
    _check_train,
    _check_validate,
    _cost_anneal,
    _cost_qp,
    _cost_train,
    _cost_validate,
    task_anneal,
    task_qp,
    task_train,
    task_validate,
)


@dataclass(frozen=True)
class Kind:
    """A task kind: the function a point runs, whether it takes a seed, and an input check.

    ``func(inputs: dict, seed: int | None) -> dict`` returns flat scalar
    results (numbers or strings).  ``check(inputs)`` raises
    :class:`ParameterError` for inputs that cannot run; it is called for every
    point before any point is submitted.  ``cost(inputs)`` estimates the CPU
    seconds of one point from :mod:`limbound.budget`'s measured rates (None:
    negligible), for the sweep's work budget.
    """

    name: str
    func: object
    random: bool
    check: object = None
    doc: str = ""
    cost: object = None


KINDS: dict[str, Kind] = {}


def register_kind(name: str, func: Callable[..., dict], *, random: bool, check: Callable[[dict], object] | None = None,
                  doc: str = "", cost: Callable[[dict], float] | None = None) -> Kind:
    """Add (or replace) a task kind; ``func`` must be importable by the workers (a module-level function)."""
    if not doc and func.__doc__:
        doc = func.__doc__.strip().splitlines()[0]
    k = Kind(name, func, bool(random), check, doc, cost)
    KINDS[name] = k
    return k



def _check_estimate(inputs: dict) -> None:
    """Each input checked by its declaration (limbound.specs.ESTIMATE; unknown names refused), then resolved."""
    from ... import bounds
    from ...specs import ESTIMATE

    bounds.resolve(**ESTIMATE.check_config(inputs, where="kind 'estimate'"))


def task_estimate(inputs: dict, seed: int | None = None) -> dict:
    """Energy-to-solution on every paradigm (limbound.bounds.estimate), flattened to one row."""
    from ... import bounds
    from ...specs import ESTIMATE

    x = bounds.resolve(**ESTIMATE.check_config(inputs, where="kind 'estimate'"))
    est = bounds.estimate(x)
    row = {"ops": x.ops, "flops": x.flops, "dt_s": x.dt_s, "bits_used": x.bits, "time_s_used": x.time_s,
           "accelerator_key": x.accelerator, "counting_used": x.counting}
    for p, b in est.items():
        row[f"{p}_energy_J"] = b.energy_J
        row[f"{p}_per_op_kT"] = b.per_op_kT
    row["lim_barrier_kT"] = est["lim"].extras["barrier_kT"]
    row["accelerator_over_lim"] = est["accelerator"].energy_J / est["lim"].energy_J
    row["final_state_floor_J"] = est["landauer"].extras["final_state_floor_J"]
    return row


register_kind("estimate", task_estimate, random=False, check=_check_estimate, cost=lambda inputs: 1e-3)


#: Optional kinds: name -> (module that must be importable, task, input check, cost).
_OPTIONAL: dict = {"validate": ("limbound.sim.validate", task_validate, _check_validate, _cost_validate),
                   "anneal": ("limbound.solvers.maxcut", task_anneal, _check_anneal, _cost_anneal),
                   "qp": ("limbound.solvers.qp", task_qp, _check_qp, _cost_qp),
                   "train": ("limbound.solvers.train", task_train, _check_train, _cost_train)}


def _optional_kinds() -> None:
    """Register the simulation and solver kinds whose modules are installed in this tree."""
    for name, (module, func, check, cost) in _OPTIONAL.items():
        if name in KINDS:
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        register_kind(name, func, random=True, check=check, cost=cost)


def available_kinds() -> dict:
    """The registered kinds (after looking for the optional simulation/solver modules)."""
    _optional_kinds()
    return dict(KINDS)


def run_point(kind: str, inputs: dict, seed: int | None = None) -> dict:
    """Run one point (on a worker).  Never raises: a failure comes back as ``status = "failed"``."""
    t = time.perf_counter()
    try:
        k = available_kinds().get(kind)
        if k is None:
            raise ParameterError(f"kind={kind!r} is unknown on this worker; allowed: {', '.join(KINDS)}")
        result = k.func(dict(inputs), seed)
        _check_flat(result)
        return {"status": "ok", "result": result, "seconds": time.perf_counter() - t, "version": __version__}
    except Exception as exc:  # recorded, retried on the next run
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {"status": "failed", "error": f"{type(exc).__name__}: {msg}", "seconds": time.perf_counter() - t,
                "version": __version__}


def _check_flat(result: object) -> None:
    if not isinstance(result, dict):
        raise TypeError(f"a task must return a dict of scalars, got {type(result).__name__}")
    for k, v in result.items():
        if not (v is None or isinstance(v, (str, bool, int, float, np.integer, np.floating))):
            raise TypeError(f"result {k!r} is a {type(v).__name__}; a task must return scalars")
