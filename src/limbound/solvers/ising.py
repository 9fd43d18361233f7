"""The LIM Ising machine: annealing inside barrier-modulated two-well memories (THEORY §6).

Physics
-------
Spin ``s_i = +-1`` is the well a two-well memory sits in.  The problem energy
is

    H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i ,

and the drive tilts memory ``i`` by ``lam(t) dH_i``, where
``dH_i = 2 s_i (h_i + sum_j J_ij s_j)`` is the change of ``H`` if ``i``
flips and ``lam(t)`` (joules per unit of ``H``) follows the annealing
schedule.  Internally everything is in kT units: ``beta(t) = lam(t)/kT`` is
the effective inverse temperature (per unit of ``H``), the internal energy
of the array is ``U = beta H`` (kT), a flip releases the heat
``q = -beta dH_i`` (negative when it climbs), and changing ``beta`` from
``beta_old`` to ``beta_new`` at fixed state does the work
``(beta_new - beta_old) H(s)`` -- the discrete form of
``W = integral (dlam/dt) H(s(t)) dt``.  The first law
``U_end - U_start = W - Q`` then holds on every trajectory; we check it with
``U_end`` recomputed from the final state (not from the running sums), so a
wrong heat or a wrong incremental field shows up as a residual above rounding.

Dynamics and time (the conventions, stated)
-------------------------------------------
* One *sweep* visits the spins in index order and gives each one attempt
  (sequential-update Metropolis or Glauber, the standard single-spin-flip
  Markov chain; every attempt obeys detailed balance at the physical kT with
  the tilt ``beta dH_i``, so the heat of each flip is exact).
* ``beta`` is held fixed during a sweep and changes between sweeps (the work
  is done there).
* Physical time: a memory attempts a hop at the Arrhenius rate
  ``f0 exp(-E_b/kT)`` (THEORY §1), ``E_b`` the barrier above the *upper*
  well (Metropolis: the drive lowers the lower well, the barrier top stays,
  so the uphill hop is slowed by ``exp(-beta dH)`` and the downhill one is
  not).  One sweep -- one attempt per memory, all memories in parallel --
  therefore lasts ``sweep_time_s = exp(E_b/kT) / f0``; the default
  ``E_b = 0`` gives 1 ns per sweep at ``f0 = 1e9 /s``.

Schedules (in ``beta``; ``k = 0..S-1`` the sweep index)
---------------------------------------------------------
The first ``S_a`` sweeps anneal, the last ``S - S_a`` (default 3 %) are the
*read-out hold* at ``5 beta_cold`` (the tilt is raised before the memories
are read, so every read ends in a local minimum; the jump of ``lam`` is work,
booked like any other change of ``lam``).

* ``fn`` (default): the seeds' FN annealer, ``lam(t) = lam0 ln(1 + t/t0)``,
  evaluated at the sweep start ``t = k`` sweeps (sweep 0 runs at
  ``beta = 0``: the memories start untilted and uniformly random);
  ``t0 = S_a - 1`` sweeps by default and ``lam0`` such that sweep ``S_a - 1``
  runs at ``beta_cold``.  In physical units ``lam0 = beta0 kT`` and
  ``t0_s = t0 * sweep_time_s``.
* ``linear``: ``beta_k`` linear from ``beta_hot`` to ``beta_cold``.
* ``geometric``: ``beta_k`` geometric from ``beta_hot`` to ``beta_cold``.

Default range (:func:`default_beta_range`): ``beta_hot = ln 2 / max_i
dH_i,max`` (``dH_i,max = 2 (|h_i| + sum_j |J_ij|)``: every flip accepted
with probability >= 1/2 at the start; the dwave-samplers heuristic) and, for
``fn`` and ``linear``, ``beta_cold = 6.5 / sigma_f`` with ``sigma_f =
sqrt(mean_i (h_i^2 + sum_j J_ij^2))`` the RMS local field of random spins
(random spins order around ``beta sigma_f ~ 1``; the anneal ends a few times
past that).  ``geometric`` keeps dwave-samplers' cold end ``ln(100 n_min) /
dH_min`` so that, with ``readout_fraction=0``, it reproduces that sampler's default schedule.  The
constants (6.5, ``t0 = S_a - 1``, 3 % hold at 5x) were tuned on the eight
G-set graphs of ``../shared/benchmarks/gset`` at 1000 sweeps x 16 reads
(6-12 seeds per setting).  Measured with ``benchmarks/bench_ising.py
--repeats 3`` (seeds 1-3), mean gap to best-known, ours vs dwave-samplers:
G1 0/0, G2 0.020/0.057, G6 0/0.046, G11 0.24/0.59, G14 0.15/0.28,
G18 0.27/0.67, G43 0/0.035, G51 0.27/0.36 %; ours no worse in 23 of 24 runs.

Operation counts (for pricing the same solve in other paradigms, THEORY §2)
---------------------------------------------------------------------------
* *spin updates* (``attempts``): one memory operation per attempt
  (Landauer: each overwrites a 1-bit word, ``kT ln 2``);
* *flips*: the writes that change a memory (static CIM pays ``e_static`` per
  level written, ``b = 1``, ``dt`` = one sweep);
* *FLOPs* of the digital realisation we run: ``2`` per attempt (``2 s_i f_i``
  and its scaling by ``beta``) plus ``2`` per CSR nonzero touched when a
  flip updates the neighbours' local fields (one multiply-add each);
  exponentials, random numbers and comparisons are not counted, so this is
  a lower count.

References
----------
N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953); R. J. Glauber,
J. Math. Phys. 4, 294 (1963); S. Kirkpatrick, C. D. Gelatt & M. P. Vecchi,
Science 220, 671 (1983); K. Sekimoto, *Stochastic Energetics* (2010).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..counting import restarts_for_99
from ..display import Display
from ..errors import ParameterError, check_finite, check_positive
from ..physics.landauer import landauer_per_op_J
from ..physics.rates import retention_barrier_kT
from ..physics.lim import lim_per_op_J
from ..physics.static import RETENTION_DEFAULT_S, D_RET_DEFAULT, static_per_op_J
from ..sim._rng import next_u01_mid  # SplitMix64 (Steele, Lea & Flood, OOPSLA 2014)
from ..sim.ledger import ArrayBooks
from .lim_memory import ENTROPY_Z, final_entropy_upper

__all__ = [
    "IsingProblem", "AnnealResult", "anneal", "beta_schedule", "default_beta_range",
    "ising_energy", "price_operations", "second_law_floor_kT", "SCHEDULES", "ACCEPTANCES",
]

SCHEDULES = ("fn", "linear", "geometric")
ACCEPTANCES = ("metropolis", "glauber")
#: Above this ``beta dH`` an uphill flip is rejected without drawing: the
#: acceptance ``exp(-38) = 3.1e-17`` is below the smallest uniform variate
#: ``2**-54 = 5.6e-17`` the generator produces, so skipping is exact.
_SKIP_X = 38.0


# --------------------------------------------------------------------------- problem

@dataclass(frozen=True)
class IsingProblem:
    """Sparse Ising problem ``H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i``.

    The couplings are stored as a symmetric CSR matrix holding both
    ``(i, j)`` and ``(j, i)``: ``indptr`` (n+1,), ``indices`` (nnz,),
    ``data`` (nnz,) float64.  ``h`` (n,) float64.  ``labels`` optionally
    names the variables (for dimod).
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    h: np.ndarray
    labels: tuple | None = None

    @property
    def n(self) -> int:
        return int(self.h.shape[0])

    @property
    def nnz(self) -> int:
        return int(self.indices.shape[0])

    @classmethod
    def from_edges(cls, n, i, j, J, h=None, *, labels=None) -> "IsingProblem":
        """Build from an edge list ``(i, j, J_ij)`` (0-based; duplicates summed; ``i != j``).

        Parameters
        ----------
        n : int, number of spins
        i, j : int arrays (m,), endpoints
        J : float array (m,), couplings (``H`` contains ``-J_ij s_i s_j``)
        h : float array (n,), optional fields (``H`` contains ``-h_i s_i``)

        Example
        -------
        Two spins with ``J = 1`` (ferromagnetic): aligned ``H = -1``, opposed ``H = +1``.

        >>> p = IsingProblem.from_edges(2, [0], [1], [1.0])
        >>> float(p.energy([1, 1])), float(p.energy([1, -1]))
        (-1.0, 1.0)
        """
        n = int(n)
        if n < 0:
            raise ParameterError(f"n={n} is out of range; allowed: integers >= 0")
        i = np.asarray(i, dtype=np.int64).ravel()
        j = np.asarray(j, dtype=np.int64).ravel()
        J = np.asarray(J, dtype=np.float64).ravel()
        if not (i.shape == j.shape == J.shape):
            raise ParameterError(f"edge arrays have shapes {i.shape}, {j.shape}, {J.shape}; allowed: equal lengths")
        check_finite("J", J)
        if i.size and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n):
            raise ParameterError(f"edge endpoints outside 0..{n - 1}")
        if np.any(i == j):
            raise ParameterError(f"self-coupling at spin {int(i[i == j][0])}; allowed: i != j (use h for fields)")
        hh = np.zeros(n) if h is None else np.array(h, dtype=np.float64).ravel()
        if hh.shape != (n,):
            raise ParameterError(f"h has shape {hh.shape}; allowed: ({n},)")
        check_finite("h", hh)
        rows = np.concatenate([i, j])
        cols = np.concatenate([j, i])
        vals = np.concatenate([J, J])
        # sum duplicates, sort by (row, col)
        key = rows * max(n, 1) + cols
        order = np.argsort(key, kind="stable")
        key, vals = key[order], vals[order]
        uniq, start = np.unique(key, return_index=True)
        with np.errstate(over="ignore", invalid="ignore"):
            summed = np.add.reduceat(vals, start) if vals.size else vals
            total = float(np.abs(summed).sum()) + float(np.abs(hh).sum())
        if not math.isfinite(total) or total > 1e306:
            raise ParameterError(f"the couplings and fields sum to {total:.3g} in magnitude (sum |J| + |h|), so energies "
                                 "leave the double range; allowed: sum |J| + |h| <= 1e306 (rescale the weights)")
        keep = summed != 0.0
        uniq, summed = uniq[keep], summed[keep]
        r = uniq // max(n, 1)
        c = uniq % max(n, 1)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, r + 1, 1)
        np.cumsum(indptr, out=indptr)
        return cls(indptr, c.astype(np.int32), summed.astype(np.float64), hh,
                   None if labels is None else tuple(labels))

    def energy(self, spins) -> np.ndarray:
        """``H(s)`` of one state (n,) or many (R, n), recomputed from scratch (vectorised)."""
        s = np.asarray(spins, dtype=np.float64)
        one = s.ndim == 1
        s2 = np.atleast_2d(s)
        if s2.shape[1] != self.n:
            raise ParameterError(f"spins have {s2.shape[1]} columns; allowed: {self.n}")
        rows = np.repeat(np.arange(self.n), np.diff(self.indptr))
        pair = s2[:, rows] * s2[:, self.indices] * self.data  # both directions: 2 x sum_{i<j}
        e = -0.5 * pair.sum(axis=1) - s2 @ self.h
        return e[0] if one else e


def _row_sums(problem: IsingProblem, values) -> np.ndarray:
    """Per-spin sums of ``values`` (nnz,) over each CSR row; 0 for a spin without couplings (any position)."""
    rows = np.repeat(np.arange(problem.n), np.diff(problem.indptr))
    return np.bincount(rows, weights=np.asarray(values, dtype=np.float64), minlength=problem.n)


def ising_energy(problem: IsingProblem, spins) -> np.ndarray:
    """``H(s)`` recomputed from scratch; see :meth:`IsingProblem.energy`."""
    return problem.energy(spins)


# --------------------------------------------------------------------------- schedules

#: Cold end of the default range for ``fn`` and ``linear``: ``beta_cold = COLD_FIELD_UNITS / sigma_f``
#: with ``sigma_f`` the RMS local field of random spins (tuned on the G-set, see module notes).
COLD_FIELD_UNITS = 6.5
#: Default FN time constant ``t0`` as a fraction of the anneal (``t0 = FN_T0_FRACTION * (S_a - 1)`` sweeps).
FN_T0_FRACTION = 1.0
#: Default read-out hold: the last ``READOUT_FRACTION`` of the sweeps run at ``READOUT_FACTOR * beta_cold``.
READOUT_FRACTION = 0.03
READOUT_FACTOR = 5.0


def default_beta_range(problem: IsingProblem, schedule="fn", *, cold_excitation=0.01) -> tuple[float, float]:
    """Default ``(beta_hot, beta_cold)`` per unit of ``H`` (see module notes).

    * ``beta_hot = ln 2 / max_i dH_i,max``, ``dH_i,max = 2 (|h_i| + sum_j |J_ij|)``:
      every flip is accepted with probability >= 1/2 at the start (the
      dwave-samplers heuristic; not used by ``fn``, which starts at 0);
    * ``fn``, ``linear``: ``beta_cold = COLD_FIELD_UNITS / sigma_f`` with
      ``sigma_f = sqrt(mean_i (h_i^2 + sum_j J_ij^2))``, the RMS local field of
      uniformly random spins -- the scale at which the paramagnet orders is
      ``beta sigma_f ~ 1``, and the anneal ends a few times past it;
    * ``geometric``: dwave-samplers' cold end, ``ln(n_min / cold_excitation) /
      dH_min`` (``dH_min = 2 min |J or h|`` over nonzero terms, ``n_min`` spins
      having it): excitations across the smallest gap are left with
      probability ``cold_excitation`` per sweep, so ``--schedule geometric``
      reproduces that sampler's default schedule.
    """
    if schedule not in SCHEDULES:
        raise ParameterError(f"schedule={schedule!r} is unknown; allowed: {', '.join(SCHEDULES)}")
    n = problem.n
    # every sum and square is taken on the couplings divided by their largest magnitude ``scale`` (beta H is
    # invariant under J -> J/c, beta -> c beta), so weights from 1e-300 to 1e300 neither underflow nor overflow
    absd = np.abs(problem.data)
    ah = np.abs(problem.h)
    scale = max(float(absd.max()) if absd.size else 0.0, float(ah.max()) if ah.size else 0.0)
    if scale == 0.0:
        return 0.1, 1.0
    rowsum = _row_sums(problem, absd / scale) + ah / scale
    big = float(rowsum.max())
    hot = math.log(2.0) / (2.0 * big) / scale
    if schedule != "geometric":
        sq = _row_sums(problem, (absd / scale) ** 2)
        sigma = math.sqrt(float(np.mean(sq + (ah / scale) ** 2)))
        return _in_range(hot, max(COLD_FIELD_UNITS / sigma / scale, hot), scale)
    per_min = np.full(n, np.inf)  # smallest nonzero |term| per spin
    if absd.size:
        rows = np.repeat(np.arange(n), np.diff(problem.indptr))
        np.minimum.at(per_min, rows, absd)
    ah = np.abs(problem.h)
    per_min = np.where(ah > 0, np.minimum(per_min, ah), per_min)
    finite = per_min[np.isfinite(per_min)]
    small = float(finite.min())
    n_min = int(np.sum(finite == small))
    cold = math.log(n_min / cold_excitation) / (2.0 * (small / scale)) / scale
    return _in_range(hot, max(cold, hot), scale, small)


def _in_range(hot: float, cold: float, scale: float, small: float | None = None) -> tuple[float, float]:
    """The default range if it is a pair of finite normal doubles; else a one-line refusal naming the weights."""
    if all(math.isfinite(b) and b >= 2.2250738585072014e-308 for b in (hot, cold)):
        return hot, cold
    span = f"{small:.3g}..{scale:.3g}" if small is not None else f"up to {scale:.3g}"
    raise ParameterError(f"the couplings' magnitudes ({span}) put the default beta range at ({hot:.3g}, {cold:.3g}) per "
                         "unit of H, outside the double range; allowed: weights (and fields) between about 1e-300 and "
                         "1e300 -- rescale them -- or an explicit beta_range (--beta-range)")


def beta_schedule(schedule: str, sweeps: int, beta_hot: float, beta_cold: float, *, fn_t0_sweeps=None,
                  readout_fraction=0.0, readout_factor=1.0):
    """Per-sweep inverse temperatures ``beta_k`` (per unit of ``H``) and the schedule's parameters.

    The first ``S_a = S - S_r`` sweeps anneal, the last ``S_r =
    round(readout_fraction * S)`` hold ``readout_factor * beta_cold`` (the
    read-out hold: the tilt is raised so that the memories settle in the
    nearest minimum before they are read).  The anneal:

    * ``linear`` / ``geometric``: from ``beta_hot`` (sweep 0) to ``beta_cold`` (sweep ``S_a - 1``);
    * ``fn``: ``beta(t) = beta0 ln(1 + t/t0)`` at ``t = k`` sweeps, ``t0 =
      fn_t0_sweeps`` (default ``FN_T0_FRACTION * (S_a - 1)``), ``beta0`` such
      that sweep ``S_a - 1`` runs at ``beta_cold``.  The FN annealer starts from
      an untilted array (``beta = 0``), so ``beta_hot`` is not used.

    Returns
    -------
    (betas, params) : float64 array (sweeps,) and a dict describing the
    schedule (for ``fn`` also ``beta0`` and ``t0_sweeps``).
    """
    if schedule not in SCHEDULES:
        raise ParameterError(f"schedule={schedule!r} is unknown; allowed: {', '.join(SCHEDULES)}")
    sweeps = _check_count("sweeps", sweeps)
    beta_hot = check_positive("beta_hot", beta_hot)
    beta_cold = check_positive("beta_cold", beta_cold)
    if beta_cold < beta_hot:
        raise ParameterError(f"beta_range=({beta_hot!r}, {beta_cold!r}) decreases; allowed: beta_hot <= beta_cold")
    rf = check_positive("readout_fraction", readout_fraction, allow_zero=True)
    if rf >= 1.0:
        raise ParameterError(f"readout_fraction={readout_fraction!r} is out of range; allowed: 0 <= readout_fraction < 1")
    rfac = check_positive("readout_factor", readout_factor)
    n_read = min(int(round(rf * sweeps)), sweeps - 1)
    sa = sweeps - n_read
    k = np.arange(sa, dtype=np.float64)
    params = {"schedule": schedule, "beta_hot": beta_hot, "beta_cold": beta_cold,
              "anneal_sweeps": sa, "readout_sweeps": n_read, "readout_beta": rfac * beta_cold if n_read else None}
    if schedule == "fn":
        t0 = FN_T0_FRACTION * max(sa - 1, 1) if fn_t0_sweeps is None else check_positive("fn_t0_sweeps", fn_t0_sweeps)
        params.pop("beta_hot")
        beta0 = beta_cold if sa == 1 else beta_cold / math.log1p((sa - 1) / t0)
        params.update(beta0=beta0, t0_sweeps=t0)
        betas = np.array([beta_cold]) if sa == 1 else beta0 * np.log1p(k / t0)
    elif sa == 1:
        betas = np.array([beta_cold])
    elif schedule == "linear":
        betas = beta_hot + (beta_cold - beta_hot) * (k / (sa - 1))
    elif math.isfinite(beta_cold / beta_hot):
        betas = beta_hot * (beta_cold / beta_hot) ** (k / (sa - 1))
    else:  # the ratio overflows although both ends are finite: the same geometric sequence in logs
        lh = math.log(beta_hot)
        betas = np.exp(lh + (math.log(beta_cold) - lh) * (k / (sa - 1)))
    betas = np.concatenate([betas, np.full(n_read, rfac * beta_cold)])
    return betas.astype(np.float64), params


# --------------------------------------------------------------------------- kernel

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


@njit(cache=True, parallel=True, nogil=True)  # nogil: the CLI's progress display keeps running meanwhile
def _anneal_reads(indptr, indices, data, h, betas, spins, seeds, H_target, glauber, int_max,
                  best_spins, out_f, out_i):
    """Anneal every read (row of ``spins``, in place); energy books in kT.  See module notes.

    ``int_max > 0`` (Metropolis only) declares integer couplings and fields with
    ``|h_i| + sum_j |J_ij| <= int_max``: the local fields are then exact
    integers, ``dH = 2 m`` with integer ``m = s_i f_i``, and the acceptance
    ``exp(-beta * 2m)`` is read from a per-sweep table filled with the very
    same expression -- bit-identical decisions, one exponential per level
    instead of one per attempt.
    """
    R, N = spins.shape
    S = betas.shape[0]
    use_table = int_max > 0 and not glauber
    for r in prange(R):
        table = np.empty(max(int_max, 0) + 1)
        s = spins[r]
        state = seeds[r]
        f = np.empty(N)
        for i in range(N):
            acc = h[i]
            for p in range(indptr[i], indptr[i + 1]):
                acc += data[p] * s[indices[p]]
            f[i] = acc
        H = _energy_csr(indptr, indices, data, h, s)
        out_f[r, _F_H0] = H
        beta_prev = betas[0]
        out_f[r, _F_USTART] = beta_prev * H
        W = 0.0
        Q = 0.0
        best = H
        best_spins[r, :] = s
        flips = 0
        nnz = 0
        reached = H <= H_target
        if reached:
            out_i[r, _I_ATT_T] = 0
            out_i[r, _I_FLIPS_T] = 0
            out_i[r, _I_NNZ_T] = 0
            out_f[r, _F_QT] = 0.0
        for k in range(S):
            beta = betas[k]
            W += (beta - beta_prev) * H  # work at fixed state when the landscape changes
            beta_prev = beta
            dsum = 0.0
            mcut = 0
            if use_table:
                # levels m = 1..mcut with beta * 2m < _SKIP_X get a table entry; above: rejected
                for m in range(1, int_max + 1):
                    x = beta * (2.0 * m)
                    if x >= _SKIP_X:
                        break
                    table[m] = math.exp(-x)
                    mcut = m
            for i in range(N):
                si = s[i]
                dH = 2.0 * si * f[i]
                if use_table:
                    m = int(si * f[i])
                    if m > 0:
                        if m > mcut:
                            continue
                        state, u = next_u01_mid(state)
                        if u >= table[m]:
                            continue
                elif glauber:
                    x = beta * dH
                    if x >= _SKIP_X:
                        continue
                    if x > -_SKIP_X:
                        state, u = next_u01_mid(state)
                        if u * (1.0 + math.exp(x)) >= 1.0:
                            continue
                else:
                    x = beta * dH
                    if x > 0.0:
                        if x >= _SKIP_X:
                            continue
                        state, u = next_u01_mid(state)
                        if u >= math.exp(-x):
                            continue
                # flip: s_i -> -s_i, neighbours' fields change by J_ij * (-2 s_i)
                s[i] = -si
                two = -2.0 * si
                p0 = indptr[i]
                p1 = indptr[i + 1]
                for p in range(p0, p1):
                    f[indices[p]] += data[p] * two
                H += dH
                dsum += dH
                flips += 1
                nnz += p1 - p0
                if not reached and H <= H_target:
                    reached = True
                    out_f[r, _F_QT] = Q - beta * dsum
                    out_i[r, _I_ATT_T] = k * N + i + 1
                    out_i[r, _I_FLIPS_T] = flips
                    out_i[r, _I_NNZ_T] = nnz
                    best = H
                    best_spins[r, :] = s
            Q -= beta * dsum  # heat released by this sweep's flips, sum of -beta dH
            if H < best:
                best = H
                best_spins[r, :] = s
        H_end = _energy_csr(indptr, indices, data, h, s)  # recomputed, not the running sum
        out_f[r, _F_UEND] = beta_prev * H_end
        out_f[r, _F_W] = W
        out_f[r, _F_Q] = Q
        out_f[r, _F_HEND] = H_end
        out_f[r, _F_HTRACK] = H
        out_f[r, _F_BEST] = _energy_csr(indptr, indices, data, h, best_spins[r])
        out_i[r, _I_FLIPS] = flips
        out_i[r, _I_NNZ] = nnz
        out_i[r, _I_REACHED] = 1 if reached else 0


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


# --------------------------------------------------------------------------- result

@dataclass
class AnnealResult(ArrayBooks, Display):
    """Outcome of :func:`anneal`: states, energies and the energy books of every read.

    Energies of the problem (``energies``, ``best_energies``) are in units of
    ``H``; energy books (``heat_kT`` ...) in kT per read, converted to joules
    by the ``*_J`` properties.  ``attempts_to_target`` etc. are ``-1`` for a
    read that never reached ``target_energy``.  ``first_law_residuals`` (per
    read), ``first_law_residual`` (largest) and ``ledger`` (summed over reads)
    come from :class:`~limbound.sim.ledger.ArrayBooks`, with ``U_end_kT``
    recomputed from the final state.
    """

    samples: np.ndarray            # (R, n) int8, final states
    best_samples: np.ndarray       # (R, n) int8, lowest-H state seen at a sweep end (or at the target)
    energies: np.ndarray           # (R,) H(final), recomputed
    best_energies: np.ndarray      # (R,) H(best_samples), recomputed
    initial_energies: np.ndarray   # (R,) H(initial random state)
    heat_kT: np.ndarray            # (R,) Q, heat released to the bath
    work_kT: np.ndarray            # (R,) W, protocol work
    U_start_kT: np.ndarray         # (R,) beta_0 H(initial)
    U_end_kT: np.ndarray           # (R,) beta_last H(final) (recomputed)
    tracked_energies: np.ndarray   # (R,) H from the running sum of dH (consistency check)
    flips: np.ndarray              # (R,) accepted flips
    nnz_touched: np.ndarray        # (R,) CSR nonzeros updated by flips
    reached: np.ndarray            # (R,) bool, target reached
    heat_to_target_kT: np.ndarray  # (R,) NaN if not reached
    attempts_to_target: np.ndarray  # (R,) -1 if not reached
    flips_to_target: np.ndarray
    nnz_to_target: np.ndarray
    betas: np.ndarray              # (S,) per unit of H
    schedule: dict
    n: int
    sweeps: int
    reads: int
    seed: int
    target_energy: float | None
    acceptance: str
    T_K: float
    f0_hz: float
    barrier_kT: float
    wall_time_s: float
    extra: dict = field(default_factory=dict)

    # ---- derived quantities
    @property
    def kT_J(self) -> float:
        return float(kT(self.T_K))

    @property
    def sweep_time_s(self) -> float:
        """Physical duration of a sweep, ``exp(E_b/kT)/f0`` (module notes)."""
        return math.exp(self.barrier_kT) / self.f0_hz

    @property
    def attempts(self) -> int:
        """Spin updates per read (one attempt per spin per sweep)."""
        return self.sweeps * self.n

    @property
    def spin_updates_per_s(self) -> float:
        return self.reads * self.attempts / self.wall_time_s if self.wall_time_s > 0 else math.inf

    @property
    def heat_J(self) -> np.ndarray:
        return self.heat_kT * self.kT_J

    @property
    def work_J(self) -> np.ndarray:
        return self.work_kT * self.kT_J

    def energy_to_target_J(self) -> float | None:
        """Mean heat (J) a read dissipated until it first reached the target; ``None`` if no read did."""
        if self.target_energy is None or not np.any(self.reached):
            return None
        return float(np.mean(self.heat_to_target_kT[self.reached])) * self.kT_J

    def energy_to_solution_99_J(self) -> float | None:
        """Heat to reach the target with 99 % confidence by independent restarts, ``<Q_read> * max(1, ln 0.01 / ln(1 - p))``.

        The restart factor is ``counting.restarts_for_99`` (shared with ``report.ladder.tts99_s``).

        ``p`` the fraction of reads that reached the target, ``<Q_read>`` the
        mean heat of a whole read (the energy analogue of the time-to-solution
        TTS99 of Ising-machine benchmarks, e.g. Hamerly et al., Sci. Adv. 5,
        eaau0823 (2019)); ``None`` if no read reached it.
        """
        if self.target_energy is None or not np.any(self.reached):
            return None
        runs = restarts_for_99(float(np.mean(self.reached)))
        return float(np.mean(self.heat_kT)) * self.kT_J * runs

    def priced(self) -> dict:
        """The whole run and the solve-to-target priced in every paradigm (J, summed over reads / mean per successful read)."""
        run = price_operations(self.reads * self.attempts, int(self.flips.sum()), int(self.nnz_touched.sum()),
                               T_K=self.T_K, sweep_time_s=self.sweep_time_s, f0_hz=self.f0_hz)
        run["lim_measured_J"] = float(self.heat_kT.sum()) * self.kT_J
        out = {"run_all_reads": run, "to_target_mean_per_read": None}
        if self.target_energy is not None and np.any(self.reached):
            m = self.reached
            tgt = price_operations(float(self.attempts_to_target[m].mean()), float(self.flips_to_target[m].mean()),
                                   float(self.nnz_to_target[m].mean()), T_K=self.T_K, sweep_time_s=self.sweep_time_s,
                                   f0_hz=self.f0_hz)
            tgt["lim_measured_J"] = self.energy_to_target_J()
            out["to_target_mean_per_read"] = tgt
        return out

    def second_law_floor_J(self) -> dict:
        """THEORY §6 floor for the mean heat per read, from the final states (see :func:`second_law_floor_kT`).

        ``second_law_holds`` is false only when the mean heat is clearly below
        the floor, ``mean + 3 SE < floor`` (the test of
        :attr:`limbound.solvers.lim_memory.MemoryBooks.second_law_holds`; SE is
        0 with a single read).
        """
        z2 = bool(self.extra.get("z2_symmetric", False))
        floor_J = second_law_floor_kT(self.samples, z2_symmetric=z2) * self.kT_J
        q = self.heat_kT
        se = float(q.std(ddof=1) / math.sqrt(q.size)) if q.size > 1 else 0.0
        mean_J, se_J = float(q.mean()) * self.kT_J, se * self.kT_J
        return {"floor_J": floor_J, "mean_heat_J": mean_J, "mean_heat_stderr_J": se_J,
                "second_law_holds": bool(mean_J + 3.0 * se_J >= floor_J),
                "z2_symmetric": z2,
                "note": "kT (N ln2 - sum_i H_i(final)), runs start uniformly random; H_i an upper estimate of spin i's "
                        "final marginal entropy over reads (lim_memory.final_entropy_upper: max of Miller-Madow and "
                        "the max-entropy bound from the spread, clipped at ln 2, + 2 SE on the sum; or, if larger, "
                        "n phi(mean read-pair disagreement + 2 jackknife SE), phi concave; floor 0 below 4 reads); for H(s) = H(-s) the states are first mapped to s_0 = +1 and the floor is "
                        "kT ((N-1) ln2 - sum_{i>0} H_i). Valid for the mean heat: second_law_holds is "
                        "mean + 3 SE >= floor."}

    def floor(self) -> dict:
        """THEORY §8a floor of the mean heat per read, its parts, tightness and whether the mean heat clears it.

        * entropy part ``kT [N ln 2 - S_tau(upper)]``: the larger of the tree (Chow-Liu) bound on a maximum-``|J|``
          spanning tree fixed from the couplings alone (:func:`limbound.stats.tree_entropy_upper`, jackknife +
          2 SE) and the marginal floor of :meth:`second_law_floor_J`; both are conservative, so is the larger;
        * speed part ``2 kT W1^2 / A``: ``W1 >= sum_i max(0, |p_i(+) - 1/2| - 3 SE)`` (spins start at 1/2, THEORY
          §8a spin form), ``A <=`` mean flips per read + 3 SE (every flip is one hop).

        Runs must start uniformly random (the default) and have >= :data:`MIN_FLOOR_READS` reads; otherwise 0.
        ``floor_holds``: mean heat + 3 SE >= floor.
        """
        from ..stats import MARGIN_Z, activity_upper_counted, mean_se, tree_entropy_upper

        k = self.kT_J
        q_mean, q_se = mean_se(self.heat_kT) if self.reads > 0 else (0.0, 0.0)
        ent = spd = 0.0
        tree_nats = None
        if self.extra.get("random_start", True) and self.reads >= MIN_FLOOR_READS and self.n > 0:
            tree = self.extra.get("floor_tree")
            if tree is not None and len(tree):
                tree_nats = tree_entropy_upper(self.samples, tree)["upper_nats"]
                ent = self.n * math.log(2.0) - tree_nats
            ent = max(ent, self.second_law_floor_J()["floor_J"] / k)
            up = (self.samples > 0).astype(float)
            p = up.mean(axis=0)
            se = up.std(axis=0, ddof=1) / math.sqrt(self.reads)
            w1 = float(np.sum(np.maximum(0.0, np.abs(p - 0.5) - MARGIN_Z * se)))
            a_up = activity_upper_counted(self.flips.astype(float))
            spd = 2.0 * w1 * w1 / a_up if a_up > 0 else 0.0
        f = ent + spd
        return {"floor_J": f * k, "floor_parts": {"entropy_J": ent * k, "speed_J": spd * k},
                "tree_entropy_upper_nats": tree_nats,
                "mean_heat_J": q_mean * k, "mean_heat_stderr_J": q_se * k,
                "tightness": q_mean / f if f > 0 else math.inf,
                "floor_holds": bool(q_mean + 3.0 * q_se >= f),
                "method": "THEORY §8a: kT [N ln2 - S_tau(upper)] + 2 kT W1^2/A; S_tau by the tree bound on a "
                          "maximum-|J| spanning tree fixed from the couplings (jackknife + 2 SE) or the marginal "
                          "estimate, whichever gives the larger floor; W1 spin form minus 3 SE; A = flips + 3 SE"}

    def _records(self) -> list:
        """One row per read (notebooks: ``to_pandas()``, ``_repr_html_``): measured heat and work in J."""
        heat, work = self.heat_J, self.work_J
        return [{"read": r, "energy": float(self.energies[r]), "best_energy": float(self.best_energies[r]),
                 "heat_J (measured)": float(heat[r]), "work_J": float(work[r]), "flips": int(self.flips[r]),
                 **({"reached_target": bool(self.reached[r])} if self.target_energy is not None else {})}
                for r in range(self.reads)]

    def _title(self) -> str:
        return (f"AnnealResult: {self.n} spins, {self.reads} reads x {self.sweeps} sweeps, best energy "
                f"{float(np.min(self.best_energies)) if self.reads else float('nan'):g}, mean heat per read "
                f"{float(np.mean(self.heat_J)) if self.reads else float('nan'):.3g} J (measured)")

    def as_dict(self) -> dict:
        """JSON-ready summary (no per-spin arrays)."""
        k = self.kT_J
        return {
            "n_spins": self.n, "sweeps": self.sweeps, "reads": self.reads, "seed": self.seed,
            "acceptance": self.acceptance, "schedule": dict(self.schedule),
            "lambda_range_J": [float(self.betas[0]) * k, float(self.betas[-1]) * k],
            "temperature_K": self.T_K, "f0_hz": self.f0_hz, "barrier_kT": self.barrier_kT,
            "sweep_time_s": self.sweep_time_s, "anneal_time_s": self.sweeps * self.sweep_time_s,
            "best_energy": float(self.best_energies.min()), "mean_energy": float(self.energies.mean()),
            "energy_dissipated_J": float(self.heat_kT.sum()) * k,
            "energy_dissipated_per_read_J": float(self.heat_kT.mean()) * k,
            "heat_per_read_J": (self.heat_kT * k).tolist(),
            "work_J": float(self.work_kT.sum()) * k,
            "delta_U_J": float((self.U_end_kT - self.U_start_kT).sum()) * k,
            "first_law_residual": self.first_law_residual,
            "target_energy": self.target_energy,
            "target_reached_reads": int(self.reached.sum()) if self.target_energy is not None else None,
            "energy_to_target_J": self.energy_to_target_J(),
            "success_probability": float(np.mean(self.reached)) if self.target_energy is not None else None,
            "energy_to_solution_99_J": self.energy_to_solution_99_J(),
            "time_to_target_s": (float(self.attempts_to_target[self.reached].mean()) / self.n * self.sweep_time_s
                                 if self.target_energy is not None and np.any(self.reached) else None),
            "spin_updates": self.reads * self.attempts, "flips": int(self.flips.sum()),
            "spin_updates_per_s": self.spin_updates_per_s, "time_s": self.wall_time_s,
            "priced": self.priced(), "second_law": self.second_law_floor_J(), "floor": self.floor(),
            "definitions": dict(JSON_DEFINITIONS),
        }


#: What the energy keys of :meth:`AnnealResult.as_dict` (and the ``anneal`` CLI JSON) mean.
JSON_DEFINITIONS = {
    "energy_dissipated_J": "heat released to the bath, summed over all reads (J)",
    "energy_dissipated_per_read_J": "heat released by one read, mean over reads (J) = energy_dissipated_J / reads",
    "energy_to_target_J": "per read: heat a read released until its energy first reached the target, mean over "
                          "the reads that reached it (J); null if none did",
    "energy_to_solution_99_J": "per solve: mean heat of a whole read times the restarts needed for 99 % success (J)",
    "work_J": "protocol work, summed over all reads (J)",
    "priced.run_all_reads": "the whole run, all reads, in every paradigm (J)",
    "priced.to_target_mean_per_read": "per read, mean over the reads that reached the target (J)",
}


# --------------------------------------------------------------------------- front door

#: Largest energy-book magnitude (kT) a read may reach: per-read heats, their sums over reads and their
#: squares (standard errors) then stay far inside the double range.
BOOKS_MAX_KT = 1e100
#: Share of the physical memory an anneal may plan to allocate.
MEMORY_FRACTION = 0.5


def check_time_scale(f0_hz, barrier_kT, T_K, *, names=("f0_hz", "barrier_kT", "T_K")) -> float:
    """Validate the physical time scale of an anneal; return ``sweep_time_s = exp(E_b/kT) / f0``.

    Refused (one line naming the argument by ``names``, before any work):
    non-finite or non-positive ``f0_hz`` / ``T_K``, negative ``barrier_kT``; a
    sweep time outside the double range (``|E_b - ln(f0 s)| > 700``); an
    attempt frequency so low that ``f0 T_ret < d_ret`` (10 years, 1e-6): a
    static memory would then need no barrier to retain (``E_ret = ln(f0
    T_ret / d_ret) < 0``, THEORY §1) and the static-CIM price is undefined;
    and any time scale at which the prices of a spin update (LIM, static
    CIM; THEORY §2b, §2c) are not finite.
    """
    nf, nb, nt = names
    f0 = check_positive(nf, f0_hz)
    Eb = check_positive(nb, barrier_kT, allow_zero=True)
    T = check_positive(nt, T_K)
    log_dt = Eb - math.log(f0)
    if abs(log_dt) > 700.0:
        raise ParameterError(f"{nb}={barrier_kT!r} with {nf}={f0_hz!r} gives a sweep time exp(barrier)/f0 = "
                             f"e^{log_dt:.6g} s, outside the double range; allowed: |barrier - ln(f0 * 1 s)| <= 700")
    if float(retention_barrier_kT(RETENTION_DEFAULT_S, D_RET_DEFAULT, f0)) < 0.0:
        raise ParameterError(f"{nf}={f0_hz!r} is too low: f0 T_ret < d_ret, a static memory would need no barrier "
                             f"(THEORY §1); allowed: {nf} >= {D_RET_DEFAULT / RETENTION_DEFAULT_S:.3g} /s")
    dt = math.exp(log_dt)
    try:
        with np.errstate(all="raise", under="ignore"):
            prices = (float(lim_per_op_J(1, dt, T, f0_hz=f0)), float(static_per_op_J(1, dt, T, f0_hz=f0)))
    except (FloatingPointError, OverflowError, ParameterError):
        prices = (math.inf,)
    if not all(math.isfinite(x) for x in prices):
        raise ParameterError(f"{nf}={f0_hz!r}, {nb}={barrier_kT!r}, {nt}={T_K!r}: the energy of a spin update at this "
                             f"time scale is not finite; allowed: a sweep time exp(barrier)/f0 and f0 T_ret in double range")
    return dt


def physical_memory_bytes() -> int:
    """This machine's physical memory (bytes; 16 GiB where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 16 * 2**30


def check_memory(n, sweeps, reads) -> int:
    """Refuse an anneal whose arrays would not fit: ``~ 32 S + 4 R n + 256 R`` bytes against half the RAM.

    (per-sweep schedule and its temporaries, 8 B each x 4; states, best
    states and their initial draw, 1 B each; per-read books.)  Returns the
    estimate in bytes.
    """
    need = 32 * int(sweeps) + 4 * int(reads) * int(n) + 256 * int(reads)
    limit = int(MEMORY_FRACTION * physical_memory_bytes())
    if need > limit:
        raise ParameterError(f"sweeps={sweeps}, reads={reads} on {n} spins need about {need / 2**30:.3g} GiB "
                             f"(32 B per sweep, 4 B per spin per read); allowed: at most {limit / 2**30:.3g} GiB "
                             f"({MEMORY_FRACTION:g} of this machine's memory): fewer sweeps or reads")
    return need


def check_books_range(problem: IsingProblem, betas, sweeps) -> float:
    """Refuse a schedule whose energy books could leave the double range; return their bound in kT.

    Each flip releases ``|beta dH_i| <= beta_max dH_i,max`` (``dH_i,max = 2 (|h_i| +
    sum_j |J_ij|)``), at most ``n`` flips per sweep, so ``|Q|``, ``|W|`` and ``|U|`` of a
    read are at most ``B = sweeps * beta_max * sum_i dH_i,max``; ``B`` must not
    exceed :data:`BOOKS_MAX_KT`.
    """
    bmax = float(np.max(betas)) if len(betas) else 0.0
    dH = 2.0 * (_row_sums(problem, np.abs(problem.data)) + np.abs(problem.h))
    with np.errstate(over="ignore"):
        bound = float(sweeps) * bmax * float(dH.sum())
    if not bound <= BOOKS_MAX_KT:
        raise ParameterError(f"beta up to {bmax:.3g} per unit of H over {sweeps} sweeps lets the energy books reach "
                             f"{bound:.3g} kT; allowed: sweeps * beta_max * sum_i 2(|h_i| + sum_j |J_ij|) <= "
                             f"{BOOKS_MAX_KT:.0e} (a smaller beta_range)")
    return bound


def _check_count(name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name}={value!r} is out of range; allowed: integers >= {minimum}")
    return int(value)


def anneal(problem: IsingProblem, *, sweeps=1000, reads=16, schedule="fn", beta_range=None,
           seed=0, target_energy=None, acceptance="metropolis", T_K=T_DEFAULT_K, f0_hz=F0_DEFAULT_HZ,
           barrier_kT=0.0, initial_states=None, betas=None, fn_t0_sweeps=None,
           readout_fraction=READOUT_FRACTION, readout_factor=READOUT_FACTOR) -> AnnealResult:
    """Anneal ``reads`` independent copies of the memory array and keep exact energy books.

    Parameters
    ----------
    problem : IsingProblem
    sweeps : int >= 1, attempts per spin per read
    reads : int >= 1, independent runs (each from uniformly random spins)
    schedule : 'fn' (default) | 'linear' | 'geometric' (module notes)
    beta_range : (beta_hot, beta_cold) per unit of ``H``; default :func:`default_beta_range`
    fn_t0_sweeps : FN time constant in sweeps (default ``FN_T0_FRACTION * (anneal sweeps - 1)``)
    readout_fraction, readout_factor : the read-out hold, the last
        ``readout_fraction`` of the sweeps at ``readout_factor * beta_cold``
        (default 3 % at 5x; ``readout_fraction=0`` turns it off)
    seed : int >= 0; read ``r`` uses its own stream spawned from it, so results
        do not depend on the number of threads
    target_energy : float, optional; the heat, spin updates, flips and nonzeros
        until ``H <= target_energy`` is first met are recorded per read
    acceptance : 'metropolis' | 'glauber'
    T_K : bath temperature, K (converts kT books to J)
    f0_hz, barrier_kT : attempt frequency and barrier (above the upper well);
        set the physical sweep time ``exp(E_b/kT)/f0``
    initial_states : optional int array (reads, n) of +-1; default uniformly random
    betas : optional float array (sweeps,) of per-sweep ``beta >= 0``, a custom
        schedule (then ``schedule`` and ``beta_range`` are ignored and
        recorded as ``'custom'``)

    Returns
    -------
    AnnealResult
    """
    if not isinstance(problem, IsingProblem):
        raise ParameterError(f"problem={type(problem).__name__} is not an IsingProblem")
    sweeps = _check_count("sweeps", sweeps)
    reads = _check_count("reads", reads)
    seed = _check_count("seed", seed, minimum=0)
    if acceptance not in ACCEPTANCES:
        raise ParameterError(f"acceptance={acceptance!r} is unknown; allowed: {', '.join(ACCEPTANCES)}")
    T_K, f0_hz, barrier_kT = float(T_K), float(f0_hz), float(barrier_kT)
    check_time_scale(f0_hz, barrier_kT, T_K)
    check_memory(problem.n, sweeps, reads)
    if betas is not None:
        betas = np.array(betas, dtype=np.float64).ravel()
        if betas.shape != (sweeps,):
            raise ParameterError(f"betas has shape {betas.shape}; allowed: ({sweeps},), one per sweep")
        check_positive("betas", betas, allow_zero=True)
        sched = {"schedule": "custom"}
    else:
        if beta_range is None:
            beta_range = default_beta_range(problem, schedule)
        try:
            b_hot, b_cold = (float(b) for b in beta_range)
        except (TypeError, ValueError):
            raise ParameterError(f"beta_range={beta_range!r} is not a pair of numbers; allowed: (beta_hot, beta_cold) > 0") from None
        betas, sched = beta_schedule(schedule, sweeps, b_hot, b_cold, fn_t0_sweeps=fn_t0_sweeps,
                                     readout_fraction=readout_fraction, readout_factor=readout_factor)
    check_books_range(problem, betas, sweeps)
    if target_energy is not None:
        target_energy = check_finite("target_energy", target_energy)
    n = problem.n
    ss = np.random.SeedSequence(seed)
    spin_ss, kern_ss = ss.spawn(2)
    if initial_states is None:
        spins = (np.random.default_rng(spin_ss).integers(0, 2, size=(reads, n), dtype=np.int8) * 2 - 1).astype(np.int8)
    else:
        spins = np.array(initial_states, dtype=np.int8)
        if spins.shape != (reads, n) or not np.all(np.abs(spins) == 1):
            raise ParameterError(f"initial_states has shape {spins.shape}; allowed: ({reads}, {n}) of +-1")
    seeds = kern_ss.generate_state(reads, dtype=np.uint64)
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
    reached = out_i[:, _I_REACHED] == 1
    qt = np.where(reached, out_f[:, _F_QT], np.nan)
    return AnnealResult(
        samples=spins, best_samples=best, energies=out_f[:, _F_HEND].copy(),
        best_energies=out_f[:, _F_BEST].copy(), initial_energies=out_f[:, _F_H0].copy(),
        heat_kT=out_f[:, _F_Q].copy(), work_kT=out_f[:, _F_W].copy(),
        U_start_kT=out_f[:, _F_USTART].copy(), U_end_kT=out_f[:, _F_UEND].copy(),
        tracked_energies=out_f[:, _F_HTRACK].copy(), flips=out_i[:, _I_FLIPS].copy(),
        nnz_touched=out_i[:, _I_NNZ].copy(), reached=reached, heat_to_target_kT=qt,
        attempts_to_target=out_i[:, _I_ATT_T].copy(), flips_to_target=out_i[:, _I_FLIPS_T].copy(),
        nnz_to_target=out_i[:, _I_NNZ_T].copy(), betas=betas, schedule=sched, n=n, sweeps=sweeps,
        reads=reads, seed=seed, target_energy=target_energy, acceptance=acceptance, T_K=T_K,
        f0_hz=f0_hz, barrier_kT=barrier_kT, wall_time_s=wall,
        extra={"z2_symmetric": not bool(np.any(problem.h)), "random_start": initial_states is None,
               "floor_tree": floor_tree(problem)})


# --------------------------------------------------------------------------- pricing and floors

def floor_tree(problem: IsingProblem) -> np.ndarray:
    """Edges (E, 2) of a maximum-``|J|`` spanning forest of the coupling graph: the tree of the entropy bound,
    fixed from the problem alone, never from the reads (THEORY §8a)."""
    from ..stats import max_abs_spanning_tree

    rows = np.repeat(np.arange(problem.n), np.diff(problem.indptr))
    upper = rows < problem.indices
    return max_abs_spanning_tree(problem.n, rows[upper], problem.indices[upper], problem.data[upper])


def _accelerator_e_flop_J() -> tuple[float, str]:
    """Energy per FLOP of the reference accelerator: H100 SXM, BF16 dense, from the hardware catalog (THEORY §2d)."""
    from .. import catalogs
    hw = catalogs.accelerator("h100-sxm")
    return float(hw.energy_per_flop_J("bf16")), f"catalog h100-sxm ({hw.name}), bf16 dense: {hw.source}"


def price_operations(spin_updates, flips, nnz_touched, *, T_K=T_DEFAULT_K, sweep_time_s=1.0 / F0_DEFAULT_HZ,
                     f0_hz=F0_DEFAULT_HZ) -> dict:
    """Price a solve's operation counts in the other paradigms (THEORY §2a, §2c, §2d), in joules.

    * Landauer: ``spin_updates * kT ln 2`` (each spin update overwrites one bit, ``b = 1``);
    * static CIM: ``flips * e_static(b=1, dt=sweep_time_s, f0=f0_hz)`` (only flips write a level);
    * accelerator: ``(2 spin_updates + 2 nnz_touched) * e_FLOP`` (module notes);
    * LIM estimate, predicted before the run (THEORY §6, item 2):
      ``spin_updates * e_LIM(b=1, dt=sweep_time_s, f0=f0_hz)``, to set beside the measured heat.

    ``f0_hz`` is the memories' attempt frequency (the same one that set
    ``sweep_time_s``): the static and LIM prices depend on ``f0 dt`` and on
    ``f0 T_ret``.

    Example
    -------
    One spin update at 300 K on the Landauer reference is ``kT ln 2``:

    >>> round(price_operations(1, 0, 0)["landauer_J"] * 1e21, 3)
    2.871
    """
    su = check_positive("spin_updates", spin_updates, allow_zero=True)
    fl = check_positive("flips", flips, allow_zero=True)
    nz = check_positive("nnz_touched", nnz_touched, allow_zero=True)
    f0_hz = check_positive("f0_hz", f0_hz)
    e_flop, src = _accelerator_e_flop_J()
    flops = 2.0 * su + 2.0 * nz
    e_static = float(static_per_op_J(1, sweep_time_s, T_K, f0_hz=f0_hz))
    return {
        "spin_updates": su, "flips": fl, "flops": flops,
        "landauer_J": su * float(landauer_per_op_J(1, T_K)),
        "static_cim_J": fl * e_static,
        "static_cim_per_write_J": e_static,
        "accelerator_J": flops * e_flop, "accelerator_e_flop_J": e_flop, "accelerator": src,
        "lim_estimate_J": su * float(lim_per_op_J(1, sweep_time_s, T_K, f0_hz=f0_hz)),
    }


#: Fewer reads give no second-law floor (0): the jackknife of the read-pair estimate needs a few reads
#: (measured with 3 reads on 202 free spins: floor above mean heat + 3 SE in 1 of 100 seeds; 0 of 100 with 4).
MIN_FLOOR_READS = 4


def _binary_entropy_upper(bits_RN) -> float:
    """Upper estimate (nats) of ``sum_i H(p_i)`` for binary columns, from the read-pair disagreement.

    ``g_i = 2 p_i (1 - p_i)`` (the chance that two independent reads of spin
    ``i`` disagree) has the unbiased estimate ``D_i = 2 k_i (R - k_i) / (R (R -
    1))`` (``k_i`` reads up; a U-statistic over read pairs).  The binary entropy
    is a concave function of ``g`` (``phi(g) = H_b((1 - sqrt(1 - 2g)) / 2)``;
    checked numerically on a fine grid of ``g`` in ``(0, 1/2]``), so ``sum_i H(p_i) <= n phi(mean_i g_i)``
    (Jensen).  ``mean_i g_i`` enters as ``mean_i D_i + ENTROPY_Z * SE``, SE the
    jackknife over reads (leave one read out; it makes no assumption about how
    the spins of one read are correlated, and the jackknife variance of a
    U-statistic is biased upward, Efron & Stein, Ann. Stat. 9, 586 (1981)),
    capped at 1/2.  Fewer than 3 reads: no estimate, ``n ln 2``.
    """
    x = np.asarray(bits_RN, dtype=np.int64)
    R, n = x.shape
    if n == 0:
        return 0.0
    if R < 3:
        return n * math.log(2.0)
    k = x.sum(axis=0)
    d = float(np.mean(2.0 * k * (R - k))) / (R * (R - 1))
    loo = np.empty(R)
    for r in range(R):  # leave read r out: O(n) memory
        kk = k - x[r]
        loo[r] = float(np.mean(2.0 * kk * (R - 1 - kk))) / ((R - 1) * (R - 2))
    se = math.sqrt((R - 1) / R * float(np.sum((loo - loo.mean()) ** 2)))
    g = min(0.5, d + ENTROPY_Z * se)
    p = 0.5 * (1.0 - math.sqrt(max(0.0, 1.0 - 2.0 * g)))
    h = 0.0 if p <= 0.0 else -(p * math.log(p) + (1.0 - p) * math.log1p(-p))
    return n * min(h, math.log(2.0))


def second_law_floor_kT(final_spins, *, z2_symmetric=False) -> float:
    """THEORY §6 floor on the mean heat per read, ``N ln 2 - sum_i H_i(final)`` in kT.

    Runs start uniformly random (entropy ``N ln 2``); ``H_i`` is the entropy
    (nats) of spin ``i``'s final marginal over the reads.  A floor must not be
    raised by its estimator, so the marginals enter through the *upper*
    estimate of :func:`limbound.solvers.lim_memory.final_entropy_upper` (one
    estimator in one place, also used for the QP/training floors; per spin the
    larger of Miller-Madow and the maximum-entropy bound from the spread over
    reads, clipped at ``ln 2`` -- a binary variable cannot exceed it -- plus
    two standard errors on the sum; see that module's notes).  For binary
    spins that estimate alone is not an upper one: a spin with ``p = 1/2``
    shows all ``R`` reads equal with probability ``2**(1-R)`` and then counts
    0.18 nats, and the deficit grows like ``n`` while its allowance grows like
    ``sqrt(n)`` (measured: 202 free spins, 4 reads, the floor exceeded mean
    heat + 3 SE in 15 of 300 seeds, in all of 50 with 2 reads).  The larger of
    it and the read-pair estimate :func:`_binary_entropy_upper` is used, so
    the floor is never above the shared estimator's and is valid when either
    is.  With fewer than :data:`MIN_FLOOR_READS` reads the floor is 0.  Marginals can only lower the
    floor, so this is a valid (possibly loose) bound on the mean heat; the
    true floor is never negative, and neither is the result.

    ``z2_symmetric=True`` (no fields: ``H(s) = H(-s)``, e.g. MaxCut): the
    marginals of a symmetric distribution are 1/2 and the plain floor is
    empty.  Each final state is then first mapped to its representative with
    ``s_0 = +1``; the map is at most 2-to-1, so the joint entropy drops by at
    most ``ln 2``, and ``(N - 1) ln 2 - sum_{i>0} H_i(representatives)`` is
    again a valid floor (spin 0 of the representatives is constant, entropy 0).

    Example
    -------
    Every read ends in the same state: ``N ln 2`` minus the estimator's
    allowance for what 8 reads cannot see (``1/2 ln(2 pi e / 12) = 0.18`` nats
    per spin and ``2 sqrt(N) sqrt(psi'(7/2)) / 2 = 1.8`` nats on the sum), in bits:

    >>> round(second_law_floor_kT(np.ones((8, 10), dtype=np.int8)) / math.log(2), 2)
    4.83
    """
    s = np.asarray(final_spins)
    if s.ndim != 2:
        raise ParameterError(f"final_spins has shape {s.shape}; allowed: (reads, spins)")
    R, N = s.shape
    if z2_symmetric and N:
        s = (s * np.where(s[:, :1] > 0, 1, -1).astype(s.dtype))[:, 1:]
    n_free = s.shape[1]
    if n_free == 0 or R < MIN_FLOOR_READS:
        return 0.0
    bits = (s > 0).astype(np.int64)
    h_up = max(final_entropy_upper(bits, 2)[1], _binary_entropy_upper(bits))
    return max(0.0, float(n_free * math.log(2.0) - h_up))
