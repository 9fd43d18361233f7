"""Kinetic Monte Carlo of arrays of multi-level, barrier-modulated memories (THEORY §1-2).

Memory ``i`` holds a level ``n_i`` in ``0..M-1``.  Its landscape is given by
the driver as the energy differences to the neighbouring levels,
``dU_up[i] = U_i(n_i+1) - U_i(n_i)`` and ``dU_dn[i] = U_i(n_i-1) - U_i(n_i)``
(kT units), and a barrier ``E_b[i]`` measured from the well bottom with the
barrier top midway, so that (THEORY §1)

    r_up = f0 exp(-(E_b + dU_up/2)),   r_dn = f0 exp(-(E_b + dU_dn/2)).

A hop releases ``-dU`` of the hop to the bath as heat (exactly).  The edges
``0`` and ``M-1`` are reflecting.

:func:`sync_step` is the synchronous engine for large arrays.  In a step of
length ``h`` memory ``i`` hops up with probability ``r_up h``, down with
probability ``r_dn h``, and stays otherwise: the uniformized jump chain of the
continuous-time process (Jensen 1953; Grassmann 1977).  Its transition
probabilities keep the exact ratio ``r_up/r_dn`` of local detailed balance,
so its stationary distribution is exactly the Boltzmann one for any ``h``,
and its mean drift per unit time is exact.  It requires
``(r_up + r_dn) h <= 1`` for every memory; the step reports the largest
``(r_up + r_dn) h`` it met and :func:`sync_step` refuses a step that broke it,
so a driver picks ``h <= 1 / max rate`` (``max_step_s``).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..errors import ParameterError, check_positive


@njit(cache=True)
def _seed(seed):
    np.random.seed(seed)


def seed_kernels(seed: int) -> None:
    """Seed the random stream used inside numba kernels (one per process/thread)."""
    _seed(int(seed) % (2**32))


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


def _refuse_long_step(worst, h_s) -> None:
    """Raise if some memory had ``(r_up + r_dn) h = worst > 1`` (not a valid uniformized step)."""
    if worst > 1.0:
        raise ParameterError(f"h_s={h_s!r} is too long for these rates ((r_up+r_dn)*h = {worst:.3g}); allowed: h_s <= 1/max rate")


def max_step_s(n_levels, dU_up, dU_dn, barrier_kT, f0_hz):
    """Largest step ``h`` with ``(r_up + r_dn) h <= 1`` for every memory (edges counted as if open)."""
    tot = f0_hz * (np.exp(-(barrier_kT + 0.5 * dU_up)) + np.exp(-(barrier_kT + 0.5 * dU_dn)))
    return 1.0 / float(np.max(tot))


def sync_step(levels, n_levels, dU_up, dU_dn, barrier_kT, h_s, f0_hz, heat_out=None):
    """Advance every memory by one synchronous step of length ``h_s`` (in place).

    Parameters
    ----------
    levels : int64 array (n,), modified in place
    n_levels : int, M >= 2
    dU_up, dU_dn : float arrays (n,), neighbour energy differences in kT
    barrier_kT : float array (n,), barrier above the well bottom in kT
    h_s : float, step length in seconds
    f0_hz : float, attempt frequency
    heat_out : optional float array (n,), per-memory heat accumulator (kT)

    Returns
    -------
    (heat_kT, net_up) : total heat released this step, and net upward hops.

    Raises
    ------
    ParameterError
        if some memory had ``(r_up + r_dn) h > 1`` (the step is then not a
        valid uniformized step; take ``h <= max_step_s(...)``).
    """
    if heat_out is None:
        heat_out = np.zeros(levels.shape[0])
    heat, net, worst = _sync_step(levels, int(n_levels), dU_up, dU_dn, barrier_kT, float(h_s), float(f0_hz), heat_out)
    _refuse_long_step(worst, h_s)
    return heat, net


def check_array_inputs(levels, n_levels, *arrays, name="levels") -> None:
    """Validate shapes and values of :func:`sync_step` inputs (one-line errors naming ``levels`` as ``name``)."""
    if n_levels < 2:
        raise ParameterError(f"n_levels={n_levels} is out of range; allowed: integers >= 2")
    if levels.ndim != 1 or levels.size == 0:
        raise ParameterError(f"{name} has shape {levels.shape}; allowed: a non-empty 1-D array")
    if levels.min() < 0 or levels.max() >= n_levels:
        raise ParameterError(f"{name} has values outside 0..{n_levels - 1}")
    for a in arrays:
        if a.shape != levels.shape:
            raise ParameterError(f"array of shape {a.shape} does not match levels of shape {levels.shape}")
    check_positive("n_levels", n_levels)


# ----------------------------------------------------------------------------------------------
# Parallel synchronous engine with per-memory random streams (added for issue 3)
# ----------------------------------------------------------------------------------------------

from numba import prange  # noqa: E402

from ._rng import next_u01  # noqa: E402


@njit(parallel=True, cache=True)
def _sync_step_par(levels, n_levels, dU_up, dU_dn, barrier, h, f0, states, heat_out):
    n = levels.shape[0]
    heat = 0.0
    net = 0
    worst = 0.0
    top = n_levels - 1
    f0h = f0 * h
    for i in prange(n):
        li = levels[i]
        p_up, p_dn = _hop_probabilities(li, top, f0h, barrier[i], dU_up[i], dU_dn[i])
        tot = p_up + p_dn
        worst = max(worst, tot)
        s, u = next_u01(states[i])
        states[i] = s
        u = 1.0 - u  # uniform on [0, 1), as np.random.random in sync_step
        if u < p_up:
            levels[i] = li + 1
            q = -dU_up[i]
            net += 1
            heat += q
            heat_out[i] += q
        elif u < tot:
            levels[i] = li - 1
            q = -dU_dn[i]
            net += -1
            heat += q
            heat_out[i] += q
    return heat, net, worst


def sync_step_par(levels, n_levels, dU_up, dU_dn, barrier_kT, h_s, f0_hz, states, heat_out=None):
    """:func:`sync_step` on all cores, with one random stream per memory.

    Same step, same hop probabilities and energy books as :func:`sync_step`;
    the randomness comes from ``states`` (uint64 array, one per memory, from
    :func:`stream_states` ``(seed, n)``, advanced in place), so a run is
    reproducible for a seed whatever the number of threads.  Like
    :func:`sync_step` it raises after the step if ``(r_up + r_dn) h > 1`` for
    some memory.

    Returns
    -------
    (heat_kT, net_up)
    """
    if heat_out is None:
        heat_out = np.zeros(levels.shape[0])
    if states.shape != levels.shape or states.dtype != np.uint64:
        raise ParameterError(f"states has shape {states.shape} and dtype {states.dtype}; allowed: uint64 of shape {levels.shape} (stream_states(seed, n))")
    heat, net, worst = _sync_step_par(levels, int(n_levels), dU_up, dU_dn, barrier_kT, float(h_s), float(f0_hz),
                                      states, heat_out)
    _refuse_long_step(worst, h_s)
    return heat, net


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


def sync_run_v(levels, n_levels, optimum, tilt_kT, barrier_kT, h_s, f0_hz, n_steps, states, heat_out=None):
    """``n_steps`` synchronous steps of memories in fixed V-shaped landscapes ``D_i |n - n*_i|`` (THEORY §2b).

    The LIM landscape held for several steps: the same uniformized step as
    :func:`sync_step` (hop probabilities ``r h``, exact local detailed balance,
    heat ``+-D`` per hop), with the rates of each memory computed once per
    call, so the inner loop is one random number per memory-step.  Random
    streams as in :func:`sync_step_par`.  Refuses (before any work) a step
    with ``(r_up + r_dn) h > 1``.

    Parameters
    ----------
    levels : int64 (n,), modified in place
    n_levels : int
    optimum : int64 (n,), the optimal level n*_i of each memory
    tilt_kT, barrier_kT : float (n,), tilt D_i and barrier E_b,i in kT
    h_s, f0_hz : step (s) and attempt frequency (1/s)
    n_steps : int
    states : uint64 (n,), random streams (:func:`stream_states`)
    heat_out : optional float (n,), per-memory heat accumulator (kT)

    Returns
    -------
    (heat_kT, net_up)
    """
    n = levels.shape[0]
    for name, a in (("optimum", optimum), ("tilt_kT", tilt_kT), ("barrier_kT", barrier_kT), ("states", states)):
        if a.shape != levels.shape:
            raise ParameterError(f"{name} has shape {a.shape}; allowed: {levels.shape} (one per memory)")
    if heat_out is None:
        heat_out = np.zeros(n)
    worst = float(np.max(f0_hz * h_s * (np.exp(-(barrier_kT - 0.5 * tilt_kT)) + np.exp(-(barrier_kT + 0.5 * tilt_kT)))))
    _refuse_long_step(worst, h_s)
    heat, net = _sync_run_v(levels, int(n_levels), optimum, tilt_kT, barrier_kT, float(h_s), float(f0_hz),
                               int(n_steps), states, heat_out)
    return heat, net
