"""The gradient rule of the QP solver: a digital driver whose iterate LIM memories hold, in the adaptive box.

Each iteration the driver (``method``: :data:`DRIVERS`, Mehrotra's interior-point method of
:mod:`~limbound.solvers.qp.ipm` by default, or OSQP's ADMM of :mod:`~limbound.solvers.qp.admm`) computes a target
and the memories, ``banks`` per variable (:mod:`~limbound.solvers.qp.banks`), walk there under the gradient rule
(THEORY §6); the status is judged on the values they hold (package notes of :mod:`limbound.solvers.qp`).

Box stages (docs/theory.md §6a): memory ranges from the bounds and the propagated bounds, cut to a box of
half-width ``s`` (:func:`~limbound.solvers.qp.input.box_start`) that is a constraint of the stage; a stage
whose answer lies within ``1e-3 s`` of an artificial face is solved again from fresh random levels with ``s``
grown by ``BOX_GROWTH`` (every stage's heat and floor booked); a growth beyond ``BOX_MAX`` times the start is
not made and the status is ``unbounded``.
"""
from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np

from ...constants import kT
from ...physics.floors import jump_floor_J
from ...sim.lim_array import LIMArray
from ...sim.lim_books import heat_entries
from ...sim.lim_floor import floor_summary
from ...stats import final_entropy_upper, mean_se
from . import admm, ipm
from .banks import FACE_MARGIN, Banks
from .input import BOX_GROWTH, BOX_MAX, box_start, memory_ranges, propagate_bounds
from .problem import objective
from .result import QPResult, accuracy_fields
from .setup import Setup

#: the order in which one read's status overrides the others' in the result (the worst read speaks)
_STATUS_ORDER = ("infeasible", "unbounded", "time_limit", "max_iter", "inaccurate", "solved")

#: gradient-rule drivers: name -> (module, default iterations per read)
DRIVERS = {"ipm": (ipm, 200), "admm": (admm, 4000)}


def _bank0_floor(arr: LIMArray, n: int, temperature_K: float) -> float:
    """Second-law floor of a banked run (THEORY §6), J: ``kT sum_i (b ln 2 - H_i(tau))`` over the variables' bank-0
    memories (upper entropy estimate, :func:`~limbound.stats.final_entropy_upper`).  The finer banks'
    final entropies are bounded by their maximum ``b ln 2``, equal to their initial entropy: they add nothing
    (conservative, and free of the few-reads bias of estimating nearly uniform final distributions)."""
    lv = arr.levels_RN[:, :n]
    h_up = final_entropy_upper(lv, arr.M)[1]
    # the entropy term of the THEORY §8a floor; the transport (speed) term is booked over all stages by floor_summary
    return jump_floor_J(entropy_drop_nats=n * arr.bits * math.log(2.0) - h_up, w1=0.0, activity=0.0, temperature_K=temperature_K)


class _Stage(NamedTuple):
    """One box stage: its booked summary and what the read-out of the last stage needs."""

    summary: dict
    on_face: bool
    arr: LIMArray
    books: object
    out: dict
    X: np.ndarray


def _stage(s: Setup, plb: np.ndarray, pub: np.ndarray, half: float, k: int, *, method: str, eps: float,
           max_iter: int, deadline: float, banks: int) -> _Stage:
    """Solve the ``k``-th box stage (half-width ``half``) from fresh uniformly random levels."""
    p = s.p
    lo, hi, art_lo, art_hi = memory_ranges(plb, pub, half)
    # the box is a constraint of this stage (its faces are rows of the driver like the true bounds); if the
    # answer touches an artificial face, the box may bind: grow it and solve again
    bl = np.where(art_lo, lo, plb)
    bu = np.where(art_hi, hi, pub)
    # the memories reach a margin beyond every face: the driver's iterate is infeasible on its way and the
    # memories must be able to hold it (clipped, an iteration can stall at a wrong fixed point); the bounds
    # are met to the driver's tolerance at the end
    mu = np.maximum(FACE_MARGIN * (hi - lo), 1e-4 * (1.0 + np.abs(lo) + np.abs(hi)))
    bk = Banks(lo - mu, hi + mu, banks, 2**s.bits - 1)
    arr = LIMArray(bk.lo, bk.hi, bits=s.bits, reads=s.reads, dt_s=s.dt_s, f0_hz=s.f0_hz, temperature_K=s.temperature_K,
                   seed=s.seed + 7919 * k)
    if s.x_ref is not None and np.all(np.isfinite(s.x_ref)):  # THEORY §8a speed term: transport towards a point
        # fixed before the run, bank 0 towards the reference solution, the finer banks towards their centre 0
        arr.set_transport_center(np.concatenate([s.x_ref] + [np.zeros(p.n)] * (bk.K - 1)),
                                 label="the OSQP reference solution (bank 0; finer banks: 0), computed before the run")
    out = DRIVERS[method][0].drive(p, arr, bk, bounds=(bl, bu), eps=eps, max_iter=max_iter, deadline=deadline)
    books = arr.books()
    X = bk.values(arr)
    summary = {"box_half_width": float(half), "books": books, "updates": int(out["updates"]),
               "status": out["status"].tolist(), "floor_J": _bank0_floor(arr, p.n, s.temperature_K),
               "speed_J": books.speed_lower_kT * kT(s.temperature_K)}
    near = 1e-3 * half
    on_face = bool(np.any((art_lo & (X <= bl + near)) | (art_hi & (X >= bu - near))))
    return _Stage(summary, on_face, arr, books, out, X)


def _run_stages(s: Setup, *, deadline: float, **options: object) -> tuple[list[dict], _Stage, np.ndarray]:
    """Box stages until the answer is off the artificial faces (or the box may not grow): ``(stages, last, status)``
    with the per-read status of the last stage (``infeasible`` for all when bound propagation proved it)."""
    p = s.p
    plb, pub, proven_infeasible = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    half = half0 = box_start(p.l, p.u, plb, pub)
    stages = []
    while True:
        last = _stage(s, plb, pub, half, len(stages), deadline=deadline, **options)
        stages.append(last.summary)
        status_r = last.out["status"]
        if last.on_face and not np.any(status_r == "time_limit"):
            if half * BOX_GROWTH > BOX_MAX * half0:
                status_r = np.array(["unbounded"] * s.reads, dtype=object)
            elif time.perf_counter() > deadline:
                status_r = np.array(["time_limit"] * s.reads, dtype=object)
            else:
                half *= BOX_GROWTH
                continue
        break
    if proven_infeasible:  # bound propagation found implied bounds that cross
        status_r = np.array(["infeasible"] * s.reads, dtype=object)
    return stages, last, status_r


def solve_gradient(s: Setup, *, method: str, eps: float, max_iter: int, time_limit_s: float, banks: int) -> QPResult:
    """The gradient rule (module notes); options checked at :func:`~limbound.solvers.qp.solve.solve_qp`'s entry
    (:data:`limbound.specs.QP`)."""
    p = s.p
    stages, last, status_r = _run_stages(s, deadline=s.t0 + float(time_limit_s), method=method, eps=eps,
                                         max_iter=max_iter, banks=banks)
    wall = time.perf_counter() - s.t0
    status = next(s_ for s_ in _STATUS_ORDER if np.any(status_r == s_))
    X, out = last.X, last.out
    f_reads = objective(p, X)
    best = int(np.argmin(np.where(status_r == "solved", f_reads, np.inf))) if np.any(status_r == "solved") else 0
    heat = sum(st["books"].heat_per_read_J for st in stages)
    diss, sem = mean_se(heat)
    floor = float(sum(st["floor_J"] for st in stages))
    upd = sum(st["updates"] for st in stages)
    bd = _books(s, stages, last, status_r, diss=diss, sem=sem, floor=floor, upd=upd, banks=banks)
    return QPResult(
        **accuracy_fields(p, X, f_reads, s.f_ref, best), reference_status=s.ref_status,
        heat_J=diss, heat_sem_J=sem, bound_J=floor, estimate_J=s.est,
        memory_wall_J=float(s.read_energy_J) * upd * p.n * banks,
        updates=int(upd), predicted_updates=s.n_pred, convergence_class=s.klass, kappa=s.kappa,
        outer_iterations=int(np.max(out["iters"])), converged=status == "solved", time_to_solution_s=upd * s.dt_s,
        wall_time_s=wall, books=bd, status=status,
        primal_residual=float(np.max(out["prim"])), dual_residual=float(np.max(out["dual"])),
        duality_gap=float(np.max(out["gap"])), tolerance=float(eps),
        inputs={**s.inputs("gradient"), "eps": eps, "max_iter": max_iter, "time_limit_s": time_limit_s,
                "banks": banks, "method": method, "C": s.C},
    )


def _books(s: Setup, stages: list[dict], last: _Stage, status_r: np.ndarray, *, diss: float, sem: float,
           floor: float, upd: int, banks: int) -> dict:
    """The energy books of a gradient-rule run over all its box stages (each a run from fresh random levels: heats
    and floors add), with the driver's per-read record and the walk per variable (THEORY §6, §8a)."""
    p, arr, books, out = s.p, last.arr, last.books, last.out
    bd = arr.books_dict(books, rule="gradient", engine=s.engine, n_predicted=s.n_pred,
                        admm_iterations_per_read=out["iters"].tolist(), status_per_read=status_r.tolist(),
                        rho_final_per_read=out["rho"].tolist(), polished_per_read=out["polished"].tolist(),
                        memories_per_variable=banks, memory_reads_per_run=upd * p.n * banks,
                        box_stages=[{"box_half_width": st["box_half_width"], "updates": st["updates"],
                                     "heat_J": float(np.mean(st["books"].heat_per_read_J)),
                                     "floor_J": st["floor_J"], "status_per_read": st["status"]}
                                    for st in stages],
                        primal_residual_per_read=out["prim"].tolist(), dual_residual_per_read=out["dual"].tolist(),
                        duality_gap_per_read=out["gap"].tolist(), updates_per_read=[upd] * s.reads)
    bd.update(**heat_entries(diss, sem), bound_J=floor)
    # THEORY §8a floor over all stages (each a run from fresh random levels: heats and floors add)
    k = kT(s.temperature_K)
    bd.update(floor_summary(entropy_J=floor, speed_J=float(sum(st["speed_J"] for st in stages)),
                            speed_estimate_J=float(sum(st["books"].speed_estimate_kT for st in stages)) * k,
                            speed_se_J=math.sqrt(sum(st["books"].speed_se_kT ** 2 for st in stages)) * k,
                            mean_J=diss, sem_J=sem, center=books.transport_center,
                            conditional_J=None if any(st["books"].conditional_kT is None for st in stages)
                            else float(sum(st["books"].conditional_kT for st in stages)) * k))
    # per variable (the estimate counts one memory per variable), all stages' heat
    bd["walk"] = books.walk_breakdown(p.n, arr.D, s.n_pred)
    along = diss / k / (arr.D * p.n)
    bd["walk"].update(levels_along_tilt_per_param=along,
                      levels_excess_per_param=along - bd["walk"]["levels_net_per_param"])
    return bd
