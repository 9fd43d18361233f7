"""The simulation and solver kinds of a sweep: validate, anneal, qp and train (task, input check, cost).

Each task runs one point on a worker and returns flat scalar results; each check refuses inputs that
cannot run before any cluster starts (each value by its declaration in :mod:`limbound.specs`, then the
solver's own checks of combinations); each cost estimates a point's CPU seconds (:mod:`limbound.budget`).
The solver modules are imported on first use, so this module imports without the optional extras.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ParameterError


def _validate_config(inputs: dict) -> tuple[str, dict]:
    """``(group, options)`` of a validate point: the group (limbound.specs.VALIDATE_GROUP) and its function's options,
    each checked by the group's declaration (limbound.specs.VALIDATE_CASES; unknown names refused)."""
    from ...specs import VALIDATE_CASES, VALIDATE_GROUP

    if "group" not in inputs:
        raise ParameterError(f"kind 'validate' needs input group (one of {', '.join(VALIDATE_CASES)})")
    group = VALIDATE_GROUP.check("group", inputs["group"])
    kw = VALIDATE_CASES[group].check_config({k: v for k, v in inputs.items() if k != "group"}, exclude=("seed",),
                                            where=f"kind 'validate', group {group!r}")
    return group, kw


def _check_validate(inputs: dict) -> None:
    from ...solvers.ising import MEMORY_FRACTION, physical_memory_bytes

    _, biggest = _validate_scale(inputs)
    need, limit = VALIDATE_BYTES_PER_UNIT * biggest, MEMORY_FRACTION * physical_memory_bytes()
    if need > limit:
        raise ParameterError(f"{biggest:.3g} particles or memories need about {need / 2**30:.3g} GiB "
                             f"({VALIDATE_BYTES_PER_UNIT} B each); allowed: at most {limit / 2**30:.3g} GiB "
                             f"({MEMORY_FRACTION:g} of this machine's memory)")


def task_validate(inputs: dict, seed: int = 0) -> dict:
    """One group of the validation suite (limbound.sim.validate.<group>_cases): measured, stderr, expected, ok per case."""
    from ...sim import validate

    group, kw = _validate_config(inputs)
    cases = getattr(validate, f"{group}_cases")(seed=int(seed), **kw)
    row = {"n_cases": len(cases), "n_ok": int(sum(bool(c.ok) for c in cases))}
    for c in cases:
        for f in ("measured", "stderr", "expected"):
            row[f"{c.name}.{f}"] = float(getattr(c, f))
        row[f"{c.name}.ok"] = bool(c.ok)
    return row


def _graph_spec(name: str, v: object) -> tuple[int, float] | None:
    """Check a graph input: ``(N, P)`` of ``random:N:P``, ``None`` for a file path; else a one-line ParameterError."""
    allowed = "a G-set file path or 'random:N:P'"
    if not isinstance(v, str):
        raise ParameterError(f"{name}={v!r} is not allowed; allowed: {allowed}")
    if not v.startswith("random:"):
        if not Path(v).is_file():
            raise ParameterError(f"{name}={v!r} is not a file; allowed: {allowed}")
        return None
    try:
        _, n, p = v.split(":")
        n, p = int(n), float(p)
    except ValueError:
        raise ParameterError(f"{name}={v!r} is not allowed; allowed: {allowed}") from None
    if not (2 <= n <= 100_000 and 0 < p <= 1):
        raise ParameterError(f"{name}={v!r} is out of range; allowed: 'random:N:P' with N in 2..100000, 0 < P <= 1")
    return n, p


def _graph(spec: str, seed: int) -> Any:
    """A G-set/rudy file path, or ``random:N:P`` (Erdos-Renyi, unit weights, from the point's seed)."""
    from ...solvers.maxcut import random_maxcut_graph, read_gset

    random = _graph_spec("graph", spec)
    return read_gset(spec) if random is None else random_maxcut_graph(*random, seed=seed)


_GRAPH_N: dict = {}


def _graph_nodes(spec: str) -> int:
    """Node count of a graph input (``random:N:P``: N, without drawing it; a file: read once per path and version)."""
    if spec.startswith("random:"):
        return int(spec.split(":")[1])
    st = os.stat(spec)
    key = (os.path.realpath(spec), st.st_mtime_ns, st.st_size)
    if key not in _GRAPH_N:
        from ...solvers.maxcut import read_gset

        _GRAPH_N[key] = read_gset(spec).n
    return _GRAPH_N[key]


def _anneal_config(inputs: dict) -> dict:
    """The anneal options of a point, each checked by its declaration (limbound.specs.ANNEAL, MAXCUT; unknown
    names refused); ``graph`` is the kind's own input."""
    from ...specs import ANNEAL, MAXCUT

    x = ANNEAL.check_config(inputs, extra=("graph", "target_cut"), exclude=("seed", "target_energy"),
                            where="kind 'anneal'")
    x.update(MAXCUT.check_config({k: x.pop(k) for k in ("target_cut",) if k in x}))
    return x


def _check_anneal(inputs: dict) -> None:
    from ...solvers.ising import check_memory, check_time_scale
    from ...specs import ANNEAL

    if "graph" not in inputs:
        raise ParameterError("kind 'anneal' needs input graph (a G-set file path or 'random:N:P')")
    x = _anneal_config(inputs)
    _graph_spec("graph", x["graph"])
    # the solver's own checks of the combination (time scale, memory), not one value at a time
    g = {**ANNEAL.defaults(), **x}
    check_time_scale(g["f0_hz"], g["barrier_kT"], g["temperature_K"])
    check_memory(_graph_nodes(inputs["graph"]), g["sweeps"], g["reads"])


def task_anneal(inputs: dict, seed: int = 0) -> dict:
    """MaxCut of one graph on the LIM Ising machine (limbound.solvers.maxcut.solve_maxcut), priced per paradigm."""
    from ...solvers.maxcut import solve_maxcut

    g = _graph(inputs["graph"], int(seed))
    kw = _anneal_config(inputs)
    kw.pop("graph")
    r = solve_maxcut(g, seed=int(seed), **kw)
    a = r.anneal
    run = a.priced()["run_all_reads"]
    row = {"nodes": g.n, "edges": g.m, "best_cut": r.best_cut, "mean_cut": r.mean_cut,
           "reads_reaching_target": int(a.reached.sum()) if r.target_cut is not None else None,
           "energy_to_target_J": a.energy_to_target_J(), "first_law_residual": a.first_law_residual,
           "wall_time_s": a.wall_time_s}
    for k in ("lim_measured_J", "lim_estimate_J", "landauer_J", "static_cim_J", "accelerator_J"):
        if k in run:
            row[f"{k[:-2]}_per_read_J"] = run[k] / a.reads
    from ...sim.lim_books import floor_columns

    fl = a.floor()  # THEORY §8a floor of the mean heat per read, beside the measured heat per read
    row["heat_per_read_J"], row["heat_per_read_sem_J"] = fl["heat_J"], fl["heat_sem_J"]
    row.update(floor_columns(fl))
    return row


#: Inputs of kind "qp" that build the random problem (limbound.specs.RANDOM_QP; its seed is the point's).
_RANDOM_QP_INPUTS = ("n", "kappa", "m_ineq", "m_eq", "box")


def _qp_config(inputs: dict) -> tuple[dict, dict]:
    """``(random_qp options, solve_qp options)`` of a point, each checked by its declaration (limbound.specs.QP,
    RANDOM_QP; unknown names refused)."""
    from ...specs import QP, RANDOM_QP

    x = QP.check_config(inputs, extra=_RANDOM_QP_INPUTS, exclude=("seed", "reference"), where="kind 'qp'")
    gen = RANDOM_QP.check_config({k: x.pop(k) for k in _RANDOM_QP_INPUTS if k in x})
    if "n" not in gen:
        raise ParameterError("kind 'qp' needs input n (number of variables of the random QP)")
    return gen, x


def _check_qp(inputs: dict) -> None:
    # the solver's own checks of combinations (kappa cap, reads x n, annealing update budget, ...)
    from ...solvers.qp import check_random_inputs, check_solve_inputs

    gen, kw = _qp_config(inputs)
    check_random_inputs(**gen)
    check_solve_inputs(gen["n"], **kw)


#: Row columns read from another JSON key: a qp/train row keeps its 0.1 names (``dissipated_J``: the mean heat of a
#: read), which the point files of a sweep begun before 0.2 hold (store._SCHEMAS checks them on resume).
_SOURCE = {"dissipated_J": "heat_J", "dissipated_sem_J": "heat_sem_J"}


def task_qp(inputs: dict, seed: int = 0) -> dict:
    """A random convex QP (limbound.solvers.qp.random_qp, seeded by the point) solved on LIM memories."""
    from ...solvers.qp import random_qp, solve_qp

    gen, kw = _qp_config(inputs)
    problem = random_qp(seed=int(seed), **gen)
    r = solve_qp(problem, seed=int(seed), **kw)
    d = r.as_dict()
    from ...sim.lim_books import floor_columns

    return {**{k: d[_SOURCE.get(k, k)] for k in ("objective", "reference_objective", "rel_gap", "constraint_violation", "dissipated_J",
                                 "dissipated_sem_J", "bound_J", "estimate_J", "measured_over_estimate",
                                 "updates", "predicted_updates", "converged", "time_to_solution_s", "wall_time_s")},
            **floor_columns(d)}


def _train_config(inputs: dict) -> dict:
    """The train_digits options of a point, each checked by its declaration (limbound.specs.TRAIN; unknown names
    refused)."""
    from ...specs import TRAIN

    return TRAIN.check_config(inputs, exclude=("seed",), where="kind 'train'")


def _check_train(inputs: dict) -> None:
    from ...solvers.train import check_train_inputs

    check_train_inputs(**_train_config(inputs))  # the combinations: the work budget (epochs x batches x reads x ...)


def task_train(inputs: dict, seed: int = 0) -> dict:
    """Digits training with weights in LIM memories (limbound.solvers.train.train_digits)."""
    from ...solvers.train import train_digits

    r = train_digits(seed=int(seed), **_train_config(inputs))
    d = r.as_dict()
    from ...sim.lim_books import floor_columns

    return {**{k: d[_SOURCE.get(k, k)] for k in ("test_accuracy", "float_test_accuracy", "train_accuracy", "dissipated_J",
                                 "dissipated_sem_J", "bound_J", "estimate_J", "measured_over_estimate", "updates",
                                 "predicted_updates", "n_params", "time_to_solution_s", "wall_time_s")},
            **floor_columns(d)}


def _defaults(func: Callable) -> dict:
    import inspect

    return {n: p.default for n, p in inspect.signature(func).parameters.items()}


def _cost_anneal(inputs: dict) -> float:
    from ...budget import anneal_seconds
    from ...solvers.ising import anneal

    d = _defaults(anneal)
    return anneal_seconds(_graph_nodes(inputs["graph"]), inputs.get("sweeps", d["sweeps"]),
                          inputs.get("reads", d["reads"]))[0]


def _cost_qp(inputs: dict) -> float:
    from ...budget import qp_seconds, qp_updates

    return qp_seconds(inputs["n"], reads=inputs.get("reads", 4),
                      updates=qp_updates(inputs.get("rule", "gradient"), inputs.get("bits", 16),
                                         inputs.get("kappa", 10.0)))[0]


def _cost_train(inputs: dict) -> float:
    from ...budget import train_seconds
    from ...solvers.train import check_train_inputs

    return train_seconds(check_train_inputs(**_train_config(inputs))["work"])[0]


#: Seconds the sweep's time estimate assumes for one validation group at its defaults (the rates of
#: :mod:`limbound.budget`'s reference machine; ``limbound validate --json`` reports each group's group_seconds).
VALIDATE_GROUP_S = {"kramers": 60.0, "drag": 10.0, "erasure": 60.0, "master": 10.0, "lim": 10.0, "static": 10.0}
#: Bytes of memory per particle or memory of a validation group (state, RNG, books, temporaries: ~16 doubles).
VALIDATE_BYTES_PER_UNIT = 128


def _validate_scale(inputs: dict) -> tuple[float, float]:
    """(work relative to the group's defaults, largest particle/memory count) of a validate point."""
    from ...specs import VALIDATE_CASES

    group, x = _validate_config(inputs)
    d = VALIDATE_CASES[group].defaults()
    ratio, biggest = 1.0, 0.0
    for name in ("n_particles", "n_memories", "n_rate"):
        if name in x:
            ratio *= float(x[name]) / float(d[name])
            biggest = max(biggest, float(x[name]))
    for name in ("dt", "dt_s"):
        if name in x:
            ratio *= float(d[name]) / float(x[name])
    for name in ("taus", "tau"):
        if name in x:
            ratio *= float(np.sum(x[name])) / float(np.sum(d[name]))
    return ratio, biggest


def _cost_validate(inputs: dict) -> float:
    return VALIDATE_GROUP_S[inputs["group"]] * _validate_scale(inputs)[0]
