"""Exact master-equation solution of one multi-level memory (THEORY §1, §7), by matrix exponentials.

A memory with ``M`` levels of energies ``U_n`` (kT) and barrier ``E_b`` above
the well bottom, top midway between neighbours, hops ``n -> n+-1`` at

    r(n -> m) = f0 exp(-(E_b + (U_m - U_n)/2))        (THEORY §1)

(reflecting edges).  For a piecewise-constant schedule of landscapes the
occupations evolve as ``p(t) = p(0) expm(R t)`` with ``R`` the rate matrix
(rows: from, columns: to, diagonal minus the row sum).  The mean heat
released in a segment of length ``T`` is ``(int_0^T p(s) ds) . h`` with
``h_n = sum_m r(n->m) (U_n - U_m)``; the integral comes from one exponential of
the block matrix ``[[R, I], [0, 0]]`` (Van Loan, IEEE TAC 23, 395 (1978)).
The mean work at a landscape change is ``p . (U_new - U_old)``.

:func:`solve_uniformized` gives the exact law of the synchronous engine
(:func:`limbound.sim.kmc.sync_step`), whose one-step transition matrix is
``I + h R``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import expm

from ..errors import ParameterError, check_finite, check_positive


@dataclass
class MasterResult:
    """Occupations and mean energy books of a schedule (energies in kT, per memory).

    Attributes
    ----------
    p_end : (M,) occupations at the end
    p_segments : (n_segments, M) occupations at the end of each segment
    mean_heat_kT, mean_work_kT : mean heat released and work done over the schedule
    mean_U_start_kT, mean_U_end_kT : mean energy at start (first landscape) and end (last landscape)
    mean_hops : expected number of hops (both directions) over the schedule, the activity ``A_tau`` of THEORY §8a
    """

    p_end: np.ndarray
    p_segments: np.ndarray
    mean_heat_kT: float
    mean_work_kT: float
    mean_U_start_kT: float
    mean_U_end_kT: float
    mean_hops: float = 0.0

    @property
    def first_law_residual(self) -> float:
        dU = self.mean_U_end_kT - self.mean_U_start_kT
        scale = max(abs(dU), abs(self.mean_work_kT), abs(self.mean_heat_kT), 1.0)
        return abs(dU - (self.mean_work_kT - self.mean_heat_kT)) / scale

    def as_dict(self) -> dict:
        return {"p_end": self.p_end.tolist(), "mean_heat_kT": self.mean_heat_kT, "mean_work_kT": self.mean_work_kT,
                "first_law_residual": self.first_law_residual}


def rate_matrix(U_kT: ArrayLike, barrier_kT: float, f0_hz: float) -> NDArray[np.float64]:
    """Rate matrix ``R`` (1/s) of one memory with level energies ``U_kT`` (M,) and barrier ``barrier_kT``."""
    U = check_finite("U_kT", np.asarray(U_kT, dtype=float))
    if U.ndim != 1 or U.size < 2:
        raise ParameterError(f"U_kT has shape {U.shape}; allowed: 1-D with >= 2 levels")
    eb = check_finite("barrier_kT", barrier_kT)
    f0 = check_positive("f0_hz", f0_hz)
    M = U.size
    R = np.zeros((M, M))
    idx = np.arange(M - 1)
    R[idx, idx + 1] = f0 * np.exp(-(eb + 0.5 * (U[1:] - U[:-1])))
    R[idx + 1, idx] = f0 * np.exp(-(eb + 0.5 * (U[:-1] - U[1:])))
    R[np.arange(M), np.arange(M)] = -R.sum(axis=1)
    return R


def _heat_rate(R: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``h_n = sum_m R[n,m] (U_n - U_m)``: mean heat flux out of level ``n`` (diagonal term is zero)."""
    return (R * (U[:, None] - U[None, :])).sum(axis=1)


def _check_schedule(p0: ArrayLike, segments: Sequence) -> tuple[NDArray[np.float64], list]:
    p = np.asarray(p0, dtype=float)
    if p.ndim != 1 or p.size < 2 or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ParameterError(f"p0 of shape {p.shape} is not a distribution over >= 2 levels")
    if len(segments) == 0:
        raise ParameterError("segments is empty; allowed: at least one (duration_s, U_kT, barrier_kT)")
    out = []
    for k, (T, U, eb) in enumerate(segments):
        U = np.asarray(U, dtype=float)
        if U.shape != p.shape:
            raise ParameterError(f"segment {k} has U_kT of shape {U.shape}; allowed: {p.shape} (one energy per level)")
        out.append((check_positive(f"segment {k} duration_s", T, allow_zero=True), U, float(eb)))
    return p, out


def _run_schedule(p: NDArray[np.float64], segs: list, f0_hz: float, advance: Callable) -> MasterResult:
    """Mean energy books of one memory over a piecewise-constant schedule (shared by both solvers).

    At each boundary the landscape changes at fixed occupations (work
    ``p . (U - U_prev)``); within a segment ``advance(p, R, U, T, heat)``
    returns the occupations at its end, ``heat`` plus the mean heat
    released during the segment, and the expected hops during it.
    """
    heat = 0.0
    hops = 0.0
    work = 0.0
    U_prev = segs[0][1]
    U_start = float(p @ U_prev)
    p_seg = []
    for T, U, eb in segs:
        work += float(p @ (U - U_prev))
        R = rate_matrix(U, eb, f0_hz)
        p, heat, a = advance(p, R, U, T, heat)
        hops += a
        p_seg.append(p.copy())
        U_prev = U
    return MasterResult(p_end=p, p_segments=np.array(p_seg), mean_heat_kT=heat, mean_work_kT=work,
                        mean_U_start_kT=U_start, mean_U_end_kT=float(p @ U_prev), mean_hops=hops)


def solve(p0: ArrayLike, segments: Sequence, *, f0_hz: float) -> MasterResult:
    """Exact occupations and mean heat/work of one memory under a piecewise-constant schedule.

    Parameters
    ----------
    p0 : (M,) initial occupations
    segments : sequence of ``(duration_s, U_kT (M,), barrier_kT)``
    f0_hz : attempt frequency (1/s)
    """
    p, segs = _check_schedule(p0, segments)
    M = p.size

    def exact(p: NDArray[np.float64], R: NDArray[np.float64], U: NDArray[np.float64], T: float, heat: float) -> tuple[NDArray[np.float64], float, float]:
        big = np.zeros((2 * M, 2 * M))
        big[:M, :M] = R * T
        big[:M, M:] = np.eye(M) * T
        E = expm(big)
        occ_int = p @ E[:M, M:]           # int_0^T p(s) ds
        heat += float(occ_int @ _heat_rate(R, U))
        hops = float(occ_int @ -np.diag(R))  # total exit rate of each level, integrated over occupation
        p = p @ E[:M, :M]
        p = np.clip(p, 0.0, None)
        p /= p.sum()
        return p, heat, hops

    return _run_schedule(p, segs, f0_hz, exact)


def solve_uniformized(p0: ArrayLike, segments: Sequence, *, f0_hz: float, h_s: float) -> MasterResult:
    """Exact law of the synchronous engine: ``n = round(T / h)`` steps of ``P = I + h R`` per segment.

    Mean heat per step is ``p . (h h_vec)``.  Refuses ``h`` with a negative
    diagonal of ``P`` (the engine refuses those steps too).
    """
    p, segs = _check_schedule(p0, segments)
    h = check_positive("h_s", h_s)

    def uniformized(p: NDArray[np.float64], R: NDArray[np.float64], U: NDArray[np.float64], T: float, heat: float) -> tuple[NDArray[np.float64], float, float]:
        P = np.eye(p.size) + h * R
        if np.min(np.diag(P)) < 0:
            raise ParameterError(f"h_s={h!r} is too long for these rates; allowed: h_s <= 1/max total rate")
        hv = h * _heat_rate(R, U)
        av = -h * np.diag(R)
        hops = 0.0
        for _ in range(int(round(T / h))):
            heat += float(p @ hv)
            hops += float(p @ av)
            p = p @ P
        return p, heat, hops

    return _run_schedule(p, segs, f0_hz, uniformized)
