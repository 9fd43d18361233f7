"""Validation cases of the jump-process engines (THEORY §1, §2b, §2c, §7): master equation, LIM and static memory.

Continuous-time KMC (:func:`limbound.sim.gillespie.gillespie`) and the synchronous engine
(:mod:`limbound.sim.kmc`) against the exact master equation (:mod:`limbound.sim.master`) and the closed forms
of THEORY §1-2 (:mod:`limbound.physics`).  The rules are stated in :mod:`limbound.sim.validate`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...constants import F0_DEFAULT_HZ, YEAR_S
from ...errors import ParameterError
from ...physics import lim_barrier_kT, lim_tilt_kT, retention_barrier_kT
from ...physics.static import write_tilt_kT
from ...specs import LIM_CASES, MASTER_CASES, STATIC_CASES
from ...stats import mean_se
from .. import master
from .._rng import stream_states
from ..cases import FIRST_LAW_TOL, Case, judge, prop_se
from ..gillespie import Segment, gillespie, v_landscape
from ..kmc import sync_run_v, sync_step_par
from ..ledger import relative_residual

# ----------------------------------------------------------------------------------------------
# KMC against the master equation
# ----------------------------------------------------------------------------------------------

def _master_schedule(M: int) -> list[tuple[float, NDArray[np.float64], float]]:
    """A fixed 3-segment schedule of an M-level memory: tilt up, a rugged landscape, tilt down (kT, s)."""
    n = np.arange(M, dtype=float)
    return [
        (2e-9, -1.0 * n, 1.0),
        (3e-9, 1.5 * np.sin(2.1 * n + 0.3) - 0.2 * n, 0.5),
        (1.5e-9, 0.6 * n, 2.0),
    ]


@MASTER_CASES.validates
def master_cases(*, n_levels: int = 6, n_memories: int = 200_000, f0_hz: float = F0_DEFAULT_HZ, seed: int = 0,
                 sync: bool = True) -> list[Case]:
    """Occupations, mean heat and mean work of a memory under a 3-segment schedule, all starting at level 0.

    Continuous-time KMC (:func:`gillespie`) against ``p0 expm(R t)``; the
    synchronous engine (:func:`sync_step_par`) against its exact law ``p0 (I + h R)^n``.
    """
    M = int(n_levels)
    sched = _master_schedule(M)
    p0 = np.zeros(M)
    p0[0] = 1.0
    params = {"n_levels": M, "f0_hz": f0_hz, "n_memories": n_memories,
              "segments": [{"duration_s": T, "U_kT": U.tolist(), "barrier_kT": b} for T, U, b in sched]}
    cases = []
    ex = master.solve(p0, sched, f0_hz=f0_hz)
    r = gillespie(np.zeros(n_memories, dtype=np.int64), M, [Segment(T, U, b) for T, U, b in sched],
                  seed=seed * 1009 + 300, f0_hz=f0_hz)
    res = r.first_law_residual
    cases += _compare_to_master("kmc_master", params, r.levels, r.heat_kT, r.work_kT, ex, res)
    if sync:
        rates = max(np.max(np.diag(-master.rate_matrix(U, b, f0_hz))) for _, U, b in sched)
        h = 0.5 / rates
        sched_h = [(h * round(T / h), U, b) for T, U, b in sched]
        exu = master.solve_uniformized(p0, sched_h, f0_hz=f0_hz, h_s=h)
        lv, heat, work, res = _run_sync(M, sched_h, h, f0_hz, n_memories, seed * 1009 + 301)
        cases += _compare_to_master("sync_master", {**params, "h_s": h}, lv, heat, work, exu, res)
    return judge(cases)


def _run_sync(M: int, sched: list, h: float, f0_hz: float, n: int, seed: int
              ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], float]:
    lv = np.zeros(n, dtype=np.int64)
    states = stream_states(seed, n)
    heat = np.zeros(n)
    work = np.zeros(n)
    U_prev = None
    U0 = None
    for T, U, b in sched:
        if U_prev is None:
            U0 = U[lv]
        else:
            work += U[lv] - U_prev[lv]
        bar = np.full(n, float(b))
        Upad = np.concatenate([[0.0], U, [0.0]])
        for _ in range(int(round(T / h))):
            up = Upad[lv + 2] - U[lv]
            dn = Upad[lv] - U[lv]
            sync_step_par(lv, M, up, dn, bar, h, f0_hz, states, heat)
        U_prev = U
    res = float(np.max(np.abs((U_prev[lv] - U0) - (work - heat)) / np.maximum.reduce(
        [np.abs(U_prev[lv] - U0), np.abs(work), np.abs(heat), np.ones(n)])))
    return lv, heat, work, res


def _compare_to_master(prefix: str, params: dict, levels: NDArray[np.int64], heat: NDArray[np.float64],
                       work: NDArray[np.float64], ex: master.MasterResult, res: float) -> list[Case]:
    n = levels.size
    M = ex.p_end.size
    occ = np.bincount(levels, minlength=M) / n
    cases = []
    for lvl in range(M):
        se = math.sqrt(ex.p_end[lvl] * (1 - ex.p_end[lvl]) / n)
        cases.append(Case(f"{prefix}_occupation[level={lvl}]", params, float(occ[lvl]), se, float(ex.p_end[lvl]),
                          checks_ok=res <= FIRST_LAW_TOL,
                          detail={"first_law_residual": res,
                                  "criterion": "within z* binomial SE (Bonferroni) of the exact occupation"}))
    mh, seh = mean_se(heat)
    mw, sew = mean_se(work)
    cases.append(Case(f"{prefix}_mean_heat", params, mh, seh, ex.mean_heat_kT, checks_ok=res <= FIRST_LAW_TOL,
                      detail={"first_law_residual": res, "unit": "kT",
                              "criterion": "within z* SE (Bonferroni) of the exact mean heat"}))
    cases.append(Case(f"{prefix}_mean_work", params, mw, sew, ex.mean_work_kT, checks_ok=res <= FIRST_LAW_TOL,
                      detail={"first_law_residual": res, "unit": "kT",
                              "criterion": "within z* SE (Bonferroni) of the exact mean work"}))
    return cases

# ----------------------------------------------------------------------------------------------
# LIM memory in its V-shaped landscape (THEORY §2b)
# ----------------------------------------------------------------------------------------------

@LIM_CASES.validates
def lim_cases(*, bits: Sequence[int] = (4, 8), n_memories: int = 100_000, dt_s: float = 1e-6,
              f0_hz: float = F0_DEFAULT_HZ, seed: int = 0, settle_dt: float = 20.0) -> list[Case]:
    """Stationary optimum occupancy, drift per dt, heat per net level of LIM memories (continuous-time engine).

    * stationary: start at the optimum n* = M/2, hold the V ``D|n - n*|`` at
      barrier ``E_b*`` for ``settle_dt`` update times; P(n*) against ``tanh(D/2) = 1 - 2^-b``;
      the synchronous engine (:func:`sync_run_v`, step ``dt/20``) is checked the same way.
    * drift: far from the optimum (start at 3, n* = M - 1, for ``K`` update
      times with K small enough never to reach n*), net levels per dt against 1.
    * heat per net level: the mean heat over the exact mean displacement, two-sided against the
      master equation of the same schedule (:func:`limbound.sim.master.solve`: its heat over its mean
      displacement is ``D``), and per memory the heat recomputed from the hop counts ``D (up - down)``.
    """
    cases = []
    for j, b in enumerate(bits):
        M = 2 ** int(b)
        D = float(lim_tilt_kT(b, dt_s, f0_hz))
        Eb = float(lim_barrier_kT(b, dt_s, f0_hz))
        params = {"bits": int(b), "dt_s": dt_s, "f0_hz": f0_hz, "tilt_kT": D, "barrier_kT": Eb, "n_levels": M,
                  "n_memories": n_memories}
        run = {"j": j, "b": b, "M": M, "D": D, "Eb": Eb, "params": params, "n_memories": n_memories, "dt_s": dt_s,
               "f0_hz": f0_hz, "seed": seed}
        cases += _lim_stationary(**run, settle_dt=settle_dt)
        cases += _lim_drift(**run)
    return judge(cases)


def _lim_stationary(*, j: int, b: int, M: int, D: float, Eb: float, params: dict, n_memories: int, dt_s: float,
                    f0_hz: float, seed: int, settle_dt: float) -> list[Case]:
    """P(optimal level) after holding the V at ``E_b*``, continuous-time and synchronous engines (:func:`lim_cases`)."""
    cases = []
    opt = M // 2
    r = gillespie(np.full(n_memories, opt, dtype=np.int64), M,
                  [Segment(settle_dt * dt_s, v_landscape(M, opt, D), Eb)], seed=seed * 1009 + 400 + j, f0_hz=f0_hz)
    p = float(np.mean(r.levels == opt))
    se = prop_se(p, n_memories)
    exp_p = math.tanh(D / 2.0)
    cases.append(Case(f"lim_stationary_optimum[b={b}]", {**params, "hold_dt": settle_dt}, p, se, exp_p,
                      checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                      detail={"one_minus_2^-b": 1.0 - 2.0 ** -b, "first_law_residual": r.first_law_residual,
                              "criterion": "P(optimal level) within z* SE (Bonferroni) of tanh(D/2kT)"}))
    # same with the synchronous engine
    h = dt_s / 20.0
    lv = np.full(n_memories, opt, dtype=np.int64)
    heat = np.zeros(n_memories)
    sync_run_v(lv, M, np.full(n_memories, opt, dtype=np.int64), np.full(n_memories, D), np.full(n_memories, Eb),
               h, f0_hz, int(round(settle_dt * 20)), stream_states(seed * 1009 + 410 + j, n_memories), heat)
    # fixed landscape D|n - n*|: no work, so U_end - U_start = -Q per memory (U_start = 0 at the optimum)
    res_s = float(np.max(relative_residual(D * np.abs(lv - opt), np.zeros(n_memories), heat)))
    ps = float(np.mean(lv == opt))
    ses = prop_se(ps, n_memories)
    cases.append(Case(f"lim_stationary_optimum_sync[b={b}]", {**params, "hold_dt": settle_dt, "h_s": h}, ps, ses,
                      exp_p, checks_ok=res_s <= FIRST_LAW_TOL,
                      detail={"first_law_residual": res_s,
                              "criterion": "synchronous engine, P(optimal level) within z* SE (Bonferroni) of tanh(D/2kT)"}))
    return cases


def _lim_drift(*, j: int, b: int, M: int, D: float, Eb: float, params: dict, n_memories: int, dt_s: float,
               f0_hz: float, seed: int) -> list[Case]:
    """Drift per ``dt`` far from the optimum and heat per net level against the master equation (:func:`lim_cases`)."""
    cases = []
    # drift far from the optimum
    K = 4 if M <= 16 else 50
    start = 3
    r = gillespie(np.full(n_memories, start, dtype=np.int64), M,
                  [Segment(K * dt_s, v_landscape(M, M - 1, D), Eb)], seed=seed * 1009 + 420 + j, f0_hz=f0_hz)
    net = (r.levels - start).astype(float)
    m, se = mean_se(net / K)
    reached = float(np.mean(r.levels == M - 1))
    cases.append(Case(f"lim_drift_per_dt[b={b}]", {**params, "updates": K}, m, se, 1.0,
                      checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                      detail={"fraction_reaching_optimum": reached, "first_law_residual": r.first_law_residual,
                              "criterion": "mean net levels per dt within z* SE (Bonferroni) of (r+ - r-) dt = 1"}))
    # heat per net level against the master equation of the same schedule (not the engine's own book)
    p0 = np.zeros(M)
    p0[start] = 1.0
    ex = master.solve(p0, [(K * dt_s, v_landscape(M, M - 1, D), Eb)], f0_hz=f0_hz)
    disp = float(ex.p_end @ np.arange(M)) - start
    mh, seh = mean_se(r.heat_kT)
    hop_book = D * (r.hops_up - r.hops_dn).astype(float)      # optimum at the top edge: every up hop releases D
    hop_res = float(np.max(np.abs(r.heat_kT - hop_book)) / max(D, 1.0))
    cases.append(Case(f"lim_heat_per_net_level[b={b}]", {**params, "updates": K}, mh / disp, seh / disp,
                      ex.mean_heat_kT / disp, checks_ok=hop_res <= 1e-9,
                      detail={"unit": "kT", "tilt_D_kT": D, "master_heat_per_level_over_D": ex.mean_heat_kT / disp / D,
                              "master_mean_displacement": disp, "hops_forward": int(r.hops_up.sum()),
                              "hops_back": int(r.hops_dn.sum()), "heat_vs_hop_count_residual": hop_res,
                              "criterion": "two-sided: mean heat / exact mean displacement within z* SE of the "
                                           "master equation's (= D per net level); heat = D (up - down hops) "
                                           "per memory from the hop counts to 1e-9"}))
    return cases

# ----------------------------------------------------------------------------------------------
# Static-barrier memory (THEORY §1, §2c)
# ----------------------------------------------------------------------------------------------

@STATIC_CASES.validates
def static_cases(*, n_memories: int = 1_000_000, dt_s: float = 1e-6, retention_s: float = 10 * YEAR_S,
                 f0_hz: float = F0_DEFAULT_HZ, probs: Sequence[float] = (1e-2, 1e-3), default_prob: float = 1e-6,
                 n_rate: int = 100_000, seed: int = 0) -> list[Case]:
    """Write completion within ``dt`` and retention over ``T_ret`` of a static-barrier memory.

    The failure probabilities of the published settings (1e-6) cannot be
    counted with affordable samples, so each is checked two ways:

    * *direct counting* at larger design probabilities ``probs`` (the same
      formulas with ``d_w`` or ``d_ret`` = 1e-2, 1e-3): the fraction of
      memories that failed, against ``exp(-ln(1/d_w)) = d_w`` for writes and
      ``1 - exp(-d_ret)`` (= ``d_ret`` to first order) for retention;
    * *first-passage sampling* at the default ``1e-6``: the engine's first-hop
      times of ``n_rate`` memories give the escape rate
      ``r^ = n / sum(T_i)`` (maximum likelihood for the exponential law of a
      single activated hop); the failure probability is
      ``exp(-r^ dt)`` (write) or ``1 - exp(-r^ T_ret)`` (retention),
      with standard error from ``r^ / sqrt(n)``.

    A write moves a 16-level memory from level 7 to level 8 in the V
    landscape ``D_w |n - 8|`` at barrier ``E_ret``; retention holds a binary
    cell (one neighbour, fails with ``d_ret``) and a mid level of a 16-level
    memory (two neighbours, fails with ``2 d_ret``) in a flat landscape.
    """
    M = 16
    base = {"dt_s": dt_s, "retention_s": retention_s, "f0_hz": f0_hz}
    run = {"M": M, "base": base, "n_memories": n_memories, "dt_s": dt_s, "retention_s": retention_s, "f0_hz": f0_hz,
           "probs": probs, "default_prob": default_prob, "n_rate": n_rate, "seed": seed}
    return judge(_static_writes(**run) + _static_retention(**run))


def _static_writes(*, M: int, base: dict, n_memories: int, dt_s: float, retention_s: float, f0_hz: float,
                   probs: Sequence[float], default_prob: float, n_rate: int, seed: int) -> list[Case]:
    """Write failures of :func:`static_cases`: counted at ``probs``, by first-passage sampling at ``default_prob``."""
    cases = []
    for j, dw in enumerate((*probs, default_prob)):
        d_ret = default_prob
        Dw = float(write_tilt_kT(dt_s, retention_s, d_ret, d_w=dw, f0_hz=f0_hz))
        Eret = float(retention_barrier_kT(retention_s, d_ret, f0_hz))
        U = v_landscape(M, 8, Dw)
        p = {**base, "d_w": dw, "d_ret": d_ret, "write_tilt_kT": Dw, "barrier_kT": Eret, "n_levels": M}
        if dw != default_prob:
            r = gillespie(np.full(n_memories, 7, dtype=np.int64), M, [Segment(dt_s, U, Eret)],
                          seed=seed * 1009 + 500 + j, f0_hz=f0_hz)
            fail = float(np.mean(r.levels != 8))
            se = prop_se(fail, n_memories)
            cases.append(Case(f"static_write_failure[d_w={dw:g}]", {**p, "n_memories": n_memories}, fail, se, dw,
                              checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                              detail={"mean_heat_per_write_kT": float(r.heat_kT.mean()), "first_law_residual": r.first_law_residual,
                                      "criterion": "fraction not written within dt, z* binomial SE (Bonferroni) of d_w"}))
        else:
            r = gillespie(np.full(n_rate, 7, dtype=np.int64), M, [Segment(50.0 * dt_s, U, Eret)],
                          seed=seed * 1009 + 500 + j, f0_hz=f0_hz)
            m, se, direct = _rate_estimate(r.first_hop_s, dt_s, n_rate, kind="write")
            cases.append(Case(f"static_write_failure_rate[d_w={dw:g}]", {**p, "n_memories": n_rate}, m, se, dw,
                              checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                              detail={"direct_failures_within_dt": direct, "first_law_residual": r.first_law_residual,
                                      "method": "exp(-r^ dt), r^ = n / sum(first-hop times)",
                                      "criterion": "within z* SE (Bonferroni) of d_w"}))
    return cases


def _static_retention(*, M: int, base: dict, n_memories: int, dt_s: float, retention_s: float, f0_hz: float,
                      probs: Sequence[float], default_prob: float, n_rate: int, seed: int) -> list[Case]:
    """Retention failures of :func:`static_cases` (binary and multilevel cells), counted or by sampling."""
    cases = []
    for j, dr in enumerate((*probs, default_prob)):
        Eret = float(retention_barrier_kT(retention_s, dr, f0_hz))
        for cell, n_lv, start, nb in (("binary", 2, 0, 1), ("multilevel", M, 7, 2)):
            p = {**base, "d_ret": dr, "barrier_kT": Eret, "n_levels": n_lv, "cell": cell}
            expected = -math.expm1(-nb * dr)
            if dr != default_prob:
                r = gillespie(np.full(n_memories, start, dtype=np.int64), n_lv, [Segment(retention_s, np.zeros(n_lv), Eret)],
                              seed=seed * 1009 + 600 + 10 * j + nb, f0_hz=f0_hz)
                fail = float(np.mean(np.isfinite(r.first_hop_s)))
                se = prop_se(fail, n_memories)
                cases.append(Case(f"static_retention_failure[{cell},d_ret={dr:g}]", {**p, "n_memories": n_memories}, fail,
                                  se, expected, checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                                  detail={"neighbours": nb, "first_law_residual": r.first_law_residual,
                                          "criterion": f"fraction that left its level within T_ret, z* SE (Bonferroni) of 1 - exp(-{nb} d_ret)"}))
            else:
                r = gillespie(np.full(n_rate, start, dtype=np.int64), n_lv,
                              [Segment(40.0 * retention_s / dr, np.zeros(n_lv), Eret)],
                              seed=seed * 1009 + 600 + 10 * j + nb, f0_hz=f0_hz)
                m, se, direct = _rate_estimate(r.first_hop_s, retention_s, n_rate, kind="retention")
                cases.append(Case(f"static_retention_failure_rate[{cell},d_ret={dr:g}]", {**p, "n_memories": n_rate}, m,
                                  se, expected, checks_ok=r.first_law_residual <= FIRST_LAW_TOL,
                                  detail={"neighbours": nb, "direct_failures_within_T_ret": direct,
                                          "first_law_residual": r.first_law_residual,
                                          "method": "1 - exp(-r^ T_ret), r^ = n / sum(first-hop times)",
                                          "criterion": f"within z* SE (Bonferroni) of 1 - exp(-{nb} d_ret)"}))
    return cases


def _rate_estimate(first_hop_s: ArrayLike, window_s: float, n: int, *, kind: str) -> tuple[float, float, int]:
    t = np.asarray(first_hop_s, dtype=float)
    if not np.all(np.isfinite(t)):
        raise ParameterError("some memories never hopped in the sampling window; lengthen it")
    rate = n / float(t.sum())
    x = rate * window_s
    direct = int(np.sum(t > window_s)) if kind == "write" else int(np.sum(t <= window_s))
    if kind == "write":
        m = math.exp(-x)
        se = m * x / math.sqrt(n)
    else:
        m = -math.expm1(-x)
        se = math.exp(-x) * x / math.sqrt(n)
    return m, se, direct
