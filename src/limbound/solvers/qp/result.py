"""The outcome of a QP solve (:class:`QPResult`): the answer, its accuracy against the reference, the energy books."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...sim.lim_books import VersusBound
from .problem import QPProblem, constraint_violation


@dataclass
class QPResult(VersusBound):
    """Outcome of :func:`solve_qp`: the answer, its accuracy and the energy books.

    ``x`` is the best read; ``objective`` and ``rel_gap`` are for the mean
    objective over reads (``rel_gap_worst_read`` for the worst read);
    ``constraint_violation`` is the largest over reads (absolute);
    ``rel_gap = |f - f_ref| / max(|f_ref|, 1)``.
    """

    x: np.ndarray
    objective: float
    objective_per_read: np.ndarray
    reference_objective: float
    reference_status: str
    rel_gap: float
    rel_gap_worst_read: float
    constraint_violation: float
    heat_J: float        # measured: mean heat of a read (J); dissipated_J before 0.2 (deprecated alias)
    heat_sem_J: float    # its standard error over reads (J)
    bound_J: float
    estimate_J: float
    memory_wall_J: float
    updates: int
    predicted_updates: float
    convergence_class: str
    kappa: float
    outer_iterations: int
    converged: bool
    time_to_solution_s: float
    wall_time_s: float
    books: dict
    inputs: dict = field(default_factory=dict)
    #: solved / inaccurate / max_iter / time_limit / infeasible / unbounded (module notes of qp.admm)
    status: str = "inaccurate"
    #: worst read: primal residual, dual residual, duality gap (relative, see qp.admm), and the tolerance
    primal_residual: float = math.nan
    dual_residual: float = math.nan
    duality_gap: float = math.nan
    tolerance: float = math.nan

    @property
    def energy_to_solution_J(self) -> float:
        return self.heat_J + self.memory_wall_J

    @property
    def message(self) -> str:
        """What ``status`` means, in one sentence (the statuses of :mod:`limbound.solvers.qp.admm`)."""
        return _MESSAGES.get(self.status, self.status) + (f" (worst read: primal {self.primal_residual:.3g}, dual "
                                                          f"{self.dual_residual:.3g}, gap {self.duality_gap:.3g}; "
                                                          f"tolerance {self.tolerance:.3g})")

    def as_dict(self) -> dict:
        return {
            "objective": self.objective,
            "reference_objective": self.reference_objective,
            "reference_status": self.reference_status,
            "rel_gap": self.rel_gap,
            "rel_gap_worst_read": self.rel_gap_worst_read,
            "constraint_violation": self.constraint_violation,
            **self.bound_dict(),
            "memory_wall_J": self.memory_wall_J,
            "energy_to_solution_J": self.energy_to_solution_J,
            "updates": self.updates,
            "predicted_updates": self.predicted_updates,
            "convergence_class": self.convergence_class,
            "kappa": self.kappa,
            "outer_iterations": self.outer_iterations,
            "status": self.status,
            "message": self.message,
            "primal_residual": self.primal_residual,
            "dual_residual": self.dual_residual,
            "duality_gap": self.duality_gap,
            "tolerance": self.tolerance,
            "converged": self.converged,  # deprecated alias of status == "solved"
            "time_to_solution_s": self.time_to_solution_s,
            "wall_time_s": self.wall_time_s,
            "objective_per_read": self.objective_per_read.tolist(),
            "books": self.books,
        }


_MESSAGES = {"solved": "every read met the tolerance", "inaccurate": "stopped above the tolerance in some read",
             "max_iter": "some read reached the iteration limit", "time_limit": "some read reached the time limit",
             "infeasible": "the problem is primal infeasible", "unbounded": "the problem is unbounded below"}


def _rel_gap(f: ArrayLike, f_ref: float) -> NDArray[np.float64]:
    """``|f - f_ref| / max(|f_ref|, 1)`` (the floor 1 avoids dividing by an optimum near 0)."""
    return np.abs(np.asarray(f) - f_ref) / max(abs(f_ref), 1.0)


def accuracy_fields(p: QPProblem, X: np.ndarray, f_reads: np.ndarray, f_ref: float, best: int) -> dict:
    """The accuracy part of a :class:`QPResult` for the memory values ``X`` (R, n) with objectives ``f_reads``:
    the answer ``X[best]``, the mean objective and its relative gap to ``f_ref`` (nan without a reference), the
    worst read's gap and the largest constraint violation over reads."""
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(len(f_reads), math.nan)
    return {"x": X[best], "objective": float(np.mean(f_reads)), "objective_per_read": f_reads,
            "reference_objective": f_ref,
            "rel_gap": float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
            "rel_gap_worst_read": float(np.max(gaps)), "constraint_violation": float(np.max(constraint_violation(p, X)))}
