"""Convex quadratic programs solved on b-bit LIM memories, with measured dissipation against the bound (THEORY §2b, §3, §6).

Problem
-------
    minimise   f(x) = 1/2 x'Px + q'x + r
    subject to lb <= x <= ub        (optional; +-inf allowed; single-variable rows of A become bounds)
               l <= Ax <= u         (rows with l = u are equalities; +-inf allowed in l, u)

Input (``.npz`` or the qpbenchmark/OSQP ``.mat`` layout), bound rows, infinities and the finite ranges the
memories need (bounds, bound propagation, an adaptive box): :mod:`limbound.solvers.qp_input` and
docs/theory.md §6a.

Gradient rule (default): the memories hold the iterate of a digital driver -- Mehrotra's interior-point method
(:mod:`limbound.solvers.qp_ipm`, default) or OSQP's ADMM (:mod:`limbound.solvers.qp_admm`, ``method="admm"``);
each iteration they walk to the driver's target under the gradient rule and are read back; each variable is
held by ``banks`` memories of ``b`` bits (precision banks); the status (``solved``, ``inaccurate``,
``max_iter``, ``time_limit``, ``infeasible``, ``unbounded``) is judged on the values the memories hold.

Annealing rule: each ``x_i`` is one b-bit LIM memory whose ``2**b`` levels span its range, and the linear
constraints are handled by the **augmented Lagrangian** (method of multipliers, Hestenes 1969 / Powell 1969,
in the two-sided form used by OSQP):

    L_rho(x, y) = f(x) + rho/2 || Ax + y/rho - Pi(Ax + y/rho) ||^2 ,   Pi = clip to [l, u]
    grad_x L   = Px + q + rho A' (w - Pi(w)),   w = Ax + y/rho

An *inner* solve drives the memories with the annealing rule on ``grad_x L`` until fewer than 1 % of the
memories hop per update at the largest ``lam`` (below) or ``max_inner`` updates; then the multipliers are
updated, ``y <- rho (w - Pi(w))``, and ``rho`` grows by 5x when the constraint residual did not fall by 4x.
The outer loop stops when the residual is below ``max(constraint_tol, delta)`` (a grid point cannot meet a
constraint much better than one level ``delta``) and the next inner solve has nothing left to do; its status is
``solved`` then, ``max_iter`` otherwise.

Reads are independent runs.  The second-law floor of THEORY §6 is a
statement about the mean over independent runs, so every piece of the
driver's state is per read: multipliers, ``rho``, step size, ``lam``, the
inner and outer stopping decisions and the update cap.  A read that has
finished is frozen (its memories keep their landscape behind an infinite
barrier: no hop, no heat, no work) while the others go on; ``updates`` is the
largest count over reads, ``books['updates_per_read']`` the counts, and
``time_to_solution_s`` and the memory wall use the mean count (one run).
(Before, the stopping tests pooled all reads, so one slow read kept every
read updating and the heat per read grew with the number of reads:
``random_qp(50)``, b = 8, gave 76, 94 and 3111 updates at 2, 8 and 32 reads.)
The multipliers (``m``
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
reported), ``bound_J`` (second-law floor with an upper estimate of the final
marginal entropies over reads: the larger of Miller-Madow and the
maximum-entropy bound from the spread over reads, see
:mod:`limbound.solvers.lim_memory`), ``estimate_J = e_LIM(b, dt) * N * n`` with ``n`` predicted before
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

import contextlib
import dataclasses
import hashlib
import io
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..errors import FormatError, ParameterError, check_bits, check_integer, check_positive, check_seed
from ..physics.lim import lim_tilt_kT
from . import qp_admm, qp_input, qp_ipm
from .qp_input import (box_start, check_dense_budget, infinite_to_inf, memory_ranges, propagate_bounds, read_mat,
                       split_bound_rows)
from .lim_memory import LIMArray, final_entropy_upper, floor_summary, VersusBound, check_array_size, check_rule, estimate_J, predicted_updates

__all__ = ["QPProblem", "QPResult", "validate_qp", "load_qp", "save_qp", "random_qp", "osqp_reference", "solve_qp", "objective",
           "check_random_inputs", "check_solve_inputs"]

_SYM_RTOL = 1e-9
_PSD_RTOL = 1e-9
#: a P whose smallest eigenvalue is below -_NEG_RTOL * lambda_max is refused as non-convex.  Looser than the
#: singularity tolerance: VALUES of the Maros-Meszaros set has eigenvalues down to -1.2e-6 lambda_max (rounding of
#: its data), which Clarabel and OSQP accept; the ADMM's regularisation sigma covers them.
_NEG_RTOL = 1e-5
#: largest random problem: P is dense (n x n float64, 3.2 GB at 20000)
MAX_RANDOM_N = 20_000
#: largest condition number of a random problem.  P = Q diag(e) Q' is formed in double precision, with rounding
#: errors of about 2.2e-16 * lambda_max * sqrt(n) in every eigenvalue: from kappa ~ 1e9 the smallest eigenvalues
#: sit at the solver's singularity tolerance (``_PSD_RTOL`` = 1e-9 of lambda_max, so ``QPProblem.kappa`` turns
#: inf) and OSQP (eps 1e-9) stops at its iteration limit on most seeds (measured: n = 5, 50, seeds 0-2 all
#: solved at 1e8, 3 of 6 at 1e9, none at 1e10); kappa = 1e300 gives a P that OSQP finds non-convex.
MAX_RANDOM_KAPPA = 1e8
#: largest update cap of the annealing rule (``4 * 2**b + 2000`` unless ``max_updates`` is given): it moves at
#: most one level per update, so its updates grow like ``2**b``; at ~0.3 ms per update (n = 5, 4 reads, one
#: core) this cap, b <= 18, is ~5 minutes per run.  b = 24 would need 6.7e7 updates (hours).
MAX_ANNEAL_UPDATES = 4 * 2**18 + 2000


def _num(x) -> str:
    """A number printed plainly in messages (``1.0``, not ``np.float64(1.0)``)."""
    return repr(float(x))


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
    #: constant term of the objective (the MAT layout's ``r``)
    r: float = 0.0
    source: str = "arrays"
    #: sha256 of the file the problem was read from (:func:`load_qp`), else None
    sha256: str | None = None

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
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raw = None
    if raw is not None and np.iscomplexobj(raw):  # np.array(dtype=float) would drop the imaginary part with a warning
        raise ParameterError(f"{name} is complex ({raw.dtype}); allowed: a real {ndim}-D array")
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} is not numeric; allowed: a real {ndim}-D array") from None
    if a.ndim != ndim:
        raise ParameterError(f"{name} has shape {a.shape}; allowed: a {ndim}-D array")
    if np.any(np.isnan(a)):
        raise ParameterError(f"{name} contains NaN; allowed: real numbers")
    return a


def validate_qp(P, q, A=None, l=None, u=None, lb=None, ub=None, *, r=0.0, source="arrays") -> QPProblem:
    """Check and freeze a QP; every refusal is a one-line :class:`ParameterError`.

    ``lb``/``ub`` are optional (default: no bound); entries with ``|value| >= 1e19`` in ``l, u, lb, ub`` are
    infinite (:data:`~limbound.solvers.qp_input.INFINITY`); rows of ``A`` with a single non-zero become bounds
    (:func:`~limbound.solvers.qp_input.split_bound_rows`).  ``r`` is a constant added to the objective.
    Refused: non-square, non-symmetric or non-PSD ``P``; ``P = 0``; shape mismatches; NaN anywhere; infinite
    ``P``, ``q``, ``A``, ``r``; ``lb > ub``, ``lb = +inf`` or ``ub = -inf``; ``l > u``; dense ``P`` and ``A``
    beyond :data:`~limbound.solvers.qp_input.MAX_DENSE_BYTES`.
    """
    q = _arr("q", q, 1)
    n = q.size
    if n == 0:
        raise ParameterError("q is empty; allowed: at least one variable")
    m_rows = 0 if A is None else int(np.shape(A)[0]) if np.ndim(A) == 2 else 0
    check_dense_budget(n, m_rows, source=source)
    P = _arr("P", P, 2)
    if P.shape != (n, n):
        raise ParameterError(f"P has shape {P.shape}; allowed: ({n}, {n}) to match q of length {n}")
    for name, a in (("P", P), ("q", q)):
        if not np.all(np.isfinite(a)):
            raise ParameterError(f"{name} has infinite entries; allowed: finite numbers")
    try:
        r = float(r)
    except (TypeError, ValueError):
        raise ParameterError(f"r={r!r} is not a number; allowed: a finite constant") from None
    if not math.isfinite(r):
        raise ParameterError(f"r={r!r} is not finite; allowed: a finite constant")
    scale = max(float(np.max(np.abs(P))), 1e-300)
    asym = float(np.max(np.abs(P - P.T)))
    if asym > _SYM_RTOL * scale:
        raise ParameterError(f"P is not symmetric (max |P - P'| = {asym:.3g}); allowed: symmetric positive semidefinite P")
    P = 0.5 * (P + P.T)
    if not np.any(P):
        raise ParameterError("P = 0 (a linear program) is not supported; allowed: convex quadratic problems (P PSD, P != 0)")
    eig = np.linalg.eigvalsh(P)
    emin, emax = float(eig[0]), float(eig[-1])
    if emin < -_NEG_RTOL * max(abs(emax), 1e-300) or emax <= 0.0:
        raise ParameterError(f"P is not positive semidefinite (smallest eigenvalue {emin:.3g}); allowed: convex problems (P PSD, P != 0)")
    lb = np.full(n, -np.inf) if lb is None else infinite_to_inf(_arr("lb", lb, 1))
    ub = np.full(n, np.inf) if ub is None else infinite_to_inf(_arr("ub", ub, 1))
    for name, a in (("lb", lb), ("ub", ub)):
        if a.size != n:
            raise ParameterError(f"{name} has length {a.size}; allowed: {n} to match q")
    if np.any(lb == np.inf) or np.any(ub == -np.inf):
        raise ParameterError("lb has +inf or ub has -inf (no point allowed); allowed: lb < +inf, ub > -inf")
    bad = np.flatnonzero(lb > ub)
    if bad.size:
        i = int(bad[0])
        raise ParameterError(f"lb[{i}]={_num(lb[i])} > ub[{i}]={_num(ub[i])} (infeasible bounds); allowed: lb <= ub")
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
        l = np.full(m, -np.inf) if l is None else infinite_to_inf(_arr("l", l, 1))
        u = np.full(m, np.inf) if u is None else infinite_to_inf(_arr("u", u, 1))
        for name, a in (("l", l), ("u", u)):
            if a.size != m:
                raise ParameterError(f"{name} has length {a.size}; allowed: {m} (rows of A)")
        bad = np.flatnonzero(l > u)
        if bad.size:
            i = int(bad[0])
            raise ParameterError(f"l[{i}]={_num(l[i])} > u[{i}]={_num(u[i])} (infeasible constraint); allowed: l <= u")
        if np.any(l == np.inf) or np.any(u == -np.inf):
            raise ParameterError("l has +inf or u has -inf (infeasible constraint); allowed: l < +inf, u > -inf")
        A, l, u, lb, ub, _ = split_bound_rows(A, l, u, lb, ub)
    return QPProblem(P=P, q=q, A=A, l=l, u=u, lb=lb, ub=ub, eig_min=emin, eig_max=emax, r=r, source=source)


_FORMATS = ".npz (keys P, q and optionally A, l, u, lb, ub, r) or .mat (qpbenchmark/OSQP layout: P, q, r, A, l, u)"


def load_qp(path) -> QPProblem:
    """Read a QP from ``.npz`` (keys P, q; optional A, l, u, lb, ub, r) or ``.mat`` (the qpbenchmark/OSQP layout).

    ``.mat``: ``P, q, r, A, l, u`` as in the Maros-Meszaros files of qpbenchmark (sparse matrices, ``+-1e20``
    infinite, bounds as single-variable rows of ``A``), see :mod:`limbound.solvers.qp_input`.
    """
    path = Path(path)
    if path.is_dir():
        raise ParameterError(f"file={str(path)!r} is a directory; allowed: {_FORMATS}")
    if not path.is_file():
        raise ParameterError(f"file={str(path)!r} does not exist; allowed: {_FORMATS}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"file={str(path)!r} cannot be read ({type(exc).__name__}); allowed: a readable {_FORMATS}") from None
    if path.suffix.lower() == ".mat":
        data = read_mat(path, raw)
    else:
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a format error
            raise FormatError(f"{path}: not a readable .npz file ({type(exc).__name__})") from None
        unknown = sorted(set(data) - {"P", "q", "A", "l", "u", "lb", "ub", "r"})
        if unknown:
            raise FormatError(f"{path}: unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub, r")
        for key in ("P", "q"):
            if key not in data:
                raise FormatError(f"{path}: key {key!r} is missing; required: P, q (A, l, u, lb, ub, r optional)")
        if "r" in data:
            rr = np.asarray(data["r"])
            if rr.size != 1:
                raise FormatError(f"{path}: key 'r' has shape {rr.shape}; allowed: one number")
            data["r"] = rr.ravel()[0]
    prob = validate_qp(data["P"], data["q"], data.get("A"), data.get("l"), data.get("u"), data.get("lb"), data.get("ub"),
                       r=data.get("r", 0.0), source=str(path))
    return dataclasses.replace(prob, sha256=hashlib.sha256(raw).hexdigest())


def save_qp(path, problem: QPProblem) -> None:
    """Write a QP as ``.npz`` (keys P, q, A, l, u, lb, ub, r)."""
    p = problem
    np.savez(path, P=p.P, q=p.q, A=p.A, l=p.l, u=p.u, lb=p.lb, ub=p.ub, r=p.r)


def save_qp(path, problem: QPProblem) -> None:
    """Write a QP as ``.npz`` (keys P, q, A, l, u, lb, ub)."""
    p = problem
    np.savez(path, P=p.P, q=p.q, A=p.A, l=p.l, u=p.u, lb=p.lb, ub=p.ub)


def check_random_inputs(n, *, seed=0, kappa=10.0, m_ineq=None, m_eq=None, box=1.0) -> tuple:
    """The checks of :func:`random_qp`, before any work (one-line :class:`ParameterError`).

    Returns ``(n, seed, kappa, m_ineq, m_eq, box)`` resolved; used by :func:`random_qp`, the ``qp`` CLI and the
    sweep kind ``qp`` so that all three refuse the same inputs.
    """
    n = check_integer("n", n, minimum=2, maximum=MAX_RANDOM_N, why="P is dense")
    seed = check_seed(seed)
    kappa = check_positive("kappa", kappa)
    if not 1 <= kappa <= MAX_RANDOM_KAPPA:
        raise ParameterError(f"kappa={kappa!r} is out of range; allowed: 1 <= kappa <= {MAX_RANDOM_KAPPA:g} "
                             f"(P is built in double precision: beyond that it is singular to the solver's 1e-9 tolerance and "
                             f"OSQP does not converge)")
    box = check_positive("box", box)
    for name, v in (("m_ineq", m_ineq), ("m_eq", m_eq)):
        try:
            ok = v is None or (not isinstance(v, bool) and int(v) == v)
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            raise ParameterError(f"{name}={v!r} is not an integer; allowed: integers >= 0")
    m_ineq = n // 10 if m_ineq is None else int(m_ineq)
    m_eq = n // 50 if m_eq is None else int(m_eq)
    if m_ineq < 0 or m_eq < 0 or m_eq >= n:
        raise ParameterError(f"m_ineq={m_ineq}, m_eq={m_eq} out of range; allowed: >= 0 and m_eq < n")
    return n, seed, kappa, m_ineq, m_eq, box


def random_qp(n, *, seed=0, kappa=10.0, m_ineq=None, m_eq=None, box=1.0) -> QPProblem:
    """A random well-conditioned, feasible convex QP.

    ``P = Q diag(e) Q'`` with ``Q`` Haar-random orthogonal and eigenvalues
    log-uniform in ``[1, kappa]`` (both ends included; ``kappa <= MAX_RANDOM_KAPPA``, see there); ``q ~ N(0, 1)``;
    box ``[-box, box]``; ``m_ineq`` (default ``n // 10``) random unit-norm
    rows with ``A x <= u`` (half of them two-sided) and ``m_eq`` (default
    ``n // 50``) equality rows, all built around a point ``x_f`` drawn inside
    ``[-box/2, box/2]`` so the problem is feasible.
    """
    n, seed, kappa, m_ineq, m_eq, box = check_random_inputs(n, seed=seed, kappa=kappa, m_ineq=m_ineq, m_eq=m_eq, box=box)
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
    """``1/2 x'Px + q'x + r`` for one point (n,) or a stack of points (R, n)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", x, problem.P, x) + x @ problem.q + problem.r


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


#: OSQP statuses whose solution is trusted as the reference; anything else (primal/dual infeasible,
#: maximum iterations, ...) is refused before the LIM solve
OSQP_ACCEPTED = ("solved", "solved inaccurate")


@contextlib.contextmanager
def _quiet_stdout():
    """Silence file descriptor 1 (C-level prints) for the duration; Python's stdout is flushed first.

    Process-wide: output of other threads to fd 1 during the OSQP solve is lost too.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured or replaced stdout: nothing at fd level to guard
        fd = 1
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            try:
                yield
            finally:
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def osqp_reference(problem: QPProblem, *, eps=1e-9, max_iter=200_000):
    """Solve with OSQP (the accuracy reference; optional extra ``qp``). Returns ``(x, objective, status)``.

    An exception OSQP raises (e.g. ``OSQPException(4)``, P non-convex at its working precision) is returned
    as ``(None, nan, "error 4 (OSQP_NONCVX_ERROR)")``, never raised.
    """
    from scipy import sparse

    from .._optional import require
    osqp = require("osqp", extra="qp", error=ParameterError,
                   message="reference='osqp' needs the optional dependency osqp (pip install limbound[qp])")
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
    try:
        with _quiet_stdout():  # OSQP's C code prints (e.g. "Polishing not needed...") even with verbose=False
            solver.setup(P=sparse.triu(sparse.csc_matrix(p.P), format="csc"), q=p.q, A=Ac, l=lo, u=hi,
                         eps_abs=eps, eps_rel=eps, max_iter=max_iter, verbose=False,
                         **({"polishing": True} if new_api else {"polish": True}))
            res = solver.solve(raise_error=False) if new_api else solver.solve()
    except Exception as exc:  # noqa: BLE001 - OSQPException (an int code), ValueError, ...: refused, one line
        return None, math.nan, _osqp_error(exc)
    status = str(res.info.status)
    if res.x is None or not np.all(np.isfinite(res.x)):
        return None, math.nan, status
    x = np.clip(res.x, p.lb, p.ub)
    return x, float(objective(p, x)), status


def _osqp_error(exc) -> str:
    """A status string for an exception OSQP raised (its C error code named when it is one)."""
    code = exc.args[0] if exc.args else None
    if isinstance(code, int) and not isinstance(code, bool):
        try:
            from osqp.interface import SolverError
            names = {int(v.value): k for k, v in SolverError.__members__.items()}
        except Exception:  # noqa: BLE001 - older osqp: the bare code
            names = {}
        return f"error {code} ({names.get(code, 'unknown code')})"
    return f"error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"


def _osqp_hint(problem: QPProblem, status: str) -> str:
    """What a non-accepted OSQP status most likely means for this problem."""
    if "infeasible" in status:
        return "the constraints admit no point" if "primal" in status else "OSQP found the problem unbounded"
    kappa = problem.kappa
    cond = (f"condition number of P {kappa:.3g}" if math.isfinite(kappa) else
            f"P numerically singular: eigenvalues {problem.eig_min:.3g}..{problem.eig_max:.3g}, condition number "
            f"beyond {1 / _PSD_RTOL:g}")
    if "NONCVX" in status:
        return f"OSQP found P non-convex at its working precision ({cond})"
    return cond


def checked_reference(problem: QPProblem, **kw):
    """:func:`osqp_reference`, refusing (one-line :class:`ParameterError`) any status but solved / solved inaccurate.

    The message gives what OSQP reported (status, or the error it raised at setup) and what it most likely
    means for this problem (infeasible constraints, or the condition number of ``P``).
    """
    x, f, status = osqp_reference(problem, **kw)
    if status not in OSQP_ACCEPTED or not math.isfinite(f):
        raise ParameterError(f"problem {problem.source!r}: OSQP reported {status!r} ({_osqp_hint(problem, status)}); "
                             f"allowed: problems OSQP solves (status {' or '.join(OSQP_ACCEPTED)}), "
                             f"or reference=None (--no-reference)")
    return x, f, status


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
    #: solved / inaccurate / max_iter / time_limit / infeasible / unbounded (module notes of qp_admm)
    status: str = "inaccurate"
    #: worst read: primal residual, dual residual, duality gap (relative, see qp_admm), and the tolerance
    primal_residual: float = math.nan
    dual_residual: float = math.nan
    duality_gap: float = math.nan
    tolerance: float = math.nan

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
            "status": self.status,
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


def _rel_gap(f, f_ref):
    """``|f - f_ref| / max(|f_ref|, 1)`` (the floor 1 avoids dividing by an optimum near 0)."""
    return np.abs(np.asarray(f) - f_ref) / max(abs(f_ref), 1.0)


def check_solve_inputs(n=None, *, bits=16, rule="gradient", reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ, T_K=T_DEFAULT_K,
                       seed=0, reference="osqp", read_energy_J=0.0, inner_tol=0.5, constraint_tol=1e-4,
                       max_updates=None, **_other) -> tuple:
    """The checks of :func:`solve_qp` that need no problem (only its size ``n``, if known), before any work.

    Used by :func:`solve_qp`, the ``qp`` CLI (before it builds a random problem) and the sweep kind ``qp``
    (before any cluster starts), so that all three refuse the same inputs with the same one-line
    :class:`ParameterError`.  ``reads x n`` is capped (:func:`~limbound.solvers.lim_memory.check_array_size`);
    the annealing rule's update cap is capped (:data:`MAX_ANNEAL_UPDATES`).  Other :func:`solve_qp` options
    (``_other``) are accepted and left to :func:`solve_qp`.  Returns ``(bits, seed)`` resolved.
    """
    bits = check_bits(bits)
    if not 2 <= bits <= 24:
        raise ParameterError(f"bits={bits} is out of range; allowed: 2..24 for the QP solver")
    check_rule(rule)
    check_integer("reads", reads, minimum=2, why="entropy over reads")
    if reference not in ("osqp", None):
        raise ParameterError(f"reference={reference!r} is unknown; allowed: 'osqp' or None")
    seed = check_seed(seed)
    for name, v in (("dt_s", dt_s), ("f0_hz", f0_hz), ("T_K", T_K), ("inner_tol", inner_tol),
                    ("constraint_tol", constraint_tol)):
        check_positive(name, v)
    check_positive("read_energy_J", read_energy_J, allow_zero=True)
    if max_updates is not None:
        check_integer("max_updates", max_updates, minimum=1)
    if rule == "anneal":
        cap = int(4 * 2**bits + 2000) if max_updates is None else int(max_updates)
        if cap > MAX_ANNEAL_UPDATES:
            raise ParameterError(f"rule='anneal' at bits={bits} may need {cap} updates (one level per update, "
                                 f"4 * 2**bits + 2000); allowed: <= {MAX_ANNEAL_UPDATES} (bits <= 18, or a smaller "
                                 f"max_updates): use rule 'gradient' (--rule gradient) or fewer bits")
    if n is not None:
        check_array_size(reads, n)
    return bits, seed


#: the order in which one read's status overrides the others' in the result (the worst read speaks)
_STATUS_ORDER = ("infeasible", "unbounded", "time_limit", "max_iter", "inaccurate", "solved")


def _bank0_floor(arr, n, T_K) -> float:
    """Second-law floor of a banked run (THEORY §6), J: ``kT sum_i (b ln 2 - H_i(tau))`` over the variables' bank-0
    memories (upper entropy estimate, :func:`~limbound.solvers.lim_memory.final_entropy_upper`).  The finer banks'
    final entropies are bounded by their maximum ``b ln 2``, equal to their initial entropy: they add nothing
    (conservative, and free of the few-reads bias of estimating nearly uniform final distributions)."""
    lv = arr.levels_RN[:, :n]
    h_up = final_entropy_upper(lv, arr.M)[1]
    return float(kT(T_K) * (n * arr.bits * math.log(2.0) - h_up))


#: gradient-rule drivers: name -> (module, default iterations per read)
DRIVERS = {"ipm": (qp_ipm, 200), "admm": (qp_admm, 4000)}


def _solve_admm(p, *, bits, reads, dt_s, f0_hz, T_K, seed, engine, method, eps, max_iter, time_limit_s, banks, f_ref,
                ref_status, est, n_pred, klass, kappa, t0, read_energy_J, reference, C, x_ref=None) -> QPResult:
    """The gradient rule: a driver (``method``: :data:`DRIVERS`) whose iterate LIM memories hold, in the adaptive box.

    Box stages (docs/theory.md §6a): memory ranges from the bounds and the propagated bounds, cut to a box of
    half-width ``s`` (:func:`~limbound.solvers.qp_input.box_start`) that is a constraint of the stage; a stage
    whose answer lies within ``1e-3 s`` of an artificial face is solved again from fresh random levels with ``s``
    grown by ``BOX_GROWTH`` (every stage's heat and floor booked); a growth beyond ``BOX_MAX`` times the start is
    not made and the status is ``unbounded``.
    """
    deadline = t0 + float(time_limit_s)
    plb, pub, proven_infeasible = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    half = half0 = box_start(p.l, p.u, plb, pub)
    top = 2**bits - 1
    stages = []
    while True:
        lo, hi, art_lo, art_hi = memory_ranges(plb, pub, half)
        # the box is a constraint of this stage (its faces are rows of the driver like the true bounds); if the
        # answer touches an artificial face, the box may bind: grow it and solve again
        bl = np.where(art_lo, lo, plb)
        bu = np.where(art_hi, hi, pub)
        # the memories reach a margin beyond every face: the driver's iterate is infeasible on its way and the
        # memories must be able to hold it (clipped, an iteration can stall at a wrong fixed point); the bounds
        # are met to the driver's tolerance at the end
        mu = np.maximum(qp_admm.FACE_MARGIN * (hi - lo), 1e-4 * (1.0 + np.abs(lo) + np.abs(hi)))
        bk = qp_admm.Banks(lo - mu, hi + mu, banks, top)
        arr = LIMArray(bk.lo, bk.hi, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K,
                       seed=seed + 7919 * len(stages))
        if x_ref is not None and np.all(np.isfinite(x_ref)):  # THEORY §8a speed term: transport towards a point
            # fixed before the run, bank 0 towards the reference solution, the finer banks towards their centre 0
            arr.set_transport_center(np.concatenate([x_ref] + [np.zeros(p.n)] * (bk.K - 1)),
                                     label="the OSQP reference solution (bank 0; finer banks: 0), computed before the run")
        out = DRIVERS[method][0].drive(p, arr, bk, bounds=(bl, bu), eps=eps, max_iter=max_iter, deadline=deadline)
        books = arr.books()
        X = bk.values(arr)
        stages.append({"box_half_width": float(half), "books": books, "updates": int(out["updates"]),
                       "status": out["status"].tolist(), "floor_J": _bank0_floor(arr, p.n, T_K),
                       "speed_J": books.speed_lower_kT * kT(T_K)})
        status_r = out["status"]
        near = 1e-3 * half
        on_face = bool(np.any((art_lo & (X <= bl + near)) | (art_hi & (X >= bu - near))))
        if on_face and not np.any(status_r == "time_limit"):
            if half * qp_input.BOX_GROWTH > qp_input.BOX_MAX * half0:
                status_r = np.array(["unbounded"] * reads, dtype=object)
            elif time.perf_counter() > deadline:
                status_r = np.array(["time_limit"] * reads, dtype=object)
            else:
                half *= qp_input.BOX_GROWTH
                continue
        break
    if proven_infeasible:  # bound propagation found implied bounds that cross
        status_r = np.array(["infeasible"] * reads, dtype=object)
    wall = time.perf_counter() - t0
    status = next(s_ for s_ in _STATUS_ORDER if np.any(status_r == s_))
    f_reads = objective(p, X)
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(reads, math.nan)
    viol = float(np.max(constraint_violation(p, X)))
    best = int(np.argmin(np.where(status_r == "solved", f_reads, np.inf))) if np.any(status_r == "solved") else 0
    heat = sum(st["books"].heat_per_read_J for st in stages)
    diss = float(np.mean(heat))
    sem = float(np.std(heat, ddof=1) / math.sqrt(reads))
    floor = float(sum(st["floor_J"] for st in stages))
    upd = sum(st["updates"] for st in stages)
    bd = arr.books_dict(books, rule="gradient", engine=engine, n_predicted=n_pred,
                        admm_iterations_per_read=out["iters"].tolist(), status_per_read=status_r.tolist(),
                        rho_final_per_read=out["rho"].tolist(), polished_per_read=out["polished"].tolist(),
                        memories_per_variable=banks, memory_reads_per_run=upd * p.n * banks,
                        box_stages=[{"box_half_width": st["box_half_width"], "updates": st["updates"],
                                     "heat_J": float(np.mean(st["books"].heat_per_read_J)),
                                     "floor_J": st["floor_J"], "status_per_read": st["status"]}
                                    for st in stages],
                        primal_residual_per_read=out["prim"].tolist(), dual_residual_per_read=out["dual"].tolist(),
                        duality_gap_per_read=out["gap"].tolist(), updates_per_read=[upd] * reads)
    bd.update(dissipated_J=diss, dissipated_sem_J=sem, bound_J=floor)
    # THEORY §8a floor over all stages (each a run from fresh random levels: heats and floors add)
    k = kT(T_K)
    bd.update(floor_summary(entropy_J=floor, speed_J=float(sum(st["speed_J"] for st in stages)),
                            speed_estimate_J=float(sum(st["books"].speed_estimate_kT for st in stages)) * k,
                            speed_se_J=math.sqrt(sum(st["books"].speed_se_kT ** 2 for st in stages)) * k,
                            mean_J=diss, sem_J=sem, center=books.transport_center,
                            conditional_J=None if any(st["books"].conditional_kT is None for st in stages)
                            else float(sum(st["books"].conditional_kT for st in stages)) * k))
    # per variable (the estimate counts one memory per variable), all stages' heat
    bd["walk"] = books.walk_breakdown(p.n, arr.D, n_pred)
    along = diss / kT(T_K) / (arr.D * p.n)
    bd["walk"].update(levels_along_tilt_per_param=along,
                      levels_excess_per_param=along - bd["walk"]["levels_net_per_param"])
    return QPResult(
        x=X[best], objective=float(np.mean(f_reads)), objective_per_read=f_reads,
        reference_objective=f_ref, reference_status=ref_status,
        rel_gap=float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
        rel_gap_worst_read=float(np.max(gaps)), constraint_violation=viol,
        dissipated_J=diss, dissipated_sem_J=sem, bound_J=floor, estimate_J=est,
        memory_wall_J=float(read_energy_J) * upd * p.n * banks,
        updates=int(upd), predicted_updates=n_pred, convergence_class=klass, kappa=kappa,
        outer_iterations=int(np.max(out["iters"])), converged=status == "solved", time_to_solution_s=upd * dt_s,
        wall_time_s=wall, books=bd, status=status,
        primal_residual=float(np.max(out["prim"])), dual_residual=float(np.max(out["dual"])),
        duality_gap=float(np.max(out["gap"])), tolerance=float(eps),
        inputs={"n": p.n, "m": p.m, "bits": bits, "rule": "gradient", "reads": reads, "dt_s": dt_s, "f0_hz": f0_hz,
                "T_K": T_K, "seed": seed, "engine": engine, "source": p.source, "sha256": p.sha256,
                "read_energy_J": read_energy_J, "reference": reference, "eps": eps, "max_iter": max_iter,
                "time_limit_s": time_limit_s, "banks": banks, "method": method, "C": C},
    )


def solve_qp(problem: QPProblem, *, bits=16, rule="gradient", reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ,
             T_K=T_DEFAULT_K, seed=0, engine="poisson", max_updates=None, inner_tol=0.5, max_inner=None,
             max_outer=60, constraint_tol=1e-4, rho=None, reference="osqp", read_energy_J=0.0, C=1.0, eps=1e-4,
             max_iter=None, time_limit_s=60.0, banks=4, method="ipm") -> QPResult:
    """Solve a convex QP on LIM memories and keep the energy books (THEORY §6).

    Parameters
    ----------
    problem : QPProblem (see :func:`validate_qp`, :func:`load_qp`, :func:`random_qp`), or a dict of
        numpy arrays with keys P, q, lb, ub (and optionally A, l, u), validated here
    bits : bits per memory (2..24)
    rule : ``"gradient"`` (default) or ``"anneal"`` (THEORY §6)
    reads : independent runs from independent uniformly random levels (>= 2 for the entropy estimate); each
        read stops on its own (see module notes)
    dt_s : update time (s); f0_hz, T_K : attempt frequency and temperature
    seed : seeds everything random
    engine : ``"poisson"`` or ``"sync"`` for the gradient rule (the annealing rule always uses sync)
    max_updates : cap on LIM updates of each read (default: ``20 * predicted + 2000`` plus twice the updates a walk
        across the range needs at the speed limit for the gradient rule,
        ``4 * 2**b + 2000`` for the annealing rule, which moves at most one level per update; an annealing cap
        above :data:`MAX_ANNEAL_UPDATES` is refused, see :func:`check_solve_inputs`)
    inner_tol : a read's inner solve stops when its mean distance to the conditional optima is <= this many
        levels and the largest is <= 4 times that
    max_outer, constraint_tol, rho : augmented-Lagrangian controls (``rho`` default ``lambda_max(P)/||A||^2``)
    reference : ``"osqp"`` or ``None``; with ``"osqp"`` the reference is solved first and a problem it does
        not solve (status other than solved / solved inaccurate: infeasible, iteration limit, ...) is refused
        before the LIM solve; with ``None`` infeasible linear constraints are not detected
    read_energy_J : energy per memory read (memory wall; 0 in the ideal LIM model)
    C : constant of the sublinear class when ``P`` is singular (THEORY §3)
    method : gradient-rule driver whose iterate the memories hold: ``"ipm"`` (default, interior point,
        :mod:`limbound.solvers.qp_ipm`) or ``"admm"`` (OSQP's ADMM, :mod:`limbound.solvers.qp_admm`)
    eps, max_iter, time_limit_s, banks : gradient rule:
        tolerance of the status ``solved`` (primal, dual residual and duality gap, relative), iterations per read
        (default 200 for ipm, 4000 for admm),
        the run's wall-clock budget (status ``time_limit`` when it runs out) and memories per variable
        (precision banks).  ``max_updates``, ``inner_tol``, ``max_inner``, ``max_outer``, ``constraint_tol`` and
        ``rho`` steer the annealing rule only.
    """
    if isinstance(problem, dict):
        unknown = sorted(set(problem) - {"P", "q", "A", "l", "u", "lb", "ub"})
        if unknown:
            raise ParameterError(f"problem has unknown keys {unknown}; allowed: P, q, A, l, u, lb, ub")
        problem = validate_qp(**problem)
    if not isinstance(problem, QPProblem):
        raise ParameterError(f"problem is a {type(problem).__name__}; allowed: a QPProblem (validate_qp/load_qp/random_qp) or a dict of arrays")
    p = problem
    n, m = p.n, p.m
    bits, seed = check_solve_inputs(n, bits=bits, rule=rule, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed,
                                    reference=reference, read_energy_J=read_energy_J, inner_tol=inner_tol,
                                    constraint_tol=constraint_tol, max_updates=max_updates)
    # ---- the reference first (recorded, not trusted: a problem OSQP does not solve is still solved here; an
    # error OSQP raises at setup, e.g. P non-convex at its precision, is refused)
    f_ref, status, x_ref = math.nan, "not computed", None
    if reference == "osqp":
        x_ref, f_ref, status = osqp_reference(p)
        if status.startswith("error"):
            checked_reference(p)
        if status not in OSQP_ACCEPTED:
            f_ref, x_ref = math.nan, None
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
    if rule == "gradient":
        if method not in DRIVERS:
            raise ParameterError(f"method={method!r} is unknown; allowed: {', '.join(DRIVERS)}")
        if max_iter is None:
            max_iter = DRIVERS[method][1]
        max_iter = check_integer("max_iter", max_iter, minimum=1)
        check_positive("time_limit_s", time_limit_s)
        check_positive("eps", eps)
        banks = check_integer("banks", banks, minimum=1, maximum=4)
        return _solve_admm(p, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed, engine=engine,
                           method=method, eps=eps, max_iter=max_iter, time_limit_s=time_limit_s, banks=banks, f_ref=f_ref,
                           ref_status=status, est=est, n_pred=n_pred, klass=klass, kappa=kappa, t0=t0,
                           read_energy_J=read_energy_J, reference=reference, C=C, x_ref=x_ref)
    if max_inner is None:
        max_inner = max(50, int(10 * n_pred)) if rule == "gradient" else max_updates
    # ---- the memories' finite ranges (bounds, propagated bounds, else a box: docs/theory.md), uniformly random levels
    plb, pub, _ = propagate_bounds(p.A, p.l, p.u, p.lb, p.ub)
    lo, hi, _, _ = memory_ranges(plb, pub, box_start(p.l, p.u, plb, pub))
    arr = LIMArray(lo, hi, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, T_K=T_K, seed=seed)
    if x_ref is not None and np.all(np.isfinite(x_ref)):  # THEORY §8a floor: transport towards a point fixed in advance
        arr.set_transport_center(x_ref, label="the OSQP reference solution, computed before the run")
    A, l, u = p.A, p.l, p.u
    R = reads
    normA2 = float(np.linalg.norm(A, 2)) ** 2 if m else 0.0
    if rho is None:
        rho = p.eig_max / normA2 if m else 0.0
    rho_max = 1e6 * p.eig_max / max(normA2, 1e-300)
    # every read is an independent run (THEORY §6: the floor is for the mean over independent runs), so every
    # piece of driver state is per read: multipliers, penalty, counters, stopping decisions
    rho_r = np.full(R, float(rho))
    Y = np.zeros((R, m))
    Pdiag = np.diag(p.P).copy()
    A2 = A * A

    def grad(X, Y, rho_r):
        G = X @ p.P + p.q
        H = np.broadcast_to(Pdiag, X.shape)
        if m:
            rc = rho_r[:, None]
            W = X @ A.T + Y / rc
            Z = np.clip(W, l, u)
            G = G + rc * ((W - Z) @ A)
            out = (W != Z).astype(float)
            H = H + rc * (out @ A2)
        return G, H

    upd = np.zeros(R, dtype=np.int64)      # updates of each read
    inner = np.zeros(R, dtype=np.int64)    # updates of each read's current inner solve
    outer = np.zeros(R, dtype=np.int64)
    done = np.zeros(R, dtype=bool)         # a finished read is frozen: infinite barriers, no heat, no work
    conv = np.zeros(R, dtype=bool)
    prev_res = np.full(R, math.inf)
    lam = np.zeros(R)
    quiet = np.zeros(R, dtype=np.int64)
    med_delta = float(np.median(arr.delta))
    lam_max = 8.0 * arr.D / (med_delta ** 2 * max(float(np.median(Pdiag)), 1e-300))
    # a grid point cannot meet a constraint better than about one level: the residual target
    tol_eff = max(float(constraint_tol), med_delta)
    while not np.all(done):
        act = ~done
        X = arr.values
        G, H = grad(X, Y, rho_r)
        Xl = arr.levels_RN
        push_out = ((Xl == arr.top) & (G < 0)) | ((Xl == 0) & (G > 0))
        # projected distance (levels) of each coordinate to its conditional optimum, g_i / (h_i delta_i)
        dist = np.where(push_out, 0.0, np.abs(G) / (np.maximum(H, 1e-300) * arr.delta))
        if rule == "gradient":
            # a read's inner solve stops when ITS mean distance is below the grid
            stop = (inner > 0) & (dist.mean(axis=1) <= inner_tol) & (dist.max(axis=1) <= 4.0 * inner_tol)
        else:
            stop = quiet >= 20
        end = act & (stop | (inner >= max_inner) | (upd >= max_updates))
        if np.any(end):
            idx = np.flatnonzero(end)
            outer[idx] += 1
            if m == 0:
                conv[idx] = upd[idx] < max_updates
                done[idx] = True
            else:
                Xi = X[idx]
                AX = Xi @ A.T
                W = AX + Y[idx] / rho_r[idx, None]
                Y[idx] = rho_r[idx, None] * (W - np.clip(W, l, u))
                res = np.max(np.abs(AX - np.clip(AX, l, u)), axis=1)
                ok = (res <= tol_eff) & (inner[idx] <= 2)
                conv[idx[ok]] = True
                stop_r = ok | (upd[idx] >= max_updates) | (outer[idx] >= max_outer)
                done[idx[stop_r]] = True
                grow = ~stop_r & (res > 0.25 * prev_res[idx]) & (res > tol_eff)
                rho_r[idx[grow]] = np.minimum(rho_r[idx[grow]] * 5.0, rho_max)  # multipliers kept
                prev_res[idx] = res
            inner[idx] = 0
            quiet[idx] = 0
            continue  # the gradients of the reads that changed rho or y are stale: recompute
        if rule == "gradient":
            eta = 1.0 / (p.eig_max + rho_r * normA2)  # 1 / Lipschitz constant of grad_x L, per read
            arr.gradient_step(G, eta[:, None], engine=engine, active=act)
        else:
            Gp = np.where(push_out, 0.0, G)
            rms = np.sqrt(np.mean(Gp * Gp, axis=1))
            with np.errstate(divide="ignore"):
                target = np.where(rms > 0, arr.D / (med_delta * np.where(rms > 0, rms, 1.0)), lam_max)
            near = dist.mean(axis=1) <= 2.0  # levels
            lam = np.where(act, np.minimum(np.maximum(lam * np.where(near, 1.02, 1.0), target), lam_max), lam)
            # damp synchronous moves near the bottom (coupled memories would overshoot together, as
            # Jacobi iterations do); far from it every memory attempts one hop per update
            L_r = (p.eig_max + rho_r * normA2)[:, None]
            att = np.where(dist > 2.0, 1.0, np.clip(H / L_r, 1e-6, 1.0))
            st = arr.anneal_step(G, H, lam, attempt=att, active=act)
            hops = st["hops_per_read"]
            quiet = np.where(act & (lam >= lam_max) & (hops < 0.01 * n), quiet + 1, 0)
        inner[act] += 1
        upd[act] += 1
    wall = time.perf_counter() - t0
    # ---- read out and close the books
    X = arr.values
    f_reads = objective(p, X)
    books = arr.books()
    gaps = _rel_gap(f_reads, f_ref) if math.isfinite(f_ref) else np.full(reads, math.nan)
    viol = float(np.max(constraint_violation(p, X)))
    best = int(np.argmin(f_reads))
    upd_mean = float(np.mean(upd))
    # honest status, as for the gradient rule (qp_admm.residuals): the AL multipliers for the rows; for a memory
    # within a level of a finite bound, the multiplier that cancels its gradient if it points outwards
    Cb, lb_c, ub_c = qp_admm.stack_constraints(p, p.lb, p.ub)
    bounded = np.flatnonzero(np.isfinite(p.lb) | np.isfinite(p.ub))
    G = X @ p.P + p.q + Y @ A
    Xb, Gb = X[:, bounded], G[:, bounded]
    dl = arr.delta[bounded]
    at_lo = (Xb <= p.lb[bounded] + dl) & (Gb > 0)
    at_hi = (Xb >= p.ub[bounded] - dl) & (Gb < 0)
    Yfull = np.concatenate([Y, np.where(at_lo | at_hi, -Gb, 0.0)], axis=1)
    prim_r, dual_r, gap_r = qp_admm.residuals(p.P, p.q, p.r, Cb, lb_c, ub_c, X, Yfull)
    eps = 1e-4
    ok = conv & (prim_r <= eps) & (dual_r <= eps) & (gap_r <= eps)
    status = "solved" if np.all(ok) else ("inaccurate" if np.all(conv) else "max_iter")
    bd = arr.books_dict(books, rule=rule, engine=engine, n_predicted=n_pred, rho_final_per_read=rho_r.tolist(),
                        updates_per_read=upd.tolist(), outer_iterations_per_read=outer.tolist(),
                        converged_per_read=conv.tolist(), memory_reads_per_run=upd_mean * n,
                        status_per_read=np.where(ok, "solved", np.where(conv, "inaccurate", "max_iter")).tolist())
    return QPResult(
        x=X[best], objective=float(np.mean(f_reads)), objective_per_read=f_reads,
        reference_objective=f_ref, reference_status=status,
        rel_gap=float(_rel_gap(np.mean(f_reads), f_ref)) if math.isfinite(f_ref) else math.nan,
        rel_gap_worst_read=float(np.max(gaps)), constraint_violation=viol,
        dissipated_J=books.dissipated_J, dissipated_sem_J=books.dissipated_sem_J, bound_J=books.bound_J,
        estimate_J=est, memory_wall_J=float(read_energy_J) * upd_mean * n,
        updates=int(np.max(upd)), predicted_updates=n_pred, convergence_class=klass, kappa=kappa,
        outer_iterations=int(np.max(outer)), converged=status == "solved", time_to_solution_s=upd_mean * dt_s,
        status=status, primal_residual=float(np.max(prim_r)), dual_residual=float(np.max(dual_r)),
        duality_gap=float(np.max(gap_r)), tolerance=eps,
        wall_time_s=wall,
        books=bd,
        inputs={"n": n, "m": m, "bits": bits, "rule": rule, "reads": reads, "dt_s": dt_s, "f0_hz": f0_hz,
                "T_K": T_K, "seed": seed, "engine": engine, "source": p.source, "sha256": p.sha256,
                "read_energy_J": read_energy_J, "reference": reference, "max_updates": max_updates,
                "inner_tol": inner_tol, "max_inner": max_inner, "max_outer": max_outer,
                "constraint_tol": constraint_tol, "rho_initial": float(rho), "C": C},
    )
