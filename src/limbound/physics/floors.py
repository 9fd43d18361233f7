"""Floors: energies no protocol can beat (THEORY §8).  One function per formula, SI units, keyword-only.

A *floor* is a theorem: no protocol of memories obeying local detailed
balance, without feedback, dissipates less heat on average.  (The paper's
per-operation figures of :mod:`.lim`, :mod:`.static`, :mod:`.landauer` are
*estimates* of one protocol class, THEORY §8 table.)  Derivations in
``docs/theory.md`` §8; the estimators that make the inputs conservative from
samples are in :mod:`limbound.stats`.

* :func:`jump_floor_J` -- memories that hop (Markov jump processes), §8a:
  ``Q >= kT [S(p_0) - S(p_tau)] + 2 kT W1(p_0, p_tau)^2 / A_tau``
  (Shiraishi, Funo & Saito, PRL 121, 070601 (2018); Vo, Van Vu & Hasegawa,
  J. Phys. A 53, 405004 (2020); Van Vu & Hasegawa, PRX 13, 011013 (2023));
* :func:`jump_floor_segmented_J` -- the same on a partition of time (and/or of
  the edges by memory), never below the one-interval form;
* :func:`langevin_floor_J` -- continuous memories (overdamped Langevin), §8b:
  ``Q >= -kT [S(rho_tau) - S(rho_0)] + gamma W2^2 / tau`` (Benamou & Brenier
  2000; Aurell, Mejía-Monasterio & Muratore-Ginanneschi, PRL 106, 250601 (2011);
  Nakazato & Ito, PRR 3, 043093 (2021));
* :func:`memory_shift_floor_J` -- one b-bit memory from uniform to one level in
  ``tau``: ``kT [b ln 2 + M^2 / (16 f0 tau)]`` (§8a, last paragraph);
* :func:`second_law_workload_floor_J`, :func:`speed_workload_floor_J`,
  :func:`workload_floors` -- the same for ``N`` memories of a workload (§8a).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import T_DEFAULT_K, kT
from ..deprecation import renamed_keywords
from ..errors import ParameterError, check_bits, check_positive


def _finite(name: str, value: ArrayLike) -> float | NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name}={value!r} is not finite; allowed: a finite number")
    return float(arr) if arr.ndim == 0 else arr


def _out(x: ArrayLike) -> float | NDArray[np.float64]:
    """A float for scalar input, an array otherwise."""
    a = np.asarray(x, dtype=float)
    return float(a) if a.ndim == 0 else a


def transport_term_kT(w1: ArrayLike, activity: ArrayLike) -> NDArray[np.float64]:
    """The speed term of the jump floor in kT, ``2 W1^2 / A`` per interval (elementwise, THEORY §8a); 0 where nothing
    moves, refused where ``W1 > 0`` with ``A = 0``."""
    w = check_positive("w1", w1, allow_zero=True)
    a = check_positive("activity", activity, allow_zero=True)
    w, a = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(a, dtype=float))
    if np.any((a == 0) & (w > 0)):
        raise ParameterError("activity=0 with w1 > 0: no hop cannot transport anything; allowed: activity > 0 where w1 > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, 2.0 * w * w / np.where(a > 0, a, 1.0), 0.0)


@renamed_keywords(T_K="temperature_K")
def jump_floor_J(*, entropy_drop_nats: float, w1: float, activity: float, temperature_K: float = T_DEFAULT_K) -> float:
    """Finite-time floor of a hopping memory (THEORY §8a), ``kT [S_0 - S_tau] + 2 kT W1^2 / A_tau`` in J.

    Parameters
    ----------
    entropy_drop_nats : ``S(p_0) - S(p_tau)`` in nats; use a *lower* estimate (exact ``S_0`` minus an upper
        estimate of ``S_tau``, :mod:`limbound.stats`); may be negative
    w1 : ``W1(p_0, p_tau)`` in hops (graph distance); use a *lower* estimate
    activity : ``A_tau``, expected number of hops (all memories, both directions) in ``[0, tau]``; use an
        *upper* estimate (counted hops + margin, or ``N z f0 tau``)

    Derivation (docs/theory.md §8a): per edge ``(x - y) ln(x/y) >= 2 (x - y)^2 / (x + y)``; Cauchy-Schwarz over
    edges and time; the time-integrated net flux carries ``p_0`` to ``p_tau`` so its L1 norm is at least ``W1``.

    Example
    -------
    One memory, 1 nat removed, moved 4 levels with 16 hops: ``kT (1 + 2 * 16 / 16) = 3 kT``.

    >>> round(jump_floor_J(entropy_drop_nats=1.0, w1=4.0, activity=16.0) / kT(300.0), 12)
    3.0
    """
    s = _finite("entropy_drop_nats", entropy_drop_nats)
    return kT(temperature_K) * (s + float(transport_term_kT(w1, activity)))


@renamed_keywords(T_K="temperature_K")
def jump_floor_segmented_J(*, entropy_drop_nats: float, w1_segments: ArrayLike, activity_segments: ArrayLike,
                           temperature_K: float = T_DEFAULT_K) -> float:
    """Segmented floor (THEORY §8a), ``kT [S_0 - S_tau] + 2 kT sum_k W1_k^2 / A_k`` in J.

    The segments are any partition fixed before the run: intervals of time (e.g. one per update), and within
    each interval the edges grouped by the memory that hops (the flux of memory ``i``'s edges carries memory
    ``i``'s marginal, so ``W1_k`` may be that marginal's W1 and ``A_k`` that memory's hops).  Entropy
    changes telescope, so only the end points enter the entropy term.  By Cauchy-Schwarz the sum is never
    below ``2 (sum_k W1_k)^2 / sum_k A_k``, the one-interval form.

    Parameters
    ----------
    entropy_drop_nats : lower estimate of ``S(p_0) - S(p_tau)`` (nats)
    w1_segments : array, lower estimates of ``W1`` per segment (hops)
    activity_segments : array of the same shape, upper estimates of the hops per segment

    Example
    -------
    A walk of 8 levels there and 8 back, 8 hops each way: the one-interval transport term is 0, the two
    segments give ``2 (64/8 + 64/8) = 32`` kT.

    >>> round(jump_floor_segmented_J(entropy_drop_nats=0.0, w1_segments=[8, 8], activity_segments=[8, 8]) / kT(), 9)
    32.0
    """
    s = _finite("entropy_drop_nats", entropy_drop_nats)
    w = np.asarray(w1_segments, dtype=float)
    a = np.asarray(activity_segments, dtype=float)
    if w.shape != a.shape:
        raise ParameterError(f"w1_segments has shape {w.shape}, activity_segments {a.shape}; allowed: equal shapes")
    return kT(temperature_K) * (s + float(np.sum(transport_term_kT(w, a)))) if w.size else kT(temperature_K) * s


@renamed_keywords(T_K="temperature_K")
def langevin_floor_J(*, entropy_increase_nats: ArrayLike, w2_m: ArrayLike, gamma_kg_per_s: ArrayLike, tau_s: ArrayLike,
                     temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Finite-time floor of an overdamped continuous memory (THEORY §8b), ``-kT dS + gamma W2^2 / tau`` in J.

    Parameters
    ----------
    entropy_increase_nats : ``S(rho_tau) - S(rho_0)`` (differential entropies, nats); use an *upper* estimate
    w2_m : ``W2(rho_0, rho_tau)`` in metres; use a *lower* estimate (:func:`limbound.stats.w2_sorted`)
    gamma_kg_per_s : friction coefficient; tau_s : duration of the protocol

    Equality for the optimal protocol between the same end distributions (Benamou-Brenier): the
    Schmiedl-Seifert trap drag attains it in heat, ``Q* = gamma x_tau^2 / tau`` (THEORY §8b).

    Example
    -------
    A point mass moved 1 nm in 1 us with gamma = 1e-8 kg/s: ``1e-8 * 1e-18 / 1e-6 = 1e-20`` J.

    >>> f"{langevin_floor_J(entropy_increase_nats=0.0, w2_m=1e-9, gamma_kg_per_s=1e-8, tau_s=1e-6):.6g}"
    '1e-20'
    """
    ds = _finite("entropy_increase_nats", entropy_increase_nats)
    w2 = check_positive("w2_m", w2_m, allow_zero=True)
    g = check_positive("gamma_kg_per_s", gamma_kg_per_s)
    tau = check_positive("tau_s", tau_s)
    return -kT(temperature_K) * ds + g * w2 * w2 / tau


@renamed_keywords(T_K="temperature_K")
def memory_shift_floor_J(*, bits: ArrayLike, f0_hz: ArrayLike, tau_s: ArrayLike,
                         temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """One b-bit memory from uniform over ``M = 2**b`` levels to one level in ``tau`` (THEORY §8a), in J.

    ``S_0 - S_tau = b ln 2``, ``W1 >= M/4`` (the mean distance of a uniform level to the best target level
    is ``M/4`` for even ``M``), ``A <= 2 f0 tau`` (two neighbours, every hop rate at most ``f0``), so

        Q_floor = kT [b ln 2 + M^2 / (16 f0 tau)]

    Example
    -------
    b = 16, f0 = 1e9 /s: the speed term equals the entropy term near ``tau = 24 ms`` (THEORY §8a).

    >>> tau = 2.0**32 / (16e9 * 16 * math.log(2))
    >>> round(memory_shift_floor_J(bits=16, f0_hz=1e9, tau_s=tau) / (kT() * 16 * math.log(2)), 9), round(tau * 1e3, 1)
    (2.0, 24.2)
    """
    b = np.asarray(check_bits(bits), dtype=float)
    f0 = check_positive("f0_hz", f0_hz)
    tau = check_positive("tau_s", tau_s)
    m = np.exp2(b)
    return _out(kT(temperature_K) * (b * math.log(2.0) + m * m / (16.0 * f0 * tau)))


@renamed_keywords(T_K="temperature_K")
def second_law_workload_floor_J(*, params: ArrayLike, bits: ArrayLike,
                                temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Entropy term for ``N`` memories known to ``b`` bits at the end, from uniform: ``N b kT ln 2`` (§2a, §8a).

    >>> round(second_law_workload_floor_J(params=1e15, bits=16) * 1e5, 2)
    4.59
    """
    n = check_positive("params", params)
    return _out(n * np.asarray(check_bits(bits), dtype=float) * kT(temperature_K) * math.log(2.0))


@renamed_keywords(T_K="temperature_K")
def speed_workload_floor_J(*, params: ArrayLike, bits: ArrayLike, f0_hz: ArrayLike, tau_s: ArrayLike,
                           temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Speed term for ``N`` memories in time ``tau`` (§8a): ``N kT M^2 / (16 f0 tau)``.

    From :func:`jump_floor_J` with ``W1 >= N M/4`` (sum of marginal W1) and ``A <= 2 N f0 tau``.

    One 1-bit memory (``M = 2``) in ``tau = 1/f0``: ``kT 4/16 = kT/4``.

    >>> round(speed_workload_floor_J(params=1, bits=1, f0_hz=1e9, tau_s=1e-9) / kT(), 12)
    0.25
    """
    n = check_positive("params", params)
    m = np.exp2(np.asarray(check_bits(bits), dtype=float))
    return _out(n * kT(temperature_K) * m * m / (16.0 * check_positive("f0_hz", f0_hz) * check_positive("tau_s", tau_s)))


@renamed_keywords(T_K="temperature_K")
def workload_floors(*, params: float, bits: int, f0_hz: float, tau_s: float, temperature_K: float = T_DEFAULT_K) -> dict:
    """The floors of a workload (THEORY §8a): ``{"second_law_J", "speed_J", "total_J"}`` plus their assumptions.

    One 1-bit memory in ``tau = 1/f0``: ``kT (ln 2 + 1/4)``.

    >>> fl = workload_floors(params=1, bits=1, f0_hz=1e9, tau_s=1e-9)
    >>> fl["kind"], round(fl["total_J"] / kT(), 6)
    ('floor', 0.943147)
    """
    s = float(second_law_workload_floor_J(params=params, bits=bits, temperature_K=temperature_K))
    v = float(speed_workload_floor_J(params=params, bits=bits, f0_hz=f0_hz, tau_s=tau_s, temperature_K=temperature_K))
    return {"kind": "floor", "second_law_J": s, "speed_J": v, "total_J": s + v,
            "assumptions": ["every parameter starts uniform over its 2**b levels and ends on one level",
                            "memories obey local detailed balance, no feedback; every hop rate at most f0",
                            "speed term: W1 >= N 2**b / 4 levels, hops <= 2 N f0 tau"],
            "sources": ["THEORY §8a", "Shiraishi, Funo & Saito, PRL 121, 070601 (2018)",
                        "Vo, Van Vu & Hasegawa, J. Phys. A 53, 405004 (2020)"]}


__all__ = ["jump_floor_J", "jump_floor_segmented_J", "transport_term_kT", "langevin_floor_J", "memory_shift_floor_J",
           "second_law_workload_floor_J", "speed_workload_floor_J", "workload_floors"]
