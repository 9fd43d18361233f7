"""Exact continuous-time kinetic Monte Carlo of small arrays of multi-level memories (THEORY §1-2).

Memory ``i`` holds a level ``n_i`` in ``0..M-1``.  A *driver* sets the
landscape piecewise in time: a :class:`Segment` gives, for a duration, the
energy of every level of every memory (``U_kT``, shape ``(M,)`` shared or
``(n, M)``) and the barrier above the well bottom (``barrier_kT``, scalar or
``(n,)``), barrier top midway between neighbours, so (THEORY §1)

    r(n -> n+-1) = f0 exp(-(E_b + (U(n+-1) - U(n)) / 2)).

Within a segment each memory follows the exact continuous-time jump process
(Gillespie, J. Comput. Phys. 22, 403 (1976); Bortz, Kalos & Lebowitz 1975):
exponential waiting times with the total rate of its level, a hop chosen in
proportion to its rate.  The memories are independent given the landscape,
so simulating each one's jumps on its own is the same law as a joint
Gillespie run over the array (and parallelises exactly); at the end of a
segment the pending waiting time is dropped, which memorylessness allows.

Energy books, per memory, in kT: a hop releases ``U(n) - U(n')`` as heat; a
landscape change at a segment boundary does work ``U_new(n) - U_old(n)``.
The first law ``U_end - U_start = W - Q`` holds per memory to rounding.

The driver is either a sequence of :class:`Segment` or a callable
``driver(t_s, levels) -> Segment | None`` called at each boundary with the
current time and a read-only copy of the levels (``None`` ends the run):
state feedback at the granularity the driver chooses.  Large arrays use
the synchronous engine :func:`limbound.sim.kmc.sync_step` instead.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from ..constants import F0_DEFAULT_HZ
from ..errors import ParameterError, check_finite, check_positive
from ..specs import GILLESPIE
from ._rng import next_u01, stream_states
from .kmc import check_array_inputs
from .ledger import ArrayBooks


@dataclass(frozen=True)
class Segment:
    """One piece of a schedule: the landscape held for ``duration_s`` seconds.

    Parameters
    ----------
    duration_s : float, >= 0
    U_kT : (M,) or (n, M) array of level energies in kT
    barrier_kT : float or (n,) array, barrier above the well bottom in kT
    """

    duration_s: float
    U_kT: np.ndarray
    barrier_kT: float | np.ndarray


@njit(parallel=True, cache=True)
def _ctmc_segment(levels, U, barrier, f0, duration, t0, states, heat, hops_up, hops_dn, first_hop):
    n = levels.shape[0]
    top = U.shape[1] - 1
    shared_U = U.shape[0] == 1
    shared_b = barrier.shape[0] == 1
    for i in prange(n):
        ii = np.int64(i)
        row = np.int64(0) if shared_U else ii
        eb = barrier[0] if shared_b else barrier[ii]
        lev = np.int64(levels[ii])
        s = states[i]
        t = 0.0
        q = 0.0
        up = 0
        dn = 0
        while True:
            r_up = f0 * np.exp(-(eb + 0.5 * (U[row, lev + 1] - U[row, lev]))) if lev < top else 0.0
            r_dn = f0 * np.exp(-(eb + 0.5 * (U[row, lev - 1] - U[row, lev]))) if lev > 0 else 0.0
            R = r_up + r_dn
            if R <= 0.0:
                break
            s, u = next_u01(s)
            t += -np.log(u) / R
            if t > duration:
                break
            s, u = next_u01(s)
            if u * R <= r_up:
                nl = lev + np.int64(1)
                up += 1
            else:
                nl = lev - np.int64(1)
                dn += 1
            q += U[row, lev] - U[row, nl]
            if np.isnan(first_hop[i]):
                first_hop[i] = t0 + t
            lev = nl
        levels[i] = lev
        states[i] = s
        heat[i] += q
        hops_up[i] += up
        hops_dn[i] += dn


@dataclass
class KMCResult(ArrayBooks):
    """Outcome of a continuous-time KMC run, per memory (energies in kT).

    Attributes
    ----------
    levels : (n,) final levels
    work_kT, heat_kT : (n,) work done on and heat released by each memory
    U_start_kT, U_end_kT : (n,) energy at start (first landscape) and end (last landscape)
    hops_up, hops_dn : (n,) number of up and down hops
    first_hop_s : (n,) time of each memory's first hop (NaN if none)
    t_end_s : float, simulated time
    snapshots : list of (t_s, levels copy) at every segment end (if ``record=True``)
    params : run parameters
    """

    levels: np.ndarray
    work_kT: np.ndarray
    heat_kT: np.ndarray
    U_start_kT: np.ndarray
    U_end_kT: np.ndarray
    hops_up: np.ndarray
    hops_dn: np.ndarray
    first_hop_s: np.ndarray
    t_end_s: float
    snapshots: list = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"n_memories": int(self.levels.size), "t_end_s": self.t_end_s, "params": self.params,
                "ledger": self.ledger.as_dict(), "first_law_residual": self.first_law_residual,
                "hops_up": int(self.hops_up.sum()), "hops_dn": int(self.hops_dn.sum())}


def _landscape(seg: Segment, n: int, M: int, k: int) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    if not isinstance(seg, Segment):
        raise ParameterError(f"driver returned {type(seg).__name__} at segment {k}; allowed: Segment or None")
    T = check_positive(f"segment {k} duration_s", seg.duration_s, allow_zero=True)
    U = np.asarray(seg.U_kT, dtype=float)
    if U.ndim == 1:
        U = U[None, :]
    if U.ndim != 2 or U.shape[1] != M or U.shape[0] not in (1, n):
        raise ParameterError(f"segment {k} U_kT has shape {np.shape(seg.U_kT)}; allowed: ({M},) or ({n}, {M})")
    check_finite(f"segment {k} U_kT", U)
    b = np.atleast_1d(np.asarray(seg.barrier_kT, dtype=float))
    if b.ndim != 1 or b.shape[0] not in (1, n):
        raise ParameterError(f"segment {k} barrier_kT has shape {np.shape(seg.barrier_kT)}; allowed: scalar or ({n},)")
    check_finite(f"segment {k} barrier_kT", b)
    return T, np.ascontiguousarray(U), np.ascontiguousarray(b)


def _energy(U: np.ndarray, levels: np.ndarray) -> np.ndarray:
    return U[0, levels] if U.shape[0] == 1 else U[np.arange(levels.size), levels]


def _initial_levels(levels0: ArrayLike, M: int) -> NDArray[np.int64]:
    """A checked int64 copy of ``levels0`` (one-line :class:`ParameterError` on bad input)."""
    a = np.asarray(levels0)
    if not np.issubdtype(a.dtype, np.integer):  # refused, not truncated (as sync_step refuses float levels)
        raise ParameterError(f"levels0 has dtype {a.dtype}; allowed: integer levels 0..n_levels-1")
    if a.size and (a.min() < 0 or a.max() >= M):  # before the copy to int64, which could wrap huge unsigned values
        k = int(np.flatnonzero((a < 0) | (a >= M))[0])
        raise ParameterError(f"levels0[{k}]={a.ravel()[k]} is outside 0..{M - 1}; allowed: 0 <= level < n_levels")
    lv = np.array(a, dtype=np.int64, copy=True)
    check_array_inputs(lv, M, name="levels0")  # the synchronous steps' checks: 1-D, non-empty, int64, values
    return lv


def _segment_source(driver: Sequence[Segment] | Callable) -> Callable:
    """``(t_s, levels) -> Segment | None`` from a driver callable or a non-empty sequence of segments."""
    if callable(driver):
        return driver
    segs = list(driver)
    if not segs:
        raise ParameterError("driver is an empty schedule; allowed: at least one Segment")
    it = iter(segs)
    return lambda t, levels: next(it, None)


def _run_segments(lv: NDArray[np.int64], M: int, next_seg: Callable, f0: float, states: NDArray[np.uint64],
                  record: bool, max_segments: int) -> tuple:
    """The schedule's segments one after the other (in place on ``lv``): the books of :func:`gillespie`.

    Returns ``(heat, work, hops_up, hops_dn, first_hop_s, snapshots, t_end, U_start, U_last, segments)``;
    ``U_last`` is None if the driver gave no segment.
    """
    n = lv.size
    heat = np.zeros(n)
    work = np.zeros(n)
    up = np.zeros(n, dtype=np.int64)
    dn = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.nan)
    snaps = []
    t = 0.0
    U_prev = None
    U_start = None
    k = 0
    while k < max_segments:
        view = lv.copy()
        view.flags.writeable = False
        seg = next_seg(t, view)
        if seg is None:
            break
        T, U, b = _landscape(seg, n, M, k)
        if U_prev is None:
            U_start = _energy(U, lv)
        else:
            work += _energy(U, lv) - _energy(U_prev, lv)
        if T > 0:
            _ctmc_segment(lv, U, b, f0, T, t, states, heat, up, dn, first)
        t += T
        U_prev = U
        k += 1
        if record:
            snaps.append((t, lv.copy()))
    return heat, work, up, dn, first, snaps, t, U_start, U_prev, k


@GILLESPIE.validates
def gillespie(levels0: ArrayLike, n_levels: int, driver: Sequence[Segment] | Callable, *, seed: int,
              f0_hz: float = F0_DEFAULT_HZ, record: bool = False, max_segments: int = 10_000_000) -> KMCResult:
    """Run the exact continuous-time engine over a schedule.

    Parameters
    ----------
    levels0 : (n,) int array
        Initial levels in ``0..n_levels-1`` (copied).
    n_levels : int
        Levels per memory, ``M >= 2``.
    driver : sequence of Segment, or callable ``(t_s, levels) -> Segment | None``
        The landscape schedule (see module docstring).
    seed : int
        Seed of the per-memory random streams (reproducible whatever the thread count).
    f0_hz : float
        Attempt frequency (1/s), default 1e9.
    record : bool
        Keep a copy of the levels at every segment end.

    Returns
    -------
    KMCResult
    """
    M = n_levels  # n_levels, seed, f0_hz, record, max_segments: checked at entry (limbound.specs.GILLESPIE)
    lv = _initial_levels(levels0, M)
    f0 = f0_hz
    n = lv.size
    next_seg = _segment_source(driver)

    states = stream_states(seed, n)
    heat, work, up, dn, first, snaps, t, U_start, U_prev, k = _run_segments(lv, M, next_seg, f0, states, record,
                                                                            max_segments)
    if U_prev is None:
        raise ParameterError("driver gave no segment; allowed: at least one Segment")
    return KMCResult(levels=lv, work_kT=work, heat_kT=heat, U_start_kT=U_start, U_end_kT=_energy(U_prev, lv),
                     hops_up=up, hops_dn=dn, first_hop_s=first, t_end_s=t, snapshots=snaps,
                     params={"n_levels": M, "f0_hz": f0, "seed": seed, "segments": k})


def v_landscape(n_levels: int, optimum: ArrayLike, tilt_kT: ArrayLike) -> NDArray[np.float64]:
    """Level energies of the V-shaped LIM landscape ``D |n - n*|`` (THEORY §2b), shape ``(M,)`` or ``(n, M)``."""
    n = np.arange(int(n_levels))
    opt = np.asarray(optimum)
    D = np.asarray(tilt_kT, dtype=float)
    if opt.ndim == 0 and D.ndim == 0:
        return float(D) * np.abs(n - int(opt)).astype(float)
    return np.atleast_1d(D)[:, None] * np.abs(n[None, :] - np.atleast_1d(opt)[:, None]).astype(float)
