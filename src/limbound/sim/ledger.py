"""Energy books of a stochastic simulation: work, heat, internal energy, first law.

Conventions (Sekimoto, *Stochastic Energetics*, 2010; Seifert, Rep. Prog.
Phys. 75, 126001 (2012)): ``work`` is done *on* the system by changing the
landscape at fixed state; ``heat`` is released *to* the bath by a change of
state at fixed landscape.  The first law reads ``U_end - U_start = W - Q``.
Simulators keep every quantity in units of kT (dimensionless) and convert
with :func:`limbound.constants.kT` only when reporting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import T_DEFAULT_K, kT
from ..deprecation import renamed_keywords


@renamed_keywords(T_K="temperature_K")
@dataclass
class Ledger:
    """Running energy books of one run (or a sum over an ensemble), in kT."""

    U_start_kT: float = 0.0
    U_end_kT: float = 0.0
    work_kT: float = 0.0
    heat_kT: float = 0.0
    temperature_K: float = T_DEFAULT_K

    @property
    def first_law_residual(self) -> float:
        """Relative residual ``|dU - (W - Q)| / max(|dU|, |W|, |Q|, 1)``; rounding level when the books are exact."""
        dU = self.U_end_kT - self.U_start_kT
        scale = max(abs(dU), abs(self.work_kT), abs(self.heat_kT), 1.0)
        return abs(dU - (self.work_kT - self.heat_kT)) / scale

    @property
    def heat_J(self) -> float:
        return self.heat_kT * kT(self.temperature_K)

    @property
    def work_J(self) -> float:
        return self.work_kT * kT(self.temperature_K)

    def as_dict(self) -> dict:
        k = kT(self.temperature_K)
        return {
            "work_J": self.work_kT * k, "heat_J": self.heat_kT * k,
            "delta_U_J": (self.U_end_kT - self.U_start_kT) * k,
            "work_kT": self.work_kT, "heat_kT": self.heat_kT,
            "first_law_residual": self.first_law_residual, "temperature_K": self.temperature_K,
        }


def relative_residual(dU: ArrayLike, W: ArrayLike, Q: ArrayLike) -> NDArray[np.float64]:
    """Elementwise first-law residual for per-trajectory arrays (same normalisation as :class:`Ledger`)."""
    dU, W, Q = (np.asarray(a, dtype=float) for a in (dU, W, Q))
    scale = np.maximum.reduce([np.abs(dU), np.abs(W), np.abs(Q), np.ones_like(dU)])
    return np.abs(dU - (W - Q)) / scale


class ArrayBooks:
    """Mixin: first law and summed books of a result holding per-trajectory arrays (kT).

    The class provides ``U_start_kT``, ``U_end_kT``, ``work_kT`` and
    ``heat_kT``, one entry per trajectory (particle, memory or read), and
    optionally ``temperature_K`` (the temperature of :attr:`ledger`, else the default).
    """

    @property
    def first_law_residuals(self) -> np.ndarray:
        """Per-trajectory relative residual ``|dU - (W - Q)| / max(|dU|, |W|, |Q|, 1)`` (:func:`relative_residual`)."""
        return relative_residual(self.U_end_kT - self.U_start_kT, self.work_kT, self.heat_kT)

    @property
    def first_law_residual(self) -> float:
        """Largest per-trajectory first-law residual (rounding level when the books are exact; 0 for no trajectory)."""
        r = self.first_law_residuals
        return float(r.max()) if r.size else 0.0

    @property
    def ledger(self) -> Ledger:
        """Energy books summed over the trajectories."""
        return Ledger(U_start_kT=float(self.U_start_kT.sum()), U_end_kT=float(self.U_end_kT.sum()),
                      work_kT=float(self.work_kT.sum()), heat_kT=float(self.heat_kT.sum()),
                      temperature_K=getattr(self, "temperature_K", None) or T_DEFAULT_K)
