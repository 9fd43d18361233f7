"""What every QP solve fixes before its first update: the options, the reference and the prediction (THEORY §3).

:func:`setup` runs the reference first (:func:`~limbound.solvers.qp.reference.reference_first`) and predicts
the number of updates and the energy estimate before the run; the rules
(:mod:`~limbound.solvers.qp.gradient`, :mod:`~limbound.solvers.qp.annealing`) read it from the returned
:class:`Setup` and record its inputs in their result.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ...deprecation import renamed_keywords
from ...sim.lim_books import estimate_J, predicted_updates
from .problem import QPProblem
from .reference import reference_first


@dataclass(frozen=True)
class Setup:
    """One solve's checked options, its reference and its prediction (fixed before the first update)."""

    p: QPProblem
    bits: int
    reads: int
    dt_s: float
    f0_hz: float
    temperature_K: float
    seed: int
    engine: str
    read_energy_J: float
    reference: str | None
    C: float
    #: the reference: objective (nan unless accepted), OSQP's status, solution (None unless accepted)
    f_ref: float
    ref_status: str
    x_ref: np.ndarray | None
    #: the prediction (THEORY §3): convergence class, predicted updates, estimate (J), condition number of P
    klass: str
    n_pred: float
    est: float
    kappa: float
    #: wall clock at the start of the LIM solve (after the reference)
    t0: float

    def inputs(self, rule: str) -> dict:
        """The inputs every QP result records (the rule's own options follow them)."""
        p = self.p
        return {"n": p.n, "m": p.m, "bits": self.bits, "rule": rule, "reads": self.reads, "dt_s": self.dt_s,
                "f0_hz": self.f0_hz, "temperature_K": self.temperature_K, "T_K": self.temperature_K, "seed": self.seed, "engine": self.engine, "source": p.source,
                "sha256": p.sha256, "read_energy_J": self.read_energy_J, "reference": self.reference}


@renamed_keywords(T_K="temperature_K")
def setup(p: QPProblem, *, bits: int, reads: int, dt_s: float, f0_hz: float, temperature_K: float, seed: int, engine: str,
          read_energy_J: float, reference: str | None, C: float) -> Setup:
    """The reference first, then the prediction before the run (THEORY §3): the linear class
    ``n = kappa b ln 2`` when ``P`` is regular, the sublinear class ``n = C 2**b`` when it is singular."""
    x_ref, f_ref, ref_status = reference_first(p, reference)
    t0 = time.perf_counter()
    kappa = p.kappa
    if math.isfinite(kappa):
        klass, n_pred = "linear", predicted_updates("linear", bits, kappa=max(kappa, 1.0))
    else:
        klass, n_pred = "sublinear", predicted_updates("sublinear", bits, C=C)
    est = estimate_J(bits, dt_s, p.n, n_pred, temperature_K=temperature_K, f0_hz=f0_hz)
    return Setup(p=p, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, temperature_K=temperature_K, seed=seed, engine=engine,
                 read_energy_J=read_energy_J, reference=reference, C=C, f_ref=f_ref, ref_status=ref_status,
                 x_ref=x_ref, klass=klass, n_pred=n_pred, est=est, kappa=kappa, t0=t0)
