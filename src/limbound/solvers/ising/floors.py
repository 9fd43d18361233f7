"""The second-law floor of an anneal's mean heat per read, from its final states (THEORY §6, §8a)."""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import ParameterError
from ...stats import max_abs_spanning_tree, spin_entropy_upper
from .problem import IsingProblem

__all__ = ["MIN_FLOOR_READS", "floor_tree", "second_law_floor_kT"]


def floor_tree(problem: IsingProblem) -> NDArray[np.int64]:
    """Edges (E, 2) of a maximum-``|J|`` spanning forest of the coupling graph: the tree of the entropy bound,
    fixed from the problem alone, never from the reads (THEORY §8a)."""
    rows = np.repeat(np.arange(problem.n), np.diff(problem.indptr))
    upper = rows < problem.indices
    return max_abs_spanning_tree(problem.n, rows[upper], problem.indices[upper], problem.data[upper])

#: Fewer reads give no second-law floor (0): the jackknife of the read-pair estimate needs a few reads
#: (measured with 3 reads on 202 free spins: floor above mean heat + 3 SE in 1 of 100 seeds; 0 of 100 with 4).
MIN_FLOOR_READS = 4


def second_law_floor_kT(final_spins: ArrayLike, *, z2_symmetric: bool = False) -> float:
    """THEORY §6 floor on the mean heat per read, ``N ln 2 - sum_i H_i(final)`` in kT.

    Runs start uniformly random (entropy ``N ln 2``); ``H_i`` is the entropy
    (nats) of spin ``i``'s final marginal over the reads.  A floor must not be
    raised by its estimator, so the marginals enter through the *upper*
    estimate of :func:`limbound.stats.final_entropy_upper` (one
    estimator in one place, also used for the QP/training floors; per spin the
    larger of Miller-Madow and the maximum-entropy bound from the spread over
    reads, clipped at ``ln 2`` -- a binary variable cannot exceed it -- plus
    two standard errors on the sum; see that module's notes).  For binary
    spins that estimate alone is not an upper one: a spin with ``p = 1/2``
    shows all ``R`` reads equal with probability ``2**(1-R)`` and then counts
    0.18 nats, and the deficit grows like ``n`` while its allowance grows like
    ``sqrt(n)`` (measured: 202 free spins, 4 reads, the floor exceeded mean
    heat + 3 SE in 15 of 300 seeds, in all of 50 with 2 reads).  The larger of
    it and the read-pair estimate :func:`limbound.stats.binary_entropy_upper` is used
    (:func:`limbound.stats.spin_entropy_upper`), so
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
    h_up = spin_entropy_upper((s > 0).astype(np.int64))
    return max(0.0, float(n_free * math.log(2.0) - h_up))
