"""Learning-in-memory: the barrier is modulated so that updates follow the optimizer (THEORY §2b).

All energies in units of kT unless the name ends in ``_J``.

Derivation in ``docs/theory.md`` §2b.  In short: a parameter moves one level
along the tilt ``D`` the optimizer asks for; local detailed balance makes the
direction right with probability ``1 - eps`` when ``D = ln((1-eps)/eps)``, and
each level of net progress releases ``D`` as heat (C. H. Bennett, Int. J.
Theor. Phys. 21, 905 (1982): dissipation per net step of a biased walk is
``kT ln(r+/r-)``).  The barrier is then set as high as the update speed allows.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..deprecation import renamed_keywords
from ..errors import check_bits, check_positive, check_probability


def precision_eps(bits: ArrayLike) -> float | NDArray[np.float64]:
    """Default error probability of one update for ``b``-bit precision, ``eps = 2**-(b+1)``.

    With it the stationary probability of the optimal level in a V-shaped
    landscape is ``tanh(D/2) = 1 - 2**-b``.

    >>> float(precision_eps(4))
    0.03125
    """
    return np.exp2(-(np.asarray(check_bits(bits), dtype=float) + 1.0))


def precision_tilt_kT(eps: ArrayLike) -> float | NDArray[np.float64]:
    """Tilt that makes one update right with probability ``1 - eps``: ``ln((1-eps)/eps)``.

    One bit (``eps = 1/4``) needs ``ln 3`` kT:

    >>> round(float(precision_tilt_kT(0.25)), 6)
    1.098612
    """
    e = check_probability("eps", eps)
    return np.log1p(-e) - np.log(e)


def speed_tilt_kT(f0_dt: ArrayLike) -> float | NDArray[np.float64]:
    """Tilt needed at zero barrier to drift one level per ``dt``: ``2 arcsinh(1/(2 f0 dt))``.

    At ``f0 dt = 1`` the net drift ``2 f0 sinh(D/2)`` must equal ``1/dt``, so ``D = 2 arcsinh(1/2)``:

    >>> round(float(speed_tilt_kT(1.0)), 6)
    0.962424
    """
    x = check_positive("f0*dt", f0_dt)
    return 2.0 * np.arcsinh(0.5 / x)


def lim_tilt_kT(bits: ArrayLike, dt_s: ArrayLike, f0_hz: ArrayLike = F0_DEFAULT_HZ, *,
                eps: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """LIM energy per level of net progress, ``D = max(D_prec, D_speed)`` in kT.

    Reference values (THEORY §5): b=16, dt=1 us: 11.783; dt=1 ps: 13.82;
    b=4, dt=1 us: 3.434; b=1: 1.0986 (= ln 3).

    >>> round(float(lim_tilt_kT(16, 1e-6)), 3)
    11.783
    """
    e = precision_eps(bits) if eps is None else eps
    f0_dt = check_positive("f0_hz", f0_hz) * check_positive("dt_s", dt_s)
    return np.maximum(precision_tilt_kT(e), speed_tilt_kT(f0_dt))


def annealing_lam(grad: NDArray[np.float64], tilt_kT: float, delta: float, *, fallback: ArrayLike) -> NDArray[np.float64]:
    """``lam`` (kT per unit of the objective) of the annealing rule, one per row of ``grad`` (a read).

    THEORY §6: memory ``i`` is tilted by ``lam (f(x + step_i) - f(x)) ~ lam g_i delta``; ``lam`` is set so that
    the typical tilt per level is the precision tilt ``D``: ``lam = D / (delta rms(g))``, ``rms`` over the
    row.  Where ``rms(g) = 0`` (nothing pulls) the caller's ``fallback``.

    >>> annealing_lam(np.array([[3.0, -4.0], [0.0, 0.0]]), 2.0, 0.5, fallback=0.0).tolist()
    [1.131370849898476, 0.0]
    """
    rms = np.sqrt(np.mean(grad * grad, axis=1))
    return np.where(rms > 0, tilt_kT / (delta * np.where(rms > 0, rms, 1.0)), fallback)


def _log_sinh(x: ArrayLike) -> NDArray[np.float64]:
    """``ln(sinh(x))`` for ``x > 0`` without overflow."""
    return x + np.log1p(-np.exp(-2.0 * x)) - np.log(2.0)


def lim_barrier_kT(bits: ArrayLike, dt_s: ArrayLike, f0_hz: ArrayLike = F0_DEFAULT_HZ, *,
                   eps: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """LIM barrier ``E_b* = ln(2 f0 dt sinh(D/2))`` in kT: the highest that still drifts one level per ``dt``.

    It is >= 0 by construction (``D >= D_speed``) and rises as updates slow
    down: consolidation in place.

    >>> round(float(lim_barrier_kT(16, 1e-6)), 2)
    12.8
    """
    d = lim_tilt_kT(bits, dt_s, f0_hz, eps=eps)
    f0_dt = f0_hz * np.asarray(dt_s, dtype=float)
    return np.maximum(np.log(2.0 * f0_dt) + _log_sinh(d / 2.0), 0.0)


@renamed_keywords(T_K="temperature_K")
def lim_per_op_J(bits: ArrayLike, dt_s: ArrayLike, temperature_K: ArrayLike = T_DEFAULT_K, *,
                 f0_hz: ArrayLike = F0_DEFAULT_HZ, eps: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """LIM energy per operation in joules, ``e_LIM = D kT``.

    >>> round(float(lim_per_op_J(1, 1.0, 300.0) / kT(300.0)), 6)   # one bit: ln 3
    1.098612
    """
    return lim_tilt_kT(bits, dt_s, f0_hz, eps=eps) * kT(temperature_K)
