"""Mean energy books of a 1-D overdamped protocol from its Fokker-Planck equation (a reference independent of sampling).

The Langevin simulator (:mod:`.langevin`) samples trajectories; this module
solves the same protocol's density equation

    d rho / dt = d/dx [ (1/gamma) (U'(x, t) rho + kT d rho / dx) ]

on a grid and gives the *mean* work, heat, energy and end density, so the
simulator's means can be checked two-sided against a number no trajectory
produced (THEORY §7: erasure; §8b).

Discretisation: cells of width ``h`` on ``[x_lo, x_hi]`` (reflecting ends),
the Scharfetter-Gummel flux (Scharfetter & Gummel, IEEE TED 16, 64 (1969);
for Fokker-Planck equations Chang & Cooper, J. Comput. Phys. 6, 1 (1970)):
a master equation between neighbouring cells with rates

    r(i -> i+1) = kT / (gamma h^2) B((U_{i+1} - U_i) / kT),    B(z) = z / (e^z - 1),

which obey detailed balance exactly (``r(i->i+1) / r(i+1->i) = e^{-(U_{i+1}-U_i)/kT}``),
so the Boltzmann density is stationary at every ``h`` and the scheme is second
order in ``h``.  In time: ``n`` steps of length ``s = tau / n``; at each the
landscape switches to ``U(t_{j+1})`` at fixed occupations (mean work
``p . (U_new - U_old)``, Sekimoto's work) and the occupations relax by one
implicit Euler step ``(I - s G) p' = p`` (unconditionally stable, keeps
``p >= 0``; a tridiagonal solve).  Both parts are first order in ``s``;
:func:`solve_protocol` runs ``n`` and ``2n`` steps and extrapolates
(Richardson), so the result is second order in ``s`` and ``h``.  The mean
heat follows from the first law of the means, ``Q = W - (<U>_end - <U>_start)``.
``FPResult.time_error_kT`` is the size of the extrapolation; the grid error
is estimated by the caller from two grids.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ParameterError, check_integer, check_positive
from .protocols import Protocol


@njit(cache=True)
def _bern(z):
    if abs(z) < 1e-6:
        return 1.0 - 0.5 * z
    return z / np.expm1(z)


@njit(cache=True)
def _fp_run(c, powers, pref, p):
    """Switch-then-relax steps over the coefficient table ``c`` ((n+1, 5)); returns (W, U_start, U_end), p in place."""
    n = p.shape[0]
    u = powers @ c[0]
    U_start = 0.0
    for i in range(n):
        U_start += p[i] * u[i]
    W = 0.0
    sub = np.empty(n)
    dia = np.empty(n)
    sup = np.empty(n)
    cp = np.empty(n)
    dp = np.empty(n)
    for j in range(1, c.shape[0]):
        un = powers @ c[j]
        for i in range(n):
            W += p[i] * (un[i] - u[i])
        u = un
        # (I - s G) p' = p with G[i+1, i] = up_i, G[i, i+1] = dn_i, G[i, i] = -(up_i + dn_{i-1})
        for i in range(n):
            dia[i] = 1.0
            sub[i] = 0.0
            sup[i] = 0.0
        for i in range(n - 1):
            d = u[i + 1] - u[i]
            up = pref * _bern(d)
            dn = pref * _bern(-d)
            dia[i] += up
            dia[i + 1] += dn
            sub[i + 1] = -up
            sup[i] = -dn
        # Thomas algorithm (the matrix is a diagonally dominant M-matrix: no pivoting needed)
        cp[0] = sup[0] / dia[0]
        dp[0] = p[0] / dia[0]
        for i in range(1, n):
            m = dia[i] - sub[i] * cp[i - 1]
            cp[i] = sup[i] / m
            dp[i] = (p[i] - sub[i] * dp[i - 1]) / m
        p[n - 1] = dp[n - 1]
        for i in range(n - 2, -1, -1):
            p[i] = dp[i] - cp[i] * p[i + 1]
        tot = 0.0
        for i in range(n):
            if p[i] < 0.0:
                p[i] = 0.0
            tot += p[i]
        for i in range(n):
            p[i] /= tot
    U_end = 0.0
    for i in range(n):
        U_end += p[i] * u[i]
    return W, U_start, U_end


@dataclass
class FPResult:
    """Mean books of a protocol from the density equation (kT units), extrapolated in the time step.

    Attributes
    ----------
    x : (n,) cell centres;  p_end : (n,) end probabilities per cell
    mean_work_kT, mean_heat_kT, mean_U_start_kT, mean_U_end_kT : float
    time_error_kT : float, size of the Richardson correction of the work (a measure of the time-step error)
    """

    x: np.ndarray
    p_end: np.ndarray
    mean_work_kT: float
    mean_heat_kT: float
    mean_U_start_kT: float
    mean_U_end_kT: float
    time_error_kT: float

    def probability(self, mask_fn: Callable[[np.ndarray], np.ndarray]) -> float:
        """End probability of the cells whose centre satisfies ``mask_fn(x)`` (e.g. ``lambda x: x > 0``)."""
        return float(self.p_end[mask_fn(self.x)].sum())


def solve_protocol(protocol: Protocol, *, x_lo: float, x_hi: float, n_grid: int, n_steps: int, gamma: float = 1.0,
                   kT: float = 1.0) -> FPResult:
    """Mean work, heat and end density of ``protocol`` started in the Boltzmann density of ``U(x, 0)`` (module notes).

    Runs ``n_steps`` and ``2 n_steps`` time steps on ``n_grid`` cells of ``[x_lo, x_hi]`` and extrapolates.
    """
    if not isinstance(protocol, Protocol):
        raise ParameterError(f"protocol of type {type(protocol).__name__} is not supported; allowed: Protocol")
    for name, v in (("n_grid", n_grid), ("n_steps", n_steps)):
        check_integer(name, v, minimum=16)
    if not x_hi > x_lo:
        raise ParameterError(f"x_hi={x_hi!r} must exceed x_lo={x_lo!r}")
    gamma = check_positive("gamma", gamma)
    kT = check_positive("kT", kT)
    tau = float(protocol.duration)
    h = (x_hi - x_lo) / n_grid
    x = x_lo + h * (np.arange(n_grid) + 0.5)
    powers = np.ascontiguousarray(np.vander(x, 5, increasing=True))     # 1, x, x^2, x^3, x^4
    u0 = powers @ protocol.coeffs([0.0])[0] / kT
    w = np.exp(-(u0 - u0.min()))
    out = []
    for n in (int(n_steps), 2 * int(n_steps)):
        p = w / w.sum()
        c = protocol.coeffs(np.linspace(0.0, tau, n + 1)) / kT
        W, U0, U1 = _fp_run(c, powers, kT / (gamma * h * h) * (tau / n), p)
        out.append((W, U0, U1, p))
    (W1, U0, U1a, _), (W2, _, U1b, p2) = out
    W = 2.0 * W2 - W1
    U_end = 2.0 * U1b - U1a
    return FPResult(x=x, p_end=p2, mean_work_kT=W, mean_heat_kT=W - (U_end - U0), mean_U_start_kT=U0,
                    mean_U_end_kT=U_end, time_error_kT=abs(W2 - W1))
