"""The QP front door :func:`solve_qp`: checks, the reference, the prediction, then the gradient rule (a driver of
:mod:`~limbound.solvers.qp.ipm` / :mod:`~limbound.solvers.qp.admm` in precision banks and the adaptive box) or the
annealing rule (augmented Lagrangian); package notes of :mod:`limbound.solvers.qp` (THEORY §2b, §3, §6).
"""
from __future__ import annotations

import math
import time

import numpy as np

from ...constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ...errors import ParameterError, check_bits, check_integer, check_positive, check_seed
from ...physics.lim import lim_tilt_kT
from ..lim_memory import (LIMArray, check_array_size, check_rule, estimate_J, final_entropy_upper, floor_summary,
                          predicted_updates)
from . import admm, ipm
from .input import BOX_GROWTH, BOX_MAX, box_start, memory_ranges, propagate_bounds
from .problem import QPProblem, constraint_violation, objective, validate_qp
from .reference import OSQP_ACCEPTED, checked_reference, osqp_reference
from .result import QPResult, _rel_gap

#: largest update cap of the annealing rule (``4 * 2**b + 2000`` unless ``max_updates`` is given): it moves at
#: most one level per update, so its updates grow like ``2**b``; at ~0.3 ms per update (n = 5, 4 reads, one
#: core) this cap, b <= 18, is ~5 minutes per run.  b = 24 would need 6.7e7 updates (hours).
MAX_ANNEAL_UPDATES = 4 * 2**18 + 2000


def check_solve_inputs(n=None, *, bits=16, rule="gradient", reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ, T_K=T_DEFAULT_K,
                       seed=0, reference="osqp", read_energy_J=0.0, inner_tol=0.5, constraint_tol=1e-4,
                       max_updates=None, **_other) -> tuple:
    """The checks of :func:`solve_qp` that need no problem (only its size ``n``, if known), before any work.

    Used by :func:`solve_qp`, the ``qp`` CLI (before it builds a random problem) and the sweep kind ``qp``
    (before any cluster starts), so that all three refuse the same inputs with the same one-line
    :class:`ParameterError`.  ``reads x n`` is capped (:func:`~limbound.solvers.lim_memory.check_array_size`);
    the annealing rule's update cap is capped (:data:`MAX_ANNEAL_UPDATES`).  Other :func:`solve_qp` options
    (``_other``) are accepted and left to :func:`solve_qp`.  Returns ``(bits, seed)`` resolved.
    """
    bits = check_bits(bits)
    if not 2 <= bits <= 24:
        raise ParameterError(f"bits={bits} is out of range; allowed: 2..24 for the QP solver")
    check_rule(rule)
    check_integer("reads", reads, minimum=2, why="entropy over reads")
    if reference not in ("osqp", None):
        raise ParameterError(f"reference={reference!r} is unknown; allowed: 'osqp' or None")
    seed = check_seed(seed)
    for name, v in (("dt_s", dt_s), ("f0_hz", f0_hz), ("T_K", T_K), ("inner_tol", inner_tol),
                    ("constraint_tol", constraint_tol)):
        check_positive(name, v)
    check_positive("read_energy_J", read_energy_J, allow_zero=True)
    if max_updates is not None:
        check_integer("max_updates", max_updates, minimum=1)
    if rule == "anneal":
        cap = int(4 * 2**bits + 2000) if max_updates is None else int(max_updates)
        if cap > MAX_ANNEAL_UPDATES:
            raise ParameterError(f"rule='anneal' at bits={bits} may need {cap} updates (one level per update, "
                                 f"4 * 2**bits + 2000); allowed: <= {MAX_ANNEAL_UPDATES} (bits <= 18, or a smaller "
                                 f"max_updates): use rule 'gradient' (--rule gradient) or fewer bits")
    if n is not None:
        check_array_size(reads, n)
    return bits, seed


#: the order in which one read's status overrides the others' in the result (the worst read speaks)
_STATUS_ORDER = ("infeasible", "unbounded", "time_limit", "max_iter", "inaccurate", "solved")


def _bank0_floor(arr, n, T_K) -> float:
    """Second-law floor of a banked run (THEORY §6), J: ``kT sum_i (b ln 2 - H_i(tau))`` over the variables' bank-0
    memories (upper entropy estimate, :func:`~limbound.solvers.lim_memory.final_entropy_upper`).  The finer banks'
    final entropies are bounded by their maximum ``b ln 2``, equal to their initial entropy: they add nothing
    (conservative, and free of the few-reads bias of estimating nearly uniform final distributions)."""
    lv = arr.levels_RN[:, :n]
    h_up = final_entropy_upper(lv, arr.M)[1]
    return float(kT(T_K) * (n * arr.bits * math.log(2.0) - h_up))


#: gradient-rule drivers: name -> (module, default iterations per read)
DRIVERS = {"ipm": (ipm, 200), "admm": (admm, 4000)}


def _solve_admm(p, *, bits, reads, dt_s, f0_hz, T_K, seed, engine, method, eps, max_iter, time_limit_s, banks, f_ref,
                ref_status, est, n_pred, klass, kappa, t0, read_energy_J, reference, C, x_ref=None) -> QPResult:
    """The gradient rule: a driver (``method``: :data:`DRIVERS`) whose iterate LIM memories hold, in the adaptive box.

    Box stages (docs/theory.md §6a): memory ranges from the bounds and the propagated bounds, cut to a box of
    half-width ``s`` (:func:`~limbound.solvers.qp.input.box_start`) that is a constraint of the stage; a stage
    whose answer lies within ``1e-3 s`` of an artificial face is solved again from fresh random levels with ``s``
    grown by ``BOX_GROWTH`` (every stage's heat and floor booked); a growth beyond ``BOX_MAX`` times the start is
    not made and the status is ``unbounded``.
    """
    deadline = t0 + float(time_limit_s)
    plb, pub, proven_infeasible = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    half = half0 = box_start(p.l, p.u, plb, pub)
    top = 2**bits - 1
    stages = []
    while True:
        lo, hi, art_lo, art_hi = memory_ranges(plb, pub, half)
        # the box is a constraint of this stage (its faces are rows of the driver like the true bounds); if the
        # answer touches an artificial face, the box may bind: grow it and solve again
        bl = np.where(art_lo, lo, plb)
        bu = np.where(art_hi, hi, pub)
        # the memories reach a margin beyond every face: the driver's iterate is infeasible on its way and the
        # memories must be able to hold it (clipped, an iteration can stall at a wrong fixed point); the bounds
        # are met to the driver's tolerance at the end
        mu = np.maximum(admm.FACE_MARGIN * (hi - lo), 1e-4 * (1.0 + np.abs(lo) + np.abs(hi)))
        bk = admm.Banks(lo - mu, hi + mu, banks, top)
        arr = LIMArray(bk.lo, bk.hi, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K,
                       seed=seed + 7919 * len(stages))
        if x_ref is not None and np.all(np.isfinite(x_ref)):  # THEORY §8a speed term: transport towards a point
            # fixed before the run, bank 0 towards the reference solution, the finer banks towards their centre 0
            arr.set_transport_center(np.concatenate([x_ref] + [np.zeros(p.n)] * (bk.K - 1)),
                                     label="the OSQP reference solution (bank 0; finer banks: 0), computed before the run")
        out = DRIVERS[method][0].drive(p, arr, bk, bounds=(bl, bu), eps=eps, max_iter=max_iter, deadline=deadline)
        books = arr.books()
        X = bk.values(arr)
        stages.append({"box_half_width": float(half), "books": books, "updates": int(out["updates"]),
                       "status": out["status"].tolist(), "floor_J": _bank0_floor(arr, p.n, T_K),
                       "speed_J": books.speed_lower_kT * kT(T_K)})
        status_r = out["status"]
        near = 1e-3 * half
        on_face = bool(np.any((art_lo & (X <= bl + near)) | (art_hi & (X >= bu - near))))
        if on_face and not np.any(status_r == "time_limit"):
            if half * BOX_GROWTH > BOX_MAX * half0:
                status_r = np.array(["unbounded"] * reads, dtype=object)
            elif time.perf_counter() > deadline:
                status_r = np.array(["time_limit"] * reads, dtype=object)
            else:
                half *= BOX_GROWTH
                continue
        break
    if proven_infeasible:  # bound propagation found implied bounds that cross
        status_r = np.array(["infeasible"] * reads, dtype=object)
    wall = time.perf_counter() - t0
    status = next(s_ for s_ in _STATUS_ORDER if np.any(status_r == s_))
    f_reads = objective(p, X)
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(reads, math.nan)
    viol = float(np.max(constraint_violation(p, X)))
    best = int(np.argmin(np.where(status_r == "solved", f_reads, np.inf))) if np.any(status_r == "solved") else 0
    heat = sum(st["books"].heat_per_read_J for st in stages)
    diss = float(np.mean(heat))
    sem = float(np.std(heat, ddof=1) / math.sqrt(reads))
    floor = float(sum(st["floor_J"] for st in stages))
    upd = sum(st["updates"] for st in stages)
    bd = arr.books_dict(books, rule="gradient", engine=engine, n_predicted=n_pred,
                        admm_iterations_per_read=out["iters"].tolist(), status_per_read=status_r.tolist(),
                        rho_final_per_read=out["rho"].tolist(), polished_per_read=out["polished"].tolist(),
                        memories_per_variable=banks, memory_reads_per_run=upd * p.n * banks,
                        box_stages=[{"box_half_width": st["box_half_width"], "updates": st["updates"],
                                     "heat_J": float(np.mean(st["books"].heat_per_read_J)),
                                     "floor_J": st["floor_J"], "status_per_read": st["status"]}
                                    for st in stages],
                        primal_residual_per_read=out["prim"].tolist(), dual_residual_per_read=out["dual"].tolist(),
                        duality_gap_per_read=out["gap"].tolist(), updates_per_read=[upd] * reads)
    bd.update(dissipated_J=diss, dissipated_sem_J=sem, bound_J=floor)
    # THEORY §8a floor over all stages (each a run from fresh random levels: heats and floors add)
    k = kT(T_K)
    bd.update(floor_summary(entropy_J=floor, speed_J=float(sum(st["speed_J"] for st in stages)),
                            speed_estimate_J=float(sum(st["books"].speed_estimate_kT for st in stages)) * k,
                            speed_se_J=math.sqrt(sum(st["books"].speed_se_kT ** 2 for st in stages)) * k,
                            mean_J=diss, sem_J=sem, center=books.transport_center,
                            conditional_J=None if any(st["books"].conditional_kT is None for st in stages)
                            else float(sum(st["books"].conditional_kT for st in stages)) * k))
    # per variable (the estimate counts one memory per variable), all stages' heat
    bd["walk"] = books.walk_breakdown(p.n, arr.D, n_pred)
    along = diss / kT(T_K) / (arr.D * p.n)
    bd["walk"].update(levels_along_tilt_per_param=along,
                      levels_excess_per_param=along - bd["walk"]["levels_net_per_param"])
    return QPResult(
        x=X[best], objective=float(np.mean(f_reads)), objective_per_read=f_reads,
        reference_objective=f_ref, reference_status=ref_status,
        rel_gap=float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
        rel_gap_worst_read=float(np.max(gaps)), constraint_violation=viol,
        dissipated_J=diss, dissipated_sem_J=sem, bound_J=floor, estimate_J=est,
        memory_wall_J=float(read_energy_J) * upd * p.n * banks,
        updates=int(upd), predicted_updates=n_pred, convergence_class=klass, kappa=kappa,
        outer_iterations=int(np.max(out["iters"])), converged=status == "solved", time_to_solution_s=upd * dt_s,
        wall_time_s=wall, books=bd, status=status,
        primal_residual=float(np.max(out["prim"])), dual_residual=float(np.max(out["dual"])),
        duality_gap=float(np.max(out["gap"])), tolerance=float(eps),
        inputs={"n": p.n, "m": p.m, "bits": bits, "rule": "gradient", "reads": reads, "dt_s": dt_s, "f0_hz": f0_hz,
                "T_K": T_K, "seed": seed, "engine": engine, "source": p.source, "sha256": p.sha256,
                "read_energy_J": read_energy_J, "reference": reference, "eps": eps, "max_iter": max_iter,
                "time_limit_s": time_limit_s, "banks": banks, "method": method, "C": C},
    )


def solve_qp(problem: QPProblem, *, bits=16, rule="gradient", reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ,
             T_K=T_DEFAULT_K, seed=0, engine="poisson", max_updates=None, inner_tol=0.5, max_inner=None,
             max_outer=60, constraint_tol=1e-4, rho=None, reference="osqp", read_energy_J=0.0, C=1.0, eps=1e-4,
             max_iter=None, time_limit_s=60.0, banks=4, method="ipm") -> QPResult:
    """Solve a convex QP on LIM memories and keep the energy books (THEORY §6).

    Parameters
    ----------
    problem : QPProblem (see :func:`validate_qp`, :func:`load_qp`, :func:`random_qp`), or a dict of
        numpy arrays with keys P, q, lb, ub (and optionally A, l, u), validated here
    bits : bits per memory (2..24)
    rule : ``"gradient"`` (default) or ``"anneal"`` (THEORY §6)
    reads : independent runs from independent uniformly random levels (>= 2 for the entropy estimate); each
        read stops on its own (see module notes)
    dt_s : update time (s); f0_hz, T_K : attempt frequency and temperature
    seed : seeds everything random
    engine : ``"poisson"`` or ``"sync"`` for the gradient rule (the annealing rule always uses sync)
    max_updates : cap on LIM updates of each read (default: ``20 * predicted + 2000`` plus twice the updates a walk
        across the range needs at the speed limit for the gradient rule,
        ``4 * 2**b + 2000`` for the annealing rule, which moves at most one level per update; an annealing cap
        above :data:`MAX_ANNEAL_UPDATES` is refused, see :func:`check_solve_inputs`)
    inner_tol : a read's inner solve stops when its mean distance to the conditional optima is <= this many
        levels and the largest is <= 4 times that
    max_outer, constraint_tol, rho : augmented-Lagrangian controls (``rho`` default ``lambda_max(P)/||A||^2``)
    reference : ``"osqp"`` or ``None``; with ``"osqp"`` the reference is solved first and a problem it does
        not solve (status other than solved / solved inaccurate: infeasible, iteration limit, ...) is refused
        before the LIM solve; with ``None`` infeasible linear constraints are not detected
    read_energy_J : energy per memory read (memory wall; 0 in the ideal LIM model)
    C : constant of the sublinear class when ``P`` is singular (THEORY §3)
    method : gradient-rule driver whose iterate the memories hold: ``"ipm"`` (default, interior point,
        :mod:`limbound.solvers.qp.ipm`) or ``"admm"`` (OSQP's ADMM, :mod:`limbound.solvers.qp.admm`)
    eps, max_iter, time_limit_s, banks : gradient rule:
        tolerance of the status ``solved`` (primal, dual residual and duality gap, relative), iterations per read
        (default 200 for ipm, 4000 for admm),
        the run's wall-clock budget (status ``time_limit`` when it runs out) and memories per variable
        (precision banks).  ``max_updates``, ``inner_tol``, ``max_inner``, ``max_outer``, ``constraint_tol`` and
        ``rho`` steer the annealing rule only.
    """
    if isinstance(problem, dict):
        unknown = sorted(set(problem) - {"P", "q", "A", "l", "u", "lb", "ub"})
        if unknown:
            raise ParameterError(f"problem has unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub")
        problem = validate_qp(**problem)
    if not isinstance(problem, QPProblem):
        raise ParameterError(f"problem is a {type(problem).__name__}; allowed: a QPProblem (validate_qp/load_qp/random_qp) or a dict of arrays")
    p = problem
    n, m = p.n, p.m
    bits, seed = check_solve_inputs(n, bits=bits, rule=rule, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed,
                                    reference=reference, read_energy_J=read_energy_J, inner_tol=inner_tol,
                                    constraint_tol=constraint_tol, max_updates=max_updates)
    # ---- the reference first (recorded, not trusted: a problem OSQP does not solve is still solved here; an
    # error OSQP raises at setup, e.g. P non-convex at its precision, is refused)
    f_ref, status, x_ref = math.nan, "not computed", None
    if reference == "osqp":
        x_ref, f_ref, status = osqp_reference(p)
        if status.startswith("error"):
            checked_reference(p)
        if status not in OSQP_ACCEPTED:
            f_ref, x_ref = math.nan, None
    t0 = time.perf_counter()
    # ---- the prediction, before the run (THEORY §3)
    kappa = p.kappa
    if math.isfinite(kappa):
        klass, n_pred = "linear", predicted_updates("linear", bits, kappa=max(kappa, 1.0))
    else:
        klass, n_pred = "sublinear", predicted_updates("sublinear", bits, C=C)
    est = estimate_J(bits, dt_s, n, n_pred, T_K=T_K, f0_hz=f0_hz)
    if max_updates is None:
        # room for the prediction, and for the walk across the range when updates are asked faster than
        # the memories can deliver (at most 2 f0 dt sinh(D/2) levels per update, THEORY §2b)
        v_max = 2.0 * f0_hz * dt_s * math.sinh(0.5 * float(lim_tilt_kT(bits, dt_s, f0_hz)))
        walk = 2.0 * 2**bits / min(max(v_max, 1e-12), 2.0**bits)
        max_updates = int(20 * n_pred + 2000 + walk) if rule == "gradient" else int(4 * 2**bits + 2000)
    if rule == "gradient":
        if method not in DRIVERS:
            raise ParameterError(f"method={method!r} is unknown; allowed: {', '.join(DRIVERS)}")
        if max_iter is None:
            max_iter = DRIVERS[method][1]
        max_iter = check_integer("max_iter", max_iter, minimum=1)
        check_positive("time_limit_s", time_limit_s)
        check_positive("eps", eps)
        banks = check_integer("banks", banks, minimum=1, maximum=4)
        return _solve_admm(p, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed, engine=engine,
                           method=method, eps=eps, max_iter=max_iter, time_limit_s=time_limit_s, banks=banks, f_ref=f_ref,
                           ref_status=status, est=est, n_pred=n_pred, klass=klass, kappa=kappa, t0=t0,
                           read_energy_J=read_energy_J, reference=reference, C=C, x_ref=x_ref)
    if max_inner is None:
        max_inner = max(50, int(10 * n_pred)) if rule == "gradient" else max_updates
    # ---- the memories' finite ranges (bounds, propagated bounds, else a box: docs/theory.md), uniformly random levels
    plb, pub, _ = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    lo, hi, _, _ = memory_ranges(plb, pub, box_start(p.l, p.u, plb, pub))
    arr = LIMArray(lo, hi, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed)
    if x_ref is not None and np.all(np.isfinite(x_ref)):  # THEORY §8a floor: transport towards a point fixed in advance
        arr.set_transport_center(x_ref, label="the OSQP reference solution, computed before the run")
    A, l, u = p.A, p.l, p.u
    R = reads
    normA2 = float(np.linalg.norm(A, 2)) ** 2 if m else 0.0
    if rho is None:
        rho = p.eig_max / normA2 if m else 0.0
    rho_max = 1e6 * p.eig_max / max(normA2, 1e-300)
    # every read is an independent run (THEORY §6: the floor is for the mean over independent runs), so every
    # piece of driver state is per read: multipliers, penalty, counters, stopping decisions
    rho_r = np.full(R, float(rho))
    Y = np.zeros((R, m))
    Pdiag = np.diag(p.P).copy()
    A2 = A * A

    def grad(X, Y, rho_r):
        G = X @ p.P + p.q
        H = np.broadcast_to(Pdiag, X.shape)
        if m:
            rc = rho_r[:, None]
            W = X @ A.T + Y / rc
            Z = np.clip(W, l, u)
            G = G + rc * ((W - Z) @ A)
            out = (W != Z).astype(float)
            H = H + rc * (out @ A2)
        return G, H

    upd = np.zeros(R, dtype=np.int64)      # updates of each read
    inner = np.zeros(R, dtype=np.int64)    # updates of each read's current inner solve
    outer = np.zeros(R, dtype=np.int64)
    done = np.zeros(R, dtype=bool)         # a finished read is frozen: infinite barriers, no heat, no work
    conv = np.zeros(R, dtype=bool)
    prev_res = np.full(R, math.inf)
    lam = np.zeros(R)
    quiet = np.zeros(R, dtype=np.int64)
    med_delta = float(np.median(arr.delta))
    lam_max = 8.0 * arr.D / (med_delta ** 2 * max(float(np.median(Pdiag)), 1e-300))
    # a grid point cannot meet a constraint better than about one level: the residual target
    tol_eff = max(float(constraint_tol), med_delta)
    while not np.all(done):
        act = ~done
        X = arr.values
        G, H = grad(X, Y, rho_r)
        Xl = arr.levels_RN
        push_out = ((Xl == arr.top) & (G < 0)) | ((Xl == 0) & (G > 0))
        # projected distance (levels) of each coordinate to its conditional optimum, g_i / (h_i delta_i)
        dist = np.where(push_out, 0.0, np.abs(G) / (np.maximum(H, 1e-300) * arr.delta))
        if rule == "gradient":
            # a read's inner solve stops when ITS mean distance is below the grid
            stop = (inner > 0) & (dist.mean(axis=1) <= inner_tol) & (dist.max(axis=1) <= 4.0 * inner_tol)
        else:
            stop = quiet >= 20
        end = act & (stop | (inner >= max_inner) | (upd >= max_updates))
        if np.any(end):
            idx = np.flatnonzero(end)
            outer[idx] += 1
            if m == 0:
                conv[idx] = upd[idx] < max_updates
                done[idx] = True
            else:
                Xi = X[idx]
                AX = Xi @ A.T
                W = AX + Y[idx] / rho_r[idx, None]
                Y[idx] = rho_r[idx, None] * (W - np.clip(W, l, u))
                res = np.max(np.abs(AX - np.clip(AX, l, u)), axis=1)
                ok = (res <= tol_eff) & (inner[idx] <= 2)
                conv[idx[ok]] = True
                stop_r = ok | (upd[idx] >= max_updates) | (outer[idx] >= max_outer)
                done[idx[stop_r]] = True
                grow = ~stop_r & (res > 0.25 * prev_res[idx]) & (res > tol_eff)
                rho_r[idx[grow]] = np.minimum(rho_r[idx[grow]] * 5.0, rho_max)  # multipliers kept
                prev_res[idx] = res
            inner[idx] = 0
            quiet[idx] = 0
            continue  # the gradients of the reads that changed rho or y are stale: recompute
        if rule == "gradient":
            eta = 1.0 / (p.eig_max + rho_r * normA2)  # 1 / Lipschitz constant of grad_x L, per read
            arr.gradient_step(G, eta[:, None], engine=engine, active=act)
        else:
            Gp = np.where(push_out, 0.0, G)
            rms = np.sqrt(np.mean(Gp * Gp, axis=1))
            with np.errstate(divide="ignore"):
                target = np.where(rms > 0, arr.D / (med_delta * np.where(rms > 0, rms, 1.0)), lam_max)
            near = dist.mean(axis=1) <= 2.0  # levels
            lam = np.where(act, np.minimum(np.maximum(lam * np.where(near, 1.02, 1.0), target), lam_max), lam)
            # damp synchronous moves near the bottom (coupled memories would overshoot together, as
            # Jacobi iterations do); far from it every memory attempts one hop per update
            L_r = (p.eig_max + rho_r * normA2)[:, None]
            att = np.where(dist > 2.0, 1.0, np.clip(H / L_r, 1e-6, 1.0))
            st = arr.anneal_step(G, H, lam, attempt=att, active=act)
            hops = st["hops_per_read"]
            quiet = np.where(act & (lam >= lam_max) & (hops < 0.01 * n), quiet + 1, 0)
        inner[act] += 1
        upd[act] += 1
    wall = time.perf_counter() - t0
    # ---- read out and close the books
    X = arr.values
    f_reads = objective(p, X)
    books = arr.books()
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(reads, math.nan)
    viol = float(np.max(constraint_violation(p, X)))
    best = int(np.argmin(f_reads))
    upd_mean = float(np.mean(upd))
    # honest status, as for the gradient rule (admm.residuals): the AL multipliers for the rows; for a memory
    # within a level of a finite bound, the multiplier that cancels its gradient if it points outwards
    Cb, lb_c, ub_c = admm.stack_constraints(p, p.lb, p.ub)
    bounded = np.flatnonzero(np.isfinite(p.lb) | np.isfinite(p.ub))
    G = X @ p.P + p.q + Y @ A
    Xb, Gb = X[:, bounded], G[:, bounded]
    dl = arr.delta[bounded]
    at_lo = (Xb <= p.lb[bounded] + dl) & (Gb > 0)
    at_hi = (Xb >= p.ub[bounded] - dl) & (Gb < 0)
    Yfull = np.concatenate([Y, np.where(at_lo | at_hi, -Gb, 0.0)], axis=1)
    prim_r, dual_r, gap_r = admm.residuals(p.P, p.q, p.r, Cb, lb_c, ub_c, X, Yfull)
    eps = 1e-4
    ok = conv & (prim_r <= eps) & (dual_r <= eps) & (gap_r <= eps)
    status = "solved" if np.all(ok) else ("inaccurate" if np.all(conv) else "max_iter")
    bd = arr.books_dict(books, rule=rule, engine=engine, n_predicted=n_pred, rho_final_per_read=rho_r.tolist(),
                        updates_per_read=upd.tolist(), outer_iterations_per_read=outer.tolist(),
                        converged_per_read=conv.tolist(), memory_reads_per_run=upd_mean * n,
                        status_per_read=np.where(ok, "solved", np.where(conv, "inaccurate", "max_iter")).tolist())
    return QPResult(
        x=X[best], objective=float(np.mean(f_reads)), objective_per_read=f_reads,
        reference_objective=f_ref, reference_status=status,
        rel_gap=float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
        rel_gap_worst_read=float(np.max(gaps)), constraint_violation=viol,
        dissipated_J=books.dissipated_J, dissipated_sem_J=books.dissipated_sem_J, bound_J=books.bound_J,
        estimate_J=est, memory_wall_J=float(read_energy_J) * upd_mean * n,
        updates=int(np.max(upd)), predicted_updates=n_pred, convergence_class=klass, kappa=kappa,
        outer_iterations=int(np.max(outer)), converged=status == "solved", time_to_solution_s=upd_mean * dt_s,
        status=status, primal_residual=float(np.max(prim_r)), dual_residual=float(np.max(dual_r)),
        duality_gap=float(np.max(gap_r)), tolerance=eps,
        wall_time_s=wall,
        books=bd,
        inputs={"n": n, "m": m, "bits": bits, "rule": rule, "reads": reads, "dt_s": dt_s, "f0_hz": f0_hz,
                "T_K": T_K, "seed": seed, "engine": engine, "source": p.source, "sha256": p.sha256,
                "read_energy_J": read_energy_J, "reference": reference, "max_updates": max_updates,
                "inner_tol": inner_tol, "max_inner": max_inner, "max_outer": max_outer,
                "constraint_tol": constraint_tol, "rho_initial": float(rho), "C": C},
    )
