"""The QP problem: a validated convex QP (:class:`QPProblem`), its checks, reading and writing it, random problems.

``minimise 1/2 x'Px + q'x + r`` subject to ``lb <= x <= ub`` and ``l <= Ax <= u`` (package notes of
:mod:`limbound.solvers.qp`; file layouts and infinite bounds: :mod:`limbound.solvers.qp.input`, docs/theory.md §6a).
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import FormatError, ParameterError
from ...fileio import StrPath
from .input import check_dense_budget, infinite_to_inf, read_mat, split_bound_rows

_SYM_RTOL = 1e-9
_PSD_RTOL = 1e-9
#: a P whose smallest eigenvalue is below -_NEG_RTOL * lambda_max is refused as non-convex.  Looser than the
#: singularity tolerance: VALUES of the Maros-Meszaros set has eigenvalues down to -1.2e-6 lambda_max (rounding of
#: its data), which Clarabel and OSQP accept; the ADMM's regularisation sigma covers them.
_NEG_RTOL = 1e-5
from ...specs import RANDOM_QP  # noqa: E402  declared in limbound.specs


def _num(x: float) -> str:
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


def _arr(name: str, value: ArrayLike, ndim: int) -> NDArray[np.float64]:
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


def validate_qp(P: ArrayLike, q: ArrayLike, A: ArrayLike | None = None, l: ArrayLike | None = None,
                u: ArrayLike | None = None, lb: ArrayLike | None = None, ub: ArrayLike | None = None, *,
                r: float = 0.0, source: str = "arrays") -> QPProblem:
    """Check and freeze a QP; every refusal is a one-line :class:`ParameterError`.

    ``lb``/``ub`` are optional (default: no bound); entries with ``|value| >= 1e19`` in ``l, u, lb, ub`` are
    infinite (:data:`~limbound.solvers.qp.input.INFINITY`); rows of ``A`` with a single non-zero become bounds
    (:func:`~limbound.solvers.qp.input.split_bound_rows`).  ``r`` is a constant added to the objective.
    Refused: non-square, non-symmetric or non-PSD ``P``; ``P = 0``; shape mismatches; NaN anywhere; infinite
    ``P``, ``q``, ``A``, ``r``; ``lb > ub``, ``lb = +inf`` or ``ub = -inf``; ``l > u``; dense ``P`` and ``A``
    beyond :data:`~limbound.solvers.qp.input.MAX_DENSE_BYTES`.
    """
    q = _arr("q", q, 1)
    n = q.size
    if n == 0:
        raise ParameterError("q is empty; allowed: at least one variable")
    m_rows = 0 if A is None else int(np.shape(A)[0]) if np.ndim(A) == 2 else 0
    check_dense_budget(n, m_rows, source=source)
    P, r, emin, emax = _check_objective(P, q, r, n)
    lb, ub = _check_bounds(lb, ub, n)
    A, l, u, lb, ub = _check_rows(A, l, u, lb, ub, n)
    return QPProblem(P=P, q=q, A=A, l=l, u=u, lb=lb, ub=ub, eig_min=emin, eig_max=emax, r=r, source=source)


def _check_objective(P: ArrayLike, q: np.ndarray, r: float, n: int) -> tuple:
    """``P`` (n x n, finite, symmetric, PSD, not 0), ``q`` finite, ``r`` a finite number: ``(P, r, emin, emax)``
    with ``P`` symmetrised and its extreme eigenvalues."""
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
    return P, r, emin, emax


def _check_bounds(lb: ArrayLike | None, ub: ArrayLike | None, n: int) -> tuple:
    """``lb``, ``ub`` of length ``n`` (default: none), ``|value| >= 1e19`` infinite, ``lb <= ub``: ``(lb, ub)``."""
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
    return lb, ub


def _check_rows(A: ArrayLike | None, l: ArrayLike | None, u: ArrayLike | None, lb: np.ndarray, ub: np.ndarray,
                n: int) -> tuple:
    """``A`` (m x n, finite) with ``l <= u`` (default: none), single-variable rows turned into bounds:
    ``(A, l, u, lb, ub)``."""
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
    return A, l, u, lb, ub


_FORMATS = ".npz (keys P, q and optionally A, l, u, lb, ub, r) or .mat (qpbenchmark/OSQP layout: P, q, r, A, l, u)"


def load_qp(path: StrPath) -> QPProblem:
    """Read a QP from ``.npz`` (keys P, q; optional A, l, u, lb, ub, r) or ``.mat`` (the qpbenchmark/OSQP layout).

    ``.mat``: ``P, q, r, A, l, u`` as in the Maros-Meszaros files of qpbenchmark (sparse matrices, ``+-1e20``
    infinite, bounds as single-variable rows of ``A``), see :mod:`limbound.solvers.qp.input`.
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


def save_qp(path: StrPath, problem: QPProblem) -> None:
    """Write a QP as ``.npz`` (keys P, q, A, l, u, lb, ub, r)."""
    p = problem
    np.savez(path, P=p.P, q=p.q, A=p.A, l=p.l, u=p.u, lb=p.lb, ub=p.ub, r=p.r)


def check_random_inputs(n: int, *, seed: int = 0, kappa: float = 10.0, m_ineq: int | None = None,
                        m_eq: int | None = None, box: float = 1.0) -> tuple:
    """The checks of :func:`random_qp`, before any work (one-line :class:`ParameterError`).

    Returns ``(n, seed, kappa, m_ineq, m_eq, box)`` resolved; used by :func:`random_qp`, the ``qp`` CLI and the
    sweep kind ``qp`` so that all three refuse the same inputs.
    """
    a = RANDOM_QP.check(dict(n=n, seed=seed, kappa=kappa, m_ineq=m_ineq, m_eq=m_eq, box=box))  # limbound.specs
    n, seed, kappa, m_ineq, m_eq, box = (a[k] for k in ("n", "seed", "kappa", "m_ineq", "m_eq", "box"))
    m_ineq = n // 10 if m_ineq is None else int(m_ineq)
    m_eq = n // 50 if m_eq is None else int(m_eq)
    if m_ineq < 0 or m_eq < 0 or m_eq >= n:
        raise ParameterError(f"m_ineq={m_ineq}, m_eq={m_eq} out of range; allowed: >= 0 and m_eq < n")
    return n, seed, kappa, m_ineq, m_eq, box


@RANDOM_QP.validates
def random_qp(n: int, *, seed: int = 0, kappa: float = 10.0, m_ineq: int | None = None, m_eq: int | None = None,
              box: float = 1.0) -> QPProblem:
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


def objective(problem: QPProblem, x: ArrayLike) -> NDArray[np.float64]:
    """``1/2 x'Px + q'x + r`` for one point (n,) or a stack of points (R, n).

    >>> p = validate_qp(2 * np.eye(2), [1.0, 1.0], A=[[1.0, 1.0]], l=[-np.inf], u=[1.0])
    >>> objective(p, [[1.0, 1.0], [0.0, 0.0]])   # x'x + x1 + x2
    array([4., 0.])
    """
    x = np.asarray(x, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", x, problem.P, x) + x @ problem.q + problem.r


def constraint_violation(problem: QPProblem, x: ArrayLike) -> NDArray[np.float64]:
    """Largest violation ``max(l - Ax, Ax - u, lb - x, x - ub, 0)`` (absolute), per point.

    >>> p = validate_qp(2 * np.eye(2), [1.0, 1.0], A=[[1.0, 1.0]], l=[-np.inf], u=[1.0])
    >>> constraint_violation(p, [[1.0, 1.0], [0.0, 0.0]])   # x1 + x2 = 2 against u = 1
    array([1., 0.])
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    v = np.maximum(np.max(np.maximum(problem.lb - x, x - problem.ub), axis=1), 0.0)
    if problem.m:
        Ax = x @ problem.A.T
        with np.errstate(invalid="ignore"):
            r = np.maximum(np.where(np.isfinite(problem.l), problem.l - Ax, -np.inf),
                           np.where(np.isfinite(problem.u), Ax - problem.u, -np.inf))
        v = np.maximum(v, np.max(r, axis=1))
    return v
