"""The gradient-rule QP driver: OSQP's ADMM with its iterate held in b-bit LIM memories (THEORY §6; docs/theory.md).

Algorithm (Stellato et al., "OSQP: an operator splitting solver for quadratic programs", Math. Prog. Comp. 12,
637 (2020), Algorithm 1, with its Ruiz equilibration, adaptive ``rho``, infeasibility certificates and solution
polishing), on ``min 1/2 x'Px + q'x`` s.t. ``l <= Cx <= u`` where ``C`` stacks ``A`` and the rows of the bounded
variables (``lb <= x <= ub``):

    solve (P + sigma I + C' R C) xt = sigma x - q + C'(R z - y)      (R = diag(rho_i); digital, factorised)
    x+ = alpha xt + (1 - alpha) x                                    (written into the memories, see below)
    z+ = clip(alpha C xt + (1 - alpha) z + y / rho, l, u)
    y+ = y + rho (alpha C xt + (1 - alpha) z - z+)

The iterate ``x`` lives in the memories.  Each iteration moves them to ``x+`` with one gradient-rule update
(:meth:`~limbound.sim.lim_array.LIMArray.gradient_step` with ``g = x - x+``, ``eta = 1``: mean drift
``x+ - x``, every net level along the tilt releasing ``D``), and the next iteration reads them back: their
grid and their hop noise are part of the iteration.  ``z``, ``y`` and the factorisation live in the digital
driver (their digital cost is not in the books).

Precision banks (several memories per variable): :mod:`limbound.solvers.qp.banks`.

Status (honest: computed on the values the memories hold, with the multipliers of the driver, unscaled,
as qpbenchmark computes them): ``solved`` iff for every read the primal residual (each row's violation over
``1 + |bound|``), the dual residual ``||Px + q + C'y||_inf / (1 + max(||Px||, ||q||, ||C'y||))`` and the
duality gap ``|x'Px + q'x + u'y+ + l'y-| / max(1, |f(x)|)`` are all at most
``eps``; ``infeasible`` on OSQP's primal-infeasibility certificate; ``max_iter`` / ``time_limit`` when the
budget ran out (residuals reported).
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
import scipy.linalg as sla
from scipy import sparse

from .banks import Banks

if TYPE_CHECKING:
    from ...sim.lim_array import LIMArray
    from .problem import QPProblem

#: ADMM constants of OSQP (Stellato et al. 2020, Section 5)
SIGMA = 1e-6
ALPHA = 1.6
RHO_EQ_FACTOR = 1e3
RHO_MIN, RHO_MAX = 1e-6, 1e6
RUIZ_ITERS = 25
CHECK_EVERY = 10
POLISH_EVERY = 50
EPS_PINF = 1e-5


def ruiz(P: np.ndarray, C: np.ndarray, iters: int = RUIZ_ITERS) -> tuple[np.ndarray, np.ndarray, float]:
    """Ruiz equilibration of the KKT matrix ``[P C'; C 0]`` and cost scaling, as in OSQP (Stellato et al. 2020, §5.1).

    Returns ``(d, e, c)``: scaled data ``c D P D``, ``c D q``, ``E C D``, bounds ``E l, E u``.
    """
    n, m = P.shape[0], C.shape[0]
    d = np.ones(n)
    e = np.ones(m)
    Ps, Cs = P.copy(), C.copy()
    for _ in range(iters):
        col = np.maximum(np.max(np.abs(Ps), axis=0), np.max(np.abs(Cs), axis=0) if m else 0.0)
        row = np.max(np.abs(Cs), axis=1) if m else np.zeros(0)
        dd = 1.0 / np.sqrt(np.clip(col, 1e-4, 1e4))
        ee = 1.0 / np.sqrt(np.clip(row, 1e-4, 1e4)) if m else np.zeros(0)
        Ps = dd[:, None] * Ps * dd[None, :]
        Cs = ee[:, None] * Cs * dd[None, :]
        d *= dd
        e *= ee
    # cost scaling: the mean column norm of P (OSQP's rule, without q to keep c independent of the data scale)
    gamma = float(np.mean(np.max(np.abs(Ps), axis=0)))
    c = 1.0 / min(max(gamma, 1e-4), 1e4)
    return d, e, c


def residuals(P: np.ndarray, q: np.ndarray, r: float, C: np.ndarray | sparse.spmatrix, l: np.ndarray, u: np.ndarray,
              X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unscaled primal, dual residuals and duality gap, relative as in the module notes; arrays over reads.

    ``X`` (R, n) the memory values, ``Y`` (R, m) the multipliers of ``l <= Cx <= u`` (positive: upper side).
    Multipliers pointing at an infinite bound are dropped (they would make the gap infinite).
    """
    fin_u, fin_l = np.isfinite(u), np.isfinite(l)
    Y = np.where(fin_u, np.maximum(Y, 0.0), 0.0) + np.where(fin_l, np.minimum(Y, 0.0), 0.0)
    CX = (C @ X.T).T
    with np.errstate(invalid="ignore"):
        viol = np.maximum(np.where(fin_l, (l - CX) / (1.0 + np.abs(l)), 0.0),
                          np.where(fin_u, (CX - u) / (1.0 + np.abs(u)), 0.0))
    prim = np.max(np.maximum(viol, 0.0), axis=1) if C.shape[0] else np.zeros(X.shape[0])
    PX = X @ P
    CtY = (C.T @ Y.T).T
    dres = PX + q + CtY
    nrm = lambda a: np.max(np.abs(a), axis=1) if a.shape[1] else np.zeros(a.shape[0])  # noqa: E731
    dual = nrm(dres) / (1.0 + np.maximum(np.maximum(nrm(PX), np.max(np.abs(q))), nrm(CtY)))
    xPx = np.einsum("ri,ri->r", X, PX)
    qx = X @ q
    supp = np.where(fin_u, u, 0.0) @ np.maximum(Y, 0.0).T + np.where(fin_l, l, 0.0) @ np.minimum(Y, 0.0).T
    supp = np.atleast_1d(supp)
    # relative to the objective itself (with its constant r), as the objective error is judged: a gap that is
    # small against cancelling terms x'Px ~ -q'x but not against f (HS268: f* = 1e-5, terms ~ 1.4e4) is not small
    f = 0.5 * xPx + qx + r
    gap = np.abs(xPx + qx + supp) / np.maximum(1.0, np.abs(f))
    return prim, dual, gap


def stack_constraints(p: QPProblem, lb: np.ndarray, ub: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``C, l, u``: the rows of ``A`` and one row per variable with a finite bound ``lb``/``ub``.

    The bounds passed are the problem's with the propagated ones (valid, redundant): the memories hold every
    variable inside them, so the ADMM must know them, or its iterate would ask for values the memories cannot take.
    """
    n = p.n
    bounded = np.flatnonzero(np.isfinite(lb) | np.isfinite(ub))
    C = np.vstack([p.A, np.eye(n)[bounded]]) if bounded.size else p.A.copy()
    l = np.concatenate([p.l, lb[bounded]])
    u = np.concatenate([p.u, ub[bounded]])
    return C, l, u


class ADMM:
    """OSQP's ADMM for all reads side by side (each read its own ``rho``, ``z``, ``y``, stopping), module notes."""

    def __init__(self, p: QPProblem, C: np.ndarray, l: np.ndarray, u: np.ndarray) -> None:
        self.p = p
        self.C, self.l, self.u = C, l, u
        self.d, self.e, self.c = ruiz(p.P, C)
        d, e, c = self.d, self.e, self.c
        self.Ps = c * d[:, None] * p.P * d[None, :]
        self.qs = c * d * p.q
        self.Cs = sparse.csr_matrix(e[:, None] * C * d[None, :])
        self.CsT = self.Cs.T.tocsr()
        self.Csp = sparse.csr_matrix(C)
        with np.errstate(invalid="ignore"):
            self.ls = e * l
            self.us = e * u
        self.eq = (l == u)
        self._fac = {}

    def rho_vec(self, rho: float) -> np.ndarray:
        return np.where(self.eq, RHO_EQ_FACTOR * rho, rho)

    def factor(self, rho: float) -> tuple[np.ndarray, np.ndarray]:
        key = float(rho)
        if key not in self._fac:
            if len(self._fac) > 8:
                self._fac.clear()
            rv = self.rho_vec(rho)
            K = self.Ps + SIGMA * np.eye(self.p.n) + (self.CsT @ sparse.diags(rv) @ self.Cs).toarray()
            self._fac[key] = sla.lu_factor(K, check_finite=False)
        return self._fac[key]

    def step(self, xs: np.ndarray, zs: np.ndarray, ys: np.ndarray,
             rho: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One ADMM iteration of one read (scaled variables); returns ``(x+, z+, y+)``."""
        rv = self.rho_vec(rho)
        rhs = SIGMA * xs - self.qs + self.CsT @ (rv * zs - ys)
        xt = sla.lu_solve(self.factor(rho), rhs, check_finite=False)
        zt = self.Cs @ xt
        x_new = ALPHA * xt + (1.0 - ALPHA) * xs
        zr = ALPHA * zt + (1.0 - ALPHA) * zs
        z_new = np.clip(zr + ys / rv, self.ls, self.us)
        y_new = ys + rv * (zr - z_new)
        return x_new, z_new, y_new

    def new_rho(self, xs: np.ndarray, zs: np.ndarray, ys: np.ndarray, rho: float) -> float:
        """OSQP's adaptive rho: ``rho sqrt(r_prim / r_dual)`` with both residuals normalised (scaled space)."""
        Cx = self.Cs @ xs
        rp = np.max(np.abs(Cx - zs)) / max(np.max(np.abs(Cx)), np.max(np.abs(zs)), 1e-30)
        Px = self.Ps @ xs
        Cty = self.CsT @ ys
        rd = np.max(np.abs(Px + self.qs + Cty)) / max(np.max(np.abs(Px)), np.max(np.abs(Cty)), np.max(np.abs(self.qs)), 1e-30)
        r = rho * math.sqrt(max(rp, 1e-30) / max(rd, 1e-30))
        return float(min(max(r, RHO_MIN), RHO_MAX))

    def unscale_y(self, ys: np.ndarray) -> np.ndarray:
        return self.e * ys / self.c

    def polish(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """OSQP's polishing (Stellato et al. 2020, §4): solve the equality-constrained QP on the active set guessed
        from ``z = Cx`` and ``y`` (unscaled; lower-active where ``z - l < -y``, upper-active where ``u - z < y``),
        three steps of iterative refinement.  Returns ``(x, y)`` or None."""
        p = self.p
        z = self.Csp @ x
        with np.errstate(invalid="ignore"):
            act_l = (z - self.l < -y) & np.isfinite(self.l)
            act_u = (self.u - z < y) & np.isfinite(self.u)
        act_l |= self.eq
        act_u &= ~act_l
        rows = np.flatnonzero(act_l | act_u)
        b = np.where(act_u, self.u, self.l)[rows]
        Ca = self.C[rows]
        n, k = p.n, rows.size
        delta = 1e-7 * max(1.0, float(np.max(np.abs(p.P))))
        K = np.block([[p.P, Ca.T], [Ca, np.zeros((k, k))]])
        Kreg = K + np.diag(np.concatenate([np.full(n, delta), np.full(k, -delta)]))
        rhs = np.concatenate([-p.q, b])
        try:
            fac = sla.lu_factor(Kreg, check_finite=False)
            sol = sla.lu_solve(fac, rhs, check_finite=False)
            for _ in range(3):
                sol = sol + sla.lu_solve(fac, rhs - K @ sol, check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            return None
        if not np.all(np.isfinite(sol)):
            return None
        yp = np.zeros(self.C.shape[0])
        yp[rows] = sol[n:]
        return sol[:n], yp


def drive(p: QPProblem, arr: LIMArray, banks: Banks, *, bounds: tuple[np.ndarray, np.ndarray], eps: float,
          max_iter: int, deadline: float, rho0: float = 0.1) -> dict:
    """Run the ADMM on the memories of ``arr`` until every read stops (module notes).

    Returns per-read arrays ``status`` (str), ``iters``, ``prim``, ``dual``, ``gap``, final ``Y`` (unscaled),
    ``rho``, ``polished`` and the number of memory updates.
    """
    C, l, u = stack_constraints(p, *bounds)
    run = _Reads(p, arr, banks, ADMM(p, C, l, u), rho0)
    it = 0
    while True:
        act = run.status == "running"
        if not np.any(act):
            break
        if time.perf_counter() > deadline:
            run.status[act] = "time_limit"
            break
        run.iterate(act)
        it += 1
        if it % CHECK_EVERY:
            continue
        run.check(act, eps, max_iter)
    return run.finish(eps)


class _Reads:
    """The driver state of every read (each an independent run: its own ``rho``, ``z``, ``y``, polishing, stopping)."""

    def __init__(self, p: QPProblem, arr: LIMArray, banks: Banks, adm: ADMM, rho0: float) -> None:
        self.p, self.arr, self.banks, self.adm = p, arr, banks, adm
        R, n, m = arr.R, p.n, adm.C.shape[0]
        self.X = banks.values(arr)
        self.XS = self.X / adm.d
        self.ZS = np.clip((adm.Cs @ self.XS.T).T, adm.ls, adm.us)
        self.YS = np.zeros((R, m))
        self.rho = np.full(R, float(rho0))
        self.status = np.array(["running"] * R, dtype=object)
        self.iters = np.zeros(R, dtype=np.int64)
        self.polished = np.zeros(R, dtype=bool)
        self.Ypol = np.zeros((R, m))
        self.prev_YS = self.YS.copy()
        self.prim = np.full(R, np.inf)
        self.dual = np.full(R, np.inf)
        self.gap = np.full(R, np.inf)
        self.updates = 0
        self.Xpol = np.zeros((R, n))
        self.pol_age = np.zeros(R, dtype=np.int64)

    def iterate(self, act: np.ndarray) -> None:
        """One ADMM iteration of the active reads (a polished read walks to its polished point), written into the
        memories with one gradient-rule update, then read back."""
        adm = self.adm
        target = self.X.copy()
        for r in np.flatnonzero(act):
            if self.polished[r]:
                target[r] = self.Xpol[r]  # walk to the polished point
                self.pol_age[r] += 1
            else:
                xs_n, self.ZS[r], self.YS[r] = adm.step(self.XS[r], self.ZS[r], self.YS[r], self.rho[r])
                target[r] = xs_n * adm.d
        T = self.banks.targets(self.arr, target)
        self.arr.gradient_step(self.arr.values - T, 1.0, active=act)
        self.updates += 1
        self.X = self.banks.values(self.arr)
        self.XS = self.X / adm.d
        self.iters[act] += 1

    def check(self, act: np.ndarray, eps: float, max_iter: int) -> None:
        """Every ``CHECK_EVERY`` iterations: the honest residuals on the memory values and each read's decision."""
        adm, p = self.adm, self.p
        Y = np.array([adm.unscale_y(self.YS[r]) for r in range(self.arr.R)])
        Yuse = np.where(self.polished[:, None], self.Ypol, Y)
        pr, du, ga = residuals(p.P, p.q, p.r, adm.Csp, adm.l, adm.u, self.X, Yuse)
        for r in np.flatnonzero(act):
            self.prim[r], self.dual[r], self.gap[r] = pr[r], du[r], ga[r]
            self._decide(r, pr[r], du[r], ga[r], Y[r], eps, max_iter)
        self.prev_YS = self.YS.copy()

    def _decide(self, r: int, pr: float, du: float, ga: float, y: np.ndarray, eps: float, max_iter: int) -> None:
        """Stop read ``r`` (solved, max_iter, infeasible), leave or start polishing, or adapt its ``rho``."""
        if pr <= eps and du <= eps and ga <= eps:
            self.status[r] = "solved"
            return
        if self.iters[r] >= max_iter:
            self.status[r] = "max_iter"
            return
        if self.polished[r]:
            if self.pol_age[r] >= 4 * CHECK_EVERY:  # the grid cannot hold the polished point: back to the ADMM
                self.polished[r] = False
            return
        if self._infeasible(r):
            self.status[r] = "infeasible"
            return
        if self.iters[r] % POLISH_EVERY == 0 and max(pr, du) < 1e-2 and self._polish(r, y, eps):
            return
        if self.iters[r] % (5 * CHECK_EVERY) == 0:
            nr = self.adm.new_rho(self.XS[r], self.ZS[r], self.YS[r], self.rho[r])
            if nr > 5 * self.rho[r] or nr < 0.2 * self.rho[r]:
                self.rho[r] = nr

    def _infeasible(self, r: int) -> bool:
        """OSQP's primal infeasibility certificate (Stellato et al. 2020, §3.4) on read ``r``'s unscaled multiplier step."""
        adm = self.adm
        l, u = adm.l, adm.u
        dy = adm.unscale_y(self.YS[r] - self.prev_YS[r])
        ndy = float(np.max(np.abs(dy))) if adm.C.shape[0] else 0.0
        if not ndy > 1e-30:
            return False
        supp = (np.where(np.isfinite(u), u, 0.0) @ np.maximum(dy, 0.0)
                + np.where(np.isfinite(l), l, 0.0) @ np.minimum(dy, 0.0))
        ok_sides = not (np.any((dy > 0) & ~np.isfinite(u)) or np.any((dy < 0) & ~np.isfinite(l)))
        return bool(ok_sides and np.max(np.abs(adm.Csp.T @ dy)) <= EPS_PINF * ndy and supp < -EPS_PINF * ndy)

    def _polish(self, r: int, y: np.ndarray, eps: float) -> bool:
        """Polish read ``r``; a polished point within ``0.1 eps`` becomes its target (the memories walk there, booked)."""
        adm, p = self.adm, self.p
        got = adm.polish(self.X[r], y)
        if got is None:
            return False
        xp, yp = got
        pp, dp, gp = residuals(p.P, p.q, p.r, adm.Csp, adm.l, adm.u, xp[None, :], yp[None, :])
        if not (pp[0] <= 0.1 * eps and dp[0] <= 0.1 * eps and gp[0] <= 0.1 * eps):
            return False
        self.polished[r] = True
        self.pol_age[r] = 0
        self.Xpol[r] = xp
        self.Ypol[r] = yp
        self.YS[r] = adm.c * yp / adm.e
        self.ZS[r] = np.clip(adm.Cs @ (xp / adm.d), adm.ls, adm.us)
        return True

    def finish(self, eps: float) -> dict:
        """Final residuals on the memory values; a read judged solved at its last check but not now is inaccurate."""
        adm, p = self.adm, self.p
        Y = np.array([adm.unscale_y(self.YS[r]) for r in range(self.arr.R)])
        Y = np.where(self.polished[:, None], self.Ypol, Y)
        X = self.banks.values(self.arr)
        prim, dual, gap = residuals(p.P, p.q, p.r, adm.Csp, adm.l, adm.u, X, Y)
        final_status(self.status, prim, dual, gap, eps)
        return {"status": self.status, "iters": self.iters, "prim": prim, "dual": dual, "gap": gap, "Y": Y,
                "rho": self.rho, "polished": self.polished, "updates": self.updates, "C": adm.C, "l": adm.l, "u": adm.u}


def final_status(status: np.ndarray, prim: np.ndarray, dual: np.ndarray, gap: np.ndarray, eps: float) -> None:
    """In place: a read whose status is ``solved`` but whose final residuals exceed ``eps`` becomes ``inaccurate``."""
    for r in range(status.size):
        if status[r] == "solved" and not (prim[r] <= eps and dual[r] <= eps and gap[r] <= eps):
            status[r] = "inaccurate"
