"""The accuracy reference of a QP solve: OSQP at tight tolerance (optional extra ``qp``), and its refusals.

Used by :func:`limbound.solvers.qp.solve_qp` before the LIM solve (recorded, not trusted blindly; package notes).
"""
from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...errors import ParameterError
from .problem import _PSD_RTOL, QPProblem, objective

#: OSQP statuses whose solution is trusted as the reference; anything else (primal/dual infeasible,
#: maximum iterations, ...) is refused before the LIM solve
OSQP_ACCEPTED = ("solved", "solved inaccurate")


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
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


def osqp_reference(problem: QPProblem, *, eps: float = 1e-9,
                   max_iter: int = 200_000) -> tuple[np.ndarray | None, float, str]:
    """Solve with OSQP (the accuracy reference; optional extra ``qp``). Returns ``(x, objective, status)``.

    An exception OSQP raises (e.g. ``OSQPException(4)``, P non-convex at its working precision) is returned
    as ``(None, nan, "error 4 (OSQP_NONCVX_ERROR)")``, never raised.
    """
    from scipy import sparse

    from ..._optional import require
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


def _osqp_error(exc: BaseException) -> str:
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


def checked_reference(problem: QPProblem, **kw: Any) -> tuple[np.ndarray | None, float, str]:
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


def reference_first(problem: QPProblem, reference: str | None) -> tuple[np.ndarray | None, float, str]:
    """The reference of a solve, before it: ``(x_ref, f_ref, status)``.

    Recorded, not trusted: a problem OSQP does not solve is still solved on the memories (``f_ref = nan``,
    ``x_ref = None``); an error OSQP raises at setup (e.g. P non-convex at its precision) is refused
    (:func:`checked_reference`).  ``reference=None``: ``(None, nan, "not computed")``.
    """
    f_ref, status, x_ref = math.nan, "not computed", None
    if reference == "osqp":
        x_ref, f_ref, status = osqp_reference(problem)
        if status.startswith("error"):
            checked_reference(problem)
        if status not in OSQP_ACCEPTED:
            f_ref, x_ref = math.nan, None
    return x_ref, f_ref, status
