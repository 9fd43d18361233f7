"""Overdamped Langevin ensembles: integrator law, energy books, published results, refusals."""
import math

import numba
import numpy as np
import pytest
from numba import njit

from limbound.errors import ParameterError
from limbound.physics.thermo import exact_mfpt, kramers_time, landauer_bound_kT, linear_drag_work, optimal_drag_work
from limbound.sim import first_passage, simulate
from limbound.sim.protocols import Protocol, UserProtocol, double_well, erasure, harmonic_drag, sample_boltzmann


def _static_trap(k, duration):
    return Protocol("trap", duration, lambda t: np.tile([0.0, 0.0, 0.5 * k, 0.0, 0.0], (np.size(t), 1)), {"k": k})


def test_euler_maruyama_stationary_variance_matches_its_exact_law():
    # EM on an OU process has the exact stationary variance (kT/k) / (1 - h k / (2 gamma))
    # (the AR(1) recursion x' = (1 - hk/g) x + sqrt(2 kT h/g) xi).  At h k/gamma = 0.2 that is
    # 11% above kT/k: the test sees the integrator, not just the physics.
    k, gamma, h, n = 2.0, 1.0, 0.1, 100_000
    x0 = np.random.default_rng(1).normal(0.0, math.sqrt(1 / k), n)
    r = simulate(_static_trap(k, 200 * h), x0, gamma=gamma, dt=h, seed=3)
    expected = (1 / k) / (1 - h * k / (2 * gamma))
    var = r.x.var()
    assert abs(var - expected) < 4 * expected * math.sqrt(2 / n)
    assert abs(var - 1 / k) > 10 * expected * math.sqrt(2 / n)


def test_first_law_per_trajectory_and_reproducible_seed():
    pr = erasure(barrier=10.0, tau=4.0, tilt=6.0)
    x0 = sample_boltzmann(lambda x: pr.U(x, 0.0), 500, np.random.default_rng(0), lo=-3, hi=3)
    a = simulate(pr, x0, gamma=1.0, dt=1e-3, seed=11)
    b = simulate(pr, x0, gamma=1.0, dt=1e-3, seed=11)
    c = simulate(pr, x0, gamma=1.0, dt=1e-3, seed=12)
    assert a.first_law_residual <= 1e-9
    assert a.ledger.first_law_residual <= 1e-9
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.work_kT, b.work_kT)
    assert not np.array_equal(a.x, c.x)
    # the energy books are the potential: U_end - U_start from the protocol itself
    np.testing.assert_allclose(a.U_end_kT, pr.U(a.x, pr.duration), rtol=1e-12, atol=1e-12)


def test_same_result_on_one_or_two_threads():
    pr = harmonic_drag(k=1.0, L=2.0, tau=0.5, gamma=1.0)
    x0 = np.random.default_rng(2).normal(size=2000)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = simulate(pr, x0, gamma=1.0, dt=1e-3, seed=5)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = simulate(pr, x0, gamma=1.0, dt=1e-3, seed=5)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.x, b.x)


@njit
def _U_trap(x, t):
    lam = 1.5 * min(t / 0.5, 1.0)
    return 0.5 * (x - lam) ** 2


@njit
def _F_trap(x, t):
    lam = 1.5 * min(t / 0.5, 1.0)
    return x - lam


def test_user_potential_gives_the_builtin_trajectories():
    x0 = np.random.default_rng(4).normal(size=300)
    user = UserProtocol("user_linear_drag", 0.5, _U_trap, _F_trap)
    a = simulate(user, x0, gamma=1.0, dt=1e-3, seed=9)
    b = simulate(harmonic_drag(k=1.0, L=1.5, tau=0.5, gamma=1.0, kind="linear"), x0, gamma=1.0, dt=1e-3, seed=9)
    np.testing.assert_allclose(a.x, b.x, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.work_kT, b.work_kT, rtol=0, atol=1e-9)
    assert a.first_law_residual <= 1e-9


def test_schmiedl_seifert_optimal_and_linear_work():
    k, L, tau, gamma, n = 1.0, 3.0, 1.0, 1.0, 20_000
    w_opt = optimal_drag_work(k=k, L=L, tau=tau, gamma=gamma)
    assert w_opt == pytest.approx(3.0)             # 9 / (1 + 2), Schmiedl & Seifert Eq. 8 by hand
    rng = np.random.default_rng(7)
    res = {}
    for kind in ("optimal", "linear"):
        r = simulate(harmonic_drag(k=k, L=L, tau=tau, gamma=gamma, kind=kind), rng.normal(size=n), gamma=gamma,
                     dt=1e-3, seed=21)
        res[kind] = (r.work_kT.mean(), r.work_kT.std() / math.sqrt(n))
        assert r.first_law_residual <= 1e-9
    m, se = res["optimal"]
    assert abs(m - w_opt) <= 3 * se and abs(m - w_opt) <= 0.03 * w_opt
    ml, sel = res["linear"]
    assert abs(ml - linear_drag_work(k=k, L=L, tau=tau, gamma=gamma)) <= 3 * sel
    assert ml - m > 3 * math.hypot(se, sel)


def test_optimal_drag_center_has_equal_jumps():
    from limbound.sim.protocols import optimal_drag_center
    k, L, tau, g = 2.0, 1.0, 3.0, 1.0
    lam = optimal_drag_center([0.0, 1e-12, tau - 1e-12, tau], k=k, L=L, tau=tau, gamma=g)
    jump = L / (k * tau / g + 2)
    assert lam[1] - lam[0] == pytest.approx(jump) and lam[3] - lam[2] == pytest.approx(jump)


def test_exact_over_kramers_ratios_are_the_published_ones():
    # THEORY §7: 1.25, 1.14, 1.08, 1.06, 1.04 at 2, 4, 6, 8, 10 kT
    for Eb, ratio in [(2, 1.25), (4, 1.14), (6, 1.08), (8, 1.06), (10, 1.04)]:
        exact = exact_mfpt(lambda x, Eb=Eb: Eb * (x * x - 1) ** 2, x0=-1.0, target=1.0)
        assert round(exact / kramers_time(barrier=Eb), 2) == ratio


def test_kramers_4kT_mean_first_passage():
    exact = exact_mfpt(lambda x: 4.0 * (x * x - 1) ** 2, x0=-1.0, target=1.0)
    r = first_passage(double_well(barrier=4.0), np.full(1000, -1.0), target=1.0, gamma=1.0, dt=1e-3, seed=2,
                      max_time=50 * exact)
    t = r.passage_time
    assert np.all(np.isfinite(t))
    assert abs(t.mean() - exact) <= 3 * t.std() / math.sqrt(t.size)
    assert r.first_law_residual <= 1e-9


def test_landauer_bound_values():
    assert float(landauer_bound_kT(0.5)) == pytest.approx(0.0, abs=1e-15)
    assert float(landauer_bound_kT(1.0)) == pytest.approx(math.log(2))
    p = 0.9
    assert float(landauer_bound_kT(p)) == pytest.approx(math.log(2) + p * math.log(p) + (1 - p) * math.log(1 - p))


@pytest.mark.parametrize("kwargs, match", [
    ({"gamma": -1.0}, "gamma"),
    ({"gamma": 0.0}, "gamma"),
    ({"kT": -1.0}, "kT"),
    ({"dt": 0.0}, "dt"),
    ({"dt": 1.0}, "too large for stability"),
])
def test_bad_parameters_are_refused(kwargs, match):
    args = {"gamma": 1.0, "kT": 1.0, "dt": 1e-3, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=match) as e:
        simulate(_static_trap(1.0, 1.0), np.zeros(10), **args)
    assert "\n" not in str(e.value)


def test_bad_ensembles_are_refused():
    pr = _static_trap(1.0, 1.0)
    with pytest.raises(ParameterError, match="empty"):
        simulate(pr, np.zeros(0), gamma=1.0, dt=1e-3, seed=0)
    with pytest.raises(ParameterError, match="shape"):
        simulate(pr, np.zeros((3, 2)), gamma=1.0, dt=1e-3, seed=0)
    with pytest.raises(ParameterError, match="finite"):
        simulate(pr, np.array([0.0, np.nan]), gamma=1.0, dt=1e-3, seed=0)
    with pytest.raises(ParameterError, match="kind"):
        harmonic_drag(k=1.0, L=1.0, tau=1.0, gamma=1.0, kind="quadratic")
    with pytest.raises(ParameterError, match="same side"):
        first_passage(double_well(barrier=4.0), np.array([-1.0, 2.0]), target=1.0, gamma=1.0, dt=1e-3, seed=0,
                      max_time=1.0)
    bad = Protocol("bad", 1.0, lambda t: np.zeros((np.size(t), 4)))
    with pytest.raises(ParameterError, match="shape"):
        simulate(bad, np.zeros(3), gamma=1.0, dt=1e-2, seed=0)


def test_ziggurat_normals_have_the_normal_law():
    from scipy import stats

    from limbound.sim._rng import normals
    n = 2_000_000
    g = normals(2024, n)
    assert abs(g.mean()) < 4 / math.sqrt(n)
    assert abs(g.var() - 1) < 4 * math.sqrt(2 / n)
    assert abs(stats.kurtosis(g)) < 4 * math.sqrt(24 / n)
    for c in (1.0, 2.0, 3.0, 3.5):               # 3.44 is the ziggurat's tail edge
        p = 2 * stats.norm.sf(c)
        assert abs(np.mean(np.abs(g) > c) - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert stats.kstest(g[:200_000], "norm").pvalue > 1e-3


def test_optimal_drag_ends_exactly_at_L():
    pr = harmonic_drag(k=2.0, L=1.7, tau=0.3, gamma=1.0)
    r = simulate(pr, np.zeros(50), gamma=1.0, dt=1e-3, seed=1)
    np.testing.assert_allclose(r.U_end_kT, 0.5 * 2.0 * (r.x - 1.7) ** 2, rtol=1e-12, atol=1e-14)


def test_weak_order_metadata_matches_measured_band():
    # Stationary variance bias of an OU process at two steps: bias(h) ~ C h**order (DESIGN: orders are
    # metadata checked against a band).  Exact EM values: 2.56% and 5.26% -> order 1.04.
    from limbound.sim.langevin import ORDER
    k, n = 1.0, 400_000
    x0 = np.random.default_rng(8).normal(size=n)
    bias = []
    for h in (0.05, 0.1):
        r = simulate(_static_trap(k, 200 * h), x0, gamma=1.0, dt=h, seed=13)
        bias.append(r.x.var() * k - 1.0)
    order = math.log(bias[1] / bias[0]) / math.log(2.0)
    assert abs(order - ORDER["weak"]) < 0.4


def test_double_well_protocol_books_and_refusals():
    from limbound.sim.protocols import double_well_protocol
    tau = 2.0
    pr = double_well_protocol(barrier=lambda t: 6.0 - 4.0 * np.sin(np.pi * t / tau), tilt=lambda t: 2.0 * t / tau,
                              duration=tau)
    # coefficients reproduce the closed form at a few points
    x = np.array([-1.3, 0.2, 0.9])
    t = 0.7
    eb, f = 6.0 - 4.0 * np.sin(np.pi * t / tau), 2.0 * t / tau
    np.testing.assert_allclose(pr.U(x, t), eb * (x**2 - 1) ** 2 - f * x, rtol=1e-12)
    # a static one equals double_well
    st = double_well_protocol(barrier=5.0, tilt=0.5, duration=1.0)
    np.testing.assert_allclose(st.coeffs([0.3]), double_well(barrier=5.0, tilt=0.5).coeffs([0.3]))
    r = simulate(pr, np.full(400, -1.0), gamma=1.0, dt=1e-3, seed=3)
    assert r.first_law_residual <= 1e-9
    with pytest.raises(ParameterError, match="barrier"):
        double_well_protocol(barrier=lambda t: 1.0 - t, duration=2.0)


def test_temperature_scales_noise_and_books_in_kT():
    k, kT, h, n = 1.0, 2.5, 0.05, 100_000
    x0 = np.random.default_rng(3).normal(0.0, math.sqrt(kT / k), n)
    r = simulate(_static_trap(k, 100 * h), x0, gamma=1.0, dt=h, seed=4, kT=kT)
    expected = (kT / k) / (1 - h * k / 2)
    assert abs(r.x.var() - expected) < 4 * expected * math.sqrt(2 / n)
    np.testing.assert_allclose(r.U_end_kT, 0.5 * k * r.x**2 / kT, rtol=1e-12)
    from limbound.fileio import dumps
    d = r.as_dict()
    assert '"first_law_residual"' in dumps(d) and d["n_particles"] == n
