"""The numba kernels of :mod:`limbound.sim.kmc`: synchronous (uniformized) steps of arrays of multi-level memories.

No input checks here (THEORY §1 rates ``r = f0 exp(-(E_b + dU/2))``, heat ``-dU`` per hop, reflecting edges):
the checked front doors and the module notes are in :mod:`limbound.sim.kmc`.  Kernels with per-memory random
streams (:mod:`limbound.sim._rng`) give the same numbers on any number of threads.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._rng import next_u01


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


@njit(inline="always", cache=True)
def _hop_probabilities(li, top, f0h, barrier, dU_up, dU_dn):
    """``(r_up h, r_dn h)`` of a memory at level ``li`` (THEORY §1 rates; the edges ``0`` and ``top`` reflect)."""
    p_up = f0h * np.exp(-(barrier + 0.5 * dU_up)) if li < top else 0.0
    p_dn = f0h * np.exp(-(barrier + 0.5 * dU_dn)) if li > 0 else 0.0
    return p_up, p_dn


@njit(cache=True)
def _sync_step(levels, n_levels, dU_up, dU_dn, barrier, h, f0, heat_out):
    n = levels.shape[0]
    heat = 0.0
    net = 0
    worst = 0.0
    top = n_levels - 1
    f0h = f0 * h
    for i in range(n):
        li = levels[i]
        p_up, p_dn = _hop_probabilities(li, top, f0h, barrier[i], dU_up[i], dU_dn[i])
        tot = p_up + p_dn
        if tot > worst:
            worst = tot
        u = np.random.random()
        if u < p_up:
            levels[i] = li + 1
            q = -dU_up[i]
            net += 1
        elif u < tot:
            levels[i] = li - 1
            q = -dU_dn[i]
            net -= 1
        else:
            continue
        heat += q
        heat_out[i] += q
    return heat, net, worst


@njit(inline="always", cache=True)
def _scan_one(li, top, b, u, d):
    """One memory's part of the input scan: ``(level out of range, non-finite input, smallest exponent)``."""
    bad_level = 1 if li < 0 or li > top else 0
    if not (np.isfinite(b) and np.isfinite(u) and np.isfinite(d)):
        return bad_level, 1, np.inf
    xu = b + 0.5 * u if li < top else np.inf
    xd = b + 0.5 * d if li > 0 else np.inf
    return bad_level, 0, min(xu, xd)


@njit(cache=True)
def _scan_inputs(levels, n_levels, dU_up, dU_dn, barrier):
    """One pass over the inputs: ``(n_bad_level, n_non_finite, x_min)`` (see module notes)."""
    top = n_levels - 1
    bad_level = 0
    bad_value = 0
    x_min = np.inf
    for i in range(levels.shape[0]):
        bl, bv, x = _scan_one(levels[i], top, barrier[i], dU_up[i], dU_dn[i])
        bad_level += bl
        bad_value += bv
        x_min = min(x_min, x)
    return bad_level, bad_value, x_min


@njit(parallel=True, cache=True)
def _scan_inputs_par(levels, n_levels, dU_up, dU_dn, barrier):
    """:func:`_scan_inputs` on all threads (for :func:`sync_step_par`)."""
    top = n_levels - 1
    bad_level = 0
    bad_value = 0
    x_min = np.inf
    for i in prange(levels.shape[0]):
        bl, bv, x = _scan_one(levels[i], top, barrier[i], dU_up[i], dU_dn[i])
        bad_level += bl
        bad_value += bv
        x_min = min(x_min, x)
    return bad_level, bad_value, x_min


@njit(cache=True)
def _worst_rate(levels, n_levels, dU_up, dU_dn, barrier, f0h):
    """Largest ``(r_up + r_dn) h`` over the memories (exact; the edges reflect)."""
    top = n_levels - 1
    worst = 0.0
    for i in range(levels.shape[0]):
        p_up, p_dn = _hop_probabilities(levels[i], top, f0h, barrier[i], dU_up[i], dU_dn[i])
        worst = max(worst, p_up + p_dn)
    return worst


@njit(inline="always", cache=True)
def _step_one(i, levels, top, f0h, barrier, dU_up, dU_dn, states, heat_out):
    """One memory's synchronous step on its own stream: ``(heat, +1/-1/0, hop probability)`` (shared body of
    :func:`_sync_step_par` and :func:`_sync_step_streams`).

    Written without branches on the draw (selects, and ``heat_out[i] += 0.0`` when it stays): the same
    decisions and sums as ``if u < p_up: up; elif u < tot: down``, at about half the mispredicted branches
    (a hop probability near 1/2 makes them unpredictable; ``benchmarks/bench_sim.py``).
    """
    li = levels[i]
    du = dU_up[i]
    dd = dU_dn[i]
    p_up, p_dn = _hop_probabilities(li, top, f0h, barrier[i], du, dd)
    tot = p_up + p_dn
    s, u = next_u01(states[i])
    states[i] = s
    u = 1.0 - u  # uniform on [0, 1), as np.random.random in sync_step
    go_up = u < p_up
    go_dn = (u < tot) and not go_up
    step = np.int64(go_up) - np.int64(go_dn)
    q = -du if go_up else (-dd if go_dn else 0.0)
    levels[i] = li + step
    heat_out[i] += q
    return q, step, tot


@njit(parallel=True, cache=True)
def _sync_step_par(levels, n_levels, dU_up, dU_dn, barrier, h, f0, states, heat_out):
    n = levels.shape[0]
    heat = 0.0
    net = 0
    worst = 0.0
    top = n_levels - 1
    f0h = f0 * h
    for i in prange(n):
        q, step, tot = _step_one(i, levels, top, f0h, barrier, dU_up, dU_dn, states, heat_out)
        worst = max(worst, tot)
        net += step
        heat += q
    return heat, net, worst


@njit(cache=True)
def _sync_step_streams(levels, n_levels, dU_up, dU_dn, barrier, h, f0, states, heat_out):
    """:func:`_sync_step_par` on one thread (same streams, same result; no thread start-up for small arrays)."""
    n = levels.shape[0]
    heat = 0.0
    net = 0
    worst = 0.0
    top = n_levels - 1
    f0h = f0 * h
    for i in range(n):
        q, step, tot = _step_one(i, levels, top, f0h, barrier, dU_up, dU_dn, states, heat_out)
        worst = max(worst, tot)
        net += step
        heat += q
    return heat, net, worst


@njit(parallel=True, cache=True)
def _sync_run_v(levels, n_levels, optimum, tilt, barrier, h, f0, n_steps, states, heat_out):
    n = levels.shape[0]
    heat = 0.0
    net = 0
    top = n_levels - 1
    f0h = f0 * h
    for i in prange(n):
        d = tilt[i]
        p_down_hill = f0h * np.exp(-(barrier[i] - 0.5 * d))   # towards the optimum, releases d
        p_up_hill = f0h * np.exp(-(barrier[i] + 0.5 * d))     # away from it, takes d back
        li = levels[i]
        oi = optimum[i]
        s = states[i]
        q = 0.0
        start = li
        for _ in range(n_steps):
            if li < oi:
                p_up = p_down_hill
                p_dn = p_up_hill if li > 0 else 0.0
            elif li > oi:
                p_up = p_up_hill if li < top else 0.0
                p_dn = p_down_hill
            else:
                p_up = p_up_hill if li < top else 0.0
                p_dn = p_up_hill if li > 0 else 0.0
            s, u = next_u01(s)
            u = 1.0 - u
            if u < p_up:
                q += d if li < oi else -d
                li += 1
            elif u < p_up + p_dn:
                q += d if li > oi else -d
                li -= 1
        levels[i] = li
        states[i] = s
        heat_out[i] += q
        heat += q
        net += li - start
    return heat, net
