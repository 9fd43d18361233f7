"""The LIM Ising annealer (THEORY §6): exact energy books, ground states, Boltzmann statistics."""
from __future__ import annotations

import itertools
import math

import numba
import numpy as np
import pytest
from scipy import constants as sc

from limbound.errors import ParameterError
from limbound.solvers.ising import (
    IsingProblem,
    anneal,
    beta_schedule,
    default_beta_range,
    price_operations,
    second_law_floor_kT,
)

MASK = (1 << 64) - 1


def _random_problem(n, density, rng, *, integer=False, fields=True):
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < density]
    i = np.array([p[0] for p in pairs], dtype=np.int64)
    j = np.array([p[1] for p in pairs], dtype=np.int64)
    if integer:
        J = rng.integers(-3, 4, size=len(pairs)).astype(float)
        h = rng.integers(-2, 3, size=n).astype(float) if fields else None
    else:
        J = rng.normal(size=len(pairs))
        h = rng.normal(scale=0.5, size=n) if fields else None
    return IsingProblem.from_edges(n, i, j, J, h), (i, j, J, h)


def _energy_direct(n, edges, s):
    """H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i, straight from the edge list."""
    i, j, J, h = edges
    e = -float(np.sum(J * s[i] * s[j]))
    if h is not None:
        e -= float(np.dot(h, s))
    return e


def _all_states(n):
    return np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.int8)


# ---------------------------------------------------------------- problem and schedules

def test_energy_matches_edge_list_and_duplicates_sum():
    rng = np.random.default_rng(1)
    prob, edges = _random_problem(9, 0.5, rng)
    states = rng.choice([-1, 1], size=(20, 9)).astype(np.int8)
    direct = [_energy_direct(9, edges, s.astype(float)) for s in states]
    np.testing.assert_allclose(prob.energy(states), direct, rtol=0, atol=1e-12)
    # a duplicated edge is summed: J_01 = 1 + 2 = 3
    p2 = IsingProblem.from_edges(2, [0, 1], [1, 0], [1.0, 2.0])
    assert p2.energy(np.array([1, 1])) == -3.0


def test_problem_input_errors():
    with pytest.raises(ParameterError, match="self-coupling"):
        IsingProblem.from_edges(3, [0], [0], [1.0])
    with pytest.raises(ParameterError, match="outside 0..2"):
        IsingProblem.from_edges(3, [0], [3], [1.0])
    with pytest.raises(ParameterError, match="not finite"):
        IsingProblem.from_edges(3, [0], [1], [np.nan])


def test_schedules_follow_their_formulas():
    S, hot, cold = 101, 0.05, 2.0
    b, p = beta_schedule("linear", S, hot, cold)
    assert b[0] == pytest.approx(hot) and b[-1] == pytest.approx(cold)
    np.testing.assert_allclose(np.diff(b), (cold - hot) / (S - 1))
    b, p = beta_schedule("geometric", S, hot, cold)
    np.testing.assert_allclose(b[1:] / b[:-1], (cold / hot) ** (1 / (S - 1)))
    b, p = beta_schedule("fn", S, hot, cold)
    # FN annealer: lam(t) = lam0 ln(1 + t/t0), starts untilted, ends at beta_cold
    assert b[0] == 0.0 and b[-1] == pytest.approx(cold)
    t = np.arange(S)
    np.testing.assert_allclose(b, p["beta0"] * np.log(1 + t / p["t0_sweeps"]), rtol=1e-12)
    b, p = beta_schedule("fn", S, hot, cold, fn_t0_sweeps=7.0)
    assert p["t0_sweeps"] == 7.0 and b[-1] == pytest.approx(cold)


@pytest.mark.parametrize("bad, match", [
    (dict(schedule="cosine"), "schedule='cosine' is unknown"),
    (dict(sweeps=0), "sweeps=0"),
    (dict(reads=-1), "reads=-1"),
    (dict(seed=-3), "seed=-3"),
    (dict(beta_range=(2.0, 1.0)), "decreases"),
    (dict(beta_range=(0.0, 1.0)), r"beta_range\[0\]=0.0"),
    (dict(acceptance="heat-bath"), "acceptance='heat-bath'"),
    (dict(temperature_K=-1.0), "temperature_K=-1.0"),
])
def test_anneal_input_errors(bad, match):
    prob, _ = _random_problem(4, 1.0, np.random.default_rng(0))
    with pytest.raises(ParameterError, match=match):
        anneal(prob, **({"sweeps": 10, "reads": 2} | bad))


def test_default_beta_range_on_unit_couplings():
    # ring of 4 spins, |J| = 1: max dH = 2 * 2 = 4 -> hot = ln2/4; 4 spins have the min |J| = 1
    prob = IsingProblem.from_edges(4, [0, 1, 2, 3], [1, 2, 3, 0], [-1.0, -1.0, -1.0, -1.0])
    hot, cold = default_beta_range(prob, "geometric")
    assert hot == pytest.approx(math.log(2) / 4)
    assert cold == pytest.approx(math.log(4 / 0.01) / 2)
    # fn / linear: 6.5 / RMS local field; each spin has two unit couplings -> sigma_f = sqrt(2)
    assert default_beta_range(prob, "fn")[1] == pytest.approx(6.5 / math.sqrt(2))
    with_h = IsingProblem(prob.indptr, prob.indices, prob.data, np.array([1.0, 1.0, 1.0, 1.0]))
    assert default_beta_range(with_h, "linear")[1] == pytest.approx(6.5 / math.sqrt(3))


@pytest.mark.parametrize("isolated", [(0,), (3,), (6,), (5, 6), (0, 3, 6)])
@pytest.mark.parametrize("schedule", ["fn", "linear", "geometric"])
def test_spins_without_couplings_anywhere(isolated, schedule):
    # a path over the other spins of 7, |J| = 1, 2, 3, ...; the isolated spins have no coupling and no field
    rest = [k for k in range(7) if k not in isolated]
    i, j = rest[:-1], rest[1:]
    J = [float(k + 1) for k in range(len(i))]
    prob = IsingProblem.from_edges(7, i, j, J)
    assert all(prob.indptr[k] == prob.indptr[k + 1] for k in isolated)
    # by hand: row sum of |J| per spin, max over spins; RMS of the per-spin sum of J^2 over all 7 spins
    rows = np.zeros(7)
    sq = np.zeros(7)
    for a, b, w in zip(i, j, J, strict=True):
        rows[[a, b]] += abs(w)
        sq[[a, b]] += w * w
    hot, cold = default_beta_range(prob, schedule)
    assert hot == pytest.approx(math.log(2) / (2 * rows.max()))
    if schedule != "geometric":
        assert cold == pytest.approx(6.5 / math.sqrt(sq.mean()))
    else:  # smallest |J| = 1 held by the spins at the ends of the first edge
        assert cold == pytest.approx(math.log(2 / 0.01) / 2)
    for acc in ("metropolis", "glauber"):
        res = anneal(prob, sweeps=40, reads=3, schedule=schedule, seed=1, acceptance=acc)
        assert res.first_law_residual < 1e-12
        # the path is ferromagnetic (J > 0): ground state H = -sum J, whatever the free spins do
        assert float(res.best_energies.min()) == -sum(J)


def test_only_free_spins_and_integer_table_bound():
    # no couplings at all and no fields: every flip costs nothing, the books stay zero
    prob = IsingProblem.from_edges(3, [], [], [])
    res = anneal(prob, sweeps=5, reads=2, seed=0, beta_range=(0.1, 1.0))
    assert np.all(res.heat_kT == 0.0) and np.all(res.work_kT == 0.0) and res.first_law_residual == 0.0
    # integer couplings with the last spin free: the Metropolis table path sees the right bound
    from limbound.solvers.ising.kernel import _integer_field_bound
    p2 = IsingProblem.from_edges(4, [0, 1], [1, 2], [2.0, -3.0], h=[1.0, 0.0, 0.0, 0.0])
    assert _integer_field_bound(p2) == 5          # spin 1: |2| + |-3|
    res = anneal(p2, sweeps=50, reads=4, seed=2)
    assert float(res.best_energies.min()) == -6.0 and res.first_law_residual < 1e-12


def test_readout_hold_ends_the_schedule():
    b, p = beta_schedule("fn", 100, 0.1, 2.0, readout_fraction=0.05, readout_factor=4.0)
    assert p["anneal_sweeps"] == 95 and p["readout_sweeps"] == 5
    assert b[94] == pytest.approx(2.0) and np.all(b[95:] == 8.0)
    np.testing.assert_allclose(b[:95], p["beta0"] * np.log1p(np.arange(95) / p["t0_sweeps"]), rtol=1e-12)
    with pytest.raises(ParameterError, match="readout_fraction=1.0"):
        beta_schedule("fn", 100, 0.1, 2.0, readout_fraction=1.0)


# ---------------------------------------------------------------- energy books

@pytest.mark.parametrize("schedule", ["fn", "linear", "geometric"])
@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_first_law_holds_with_energy_recomputed_from_final_state(schedule, acceptance):
    rng = np.random.default_rng(7)
    prob, edges = _random_problem(14, 0.4, rng)
    res = anneal(prob, sweeps=60, reads=5, schedule=schedule, seed=3, acceptance=acceptance)
    # independent recomputation of U = beta H at both ends, from the states alone
    # (initial states are regenerated from the documented seeding convention)
    spin_ss, _ = np.random.SeedSequence(3).spawn(2)
    s0 = np.random.default_rng(spin_ss).integers(0, 2, size=(5, 14), dtype=np.int8) * 2 - 1
    H0 = np.array([_energy_direct(14, edges, s.astype(float)) for s in s0])
    H1 = np.array([_energy_direct(14, edges, s.astype(float)) for s in res.samples])
    np.testing.assert_allclose(res.initial_energies, H0, atol=1e-12)
    np.testing.assert_allclose(res.energies, H1, atol=1e-12)
    np.testing.assert_allclose(res.tracked_energies, H1, atol=1e-10)  # running sum of dH agrees
    dU = res.betas[-1] * H1 - res.betas[0] * H0
    np.testing.assert_allclose(dU, res.work_kT - res.heat_kT, rtol=1e-12, atol=1e-12)
    assert res.first_law_residual < 1e-13
    assert np.all(res.flips > 0)


def test_constant_beta_heat_is_minus_beta_delta_H_and_no_work():
    rng = np.random.default_rng(11)
    prob, edges = _random_problem(10, 0.5, rng, integer=True)
    beta = 0.8
    res = anneal(prob, sweeps=40, reads=4, betas=np.full(40, beta), seed=5)
    assert np.all(res.work_kT == 0.0)
    np.testing.assert_allclose(res.heat_kT, -beta * (res.energies - res.initial_energies), rtol=0, atol=1e-12)


def _splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return state, ((z >> 11) + 0.5) * 2.0 ** -53


def _reference_run(n, edges, betas, s0, seed_state, glauber):
    """Pure-Python replay: dH from the full energy difference, heat and work flip by flip."""
    s = s0.astype(float).copy()
    state = int(seed_state)
    H = _energy_direct(n, edges, s)
    W = Q = 0.0
    b_prev = betas[0]
    flips = 0
    for beta in betas:
        W += (beta - b_prev) * H
        b_prev = beta
        for i in range(n):
            s2 = s.copy()
            s2[i] = -s2[i]
            dH = _energy_direct(n, edges, s2) - H
            x = beta * dH
            if glauber:
                if x >= 38.0:
                    continue
                if x > -38.0:
                    state, u = _splitmix(state)
                    if u * (1.0 + math.exp(x)) >= 1.0:
                        continue
            elif x > 0.0:
                if x >= 38.0:
                    continue
                state, u = _splitmix(state)
                if u >= math.exp(-x):
                    continue
            s = s2
            Q += -beta * dH  # heat released by this flip
            H += dH
            flips += 1
    return s, W, Q, flips


@pytest.mark.parametrize("glauber", [False, True])
def test_heat_and_work_match_a_flip_by_flip_reference(glauber):
    rng = np.random.default_rng(21)
    n = 7
    prob, edges = _random_problem(n, 0.6, rng, integer=True)
    reads, sweeps, seed = 3, 30, 9
    s0 = rng.choice([-1, 1], size=(reads, n)).astype(np.int8)
    res = anneal(prob, sweeps=sweeps, reads=reads, schedule="linear", beta_range=(0.1, 1.5), seed=seed,
                 initial_states=s0, acceptance="glauber" if glauber else "metropolis")
    _, kern_ss = np.random.SeedSequence(seed).spawn(2)
    seeds = kern_ss.generate_state(reads, dtype=np.uint64)
    for r in range(reads):
        s, W, Q, flips = _reference_run(n, edges, res.betas, s0[r], seeds[r], glauber)
        np.testing.assert_array_equal(res.samples[r], s.astype(np.int8))
        assert res.flips[r] == flips
        assert res.heat_kT[r] == pytest.approx(Q, rel=1e-12, abs=1e-12)
        assert res.work_kT[r] == pytest.approx(W, rel=1e-12, abs=1e-12)


def test_energy_to_target_is_heat_until_first_hit():
    # target = initial energy: reached before any flip, at zero heat and zero updates
    rng = np.random.default_rng(3)
    prob, _ = _random_problem(8, 0.6, rng, integer=True)
    s0 = np.ones((2, 8), dtype=np.int8)
    E0 = float(prob.energy(s0[0]))
    res = anneal(prob, sweeps=20, reads=2, seed=1, initial_states=s0, target_energy=E0)
    assert np.all(res.reached) and np.all(res.attempts_to_target == 0) and np.all(res.heat_to_target_kT == 0.0)
    assert res.energy_to_solution_99_J() == pytest.approx(res.heat_J)  # p = 1: one run suffices
    # half the reads reach it: ln(0.01)/ln(0.5) = 6.64 runs of mean heat
    res.reached[:] = [True, False]
    assert res.energy_to_solution_99_J() == pytest.approx(res.heat_J * math.log(0.01) / math.log(0.5))
    # unreachable target: nothing reported
    res = anneal(prob, sweeps=20, reads=2, seed=1, target_energy=-1e9)
    assert not res.reached.any() and res.energy_to_target_J() is None and res.energy_to_solution_99_J() is None
    assert np.all(res.attempts_to_target == -1)


# ---------------------------------------------------------------- optimisation and statistics

@pytest.mark.parametrize("case", range(4))
def test_ground_state_matches_exhaustive_enumeration(case):
    rng = np.random.default_rng(100 + case)
    n = 12 + case  # up to 15 spins: 32768 states
    prob, edges = _random_problem(n, 0.35, rng, integer=True)
    states = _all_states(n)
    ground = float(prob.energy(states).min())
    res = anneal(prob, sweeps=300, reads=8, seed=case)
    assert float(res.best_energies.min()) == ground
    best = res.best_samples[np.argmin(res.best_energies)]
    assert _energy_direct(n, edges, best.astype(float)) == ground


@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_fixed_beta_samples_boltzmann(acceptance):
    """At fixed lam the memories sample exp(-lam H / kT) (detailed balance at the physical kT)."""
    rng = np.random.default_rng(5)
    prob, edges = _random_problem(3, 1.0, rng)
    beta, reads = 0.9, 20000
    res = anneal(prob, sweeps=30, reads=reads, betas=np.full(30, beta), seed=42, acceptance=acceptance)
    states = _all_states(3)
    E = prob.energy(states)
    p = np.exp(-beta * (E - E.min()))
    p /= p.sum()
    idx = ((res.samples + 1) // 2) @ np.array([4, 2, 1])  # index in itertools.product order
    counts = np.bincount(idx, minlength=8)
    expected = p * reads
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert chi2 < 30.0  # 7 degrees of freedom: p(chi2 > 30) ~ 1e-4


def test_reproducible_and_independent_of_thread_count():
    rng = np.random.default_rng(8)
    prob, _ = _random_problem(30, 0.2, rng)
    a = anneal(prob, sweeps=50, reads=6, seed=17)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        b = anneal(prob, sweeps=50, reads=6, seed=17)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.heat_kT, b.heat_kT)
    c = anneal(prob, sweeps=50, reads=6, seed=18)
    assert not np.array_equal(a.samples, c.samples)


# ---------------------------------------------------------------- pricing and floors

def test_price_operations_formulas():
    kT = sc.k * 300.0
    p = price_operations(1000, 100, 5000, temperature_K=300.0, sweep_time_s=1e-9)
    assert p["landauer_J"] == pytest.approx(1000 * kT * math.log(2), rel=1e-12)
    assert p["flops"] == 2 * 1000 + 2 * 5000
    assert p["accelerator_J"] == pytest.approx(p["flops"] * 700.0 / 989.4e12, rel=1e-9)
    # static CIM, b = 1: D_w = 2 ln(T_ret ln(1/d_w) / (d_ret dt)) kT with 10 y, 1e-6, 1e-6 (THEORY §2c)
    T_ret = 10 * sc.Julian_year
    D_w = 2 * math.log(T_ret * math.log(1e6) / (1e-6 * 1e-9))
    assert p["static_cim_per_write_J"] == pytest.approx(D_w * kT, rel=1e-9)
    assert p["static_cim_J"] == pytest.approx(100 * D_w * kT, rel=1e-9)
    # LIM estimate, b = 1, f0 dt = 1: D = max(ln 3, 2 asinh(1/2)) = ln 3 per update (THEORY §2b)
    assert p["lim_estimate_J"] == pytest.approx(1000 * math.log(3) * kT, rel=1e-12)


def test_pricing_uses_the_runs_attempt_frequency():
    from limbound.physics.lim import lim_per_op_J
    from limbound.physics.static import static_per_op_J
    prob = IsingProblem.from_edges(4, [0, 1, 2], [1, 2, 3], [1.0, -1.0, 1.0])
    f0, Eb, T = 1e12, 2.0, 250.0
    res = anneal(prob, sweeps=30, reads=3, seed=5, f0_hz=f0, barrier_kT=Eb, temperature_K=T, target_energy=-3.0)
    dt = math.exp(Eb) / f0
    kT = sc.k * T
    run = res.priced()["run_all_reads"]
    su = 3 * 30 * 4
    # by hand (THEORY §2b): f0 dt = e^2, so D = max(ln 3, 2 asinh(1/(2 e^2))) = ln 3 for b = 1
    assert run["lim_estimate_J"] == pytest.approx(su * math.log(3) * kT, rel=1e-12)
    assert run["lim_estimate_J"] == pytest.approx(su * float(lim_per_op_J(1, dt, T, f0_hz=f0)), rel=1e-12)
    # the default f0 = 1e9 would have given f0 dt = 7.4e-3 and a speed tilt 2 asinh(67.7) = 9.8 kT
    assert run["lim_estimate_J"] < 0.5 * su * float(lim_per_op_J(1, dt, T))
    e_st = float(static_per_op_J(1, dt, T, f0_hz=f0))
    assert run["static_cim_per_write_J"] == pytest.approx(e_st, rel=1e-12)
    tgt = res.priced()["to_target_mean_per_read"]
    m = res.reached
    assert m.any()
    assert tgt["lim_estimate_J"] == pytest.approx(res.attempts_to_target[m].mean() * math.log(3) * kT, rel=1e-12)


def test_second_law_floor_estimator():
    # the upper entropy estimate of stats.final_entropy_upper (max of Miller-Madow and the max-entropy bound
    # 1/2 ln(2 pi e (c_k s^2 + 1/12)), clipped at ln 2, + 2 sqrt(N) sqrt(psi'(k/2))/2), values by hand:
    # psi'(7/2) = pi^2/2 - 4 (1 + 1/9 + 1/25) (trigamma at half-integers)
    sd8 = 0.5 * math.sqrt(math.pi ** 2 / 2 - 4 * (1 + 1 / 9 + 1 / 25))
    same = np.ones((8, 5), dtype=np.int8)
    # all reads agree: s^2 = 0, per spin 1/2 ln(2 pi e / 12) = 0.176 nats (Miller-Madow gives 0)
    h_same = 5 * 0.5 * math.log(2 * math.pi * math.e / 12) + 2 * math.sqrt(5) * sd8
    assert second_law_floor_kT(same) == pytest.approx(5 * math.log(2) - h_same, rel=1e-12)
    assert 0 < second_law_floor_kT(same) < 5 * math.log(2)
    half = np.vstack([np.ones((4, 5)), -np.ones((4, 5))]).astype(np.int8)
    # 50/50 marginals: every estimate reaches ln 2 -> floor 0, never negative
    assert second_law_floor_kT(half) == 0.0
    # 6 of 8 up: Miller-Madow H(3/4) + 1/16 = 0.625 < ln 2, but the spread bound (s^2 = 3/14, c_7 = 1.16)
    # gives 1/2 ln(2 pi e (1.16 * 3/14 + 1/12)) = 0.87 > ln 2: clipped there -> floor 0
    three = np.vstack([np.ones((6, 5)), -np.ones((2, 5))]).astype(np.int8)
    assert second_law_floor_kT(three) == 0.0
    # a single read says nothing about the final marginals: floor 0
    assert second_law_floor_kT(np.ones((1, 5), dtype=np.int8)) == 0.0
    # on real runs the floor lies between 0 and the measured mean heat
    rng = np.random.default_rng(3)
    for fields in (False, True):
        prob, _ = _random_problem(10, 0.4, rng, integer=True, fields=fields)
        for sweeps in (1, 5, 200):
            res = anneal(prob, sweeps=sweeps, reads=32, seed=sweeps)
            floor = second_law_floor_kT(res.samples, z2_symmetric=not fields)
            se = res.heat_kT.std(ddof=1) / math.sqrt(res.reads)
            assert 0.0 <= floor <= res.heat_kT.mean() + 3 * se, (fields, sweeps, floor)


def test_floor_with_few_reads_stays_below_mean_heat():
    # reviewer's repro: 202 spins, one coupling, 200 free spins that end 50/50 (flipped every sweep, no heat);
    # Miller-Madow alone gave a floor of 13.8 kT against a mean heat of 1 +- 1 kT
    prob = IsingProblem.from_edges(202, [0], [1], [-1.0])
    for seed in range(20):
        res = anneal(prob, sweeps=50, reads=4, seed=seed)
        d = res.second_law_floor_J()
        assert d["second_law_holds"], (seed, d)
        assert d["floor_J"] <= d["mean_heat_J"] + 3 * d["mean_heat_stderr_J"]
        # the free spins are 50/50: their true floor is 0, so the estimate is at most the 2-spin pair's ln 2
        assert d["floor_J"] <= math.log(2) * res.kT_J * (1 + 1e-12)
    # 200 independent 50/50 spins read 4 times: the floor is 0 although ~1/8 of the columns show one value
    coins = np.where(np.random.default_rng(5).random((4, 200)) < 0.5, 1, -1).astype(np.int8)
    assert second_law_floor_kT(coins) == 0.0
    # and the flag is in the JSON record
    assert anneal(prob, sweeps=5, reads=4, seed=0).as_dict()["second_law"]["second_law_holds"] is True


def test_anneal_json_without_target_reports_no_target_figures():
    prob = IsingProblem.from_edges(3, [0, 1], [1, 2], [1.0, 1.0])
    d = anneal(prob, sweeps=10, reads=4, seed=0).as_dict()
    assert d["target_energy"] is None
    for key in ("target_reached_reads", "time_to_target_s", "energy_to_target_J", "success_probability",
                "energy_to_solution_99_J"):
        assert d[key] is None, key
    # with a target they are numbers: the ground state H = -2 is reached by every read
    d = anneal(prob, sweeps=10, reads=4, seed=0, target_energy=-2.0).as_dict()
    assert d["target_reached_reads"] == 4 and d["time_to_target_s"] >= 0.0


def test_mean_heat_respects_second_law_floor_with_fields():
    # fields break the s -> -s symmetry, so the floor is informative
    rng = np.random.default_rng(2)
    prob, _ = _random_problem(12, 0.3, rng, integer=True)
    prob = IsingProblem(prob.indptr, prob.indices, prob.data, prob.h + 3.0 * np.sign(rng.normal(size=12)))
    res = anneal(prob, sweeps=200, reads=64, seed=4)
    floor = second_law_floor_kT(res.samples)
    assert floor > 1.0
    se = res.heat_kT.std(ddof=1) / math.sqrt(res.reads)
    assert res.heat_kT.mean() + 3 * se >= floor
    d = res.as_dict()
    assert d["second_law"]["floor_J"] == pytest.approx(floor * sc.k * 300.0)


def test_physical_time_from_attempt_frequency_and_barrier():
    prob = IsingProblem.from_edges(3, [0, 1], [1, 2], [1.0, 1.0])
    res = anneal(prob, sweeps=10, reads=2, seed=0, f0_hz=2e9, barrier_kT=3.0, temperature_K=77.0)
    assert res.sweep_time_s == pytest.approx(math.exp(3.0) / 2e9)  # one attempt per memory per sweep
    d = res.as_dict()
    assert d["anneal_time_s"] == pytest.approx(10 * math.exp(3.0) / 2e9)
    assert d["energy_dissipated_J"] == pytest.approx(res.heat_kT.sum() * sc.k * 77.0)


def test_z2_floor_for_symmetric_problems():
    # reads ending in s* or -s* (the two ground states of a symmetric problem): (N-1) ln 2 removed
    s = np.array([[1, -1, 1, 1, -1]] * 4 + [[-1, 1, -1, -1, 1]] * 4, dtype=np.int8)
    assert second_law_floor_kT(s) == 0.0            # 50/50 marginals: the plain floor is empty (entropy clipped at ln 2)
    # gauge-fixed: spins 1..4 end known (s^2 = 0: 1/2 ln(2 pi e / 12) each, + 2 sqrt(4) sd over 8 reads)
    sd8 = 0.5 * math.sqrt(math.pi ** 2 / 2 - 4 * (1 + 1 / 9 + 1 / 25))
    h_up = 4 * 0.5 * math.log(2 * math.pi * math.e / 12) + 2 * math.sqrt(4) * sd8
    assert second_law_floor_kT(s, z2_symmetric=True) == pytest.approx(4 * math.log(2) - h_up, rel=1e-12)
    # a fully connected ferromagnet anneals to all-up or all-down; mean heat stays above the gauge-fixed floor
    n = 12
    i, j = np.triu_indices(n, 1)
    prob = IsingProblem.from_edges(n, i, j, np.ones(i.size))
    res = anneal(prob, sweeps=300, reads=64, seed=6)
    floor = res.second_law_floor_J()
    assert floor["z2_symmetric"] and floor["floor_J"] > 5 * math.log(2) * sc.k * 300.0
    assert floor["mean_heat_J"] + 3 * floor["mean_heat_stderr_J"] >= floor["floor_J"]


@pytest.mark.parametrize("kw, match", [
    ({"barrier_kT": 1e6}, "barrier_kT=1000000.0 with f0_hz"),
    ({"f0_hz": 1e-300}, "f0_hz=1e-300 is too low"),
    ({"sweeps": 10**12}, "GiB"),
    ({"beta_range": (1e-300, 1e300)}, "energy books"),
    ({"betas": np.full(10, 1e200)}, "energy books"),
])
def test_anneal_refuses_out_of_range_scales(kw, match):
    prob = IsingProblem.from_edges(3, [0, 1], [1, 2], [1.0, 1.0])
    args = {"sweeps": 10, "reads": 2, **kw}
    with pytest.raises(ParameterError, match=match):
        anneal(prob, **args)
    # the sweep time at the largest allowed barrier is finite (|E_b - ln f0| <= 700)
    from limbound.solvers.ising import check_time_scale
    assert check_time_scale(1e9, 700.0, 300.0) == pytest.approx(math.exp(700.0) / 1e9)
