"""SplitMix64 streams of sim._rng against a pure-Python reference (Vigna's splitmix64.c)."""
import numba
import numpy as np

from limbound.sim._rng import mix64, next_u01, next_u01_mid

MASK = (1 << 64) - 1


def _splitmix64(state):
    """Reference: state += golden gamma; output = mix of the new state (Steele, Lea & Flood 2014)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


@numba.njit
def _draw(kernel, seed, n):
    out = np.empty(n)
    s = np.uint64(seed)
    for k in range(n):
        s, out[k] = kernel(s)
    return out


def test_reference_first_output_of_seed_zero():
    # the published first output of splitmix64 seeded with 0
    assert _splitmix64(0)[1] == 0xE220A8397B1DCDAF
    assert int(mix64(np.uint64(0x9E3779B97F4A7C15))) == 0xE220A8397B1DCDAF


def test_uniforms_are_the_reference_stream_mapped_to_53_bits():
    seed, n = 12345, 200
    s, ref_closed, ref_mid = seed, [], []
    for _ in range(n):
        s, z = _splitmix64(s)
        ref_closed.append(((z >> 11) + 1) * 2.0 ** -53)   # (0, 1]
        ref_mid.append((float(z >> 11) + 0.5) * 2.0 ** -53)  # (0, 1], midpoints rounded to double
    assert _draw(next_u01, seed, n).tolist() == ref_closed
    u = _draw(next_u01_mid, seed, n)
    assert u.tolist() == ref_mid
    assert np.all((u > 0.0) & (u <= 1.0))
