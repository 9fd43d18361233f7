"""Thermally activated hops of a memory element (THEORY §1).

The rates every simulator and per-operation estimate is built on; derivation
in ``docs/theory.md`` §1.  Energies are in units of kT (dimensionless) unless
the name ends in ``_J``.

References
----------
S. Arrhenius (1889); H. A. Kramers, Physica 7, 284 (1940); P. Hänggi,
P. Talkner & M. Borkovec, Rev. Mod. Phys. 62, 251 (1990).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import F0_DEFAULT_HZ
from ..errors import check_finite, check_positive, check_probability


def arrhenius_rate(barrier_kT: ArrayLike, f0_hz: ArrayLike = F0_DEFAULT_HZ) -> float | NDArray[np.float64]:
    """Escape rate over a barrier, ``r = f0 exp(-E_b/kT)`` in 1/s.

    Example
    -------
    >>> float(arrhenius_rate(0.0, 1e9))
    1000000000.0
    """
    f0 = check_positive("f0_hz", f0_hz)
    return f0 * np.exp(-check_finite("barrier_kT", barrier_kT))


def dwell_time_s(barrier_kT: float, f0_hz: float) -> float:
    """Mean dwell time in a well, ``1/r = exp(E_b/kT) / f0`` in s (THEORY §1, the Arrhenius rate inverted).

    The duration of one sweep of the LIM Ising machine (THEORY §6; :mod:`limbound.solvers.ising`): one
    attempt per memory, all memories in parallel.  Scalars (``math.exp``); an ``OverflowError`` beyond the
    double range (``E_b > 709.78``), which :func:`limbound.solvers.ising.check_time_scale` refuses first.

    Example
    -------
    >>> dwell_time_s(0.0, 1e9)
    1e-09
    """
    return math.exp(barrier_kT) / f0_hz


def tilted_rates(barrier_kT: ArrayLike, tilt_kT: ArrayLike,
                 f0_hz: ArrayLike = F0_DEFAULT_HZ) -> tuple[float | NDArray[np.float64], float | NDArray[np.float64]]:
    """Forward and backward rates under a tilt ``D`` per level, barrier top midway.

    ``r+ = f0 exp(-(E_b - D/2)/kT)``, ``r- = f0 exp(-(E_b + D/2)/kT)``, so that
    ``r+/r- = exp(D/kT)`` (local detailed balance).

    Returns
    -------
    (r_plus, r_minus) : rates in 1/s

    Example
    -------
    >>> r_plus, r_minus = tilted_rates(10.0, 2.0, 1e9)
    >>> round(float(r_plus / r_minus), 6) == round(float(np.exp(2.0)), 6)
    True
    """
    f0 = check_positive("f0_hz", f0_hz)
    eb = check_finite("barrier_kT", barrier_kT)
    d = check_finite("tilt_kT", tilt_kT)
    return f0 * np.exp(-(eb - d / 2.0)), f0 * np.exp(-(eb + d / 2.0))


def retention_barrier_kT(retention_s: ArrayLike, d_ret: ArrayLike,
                         f0_hz: ArrayLike = F0_DEFAULT_HZ) -> float | NDArray[np.float64]:
    """Barrier that keeps a value over ``retention_s`` with failure probability ``d_ret``.

    ``E_ret = kT ln(f0 T_ret / d_ret)`` (from ``r(E_b) T_ret <= d_ret``).

    Example
    -------
    Ten Julian years, ``d_ret = 1e-6``, ``f0 = 1e9``: 54.11 kT (THEORY §1).

    >>> round(float(retention_barrier_kT(10 * 365.25 * 86400, 1e-6, 1e9)), 2)
    54.11
    """
    t = check_positive("retention_s", retention_s)
    d = check_probability("d_ret", d_ret)
    f0 = check_positive("f0_hz", f0_hz)
    return np.log(f0 * t) - np.log(d)
