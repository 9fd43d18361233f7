"""Floors of THEORY §8 (physics/floors.py): exact values by hand, and floor <= exact mean heat on random
master-equation problems (sim/master.py + an independent activity integral), with mutants that must fail."""
import math

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.stats import wasserstein_distance

from limbound.constants import kT
from limbound.errors import ParameterError
from limbound.physics import floors
from limbound.sim import master

KT = 1.380649e-23 * 300.0  # exact SI k_B times 300 K, typed here independently of constants.py


def test_jump_floor_by_hand():
    # 0.5 nat removed, W1 = 3 levels, A = 9 hops: kT (0.5 + 2 * 9 / 9) = 2.5 kT
    assert floors.jump_floor_J(entropy_drop_nats=0.5, w1=3.0, activity=9.0) == pytest.approx(2.5 * KT, rel=1e-12)
    # entropy may increase (negative drop): the floor can be negative
    assert floors.jump_floor_J(entropy_drop_nats=-1.0, w1=0.0, activity=0.0) == pytest.approx(-KT, rel=1e-12)
    with pytest.raises(ParameterError):
        floors.jump_floor_J(entropy_drop_nats=0.0, w1=1.0, activity=0.0)


def test_segmented_floor_never_below_one_interval_and_sees_back_and_forth():
    rng = np.random.default_rng(3)
    for _ in range(50):
        w = rng.uniform(0, 5, 6)
        a = rng.uniform(1, 20, 6)
        seg = floors.jump_floor_segmented_J(entropy_drop_nats=0.0, w1_segments=w, activity_segments=a)
        one = floors.jump_floor_J(entropy_drop_nats=0.0, w1=w.sum(), activity=a.sum())
        assert seg >= one * (1 - 1e-12)
    # 10 levels up then 10 down, 10 hops each: one interval W1 = 0, segmented 2 (100/10) * 2 = 40 kT
    assert floors.jump_floor_segmented_J(entropy_drop_nats=0.0, w1_segments=[10, 10],
                                         activity_segments=[10, 10]) == pytest.approx(40 * KT, rel=1e-12)


def test_memory_shift_floor_matches_enumerated_transport():
    # W1(uniform over M levels, best single level) by scipy, A = 2 f0 tau: the closed form M^2/(16 f0 tau)
    for b in (1, 2, 4, 6):
        M = 2 ** b
        w1 = min(wasserstein_distance(np.arange(M), [c]) for c in range(M))
        f0, tau = 1e9, 3e-9
        direct = KT * (b * math.log(2) + 2 * w1 ** 2 / (2 * f0 * tau))
        assert floors.memory_shift_floor_J(bits=b, f0_hz=f0, tau_s=tau) == pytest.approx(direct, rel=1e-12)


def test_workload_floors_brain_scale_by_hand():
    # THEORY §8a: N b kT ln 2 = 4.6e-5 J at brain scale (1e15 parameters, 16 bits)
    f = floors.workload_floors(params=1e15, bits=16, f0_hz=1e9, tau_s=30 * 86400.0)
    assert f["second_law_J"] == pytest.approx(1e15 * 16 * KT * math.log(2), rel=1e-12)
    assert f["second_law_J"] == pytest.approx(4.6e-5, rel=0.01)
    assert f["speed_J"] == pytest.approx(1e15 * KT * 2.0 ** 32 / (16 * 1e9 * 30 * 86400.0), rel=1e-12)
    assert f["total_J"] == pytest.approx(f["second_law_J"] + f["speed_J"], rel=1e-15)


def test_langevin_floor_attained_by_schmiedl_seifert_heat():
    # THEORY §8b: the optimal trap drag releases Q* = gamma L^2 tau / (tau + 2 gamma/k)^2 = gamma x_tau^2 / tau
    gamma, k, L, tau = 2.0, 1.5, 3.0, 0.7
    x_tau = L * tau / (tau + 2 * gamma / k)
    q_star = gamma * L ** 2 * tau / (tau + 2 * gamma / k) ** 2
    assert floors.langevin_floor_J(entropy_increase_nats=0.0, w2_m=x_tau, gamma_kg_per_s=gamma,
                                   tau_s=tau) == pytest.approx(q_star, rel=1e-12)
    # entropy increase lowers it by kT per nat
    assert floors.langevin_floor_J(entropy_increase_nats=1.0, w2_m=0.0, gamma_kg_per_s=1.0, tau_s=1.0) == pytest.approx(-KT)


def _exact_case(seed):
    """A random one-segment relaxation of one memory: exact heat, entropy drop, W1 and activity."""
    rng = np.random.default_rng(seed)
    M = int(rng.integers(2, 7))
    U = rng.normal(0, 3, M)
    eb = float(rng.uniform(0, 3))
    T = float(10 ** rng.uniform(-1, 1.5))
    p0 = rng.dirichlet(np.ones(M))
    res = master.solve(p0, [(T, U, eb)], f0_hz=1.0)
    R = master.rate_matrix(U, eb, 1.0)
    blk = np.zeros((2 * M, 2 * M))  # int_0^T p(s) ds by Van Loan, for the activity (not in master.py)
    blk[:M, :M] = R.T
    blk[:M, M:] = np.eye(M)
    A = float((expm(blk * T)[:M, M:] @ p0) @ (-np.diag(R)))
    S = lambda p: -float(np.sum(p[p > 0] * np.log(p[p > 0])))  # noqa: E731
    w1 = wasserstein_distance(np.arange(M), np.arange(M), p0, res.p_end)
    return res.mean_heat_kT, S(p0) - S(res.p_end), w1, A


def _violations(floor_fn, seeds=range(200)):
    out = 0
    for s in seeds:
        q, ds, w1, a = _exact_case(s)
        if floor_fn(ds, w1, a) > q + 1e-9:
            out += 1
    return out


def _library(ds, w1, a):
    return floors.jump_floor_J(entropy_drop_nats=ds, w1=w1, activity=a) / kT()


def test_jump_floor_below_exact_master_heat_on_200_random_problems():
    assert _violations(_library) == 0


@pytest.mark.parametrize("mutant", [
    lambda ds, w1, a: -ds + 2 * w1 ** 2 / a,      # entropy term with the wrong sign
    lambda ds, w1, a: ds + 4 * w1 ** 2 / a,       # transport term doubled
    lambda ds, w1, a: ds + 2 * w1 / a ** 0.5 * w1 ** 0.5 * 3,  # wrong power
])
def test_mutant_jump_floor_exceeds_exact_heat(mutant):
    assert _violations(mutant) > 0
