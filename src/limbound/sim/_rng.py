"""Per-element random streams for numba kernels (reproducible whatever the thread count).

Every particle or memory owns one 64-bit SplitMix64 state (Steele, Lea &
Flood, OOPSLA 2014; the generator seeding ``xoshiro`` in Vigna's reference
code, passes BigCrush).  Starting states are themselves drawn by hashing
``(seed, index)``, so the streams of different elements start at unrelated
points of the 2**64 cycle and a kernel run with ``prange`` gives the same
numbers on 1 or 64 threads.  Normal deviates use Marsaglia's polar method.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0
_TWO_PI = 2.0 * np.pi


@njit(inline="always", cache=True)
def mix64(z):
    """SplitMix64 output function (a bijective 64-bit hash)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def next_u01(state):
    """Advance ``state``; return ``(new_state, u)`` with ``u`` uniform on (0, 1]."""
    state = state + _GOLDEN
    u = ((mix64(state) >> _S11) + np.uint64(1)) * _TWO_M53
    return state, u


@njit(inline="always", cache=True)
def next_normal_pair(state):
    """Advance ``state``; return ``(new_state, g1, g2)``, two independent N(0,1) deviates.

    Marsaglia's polar method (Marsaglia & Bray, SIAM Rev. 6, 260 (1964)):
    exact, one log and one square root per pair, acceptance pi/4.
    """
    while True:
        state, u1 = next_u01(state)
        state, u2 = next_u01(state)
        v1 = 2.0 * u1 - 1.0
        v2 = 2.0 * u2 - 1.0
        r = v1 * v1 + v2 * v2
        if r < 1.0 and r > 0.0:
            break
    f = np.sqrt(-2.0 * np.log(r) / r)
    return state, v1 * f, v2 * f


@njit(cache=True)
def _stream_states(seed, n, out):
    base = mix64(np.uint64(seed) + _GOLDEN)
    for i in range(n):
        out[i] = mix64(base ^ mix64(np.uint64(i) * _GOLDEN + _M2))
    return out


def stream_states(seed: int, n: int) -> np.ndarray:
    """``n`` independent SplitMix64 starting states for ``seed`` (uint64 array, one per element)."""
    out = np.empty(int(n), dtype=np.uint64)
    return _stream_states(np.uint64(int(seed) % (2**64)), int(n), out)
