"""The QP front door :func:`solve_qp`: checks, then setup (the reference and the prediction,
:mod:`~limbound.solvers.qp.setup`), then the gradient rule (:mod:`~limbound.solvers.qp.gradient`) or the annealing
rule (:mod:`~limbound.solvers.qp.annealing`); package notes of :mod:`limbound.solvers.qp` (THEORY §2b, §3, §6).
"""
from __future__ import annotations

from ...constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ...deprecation import renamed_keywords
from ...errors import ParameterError
from ...sim.lim_array import check_array_size
from ...specs import QP
from .annealing import check_rho, solve_annealing
from .gradient import DRIVERS, solve_gradient
from .problem import QPProblem, validate_qp
from .result import QPResult
from .setup import setup

#: largest update cap of the annealing rule (``4 * 2**b + 2000`` unless ``max_updates`` is given): it moves at
#: most one level per update, so its updates grow like ``2**b``; the cap allows b <= 18 (the time a cap costs is
#: :mod:`limbound.budget`'s estimate, measured by benchmarks/bench_budget.py).
MAX_ANNEAL_UPDATES = 4 * 2**18 + 2000


def check_solve_inputs(n: int | None = None, **kwargs: object) -> tuple[int, int]:
    """The checks of :func:`solve_qp` that need no problem (only its size ``n``, if known), before any work.

    Used by the ``qp`` CLI (before it builds a random problem) and the sweep kind ``qp`` (before any cluster
    starts): each keyword is a :func:`solve_qp` option, checked by its declaration (:data:`limbound.specs.QP`;
    an unknown name is refused), then the combinations :func:`solve_qp` checks at its entry.  Returns
    ``(bits, seed)`` resolved.
    """
    a = {**QP.defaults(), **QP.check(kwargs)}
    _check_combinations(n, a["bits"], a["rule"], a["reads"], a["max_updates"])
    return a["bits"], a["seed"]


def _check_combinations(n: int | None, bits: int, rule: str, reads: int, max_updates: int | None) -> None:
    """``reads x n`` is capped (:func:`~limbound.sim.lim_array.check_array_size`); so is the annealing rule's
    update cap (:data:`MAX_ANNEAL_UPDATES`)."""
    if rule == "anneal":
        cap = int(4 * 2**bits + 2000) if max_updates is None else int(max_updates)
        if cap > MAX_ANNEAL_UPDATES:
            raise ParameterError(f"rule='anneal' at bits={bits} may need {cap} updates (one level per update, "
                                 f"4 * 2**bits + 2000); allowed: <= {MAX_ANNEAL_UPDATES} (bits <= 18, or a smaller "
                                 f"max_updates): use rule 'gradient' (--rule gradient) or fewer bits")
    if n is not None:
        check_array_size(reads, n)


@renamed_keywords(T_K="temperature_K")
@QP.validates
def solve_qp(problem: QPProblem | dict, *, bits: int = 16, rule: str = "gradient", reads: int = 4,
             dt_s: float = 1e-6, f0_hz: float = F0_DEFAULT_HZ, temperature_K: float = T_DEFAULT_K, seed: int = 0,
             engine: str = "poisson", max_updates: int | None = None, inner_tol: float = 0.5,
             max_inner: int | None = None, max_outer: int = 60, constraint_tol: float = 1e-4, rho: float | None = None,
             reference: str | None = "osqp", read_energy_J: float = 0.0, C: float = 1.0, eps: float = 1e-4,
             max_iter: int | None = None, time_limit_s: float = 60.0, banks: int = 4, method: str = "ipm") -> QPResult:
    """Solve a convex QP on LIM memories and keep the energy books (THEORY §6).

    Parameters
    ----------
    problem : QPProblem (see :func:`validate_qp`, :func:`load_qp`, :func:`random_qp`), or a dict of
        numpy arrays with keys P, q, lb, ub (and optionally A, l, u), validated here
    bits : bits per memory (2..24)
    rule : ``"gradient"`` (default) or ``"anneal"`` (THEORY §6)
    reads : independent runs from independent uniformly random levels (>= 2 for the entropy estimate); each
        read stops on its own (see module notes)
    dt_s : update time (s); f0_hz, temperature_K : attempt frequency and temperature
    seed : seeds everything random
    engine : ``"poisson"`` or ``"sync"`` for the gradient rule (the annealing rule always uses sync)
    max_updates : annealing rule: cap on LIM updates of each read (default ``4 * 2**b + 2000``: it moves at most
        one level per update; a cap above :data:`MAX_ANNEAL_UPDATES` is refused, see :func:`check_solve_inputs`)
    inner_tol : annealing rule: an inner solve ends when every memory is within this many levels of its
        conditional optimum at the largest ``lam`` (default 0.5: the nearest level; at most 1); looser ends the
        inner solves sooner, tighter holds them until the hops die down (module notes of
        :mod:`limbound.solvers.qp.annealing`)
    max_outer, constraint_tol, rho : augmented-Lagrangian controls (``rho`` > 0, default ``lambda_max(P)/||A||^2``,
        at most ``1e6`` times that: the driver's cap on the penalty, see :func:`~.annealing.check_rho`)
    reference : ``"osqp"`` or ``None``; with ``"osqp"`` the reference is solved first and a problem it does
        not solve (status other than solved / solved inaccurate: infeasible, iteration limit, ...) is refused
        before the LIM solve; with ``None`` infeasible linear constraints are not detected
    read_energy_J : energy per memory read (memory wall; 0 in the ideal LIM model)
    C : constant of the sublinear class when ``P`` is singular (THEORY §3)
    method : gradient-rule driver whose iterate the memories hold: ``"ipm"`` (default, interior point,
        :mod:`limbound.solvers.qp.ipm`) or ``"admm"`` (OSQP's ADMM, :mod:`limbound.solvers.qp.admm`)
    eps, max_iter, time_limit_s, banks : gradient rule:
        tolerance of the status ``solved`` (primal, dual residual and duality gap, relative), iterations per read
        (default 200 for ipm, 4000 for admm),
        the run's wall-clock budget (status ``time_limit`` when it runs out) and memories per variable
        (precision banks).  ``max_updates``, ``inner_tol``, ``max_inner``, ``max_outer``, ``constraint_tol`` and
        ``rho`` steer the annealing rule only.
    """
    p = _as_problem(problem)
    _check_combinations(p.n, bits, rule, reads, max_updates)  # each option was checked at entry (limbound.specs.QP)
    if rule == "anneal":
        check_rho(p, rho)  # the penalty's cap depends on the problem
    s = setup(p, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, temperature_K=temperature_K, seed=seed, engine=engine,
              read_energy_J=read_energy_J, reference=reference, C=C)
    if rule == "gradient":
        max_iter = DRIVERS[method][1] if max_iter is None else max_iter  # the driver's default iterations
        return solve_gradient(s, method=method, eps=eps, max_iter=max_iter, time_limit_s=time_limit_s, banks=banks)
    return solve_annealing(s, max_updates=max_updates, inner_tol=inner_tol, max_inner=max_inner, max_outer=max_outer,
                           constraint_tol=constraint_tol, rho=rho)


def _as_problem(problem: object) -> QPProblem:
    """A :class:`QPProblem` as given, or validated from a dict of arrays (one-line refusal otherwise)."""
    if isinstance(problem, dict):
        unknown = sorted(set(problem) - {"P", "q", "A", "l", "u", "lb", "ub"})
        if unknown:
            raise ParameterError(f"problem has unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub")
        problem = validate_qp(**problem)
    if not isinstance(problem, QPProblem):
        raise ParameterError(f"problem is a {type(problem).__name__}; allowed: a QPProblem (validate_qp/load_qp/random_qp) or a dict of arrays")
    return problem
