"""The annealing rule of the QP solver: each variable one b-bit LIM memory, constraints by the augmented Lagrangian.

Each ``x_i`` is one b-bit LIM memory whose ``2**b`` levels span its range, and the linear
constraints are handled by the **augmented Lagrangian** (method of multipliers, Hestenes 1969 / Powell 1969,
in the two-sided form used by OSQP):

    L_rho(x, y) = f(x) + rho/2 || Ax + y/rho - Pi(Ax + y/rho) ||^2 ,   Pi = clip to [l, u]
    grad_x L   = Px + q + rho A' (w - Pi(w)),   w = Ax + y/rho

An *inner* solve drives the memories with the annealing rule on ``grad_x L`` until, at the largest ``lam``
(below), every memory is within ``inner_tol`` levels of its conditional optimum (default 0.5: on the nearest
level), or fewer than 1 % of the memories hop per update over 20 updates, or ``max_inner`` updates; then the
multipliers are updated, ``y <- rho (w - Pi(w))``, and ``rho`` grows by 5x when the constraint residual did not fall by 4x.
The outer loop stops when the residual is below ``max(constraint_tol, delta)`` (a grid point cannot meet a
constraint much better than one level ``delta``) and the next inner solve has nothing left to do; its status is
``solved`` then, ``max_iter`` otherwise.

Schedule: ``lam`` (kT per unit of f) is set so that the typical tilt per
level is ``D``, ``lam = D / (delta * rms(g))`` (``g`` projected on the box),
never decreasing, growing by 2 % per update once the memories are within two
levels of their conditional optima, capped at ``lam_max = 8 D / (delta**2
median(h))`` (conditional spread well below one level).  This rule moves at most one level per update, so its
number of updates grows like ``2**b``.

A solve is :func:`solve_annealing`: set up the per-read state (:class:`_Reads`), then alternate inner updates
(:meth:`_Reads.inner`) and outer multiplier updates (:meth:`_Reads.outer`) per read until every read is done,
then read out (:func:`_read_out`).  Every piece of driver state is per read: reads are independent runs
(THEORY §6; package notes of :mod:`limbound.solvers.qp`); a finished read is frozen.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ...errors import ParameterError
from ...physics.lim import annealing_lam
from ...sim.lim_array import LIMArray
from .admm import residuals, stack_constraints
from .input import box_start, memory_ranges, propagate_bounds
from .problem import QPProblem, objective
from .result import QPResult, accuracy_fields
from .setup import Setup

#: relative tolerance of the status ``solved`` of the annealing rule (primal, dual residual and duality gap)
ANNEAL_EPS = 1e-4
#: an inner solve ends after this many consecutive updates at the largest ``lam`` with < 1 % of memories hopping
QUIET_UPDATES = 20
#: the penalty ``rho`` grows by this factor after an inner solve whose residual did not fall 4-fold (capped at
#: ``1e6 lambda_max(P) / ||A||^2``); at the cap the tilts reach ~1e8 kT per level, which the barrier of
#: :func:`~limbound.sim.lim_engines.anneal_barrier` keeps within the update step (THEORY §6)
RHO_GROWTH = 5.0
#: the penalty's cap as a multiple of its default ``lambda_max(P) / ||A||^2`` (:func:`penalty_range`)
RHO_CAP = 1e6


def penalty_range(p: QPProblem) -> tuple[float, float, float]:
    """``(||A||_2^2, default rho, largest rho)``: the default penalty balances the constraints' curvature with
    the objective's (``rho ||A||^2 = lambda_max(P)``); the driver caps ``rho`` at :data:`RHO_CAP` times that."""
    normA2 = float(np.linalg.norm(p.A, 2)) ** 2 if p.m else 0.0
    return normA2, p.eig_max / max(normA2, 1e-300), RHO_CAP * p.eig_max / max(normA2, 1e-300)


def check_rho(p: QPProblem, rho: float | None) -> None:
    """Refuse (one line, before any work) a given ``rho`` above the driver's cap: the driver would cut it to the cap
    at its first growth, and far above it the penalty terms overflow mid-run (``rho > 0`` is declared in
    :data:`limbound.specs.QP`)."""
    if rho is None or p.m == 0:
        return
    cap = penalty_range(p)[2]
    if not rho <= cap:
        raise ParameterError(f"rho={rho!r} is out of range; allowed: a finite number > 0 and <= {cap:.6g} for this "
                             f"problem ({RHO_CAP:g} lambda_max(P)/||A||^2, the penalty's cap)")


class _Reads:
    """Per-read state of the augmented Lagrangian (multipliers, penalty, ``lam``, counters, stopping decisions)."""

    def __init__(self, p: QPProblem, arr: LIMArray, *, rho: float | None, constraint_tol: float) -> None:
        self.p, self.arr = p, arr
        R, m = arr.R, p.m
        self.normA2, rho_default, self.rho_max = penalty_range(p)
        if rho is None:
            rho = rho_default if m else 0.0
        self.rho_initial = float(rho)
        self.rho_r = np.full(R, float(rho))
        self.Y = np.zeros((R, m))
        self.Pdiag = np.diag(p.P).copy()
        self.A2 = p.A * p.A
        self.upd = np.zeros(R, dtype=np.int64)      # updates of each read
        self.inner_n = np.zeros(R, dtype=np.int64)  # updates of each read's current inner solve
        self.outer_n = np.zeros(R, dtype=np.int64)
        self.done = np.zeros(R, dtype=bool)         # a finished read is frozen: infinite barriers, no heat, no work
        self.conv = np.zeros(R, dtype=bool)
        self.prev_res = np.full(R, math.inf)
        self.lam = np.zeros(R)
        self.quiet = np.zeros(R, dtype=np.int64)
        self.med_delta = float(np.median(arr.delta))
        self.lam_max = 8.0 * arr.D / (self.med_delta ** 2 * max(float(np.median(self.Pdiag)), 1e-300))
        # a grid point cannot meet a constraint better than about one level: the residual target
        self.tol_eff = max(float(constraint_tol), self.med_delta)

    def gradient(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``grad_x L`` and the diagonal of its Hessian (module notes), per read, at the values ``X`` (R, n)."""
        p = self.p
        G = X @ p.P + p.q
        H = np.broadcast_to(self.Pdiag, X.shape)
        if p.m:
            rc = self.rho_r[:, None]
            W = X @ p.A.T + self.Y / rc
            Z = np.clip(W, p.l, p.u)
            G = G + rc * ((W - Z) @ p.A)
            out = (W != Z).astype(float)
            H = H + rc * (out @ self.A2)
        return G, H

    def outer(self, idx: np.ndarray, X: np.ndarray, *, max_updates: int, max_outer: int) -> None:
        """End the inner solves of reads ``idx``: update their multipliers ``y <- rho (w - Pi(w))``, stop the reads
        that converged or ran out, grow ``rho`` by :data:`RHO_GROWTH` where the residual did not fall 4-fold."""
        p = self.p
        self.outer_n[idx] += 1
        if p.m == 0:
            self.conv[idx] = self.upd[idx] < max_updates
            self.done[idx] = True
        else:
            AX = X[idx] @ p.A.T
            W = AX + self.Y[idx] / self.rho_r[idx, None]
            self.Y[idx] = self.rho_r[idx, None] * (W - np.clip(W, p.l, p.u))
            res = np.max(np.abs(AX - np.clip(AX, p.l, p.u)), axis=1)
            ok = (res <= self.tol_eff) & (self.inner_n[idx] <= 2)
            self.conv[idx[ok]] = True
            stop_r = ok | (self.upd[idx] >= max_updates) | (self.outer_n[idx] >= max_outer)
            self.done[idx[stop_r]] = True
            grow = ~stop_r & (res > 0.25 * self.prev_res[idx]) & (res > self.tol_eff)
            self.rho_r[idx[grow]] = np.minimum(self.rho_r[idx[grow]] * RHO_GROWTH, self.rho_max)  # multipliers kept
            self.prev_res[idx] = res
        self.inner_n[idx] = 0
        self.quiet[idx] = 0

    def inner(self, G: np.ndarray, H: np.ndarray, dist: np.ndarray, push_out: np.ndarray, act: np.ndarray) -> None:
        """One annealing-rule update of the active reads (package notes: ``lam`` schedule, damped attempts)."""
        p, arr = self.p, self.arr
        Gp = np.where(push_out, 0.0, G)
        with np.errstate(divide="ignore"):
            target = annealing_lam(Gp, arr.D, self.med_delta, fallback=self.lam_max)
        near = dist.mean(axis=1) <= 2.0  # levels
        lam = np.minimum(np.maximum(self.lam * np.where(near, 1.02, 1.0), target), self.lam_max)
        self.lam = np.where(act, lam, self.lam)
        # damp synchronous moves near the bottom (coupled memories would overshoot together, as
        # Jacobi iterations do); far from it every memory attempts one hop per update
        L_r = (p.eig_max + self.rho_r * self.normA2)[:, None]
        att = np.where(dist > 2.0, 1.0, np.clip(H / L_r, 1e-6, 1.0))
        st = arr.anneal_step(G, H, self.lam, attempt=att, active=act)
        hops = st["hops_per_read"]
        self.quiet = np.where(act & (self.lam >= self.lam_max) & (hops < 0.01 * p.n), self.quiet + 1, 0)
        self.inner_n[act] += 1
        self.upd[act] += 1


def _drive(run: _Reads, *, max_updates: int, max_inner: int, max_outer: int, inner_tol: float) -> None:
    """Inner updates and outer multiplier updates, per read, until every read is done (module notes)."""
    arr = run.arr
    while not np.all(run.done):
        act = ~run.done
        X = arr.values
        G, H = run.gradient(X)
        Xl = arr.levels_RN
        push_out = ((Xl == arr.top) & (G < 0)) | ((Xl == 0) & (G > 0))
        # projected distance (levels) of each coordinate to its conditional optimum, g_i / (h_i delta_i)
        dist = np.where(push_out, 0.0, np.abs(G) / (np.maximum(H, 1e-300) * arr.delta))
        settled = (run.lam >= run.lam_max) & (np.max(dist, axis=1) <= inner_tol)  # the inner solve's tolerance
        end = act & (settled | (run.quiet >= QUIET_UPDATES) | (run.inner_n >= max_inner) | (run.upd >= max_updates))
        if np.any(end):
            run.outer(np.flatnonzero(end), X, max_updates=max_updates, max_outer=max_outer)
            continue  # the gradients of the reads that changed rho or y are stale: recompute
        run.inner(G, H, dist, push_out, act)


def _status(run: _Reads, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Honest status, as for the gradient rule (:func:`~limbound.solvers.qp.admm.residuals`): the AL multipliers
    for the rows; for a memory within a level of a finite bound, the multiplier that cancels its gradient if it
    points outwards.  Returns ``(status, ok per read, (prim, dual, gap) per read)``."""
    p, arr = run.p, run.arr
    Cb, lb_c, ub_c = stack_constraints(p, p.lb, p.ub)
    bounded = np.flatnonzero(np.isfinite(p.lb) | np.isfinite(p.ub))
    G = X @ p.P + p.q + run.Y @ p.A
    Xb, Gb = X[:, bounded], G[:, bounded]
    dl = arr.delta[bounded]
    at_lo = (Xb <= p.lb[bounded] + dl) & (Gb > 0)
    at_hi = (Xb >= p.ub[bounded] - dl) & (Gb < 0)
    Yfull = np.concatenate([run.Y, np.where(at_lo | at_hi, -Gb, 0.0)], axis=1)
    res = residuals(p.P, p.q, p.r, Cb, lb_c, ub_c, X, Yfull)
    ok = run.conv & (res[0] <= ANNEAL_EPS) & (res[1] <= ANNEAL_EPS) & (res[2] <= ANNEAL_EPS)
    status = "solved" if np.all(ok) else ("inaccurate" if np.all(run.conv) else "max_iter")
    return status, ok, res


def solve_annealing(s: Setup, *, max_updates: int | None, inner_tol: float, max_inner: int | None, max_outer: int,
                    constraint_tol: float, rho: float | None) -> QPResult:
    """The annealing rule (module notes): setup, inner/outer loop, read-out.

    ``max_updates`` default ``4 * 2**b + 2000`` (at most one level per update); ``max_inner`` default
    ``max_updates``; ``rho`` default ``lambda_max(P) / ||A||^2``; ``inner_tol`` (levels) ends an inner solve.
    """
    p = s.p
    if max_updates is None:
        max_updates = int(4 * 2**s.bits + 2000)
    if max_inner is None:
        max_inner = max_updates
    # ---- the memories' finite ranges (bounds, propagated bounds, else a box: docs/theory.md), uniformly random levels
    plb, pub, _ = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    lo, hi, _, _ = memory_ranges(plb, pub, box_start(p.l, p.u, plb, pub))
    arr = LIMArray(lo, hi, bits=s.bits, reads=s.reads, dt_s=s.dt_s, f0_hz=s.f0_hz, temperature_K=s.temperature_K, seed=s.seed)
    if s.x_ref is not None and np.all(np.isfinite(s.x_ref)):  # THEORY §8a floor: transport towards a point fixed in advance
        arr.set_transport_center(s.x_ref, label="the OSQP reference solution, computed before the run")
    run = _Reads(p, arr, rho=rho, constraint_tol=constraint_tol)
    _drive(run, max_updates=max_updates, max_inner=max_inner, max_outer=max_outer, inner_tol=inner_tol)
    wall = time.perf_counter() - s.t0
    return _read_out(s, run, wall, inputs={**s.inputs("anneal"), "max_updates": max_updates, "inner_tol": inner_tol,
                                           "max_inner": max_inner, "max_outer": max_outer,
                                           "constraint_tol": constraint_tol, "rho_initial": run.rho_initial,
                                           "C": s.C})


def _read_out(s: Setup, run: _Reads, wall: float, *, inputs: dict) -> QPResult:
    """Read the memories back and close the books (mean over reads; the best read is the answer)."""
    p, arr = s.p, run.arr
    X = arr.values
    f_reads = objective(p, X)
    books = arr.books()
    best = int(np.argmin(f_reads))
    upd_mean = float(np.mean(run.upd))
    status, ok, (prim_r, dual_r, gap_r) = _status(run, X)
    bd = arr.books_dict(books, rule="anneal", engine=s.engine, n_predicted=s.n_pred,
                        rho_final_per_read=run.rho_r.tolist(), updates_per_read=run.upd.tolist(),
                        outer_iterations_per_read=run.outer_n.tolist(), converged_per_read=run.conv.tolist(),
                        memory_reads_per_run=upd_mean * p.n,
                        status_per_read=np.where(ok, "solved", np.where(run.conv, "inaccurate", "max_iter")).tolist())
    return QPResult(
        **accuracy_fields(p, X, f_reads, s.f_ref, best), reference_status=s.ref_status,
        heat_J=books.heat_J, heat_sem_J=books.heat_sem_J, bound_J=books.bound_J,
        estimate_J=s.est, memory_wall_J=float(s.read_energy_J) * upd_mean * p.n,
        updates=int(np.max(run.upd)), predicted_updates=s.n_pred, convergence_class=s.klass, kappa=s.kappa,
        outer_iterations=int(np.max(run.outer_n)), converged=status == "solved", time_to_solution_s=upd_mean * s.dt_s,
        status=status, primal_residual=float(np.max(prim_r)), dual_residual=float(np.max(dual_r)),
        duality_gap=float(np.max(gap_r)), tolerance=ANNEAL_EPS, wall_time_s=wall, books=bd, inputs=inputs,
    )
