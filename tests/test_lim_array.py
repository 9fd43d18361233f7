"""LIM memory arrays: kernels against exact solutions, the update rules, the energy books (THEORY §1, §2b, §6)."""
import math

import numpy as np
import pytest
from scipy.linalg import expm

from limbound.constants import kT
from limbound.errors import ParameterError
from limbound.sim.kmc import sync_step
from limbound.sim.lim_array import LIMArray
from limbound.sim.lim_books import VersusBound, estimate_J, predicted_updates
from limbound.sim.lim_engines import anneal_barrier
from limbound.stats import final_entropy_upper, marginal_entropies


def _array(n, bits, *, reads=1, start=None, seed=1, dt_s=1e-6):
    arr = LIMArray(np.zeros(n), np.ones(n), bits=bits, reads=reads, dt_s=dt_s, seed=seed)
    if start is not None:
        arr.levels[:] = start
        arr._levels_start = arr.levels.copy()
    return arr


@pytest.mark.parametrize("engine", ["poisson", "sync"])
def test_gradient_rule_mean_drift_is_minus_eta_g(engine):
    # THEORY §6: the barrier E_b = ln(2 f0 dt sinh(D/2) delta / (eta |g|)) makes the mean drift -eta g per update
    n, bits, updates = 20000, 10, 4
    arr = _array(n, bits, start=512)
    asked = 2.5  # levels per update
    eta = asked * arr.delta[0]
    g = np.ones((1, n))
    for _ in range(updates):
        arr.gradient_step(g, eta, engine=engine)
    move = (arr.levels - 512).astype(float)
    expected = -asked * updates
    # the per-update variance is at most the Poisson one, (r+ + r-) dt = asked * coth(D/2)
    sd = math.sqrt(updates * asked / math.tanh(arr.D / 2) / n)
    assert abs(move.mean() - expected) < 5 * sd
    # every net level along the tilt releases exactly D (heat of a k-level move = k D)
    books = arr.books()
    assert books.heat_per_read_J[0] == pytest.approx(-move.sum() * arr.D * kT(300.0), rel=1e-12)
    assert books.first_law_residual < 1e-12


def test_poisson_kernel_is_skellam_away_from_edges():
    # forward and backward hop counts over dt are Poisson(r+ dt), Poisson(r- dt): variance (r+ + r-) dt
    n = 40000
    arr = _array(n, 12, start=2048)
    asked = 6.0
    arr.gradient_step(np.full((1, n), -1.0), asked * arr.delta[0])
    move = (arr.levels - 2048).astype(float)
    var_exact = asked / math.tanh(arr.D / 2)
    assert move.var() == pytest.approx(var_exact, rel=0.05)


def test_poisson_kernel_with_reflecting_edge_matches_master_equation():
    # a 3-bit memory pushed into its top edge: the final distribution equals expm(Q dt) of the master equation
    n, bits, start = 40000, 3, 5
    arr = _array(n, bits, start=start, dt_s=1e-8)
    asked = 3.0
    eta = asked * arr.delta[0]
    arr.gradient_step(np.full((1, n), -1.0), eta)  # tilt upwards
    M = arr.M
    eb = math.log(arr.v_max / asked)
    rp = arr.f0_hz * math.exp(-(eb - arr.D / 2))
    rm = arr.f0_hz * math.exp(-(eb + arr.D / 2))
    Q = np.zeros((M, M))
    for i in range(M):
        if i < M - 1:
            Q[i, i + 1] = rp
        if i > 0:
            Q[i, i - 1] = rm
        Q[i, i] = -Q[i].sum()
    p = expm(Q * arr.dt_s)[start]
    counts = np.bincount(arr.levels, minlength=M)
    mask = p * n > 5
    chi2 = float(np.sum((counts[mask] - n * p[mask]) ** 2 / (n * p[mask])))
    assert chi2 < 30.0  # ~4 dof; p < 1e-5 for a correct kernel
    assert counts[M - 1] > 0.7 * n  # most of them reached the edge and stayed


def test_projected_gradient_freezes_memories_pushed_out_of_range():
    arr = _array(10, 4, start=15)
    arr.gradient_step(np.full((1, 10), -5.0), 1.0)  # pushes up at the top edge
    assert np.all(arr.levels == 15)
    assert arr.books().heat_per_read_J[0] == 0.0


def test_annealing_rule_samples_boltzmann_on_the_grid():
    # THEORY §6: at fixed lam the memory samples exp(-lam f) on its b-bit grid (f = h/2 (x - c)^2)
    n, bits = 4000, 4
    arr = _array(n, bits, seed=3)
    h, c, lam = 1.0, 0.43, 600.0  # conditional spread ~1/sqrt(lam h delta^2) ~ 0.6 levels
    for _ in range(150):
        x = arr.values
        arr.anneal_step(h * (x - c), h, lam, attempt=0.5)
    xs = arr.lb[0] + np.arange(arr.M) * arr.delta[0]
    w = np.exp(-lam * 0.5 * h * (xs - c) ** 2)
    w /= w.sum()
    counts = np.bincount(arr.levels, minlength=arr.M)
    mask = w * n > 5
    chi2 = float(np.sum((counts[mask] - n * w[mask]) ** 2 / (n * w[mask])))
    assert chi2 < 25.0
    assert arr.books().first_law_residual < 1e-12


def test_second_law_floor_holds_for_a_gradient_run():
    # separable quadratic, 8 reads from uniformly random levels: mean heat >= kT (N b ln2 - sum H_i)
    n, bits, reads = 200, 6, 8
    arr = LIMArray(-np.ones(n), np.ones(n), bits=bits, reads=reads, seed=5)
    target = np.linspace(-0.8, 0.8, n)
    for _ in range(60):
        arr.gradient_step(arr.values - target, 0.5)
    b = arr.books()
    assert b.entropy_initial_nats == pytest.approx(n * bits * math.log(2))
    assert b.bound_J > 0
    assert b.heat_J - 2 * b.heat_sem_J >= b.bound_J
    assert b.first_law_residual < 1e-12
    # converged to within a level or two of the target
    assert np.max(np.abs(arr.values - target)) < 3 * arr.delta[0]


def test_miller_madow_entropy_by_hand():
    lv = np.array([[0, 3], [0, 3], [1, 3], [1, 3]])
    plug, mm = marginal_entropies(lv, 4)
    assert plug[0] == pytest.approx(math.log(2))
    assert mm[0] == pytest.approx(math.log(2) + 1 / 8)  # (m - 1) / (2R), m = 2, R = 4
    assert plug[1] == 0.0 and mm[1] == 0.0
    # clipped at ln M
    plug, mm = marginal_entropies(np.array([[0], [1]]), 2)
    assert mm[0] == pytest.approx(math.log(2))


def test_estimate_uses_theory_reference_values():
    # THEORY §5: e_LIM(16, 1 us) = 11.783 kT; §3: linear n = kappa b ln 2
    n_upd = predicted_updates("linear", 16, kappa=10.0)
    assert n_upd == pytest.approx(10 * 16 * math.log(2))
    e = estimate_J(16, 1e-6, 1000, n_upd)
    assert e == pytest.approx(11.783 * kT(300.0) * 1000 * n_upd, rel=1e-4)


@pytest.mark.parametrize("kwargs, word", [
    (dict(lb=[0.0], ub=[0.0], bits=4), "lb"),
    (dict(lb=[0.0], ub=[1.0], bits=0), "bits"),
    (dict(lb=[0.0], ub=[1.0], bits=4, reads=0), "reads"),
    (dict(lb=[0.0], ub=[1.0], bits=4, dt_s=-1.0), "dt_s"),
    (dict(lb=[0.0], ub=[np.nan], bits=4), "lb"),
])
def test_bad_inputs_are_refused(kwargs, word):
    lb, ub = kwargs.pop("lb"), kwargs.pop("ub")
    with pytest.raises(ParameterError) as e:
        LIMArray(lb, ub, **kwargs)
    assert word in str(e.value) and "\n" not in str(e.value)


def test_unknown_engine_is_refused():
    arr = _array(3, 4)
    with pytest.raises(ParameterError, match="engine"):
        arr.gradient_step(np.ones((1, 3)), 0.1, engine="warp")


def _discrete_gaussian(M, centre, sd):
    k = np.arange(M)
    w = np.exp(-0.5 * ((k - centre) / sd) ** 2)
    return w / w.sum()


def test_final_entropy_upper_estimate_does_not_underestimate():
    # a floor must not be raised by its estimator: from few reads Miller-Madow misses most of a spread of
    # several levels, the upper estimate must not (true entropy from the pmf)
    rng = np.random.default_rng(0)
    M, N = 256, 3000
    p = _discrete_gaussian(M, 128.3, 3.0)
    H_true = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    for R in (2, 4):
        lv = rng.choice(M, size=(R, N), p=p)
        _, mm = marginal_entropies(lv, M)
        per, total = final_entropy_upper(lv, M)
        assert mm.sum() < 0.8 * N * H_true  # the bias this estimator corrects
        assert total >= N * H_true and np.all(per >= mm)
    # with many reads it is not grossly conservative
    lv = rng.choice(M, size=(64, N), p=p)
    assert N * H_true <= final_entropy_upper(lv, M)[1] <= 1.05 * N * H_true
    # a non-Gaussian law (uniform on 3 levels, H = ln 3) is covered by the max-entropy bound too
    lv = rng.integers(10, 13, size=(4, N))
    assert final_entropy_upper(lv, M)[1] >= N * math.log(3)
    # never above ln M per memory
    lv = rng.integers(0, 4, size=(2, 50))
    assert final_entropy_upper(lv, 4)[1] <= 50 * math.log(4) + 1e-12


def test_frozen_reads_stop_and_heat_is_D_times_levels_walked_along_the_tilt():
    # two independent reads; read 1 is frozen after 5 updates: no hop, no heat, no work after that.
    # Conservation: the heat of each read is D x (net levels walked along the tilt), from the trajectory.
    n, bits, R = 50, 8, 2
    arr = LIMArray(-np.ones(n), np.ones(n), bits=bits, reads=R, seed=3)
    target = np.linspace(-0.5, 0.5, n)
    along = np.zeros(R)
    for t in range(30):
        active = np.array([True, t < 5])
        before = arr.levels_RN.copy()
        g = arr.values - target
        if t == 5:
            frozen = arr.books()
        arr.gradient_step(g, 0.3, active=active)
        step = arr.levels_RN - before
        along += np.sum(-np.sign(g) * step, axis=1)
        if not active[1]:
            assert np.all(step[1] == 0)
    b = arr.books()
    assert b.heat_per_read_J == pytest.approx(along * arr.D * kT(300.0), rel=1e-12)
    assert b.heat_per_read_J[1] == frozen.heat_per_read_J[1]
    assert b.work_per_read_J[1] == frozen.work_per_read_J[1]
    assert b.first_law_residual < 1e-12
    # the annealing step freezes the same way, with one lam per read
    before = arr.levels_RN.copy()
    for _ in range(5):
        arr.anneal_step(arr.values - target, 1.0, np.array([50.0, 80.0]), active=np.array([True, False]))
    assert np.array_equal(arr.levels_RN[1], before[1])
    assert arr.books().first_law_residual < 1e-12
    with pytest.raises(ParameterError, match="active"):
        arr.gradient_step(np.zeros((R, n)), 0.1, active=[True])


class _Run(VersusBound):
    def __init__(self, mean, sem, bound):
        self.heat_J, self.heat_sem_J, self.bound_J, self.estimate_J = mean, sem, bound, 1.0


def test_second_law_check_uses_the_standard_error():
    # THEORY §6: compare the mean heat over reads with its standard error; a violation is mean + 3 SE < floor
    assert _Run(10.0, 1.0, 12.0).second_law_holds  # 2 SE below: not a clear violation
    assert not _Run(10.0, 1.0, 13.5).second_law_holds  # 3.5 SE below
    d = _Run(10.0, 1.0, 4.0).bound_dict()
    assert d["second_law_margin_sem"] == pytest.approx(6.0) and d["dissipated_minus_3sem_J"] == pytest.approx(7.0)
    assert _Run(10.0, 0.0, 9.0).second_law_margin_sem == math.inf


@pytest.mark.parametrize("engine", ["poisson", "sync"])
def test_two_arrays_interleaved_in_one_thread_give_the_results_they_give_alone(engine):
    # each array draws from its own per-memory streams (seeded by its seed), not numba's shared global generator
    def run(arr, k):
        g = np.linspace(-1.0, 1.0, 2 * arr.N).reshape(arr.R, arr.N)
        if engine == "poisson":
            arr.gradient_step(g, 0.3 * (k + 1), engine="poisson")
        else:
            arr.gradient_step(g, 0.05, engine="sync")
            arr.anneal_step(g, np.ones_like(g), 2.0, attempt=0.7)

    def fresh(seed):
        return LIMArray(-np.ones(50), np.ones(50), bits=6, reads=2, seed=seed)

    alone = []
    for seed in (1, 2):
        arr = fresh(seed)
        for k in range(4):
            run(arr, k)
        alone.append((arr.levels.copy(), arr.heat_mem.copy()))
    a, b = fresh(1), fresh(2)
    for k in range(4):
        run(a, k)
        run(b, k)
    for arr, (levels, heat) in zip((a, b), alone, strict=True):
        np.testing.assert_array_equal(arr.levels, levels)
        np.testing.assert_array_equal(arr.heat_mem, heat)
    assert not np.array_equal(alone[0][0], alone[1][0])  # the seeds do give different runs


@pytest.mark.parametrize("tilt", [1e2, 1e5, 3.4e7, 1e9, 1e12])
def test_annealing_barrier_caps_the_attempts_as_the_kernel_computes_them(tilt):
    # lim_array notes (THEORY §6): a memory tilted more strongly than D gets the barrier at which it attempts
    # `att` hops per update and no more -- with the rates r = f0 exp(-(E_b + dU/2)) of THEORY §1 evaluated in
    # floating point, as the kernel does, not only in exact arithmetic.  Beyond ~3e7 kT the exponent cancels two
    # numbers of size tilt/2 and rounds by more than a fixed 1e-9 kT margin (the QP annealing rule at its
    # penalty cap crashed on that: "h_s ... too long for these rates")
    f0, dt, D = 1e9, 1e-6, 11.783
    levels = np.full(2, 5, dtype=np.int64)
    up = np.array([-tilt, tilt])
    dn = -up
    for att in (1.0, 0.25):
        eb = anneal_barrier(levels, 10, up, dn, np.full(2, att), f0 * dt, D)
        attempts = f0 * dt * (np.exp(-(eb + 0.5 * up)) + np.exp(-(eb + 0.5 * dn)))
        assert np.all(attempts <= att)
        assert np.all(attempts >= 0.99 * att)  # the margin costs < 1 % of the attempts even at 1e12 kT
    # the checked synchronous step accepts the barrier of att = 1: (r_up + r_dn) h <= 1 (kmc module notes)
    eb = anneal_barrier(levels, 10, up, dn, np.ones(2), f0 * dt, D)
    sync_step(levels.copy(), 11, up, dn, eb, dt, f0)
