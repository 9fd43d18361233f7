"""Precision banks: each QP variable held by several b-bit LIM memories whose values add up (docs/theory.md §6a).

A b-bit memory resolves ``1/(2**b - 1)`` of its range; a QP's equality rows need more than
that (measured on the Maros-Meszaros set: rounding the optimum to a 16-bit grid of a tight range violates
rows by up to 17 on QGROW7).  Each variable is therefore held by ``banks`` memories whose values add up:
bank 0 spans the variable's range, bank ``k`` spans ``+-bank_span`` levels of bank ``k - 1``
(``2 * 64 / 65535``, ~1/512 of its spacing at b = 16).  A move is given to the coarsest bank whose
spacing it needs (a bank keeps its level while the finer banks can absorb the rest).  All banks start from
uniformly random levels and every hop of every bank is booked; ``estimate_J`` counts one memory per variable
(the paper's model), the books count all of them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ...sim.lim_array import LIMArray

#: memory ranges reach this fraction of their width beyond the true bounds (the iterate may be infeasible on its way)
FACE_MARGIN = 0.1


def bank_span(top: int) -> int:
    """Fine-bank half span in levels of the next coarser bank: ``max(2, (2**b - 1) // 1024)`` (63 at b = 16: each
    bank resolves ~1/512 of the coarser bank's level; 2 at b <= 11).

    >>> bank_span(2**16 - 1), bank_span(2**12 - 1), bank_span(2**11 - 1)
    (63, 3, 2)
    """
    return max(2, int(top) // 1024)


class Banks:
    """The memories of ``K`` precision banks of ``n`` variables in one :class:`LIMArray` (module notes)."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, banks: int, top: int) -> None:
        self.n = lo.size
        self.K = int(banks)
        # finer bank k spans +-w_k, w_k = bank_span delta_{k-1}: in units of delta_0, w_k = f_k
        f, fk = [], 1.0
        span_levels = bank_span(top)
        for _ in range(1, self.K):
            fk = span_levels * fk
            f.append(fk)
            fk = 2.0 * fk / top
        # bank 0 is shrunk by the finer banks' reach so that the sum stays in [lo, hi] (bounds held by the memories)
        reach = sum(f)
        d0 = (hi - lo) / (top + 2.0 * reach)
        span = [(lo + reach * d0, hi - reach * d0)] + [(-fk * d0, fk * d0) for fk in f]
        self.lo = np.concatenate([s_[0] for s_ in span])
        self.hi = np.concatenate([s_[1] for s_ in span])
        self.delta = (self.hi - self.lo) / top
        #: the range of each variable (the sum of the banks' ranges) and what the finer banks add to bank 0
        self.range = (lo, hi)
        self.reach = reach * d0

    def values(self, arr: LIMArray) -> np.ndarray:
        """Variable values, the sum of the banks, (R, n)."""
        return arr.values.reshape(arr.R, self.K, self.n).sum(axis=1)

    def targets(self, arr: LIMArray, x_t: np.ndarray) -> np.ndarray:
        """Per-memory targets for the variable targets ``x_t`` (R, n): the coarsest bank that must move moves."""
        V = arr.values.reshape(arr.R, self.K, self.n)
        lo = self.lo.reshape(self.K, self.n)
        hi = self.hi.reshape(self.K, self.n)
        dl = self.delta.reshape(self.K, self.n)
        T = np.empty_like(V)
        rem = x_t.copy()
        for k in range(self.K):
            if k < self.K - 1:
                finer = 0.5 * (hi[k + 1] - lo[k + 1]) * 0.5  # half of the next bank's half span
                keep = np.abs(rem - V[:, k]) <= finer
                grid = lo[k] + np.round((np.clip(rem, lo[k], hi[k]) - lo[k]) / dl[k]) * dl[k]
                T[:, k] = np.where(keep, V[:, k], grid)
            else:
                T[:, k] = np.clip(rem, lo[k], hi[k])
            rem = rem - T[:, k]
        return T.reshape(arr.R, self.K * self.n)
