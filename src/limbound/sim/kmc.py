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
``(r_up + r_dn) h`` it met, and :func:`sync_step` / :func:`sync_step_par`
refuse a step that would break it *before* touching ``levels`` or
``heat_out``, so a driver picks ``h <= 1 / max rate`` (``max_step_s``).

Input checks (before any state changes, one-line :class:`ParameterError`):
matching 1-D shapes, int64 ``levels`` in ``0..M-1`` (a narrower integer type
would wrap at its limit; :func:`check_levels_array`), an integer
``n_levels >= 2``, finite ``dU_up``,
``dU_dn`` and barriers, ``h_s`` and ``f0_hz`` finite and positive, and the
step length.  The step length is checked by one pass without exponentials:
``(r_up + r_dn) h <= 2 f0 h exp(-min_i x_i)`` with ``x_i`` the smallest
exponent ``E_b + dU/2`` among memory ``i``'s open directions, compared in
logs (``ln(2 f0 h) - x_min > 0``; no overflow, so no clamp can let an
infinite rate through); only when that bound exceeds 1 are the exact rates
computed (a second pass).  A step the bound clears but whose ``exp(-x_min)``
is not a double (``f0 h`` below ``1e-308``) is refused as out of range.  The checks
draw no random numbers, so a valid step gives exactly the result it gave
without them.

Checked front doors, unchecked kernels: :func:`sync_step` and
:func:`sync_step_par` run the checks on every call (one fused scan of the
inputs; its cost is the gap between the checked and unchecked rows of
``benchmarks/bench_sim.py``).  A loop that calls the step many times (the LIM
arrays of :mod:`limbound.sim.lim_array`, up to 200,000 sub-steps per
update) validates once at its own entry with :func:`check_step` and then
calls :func:`sync_step_unchecked`, the same kernels without the checks (the
kernel still returns the largest ``(r_up + r_dn) h`` it met, so the caller
can assert it stayed <= 1 at no cost).  The kernels themselves are in :mod:`limbound.sim.kmc_kernels`.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_integer, check_positive
from .kmc_kernels import (
    _scan_inputs,
    _scan_inputs_par,
    _seed,
    _sync_run_v,
    _sync_step,
    _sync_step_par,
    _sync_step_streams,
    _worst_rate,
)


def seed_kernels(seed: int) -> None:
    """Seed the random stream used inside numba kernels (one per process/thread)."""
    _seed(int(seed) % (2**32))


def check_n_levels(n_levels: int) -> int:
    """``n_levels`` as an int >= 2 by the one integer rule (:func:`limbound.errors.check_integer`: booleans and
    floats, whole or not, refused in one line; no truncation of 3.7)."""
    return check_integer("n_levels", n_levels, minimum=2)


def check_levels_array(levels: NDArray[np.int64], n_levels: int, *, name: str = "levels") -> int:
    """Type checks shared by every engine; returns ``int(n_levels)`` (values are checked by the caller's scan).

    ``levels`` must be a non-empty 1-D **int64** numpy array: the kernels move
    it in place by +-1, and a narrower type would wrap at its limit (uint8 at
    255 with ``n_levels = 300`` would hop "up" to 0 while the books count an up
    hop); floats are refused rather than truncated.
    """
    n_levels = check_n_levels(n_levels)
    if not isinstance(levels, np.ndarray) or levels.ndim != 1 or levels.size == 0 or levels.dtype != np.int64:
        raise ParameterError(f"{name} is {type(levels).__name__} {getattr(levels, 'dtype', '')} of shape "
                             f"{np.shape(levels)}; allowed: a non-empty 1-D int64 (integer) numpy array")
    return n_levels


def check_step(levels: NDArray[np.int64], n_levels: int, dU_up: ArrayLike, dU_dn: ArrayLike, barrier_kT: ArrayLike,
               h_s: float, f0_hz: float, heat_out: NDArray[np.float64] | None, parallel: bool = False) -> tuple:
    """Validate a synchronous step before it runs (module notes); returns the arrays as the kernels take them.

    Returns ``(n_levels, dU_up, dU_dn, barrier_kT, h, f0, heat_out)`` (float64 arrays; ``heat_out`` a new
    zero array if None), ready for :func:`sync_step_unchecked`.
    """
    n_levels = check_levels_array(levels, n_levels)
    h = check_positive("h_s", h_s)
    f0 = check_positive("f0_hz", f0_hz)
    arrays = []
    for name, a in (("dU_up", dU_up), ("dU_dn", dU_dn), ("barrier_kT", barrier_kT)):
        a = np.asarray(a, dtype=np.float64)
        if a.shape != levels.shape:
            raise ParameterError(f"{name} has shape {a.shape}; allowed: {levels.shape}, one per memory")
        arrays.append(a)
    if heat_out is None:
        heat_out = np.zeros(levels.shape[0])
    elif not isinstance(heat_out, np.ndarray) or heat_out.shape != levels.shape or heat_out.dtype != np.float64:
        raise ParameterError(f"heat_out has shape {np.shape(heat_out)} and dtype {getattr(heat_out, 'dtype', None)}; "
                             f"allowed: float64 of shape {levels.shape} (accumulated in place)")
    up, dn, bar = arrays
    bad_level, bad_value, x_min = (_scan_inputs_par if parallel else _scan_inputs)(levels, n_levels, up, dn, bar)
    if bad_level:
        k = int(np.flatnonzero((levels < 0) | (levels >= n_levels))[0])
        raise ParameterError(f"levels[{k}]={int(levels[k])} is outside 0..{n_levels - 1} "
                             f"({bad_level} memories out of range); allowed: 0 <= level < n_levels")
    if bad_value:
        for name, a in (("dU_up", up), ("dU_dn", dn), ("barrier_kT", bar)):
            bad = ~np.isfinite(a)
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise ParameterError(f"{name}[{k}]={float(a[k])!r} is not finite; allowed: finite energies in kT")
    # the cheap bound 2 f0 h exp(-x_min) <= 1, compared in logs (no overflow, no clamp: with f0 h ~ 1e-310 and
    # x_min = -1600 a clamped exp(700) cleared the bound while the rates were infinite)
    if x_min < np.inf:
        if math.log(2.0) + math.log(f0) + math.log(h) - x_min > 0.0:
            with np.errstate(over="ignore", invalid="ignore"):
                _refuse_long_step(_worst_rate(levels, n_levels, up, dn, bar, f0 * h), h_s)
        else:
            _refuse_exp_overflow(-x_min)
    return n_levels, up, dn, bar, h, f0, heat_out


#: Largest argument of ``exp`` that stays finite (``ln`` of the largest double).
_EXP_MAX = math.log(np.finfo(np.float64).max)


def _refuse_exp_overflow(y_max: float) -> None:
    """Refuse rates ``f0 h exp(y)`` whose ``exp(y)`` is not a double although the product would be (the kernels
    form ``f0 h * exp(y)``: ``inf`` or ``0 * inf = NaN`` would hop always or never)."""
    if y_max > _EXP_MAX:
        raise ParameterError(f"an exponent -(barrier_kT + dU/2) = {y_max:.6g} kT is beyond the double range of exp; "
                             f"allowed: barrier_kT + dU/2 >= {-_EXP_MAX:.6g} kT for every memory")


def _refuse_long_step(worst: float, h_s: float) -> None:
    """Raise unless every memory has ``(r_up + r_dn) h <= 1`` (``worst``, the largest; NaN, from ``0 * inf`` at
    rates beyond the double range, is refused too): otherwise not a valid uniformized step."""
    if not worst <= 1.0:
        raise ParameterError(f"h_s={h_s!r} is too long for these rates ((r_up+r_dn)*h = {worst:.3g}); allowed: h_s <= 1/max rate")


def max_step_s(n_levels: int, dU_up: ArrayLike, dU_dn: ArrayLike, barrier_kT: ArrayLike, f0_hz: float) -> float:
    """Largest step ``h`` with ``(r_up + r_dn) h <= 1`` for every memory (edges counted as if open)."""
    tot = f0_hz * (np.exp(-(barrier_kT + 0.5 * dU_up)) + np.exp(-(barrier_kT + 0.5 * dU_dn)))
    return 1.0 / float(np.max(tot))


def sync_step(levels: NDArray[np.int64], n_levels: int, dU_up: ArrayLike, dU_dn: ArrayLike, barrier_kT: ArrayLike,
              h_s: float, f0_hz: float, heat_out: NDArray[np.float64] | None = None) -> tuple[float, int]:
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
        before anything changes, if some memory would have ``(r_up + r_dn) h > 1``
        (not a valid uniformized step; take ``h <= max_step_s(...)``), or on
        mismatched shapes, levels outside ``0..M-1`` or non-finite energies
        (module notes).
    """
    n_levels, dU_up, dU_dn, barrier_kT, h, f0, heat_out = check_step(levels, n_levels, dU_up, dU_dn, barrier_kT,
                                                                       h_s, f0_hz, heat_out)
    heat, net, worst = _sync_step(levels, n_levels, dU_up, dU_dn, barrier_kT, h, f0, heat_out)
    return heat, net


def check_array_inputs(levels: NDArray[np.int64], n_levels: int, *arrays: NDArray[np.float64],
                       name: str = "levels") -> int:
    """Validate :func:`sync_step`-style inputs (one-line errors naming ``levels`` as ``name``); returns ``int(n_levels)``.

    The same checks as the synchronous steps (:func:`check_levels_array`:
    integer ``n_levels >= 2``, a non-empty 1-D int64 array), then levels in
    ``0..M-1`` and every further array of the same shape and finite.
    """
    n_levels = check_levels_array(levels, n_levels, name=name)
    if levels.min() < 0 or levels.max() >= n_levels:
        k = int(np.flatnonzero((levels < 0) | (levels >= n_levels))[0])
        raise ParameterError(f"{name}[{k}]={int(levels[k])} is outside 0..{n_levels - 1}; allowed: 0 <= level < n_levels")
    for a in arrays:
        a = np.asarray(a)
        if a.shape != levels.shape:
            raise ParameterError(f"array of shape {a.shape} does not match {name} of shape {levels.shape}")
        bad = ~np.isfinite(a)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ParameterError(f"array[{k}]={a[k]!r} is not finite; allowed: finite values")
    return n_levels


# ----------------------------------------------------------------------------------------------
# Parallel synchronous engine with per-memory random streams
# ----------------------------------------------------------------------------------------------

def sync_step_unchecked(levels: NDArray[np.int64], n_levels: int, dU_up: NDArray[np.float64],
                        dU_dn: NDArray[np.float64], barrier_kT: NDArray[np.float64], h: float, f0: float,
                        states: NDArray[np.uint64], heat_out: NDArray[np.float64], *,
                        parallel: bool = True) -> tuple[float, int, float]:
    """The step of :func:`sync_step_par` without its checks; returns ``(heat_kT, net_up, worst)``.

    For loops that validated once at their entry (:func:`check_step` on the same arrays, and ``states`` a
    uint64 array of the same shape): nothing is checked here, so bad input gives wrong numbers, not an
    error.  ``worst`` is the largest ``(r_up + r_dn) h`` met (the caller may assert it is <= 1).
    ``parallel=False`` runs on one thread, the same numbers (per-memory streams) without the thread
    start-up, which dominates below ~1e4 memories.
    """
    kernel = _sync_step_par if parallel else _sync_step_streams
    return kernel(levels, n_levels, dU_up, dU_dn, barrier_kT, h, f0, states, heat_out)


def check_states(states: NDArray[np.uint64], levels: NDArray[np.int64]) -> None:
    """Refuse (one line) random-stream states that are not a uint64 array shaped like ``levels``."""
    if not isinstance(states, np.ndarray) or states.shape != np.shape(levels) or states.dtype != np.uint64:
        raise ParameterError(f"states has shape {np.shape(states)} and dtype {getattr(states, 'dtype', None)}; "
                             f"allowed: uint64 of shape {np.shape(levels)} (stream_states(seed, n))")


def sync_step_par(levels: NDArray[np.int64], n_levels: int, dU_up: ArrayLike, dU_dn: ArrayLike, barrier_kT: ArrayLike,
                  h_s: float, f0_hz: float, states: NDArray[np.uint64],
                  heat_out: NDArray[np.float64] | None = None) -> tuple[float, int]:
    """:func:`sync_step` on all cores, with one random stream per memory.

    Same step, same hop probabilities and energy books as :func:`sync_step`;
    the randomness comes from ``states`` (uint64 array, one per memory, from
    :func:`stream_states` ``(seed, n)``, advanced in place), so a run is
    reproducible for a seed whatever the number of threads.  Like
    :func:`sync_step` it checks its inputs and refuses a step with
    ``(r_up + r_dn) h > 1`` for some memory before anything changes.

    Returns
    -------
    (heat_kT, net_up)
    """
    check_states(states, levels)
    n_levels, dU_up, dU_dn, barrier_kT, h, f0, heat_out = check_step(levels, n_levels, dU_up, dU_dn, barrier_kT,
                                                                       h_s, f0_hz, heat_out, parallel=True)
    heat, net, worst = _sync_step_par(levels, n_levels, dU_up, dU_dn, barrier_kT, h, f0, states, heat_out)
    return heat, net


def _check_run_v(levels: NDArray[np.int64], n_levels: int, optimum: ArrayLike, tilt_kT: ArrayLike,
                 barrier_kT: ArrayLike, h_s: float, f0_hz: float, n_steps: int, states: NDArray[np.uint64],
                 heat_out: NDArray[np.float64] | None) -> tuple:
    """The checks of :func:`sync_run_v` (its docstring), before any work; returns the checked
    ``(n_levels, tilt_kT, barrier_kT, h_s, f0_hz, heat_out)``."""
    n_levels = check_levels_array(levels, n_levels)
    n = levels.shape[0]
    check_integer("n_steps", n_steps, minimum=0)
    h_s = check_positive("h_s", h_s)
    f0_hz = check_positive("f0_hz", f0_hz)
    for name, a in (("optimum", optimum), ("tilt_kT", tilt_kT), ("barrier_kT", barrier_kT), ("states", states)):
        if not isinstance(a, np.ndarray) or a.shape != levels.shape:
            raise ParameterError(f"{name} has shape {np.shape(a)}; allowed: {levels.shape} (one per memory)")
    if states.dtype != np.uint64:
        raise ParameterError(f"states has dtype {states.dtype}; allowed: uint64 (stream_states(seed, n))")
    for name, a in (("levels", levels), ("optimum", optimum)):
        if not np.issubdtype(a.dtype, np.integer) or a.min() < 0 or a.max() >= n_levels:
            raise ParameterError(f"{name} has values outside 0..{n_levels - 1} (or is not integer); "
                                 f"allowed: integer levels 0 <= n < n_levels")
    tilt_kT = np.asarray(tilt_kT, dtype=np.float64)
    barrier_kT = np.asarray(barrier_kT, dtype=np.float64)
    for name, a in (("tilt_kT", tilt_kT), ("barrier_kT", barrier_kT)):
        if not np.all(np.isfinite(a)):
            k = int(np.flatnonzero(~np.isfinite(a))[0])
            raise ParameterError(f"{name}[{k}]={float(a[k])!r} is not finite; allowed: finite energies in kT")
    if heat_out is None:
        heat_out = np.zeros(n)
    elif not isinstance(heat_out, np.ndarray) or heat_out.shape != levels.shape or heat_out.dtype != np.float64:
        raise ParameterError(f"heat_out has shape {np.shape(heat_out)}; allowed: float64 of shape {levels.shape}")
    return n_levels, tilt_kT, barrier_kT, h_s, f0_hz, heat_out


def sync_run_v(levels: NDArray[np.int64], n_levels: int, optimum: ArrayLike, tilt_kT: ArrayLike,
               barrier_kT: ArrayLike, h_s: float, f0_hz: float, n_steps: int, states: NDArray[np.uint64],
               heat_out: NDArray[np.float64] | None = None) -> tuple[float, int]:
    """``n_steps`` synchronous steps of memories in fixed V-shaped landscapes ``D_i |n - n*_i|`` (THEORY §2b).

    The LIM landscape held for several steps: the same uniformized step as
    :func:`sync_step` (hop probabilities ``r h``, exact local detailed balance,
    heat ``+-D`` per hop), with the rates of each memory computed once per
    call, so the inner loop is one random number per memory-step.  Random
    streams as in :func:`sync_step_par`.  Refuses (before any work) a step
    with ``(r_up + r_dn) h > 1``, mismatched shapes, levels or optima outside
    ``0..M-1`` and non-finite tilts or barriers.

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
    n_levels, tilt_kT, barrier_kT, h_s, f0_hz, heat_out = _check_run_v(levels, n_levels, optimum, tilt_kT, barrier_kT,
                                                                        h_s, f0_hz, n_steps, states, heat_out)
    # (r_up + r_dn) h <= 1, both directions counted even at the edges, compared in logs (no overflow)
    y = np.logaddexp(-(barrier_kT - 0.5 * tilt_kT), -(barrier_kT + 0.5 * tilt_kT))
    log_worst = math.log(f0_hz) + math.log(h_s) + float(np.max(y))
    _refuse_long_step(math.exp(log_worst) if log_worst <= _EXP_MAX else math.inf, h_s)
    _refuse_exp_overflow(float(np.max(0.5 * np.abs(tilt_kT) - barrier_kT)))
    heat, net = _sync_run_v(levels, int(n_levels), optimum, tilt_kT, barrier_kT, float(h_s), float(f0_hz),
                               int(n_steps), states, heat_out)
    return heat, net
