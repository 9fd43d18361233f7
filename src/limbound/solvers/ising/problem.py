"""The sparse Ising problem ``H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i`` (THEORY §6; package notes)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import ParameterError, check_finite

__all__ = ["IsingProblem", "ising_energy"]


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
    def from_edges(cls, n: int, i: ArrayLike, j: ArrayLike, J: ArrayLike, h: ArrayLike | None = None, *,
                   labels: Sequence | None = None) -> IsingProblem:
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

    def energy(self, spins: ArrayLike) -> NDArray[np.float64]:
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


def _row_sums(problem: IsingProblem, values: ArrayLike) -> NDArray[np.float64]:
    """Per-spin sums of ``values`` (nnz,) over each CSR row; 0 for a spin without couplings (any position)."""
    rows = np.repeat(np.arange(problem.n), np.diff(problem.indptr))
    return np.bincount(rows, weights=np.asarray(values, dtype=np.float64), minlength=problem.n)


def ising_energy(problem: IsingProblem, spins: ArrayLike) -> NDArray[np.float64]:
    """``H(s)`` recomputed from scratch; see :meth:`IsingProblem.energy`."""
    return problem.energy(spins)
