"""Estimators that make floors conservative from samples, and the statistics every check shares (THEORY §8a-c).

A floor (:mod:`limbound.physics.floors`) must not be raised by its estimator,
so each input enters through an estimate whose error goes the safe way; the
direction is stated in every docstring and tested (tests/test_stats.py):

==========================  =====================  ==========================================================
quantity                    direction              estimator
==========================  =====================  ==========================================================
final entropy ``S(p_tau)``  upper                  :func:`final_entropy_upper` (marginal sum, bias-corrected
                                                   + margin), :func:`tree_entropy_upper` (Chow-Liu tree bound
                                                   on a tree fixed without the reads, jackknife + margin)
``W1(p, q)``                lower                  :func:`w1_chain` (CDF form, exact for distributions),
                                                   :func:`w1_marginal_sum`, :func:`w1_spin`,
                                                   :func:`w1_lower_from_reads` (a fixed 1-Lipschitz test
                                                   function, mean over reads minus margin)
``W2(rho_0, rho_tau)``      exact for samples      :func:`w2_sorted` (1-D, sorted samples)
activity ``A_tau``          upper                  :func:`activity_upper_counted` (hops + margin),
                                                   :func:`activity_upper_prior` (``N z f0 tau``)
==========================  =====================  ==========================================================

Plus :func:`mean_se`, :func:`jackknife` and :func:`z_threshold` (Bonferroni).  For ``+-1`` spins (the anneal's
floor, THEORY §6): :func:`binary_entropy_upper`, :func:`spin_entropy_upper` (upper) and
:func:`w1_spin_lower_from_reads` (lower).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, polygamma

from .errors import ParameterError, check_integer, check_positive

#: standard errors added to (or taken from) an estimate to make it conservative
ENTROPY_Z = 2.0
#: standard errors of the margin of the mean-based estimates (W1 from reads, counted activity): Student's t with
#: 7 degrees of freedom puts 2 SE at the 96 % point, and the SE itself is estimated; 3 keeps >= 95 % at 8 reads
MARGIN_Z = 3.0
#: Family-wise false-alarm probability of one run of the validation suite (Bonferroni).
FAMILY_ALPHA = 0.01


# --------------------------------------------------------------------------- basics
def mean_se(a: ArrayLike) -> tuple[float, float]:
    """Mean and standard error of the mean (``ddof=1``; SE 0 for a single value).

    >>> mean_se([1.0, 2.0, 3.0])
    (2.0, 0.5773502691896258)
    """
    x = np.asarray(a, dtype=float).ravel()
    if x.size == 0:
        raise ParameterError("no values; allowed: at least one")
    return float(x.mean()), (float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else 0.0)


def z_threshold(m: int, alpha: float = FAMILY_ALPHA) -> float:
    """Bonferroni per-case threshold ``Phi^-1(1 - alpha / (2 m))`` in standard errors.

    ``m`` two-sided comparisons, family-wise false alarm ``alpha``.

    >>> round(z_threshold(40), 3), round(z_threshold(1), 3)
    (3.662, 2.576)
    """
    from scipy.stats import norm

    check_integer("m", m, minimum=1)
    if not (0.0 < alpha < 1.0):
        raise ParameterError(f"alpha={alpha!r} is out of range; allowed: 0 < alpha < 1")
    return float(norm.isf(alpha / (2.0 * m)))


def jackknife(full: float, leave_one_out: ArrayLike) -> tuple[float, float]:
    """Jackknife bias correction and standard error (Quenouille 1956; Efron & Stein, Ann. Stat. 9, 586 (1981)).

    ``full`` the estimate from all ``R`` reads, ``leave_one_out[r]`` the estimate without read ``r``.
    Returns ``(R full - (R-1) mean(loo), sqrt((R-1)/R sum (loo - mean)^2))``: a bias of the form ``c/R``
    is removed exactly.

    >>> x = np.array([1.0, 2.0, 4.0, 7.0])   # the plug-in variance (ddof=0) is biased; jackknife gives ddof=1
    >>> loo = np.array([np.var(np.delete(x, r)) for r in range(4)])
    >>> round(jackknife(np.var(x), loo)[0], 12), round(float(np.var(x, ddof=1)), 12)
    (7.0, 7.0)
    """
    loo = np.asarray(leave_one_out, dtype=float)
    R = loo.size
    if R < 2:
        raise ParameterError(f"{R} leave-one-out values; allowed: >= 2")
    m = float(loo.mean())
    return float(R * full - (R - 1) * m), math.sqrt((R - 1) / R * float(np.sum((loo - m) ** 2)))


# --------------------------------------------------------------------------- entropy (upper estimates)
@njit(cache=True)
def _column_entropies(sorted_levels):
    """Plug-in and Miller-Madow entropies (nats) of each column of a column-sorted (R, N) int array."""
    R, N = sorted_levels.shape
    plug = np.zeros(N)
    mm = np.zeros(N)
    for j in range(N):
        h = 0.0
        m = 0
        run = 1
        for r in range(1, R + 1):
            if r < R and sorted_levels[r, j] == sorted_levels[r - 1, j]:
                run += 1
            else:
                p = run / R
                h -= p * np.log(p)
                m += 1
                run = 1
        plug[j] = h
        mm[j] = h + (m - 1) / (2.0 * R)
    return plug, mm


def marginal_entropies(levels_RN: ArrayLike, n_levels: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-memory entropies over reads, ``(plug_in, miller_madow)`` in nats, MM clipped to ``[0, ln M]``.

    Direction: the plug-in estimate is biased *low* (concavity); Miller-Madow (G. Miller, 1955) removes the
    ``(m - 1)/2R`` leading term but is still low when reads miss levels.
    """
    lv = np.sort(np.asarray(levels_RN, dtype=np.int64), axis=0)
    plug, mm = _column_entropies(lv)
    return plug, np.clip(mm, 0.0, math.log(n_levels))


def final_entropy_upper(levels_RN: ArrayLike, n_levels: int) -> tuple[NDArray[np.float64], float]:
    """Upper estimate of the sum of marginal entropies (nats), the marginal-sum bound of ``S(p_tau)``.

    Direction: *upper* (``S(joint) <= sum_i H_i`` always; each ``H_i`` estimated from above).  Per memory the
    larger of Miller-Madow and the maximum-entropy bound for an integer variable of variance ``sigma^2``,
    ``1/2 ln(2 pi e (sigma^2 + 1/12))`` (Cover & Thomas 1991, §9.7), with ``sigma^2`` estimated as ``c_k s^2``
    (``k = R - 1``, ``c_k = exp(-(psi(k/2) + ln(2/k)))`` so that ``E ln(c_k s^2) = ln sigma^2`` for normal
    spreads), clipped to ``ln M``; the sum gets ``+ ENTROPY_Z sqrt(N) sqrt(psi'(k/2)) / 2`` (two standard
    errors of the ``1/2 ln s^2`` terms, memories treated as independent).  Assumption (stated, not proven):
    the spread over reads is roughly normal.

    Parameters
    ----------
    levels_RN : int array (R, N), R >= 2 independent reads of N memories
    n_levels : int, M

    Returns
    -------
    (per_memory, total)
    """
    lv = np.asarray(levels_RN)
    R, N = lv.shape
    if R < 2:
        raise ParameterError(f"reads={R} is out of range; allowed: >= 2 (a spread over reads is needed)")
    k = R - 1
    c_k = math.exp(-(float(digamma(0.5 * k)) + math.log(2.0 / k)))
    s2 = np.var(lv.astype(float), axis=0, ddof=1)
    h_gauss = 0.5 * np.log(2.0 * math.pi * math.e * (c_k * s2 + 1.0 / 12.0))
    _, mm = marginal_entropies(lv, n_levels)
    per = np.minimum(np.maximum(mm, h_gauss), math.log(n_levels))
    sd = 0.5 * math.sqrt(float(polygamma(1, 0.5 * k)))
    total = min(float(per.sum()) + ENTROPY_Z * math.sqrt(N) * sd, N * math.log(n_levels))
    return per, total


def _xlogx(c: ArrayLike) -> NDArray[np.float64]:
    c = np.asarray(c, dtype=float)
    return np.where(c > 0, c * np.log(np.where(c > 0, c, 1.0)), 0.0)


def _tree_entropy_plugin(ones: NDArray[np.float64], pair_counts: NDArray[np.float64], R: int, deg: NDArray[np.float64]) -> float:
    """Plug-in tree entropy of binary columns from counts: ``sum_e H_e - sum_i (deg_i - 1) H_i`` (nats)."""
    def H(counts: ArrayLike, n: int) -> NDArray[np.float64]:  # entropy of an empirical distribution from its cell counts (last axis)
        return math.log(n) - np.sum(_xlogx(counts), axis=-1) / n
    h1 = H(np.stack([ones, R - ones], axis=-1), R)
    h2 = H(pair_counts, R)
    return float(np.sum(h2) - np.sum((deg - 1) * h1))


def tree_entropy_upper(spins_RN: ArrayLike, edges: ArrayLike, *, z: float = ENTROPY_Z) -> dict:
    """Upper estimate (nats) of the joint entropy of binary memories by a tree (Chow-Liu) bound (THEORY §8a).

    For any spanning tree (or forest) ``T``, ``S(p) <= S_T = sum_i H_i - sum_{(ij) in T} I_ij`` (the tree
    distribution ``p_T`` built from ``p``'s pair marginals has entropy ``S_T`` and ``KL(p || p_T) >= 0``;
    Chow & Liu, IEEE Trans. Inf. Theory 14, 462 (1968)).  The tree must be fixed *without looking at the
    reads* (e.g. :func:`max_abs_spanning_tree` of the couplings): a tree picked from the reads' own mutual
    informations overfits and would give an estimate below ``S_T``.

    Estimator: the plug-in ``S_T`` from the ``R`` reads, bias-corrected by the jackknife over reads, plus
    ``z`` jackknife standard errors; clipped to ``[0, n ln 2]``.  Few reads and near-deterministic spins
    make the jackknife standard error unreliable (all reads agree: SE 0); measured on a 6-spin model of
    1.46 nats, the jackknife z-score's 5 % quantile is -2.8 at 16 reads and -1.2 at 64, so use >= 16 reads
    and many spins (the sum over spins then averages the per-term errors).  Direction: *upper* (the jackknife removes
    the ``1/R`` bias of the plug-in entropies and mutual informations, the margin covers the spread; the
    jackknife variance is biased upward, Efron & Stein 1981).  Tested to be >= the exact ``S`` of small
    models by enumeration (tests/test_stats.py).

    Parameters
    ----------
    spins_RN : array (R, n) of 0/1 or -1/+1, R >= 3 independent reads
    edges : int array (E, 2) of the tree's edges (no cycles; a forest is allowed)

    Returns
    -------
    dict with ``upper_nats``, ``plugin_nats``, ``jackknife_nats``, ``se_nats``
    """
    x = (np.asarray(spins_RN) > 0).astype(np.int64)
    if x.ndim != 2:
        raise ParameterError(f"spins has shape {x.shape}; allowed: (reads, spins)")
    R, n = x.shape
    if R < 3:
        raise ParameterError(f"reads={R} is out of range; allowed: >= 3 (jackknife over reads)")
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if e.size and (e.min() < 0 or e.max() >= n or np.any(e[:, 0] == e[:, 1])):
        raise ParameterError(f"edges must join two different spins in 0..{n - 1}")
    if e.shape[0] > max(n - 1, 0):
        raise ParameterError(f"{e.shape[0]} edges on {n} spins is not a forest; allowed: at most n - 1 edges, no cycle")
    deg = np.bincount(e.ravel(), minlength=n).astype(float)
    a, b = x[:, e[:, 0]], x[:, e[:, 1]]
    cells = np.stack([a & b, a & (1 - b), (1 - a) & b, (1 - a) & (1 - b)], axis=-1)  # (R, E, 4)
    pc = cells.sum(axis=0)
    ones = x.sum(axis=0)
    full = _tree_entropy_plugin(ones, pc, R, deg)
    loo = np.array([_tree_entropy_plugin(ones - x[r], pc - cells[r], R - 1, deg) for r in range(R)])
    jk, se = jackknife(full, loo)
    up = min(max(jk + z * se, 0.0), n * math.log(2.0))
    return {"upper_nats": up, "plugin_nats": full, "jackknife_nats": jk, "se_nats": se}


def max_abs_spanning_tree(n: int, i: ArrayLike, j: ArrayLike, weights: ArrayLike) -> NDArray[np.int64]:
    """Edges (E, 2) of a maximum-``|w|`` spanning forest of a graph, fixed by the problem alone (no reads).

    Ties are broken by scipy's deterministic order; isolated nodes are left out.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    w = np.abs(np.asarray(weights, dtype=float))
    keep = (i != j) & (w > 0)
    i, j, w = i[keep], j[keep], w[keep]
    if i.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    # minimum spanning tree of (max|w| + 1 - |w|) > 0 is a maximum-|w| spanning tree
    g = coo_matrix(((w.max() + 1.0) - w, (lo, hi)), shape=(n, n)).tocsr()
    t = minimum_spanning_tree(g).tocoo()
    return np.stack([t.row, t.col], axis=1).astype(np.int64)


# --------------------------------------------------------------------------- transport
def w1_chain(p: ArrayLike, q: ArrayLike) -> float:
    """``W1`` between two distributions on the chain ``0..M-1`` (unit spacing), ``sum_k |F_p(k) - F_q(k)|``.

    Exact for distributions (Vallender 1974); applied to empirical histograms it is the empirical W1.
    Tested against :func:`scipy.stats.wasserstein_distance`.

    >>> w1_chain([1, 0, 0, 0], [0, 0, 0, 1])
    3.0
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ParameterError(f"p has shape {p.shape}, q {q.shape}; allowed: equal 1-D shapes")
    if np.any(p < 0) or np.any(q < 0) or not (math.isclose(p.sum(), 1.0, rel_tol=1e-9) and math.isclose(q.sum(), 1.0, rel_tol=1e-9)):
        raise ParameterError("p and q must be probability vectors (non-negative, summing to 1)")
    return float(np.sum(np.abs(np.cumsum(p - q))[:-1]))


def w1_spin(p_up: ArrayLike, q_up: ArrayLike) -> NDArray[np.float64]:
    """``W1`` of one two-state memory (one hop apart), ``|p(+) - q(+)|`` (exact)."""
    return np.abs(np.asarray(p_up, dtype=float) - np.asarray(q_up, dtype=float))


def w1_marginal_sum(w1_per_memory: ArrayLike) -> float:
    """Lower bound of the joint ``W1`` (hop metric) by the sum of the marginal ones.

    Direction: *lower*; every coupling's cost ``E sum_i |x_i - y_i|`` splits over coordinates and each term is
    at least that coordinate's W1.
    """
    return float(np.sum(check_positive("w1_per_memory", w1_per_memory, allow_zero=True)))


def w1_lower_from_reads(f_start_R: ArrayLike, f_end_R: ArrayLike, *, z: float = MARGIN_Z) -> float:
    """Lower estimate of ``W1(p_0, p_1)`` from ``R`` reads and a 1-Lipschitz test function fixed in advance.

    Kantorovich-Rubinstein duality: ``W1 >= |E_1 f - E_0 f|`` for any 1-Lipschitz ``f`` (e.g. ``f(n) = n``:
    the mean displacement).  ``f_start_R[r]``, ``f_end_R[r]`` are ``f`` at the start and end of read ``r``.
    Returns ``max(0, |mean(d)| - z SE(d))``, ``d = f_end - f_start``: *lower* (``|mean|`` is biased up by
    Jensen's inequality; the margin takes it back with room).
    """
    d = np.asarray(f_end_R, dtype=float) - np.asarray(f_start_R, dtype=float)
    m, se = mean_se(d)
    return max(0.0, abs(m) - z * se)


def w2_sorted(a: ArrayLike, b: ArrayLike) -> float:
    """``W2`` between two 1-D samples of equal size, ``sqrt(mean((sort a - sort b)^2))`` (quantile coupling).

    Exact for the empirical distributions (the monotone coupling is optimal in 1-D for convex costs); as an
    estimate of the population ``W2`` it is consistent, and the difference of a few standard errors is
    what the checks allow.
    """
    x = np.sort(np.asarray(a, dtype=float).ravel())
    y = np.sort(np.asarray(b, dtype=float).ravel())
    if x.size != y.size or x.size == 0:
        raise ParameterError(f"samples of sizes {x.size} and {y.size}; allowed: equal non-zero sizes")
    return math.sqrt(float(np.mean((x - y) ** 2)))


# --------------------------------------------------------------------------- activity (upper estimates)
def activity_upper_counted(hops_per_read: ArrayLike, *, z: float = MARGIN_Z) -> float:
    """Upper estimate of the expected hops ``A_tau``: mean counted hops over reads + ``z`` standard errors."""
    m, se = mean_se(check_positive("hops_per_read", hops_per_read, allow_zero=True))
    return m + z * se


def activity_upper_prior(*, memories: float, neighbours: float, f0_hz: float, tau_s: float) -> float:
    """Upper bound of ``A_tau`` before a run, ``N z f0 tau`` when every hop rate is at most ``f0`` (THEORY §8a).

    ``neighbours`` = states one hop away: 2 on a chain of levels, 1 for a spin.
    """
    return (check_positive("memories", memories) * check_positive("neighbours", neighbours)
            * check_positive("f0_hz", f0_hz) * check_positive("tau_s", tau_s))


# --------------------------------------------------------------------------- binary spins
# the anneal's floor (THEORY §6, §8a)

def binary_entropy_upper(bits_RN: ArrayLike) -> float:
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
    se = jackknife(d, loo)[1]
    g = min(0.5, d + ENTROPY_Z * se)
    p = 0.5 * (1.0 - math.sqrt(max(0.0, 1.0 - 2.0 * g)))
    h = 0.0 if p <= 0.0 else -(p * math.log(p) + (1.0 - p) * math.log1p(-p))
    return n * min(h, math.log(2.0))


def spin_entropy_upper(bits_RN: ArrayLike) -> float:
    """Upper estimate (nats) of ``sum_i H(p_i)`` for binary columns (R reads, n spins): the larger of
    :func:`final_entropy_upper` (``M = 2``) and :func:`binary_entropy_upper`.

    Direction: *upper* when either is (the marginal estimate alone is not, for spins near ``p = 1/2`` at few
    reads; see :func:`limbound.solvers.ising.second_law_floor_kT`).  Needs ``R >= 2`` reads.
    """
    return max(final_entropy_upper(bits_RN, 2)[1], binary_entropy_upper(bits_RN))


def w1_spin_lower_from_reads(up_RN: ArrayLike, *, p0: float = 0.5, z: float = MARGIN_Z) -> float:
    """Lower estimate of ``W1`` between a product start (every spin up with probability ``p0``) and the final
    states of ``R`` reads (``up_RN`` (R, n), 1 where a spin ends up): ``sum_i max(0, |p_i - p0| - z SE_i)``.

    Direction: *lower*: the joint ``W1`` (hop metric) is at least the sum of the marginal ones
    (:func:`w1_marginal_sum`), each ``|p_i - p0|`` (:func:`w1_spin`), estimated by the read fraction minus ``z``
    standard errors (``|mean|`` is biased up by Jensen's inequality; the margin takes it back with room).
    """
    up = np.asarray(up_RN, dtype=float)
    p = up.mean(axis=0)
    se = up.std(axis=0, ddof=1) / math.sqrt(up.shape[0])
    return float(np.sum(np.maximum(0.0, np.abs(p - p0) - z * se)))


__all__ = ["ENTROPY_Z", "MARGIN_Z", "FAMILY_ALPHA", "mean_se", "z_threshold", "jackknife", "marginal_entropies",
           "final_entropy_upper", "tree_entropy_upper", "max_abs_spanning_tree", "w1_chain", "w1_spin",
           "w1_marginal_sum", "w1_lower_from_reads", "w2_sorted", "activity_upper_counted", "activity_upper_prior",
           "binary_entropy_upper", "spin_entropy_upper", "w1_spin_lower_from_reads"]
