"""Closed-form results of stochastic thermodynamics that the simulators are checked against (THEORY §7).

One formula per function, each with its source:

* :func:`kramers_time` -- Kramers' asymptotic well-to-well time of the quartic double well (Kramers 1940;
  Hänggi, Talkner & Borkovec 1990);
* :func:`exact_mfpt` -- the exact 1-D overdamped mean first-passage time, by quadrature (Gardiner, ch. 5);
* :func:`optimal_drag_work`, :func:`linear_drag_work` -- mean work of dragging a harmonic trap, optimal
  (Schmiedl & Seifert, PRL 98, 108301 (2007)) and at constant speed (Mazonka & Jarzynski 1999);
* :func:`landauer_bound_kT` -- the generalised Landauer bound of erasure with success probability ``p``
  (Landauer 1961; Bérut et al. 2012).

Simulation units: energies in kT (or the caller's unit with ``kT`` given), lengths and times in the
simulation's units.  The protocols these formulas describe are in :mod:`limbound.sim.protocols`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError


def kramers_time(*, barrier: float, a: float = 1.0, gamma: float = 1.0, kT: float = 1.0) -> float:
    """Kramers' asymptotic well-to-well time of the quartic double well.

    ``2 pi gamma / sqrt(U''(min) |U''(max)|) exp(E_b / kT)`` with
    ``U''(min) = 8 E_b / a**2`` and ``U''(0) = -4 E_b / a**2`` (Kramers,
    Physica 7, 284 (1940); Hänggi, Talkner & Borkovec, RMP 62, 251 (1990)).
    """
    w = np.sqrt(8.0 * barrier * 4.0 * barrier) / a**2
    return 2.0 * np.pi * gamma / w * np.exp(barrier / kT)


def exact_mfpt(U: Callable[[float], float], *, x0: float, target: float, gamma: float = 1.0, kT: float = 1.0,
               lower: float = -np.inf) -> float:
    """Exact mean first-passage time of 1-D overdamped motion from ``x0`` to ``target > x0``.

    ``T = (gamma/kT) int_{x0}^{target} dy exp(U(y)/kT) int_{lower}^{y} dz exp(-U(z)/kT)``,
    reflecting at ``lower`` (Gardiner, *Handbook of Stochastic Methods*, ch. 5, first-passage times;
    Hänggi, Talkner & Borkovec 1990), evaluated by adaptive quadrature.
    Energies are shifted by ``U(x0)`` to keep the exponentials in range.

    The quartic well at 4 kT, against Kramers' asymptote (THEORY §7: 1.14):

    >>> t = exact_mfpt(lambda x: 4.0 * (x * x - 1) ** 2, x0=-1.0, target=1.0)
    >>> round(float(t / kramers_time(barrier=4.0)), 2)
    1.14
    """
    from scipy import integrate

    if not target > x0:
        raise ParameterError(f"target={target!r} must lie above x0={x0!r}")
    u0 = U(x0)

    def inner(y: float) -> float:
        return integrate.quad(lambda z: np.exp(-(U(z) - u0) / kT), lower, y, limit=400, epsabs=0.0, epsrel=1e-11)[0]

    val = integrate.quad(lambda y: np.exp((U(y) - u0) / kT) * inner(y), x0, target, limit=400,
                         epsabs=0.0, epsrel=1e-10)[0]
    return gamma / kT * val


def optimal_drag_work(*, k: float, L: float, tau: float, gamma: float) -> float:
    """Mean work of the optimal drag, ``W* = gamma L**2 / (tau + 2 gamma / k)`` (Schmiedl & Seifert 2007).

    >>> optimal_drag_work(k=1.0, L=3.0, tau=1.0, gamma=1.0)   # 9 / (1 + 2)
    3.0
    """
    return gamma * L * L / (tau + 2.0 * gamma / k)


def linear_drag_work(*, k: float, L: float, tau: float, gamma: float) -> float:
    """Mean work of the linear drag at speed ``v = L / tau`` from equilibrium.

    ``W = gamma v**2 [tau - (gamma / k)(1 - exp(-k tau / gamma))]``: the mean lag
    of the particle behind the trap relaxes as ``(gamma v / k)(1 - exp(-k t / gamma))``
    (the exactly solvable dragged oscillator: Mazonka & Jarzynski 1999; Schmiedl & Seifert 2007).

    >>> round(float(linear_drag_work(k=1.0, L=3.0, tau=1.0, gamma=1.0)), 4)   # 9 / e, above W* = 3
    3.3109
    """
    v = L / tau
    return gamma * v * v * (tau - (gamma / k) * (-np.expm1(-k * tau / gamma)))


def landauer_bound_kT(p: ArrayLike) -> NDArray[np.float64]:
    """Generalised Landauer bound ``ln 2 + p ln p + (1-p) ln(1-p)`` in kT for success probability ``p``.

    >>> round(float(landauer_bound_kT(1.0)), 4), round(float(landauer_bound_kT(0.5)), 4)   # ln 2; nothing erased
    (0.6931, 0.0)
    """
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where((p > 0) & (p < 1), p * np.log(np.where(p > 0, p, 1.0)) + (1 - p) * np.log(np.where(p < 1, 1 - p, 1.0)), 0.0)
    return np.log(2.0) + h
