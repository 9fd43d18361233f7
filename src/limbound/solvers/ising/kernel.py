"""The numba kernel: every read annealed in place, energy books in kT (THEORY §6; package notes).

Sequential-update Metropolis or Glauber sweeps with the SplitMix64 generator of :mod:`limbound.sim._rng`;
per-read outputs are written into the float/int arrays indexed by the ``_F_*`` / ``_I_*`` constants.
"""
from __future__ import annotations

import math
import time

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from ...sim._rng import next_u01_mid  # SplitMix64 (Steele, Lea & Flood, OOPSLA 2014)
from .problem import IsingProblem, _row_sums

#: Above this ``beta dH`` an uphill flip is rejected without drawing: the
#: acceptance ``exp(-38) = 3.1e-17`` is below the smallest uniform variate
#: ``2**-54 = 5.6e-17`` the generator produces, so skipping is exact.
_SKIP_X = 38.0

# float outputs per read
_F_USTART, _F_UEND, _F_W, _F_Q, _F_H0, _F_HEND, _F_HTRACK, _F_BEST, _F_QT = range(9)
_NF = 9
# int outputs per read
_I_FLIPS, _I_NNZ, _I_REACHED, _I_ATT_T, _I_FLIPS_T, _I_NNZ_T = range(6)
_NI = 6


@njit(cache=True)
def _energy_csr(indptr, indices, data, h, s):
    e = 0.0
    for i in range(h.shape[0]):
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p] * s[indices[p]]
        e -= s[i] * (0.5 * acc + h[i])
    return e


@njit(cache=True, inline="always")
def _local_fields(indptr, indices, data, h, s, f):
    """``f_i = h_i + sum_j J_ij s_j`` into ``f``."""
    for i in range(h.shape[0]):
        acc = h[i]
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p] * s[indices[p]]
        f[i] = acc


@njit(cache=True, inline="always")
def _fill_table(table, beta, int_max):
    """Metropolis acceptances ``exp(-beta 2m)`` of the integer levels ``m = 1..mcut`` with ``beta 2m < _SKIP_X``
    (above: rejected without a draw); returns ``mcut``."""
    mcut = 0
    for m in range(1, int_max + 1):
        x = beta * (2.0 * m)
        if x >= _SKIP_X:
            break
        table[m] = math.exp(-x)
        mcut = m
    return mcut


@njit(cache=True, inline="always")
def _accept(si, fi, dH, beta, use_table, glauber, table, mcut, state):
    """``(flip?, state)``: one Metropolis (table or exponential) or Glauber decision at the tilt ``beta dH``."""
    if use_table:
        m = int(si * fi)
        if m > 0:
            if m > mcut:
                return False, state
            state, u = next_u01_mid(state)
            if u >= table[m]:
                return False, state
    elif glauber:
        x = beta * dH
        if x >= _SKIP_X:
            return False, state
        if x > -_SKIP_X:
            state, u = next_u01_mid(state)
            if u * (1.0 + math.exp(x)) >= 1.0:
                return False, state
    else:
        x = beta * dH
        if x > 0.0:
            if x >= _SKIP_X:
                return False, state
            state, u = next_u01_mid(state)
            if u >= math.exp(-x):
                return False, state
    return True, state


@njit(cache=True, inline="always")
def _flip(i, si, s, f, indptr, indices, data):
    """``s_i -> -s_i``; the neighbours' fields change by ``J_ij * (-2 s_i)``.  Returns the nonzeros touched."""
    s[i] = -si
    two = -2.0 * si
    p0 = indptr[i]
    p1 = indptr[i + 1]
    for p in range(p0, p1):
        f[indices[p]] += data[p] * two
    return p1 - p0


@njit(cache=True, inline="always")
def _close_read(r, indptr, indices, data, h, s, beta_last, W, Q, H, flips, nnz, reached, best_spins, out_f, out_i):
    """Write read ``r``'s books; the end and best energies recomputed from the states, not the running sum."""
    H_end = _energy_csr(indptr, indices, data, h, s)
    out_f[r, _F_UEND] = beta_last * H_end
    out_f[r, _F_W] = W
    out_f[r, _F_Q] = Q
    out_f[r, _F_HEND] = H_end
    out_f[r, _F_HTRACK] = H
    out_f[r, _F_BEST] = _energy_csr(indptr, indices, data, h, best_spins[r])
    out_i[r, _I_FLIPS] = flips
    out_i[r, _I_NNZ] = nnz
    out_i[r, _I_REACHED] = 1 if reached else 0


@njit(cache=True, inline="always")
def _hit_target(r, Q_t, attempts, flips, nnz, out_f, out_i):
    """Book the heat, attempts, flips and nonzeros of read ``r`` until it first reached the target."""
    out_f[r, _F_QT] = Q_t
    out_i[r, _I_ATT_T] = attempts
    out_i[r, _I_FLIPS_T] = flips
    out_i[r, _I_NNZ_T] = nnz


@njit(cache=True, parallel=True, nogil=True)  # nogil: the CLI's progress display keeps running meanwhile
def _anneal_reads(indptr, indices, data, h, betas, spins, seeds, H_target, glauber, int_max,
                  best_spins, out_f, out_i):
    """Anneal every read (row of ``spins``, in place); energy books in kT.  See the package notes.

    ``int_max > 0`` (Metropolis only) declares integer couplings and fields with
    ``|h_i| + sum_j |J_ij| <= int_max``: the local fields are then exact
    integers, ``dH = 2 m`` with integer ``m = s_i f_i``, and the acceptance
    ``exp(-beta * 2m)`` is read from a per-sweep table filled with the very
    same expression -- bit-identical decisions, one exponential per level
    instead of one per attempt.  The helpers are inlined (``inline="always"``).
    """
    R, N = spins.shape
    use_table = int_max > 0 and not glauber
    for r in prange(R):
        table = np.empty(max(int_max, 0) + 1)
        s = spins[r]
        state = seeds[r]
        f = np.empty(N)
        _local_fields(indptr, indices, data, h, s, f)
        H = _energy_csr(indptr, indices, data, h, s)
        out_f[r, _F_H0] = H
        beta_prev = betas[0]
        out_f[r, _F_USTART] = beta_prev * H
        W = Q = 0.0
        best = H
        best_spins[r, :] = s
        flips = nnz = 0
        reached = H <= H_target
        if reached:
            _hit_target(r, 0.0, 0, 0, 0, out_f, out_i)
        for k in range(betas.shape[0]):
            beta = betas[k]
            W += (beta - beta_prev) * H  # work at fixed state when the landscape changes
            beta_prev = beta
            dsum = 0.0
            mcut = _fill_table(table, beta, int_max) if use_table else 0
            for i in range(N):
                si = s[i]
                dH = 2.0 * si * f[i]
                ok, state = _accept(si, f[i], dH, beta, use_table, glauber, table, mcut, state)
                if not ok:
                    continue
                nnz += _flip(i, si, s, f, indptr, indices, data)
                H += dH
                dsum += dH
                flips += 1
                if not reached and H <= H_target:
                    reached = True
                    _hit_target(r, Q - beta * dsum, k * N + i + 1, flips, nnz, out_f, out_i)
                    best = H
                    best_spins[r, :] = s
            Q -= beta * dsum  # heat released by this sweep's flips, sum of -beta dH
            if H < best:
                best = H
                best_spins[r, :] = s
        _close_read(r, indptr, indices, data, h, s, beta_prev, W, Q, H, flips, nnz, reached, best_spins, out_f, out_i)


_WARM = False


def _integer_field_bound(problem: IsingProblem) -> int:
    """``max_i (|h_i| + sum_j |J_ij|)`` if every coupling and field is an integer (fields then exact), else 0."""
    d, h = problem.data, problem.h
    if problem.n == 0 or not (np.all(d == np.round(d)) and np.all(h == np.round(h))):
        return 0
    rows = _row_sums(problem, np.abs(d)) + np.abs(h)
    bound = float(rows.max())
    return int(bound) if 0 < bound < 2 ** 31 else 0


def _warm_up() -> None:
    """Load/compile the kernel and start numba's threads once, so ``wall_time_s`` times the anneal only."""
    global _WARM
    if _WARM:
        return
    one = np.ones((2, 2), dtype=np.int8)
    _anneal_reads(np.array([0, 1, 2], dtype=np.int64), np.array([1, 0], dtype=np.int32), np.ones(2), np.zeros(2),
                  np.ones(2), one, np.arange(1, 3, dtype=np.uint64), math.inf, False, 0, np.empty_like(one),
                  np.zeros((2, _NF)), np.zeros((2, _NI), dtype=np.int64))
    _WARM = True


def run_reads(problem: IsingProblem, betas: NDArray[np.float64], spins: NDArray[np.int8], seeds: NDArray[np.uint64],
              target_energy: float | None, acceptance: str) -> tuple[np.ndarray, dict, float]:
    """Anneal every row of ``spins`` in place (read ``r`` with the stream ``seeds[r]``).

    Returns ``(best states, per-read books keyed by AnnealResult field, wall time of the kernel in s)``.
    """
    reads, n = spins.shape
    best = np.empty_like(spins)
    out_f = np.zeros((reads, _NF))
    out_i = np.full((reads, _NI), -1, dtype=np.int64)
    H_t = math.inf if target_energy is None else float(target_energy)
    int_max = _integer_field_bound(problem) if acceptance == "metropolis" else 0
    _warm_up()
    t = time.perf_counter()
    if n:
        _anneal_reads(problem.indptr, problem.indices, problem.data, problem.h, betas, spins, seeds,
                      H_t, acceptance == "glauber", int_max, best, out_f, out_i)
    else:
        out_i[:, _I_FLIPS] = 0
        out_i[:, _I_NNZ] = 0
        out_i[:, _I_REACHED] = 1 if H_t >= 0 else 0
    wall = time.perf_counter() - t
    return best, _books(out_f, out_i), wall


def _books(out_f: NDArray[np.float64], out_i: NDArray[np.int64]) -> dict:
    """The kernel's per-read outputs by :class:`~limbound.solvers.ising.result.AnnealResult` field name."""
    reached = out_i[:, _I_REACHED] == 1
    return dict(
        energies=out_f[:, _F_HEND].copy(),
        best_energies=out_f[:, _F_BEST].copy(), initial_energies=out_f[:, _F_H0].copy(),
        heat_kT=out_f[:, _F_Q].copy(), work_kT=out_f[:, _F_W].copy(),
        U_start_kT=out_f[:, _F_USTART].copy(), U_end_kT=out_f[:, _F_UEND].copy(),
        tracked_energies=out_f[:, _F_HTRACK].copy(), flips=out_i[:, _I_FLIPS].copy(),
        nnz_touched=out_i[:, _I_NNZ].copy(), reached=reached,
        heat_to_target_kT=np.where(reached, out_f[:, _F_QT], np.nan),
        attempts_to_target=out_i[:, _I_ATT_T].copy(), flips_to_target=out_i[:, _I_FLIPS_T].copy(),
        nnz_to_target=out_i[:, _I_NNZ_T].copy())
