"""Per-element random streams for numba kernels (reproducible whatever the thread count).

Every particle or memory owns one 64-bit SplitMix64 state (Steele, Lea &
Flood, OOPSLA 2014; the generator seeding ``xoshiro`` in Vigna's reference
code, passes BigCrush).  Starting states are themselves drawn by hashing
``(seed, index)``, so the streams of different elements start at unrelated
points of the 2**64 cycle and a kernel run with ``prange`` gives the same
numbers on 1 or 64 threads.  Normal deviates use the ziggurat method (Marsaglia & Tsang 2000, in
Doornik's ZIGNOR form, 2005); Poisson deviates by multiplication of uniforms (small means) or
Hörmann's PTRS (1993).  These are the "explicit RNG, no global state" of DESIGN.md (diffrax habit),
used by the Langevin, splitting and memory-array kernels (THEORY §7).

A state is a ``np.uint64``; every ``next_*`` returns the advanced state first.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(inline="always", cache=True)
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 output function (a bijective 64-bit hash)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def next_u01(state: np.uint64) -> tuple[np.uint64, float]:
    """Advance ``state``; return ``(new_state, u)`` with ``u`` uniform on (0, 1]."""
    state = state + _GOLDEN
    u = ((mix64(state) >> _S11) + np.uint64(1)) * _TWO_M53
    return state, u


@njit(inline="always", cache=True)
def next_u01_mid(state: np.uint64) -> tuple[np.uint64, float]:
    """Advance ``state``; return ``(new_state, u)``, ``u = (k + 1/2) 2**-53`` uniform on (0, 1].

    ``k`` is the top 53 bits of the output.  The sum is rounded to a double,
    so above ``k = 2**52`` the half rounds to even and ``k = 2**53 - 1`` gives
    ``u = 1`` exactly (probability ``2**-53``); ``u`` is never 0.  (The
    Ising kernel's acceptance draws; :func:`next_u01` is ``(k + 1) 2**-53``.)
    """
    state = state + _GOLDEN
    u = (np.float64(mix64(state) >> _S11) + 0.5) * _TWO_M53
    return state, u


def _zignor_tables(n: int = 128, r: float = 3.442619855899,
                   v: float = 9.91256303526217e-3) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Layer edges ``x`` and ratios ``x[i+1]/x[i]`` of the 128-layer ziggurat (Doornik 2005, zigNorInit)."""
    x = np.empty(n + 1)
    f = np.exp(-0.5 * r * r)
    x[0] = v / f
    x[1] = r
    x[n] = 0.0
    for i in range(2, n):
        x[i] = np.sqrt(-2.0 * np.log(v / x[i - 1] + f))
        f = np.exp(-0.5 * x[i] * x[i])
    return x, x[1:] / x[:-1]


_ZIG_X, _ZIG_R = _zignor_tables()
_ZIG_TAIL = 3.442619855899
_M7 = np.uint64(127)


@njit(inline="always", cache=True)
def next_normal(state: np.uint64) -> tuple[np.uint64, float]:
    """Advance ``state``; return ``(new_state, g)`` with ``g`` ~ N(0, 1), exactly.

    Ziggurat of 128 layers (Marsaglia & Tsang, J. Stat. Softw. 5(8) (2000);
    Doornik, "An improved ziggurat method", 2005): one 64-bit draw gives the
    layer (low 7 bits) and the abscissa (top 53 bits); 98.8% of draws return
    after one multiply and compare; wedges and the tail (beyond 3.4426) are
    sampled exactly by rejection.
    """
    while True:
        state = state + _GOLDEN
        z = mix64(state)
        i = np.int64(z & _M7)
        u = 2.0 * ((z >> _S11) * _TWO_M53) - 1.0
        if abs(u) < _ZIG_R[i]:
            return state, u * _ZIG_X[i]
        if i == 0:
            while True:
                state, u1 = next_u01(state)
                state, u2 = next_u01(state)
                xt = np.log(u1) / _ZIG_TAIL
                yt = np.log(u2)
                if -2.0 * yt >= xt * xt:
                    break
            return state, (xt - _ZIG_TAIL) if u < 0 else (_ZIG_TAIL - xt)
        xx = u * _ZIG_X[i]
        f0 = np.exp(-0.5 * (_ZIG_X[i] * _ZIG_X[i] - xx * xx))
        f1 = np.exp(-0.5 * (_ZIG_X[i + 1] * _ZIG_X[i + 1] - xx * xx))
        state, u3 = next_u01(state)
        if f1 + u3 * (f0 - f1) < 1.0:
            return state, xx


@njit(inline="always", cache=True)
def next_u01_open(state: np.uint64) -> tuple[np.uint64, float]:
    """Advance ``state``; return ``(new_state, u)`` with ``u = 1 - next_u01`` uniform on [0, 1) (as ``np.random.random``)."""
    state, u = next_u01(state)
    return state, 1.0 - u


@njit(cache=True)
def next_poisson(state: np.uint64, lam: float) -> tuple[np.uint64, np.int64]:
    """Advance ``state``; return ``(new_state, k)`` with ``k`` ~ Poisson(``lam``), exactly (``lam >= 0``).

    ``lam < 10``: the product of uniforms (Knuth, TAOCP vol. 2, §3.4.1 F): ``k``
    is the number of factors before the product drops to ``exp(-lam)`` or below.
    ``lam >= 10``: transformed rejection with squeeze, PTRS (W. Hörmann, "The
    transformed rejection method for generating Poisson random variables",
    Insurance: Math. Econ. 12, 39 (1993)); the constants are the paper's (as in
    numpy's ``random_poisson_ptrs``).
    """
    if lam <= 0.0:
        return state, np.int64(0)
    if lam < 10.0:
        lim = math.exp(-lam)
        k = np.int64(0)
        state, p = next_u01(state)
        while p > lim:
            k += 1
            state, u = next_u01(state)
            p *= u
        return state, k
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        state, u = next_u01_open(state)
        u -= 0.5
        state, v = next_u01(state)
        us = 0.5 - abs(u)
        if us <= 0.0:  # u = -1/2 (probability 2**-53): the transform is singular there; draw again
            continue
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return state, np.int64(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - math.lgamma(k + 1.0):
            return state, np.int64(k)


@njit(cache=True)
def poissons(seed: int, lam: float, n: int) -> NDArray[np.int64]:
    """``n`` Poisson(``lam``) deviates from one stream (for tests of the generator)."""
    out = np.empty(n, dtype=np.int64)
    s = np.uint64(seed)
    for k in range(n):
        s, out[k] = next_poisson(s, lam)
    return out


@njit(cache=True)
def normals(seed: int, n: int) -> NDArray[np.float64]:
    """``n`` N(0,1) deviates from one stream (for tests of the generator)."""
    out = np.empty(n)
    s = np.uint64(seed)
    for k in range(n):
        s, out[k] = next_normal(s)
    return out


@njit(cache=True)
def _stream_states(seed: np.uint64, n: int, out: NDArray[np.uint64]) -> NDArray[np.uint64]:
    base = mix64(np.uint64(seed) + _GOLDEN)
    for i in range(n):
        out[i] = mix64(base ^ mix64(np.uint64(i) * _GOLDEN + _M2))
    return out


def stream_states(seed: int, n: int) -> NDArray[np.uint64]:
    """``n`` independent SplitMix64 starting states for ``seed`` (uint64 array, one per element)."""
    out = np.empty(int(n), dtype=np.uint64)
    return _stream_states(np.uint64(int(seed) % (2**64)), int(n), out)
