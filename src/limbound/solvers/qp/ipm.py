"""The default gradient-rule QP driver: a primal-dual interior-point method whose iterate is held in LIM memories.

Why an interior-point driver: on the Maros-Meszaros set the ADMM driver (:mod:`limbound.solvers.qp.admm`) stalls
on the LP-like and degenerate problems as OSQP does (benchmarks/bench_qp_maros.py counts them per solver), while
interior-point methods (Clarabel, PIQP) solve them in tens of iterations.  The memories do
the same physical work under either driver: each iteration the driver computes a target and the memories walk
there under the gradient rule (every net level along the tilt releases ``D``, booked), and the next iteration
reads them back.

Algorithm: Mehrotra's predictor-corrector (S. Mehrotra, SIAM J. Optim. 2, 575 (1992); Nocedal & Wright,
*Numerical Optimization*, 2nd ed., Algorithm 16.4 for QPs) on the Ruiz-scaled problem of
:func:`limbound.solvers.qp.admm.ruiz`:

    min 1/2 x'Px + q'x   s.t.  E x = b,  G x + s = h,  s >= 0

(``E`` the equality rows of ``C = [A; bounded identity rows]``, ``G`` stacks ``C`` for finite upper and ``-C``
for finite lower sides), multipliers ``y`` (equalities) and ``z >= 0``, slacks ``s`` in the driver.  Each
step solves the regularised KKT system ``[P + G'WG + dI, E'; E, -dI]`` (``W = diag(z/s)``, ``d = 1e-9``; sparse LU, SuperLU) for
the affine and the centred direction, steps to 99 % of the boundary, and moves the memories to ``x + alpha dx``
(two gradient-rule updates: the second corrects the first's hop noise).  The iterate ``x`` of the next step
is what the memories hold.

Status as for the ADMM driver (:func:`limbound.solvers.qp.admm.residuals`, on the memory values and unscaled
multipliers): ``solved`` iff primal, dual residual and duality gap are within ``eps`` for every read;
``max_iter`` when the iterations run out, ``time_limit`` when the wall-clock budget does, ``inaccurate`` when
a KKT solve fails.  (Whether the box binds is judged by the caller, :mod:`limbound.solvers.qp.gradient`.)
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse.linalg as spla
from scipy import sparse

from .admm import ADMM, final_status, residuals, stack_constraints

if TYPE_CHECKING:
    from ...sim.lim_array import LIMArray
    from .banks import Banks
    from .problem import QPProblem

#: One step of the predictor-corrector: ``(dx, ds, dz, dy, alpha)``.
_Step = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]

REG = 1e-9
STEP_FRACTION = 0.99
WRITES_PER_STEP = 2


class IPM:
    """One read's interior-point state (scaled space) and step (module notes)."""

    def __init__(self, sc: ADMM) -> None:
        self.sc = sc
        Cs = sc.Cs.tocsr()
        eq = sc.eq
        iu = np.isfinite(sc.us) & ~eq
        il = np.isfinite(sc.ls) & ~eq
        self.ieq, self.iu, self.il = np.flatnonzero(eq), np.flatnonzero(iu), np.flatnonzero(il)
        self.E = Cs[self.ieq]
        self.b = sc.ls[self.ieq]
        self.G = sparse.vstack([Cs[self.iu], -Cs[self.il]]).tocsr()
        self.h = np.concatenate([sc.us[self.iu], -sc.ls[self.il]])
        self.GT = self.G.T.tocsr()
        self.ET = self.E.T.tocsr()
        self.mi = self.G.shape[0]
        self.Psp = sparse.csr_matrix(sc.Ps)

    def start(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Starting point ``(x, s, z, y)`` (scaled): ``x`` from ``(P + G'G + dI) x + E'y = -q + G'h``, ``Ex = b``
        (the least-squares fit of the inequalities), slacks shifted positive, ``z = 1`` (Vandenberghe's CVXOPT
        initialisation, simplified)."""
        sc = self.sc
        n, me = sc.Ps.shape[0], self.E.shape[0]
        H = self.Psp + self.GT @ self.G + 1e-6 * sparse.eye(n)
        K = sparse.bmat([[H, self.ET], [self.E, -1e-9 * sparse.eye(me)]], format="csc") if me else H.tocsc()
        try:
            sol = spla.splu(K).solve(np.concatenate([-sc.qs + self.GT @ self.h, self.b]))
            xs = sol[:n]
        except (ValueError, RuntimeError):
            xs = np.zeros(n)
        if not np.all(np.isfinite(xs)):
            xs = np.zeros(n)
        s = self.h - self.G @ xs
        shift = max(0.0, -1.5 * float(np.min(s))) if s.size else 0.0
        return xs, s + shift + 1.0, np.ones(self.mi), np.zeros(me)

    def step(self, xs: np.ndarray, s: np.ndarray, z: np.ndarray, y: np.ndarray) -> _Step | None:
        """One predictor-corrector step: returns ``(dx, ds, dz, dy, alpha)`` or None if the KKT solve failed."""
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # a diverging iterate: None below
            return self._step(xs, s, z, y)

    def _step(self, xs: np.ndarray, s: np.ndarray, z: np.ndarray, y: np.ndarray) -> _Step | None:
        sc = self.sc
        n, me = xs.size, self.E.shape[0]
        rd = sc.Ps @ xs + sc.qs + self.ET @ y + self.GT @ z
        re = self.E @ xs - self.b
        ri = self.G @ xs + s - self.h
        mu = float(s @ z) / max(self.mi, 1)
        w = z / s
        H = self.Psp + self.GT @ sparse.diags(w) @ self.G + REG * sparse.eye(n)
        K = sparse.bmat([[H, self.ET], [self.E, -REG * sparse.eye(me)]], format="csc") if me else H.tocsc()
        try:
            fac = spla.splu(K)
        except (ValueError, RuntimeError):
            return None

        def solve(rc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
            r1 = -rd - self.GT @ (rc / s + w * ri)
            sol = fac.solve(np.concatenate([r1, -re]))
            dx, dy = sol[:n], sol[n:]
            Gdx = self.G @ dx
            ds = -ri - Gdx
            dz = rc / s + w * (ri + Gdx)
            return dx, ds, dz, dy

        def max_step(v: np.ndarray, dv: np.ndarray) -> float:
            neg = dv < 0
            return min(1.0, float(np.min(-v[neg] / dv[neg]))) if np.any(neg) else 1.0

        dx, ds, dz, dy = solve(-s * z)
        if self.mi:
            a_aff = min(max_step(s, ds), max_step(z, dz))
            mu_aff = float((s + a_aff * ds) @ (z + a_aff * dz)) / self.mi
            sigma = (mu_aff / mu) ** 3 if mu > 0 else 0.0
            dx, ds, dz, dy = solve(-s * z - ds * dz + sigma * mu)
            alpha = min(1.0, STEP_FRACTION * min(max_step(s, ds), max_step(z, dz)))
        else:
            alpha = 1.0
        if not (np.all(np.isfinite(dx)) and np.all(np.isfinite(dz)) and np.all(np.isfinite(dy))):
            return None
        return dx, ds, dz, dy, alpha

    def multipliers(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Unscaled multipliers of ``l <= Cx <= u`` (positive on the upper side)."""
        yc = np.zeros(self.sc.Cs.shape[0])
        yc[self.ieq] = y
        nu = self.iu.size
        yc[self.iu] += z[:nu]
        yc[self.il] -= z[nu:]
        return self.sc.unscale_y(yc)


def drive(p: QPProblem, arr: LIMArray, banks: Banks, *, bounds: tuple[np.ndarray, np.ndarray], eps: float,
          max_iter: int, deadline: float) -> dict:
    """Run the interior-point driver on the memories of ``arr`` until every read stops (module notes).

    Same inputs and outputs as :func:`limbound.solvers.qp.admm.drive`.
    """
    C, l, u = stack_constraints(p, *bounds)
    sc = ADMM(p, C, l, u)
    ipm = IPM(sc)
    R = arr.R
    state = _start(ipm, arr, banks)
    X = banks.values(arr)
    status = np.array(["running"] * R, dtype=object)
    iters = np.zeros(R, dtype=np.int64)
    Y = np.zeros((R, C.shape[0]))
    updates = WRITES_PER_STEP
    while True:
        act = status == "running"
        if not np.any(act):
            break
        if time.perf_counter() > deadline:
            status[act] = "time_limit"
            break
        # the honest check first: the values the memories hold, with the driver's multipliers
        for r in np.flatnonzero(act):
            Y[r] = ipm.multipliers(state[r][1], state[r][2])
        pr, du, ga = residuals(p.P, p.q, p.r, sc.Csp, l, u, X, Y)
        target = _step_reads(ipm, state, X, act, (pr, du, ga), status, iters, eps, max_iter)
        moving = status == "running"
        if not np.any(moving):
            break
        for _ in range(WRITES_PER_STEP):
            T = banks.targets(arr, target)
            arr.gradient_step(arr.values - T, 1.0, active=moving)
            updates += 1
        X = banks.values(arr)
    for r in range(R):
        Y[r] = ipm.multipliers(state[r][1], state[r][2])
    prim, dual, gap = residuals(p.P, p.q, p.r, sc.Csp, l, u, X, Y)
    final_status(status, prim, dual, gap, eps)
    return {"status": status, "iters": iters, "prim": prim, "dual": dual, "gap": gap, "Y": Y,
            "rho": np.full(R, np.nan), "polished": np.zeros(R, dtype=bool), "updates": updates}


def _start(ipm: IPM, arr: LIMArray, banks: Banks) -> list[list[np.ndarray]]:
    """Every read starts at the driver's starting point: the memories walk there from their random levels
    (``WRITES_PER_STEP`` updates).  Returns each read's ``[s, z, y]``."""
    R = arr.R
    x0, s0, z0, y0 = ipm.start()
    state = [[s0.copy(), z0.copy(), y0.copy()] for _ in range(R)]
    for _ in range(WRITES_PER_STEP):
        arr.gradient_step(arr.values - banks.targets(arr, np.tile(x0 * ipm.sc.d, (R, 1))), 1.0)
    return state


def _step_reads(ipm: IPM, state: list[list[np.ndarray]], X: np.ndarray, act: np.ndarray,
                res: tuple[np.ndarray, np.ndarray, np.ndarray], status: np.ndarray, iters: np.ndarray, eps: float,
                max_iter: int) -> np.ndarray:
    """Each active read: stop it (solved within ``eps``, out of iterations, failed KKT solve) or take one
    predictor-corrector step from the values its memories hold.  Returns the targets (R, n) of the memories."""
    sc = ipm.sc
    pr, du, ga = res
    target = X.copy()
    for r in np.flatnonzero(act):
        if pr[r] <= eps and du[r] <= eps and ga[r] <= eps:
            status[r] = "solved"
            continue
        if iters[r] >= max_iter:
            status[r] = "max_iter"
            continue
        s, z, y = state[r]
        got = ipm.step(X[r] / sc.d, s, z, y)
        if got is None:
            status[r] = "inaccurate"
            continue
        dx, ds, dz, dy, a = got
        state[r] = [np.maximum(s + a * ds, 1e-300), np.maximum(z + a * dz, 1e-300), y + a * dy]
        target[r] = (X[r] / sc.d + a * dx) * sc.d
        iters[r] += 1
    return target
