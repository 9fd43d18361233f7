"""Resumable parameter sweeps on Dask: a grid of inputs and seeds, one result file per point.

A sweep is described by a TOML file::

    [sweep]
    kind = "estimate"          # which function each point runs (see KINDS)
    name = "brain-scale band"  # free text, kept in the manifest
    store = "parquet"          # consolidated store: "parquet" (default) or "csv"
    # seeds = [0, 1, 2]        # random kinds only: every grid point runs once per seed

    [fixed]                    # inputs shared by every point
    params = 1e15
    time = "30d"               # quantities may carry units (time, temperature, frequency)

    [grid]                     # the Cartesian product of these lists
    tokens = [3e11, 1e12, 3e12]
    bits = [16, 24, 32]
    # params = { logspace = [6, 15, 10] }   # also linspace = [a, b, n], range = [start, stop, step]

A relative file path in a config file (the ``graph`` of kind "anneal") is
relative to the folder of that config file, not to the working folder, so a
config runs the same from anywhere; the resolved absolute path is what the
points, the manifest and the results record.  (A config given as a dict to
:func:`run_sweep` has no folder: its paths are used as given.)

How it runs.  Every point gets an id, a hash of ``(kind, inputs, seed)``.
Points are submitted to a Dask cluster -- a ``LocalCluster`` of 2 workers
started for the run (no server to start), or an existing scheduler when an
address is given -- and as each one completes the client writes
``OUT/points/<id>.json`` atomically (temporary file, then rename).  A rerun
reads that folder first and skips every finished point, so an interrupted
sweep resumes where it stopped: no point is computed twice, none is lost, and
a half-written file can never be mistaken for a result.  A point that raises
is recorded in ``OUT/failed/<id>.json`` with its one-line error and retried by
the next run.  The workers of a LocalCluster keep their scratch space in a
temporary folder that is removed after the run (not ``/tmp/dask-scratch-space``,
not inside ``OUT``).  At the end the finished points of the grid are consolidated,
in grid order, into ``OUT/results.parquet`` (or ``results.csv``), and
``OUT/manifest.json`` lists every point with its inputs, seed and status,
plus the limbound version and the config.

Versions.  The manifest and every point file record the limbound version that
computed them, and a store holds the results of ONE version: a run into a
folder written by another version is refused before any work (one line
naming both versions) -- rerun into a new ``--out``, or delete the folder, to
recompute every point.  Point ids do not contain the version (they name the
inputs), so this check, not the id, is what keeps an upgrade from silently
reusing old numbers.  A worker whose limbound version differs from the
client's has its points recorded as failed (never written as results).

Workers compute; only the client writes files, so a remote cluster needs no
shared file system -- but its workers must have limbound (same version)
installed, since each point runs :func:`run_point` there.  A LocalCluster of
processes starts its workers with ``spawn``: a script calling
:func:`run_sweep` needs the usual ``if __name__ == "__main__":`` guard (the
``limbound`` command has it).
"""
from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import gc
import logging
import math
import os
import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..fileio import atomic_path, atomic_write_text, check_out_dir, dumps, make_out_dir
from ..errors import FormatError, LimboundError, ParameterError

STORES = ("parquet", "csv")
#: Seconds to wait for an existing scheduler before giving up.
CONNECT_TIMEOUT_S = 15.0


# ------------------------------------------------------------------ task kinds
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


def register_kind(name: str, func, *, random: bool, check=None, doc: str = "", cost=None) -> Kind:
    """Add (or replace) a task kind; ``func`` must be importable by the workers (a module-level function)."""
    if not doc and func.__doc__:
        doc = func.__doc__.strip().splitlines()[0]
    k = Kind(name, func, bool(random), check, doc, cost)
    KINDS[name] = k
    return k


# ------------------------------------------------------------------ input value checks (before any cluster)
def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _number(lo=None, *, lo_open=False, hi=None, hi_open=False, what=""):
    """A real number (never a boolean or a string) in the given range."""
    rng = []
    if lo is not None:
        rng.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        rng.append(f"{'<' if hi_open else '<='} {hi:g}")
    allowed = what or ("a finite number" + (" " + " and ".join(rng) if rng else ""))

    def check(name, v):
        if not _is_number(v):
            raise ParameterError(f"{name}={v!r} is not a number; allowed: {allowed}")
        if not np.isfinite(float(v)):
            raise ParameterError(f"{name}={v!r} is not finite; allowed: {allowed}")
        x = float(v)
        if lo is not None and (x < lo or (lo_open and x == lo)) or hi is not None and (x > hi or (hi_open and x == hi)):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: {allowed}")
    return check


def _integer(lo=1, hi=None):
    """A TOML integer (not a float such as 1e3, not a boolean) in lo..hi."""
    allowed = f"integers {lo}..{hi}" if hi is not None else f"integers >= {lo}"

    def check(name, v):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise ParameterError(f"{name}={v!r} is not an integer; allowed: {allowed}")
        if v < lo or (hi is not None and v > hi):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: {allowed}")
    return check


def _choice(options):
    def check(name, v):
        if not isinstance(v, str) or v not in options:
            raise ParameterError(f"{name}={v!r} is unknown; allowed: {', '.join(options)}")
    return check


def _text(name, v):
    if not isinstance(v, str):
        raise ParameterError(f"{name}={v!r} is not a string; allowed: a quoted name")


def _boolean(name, v):
    if not isinstance(v, (bool, np.bool_)):
        raise ParameterError(f"{name}={v!r} is not a boolean; allowed: true or false")


def _quantity(kind):
    """A number or a string with a unit (limbound.units.parse_quantity), never a boolean."""
    def check(name, v):
        from ..units import parse_quantity

        if isinstance(v, (bool, np.bool_)) or not (isinstance(v, str) or _is_number(v)):
            raise ParameterError(f"{name}={v!r} is not a {kind}; allowed: a number or a string with a unit, e.g. '1us'")
        parse_quantity(v, kind, name)
    return check


def _list_of(inner, *, length=None):
    def check(name, v):
        if not isinstance(v, (list, tuple)) or not v or (length is not None and len(v) != length):
            n = f"{length} values" if length is not None else "at least one value"
            raise ParameterError(f"{name}={v!r} is not allowed; allowed: a list of {n}")
        for i, x in enumerate(v):
            inner(f"{name}[{i}]", x)
    return check


def _beta_range(name, v):
    _list_of(_number(0, lo_open=True), length=2)(name, v)
    if v[0] > v[1]:
        raise ParameterError(f"{name}={v!r} decreases; allowed: [beta_hot, beta_cold] with beta_hot <= beta_cold")


def _graph_spec(name, v):
    if not isinstance(v, str):
        raise ParameterError(f"{name}={v!r} is not allowed; allowed: a G-set file path or 'random:N:P'")
    if v.startswith("random:"):
        try:
            _, n, p = v.split(":")
            n, p = int(n), float(p)
        except ValueError:
            raise ParameterError(f"{name}={v!r} is not allowed; allowed: a G-set file path or 'random:N:P'") from None
        if not (2 <= n <= 100_000 and 0 < p <= 1):
            raise ParameterError(f"{name}={v!r} is out of range; allowed: 'random:N:P' with N in 2..100000, 0 < P <= 1")
    elif not Path(v).is_file():
        raise ParameterError(f"{name}={v!r} is not a file; allowed: a G-set file path or 'random:N:P'")


def _bits(lo=1, hi=64):
    return _integer(lo, hi)


_POS = _number(0, lo_open=True)
_NONNEG = _number(0)
#: Checks by input name, shared by the simulation and solver kinds (names mean the same thing everywhere);
#: :data:`_KIND_CHECKS` overrides them per kind.  Ranges are the ones the target functions enforce
#: (limbound.solvers.ising.anneal, solvers.qp, solvers.train, sim.validate); a value they would refuse on the
#: worker is refused here, before any cluster starts.
_CHECKS = {
    "sweeps": _integer(1), "reads": _integer(1), "epochs": _integer(1), "batch": _integer(1),
    "n_particles": _integer(1), "n_memories": _integer(1), "n_rate": _integer(1), "n_levels": _integer(2),
    "max_updates": _integer(1), "max_inner": _integer(1), "max_outer": _integer(1),
    "m_ineq": _integer(0), "m_eq": _integer(0),
    "bits": _bits(), "T_K": _POS, "f0_hz": _POS, "dt_s": _POS, "dt": _quantity("time"), "retention_s": _POS,
    "barrier_kT": _NONNEG, "fn_t0_sweeps": _POS, "readout_fraction": _number(0, hi=1, hi_open=True),
    "readout_factor": _POS, "beta_range": _beta_range, "target_cut": _NONNEG,
    "kappa": _number(1), "box": _POS, "inner_tol": _POS, "constraint_tol": _POS, "rho": _POS, "read_energy_J": _NONNEG,
    "C": _POS, "lr": _POS, "l2": _NONNEG, "float_reference": _boolean, "sync": _boolean,
    "k": _POS, "L": _POS, "tau": _POS, "gamma": _POS, "a": _POS, "barrier": _POS, "tilt": _NONNEG, "settle_dt": _POS,
    "default_prob": _number(0, lo_open=True, hi=1, hi_open=True),
    "taus": _list_of(_POS), "barriers": _list_of(_POS), "probs": _list_of(_number(0, lo_open=True, hi=1, hi_open=True)),
    "graph": _graph_spec, "reference": _choice(("osqp",)),
}


def _kind_checks(kind: str) -> dict:
    """The checks of ``kind``: :data:`_CHECKS` with the kind's own ranges and option names."""
    c = dict(_CHECKS)
    if kind == "anneal":
        from ..solvers.ising import ACCEPTANCES, SCHEDULES

        c.update(schedule=_choice(SCHEDULES), acceptance=_choice(ACCEPTANCES))
    elif kind in ("qp", "train"):
        from ..solvers.lim_memory import ENGINES, RULES

        c.update(rule=_choice(RULES), engine=_choice(ENGINES), reads=_integer(2))  # entropy over reads needs 2
        if kind == "qp":
            from ..solvers.qp import MAX_RANDOM_N

            c.update(n=_integer(2, MAX_RANDOM_N), bits=_bits(2, 24))
        else:
            from ..solvers.train import MODELS

            c.update(model=_choice(MODELS))
    elif kind == "validate":
        c.update(group=_choice(_VALIDATE_GROUPS), bits=_list_of(_bits()),
                 n_particles=lambda n, v: (_list_of(_integer(1)) if isinstance(v, list) else _integer(1))(n, v),
                 dt=lambda n, v: (_list_of(_POS) if isinstance(v, list) else _POS)(n, v))
    return c


def _check_values(kind: str, inputs: dict) -> None:
    """Refuse values of the wrong type or range (one line naming the input) for the names ``kind`` knows."""
    checks = _kind_checks(kind)
    for name, value in inputs.items():
        check = checks.get(name)
        if check is not None:
            check(name, value)


#: Input names of kind "estimate": the keyword arguments of limbound.bounds.resolve, plus
#: friendly names with units (parsed by limbound.units.parse_quantity).
_ESTIMATE_SI = ("params", "tokens", "flops", "ops", "bits", "time_s", "T_K", "f0_hz", "retention_s", "d_ret", "d_w", "eps",
                "counting", "batch_tokens", "consolidations", "accelerator", "precision", "workload")
_ESTIMATE_UNITS = {"time": ("time_s", "time"), "temperature": ("T_K", "temperature"),
                   "attempt_frequency": ("f0_hz", "frequency"), "retention": ("retention_s", "time")}


def _estimate_kwargs(inputs: dict) -> dict:
    from ..units import parse_quantity

    kw = {}
    for key, value in inputs.items():
        if key in _ESTIMATE_UNITS:
            si, kind = _ESTIMATE_UNITS[key]
            if si in inputs:
                raise ParameterError(f"inputs {key!r} and {si!r} are the same quantity; give one")
            kw[si] = parse_quantity(value, kind, key)
        elif key in _ESTIMATE_SI:
            kw[key] = value
        else:
            allowed = ", ".join(list(_ESTIMATE_SI) + list(_ESTIMATE_UNITS))
            raise ParameterError(f"input {key!r} is unknown for kind 'estimate'; allowed: {allowed}")
    if "bits" in kw and isinstance(kw["bits"], float) and kw["bits"].is_integer():
        kw["bits"] = int(kw["bits"])
    return kw


_ESTIMATE_TEXT = ("counting", "accelerator", "precision", "workload")


def _check_estimate(inputs: dict) -> None:
    from .. import bounds

    for name, value in inputs.items():
        if name in _ESTIMATE_TEXT:
            _text(name, value)
        elif name in _ESTIMATE_UNITS:
            _quantity(_ESTIMATE_UNITS[name][1])(name, value)
        elif name == "bits":
            if not (_is_number(value) and float(value).is_integer()):
                raise ParameterError(f"bits={value!r} is not an integer; allowed: integers 1..64")
        elif name in _ESTIMATE_SI:
            _number()(name, value)  # a number, never a boolean or a string; ranges: bounds.resolve
    bounds.resolve(**_estimate_kwargs(inputs))


def task_estimate(inputs: dict, seed=None) -> dict:
    """Energy-to-solution on every paradigm (limbound.bounds.estimate), flattened to one row."""
    from .. import bounds

    x = bounds.resolve(**_estimate_kwargs(inputs))
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


# ------------------------------------------------------------------ simulation and solver kinds
def _kwargs_for(func, inputs: dict, *, kind: str, exclude=("seed",), extra=()) -> dict:
    """Keep the inputs that are keyword parameters of ``func``; refuse any other name (one line, listing the allowed)."""
    import inspect

    allowed = [n for n, p in inspect.signature(func).parameters.items()
               if p.kind is inspect.Parameter.KEYWORD_ONLY and n not in exclude]
    bad = [k for k in inputs if k not in allowed and k not in extra]
    if bad:
        raise ParameterError(f"input {bad[0]!r} is unknown for kind {kind!r}; allowed: {', '.join(list(extra) + allowed)}")
    return {k: v for k, v in inputs.items() if k in allowed}


def _with_dt(inputs: dict) -> dict:
    """Accept ``dt = "1us"`` for ``dt_s`` (limbound.units)."""
    from ..units import parse_quantity

    x = dict(inputs)
    if "dt" in x:
        if "dt_s" in x:
            raise ParameterError("inputs 'dt' and 'dt_s' are the same quantity; give one")
        x["dt_s"] = parse_quantity(x.pop("dt"), "time", "dt")
    return x


_VALIDATE_GROUPS = ("kramers", "drag", "erasure", "master", "lim", "static")


def _validate_func(inputs: dict):
    from ..sim import validate as v

    group = inputs.get("group")
    if group not in _VALIDATE_GROUPS:
        raise ParameterError(f"input group={group!r} is not allowed for kind 'validate'; allowed: {', '.join(_VALIDATE_GROUPS)}")
    return getattr(v, f"{group}_cases")


def _check_validate(inputs: dict) -> None:
    _check_values("validate", inputs)
    _kwargs_for(_validate_func(inputs), {k: v for k, v in inputs.items() if k != "group"}, kind="validate",
                extra=("group",))
    from ..solvers.ising import MEMORY_FRACTION, physical_memory_bytes

    _, biggest = _validate_scale(inputs)
    need, limit = VALIDATE_BYTES_PER_UNIT * biggest, MEMORY_FRACTION * physical_memory_bytes()
    if need > limit:
        raise ParameterError(f"{biggest:.3g} particles or memories need about {need / 2**30:.3g} GiB "
                             f"({VALIDATE_BYTES_PER_UNIT} B each); allowed: at most {limit / 2**30:.3g} GiB "
                             f"({MEMORY_FRACTION:g} of this machine's memory)")


def task_validate(inputs: dict, seed=0) -> dict:
    """One group of the validation suite (limbound.sim.validate.<group>_cases): measured, stderr, expected, ok per case."""
    func = _validate_func(inputs)
    kw = _kwargs_for(func, {k: v for k, v in inputs.items() if k != "group"}, kind="validate")
    cases = func(seed=int(seed), **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()})
    row = {"n_cases": len(cases), "n_ok": int(sum(bool(c.ok) for c in cases))}
    for c in cases:
        for f in ("measured", "stderr", "expected"):
            row[f"{c.name}.{f}"] = float(getattr(c, f))
        row[f"{c.name}.ok"] = bool(c.ok)
    return row


def _graph(spec, seed):
    """A G-set/rudy file path, or ``random:N:P`` (Erdos-Renyi, unit weights, from the point's seed)."""
    from ..solvers.maxcut import read_gset

    if isinstance(spec, str) and spec.startswith("random:"):
        try:
            _, n, p = spec.split(":")
            n, p = int(n), float(p)
        except ValueError:
            raise ParameterError(f"graph={spec!r} is not allowed; allowed: a G-set file path or 'random:N:P'") from None
        from ..solvers.maxcut import random_maxcut_graph

        return random_maxcut_graph(n, p, seed=seed)
    if not isinstance(spec, str) or not Path(spec).is_file():
        raise ParameterError(f"graph={spec!r} is not a file; allowed: a G-set file path or 'random:N:P'")
    return read_gset(spec)


_GRAPH_N: dict = {}


def _graph_nodes(spec) -> int:
    """Node count of a graph input (``random:N:P``: N, without drawing it; a file: read once per path and version)."""
    if spec.startswith("random:"):
        return int(spec.split(":")[1])
    st = os.stat(spec)
    key = (os.path.realpath(spec), st.st_mtime_ns, st.st_size)
    if key not in _GRAPH_N:
        from ..solvers.maxcut import read_gset

        _GRAPH_N[key] = read_gset(spec).n
    return _GRAPH_N[key]


def _check_anneal(inputs: dict) -> None:
    import inspect

    from ..solvers.ising import anneal, check_memory, check_time_scale

    if "graph" not in inputs:
        raise ParameterError("kind 'anneal' needs input graph (a G-set file path or 'random:N:P')")
    _check_values("anneal", inputs)
    kw = _kwargs_for(anneal, inputs, kind="anneal", exclude=("seed", "initial_states", "betas", "target_energy"),
                     extra=("graph", "target_cut"))
    # the solver's own checks of the combination (time scale, memory), not one value at a time
    d = {n: p.default for n, p in inspect.signature(anneal).parameters.items()}
    g = {n: kw.get(n, d[n]) for n in ("f0_hz", "barrier_kT", "T_K", "sweeps", "reads")}
    check_time_scale(float(g["f0_hz"]), float(g["barrier_kT"]), float(g["T_K"]))
    check_memory(_graph_nodes(inputs["graph"]), g["sweeps"], g["reads"])


def task_anneal(inputs: dict, seed=0) -> dict:
    """MaxCut of one graph on the LIM Ising machine (limbound.solvers.maxcut.solve_maxcut), priced per paradigm."""
    from ..solvers.maxcut import solve_maxcut
    from ..solvers.ising import anneal

    g = _graph(inputs["graph"], int(seed))
    kw = _kwargs_for(anneal, inputs, kind="anneal", exclude=("seed", "initial_states", "betas", "target_energy"),
                     extra=("graph", "target_cut"))
    r = solve_maxcut(g, target_cut=inputs.get("target_cut"), seed=int(seed), **kw)
    a = r.anneal
    run = a.priced()["run_all_reads"]
    row = {"nodes": g.n, "edges": g.m, "best_cut": r.best_cut, "mean_cut": r.mean_cut,
           "reads_reaching_target": int(a.reached.sum()) if r.target_cut is not None else None,
           "energy_to_target_J": a.energy_to_target_J(), "first_law_residual": a.first_law_residual,
           "wall_time_s": a.wall_time_s}
    for k in ("lim_measured_J", "lim_estimate_J", "landauer_J", "static_cim_J", "accelerator_J"):
        if k in run:
            row[f"{k[:-2]}_per_read_J"] = run[k] / a.reads
    from ..solvers.lim_memory import floor_columns

    fl = a.floor()  # THEORY §8a floor of the mean heat per read, beside the measured heat per read
    row["heat_per_read_J"], row["heat_per_read_sem_J"] = fl["mean_heat_J"], fl["mean_heat_stderr_J"]
    row.update(floor_columns(fl))
    return row


def _check_qp(inputs: dict) -> None:
    from ..solvers.qp import random_qp, solve_qp

    _check_values("qp", inputs)
    x = _with_dt(inputs)
    a = set(_kwargs_for(random_qp, {k: v for k, v in x.items() if k in ("kappa", "m_ineq", "m_eq", "box")}, kind="qp"))
    _kwargs_for(solve_qp, {k: v for k, v in x.items() if k not in a and k != "n"}, kind="qp",
                exclude=("seed", "reference"), extra=("n", "kappa", "m_ineq", "m_eq", "box"))
    if "n" not in x:
        raise ParameterError("kind 'qp' needs input n (number of variables of the random QP)")
    # the solver's own checks (kappa cap, reads x n, annealing update budget, ...), not a parallel table
    from ..solvers.qp import check_random_inputs, check_solve_inputs

    check_random_inputs(x["n"], **{k: x[k] for k in a})
    check_solve_inputs(x["n"], **{k: v for k, v in x.items() if k not in a and k != "n"})


def task_qp(inputs: dict, seed=0) -> dict:
    """A random convex QP (limbound.solvers.qp.random_qp, seeded by the point) solved on LIM memories."""
    from ..solvers.qp import random_qp, solve_qp

    x = _with_dt(inputs)
    gen = {k: x[k] for k in ("kappa", "m_ineq", "m_eq", "box") if k in x}
    problem = random_qp(int(x["n"]), seed=int(seed), **gen)
    kw = {k: v for k, v in x.items() if k not in gen and k != "n"}
    r = solve_qp(problem, seed=int(seed), **kw)
    d = r.as_dict()
    from ..solvers.lim_memory import floor_columns

    return {**{k: d[k] for k in ("objective", "reference_objective", "rel_gap", "constraint_violation", "dissipated_J",
                                 "dissipated_sem_J", "bound_J", "estimate_J", "measured_over_estimate",
                                 "updates", "predicted_updates", "converged", "time_to_solution_s", "wall_time_s")},
            **floor_columns(d)}


def _check_train(inputs: dict) -> None:
    from ..solvers.train import train_digits

    _check_values("train", inputs)
    kw = _kwargs_for(train_digits, _with_dt(inputs), kind="train", exclude=("seed",))
    from ..solvers.train import check_train_inputs

    check_train_inputs(**kw)  # the solver's own checks, with the work budget (epochs x batches x reads x parameters)


def task_train(inputs: dict, seed=0) -> dict:
    """Digits training with weights in LIM memories (limbound.solvers.train.train_digits)."""
    from ..solvers.train import train_digits

    r = train_digits(seed=int(seed), **_kwargs_for(train_digits, _with_dt(inputs), kind="train", exclude=("seed",)))
    d = r.as_dict()
    from ..solvers.lim_memory import floor_columns

    return {**{k: d[k] for k in ("test_accuracy", "float_test_accuracy", "train_accuracy", "dissipated_J",
                                 "dissipated_sem_J", "bound_J", "estimate_J", "measured_over_estimate", "updates",
                                 "predicted_updates", "n_params", "time_to_solution_s", "wall_time_s")},
            **floor_columns(d)}


def _defaults(func) -> dict:
    import inspect

    return {n: p.default for n, p in inspect.signature(func).parameters.items()}


def _cost_anneal(inputs: dict) -> float:
    from ..budget import anneal_seconds
    from ..solvers.ising import anneal

    d = _defaults(anneal)
    return anneal_seconds(_graph_nodes(inputs["graph"]), inputs.get("sweeps", d["sweeps"]),
                          inputs.get("reads", d["reads"]))[0]


def _cost_qp(inputs: dict) -> float:
    from ..budget import qp_seconds, qp_updates

    return qp_seconds(inputs["n"], reads=inputs.get("reads", 4),
                      updates=qp_updates(inputs.get("rule", "gradient"), inputs.get("bits", 16),
                                         inputs.get("kappa", 10.0)))[0]


def _cost_train(inputs: dict) -> float:
    from ..budget import train_seconds
    from ..solvers.train import check_train_inputs, train_digits

    return train_seconds(check_train_inputs(**_kwargs_for(train_digits, _with_dt(inputs), kind="train"))["work"])[0]


#: Seconds of one validation group at its defaults (``limbound validate --json``, group_seconds, reference machine).
VALIDATE_GROUP_S = {"kramers": 60.0, "drag": 10.0, "erasure": 60.0, "master": 10.0, "lim": 10.0, "static": 10.0}
#: Bytes of memory per particle or memory of a validation group (state, RNG, books, temporaries: ~16 doubles).
VALIDATE_BYTES_PER_UNIT = 128


def _validate_scale(inputs: dict) -> tuple[float, float]:
    """(work relative to the group's defaults, largest particle/memory count) of a validate point."""
    d = _defaults(_validate_func(inputs))
    ratio, biggest = 1.0, 0.0
    for name in ("n_particles", "n_memories", "n_rate"):
        if name in inputs and name in d:
            given, dflt = np.sum(inputs[name]), np.sum(d[name])
            ratio *= float(given) / float(dflt)
            biggest = max(biggest, float(np.max(inputs[name])))
    for name in ("dt", "dt_s"):
        if name in inputs and name in d and not isinstance(inputs[name], str):
            ratio *= float(np.min(d[name])) / float(np.min(inputs[name]))
    for name in ("taus", "tau"):
        if name in inputs and name in d:
            ratio *= float(np.sum(inputs[name])) / float(np.sum(d[name]))
    return ratio, biggest


def _cost_validate(inputs: dict) -> float:
    return VALIDATE_GROUP_S[inputs["group"]] * _validate_scale(inputs)[0]


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


def run_point(kind: str, inputs: dict, seed=None) -> dict:
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


def _check_flat(result) -> None:
    if not isinstance(result, dict):
        raise TypeError(f"a task must return a dict of scalars, got {type(result).__name__}")
    for k, v in result.items():
        if not (v is None or isinstance(v, (str, bool, int, float, np.integer, np.floating))):
            raise TypeError(f"result {k!r} is a {type(v).__name__}; a task must return scalars")


# ------------------------------------------------------------------ config
@dataclass
class SweepConfig:
    """A parsed sweep: the kind, the fixed inputs, the grid and seeds, and the points they expand to."""

    kind: str
    fixed: dict
    grid: dict
    seeds: list
    name: str = ""
    store: str = "parquet"
    raw: dict = field(default_factory=dict)
    path: str = ""

    def points(self) -> list:
        """Every point, in grid order (last grid key fastest, then seed): ``[{id, inputs, seed}]``."""
        keys = list(self.grid)
        out = []
        for combo in itertools.product(*(self.grid[k] for k in keys)):
            inputs = {**self.fixed, **dict(zip(keys, combo))}
            for s in self.seeds:
                out.append({"id": point_id(self.kind, inputs, s), "inputs": inputs, "seed": s})
        return out

    @property
    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, default=str).encode()).hexdigest()


def _canon(v):
    """Plain Python scalars (numpy ints/floats converted), so ids and JSON are stable."""
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def point_id(kind: str, inputs: dict, seed) -> str:
    """Stable id of a point: the first 16 hex digits of sha256 of its canonical JSON (kind, inputs, seed)."""
    text = json.dumps({"kind": kind, "inputs": {k: _canon(inputs[k]) for k in sorted(inputs)}, "seed": seed},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _axis_number(name: str, how: str, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise FormatError(f"grid.{name}.{how}: {v!r} is not a finite number; allowed: {how} = [a, b, n] with numbers a, b")
    return float(v)


def _expand(name: str, spec):
    """A grid axis: a list of values, or ``{logspace|linspace = [a, b, n]}``, or ``{range = [start, stop, step]}``.

    Counts are checked before any list is built (at most :data:`limbound.budget.MAX_GRID_POINTS` values).
    """
    from ..budget import MAX_GRID_POINTS

    if isinstance(spec, list):
        if not spec:
            raise FormatError(f"grid.{name} is an empty list; give at least one value")
        return [_canon(v) for v in spec]
    if isinstance(spec, dict) and len(spec) == 1:
        (how, args), = spec.items()
        if how in ("logspace", "linspace") and isinstance(args, list) and len(args) == 3:
            a, b, n = args
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_GRID_POINTS:
                raise FormatError(f"grid.{name}.{how}: the count {n!r} is not allowed; allowed: an integer "
                                  f"1..{MAX_GRID_POINTS}")
            a, b = _axis_number(name, how, a), _axis_number(name, how, b)
            if how == "logspace" and max(abs(a), abs(b)) > 307:
                raise FormatError(f"grid.{name}.logspace = {args!r}: 10**{max(abs(a), abs(b)):g} leaves the double "
                                  "range; allowed: exponents within -307..307")
            vals = np.logspace(a, b, n) if how == "logspace" else np.linspace(a, b, n)
            return [float(v) for v in vals]
        if how == "range" and isinstance(args, list) and len(args) == 3 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in args):
            if args[2] == 0:
                raise FormatError(f"grid.{name}.range = {args!r}: the step is 0; allowed: a step != 0")
            r = range(*args)
            if not len(r):
                raise FormatError(f"grid.{name}.range = {args!r} is empty")
            if len(r) > MAX_GRID_POINTS:
                raise FormatError(f"grid.{name}.range = {args!r} has {len(r)} values; allowed: at most {MAX_GRID_POINTS}")
            return list(r)
    raise FormatError(f"grid.{name} = {spec!r} is not a grid axis; allowed: a list, "
                      "{logspace = [a, b, n]}, {linspace = [a, b, n]} or {range = [start, stop, step]} (integers)")


def _check_shape(where: str, name: str, v) -> None:
    """An input value is a TOML string, number, boolean or a flat list of these -- never a table or a date."""
    scalar = (str, bool, int, float, np.integer, np.floating)
    if isinstance(v, scalar) or (isinstance(v, list) and all(isinstance(x, scalar) for x in v)):
        return
    raise FormatError(f"{where}: {name} = {v!r} is a {type(v).__name__}; allowed: a number, a string, a boolean "
                      "or a list of these")


#: Inputs that name files, per kind: a relative path in a config FILE is taken relative to that file's folder.
PATH_INPUTS = {"anneal": ("graph",)}


def _resolve_path(kind: str, name: str, value, base_dir):
    """``value`` made absolute against ``base_dir`` if ``name`` is a file input of ``kind`` and it is relative."""
    if (base_dir is None or name not in PATH_INPUTS.get(kind, ()) or not isinstance(value, str)
            or value.startswith("random:") or Path(value).is_absolute()):
        return value
    return os.path.normpath(Path(base_dir) / value)


def parse_config(data: dict, *, path: str = "", base_dir=None) -> SweepConfig:
    """Validate a sweep config (already parsed TOML) and check every point's inputs, before any work.

    ``base_dir`` is the folder that relative file inputs (:data:`PATH_INPUTS`, e.g. ``graph``) are
    resolved against; :func:`load_config` passes the config file's folder.  Without it (a dict given to
    :func:`run_sweep`) paths are used as given, i.e. relative to the working folder.  Resolved paths are
    absolute, and they are what the point ids, the manifest and the results record.
    """
    where = path or "config"
    unknown = set(data) - {"sweep", "fixed", "grid"}
    if unknown:
        raise FormatError(f"{where}: unknown table(s) {', '.join(sorted(unknown))}; allowed: sweep, fixed, grid")
    sw = data.get("sweep")
    if not isinstance(sw, dict) or "kind" not in sw:
        raise FormatError(f"{where}: a [sweep] table with kind = \"...\" is required")
    bad = set(sw) - {"kind", "name", "store", "seeds"}
    if bad:
        raise FormatError(f"{where}: unknown key(s) in [sweep]: {', '.join(sorted(bad))}; allowed: kind, name, store, seeds")
    kinds = available_kinds()
    kind = sw["kind"]
    if kind not in kinds:
        raise ParameterError(f"sweep.kind={kind!r} is unknown; allowed: {', '.join(kinds)}")
    store = sw.get("store", "parquet")
    if store not in STORES:
        raise ParameterError(f"sweep.store={store!r} is unknown; allowed: {', '.join(STORES)}")
    k = kinds[kind]
    if "seeds" in sw:
        if not k.random:
            raise ParameterError(f"sweep.seeds is given but kind {kind!r} is deterministic; remove seeds")
        seeds = sw["seeds"]
        if isinstance(seeds, dict):
            seeds = _expand("seeds", seeds)
        if (not isinstance(seeds, list) or not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds)
                or len(set(seeds)) != len(seeds)):
            raise ParameterError(f"sweep.seeds={sw['seeds']!r} is not allowed; allowed: a list of distinct integers >= 0")
    else:
        seeds = [0] if k.random else [None]
    fixed = data.get("fixed", {})
    grid_raw = data.get("grid", {})
    if not isinstance(fixed, dict) or not isinstance(grid_raw, dict):
        raise FormatError(f"{where}: [fixed] and [grid] must be tables")
    both = set(fixed) & set(grid_raw)
    if both:
        raise FormatError(f"{where}: {', '.join(sorted(both))} in both [fixed] and [grid]; give each input once")
    for name, v in fixed.items():
        _check_shape(where, f"fixed.{name}", v)
    grid = {name: _expand(name, spec) for name, spec in grid_raw.items()}
    for name, vals in grid.items():
        for v in vals:
            _check_shape(where, f"grid.{name}", v)
    from ..budget import MAX_GRID_POINTS

    total = math.prod(len(v) for v in grid.values()) * len(seeds)
    if total > MAX_GRID_POINTS:
        raise FormatError(f"{where}: the grid has {total} points ({' x '.join(str(len(v)) for v in grid.values())} x "
                          f"{len(seeds)} seeds); allowed: at most {MAX_GRID_POINTS} points per sweep")
    fixed = {a: _resolve_path(kind, a, v, base_dir) for a, v in fixed.items()}
    grid = {a: [_resolve_path(kind, a, v, base_dir) for v in vals] for a, vals in grid.items()}
    cfg = SweepConfig(kind=kind, fixed={a: _canon(v) for a, v in fixed.items()}, grid=grid, seeds=seeds,
                      name=str(sw.get("name", "")), store=store, raw=data, path=str(path))
    pts = cfg.points()
    if k.check is not None:
        for p in pts:
            try:
                k.check(p["inputs"])
            except LimboundError as exc:
                shown = ", ".join(f"{a}={v!r}" for a, v in p["inputs"].items() if a in grid) or "every point"
                raise type(exc)(f"{where}: point ({shown}): {exc}") from None
            except (TypeError, ValueError, ArithmeticError, KeyError) as exc:  # a check that did not name the input
                shown = ", ".join(f"{a}={v!r}" for a, v in p["inputs"].items() if a in grid) or "every point"
                msg = str(exc).splitlines()[0] if str(exc) else ""
                raise ParameterError(f"{where}: point ({shown}): inputs not allowed for kind {kind!r} "
                                     f"({type(exc).__name__}: {msg})") from None
    ids = [p["id"] for p in pts]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{where}: the grid repeats a point (a value listed twice); each point must be unique")
    return cfg


def load_config(path) -> SweepConfig:
    """Read and validate a sweep TOML file; relative file inputs (``graph``) are relative to its folder."""
    from ..fileio import read_input_bytes

    p = Path(path)
    data = read_input_bytes(path, name="config", max_bytes=4 * 2**20, what="a sweep TOML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{p}: not a text file (not UTF-8); allowed: a sweep TOML file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(data, path=str(p), base_dir=p.absolute().parent)


# ------------------------------------------------------------------ store
#: The floor columns every anneal/qp/train row carries (THEORY §8a; tightness is None when the floor is 0).
_FLOOR_SCHEMA = {"floor_J": "num", "floor_entropy_J": "num?", "floor_speed_J": "num?", "tightness": "num?",
                 "floor_holds": "bool?"}
#: Result schema of each built-in kind: key -> "num" (a finite number), "num?" (or null), "int", "int?", "str",
#: "bool".  A point file whose result lacks a key or has the wrong type is not trusted on resume.
_SCHEMAS = {
    "estimate": {"ops": "num", "flops": "num", "dt_s": "num", "bits_used": "int", "time_s_used": "num",
                 "accelerator_key": "str", "counting_used": "str", "lim_energy_J": "num", "landauer_energy_J": "num",
                 "static_cim_energy_J": "num", "accelerator_energy_J": "num", "lim_barrier_kT": "num",
                 "accelerator_over_lim": "num", "final_state_floor_J": "num"},
    "anneal": {"nodes": "int", "edges": "int", "best_cut": "num", "mean_cut": "num", "reads_reaching_target": "int?",
               "energy_to_target_J": "num?", "first_law_residual": "num", "wall_time_s": "num",
               "heat_per_read_J": "num", "heat_per_read_sem_J": "num", **_FLOOR_SCHEMA},
    "qp": {"objective": "num", "dissipated_J": "num", "dissipated_sem_J": "num?", "bound_J": "num?",
           "estimate_J": "num?", "updates": "int", "converged": "bool", "wall_time_s": "num", **_FLOOR_SCHEMA},
    "train": {"test_accuracy": "num", "float_test_accuracy": "num?", "dissipated_J": "num", "bound_J": "num?",
              "estimate_J": "num?", "updates": "int", "n_params": "int", "wall_time_s": "num", **_FLOOR_SCHEMA},
    "validate": {"n_cases": "int", "n_ok": "int"},
}


def _type_ok(tag: str, v) -> bool:
    if tag.endswith("?") and v is None:
        return True
    tag = tag.rstrip("?")
    if tag == "str":
        return isinstance(v, str)
    if tag == "bool":
        return isinstance(v, bool)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return isinstance(v, int) if tag == "int" else math.isfinite(v)


def point_problem(rec, stem: str, point: dict | None = None, kind: str | None = None) -> str | None:
    """Why a point file's record cannot be trusted as the result of ``point`` (None: it can).

    Checked: a dict with this id and status "ok", the point's kind, seed and inputs, a flat result of
    scalars, and the kind's result schema (:data:`_SCHEMAS`).
    """
    if not isinstance(rec, dict):
        return "not a JSON object"
    if rec.get("id") != stem or rec.get("status") != "ok":
        return "id or status do not match"
    if kind is not None and rec.get("kind") != kind:
        return f"kind {rec.get('kind')!r} is not {kind!r}"
    if point is not None:
        if rec.get("seed") != point["seed"]:
            return f"seed {rec.get('seed')!r} is not {point['seed']!r}"
        if json.dumps(rec.get("inputs"), sort_keys=True) != json.dumps(_canon_inputs(point["inputs"]), sort_keys=True):
            return "inputs differ from the point's"
    result = rec.get("result")
    if not isinstance(result, dict):
        return "no result table"
    for k, v in result.items():
        if not (v is None or isinstance(v, (str, bool, int, float))):
            return f"result {k!r} is not a scalar"
    for k, tag in _SCHEMAS.get(kind or rec.get("kind"), {}).items():
        if k not in result:
            return f"result {k!r} is missing"
        if not _type_ok(tag, result[k]):
            return f"result {k}={result[k]!r} is not {'a number' if tag.startswith('num') else 'an ' + tag.rstrip('?')}"
    return None


def _canon_inputs(inputs: dict) -> dict:
    return json.loads(dumps(inputs))


def _read_point(path: Path, point: dict | None = None, kind: str | None = None):
    """A finished point file, or None if unreadable or not a valid result (:func:`point_problem`)."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if point_problem(rec, path.stem, point, kind) else rec


def finished_ids(out_dir) -> set:
    """Ids of the points whose result file is present and valid."""
    d = Path(out_dir) / "points"
    if not d.is_dir():
        return set()
    return {p.stem for p in d.glob("*.json") if not p.name.startswith(".") and _read_point(p) is not None}


def scan_points(cfg: "SweepConfig", out_dir) -> tuple[set, dict]:
    """``(done, bad)``: ids of the grid's points with a valid result file, and ``{id: why}`` for files there that
    fail validation (wrong content, truncated, another point's inputs) -- those are recomputed."""
    d = Path(out_dir) / "points"
    done, bad = set(), {}
    if not d.is_dir():
        return done, bad
    for p in cfg.points():
        f = d / f"{p['id']}.json"
        if not f.exists():
            continue
        try:
            why = point_problem(json.loads(f.read_text(encoding="utf-8")), p["id"], p, cfg.kind)
        except (OSError, ValueError) as exc:
            why = f"unreadable ({type(exc).__name__})"
        if why is None:
            done.add(p["id"])
        else:
            bad[p["id"]] = why
    return done, bad


def store_versions(out_dir) -> dict:
    """``{version: number of finished points}`` of the store in ``out_dir``, plus the manifest's version."""
    out = Path(out_dir)
    seen: dict = {}
    d = out / "points"
    if d.is_dir():
        for p in d.glob("*.json"):
            rec = None if p.name.startswith(".") else _read_point(p)
            if rec is not None:
                v = str(rec.get("version"))
                seen[v] = seen.get(v, 0) + 1
    man = out / "manifest.json"
    if man.is_file():
        try:
            v = json.loads(man.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError, AttributeError):
            v = None
        if v is not None:
            seen.setdefault(str(v), 0)
    return seen


def check_same_version(out_dir) -> None:
    """Refuse (one line) a store written by another limbound version: one store never mixes versions."""
    other = {v: n for v, n in store_versions(out_dir).items() if v != __version__}
    if other:
        shown = ", ".join(f"{v} ({n} points)" for v, n in sorted(other.items()))
        raise ParameterError(f"--out={str(out_dir)!r} holds a sweep made by limbound {shown}, this is limbound "
                             f"{__version__}; results of two versions are never mixed in one store; allowed: a new "
                             "--out, or delete that folder to recompute every point")


def _clean_temp(out_dir: Path) -> int:
    n = 0
    for sub in ("points", "failed", "."):
        d = out_dir / sub
        if d.is_dir():
            for p in d.glob(".*.tmp"):
                p.unlink(missing_ok=True)
                n += 1
    return n


def consolidate(cfg: SweepConfig, out_dir) -> tuple:
    """Write the finished points of ``cfg``, in grid order, to the store; return (path, rows)."""
    import pandas as pd

    out = Path(out_dir)
    rows = []
    for p in cfg.points():
        rec = _read_point(out / "points" / f"{p['id']}.json", p, cfg.kind)
        if rec is None:
            continue
        row = {"point_id": p["id"], "kind": cfg.kind, "seed": p["seed"]}
        row.update(rec["inputs"])
        for k, v in rec["result"].items():
            row[f"out_{k}" if k in row else k] = v
        row["seconds"] = rec.get("seconds")
        row["version"] = rec.get("version")
        rows.append(row)
    df = pd.DataFrame(rows)
    path = out / ("results.parquet" if cfg.store == "parquet" else "results.csv")
    if cfg.store == "parquet":
        for c in df.columns:  # parquet needs one type per column (e.g. "30d" next to 2.6e6)
            if df[c].dtype == object and len({type(v) for v in df[c] if v is not None}) > 1:
                df[c] = df[c].map(lambda v: None if v is None else str(v))
    with atomic_path(path) as tmp:
        if cfg.store == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    return path, len(df)


# ------------------------------------------------------------------ run
@dataclass
class SweepResult:
    """Outcome of :func:`run_sweep`: counts, paths and the failures of this run."""

    out_dir: Path
    total: int
    skipped: int
    ran: int
    failed: dict
    rows: int
    store: Path
    manifest: Path
    seconds: float
    scheduler: str
    rejected: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.rows == self.total

    @property
    def retryable(self) -> dict:
        """The failures a rerun may fix (a worker died, a connection dropped), not those of the inputs."""
        return {k: v for k, v in self.failed.items() if not is_input_failure(v)}

    def as_dict(self) -> dict:
        return {"version": __version__, "out_dir": str(self.out_dir), "total": self.total, "skipped": self.skipped,
                "ran": self.ran, "failed": self.failed, "rows": self.rows, "complete": self.complete,
                "store": str(self.store), "manifest": str(self.manifest), "seconds": round(self.seconds, 3),
                "scheduler": self.scheduler, "rejected": self.rejected, "retryable": sorted(self.retryable)}


#: Error types of a point that its inputs cause: rerunning the same point fails the same way.
INPUT_ERRORS = ("ParameterError", "ParameterTypeError", "FormatError", "CatalogError", "MemoryError", "ValueError",
                "TypeError", "KeyError", "ZeroDivisionError", "OverflowError", "FloatingPointError")


def is_input_failure(error: str) -> bool:
    """True if a point's recorded error (``"Type: message"``) comes from its inputs, not from the cluster."""
    return str(error).split(":", 1)[0].strip() in INPUT_ERRORS


def _write_manifest(cfg: SweepConfig, out: Path, done: set, failed: dict, scheduler: str, created: str,
                    status: str = "running", rejected: dict | None = None) -> Path:
    pts = []
    for p in cfg.points():
        st = "done" if p["id"] in done else ("failed" if p["id"] in failed else "pending")
        e = {"id": p["id"], "seed": p["seed"], "inputs": p["inputs"], "status": st}
        if st == "failed":
            e["error"] = failed[p["id"]]
        pts.append(e)
    n_done = sum(e["status"] == "done" for e in pts)
    man = {"version": __version__, "kind": cfg.kind, "name": cfg.name, "config_path": cfg.path, "config": cfg.raw,
           "config_sha256": cfg.sha256, "store": cfg.store, "seeds": cfg.seeds, "scheduler": scheduler,
           "created_utc": created, "updated_utc": _now(), "total": len(pts), "done": n_done,
           "failed": sum(e["status"] == "failed" for e in pts), "pending": sum(e["status"] == "pending" for e in pts),
           "complete": n_done == len(pts), "status": "complete" if n_done == len(pts) else status,
           "rejected_point_files": rejected or {}, "points": pts}
    path = out / "manifest.json"
    atomic_write_text(path, dumps(man) + "\n")
    return path


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _client(scheduler, *, n_workers: int, processes: bool):
    """A Dask client: on an existing scheduler (address) or on a small LocalCluster started here."""
    from .._optional import require
    distributed = require("distributed", extra="sweep")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    # A Client whose construction failed is finalised whenever the garbage collector runs; if that happens inside
    # the next Client's LoopRunner start (which holds the lock its __del__ -> close() needs), the process
    # deadlocks (seen: test_cli_bad_scheduler_is_one_line_and_creates_nothing hung for 10+ min).  Collect such
    # leftovers here, outside distributed's locks, before and after every attempt.
    gc.collect()
    if scheduler:
        try:
            return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s"), None, str(scheduler)
        except (OSError, TimeoutError) as exc:
            gc.collect()
            raise ParameterError(f"--scheduler={scheduler!r} cannot be reached ({type(exc).__name__}); "
                                 "allowed: the address of a running Dask scheduler, e.g. tcp://host:8786") from None
        except (ValueError, TypeError) as exc:  # e.g. "missing port number", "unknown address scheme"
            gc.collect()
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ParameterError(f"--scheduler={scheduler!r} is not a Dask address ({msg}); "
                                 "allowed: e.g. tcp://host:8786") from None
    # the workers' scratch space in a temporary folder of our own, removed after the run (never
    # /tmp/dask-scratch-space, never inside --out)
    scratch = tempfile.mkdtemp(prefix="limbound-dask-")
    try:
        import dask

        with dask.config.set({"temporary-directory": scratch}):  # the scheduler's scratch folder too
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                                   dashboard_address=None, silence_logs=logging.ERROR, local_directory=scratch)
        cluster.limbound_scratch = scratch
        return Client(cluster), cluster, f"LocalCluster({n_workers} {'processes' if processes else 'threads'})"
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _close(client, cluster) -> None:
    """Close the client and the LocalCluster started here, and remove its scratch folder."""
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()
        scratch = getattr(cluster, "limbound_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


#: Local workers at most per CPU core (a remote scheduler's workers are not capped here).
WORKERS_PER_CORE = 4
#: Seconds between manifest rewrites while points finish (and always after the last one).
MANIFEST_EVERY_S = 1.0


def grid_key(cfg: SweepConfig) -> str:
    """Identity of a sweep's grid: sha256 of its kind, store and point ids (not its name or comments)."""
    text = json.dumps({"kind": cfg.kind, "store": cfg.store, "ids": [p["id"] for p in cfg.points()]})
    return hashlib.sha256(text.encode()).hexdigest()


def estimate_seconds(cfg: SweepConfig, points=None) -> tuple[float, str]:
    """CPU seconds of ``points`` (default all) from the kinds' cost models (:mod:`limbound.budget` rates)."""
    k = available_kinds()[cfg.kind]
    pts = cfg.points() if points is None else points
    if k.cost is None:
        return 0.0, f"{len(pts)} points"
    total = sum(k.cost(p["inputs"]) for p in pts)
    return total, f"{len(pts)} points of kind {cfg.kind!r}, {total:.3g} CPU-seconds"


def run_sweep(config, out_dir, *, scheduler: str | None = None, n_workers: int = 2, processes: bool = True,
              max_points: int | None = None, progress: bool = True, force: bool = False,
              max_time_s="default") -> SweepResult:
    """Run (or resume) a sweep.

    Parameters
    ----------
    config : a :class:`SweepConfig`, a parsed TOML dict, or the path of a TOML file
    out_dir : result folder (``points/``, ``failed/``, ``manifest.json``, ``results.parquet``)
    scheduler : address of an existing Dask scheduler; None starts a LocalCluster
    n_workers, processes : size and kind of the LocalCluster (ignored with ``scheduler``); at most
        :data:`WORKERS_PER_CORE` x CPU cores
    max_points : run at most this many pending points, then stop (a bounded run; the rest stay pending)
    progress : show a rich progress bar
    force : run into a folder that holds another config's (or command's) results
    max_time_s : work budget in seconds (default :data:`limbound.budget.DEFAULT_MAX_TIME_S`; None: no limit);
        the pending points' estimated CPU time divided by the workers must fit

    The folder: ``DIR/.lock`` (pid, host) while a run works in it -- a second run is refused, a lock left by a
    killed run on this host is taken over; ``DIR/INCOMPLETE`` until every point has a result; the manifest is
    rewritten atomically as points finish; point files that fail validation (:func:`point_problem`) are moved
    to ``DIR/rejected/`` and recomputed.

    Returns
    -------
    SweepResult; ``complete`` is True when every point of the grid has a result.
    """
    from ..budget import DEFAULT_MAX_TIME_S, check_budget
    from ..errors import check_integer
    from ..fileio import FolderLock, check_owner, claim_out_dir, clear_incomplete, mark_incomplete

    t0 = time.perf_counter()
    max_time_s = DEFAULT_MAX_TIME_S if max_time_s == "default" else max_time_s
    cfg = config if isinstance(config, SweepConfig) else (
        parse_config(config) if isinstance(config, dict) else load_config(config))
    cores = os.cpu_count() or 1
    check_integer("n_workers", n_workers, minimum=1, maximum=None if scheduler else WORKERS_PER_CORE * cores,
                  why="" if scheduler else f"{WORKERS_PER_CORE} per CPU core of this machine; more with a scheduler")
    if max_points is not None:
        check_integer("max_points", max_points, minimum=0)
    store_name = "results.parquet" if cfg.store == "parquet" else "results.csv"
    out = check_out_dir(out_dir, files=["manifest.json", store_name, "INCOMPLETE"])
    for sub in ("points", "failed", "rejected"):
        q = out / sub
        if (q.exists() or q.is_symlink()) and not q.is_dir():
            raise ParameterError(f"--out={str(out_dir)!r}: {sub} there is not a folder; allowed: a folder where {sub} "
                                 "is a folder or absent")
    check_same_version(out)
    key = grid_key(cfg)
    check_owner(out, "sweep", key, force=force, describe="config")
    points = cfg.points()
    done, _ = scan_points(cfg, out)
    pending = [p for p in points if p["id"] not in done]
    if max_points is not None:
        pending = pending[:max_points]
    if not scheduler:  # the budget of a local cluster is known before it starts
        cpu, what = estimate_seconds(cfg, pending)
        check_budget(f"{what} on {n_workers} workers", cpu / n_workers, max_time_s)
    existed = out.exists()
    make_out_dir(out)
    client = cluster = None
    with FolderLock(out):
        try:
            return _run_locked(cfg, out, key, pending, scheduler, n_workers, processes, progress, max_time_s, t0,
                               force)
        except BaseException:
            if not existed and not any(x.name != ".lock" for x in out.iterdir()):
                shutil.rmtree(out, ignore_errors=True)  # nothing of ours to keep: as if never started
            raise


def _run_locked(cfg, out, key, pending, scheduler, n_workers, processes, progress, max_time_s, t0, force):
    from ..budget import check_budget
    from ..fileio import claim_out_dir, clear_incomplete, mark_incomplete

    # under the lock: what another run finished meanwhile is not redone
    done, bad = scan_points(cfg, out)
    pending = [p for p in pending if p["id"] not in done]
    points = cfg.points()
    skipped = len(points) - len([p for p in points if p["id"] not in done])
    created = _now()
    old = out / "manifest.json"
    if old.is_file():
        try:
            created = json.loads(old.read_text()).get("created_utc", created)
        except (ValueError, AttributeError):
            pass
    failed: dict = {}
    sched_name = scheduler or "none (nothing to run)"
    ran = 0
    client = cluster = None
    if pending:
        client, cluster, sched_name = _client(scheduler, n_workers=n_workers, processes=processes)
    try:
        if scheduler and pending:  # now the cluster's size is known
            n = max(1, len(client.scheduler_info().get("workers", {})))
            cpu, what = estimate_seconds(cfg, pending)
            check_budget(f"{what} on {n} workers", cpu / n, max_time_s)
        claim_out_dir(out, "sweep", key, config_sha256=cfg.sha256, kind=cfg.kind)
        for sub in ("points", "failed"):
            make_out_dir(out / sub, name="--out subfolder")
        if bad:  # never trusted, never lost: moved aside and recomputed
            make_out_dir(out / "rejected", name="--out subfolder")
            for pid in bad:
                os.replace(out / "points" / f"{pid}.json", out / "rejected" / f"{pid}.json")
        _clean_temp(out)
        state = {"last": 0.0}

        def manifest(status="running", final=False):
            if final or time.monotonic() - state["last"] >= MANIFEST_EVERY_S:
                _write_manifest(cfg, out, done, failed, sched_name, created, status, bad)
                state["last"] = time.monotonic()

        mark_incomplete(out, f"sweep {cfg.name or cfg.kind!r} running or stopped early (see manifest.json)")
        manifest(final=True)
        if pending:
            try:
                ran = _execute(client, cfg, pending, out, done, failed, progress=progress, skipped=skipped,
                               on_point=manifest)
            except BaseException:  # interrupted (Ctrl-C): record what finished, then stop
                _write_manifest(cfg, out, done, failed, sched_name, created, "interrupted", bad)
                consolidate(cfg, out)
                raise
    finally:
        _close(client, cluster)
    complete = len(done & {p["id"] for p in points}) == len(points)
    status = "complete" if complete else ("failed" if failed else "incomplete")
    manifest_path = _write_manifest(cfg, out, done, failed, sched_name, created, status, bad)
    store, rows = consolidate(cfg, out)
    if complete:
        clear_incomplete(out)
    else:
        mark_incomplete(out, f"sweep {status}: {len(points) - len(done)} of {len(points)} points without a result "
                        f"({len(failed)} failed; see manifest.json)")
    return SweepResult(out_dir=out, total=len(points), skipped=skipped, ran=ran, failed=failed, rows=rows, store=store,
                       manifest=manifest_path, seconds=time.perf_counter() - t0, scheduler=sched_name, rejected=bad)


def _execute(client, cfg, pending, out: Path, done: set, failed: dict, *, progress: bool, skipped: int,
             on_point=None) -> int:
    from distributed import as_completed

    futures = {}
    for p in pending:
        f = client.submit(run_point, cfg.kind, p["inputs"], p["seed"], key=f"limbound-{cfg.kind}-{p['id']}", pure=False)
        futures[f] = p
    ran = 0
    with _bar(progress, len(pending), skipped) as (bar, task):
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                rec = fut.result()
            except Exception as exc:  # the worker itself died
                rec = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "seconds": None}
            if rec.get("version", __version__) != __version__:
                rec = {**rec, "status": "failed",
                       "error": f"VersionError: the worker runs limbound {rec['version']}, the client {__version__}; "
                                "install the same version on every worker"}
            entry = {"id": p["id"], "kind": cfg.kind, "seed": p["seed"], "inputs": p["inputs"], "version": __version__,
                     "finished_utc": _now(), **rec}
            if rec["status"] == "ok":
                atomic_write_text(out / "points" / f"{p['id']}.json", dumps(entry) + "\n")
                (out / "failed" / f"{p['id']}.json").unlink(missing_ok=True)
                done.add(p["id"])
            else:
                atomic_write_text(out / "failed" / f"{p['id']}.json", dumps(entry) + "\n")
                failed[p["id"]] = rec["error"]
            ran += 1
            bar.advance(task)
            if on_point is not None:
                on_point()
    return ran


class _bar:
    def __init__(self, enabled, total, skipped):
        self.enabled, self.total, self.skipped = enabled, total, skipped

    def __enter__(self):
        if not self.enabled:
            class _N:
                def advance(self, *a, **k):
                    pass
            self._p = None
            return _N(), 0
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._p = Progress(TextColumn(f"sweep ({self.skipped} already done)"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn(), TimeRemainingColumn())
        self._p.__enter__()
        return self._p, self._p.add_task("sweep", total=self.total)

    def __exit__(self, *a):
        if self._p is not None:
            self._p.__exit__(*a)
        return False


__all__ = ["run_sweep", "check_same_version", "store_versions", "check_out_dir", "make_out_dir", "load_config", "parse_config", "SweepConfig", "SweepResult", "point_id", "register_kind",
           "run_point", "consolidate", "finished_ids", "available_kinds", "KINDS", "Kind", "task_estimate"]
