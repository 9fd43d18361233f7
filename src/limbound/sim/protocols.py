"""Time-dependent potentials for the Langevin simulator (THEORY §7); their published results are in
:mod:`limbound.physics.thermo`.

Every built-in potential is a quartic polynomial in the position,

    U(x, t) = c0(t) + c1(t) x + c2(t) x**2 + c3(t) x**3 + c4(t) x**4,

in the energy unit of the simulation (usually ``kT = 1``), so one compiled
kernel serves them all; a :class:`Protocol` only says how the five
coefficients move in time.  Users with another shape pass numba-compiled
functions instead (:class:`UserProtocol`).

Built-ins (THEORY §7):

* :func:`harmonic_drag` -- a trap ``k/2 (x - lam(t))**2`` dragged a distance
  ``L`` in time ``tau``, with the optimal protocol of Schmiedl & Seifert
  (PRL 98, 108301, 2007) or the linear one;
* :func:`double_well` -- ``E_b ((x/a)**2 - 1)**2 - f x/a``, static (Kramers);
* :func:`double_well_protocol` -- the same with barrier ``E_b(t)`` and tilt ``f(t)`` of your choice;
* :func:`erasure` -- the four-stage erasure of a bit stored in a double well
  (lower barrier, tilt, raise barrier, untilt), as in Bérut et al., Nature
  483, 187 (2012) and Jun, Gavrilov & Bechhoefer, PRL 113, 190601 (2014).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError, check_finite, check_positive


@dataclass(frozen=True)
class Protocol:
    """A quartic potential whose coefficients follow ``coeffs_fn(t) -> (len(t), 5)`` for ``0 <= t <= duration``.

    Attributes
    ----------
    name : str
    duration : float
        Protocol length in the simulation's time unit.
    coeffs_fn : callable
        Vectorised: array of times -> array ``(len(t), 5)`` of ``c0..c4``.
    params : dict
        The physical parameters by name (reported by the validation suite).
    """

    name: str
    duration: float
    coeffs_fn: Callable[[np.ndarray], np.ndarray]
    params: dict = field(default_factory=dict)

    def coeffs(self, t: ArrayLike) -> np.ndarray:
        """Coefficient table ``(len(t), 5)`` at times ``t`` (float64, C-contiguous)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        c = np.ascontiguousarray(self.coeffs_fn(t), dtype=float)
        if c.shape != (t.size, 5):
            raise ParameterError(f"protocol {self.name!r} returned coefficients of shape {c.shape}; allowed: ({t.size}, 5)")
        return c

    def U(self, x: ArrayLike, t: float) -> np.ndarray:
        """Potential at positions ``x`` and time ``t``."""
        c = self.coeffs([t])[0]
        x = np.asarray(x, dtype=float)
        return (((c[4] * x + c[3]) * x + c[2]) * x + c[1]) * x + c[0]

    def curvature(self, x: ArrayLike, t: float) -> np.ndarray:
        """``U''(x, t)`` (used for the step-size check)."""
        c = self.coeffs([t])[0]
        x = np.asarray(x, dtype=float)
        return (12.0 * c[4] * x + 6.0 * c[3]) * x + 2.0 * c[2]


@dataclass(frozen=True)
class UserProtocol:
    """A user potential: numba-compiled ``U(x, t)`` and ``dUdx(x, t)`` (``@numba.njit`` functions of two floats).

    ``duration`` is the protocol length; ``name`` and ``params`` are for reports.
    The simulator checks the step size against ``U''`` estimated by finite
    differences of ``dUdx`` over the region the particles visit.
    """

    name: str
    duration: float
    U_fn: Callable
    dUdx_fn: Callable
    params: dict = field(default_factory=dict)

    def U(self, x: ArrayLike, t: float) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        return np.array([self.U_fn(float(v), float(t)) for v in x])

    def curvature(self, x: ArrayLike, t: float, dx: float = 1e-4) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        return np.array([(self.dUdx_fn(float(v) + dx, float(t)) - self.dUdx_fn(float(v) - dx, float(t))) / (2 * dx) for v in x])


# ----------------------------------------------------------------------------------------------
# Harmonic trap dragged at constant distance (Schmiedl & Seifert 2007)
# ----------------------------------------------------------------------------------------------

def _harmonic_coeffs(k: float, lam: np.ndarray) -> np.ndarray:
    c = np.zeros((lam.size, 5))
    c[:, 0] = 0.5 * k * lam * lam
    c[:, 1] = -k * lam
    c[:, 2] = 0.5 * k
    return c


def optimal_drag_center(t: ArrayLike, *, k: float, L: float, tau: float, gamma: float) -> np.ndarray:
    """Trap centre of the optimal drag (Schmiedl & Seifert, PRL 98, 108301 (2007)).

    ``lam*(t) = L (1 + k t / gamma) / (k tau / gamma + 2)`` for ``0 < t < tau``,
    ``0`` at ``t = 0`` and ``L`` at ``t >= tau``: two jumps of equal size
    ``L / (k tau / gamma + 2)`` at both ends.
    """
    t = np.asarray(t, dtype=float)
    lam = L * (1.0 + k * t / gamma) / (k * tau / gamma + 2.0)
    return np.where(t <= 0.0, 0.0, np.where(t >= tau, L, lam))


def harmonic_drag(*, k: float, L: float, tau: float, gamma: float, kind: str = "optimal") -> Protocol:
    """Drag a harmonic trap ``k/2 (x - lam(t))**2`` from 0 to ``L`` in time ``tau``.

    Parameters
    ----------
    k : float
        Trap stiffness (energy / length**2).
    L : float
        Distance (length).
    tau : float
        Duration (time).
    gamma : float
        Friction coefficient of the particle (energy time / length**2); the optimal protocol depends on it.
    kind : {"optimal", "linear"}
    """
    k = check_positive("k", k)
    L = check_finite("L", L)
    tau = check_positive("tau", tau)
    gamma = check_positive("gamma", gamma)
    params = {"k": k, "L": L, "tau": tau, "gamma": gamma}
    if kind == "optimal":
        return Protocol("harmonic_drag_optimal", tau,
                        lambda t: _harmonic_coeffs(k, optimal_drag_center(t, k=k, L=L, tau=tau, gamma=gamma)), params)
    if kind == "linear":
        return Protocol("harmonic_drag_linear", tau,
                        lambda t: _harmonic_coeffs(k, L * np.clip(np.asarray(t, dtype=float) / tau, 0.0, 1.0)), params)
    raise ParameterError(f"kind={kind!r} is not a drag protocol; allowed: 'optimal', 'linear'")


# ----------------------------------------------------------------------------------------------
# Double well
# ----------------------------------------------------------------------------------------------

def _double_well_coeffs(E_b: ArrayLike, a: float, f: ArrayLike) -> np.ndarray:
    """Coefficients of ``E_b((x/a)^2 - 1)^2 - f x / a`` (arrays broadcast)."""
    E_b, f = np.broadcast_arrays(np.asarray(E_b, dtype=float), np.asarray(f, dtype=float))
    c = np.zeros((E_b.size, 5))
    c[:, 0] = E_b.ravel()
    c[:, 1] = -f.ravel() / a
    c[:, 2] = -2.0 * E_b.ravel() / a**2
    c[:, 4] = E_b.ravel() / a**4
    return c


def double_well(*, barrier: float, a: float = 1.0, tilt: float = 0.0, duration: float = np.inf) -> Protocol:
    """Static quartic double well ``U = E_b ((x/a)**2 - 1)**2 - tilt * x / a``.

    Minima at ``x = +-a`` (untilted), barrier ``E_b`` at ``x = 0``;
    ``U''(+-a) = 8 E_b / a**2``, ``U''(0) = -4 E_b / a**2``.
    """
    E_b = check_positive("barrier", barrier, allow_zero=True)
    a = check_positive("a", a)
    f = check_finite("tilt", tilt)
    return Protocol("double_well", float(duration),
                    lambda t: np.repeat(_double_well_coeffs(E_b, a, f), np.size(t), axis=0),
                    {"barrier_kT": E_b, "a": a, "tilt": f})


def double_well_protocol(*, barrier: float | Callable, tilt: float | Callable = 0.0, duration: float, a: float = 1.0, name: str = "double_well_protocol") -> Protocol:
    """Double well ``E_b(t) ((x/a)**2 - 1)**2 - f(t) x / a`` with a controllable barrier and tilt.

    ``barrier`` and ``tilt`` are numbers or vectorised callables of time
    (``t`` array -> array), e.g. ``lambda t: 8 - 6 * np.sin(np.pi * t / tau)``.
    The barrier must stay >= 0 (checked on 257 times across ``duration``).
    """
    duration = check_positive("duration", duration)
    a = check_positive("a", a)
    eb_fn = barrier if callable(barrier) else (lambda t, v=check_finite("barrier", barrier): np.full(np.size(t), v))  # noqa: B008 (checked once, bound)
    f_fn = tilt if callable(tilt) else (lambda t, v=check_finite("tilt", tilt): np.full(np.size(t), v))  # noqa: B008 (checked once, bound)
    probe = np.linspace(0.0, duration, 257)
    eb = np.broadcast_to(np.asarray(eb_fn(probe), dtype=float), probe.shape)
    if not np.all(np.isfinite(eb)) or np.any(eb < 0):
        raise ParameterError(f"barrier(t) reaches {float(np.nanmin(eb))!r} on [0, {duration}]; allowed: finite and >= 0")
    return Protocol(name, duration,
                    lambda t: _double_well_coeffs(np.broadcast_to(eb_fn(np.asarray(t, dtype=float)), np.shape(t)),
                                                  a, np.broadcast_to(f_fn(np.asarray(t, dtype=float)), np.shape(t))),
                    {"a": a, "duration": duration})


# ----------------------------------------------------------------------------------------------
# Erasure of one bit in a double well
# ----------------------------------------------------------------------------------------------

def erasure(*, barrier: float, tau: float, tilt: float, a: float = 1.0) -> Protocol:
    """Four-stage erasure to the right well, each stage lasting ``tau / 4``.

    ``U(x, t) = E0 [(x/a)**4 - 2 g(t) (x/a)**2] - f(t) x / a`` with
    (1) ``g: 1 -> 0`` (barrier ``E0 g**2`` lowered), (2) ``f: 0 -> tilt``,
    (3) ``g: 0 -> 1`` (barrier raised while tilted), (4) ``f: tilt -> 0``.
    Start and end potentials coincide (a symmetric double well of barrier
    ``E0`` and minima at ``+-a``), so the free energy change is only the
    entropy of the stored bit: the mean work is at least
    ``kT [ln 2 + p ln p + (1-p) ln(1-p)]`` for success probability ``p``
    (Landauer 1961; Bérut et al. 2012; Jun, Gavrilov & Bechhoefer 2014,
    whose protocol this follows) and tends to it as ``tau`` grows, provided
    the final barrier holds the bit over the protocol (``E0`` large); the bound is
    :func:`limbound.physics.thermo.landauer_bound_kT`.
    """
    E0 = check_positive("barrier", barrier)
    tau = check_positive("tau", tau)
    fm = check_finite("tilt", tilt)
    a = check_positive("a", a)

    def coeffs(t: ArrayLike) -> np.ndarray:
        s = np.clip(np.asarray(t, dtype=float) / (tau / 4.0), 0.0, 4.0)
        g = np.where(s < 1, 1.0 - s, np.where(s < 2, 0.0, np.where(s < 3, s - 2.0, 1.0)))
        f = np.where(s < 1, 0.0, np.where(s < 2, (s - 1.0) * fm, np.where(s < 3, fm, (4.0 - s) * fm)))
        c = np.zeros((s.size, 5))
        c[:, 1] = -f / a
        c[:, 2] = -2.0 * E0 * g / a**2
        c[:, 4] = E0 / a**4
        return c

    return Protocol("erasure", tau, coeffs, {"barrier_kT": E0, "tau": tau, "tilt_kT": fm, "a": a})


def sample_boltzmann(U: Callable[[np.ndarray], np.ndarray], n: int, rng: np.random.Generator, *,
                     lo: float, hi: float, kT: float = 1.0, grid: int = 200001) -> np.ndarray:
    """``n`` positions from ``exp(-U/kT)`` on ``[lo, hi]`` by inverse transform on a fine grid (linear interpolation)."""
    x = np.linspace(lo, hi, grid)
    u = U(x)
    w = np.exp(-(u - u.min()) / kT)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    return np.interp(rng.random(int(n)), cdf, x)
