"""QPs as users bring them: the qpbenchmark/OSQP ``.mat`` layout, bounds as rows, infinite bounds, finite memory ranges.

Used by :mod:`limbound.solvers.qp`; knows nothing of LIM memories.

* :func:`read_mat` reads the MAT layout of the Maros-Meszaros set as distributed by qpbenchmark and the OSQP
  benchmarks (``P, q, r, A, l, u``, ``P`` and ``A`` sparse): minimise ``1/2 x'Px + q'x + r`` subject to
  ``l <= Ax <= u``.
* :func:`split_bound_rows` turns every row of ``A`` with a single non-zero into a bound on its variable
  (``a x_j in [l, u]`` gives ``x_j in [l/a, u/a]``, flipped for ``a < 0``; several rows on one variable
  intersect); rows with no non-zero are dropped when ``l <= 0 <= u`` and refused otherwise.
* :data:`INFINITY`: any ``|value| >= 1e19`` in ``l, u, lb, ub`` is infinite (the MAT files store ``+-1e20``).
* Densification: the solver works with dense ``P`` and ``A`` (the eigenvalues of ``P`` for the convergence
  class, the in-memory matrix-vector products, the KKT factorisation); :func:`check_dense_budget` states the
  memory that needs and refuses more than :data:`MAX_DENSE_BYTES`.  Files are read sparse and densified once.
* :func:`propagate_bounds`: bounds implied by the linear rows (activity-based bound propagation, the standard
  presolve step: Savelsbergh, ORSA J. Computing 6, 445 (1994); Achterberg et al., INFORMS J. Computing 32,
  473 (2020)); each pass tightens ``x_j`` from every row in which all *other* terms are bounded.
* :func:`memory_ranges`: the finite level range of each memory (docs/theory.md, "Finite memory ranges").
"""
from __future__ import annotations

import os

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import FormatError, ParameterError

#: ``|value| >= INFINITY`` in l, u, lb, ub means infinite (the MAT files store +-1e20, OSQP's infinity)
INFINITY = 1e19
#: largest dense P and A (float64) the solver builds: n*n + m*n floats (eigenvalues of P, dense products, KKT)
MAX_DENSE_BYTES = 400 * 2**20
#: passes of bound propagation (each pass is O(nnz(A)); a pass that tightens nothing ends it)
PROPAGATION_PASSES = 20


def infinite_to_inf(a: ArrayLike) -> NDArray[np.float64]:
    """``+-inf`` for entries with ``|a| >= INFINITY`` (float copy).

    >>> infinite_to_inf([1e20, -1e19, 3.0])
    array([ inf, -inf,   3.])
    """
    a = np.array(a, dtype=float)
    a[a >= INFINITY] = np.inf
    a[a <= -INFINITY] = -np.inf
    return a


def check_dense_budget(n: int, m: int, *, source: str = "problem") -> int:
    """Bytes of dense ``P`` (n x n) and ``A`` (m x n); refuse (one line) beyond :data:`MAX_DENSE_BYTES`."""
    need = 8 * (int(n) * int(n) + int(m) * int(n))
    if need > MAX_DENSE_BYTES:
        raise ParameterError(f"{source}: n={n}, m={m} needs {need / 2**20:.0f} MiB as dense P (n x n) and A (m x n), "
                             f"which the LIM solver uses (eigenvalues of P, in-memory products, KKT); "
                             f"allowed: <= {MAX_DENSE_BYTES / 2**20:.0f} MiB")
    return need


def read_mat(path: str | os.PathLike, raw: bytes) -> dict:
    """Arrays ``P, q, r, A, l, u`` (dense, float) of a qpbenchmark/OSQP ``.mat`` file (``raw``: its bytes)."""
    import io

    import scipy.io
    from scipy import sparse
    try:
        d = scipy.io.loadmat(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a format error
        raise FormatError(f"{path}: not a readable .mat file ({type(exc).__name__})") from None
    keys = {k for k in d if not k.startswith("__")}
    for key in ("P", "q", "A", "l", "u"):
        if key not in keys:
            raise FormatError(f"{path}: key {key!r} is missing; required: P, q, A, l, u (r, n, m optional)")
    try:
        q = np.asarray(d["q"], dtype=float).ravel()
        n = q.size
        P = sparse.csr_matrix(d["P"], dtype=float)
        A = sparse.csr_matrix(d["A"], dtype=float)
        l = np.asarray(d["l"], dtype=float).ravel()
        u = np.asarray(d["u"], dtype=float).ravel()
        r = float(np.asarray(d.get("r", 0.0), dtype=float).ravel()[0]) if "r" in keys else 0.0
    except (TypeError, ValueError, IndexError) as exc:
        raise FormatError(f"{path}: P, q, r, A, l, u must be numeric ({type(exc).__name__})") from None
    if P.shape != (n, n) or A.shape[1:] != (n,):
        raise FormatError(f"{path}: P has shape {P.shape} and A {A.shape}; allowed: ({n}, {n}) and (m, {n}) for q of length {n}")
    check_dense_budget(n, A.shape[0], source=str(path))
    Pd = P.toarray()
    if not np.any(np.tril(Pd, -1)) and np.any(np.triu(Pd, 1)):
        Pd = Pd + np.triu(Pd, 1).T  # upper triangle stored (OSQP's convention): symmetrise
    return {"P": Pd, "q": q, "r": r, "A": A.toarray(), "l": l, "u": u}


def split_bound_rows(A: np.ndarray, l: np.ndarray, u: np.ndarray, lb: np.ndarray,
                     ub: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Rows of ``A`` with one non-zero become bounds on their variable (module notes).

    Returns ``(A, l, u, lb, ub, n_rows_as_bounds)``; refuses (one line) an empty row that cannot hold and
    bounds that cross (``lb > ub``).
    """
    nz = A != 0
    count = nz.sum(axis=1)
    lb = lb.copy()
    ub = ub.copy()
    empty = np.flatnonzero(count == 0)
    for i in empty:
        if l[i] > 0 or u[i] < 0:
            raise ParameterError(f"row {i} of A is zero but l[{i}]={l[i]!r}, u[{i}]={u[i]!r} exclude 0 (infeasible); "
                                 f"allowed: l <= 0 <= u for an empty row")
    single = np.flatnonzero(count == 1)
    for i in single:
        j = int(np.flatnonzero(nz[i])[0])
        a = A[i, j]
        lo, hi = (l[i] / a, u[i] / a) if a > 0 else (u[i] / a, l[i] / a)
        lb[j] = max(lb[j], lo)
        ub[j] = min(ub[j], hi)
    keep = count > 1
    bad = np.flatnonzero(lb > ub)
    if bad.size:
        j = int(bad[0])
        raise ParameterError(f"the bounds of x[{j}] cross: lb={lb[j]!r} > ub={ub[j]!r} (from lb/ub and single-variable rows "
                             f"of A; infeasible); allowed: lb <= ub")
    return A[keep], l[keep], u[keep], lb, ub, int(single.size + empty.size)


def propagate_bounds(A: np.ndarray, l: np.ndarray, u: np.ndarray, lb: np.ndarray, ub: np.ndarray, *,
                     passes: int = PROPAGATION_PASSES) -> tuple[np.ndarray, np.ndarray, bool]:
    """Bounds on ``x`` implied by ``l <= Ax <= u`` and ``lb <= x <= ub`` (module notes); never looser than given.

    Returns ``(lb, ub, infeasible)``; ``infeasible`` is True when an implied lower bound exceeds an upper one
    (no point satisfies the constraints; the bounds are then those of the last consistent pass).

    For row ``i`` and variable ``j`` with ``a = A[i, j] != 0``: ``a x_j <= u_i - min_{x} sum_{k != j} a_ik x_k``
    and ``a x_j >= l_i - max_{x} sum_{k != j} a_ik x_k``, where the min/max over the current box is finite
    only if every other term is bounded on that side.
    """
    lb = lb.astype(float).copy()
    ub = ub.astype(float).copy()
    if A.shape[0] == 0:
        return lb, ub, False
    Ap = np.maximum(A, 0.0)
    An = np.minimum(A, 0.0)
    nz = A != 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # inf - inf, 0 * inf: masked below
        for _ in range(passes):
            # each term's min and max over the box (0 where a_ij = 0; +-inf where unbounded on that side)
            tmin = np.where(nz, np.where(A > 0, Ap * lb, An * ub), 0.0)
            tmax = np.where(nz, np.where(A > 0, Ap * ub, An * lb), 0.0)
            n_inf_min = np.isinf(tmin).sum(axis=1)
            n_inf_max = np.isinf(tmax).sum(axis=1)
            smin = np.where(np.isinf(tmin), 0.0, tmin).sum(axis=1)
            smax = np.where(np.isinf(tmax), 0.0, tmax).sum(axis=1)
            # the rest of the row without term j: finite if no other term is infinite on that side
            own_min_inf = np.isinf(tmin)
            own_max_inf = np.isinf(tmax)
            rest_min = np.where(n_inf_min[:, None] - own_min_inf == 0, smin[:, None] - np.where(own_min_inf, 0.0, tmin), -np.inf)
            rest_max = np.where(n_inf_max[:, None] - own_max_inf == 0, smax[:, None] - np.where(own_max_inf, 0.0, tmax), np.inf)
            hi_term = u[:, None] - rest_min   # a x_j <= hi_term
            lo_term = l[:, None] - rest_max   # a x_j >= lo_term
            safe = np.where(nz, A, 1.0)
            up = np.where(A > 0, hi_term / safe, lo_term / safe)   # upper bound on x_j from row i
            dn = np.where(A > 0, lo_term / safe, hi_term / safe)   # lower bound on x_j from row i
            up = np.where(nz & np.isfinite(up), up, np.inf)
            dn = np.where(nz & np.isfinite(dn), dn, -np.inf)
            new_ub = np.minimum(ub, up.min(axis=0))
            new_lb = np.maximum(lb, dn.max(axis=0))
            # rounding: a derived bound is loosened by a relative 1e-9 so that it never cuts the feasible set
            new_ub = np.where(new_ub < ub, new_ub + 1e-9 * (1.0 + np.abs(new_ub)), ub)
            new_lb = np.where(new_lb > lb, new_lb - 1e-9 * (1.0 + np.abs(new_lb)), lb)
            # only a meaningful tightening counts (no endless creeping by tiny amounts)
            gain = (new_ub < ub - 1e-6 * (1.0 + np.abs(ub))) | (new_lb > lb + 1e-6 * (1.0 + np.abs(lb)))
            cross = new_lb > new_ub + 1e-9 * (1.0 + np.abs(new_ub))
            if np.any(cross):  # the rows and bounds admit no point: a proof of infeasibility
                return lb, ub, True
            lb, ub = np.minimum(new_lb, new_ub), np.maximum(new_ub, new_lb)
            if not np.any(gain):
                break
    return lb, ub, False


#: the adaptive box starts at half-width ``BOX_START * (1 + largest finite |bound|)`` and grows by
#: ``BOX_GROWTH`` while the solution sits on an artificial face; a growth beyond ``BOX_MAX`` times the start is
#: not made and the problem is reported unbounded (docs/theory.md; the precision banks of b = 16 hold 1e-4 over
#: such a range, measured: a box grown to 4e10 left x0 = -0.013 for 0 in min x0^2 - x1)
BOX_START = 10.0
BOX_GROWTH = 16.0
BOX_MAX = 1e6


def box_start(l: np.ndarray, u: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> float:
    """The stated starting half-width of the adaptive box (docs/theory.md): ``BOX_START (1 + largest finite |bound|)``.

    >>> box_start(np.array([-2.0]), np.array([np.inf]), np.array([-np.inf]), np.array([5.0]))   # 10 x (1 + 5)
    60.0
    """
    vals = np.concatenate([np.ravel(a) for a in (l, u, lb, ub)])
    fin = np.abs(vals[np.isfinite(vals)])
    return BOX_START * (1.0 + (float(fin.max()) if fin.size else 0.0))


def memory_ranges(lb: np.ndarray, ub: np.ndarray,
                  half_width: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Finite range ``[lo, hi]`` of each memory and which faces are artificial (docs/theory.md).

    ``[lb, ub]`` (explicit and propagated bounds) intersected with ``[c - s, c + s]``, ``c = clip(0, lb, ub)``,
    ``s = half_width``.  A fixed variable (``lb = ub``) gets the range ``[v - h, v + h]``,
    ``h = 1e-6 (1 + |v|)``, its value held by the constraint.  Returns ``(lo, hi, art_lo, art_hi)``.
    """
    c = np.clip(0.0, lb, ub)
    lo = np.maximum(lb, c - half_width)
    hi = np.minimum(ub, c + half_width)
    art_lo = lo > lb
    art_hi = hi < ub
    fixed = hi <= lo
    h = 1e-6 * (1.0 + np.abs(lo))
    lo = np.where(fixed, lo - h, lo)
    hi = np.where(fixed, hi + h, hi)
    return lo, hi, art_lo, art_hi
