"""Convex quadratic programs solved on b-bit LIM memories, with measured dissipation against the bound (THEORY §2b, §3, §6).

Problem
-------
    minimise   f(x) = 1/2 x'Px + q'x
    subject to lb <= x <= ub        (the memories' level ranges)
               l <= Ax <= u         (rows with l = u are equalities; +-inf allowed in l, u)

Each ``x_i`` is a b-bit LIM memory whose ``2**b`` levels span ``[lb_i, ub_i]``
(:class:`limbound.solvers.lim_memory.LIMArray`), so the box is enforced by the
memory itself.  The linear constraints are handled by the **augmented
Lagrangian** (method of multipliers, Hestenes 1969 / Powell 1969, in the
two-sided form used by OSQP):

    L_rho(x, y) = f(x) + rho/2 || Ax + y/rho - Pi(Ax + y/rho) ||^2 ,   Pi = clip to [l, u]
    grad_x L   = Px + q + rho A' (w - Pi(w)),   w = Ax + y/rho

An *inner* solve drives the memories with the LIM update rule on
``grad_x L`` until the step the optimizer asks for is below the grid
(mean distance ``|g_i| / (h_i delta_i)`` of the memories to their
conditional optima, ``h_i`` the diagonal curvature of ``L_rho``, below ``inner_tol`` levels) or ``max_inner`` updates; then the
multipliers are updated, ``y <- rho (w - Pi(w))``, and ``rho`` grows by 5x
when the constraint residual did not fall by 4x.  The outer loop stops when
the residual is below ``max(constraint_tol, delta)`` (a grid point cannot meet
a constraint much better than one level ``delta``) and the next inner solve
has nothing left to do.  The multipliers (``m``
numbers per read) live in the digital driver; they are not LIM memories and
their (digital) cost is not in the books -- the report gives the number of
outer iterations.

Gradients in memory (the memory wall)
-------------------------------------
Each update reads the ``N`` memories once to form the gradient in the
array (``P x`` as an in-memory matrix-vector product).  In the ideal LIM
model of the paper a non-destructive read dissipates nothing, so the memory
wall is ``reads * read_energy_J`` with ``read_energy_J = 0`` by default; pass
a per-read energy to charge it (``N`` reads per update per run).

Schedules driven by the solve
-----------------------------
Gradient rule: step ``eta = 1 / L`` with ``L = lambda_max(P) + rho ||A||^2``
(the Lipschitz constant of ``grad_x L``); the barriers follow ``|g_i|``
(THEORY §6), so they rise by themselves as the solve converges.
Annealing rule: ``lam`` (kT per unit of f) is set so that the typical tilt per
level is ``D``, ``lam = D / (delta * rms(g))`` (``g`` projected on the box),
never decreasing, growing by 2 % per update once the memories are within two
levels of their conditional optima, capped at ``lam_max = 8 D / (delta**2
median(h))`` (conditional spread well below one level); an inner solve stops
when ``lam`` is capped and fewer than 1 % of the memories hop per update
over 20 updates.  This rule moves at most one level per update, so its
number of updates grows like ``2**b``.

Energy books and the two numbers (THEORY §6)
--------------------------------------------
``dissipated_J`` (mean heat over reads, from the simulator; first-law residual
reported), ``bound_J`` (second-law floor, Miller-Madow marginal entropies
over reads), ``estimate_J = e_LIM(b, dt) * N * n`` with ``n`` predicted before
the run: linear class ``n = kappa b ln 2`` with ``kappa = lambda_max /
lambda_min`` of ``P``, or the sublinear class ``n = C 2**b`` when ``P`` is
singular (THEORY §3).  ``tightness = dissipated / bound``,
``measured_over_estimate = dissipated / estimate``.

What drives the two ratios
--------------------------
* Gradient rule: every net level walked along the tilt releases exactly
  ``D = e_LIM``, so ``measured / estimate`` is a ratio of levels: the levels
  a parameter walks (``books['walk']``) over the ``kappa b ln 2`` the
  convergence class predicts.  From uniformly random levels (needed for a
  non-zero floor) a parameter must walk ``|n_0 - n*|``, about ``2**b / 3``
  levels (more when its optimum sits on the box), plus an excess from the
  overshoot of a coupled, noisy descent and from the multiplier updates
  (~25 % on the random QPs).  The ratio therefore grows like
  ``2**b / (3 kappa b ln 2)``: near 1 at b ~ 7 for kappa = 10 and ~230 at
  b = 16.  The §3 count is a count of iterations, not of levels; a warm start
  (or a coarse-to-fine precision schedule) would bring the two together, but
  would also bring the floor to zero.
* Tightness: the floor counts only the entropy removed, at most ``b ln 2``
  per memory, while every level walked costs ``D >= b ln 2``; so the
  tightness is about ``(D / b ln 2)`` times the levels walked per parameter.
* Annealing rule: its tilt grows with ``lam |g|``, so memories far from their
  optimum dissipate much more than ``D`` per level once ``lam`` has grown;
  at b = 16 it spends several hundred times the gradient rule's heat.
* Update time: the heat is flat while ``f0 dt`` is large; below ``~1/f0``
  the tilt grows (``D_speed``) and each update delivers at most
  ``2 f0 dt sinh(D/2)`` levels, so more updates are needed.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ..errors import FormatError, ParameterError, check_bits, check_positive
from ..physics.lim import lim_tilt_kT
from .lim_memory import LIMArray, VersusBound, check_rule, estimate_J, predicted_updates

__all__ = ["QPProblem", "QPResult", "validate_qp", "load_qp", "save_qp", "random_qp", "osqp_reference", "solve_qp", "objective"]

_SYM_RTOL = 1e-9
_PSD_RTOL = 1e-9


@dataclass(frozen=True)
class QPProblem:
    """A validated convex QP (see module notes); ``A`` has shape (m, n), m may be 0."""

    P: np.ndarray
    q: np.ndarray
    A: np.ndarray
    l: np.ndarray
    u: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    eig_min: float
    eig_max: float
    source: str = "arrays"

    @property
    def n(self) -> int:
        return self.q.size

    @property
    def m(self) -> int:
        return self.A.shape[0]

    @property
    def kappa(self) -> float:
        """Condition number ``lambda_max / lambda_min`` of ``P`` (inf if singular)."""
        if self.eig_min <= _PSD_RTOL * max(self.eig_max, 1e-300):
            return math.inf
        return self.eig_max / self.eig_min


def _arr(name, value, ndim):
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} is not numeric; allowed: a real {ndim}-D array") from None
    if a.ndim != ndim:
        raise ParameterError(f"{name} has shape {a.shape}; allowed: a {ndim}-D array")
    if np.any(np.isnan(a)):
        raise ParameterError(f"{name} contains NaN; allowed: real numbers")
    return a


def validate_qp(P, q, A=None, l=None, u=None, lb=None, ub=None, *, source="arrays") -> QPProblem:
    """Check and freeze a QP; every refusal is a one-line :class:`ParameterError`.

    Refused: non-square, non-symmetric or non-PSD ``P``; shape mismatches;
    NaN anywhere; infinite ``P``, ``q``, ``A``, ``lb``, ``ub``; ``lb >= ub``;
    ``l > u``; missing ``lb``/``ub`` (the memory range must be finite).
    """
    P = _arr("P", P, 2)
    q = _arr("q", q, 1)
    n = q.size
    if n == 0:
        raise ParameterError("q is empty; allowed: at least one variable")
    if P.shape != (n, n):
        raise ParameterError(f"P has shape {P.shape}; allowed: ({n}, {n}) to match q of length {n}")
    for name, a in (("P", P), ("q", q)):
        if not np.all(np.isfinite(a)):
            raise ParameterError(f"{name} has infinite entries; allowed: finite numbers")
    scale = max(float(np.max(np.abs(P))), 1e-300)
    asym = float(np.max(np.abs(P - P.T)))
    if asym > _SYM_RTOL * scale:
        raise ParameterError(f"P is not symmetric (max |P - P'| = {asym:.3g}); allowed: symmetric positive semidefinite P")
    P = 0.5 * (P + P.T)
    eig = np.linalg.eigvalsh(P)
    emin, emax = float(eig[0]), float(eig[-1])
    if emin < -_PSD_RTOL * max(abs(emax), 1e-300) or emax <= 0.0:
        raise ParameterError(f"P is not positive semidefinite (smallest eigenvalue {emin:.3g}); allowed: convex problems (P PSD, P != 0)")
    if lb is None or ub is None:
        raise ParameterError("lb and ub are required; allowed: finite arrays of length n (the memories' level ranges)")
    lb = _arr("lb", lb, 1)
    ub = _arr("ub", ub, 1)
    for name, a in (("lb", lb), ("ub", ub)):
        if a.size != n:
            raise ParameterError(f"{name} has length {a.size}; allowed: {n} to match q")
        if not np.all(np.isfinite(a)):
            raise ParameterError(f"{name} has infinite entries; allowed: finite bounds (a memory's range)")
    bad = np.flatnonzero(lb >= ub)
    if bad.size:
        i = int(bad[0])
        raise ParameterError(f"lb[{i}]={lb[i]!r} >= ub[{i}]={ub[i]!r} (infeasible or empty bounds); allowed: lb < ub")
    if A is None:
        if l is not None or u is not None:
            raise ParameterError("l/u given without A; allowed: A, l and u together")
        A = np.zeros((0, n))
        l = np.zeros(0)
        u = np.zeros(0)
    else:
        A = _arr("A", A, 2)
        if A.shape[1] != n:
            raise ParameterError(f"A has shape {A.shape}; allowed: (m, {n}) to match q")
        if not np.all(np.isfinite(A)):
            raise ParameterError("A has infinite entries; allowed: finite numbers")
        m = A.shape[0]
        l = np.full(m, -np.inf) if l is None else _arr("l", l, 1)
        u = np.full(m, np.inf) if u is None else _arr("u", u, 1)
        for name, a in (("l", l), ("u", u)):
            if a.size != m:
                raise ParameterError(f"{name} has length {a.size}; allowed: {m} (rows of A)")
        bad = np.flatnonzero(l > u)
        if bad.size:
            i = int(bad[0])
            raise ParameterError(f"l[{i}]={l[i]!r} > u[{i}]={u[i]!r} (infeasible constraint); allowed: l <= u")
        if np.any(l == np.inf) or np.any(u == -np.inf):
            raise ParameterError("l has +inf or u has -inf (infeasible constraint); allowed: l < +inf, u > -inf")
    return QPProblem(P=P, q=q, A=A, l=l, u=u, lb=lb, ub=ub, eig_min=emin, eig_max=emax, source=source)


def load_qp(path) -> QPProblem:
    """Read a QP from an ``.npz`` file with keys P, q, lb, ub and optionally A, l, u."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"file={str(path)!r} does not exist; allowed: an .npz file with keys P, q, A, l, u, lb, ub")
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a format error
        raise FormatError(f"{path}: not a readable .npz file ({type(exc).__name__})") from None
    unknown = sorted(set(data) - {"P", "q", "A", "l", "u", "lb", "ub"})
    if unknown:
        raise FormatError(f"{path}: unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub")
    for key in ("P", "q", "lb", "ub"):
        if key not in data:
            raise FormatError(f"{path}: key {key!r} is missing; required: P, q, lb, ub (A, l, u optional)")
    return validate_qp(data["P"], data["q"], data.get("A"), data.get("l"), data.get("u"), data["lb"], data["ub"], source=str(path))


def save_qp(path, problem: QPProblem) -> None:
    """Write a QP as ``.npz`` (keys P, q, A, l, u, lb, ub)."""
    p = problem
    np.savez(path, P=p.P, q=p.q, A=p.A, l=p.l, u=p.u, lb=p.lb, ub=p.ub)


def random_qp(n, *, seed=0, kappa=10.0, m_ineq=None, m_eq=None, box=1.0) -> QPProblem:
    """A random well-conditioned, feasible convex QP.

    ``P = Q diag(e) Q'`` with ``Q`` Haar-random orthogonal and eigenvalues
    log-uniform in ``[1, kappa]`` (both ends included); ``q ~ N(0, 1)``;
    box ``[-box, box]``; ``m_ineq`` (default ``n // 10``) random unit-norm
    rows with ``A x <= u`` (half of them two-sided) and ``m_eq`` (default
    ``n // 50``) equality rows, all built around a point ``x_f`` drawn inside
    ``[-box/2, box/2]`` so the problem is feasible.
    """
    if int(n) != n or n < 2:
        raise ParameterError(f"n={n!r} is out of range; allowed: integers >= 2")
    n = int(n)
    kappa = check_positive("kappa", kappa)
    if kappa < 1:
        raise ParameterError(f"kappa={kappa!r} is out of range; allowed: kappa >= 1")
    box = check_positive("box", box)
    m_ineq = n // 10 if m_ineq is None else int(m_ineq)
    m_eq = n // 50 if m_eq is None else int(m_eq)
    if m_ineq < 0 or m_eq < 0 or m_eq >= n:
        raise ParameterError(f"m_ineq={m_ineq}, m_eq={m_eq} out of range; allowed: >= 0 and m_eq < n")
    rng = np.random.default_rng(seed)
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    Q *= np.sign(np.diag(R))
    e = np.exp(rng.uniform(0.0, math.log(kappa), n))
    e[0], e[-1] = 1.0, kappa
    P = (Q * e) @ Q.T
    P = 0.5 * (P + P.T)
    q = rng.standard_normal(n)
    x_f = rng.uniform(-0.5 * box, 0.5 * box, n)
    m = m_ineq + m_eq
    A = rng.standard_normal((m, n))
    A /= np.linalg.norm(A, axis=1, keepdims=True) if m else 1.0
    Ax = A @ x_f
    slack_u = rng.uniform(0.0, 0.3 * box, m_ineq)
    slack_l = rng.uniform(0.0, 0.3 * box, m_ineq)
    u = np.concatenate([Ax[:m_ineq] + slack_u, Ax[m_ineq:]])
    l_in = np.where(np.arange(m_ineq) % 2 == 0, -np.inf, Ax[:m_ineq] - slack_l)
    l = np.concatenate([l_in, Ax[m_ineq:]])
    lb = np.full(n, -box)
    ub = np.full(n, box)
    return validate_qp(P, q, A, l, u, lb, ub, source=f"random(n={n}, seed={seed}, kappa={kappa:g})")


def objective(problem: QPProblem, x) -> np.ndarray:
    """``1/2 x'Px + q'x`` for one point (n,) or a stack of points (R, n)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", x, problem.P, x) + x @ problem.q


def constraint_violation(problem: QPProblem, x) -> np.ndarray:
    """Largest violation ``max(l - Ax, Ax - u, lb - x, x - ub, 0)`` (absolute), per point."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    v = np.maximum(np.max(np.maximum(problem.lb - x, x - problem.ub), axis=1), 0.0)
    if problem.m:
        Ax = x @ problem.A.T
        with np.errstate(invalid="ignore"):
            r = np.maximum(np.where(np.isfinite(problem.l), problem.l - Ax, -np.inf),
                           np.where(np.isfinite(problem.u), Ax - problem.u, -np.inf))
        v = np.maximum(v, np.max(r, axis=1))
    return v


def osqp_reference(problem: QPProblem, *, eps=1e-9, max_iter=200_000):
    """Solve with OSQP (the accuracy reference; optional extra ``qp``). Returns ``(x, objective, status)``."""
    try:
        import osqp
        from scipy import sparse
    except ImportError:  # pragma: no cover - depends on the environment
        raise ParameterError("reference='osqp' needs the optional dependency osqp (pip install limbound[qp])") from None
    p = problem
    n = p.n
    Ac = sparse.vstack([sparse.csc_matrix(p.A), sparse.eye(n)], format="csc")
    lo = np.concatenate([p.l, p.lb])
    hi = np.concatenate([p.u, p.ub])
    big = 1e20  # OSQP's infinity
    lo = np.where(np.isfinite(lo), lo, -big)
    hi = np.where(np.isfinite(hi), hi, big)
    solver = osqp.OSQP()
    new_api = int(str(getattr(osqp, "__version__", "0")).split(".")[0]) >= 1  # osqp 1.x renamed 'polish'
    solver.setup(P=sparse.triu(sparse.csc_matrix(p.P), format="csc"), q=p.q, A=Ac, l=lo, u=hi,
                 eps_abs=eps, eps_rel=eps, max_iter=max_iter, verbose=False,
                 **({"polishing": True} if new_api else {"polish": True}))
    res = solver.solve(raise_error=False) if new_api else solver.solve()
    status = str(res.info.status)
    if res.x is None or not np.all(np.isfinite(res.x)):
        return None, math.nan, status
    x = np.clip(res.x, p.lb, p.ub)
    return x, float(objective(p, x)), status


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
    dissipated_J: float
    dissipated_sem_J: float
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

    @property
    def energy_to_solution_J(self) -> float:
        return self.dissipated_J + self.memory_wall_J

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
            "converged": self.converged,
            "time_to_solution_s": self.time_to_solution_s,
            "wall_time_s": self.wall_time_s,
            "objective_per_read": self.objective_per_read.tolist(),
            "books": self.books,
        }


def _rel_gap(f, f_ref):
    """``|f - f_ref| / max(|f_ref|, 1)`` (the floor 1 avoids dividing by an optimum near 0)."""
    return np.abs(np.asarray(f) - f_ref) / max(abs(f_ref), 1.0)


def solve_qp(problem: QPProblem, *, bits=16, rule="gradient", reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ,
             T_K=T_DEFAULT_K, seed=0, engine="poisson", max_updates=None, inner_tol=0.5, max_inner=None,
             max_outer=60, constraint_tol=1e-4, rho=None, reference="osqp", read_energy_J=0.0, C=1.0) -> QPResult:
    """Solve a convex QP on LIM memories and keep the energy books (THEORY §6).

    Parameters
    ----------
    problem : QPProblem (see :func:`validate_qp`, :func:`load_qp`, :func:`random_qp`), or a dict of
        numpy arrays with keys P, q, lb, ub (and optionally A, l, u), validated here
    bits : bits per memory (2..24)
    rule : ``"gradient"`` (default) or ``"anneal"`` (THEORY §6)
    reads : independent runs from independent uniformly random levels (>= 2 for the entropy estimate)
    dt_s : update time (s); f0_hz, T_K : attempt frequency and temperature
    seed : seeds everything random
    engine : ``"poisson"`` or ``"sync"`` for the gradient rule (the annealing rule always uses sync)
    max_updates : cap on LIM updates (default: ``20 * predicted + 2000`` plus twice the updates a walk
        across the range needs at the speed limit for the gradient rule,
        ``4 * 2**b + 2000`` for the annealing rule, which moves at most one level per update)
    inner_tol : inner solve stops when the mean distance to the conditional optima is <= this many levels
    max_outer, constraint_tol, rho : augmented-Lagrangian controls (``rho`` default ``lambda_max(P)/||A||^2``)
    reference : ``"osqp"`` or ``None``
    read_energy_J : energy per memory read (memory wall; 0 in the ideal LIM model)
    C : constant of the sublinear class when ``P`` is singular (THEORY §3)
    """
    if isinstance(problem, dict):
        unknown = sorted(set(problem) - {"P", "q", "A", "l", "u", "lb", "ub"})
        if unknown:
            raise ParameterError(f"problem has unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub")
        problem = validate_qp(**problem)
    if not isinstance(problem, QPProblem):
        raise ParameterError(f"problem is a {type(problem).__name__}; allowed: a QPProblem (validate_qp/load_qp/random_qp) or a dict of arrays")
    bits = check_bits(bits)
    if not 2 <= bits <= 24:
        raise ParameterError(f"bits={bits} is out of range; allowed: 2..24 for the QP solver")
    check_rule(rule)
    if int(reads) != reads or reads < 2:
        raise ParameterError(f"reads={reads!r} is out of range; allowed: integers >= 2 (entropy over reads)")
    if reference not in ("osqp", None):
        raise ParameterError(f"reference={reference!r} is unknown; allowed: 'osqp' or None")
    check_positive("read_energy_J", read_energy_J, allow_zero=True)
    check_positive("inner_tol", inner_tol)
    check_positive("constraint_tol", constraint_tol)
    p = problem
    n, m = p.n, p.m
    t0 = time.perf_counter()
    # ---- the prediction, before the run (THEORY §3)
    kappa = p.kappa
    if math.isfinite(kappa):
        klass, n_pred = "linear", predicted_updates("linear", bits, kappa=max(kappa, 1.0))
    else:
        klass, n_pred = "sublinear", predicted_updates("sublinear", bits, C=C)
    est = estimate_J(bits, dt_s, n, n_pred, T_K=T_K, f0_hz=f0_hz)
    if max_updates is None:
        # room for the prediction, and for the walk across the range when updates are asked faster than
        # the memories can deliver (at most 2 f0 dt sinh(D/2) levels per update, THEORY §2b)
        v_max = 2.0 * f0_hz * dt_s * math.sinh(0.5 * float(lim_tilt_kT(bits, dt_s, f0_hz)))
        walk = 2.0 * 2**bits / min(max(v_max, 1e-12), 2.0**bits)
        max_updates = int(20 * n_pred + 2000 + walk) if rule == "gradient" else int(4 * 2**bits + 2000)
    if max_inner is None:
        max_inner = max(50, int(10 * n_pred)) if rule == "gradient" else max_updates
    # ---- the memories, from uniformly random levels
    arr = LIMArray(p.lb, p.ub, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed)
    A, l, u = p.A, p.l, p.u
    normA2 = float(np.linalg.norm(A, 2)) ** 2 if m else 0.0
    if rho is None:
        rho = p.eig_max / normA2 if m else 0.0
    rho = float(rho)
    Y = np.zeros((reads, m))
    Pdiag = np.diag(p.P).copy()
    A2 = A * A

    def grad(X, Y, rho):
        G = X @ p.P + p.q
        H = np.broadcast_to(Pdiag, X.shape)
        if m:
            W = X @ A.T + Y / rho
            Z = np.clip(W, l, u)
            G = G + rho * (W - Z) @ A
            out = (W != Z).astype(float)
            H = H + rho * (out @ A2)
        return G, H

    updates = 0
    outer = 0
    converged = False
    prev_res = math.inf
    lam = 0.0
    lam_max = 8.0 * arr.D / (float(np.median(arr.delta)) ** 2 * max(float(np.median(Pdiag)), 1e-300))
    quiet = 0
    # a grid point cannot meet a constraint better than about one level: the residual target
    tol_eff = max(float(constraint_tol), float(np.median(arr.delta)))
    while True:
        L = p.eig_max + rho * normA2
        eta = 1.0 / L
        inner = 0
        while updates < max_updates:
            X = arr.values
            G, H = grad(X, Y, rho)
            if rule == "gradient":
                # projected distance (levels) to each coordinate's conditional optimum, g_i / (h_i delta_i);
                # the inner solve stops when its mean is below the grid
                Xl = arr.levels_RN
                push_out = ((Xl == arr.top) & (G < 0)) | ((Xl == 0) & (G > 0))
                dist = np.where(push_out, 0.0, np.abs(G) / (np.maximum(H, 1e-300) * arr.delta))
                if inner > 0 and float(np.mean(dist)) <= inner_tol:
                    break
                if inner >= max_inner:
                    break
                arr.gradient_step(G, eta, engine=engine)
            else:
                Xl = arr.levels_RN
                push_out = ((Xl == arr.top) & (G < 0)) | ((Xl == 0) & (G > 0))
                Gp = np.where(push_out, 0.0, G)
                rms = float(np.sqrt(np.mean(Gp * Gp)))
                target = arr.D / (float(np.median(arr.delta)) * rms) if rms > 0 else lam_max
                near = float(np.mean(np.abs(Gp) / (np.maximum(H, 1e-300) * arr.delta))) <= 2.0  # levels
                lam = min(max(lam * (1.02 if near else 1.0), target), lam_max)
                # damp synchronous moves near the bottom (coupled memories would overshoot together, as
                # Jacobi iterations do); far from it every memory attempts one hop per update
                dist = np.abs(Gp) / (np.maximum(H, 1e-300) * arr.delta)
                att = np.where(dist > 2.0, 1.0, np.clip(H / L, 1e-6, 1.0))
                st = arr.anneal_step(G, H, lam, attempt=att)
                quiet = quiet + 1 if (lam >= lam_max and st["hops"] < 0.01 * n * reads) else 0
                if quiet >= 20 or inner >= max_inner:
                    break
            inner += 1
            updates += 1
        outer += 1
        if m == 0:
            converged = updates < max_updates
            break
        X = arr.values
        W = X @ A.T + Y / rho
        Z = np.clip(W, l, u)
        Y = rho * (W - Z)
        res = float(np.max(np.abs(X @ A.T - np.clip(X @ A.T, l, u))))
        if res <= tol_eff and inner <= 2:
            converged = True
            break
        if updates >= max_updates or outer >= max_outer:
            break
        if res > 0.25 * prev_res and res > tol_eff:
            rho = min(rho * 5.0, 1e6 * p.eig_max / max(normA2, 1e-300))  # multipliers kept
        prev_res = res
    wall = time.perf_counter() - t0
    # ---- read out and close the books
    X = arr.values
    f_reads = objective(p, X)
    books = arr.books()
    f_ref, status = math.nan, "not computed"
    if reference == "osqp":
        _, f_ref, status = osqp_reference(p)
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(reads, math.nan)
    viol = float(np.max(constraint_violation(p, X)))
    best = int(np.argmin(f_reads))
    bd = arr.books_dict(books, rule=rule, engine=engine, n_predicted=n_pred, rho_final=rho,
                        memory_reads_per_run=updates * n)
    return QPResult(
        x=X[best], objective=float(np.mean(f_reads)), objective_per_read=f_reads,
        reference_objective=f_ref, reference_status=status,
        rel_gap=float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
        rel_gap_worst_read=float(np.max(gaps)), constraint_violation=viol,
        dissipated_J=books.dissipated_J, dissipated_sem_J=books.dissipated_sem_J, bound_J=books.bound_J,
        estimate_J=est, memory_wall_J=float(read_energy_J) * updates * n,
        updates=updates, predicted_updates=n_pred, convergence_class=klass, kappa=kappa,
        outer_iterations=outer, converged=converged, time_to_solution_s=updates * dt_s, wall_time_s=wall,
        books=bd,
        inputs={"n": n, "m": m, "bits": bits, "rule": rule, "reads": reads, "dt_s": dt_s, "f0_hz": f0_hz,
                "T_K": T_K, "seed": seed, "engine": engine, "source": p.source, "read_energy_J": read_energy_J},
    )
