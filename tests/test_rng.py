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


def test_poisson_deviates_follow_the_poisson_law_on_both_branches():
    # exact law: mean = variance = lam, pmf lam^k e^-lam / k!; both branches (product of uniforms below 10, PTRS above)
    from scipy.stats import chisquare, poisson

    from limbound.sim._rng import poissons
    n = 200_000
    for lam in (0.0, 0.3, 4.0, 9.99, 10.0, 37.5, 2500.0):
        k = poissons(17, lam, n)
        if lam == 0.0:
            assert not k.any()
            continue
        assert abs(k.mean() - lam) < 5 * np.sqrt(lam / n)
        assert abs(k.var(ddof=1) - lam) < 5 * np.sqrt((lam + 2 * lam * lam) / n)
        lo, hi = int(poisson.ppf(1e-4, lam)), int(poisson.ppf(1 - 1e-4, lam))
        edges = np.arange(lo, hi + 1)
        obs = np.array([np.count_nonzero(k < lo)] + [np.count_nonzero(k == e) for e in edges]
                       + [np.count_nonzero(k > hi)])
        p = np.concatenate([[poisson.cdf(lo - 1, lam)], poisson.pmf(edges, lam), [poisson.sf(hi, lam)]])
        keep = p * n > 5
        exp = p[keep] * n
        assert chisquare(obs[keep], exp * obs[keep].sum() / exp.sum()).pvalue > 1e-6, lam
