"""Work budgets: a run's wall time estimated from measured rates, checked before any work.

Every command that can run long counts its work first (spin updates,
OSQP/LIM work of a dense QP, grid points) and divides by a rate measured on
the reference machine (2 cores) by ``benchmarks/bench_budget.py``, which
prints the same rates from the same counts.  Beyond ``max_time_s`` (default
:data:`DEFAULT_MAX_TIME_S`, 10 minutes) the run is refused in one line with
the estimate and the flag that lifts it (``--max-time 2h``; ``--max-time
none`` for no limit).  Estimates are deliberately on the fast side (a
refused run would really take at least that long); a faster machine is
lifted with the flag, never silently.
"""
from __future__ import annotations

import math

from .errors import ParameterError
from .specs import BUDGET, DEFAULT_MAX_TIME_S

# Rates of the reference machine (2 cores, numba 2 threads), rounded so that an estimate from them errs on the
# fast side; benchmarks/bench_budget.py measures each one on the same counts and prints it beside the constant.
#: anneal kernel (limbound.solvers.ising.anneal): attempted spin updates per second.
SPIN_UPDATES_PER_S = 1.5e8
#: dense random QP of n variables (limbound.solvers.qp.random_qp + osqp_reference): ~ c3 n^3 seconds.
QP_REFERENCE_S_PER_N3 = 2.0e-9
#: LIM solve of a QP, per read and per update: a fixed cost (Python and the hop engine) ...
QP_LIM_S_PER_UPDATE = 4.0e-4
#: ... plus ~c2 n^2 seconds (the dense matrix-vector products).
QP_LIM_S_PER_N2_UPDATE = 1.0e-8
#: digits training (limbound.solvers.train): memory updates per second.
TRAIN_UPDATES_PER_S = 1.0e5
#: sweep grid: points at most (the grid is counted before any list is built).
MAX_GRID_POINTS = 100_000


def fmt_seconds(s: float) -> str:
    """``s`` as a short human time: 42 s, 12 min, 3.1 h, 2.0e+03 days.

    >>> fmt_seconds(42.0), fmt_seconds(720.0), fmt_seconds(11160.0), fmt_seconds(1.728e8)
    ('42 s', '12 min', '3.1 h', '2e+03 days')
    """
    if not math.isfinite(s):
        return "forever"
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 3 * 86400:
        return f"{s / 3600:.3g} h"
    return f"{s / 86400:.3g} days"


def _flag_value(s: float) -> str:
    """A ``--max-time`` value a bit above ``s`` (whole hours or minutes)."""
    if not math.isfinite(s) or s > 1e9:
        return "none"
    if s < 3600:
        return f"{math.ceil(s / 60) + 1}min"
    return f"{math.ceil(s / 3600) + 1}h"


@BUDGET.validates
def check_budget(what: str, seconds: float, max_time_s: float | str | None = DEFAULT_MAX_TIME_S, *,
                 flag: str = "--max-time") -> float:
    """Refuse (one line) a run estimated above ``max_time_s``; return the estimate.

    ``what`` describes the work and its rate, e.g. ``"8e12 spin updates at 1.5e8/s"``.
    ``max_time_s`` (declared by :data:`limbound.specs.MAX_TIME`): seconds, or text with a unit (``"2h"``);
    ``None`` (or ``"none"``) means no limit.

    >>> check_budget("8e12 spin updates at 1.5e8/s", 8e12 / 1.5e8)
    Traceback (most recent call last):
    ...
    limbound.errors.ParameterError: this run needs about 14.8 h (...); allowed: up to 10 min (--max-time 16h lifts it)
    """
    if max_time_s is None:
        return seconds
    if not seconds <= max_time_s:
        raise ParameterError(f"this run needs about {fmt_seconds(seconds)} ({what}, rate measured by "
                             f"benchmarks/bench_budget.py); allowed: up to {fmt_seconds(max_time_s)} "
                             f"({flag} {_flag_value(seconds)} lifts it)")
    return seconds


def anneal_seconds(n: float, sweeps: float, reads: float) -> tuple[float, str]:
    """Seconds and a description of ``reads x sweeps x n`` spin updates.

    >>> anneal_seconds(800, 1000, 16)[1]
    '1.28e+07 spin updates at 1.5e+08/s'
    """
    updates = float(n) * float(sweeps) * float(reads)
    return updates / SPIN_UPDATES_PER_S, f"{updates:.3g} spin updates at {SPIN_UPDATES_PER_S:.2g}/s"


#: solve_qp's default cap on outer iterations of a read (``max_iter``): no read runs more updates.
QP_MAX_ITER = 4000.0


def qp_updates(rule: str = "gradient", bits: int = 16, kappa: float = 10.0) -> float:
    """Updates per read the budget assumes: the THEORY §3 prediction for the gradient rule (linear class,
    condition number ``kappa``; :func:`limbound.counting.updates_for_convergence`) up to solve_qp's
    ``max_iter`` (:data:`QP_MAX_ITER`), the cap
    ``4 * 2**bits + 2000`` for the annealing rule (one level per update).

    >>> round(qp_updates("gradient", 16, 10.0), 3), qp_updates("anneal", 4)
    (110.904, 2064.0)
    """
    if rule == "anneal":
        return 4.0 * 2.0**int(bits) + 2000.0
    from .counting import updates_for_convergence

    pred = float(updates_for_convergence("linear", int(bits), kappa=max(float(kappa), 1.0)))
    return min(max(pred, 10.0), QP_MAX_ITER)


def qp_seconds(n: float, *, reads: int = 4, updates: float = 111.0, reference: bool = True,
               solves: int = 1) -> tuple[float, str]:
    """Seconds and a description of a dense random QP of ``n`` variables: the generator and the OSQP reference
    (``~n^3``, once), then ``solves`` LIM solves of ``reads x updates`` updates (fixed cost + ``n^2`` each)."""
    n = float(n)
    ref = QP_REFERENCE_S_PER_N3 * n**3
    per = QP_LIM_S_PER_UPDATE + QP_LIM_S_PER_N2_UPDATE * n**2
    lim = per * float(reads) * float(updates) * solves
    return ref + lim, (f"dense QP n={n:.0f}: generator + {'OSQP reference' if reference else 'checks'} "
                       f"~{QP_REFERENCE_S_PER_N3:.2g} s x n^3, then {solves} LIM solve(s) x {reads} reads x "
                       f"~{updates:.3g} updates x ({QP_LIM_S_PER_UPDATE:.2g} s + {QP_LIM_S_PER_N2_UPDATE:.2g} s x n^2)")


def train_seconds(work: float) -> tuple[float, str]:
    """Seconds and a description of ``work`` memory updates of a training run (:data:`TRAIN_UPDATES_PER_S`)."""
    return float(work) / TRAIN_UPDATES_PER_S, f"{float(work):.3g} memory updates at {TRAIN_UPDATES_PER_S:.2g}/s"
