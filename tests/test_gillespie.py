"""Continuous-time KMC, the synchronous engines and the master equation they must agree with."""
import math

import numba
import numpy as np
import pytest

from limbound.errors import ParameterError
from limbound.sim import Segment, gillespie, master, max_step_s, stream_states, sync_step, sync_step_par, v_landscape
from limbound.sim._rng import next_u01
from limbound.sim.kmc import sync_run_v

F0 = 1e9


def _schedule(M):
    n = np.arange(M, dtype=float)
    return [(2e-9, -1.0 * n, 1.0), (3e-9, 1.2 * np.cos(1.7 * n) - 0.3 * n, 0.5), (1e-9, 0.8 * n, 1.5)]


def test_gillespie_matches_matrix_exponential():
    M, n = 4, 40_000
    sched = _schedule(M)
    p0 = np.array([1.0, 0, 0, 0])
    ex = master.solve(p0, sched, f0_hz=F0)
    r = gillespie(np.zeros(n, dtype=np.int64), M, [Segment(*s) for s in sched], seed=1, f0_hz=F0)
    occ = np.bincount(r.levels, minlength=M) / n
    se = np.sqrt(ex.p_end * (1 - ex.p_end) / n)
    assert np.all(np.abs(occ - ex.p_end) <= 3.5 * se)
    assert abs(r.heat_kT.mean() - ex.mean_heat_kT) <= 3.5 * r.heat_kT.std() / math.sqrt(n)
    assert abs(r.work_kT.mean() - ex.mean_work_kT) <= 3.5 * r.work_kT.std() / math.sqrt(n)
    assert r.first_law_residual <= 1e-9
    assert ex.first_law_residual <= 1e-9


def test_master_relaxes_to_boltzmann():
    # an independent check of the rate matrix: detailed balance gives exp(-U) / Z
    U = np.array([0.0, 1.3, -0.4, 2.0, 0.7])
    ex = master.solve(np.full(5, 0.2), [(1e-6, U, 2.0)], f0_hz=F0)
    np.testing.assert_allclose(ex.p_end, np.exp(-U) / np.exp(-U).sum(), rtol=1e-9)


def test_sync_step_par_matches_its_exact_law_and_sync_step_semantics():
    M, n = 4, 40_000
    sched = _schedule(M)
    rmax = max(np.max(-np.diag(master.rate_matrix(U, b, F0))) for _, U, b in sched)
    h = 0.5 / rmax
    sched = [(h * round(T / h), U, b) for T, U, b in sched]
    ex = master.solve_uniformized(np.array([1.0, 0, 0, 0]), sched, f0_hz=F0, h_s=h)
    lv = np.zeros(n, dtype=np.int64)
    st = stream_states(3, n)
    heat = np.zeros(n)
    for T, U, b in sched:
        Upad = np.concatenate([[0.0], U, [0.0]])
        for _ in range(int(round(T / h))):
            sync_step_par(lv, M, Upad[lv + 2] - U[lv], Upad[lv] - U[lv], np.full(n, b), h, F0, st, heat)
    occ = np.bincount(lv, minlength=M) / n
    se = np.sqrt(ex.p_end * (1 - ex.p_end) / n)
    assert np.all(np.abs(occ - ex.p_end) <= 3.5 * se)
    # the uniformized chain is not the continuous-time one at finite h: they must differ measurably here
    # only through h; both are exact for their own law (tested), and the serial engine refuses long steps
    up = np.full(5, -1.0)
    with pytest.raises(ParameterError, match="too long"):
        sync_step(np.zeros(5, dtype=np.int64), M, up, -up, np.zeros(5), 2 * max_step_s(M, up, -up, np.zeros(5), F0), F0)
    with pytest.raises(ParameterError, match="too long"):
        sync_step_par(np.zeros(5, dtype=np.int64), M, up, -up, np.zeros(5), 2 * max_step_s(M, up, -up, np.zeros(5), F0),
                      F0, stream_states(0, 5))


def test_parallel_engines_do_not_depend_on_thread_count():
    n, M = 50_000, 16
    out = []
    old = numba.get_num_threads()
    try:
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            lv = np.full(n, 3, dtype=np.int64)
            sync_run_v(lv, M, np.full(n, 8, dtype=np.int64), np.full(n, 3.0), np.full(n, 1.0), 1e-10, F0, 30,
                       stream_states(4, n))
            r = gillespie(np.full(200, 3, dtype=np.int64), M, [Segment(5e-9, v_landscape(M, 8, 3.0), 1.0)], seed=4,
                          f0_hz=F0)
            out.append((lv, r.levels, r.heat_kT))
    finally:
        numba.set_num_threads(old)
    for a, b in zip(out[0], out[1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_sync_step_par_takes_each_hop_by_the_uniformized_rule():
    # the rule of THEORY §1 / kmc's module notes, written out in numpy from the same uniforms: up iff
    # u < r_up h, down iff r_up h <= u < (r_up + r_dn) h, closed directions at the edges, heat -dU of the hop
    rng = np.random.default_rng(5)
    n, M = 3000, 6
    lv = rng.integers(0, M, n).astype(np.int64)
    lv[:300], lv[300:600] = 0, M - 1
    up, dn, bar = rng.normal(0, 0.5, n), rng.normal(0, 0.5, n), rng.uniform(0, 0.5, n)
    r_up = np.where(lv < M - 1, F0 * np.exp(-(bar + 0.5 * up)), 0.0)
    r_dn = np.where(lv > 0, F0 * np.exp(-(bar + 0.5 * dn)), 0.0)
    h = 0.9 / np.max(F0 * (np.exp(-(bar + 0.5 * up)) + np.exp(-(bar + 0.5 * dn))))
    st = stream_states(11, n)
    u = 1.0 - np.array([next_u01(s)[1] for s in st])  # each memory's first draw, as the kernel takes it
    go_up, go_dn = u < r_up * h, (u >= r_up * h) & (u < (r_up + r_dn) * h)
    assert 0.1 < go_up.mean() < 0.5 and 0.1 < go_dn.mean() < 0.5  # both branches exercised
    heat = np.zeros(n)
    q, net = sync_step_par(lv_after := lv.copy(), M, up, dn, bar, h, F0, st, heat)
    np.testing.assert_array_equal(lv_after, lv + go_up - go_dn)
    np.testing.assert_array_equal(heat, np.where(go_up, -up, np.where(go_dn, -dn, 0.0)))
    assert net == go_up.sum() - go_dn.sum() and q == pytest.approx(heat.sum(), rel=1e-12)


def test_sync_run_v_books_heat_and_reaches_tanh():
    n, M, D = 100_000, 16, 2.0
    lv = np.full(n, 8, dtype=np.int64)
    heat = np.zeros(n)
    hq, net = sync_run_v(lv, M, np.full(n, 8, dtype=np.int64), np.full(n, D), np.full(n, 1.0), 1e-10, F0, 200,
                         stream_states(5, n), heat)
    # heat released = U(start) - U(end) exactly, per memory, in a fixed landscape
    np.testing.assert_allclose(heat, -D * np.abs(lv - 8), atol=1e-9)
    p = np.mean(lv == 8)
    assert abs(p - math.tanh(D / 2)) <= 3.5 * math.sqrt(p * (1 - p) / n)
    assert net == int(np.sum(lv - 8))


def test_callback_driver_sees_state_and_books_work():
    M, n = 3, 1000
    seen = []

    def driver(t, levels):
        seen.append((t, levels.copy()))
        with pytest.raises(ValueError):
            levels[0] = 1                     # read-only view
        if len(seen) > 3:
            return None
        # tilt each memory towards level 2 unless it is already there (state feedback)
        U = np.where(levels[:, None] == 2, 0.0, -np.arange(M, dtype=float)[None, :] * 2.0)
        return Segment(2e-9, U, np.where(levels == 2, 5.0, 0.5))

    r = gillespie(np.zeros(n, dtype=np.int64), M, driver, seed=2, f0_hz=F0, record=True)
    assert len(seen) == 4 and [s[0] for s in seen] == pytest.approx([0, 2e-9, 4e-9, 6e-9])
    assert r.first_law_residual <= 1e-9
    assert np.any(r.work_kT != 0)             # the landscape changed under memories at level 2
    assert len(r.snapshots) == 3


def test_v_landscape_and_first_hop_times():
    U = v_landscape(5, 2, 1.5)
    np.testing.assert_allclose(U, [3.0, 1.5, 0.0, 1.5, 3.0])
    r = gillespie(np.zeros(20_000, dtype=np.int64), 2, [Segment(1e-3, np.zeros(2), 5.0)], seed=3, f0_hz=F0)
    rate = F0 * math.exp(-5.0)                 # a single activated hop: mean first-hop time 1/rate
    t = r.first_hop_s
    assert abs(t.mean() - 1 / rate) <= 3.5 * (1 / rate) / math.sqrt(t.size)


@pytest.mark.parametrize("call, match", [
    (lambda: gillespie(np.zeros(3, dtype=np.int64), 1, [Segment(1e-9, np.zeros(1), 1.0)], seed=0), "n_levels"),
    (lambda: gillespie(np.array([0, 5]), 3, [Segment(1e-9, np.zeros(3), 1.0)], seed=0), "outside"),
    (lambda: gillespie(np.zeros(0, dtype=np.int64), 3, [Segment(1e-9, np.zeros(3), 1.0)], seed=0), "non-empty"),
    (lambda: gillespie(np.zeros(2, dtype=np.int64), 3, [Segment(1e-9, np.zeros(4), 1.0)], seed=0), "shape"),
    (lambda: gillespie(np.zeros(2, dtype=np.int64), 3, [Segment(-1e-9, np.zeros(3), 1.0)], seed=0), "duration"),
    (lambda: gillespie(np.zeros(2, dtype=np.int64), 3, [Segment(1e-9, np.zeros(3), np.ones(3))], seed=0), "barrier"),
    (lambda: gillespie(np.zeros(2, dtype=np.int64), 3, [], seed=0), "empty"),
    (lambda: gillespie(np.zeros(2, dtype=np.int64), 3, [Segment(1e-9, np.zeros(3), 1.0)], seed=0, f0_hz=-1.0), "f0_hz"),
    (lambda: master.solve(np.array([0.5, 0.6]), [(1e-9, np.zeros(2), 1.0)], f0_hz=F0), "distribution"),
    (lambda: master.solve(np.array([0.5, 0.5]), [(1e-9, np.zeros(3), 1.0)], f0_hz=F0), "shape"),
    (lambda: sync_step_par(np.zeros(3, dtype=np.int64), 3, np.zeros(3), np.zeros(3), np.zeros(3), 1e-12, F0,
                           stream_states(0, 4)), "states"),
    (lambda: sync_run_v(np.zeros(3, dtype=np.int64), 3, np.zeros(2, dtype=np.int64), np.zeros(3), np.zeros(3), 1e-12,
                        F0, 1, stream_states(0, 3)), "optimum"),
])
def test_bad_inputs_are_refused(call, match):
    with pytest.raises(ParameterError, match=match) as e:
        call()
    assert "\n" not in str(e.value)


# ---------------------------------------------------------------- synchronous steps: refuse before any change

def _engines():
    def serial(lv, *a, **k):
        return sync_step(lv, *a, **k)

    def par(lv, *a, **k):
        st = stream_states(1, lv.shape[0]) if lv.ndim == 1 and lv.size else stream_states(1, 1)
        k.setdefault("states", st)
        return sync_step_par(lv, *a[:6], k.pop("states"), **k)
    return [serial, par]


@pytest.mark.parametrize("engine", _engines(), ids=["sync_step", "sync_step_par"])
def test_too_long_step_is_refused_before_levels_or_heat_change(engine):
    M, n = 4, 6
    lv = np.array([0, 1, 2, 3, 1, 2], dtype=np.int64)
    up, dn, bar = np.full(n, -1.0), np.full(n, 1.0), np.zeros(n)
    # exact worst rate by hand: interior memories r_up + r_dn = f0 (e^{1/2} + e^{-1/2})
    h = 1.01 / (F0 * (math.exp(0.5) + math.exp(-0.5)))
    heat = np.full(n, 7.0)
    before = lv.copy()
    with pytest.raises(ParameterError, match="too long"):
        engine(lv, M, up, dn, bar, h, F0, heat_out=heat)
    np.testing.assert_array_equal(lv, before)
    assert np.all(heat == 7.0)
    # just inside the limit the same step runs (the cheap bound 2 f0 h e^{1/2} > 1 is not the criterion)
    engine(lv, M, up, dn, bar, 0.99 / (F0 * (math.exp(0.5) + math.exp(-0.5))), F0, heat_out=heat)


def test_refused_par_step_leaves_random_streams_untouched():
    n = 4
    st = stream_states(2, n)
    st0 = st.copy()
    with pytest.raises(ParameterError, match="too long"):
        sync_step_par(np.ones(n, dtype=np.int64), 3, np.zeros(n), np.zeros(n), np.zeros(n), 1.0 / F0, F0, st)
    np.testing.assert_array_equal(st, st0)


@pytest.mark.parametrize("engine", _engines(), ids=["sync_step", "sync_step_par"])
@pytest.mark.parametrize("change, match", [
    ({"dU_up": np.zeros(3)}, "dU_up has shape"),                       # short: the kernel would read past it
    ({"dU_dn": np.zeros(9)}, "dU_dn has shape"),
    ({"barrier_kT": np.zeros(3)}, "barrier_kT has shape"),
    ({"levels": np.array([0, 1, 7, 3, 1], dtype=np.int64)}, r"levels\[2\]=7 is outside 0..3"),
    ({"levels": np.array([0, 1, -1, 3, 1], dtype=np.int64)}, "outside"),
    ({"levels": np.zeros(5)}, "integer"),
    ({"barrier_kT": np.array([1.0, 1.0, np.nan, 1.0, 1.0])}, r"barrier_kT\[2\]=nan is not finite"),
    ({"dU_up": np.array([0.0, -np.inf, 0.0, 0.0, 0.0])}, r"dU_up\[1\]=-inf is not finite"),
    ({"heat_out": np.zeros(4)}, "heat_out"),
    ({"h_s": -1e-12}, "h_s"),
    ({"h_s": math.nan}, "h_s"),
    ({"f0_hz": 0.0}, "f0_hz"),
    ({"n_levels": 1}, "n_levels"),
])
def test_sync_step_inputs_are_checked(engine, change, match):
    kw = {"levels": np.array([0, 1, 2, 3, 1], dtype=np.int64), "n_levels": 4, "dU_up": np.zeros(5),
          "dU_dn": np.zeros(5), "barrier_kT": np.full(5, 5.0), "h_s": 1e-12, "f0_hz": F0, "heat_out": np.zeros(5)}
    kw.update(change)
    lv = kw["levels"]
    before = lv.copy()
    with pytest.raises(ParameterError, match=match) as e:
        engine(lv, kw["n_levels"], kw["dU_up"], kw["dU_dn"], kw["barrier_kT"], kw["h_s"], kw["f0_hz"],
               heat_out=kw["heat_out"])
    assert "\n" not in str(e.value)
    np.testing.assert_array_equal(lv, before)


@pytest.mark.parametrize("change, match", [
    ({"levels": np.array([0, 9, 1])}, "levels has values outside"),
    ({"optimum": np.array([0, 4, 1])}, "optimum has values outside"),
    ({"tilt_kT": np.array([1.0, np.nan, 1.0])}, r"tilt_kT\[1\]=nan is not finite"),
    ({"barrier_kT": np.array([1.0, 1.0, np.inf])}, r"barrier_kT\[2\]=inf"),
    ({"n_steps": -1}, "n_steps"),
    ({"heat_out": np.zeros(2)}, "heat_out"),
    ({"h_s": 1e-6}, "too long"),
])
def test_sync_run_v_refuses_before_any_work(change, match):
    kw = {"levels": np.array([0, 2, 1]), "optimum": np.array([1, 1, 1]), "tilt_kT": np.ones(3),
          "barrier_kT": np.ones(3), "h_s": 1e-12, "n_steps": 3, "heat_out": np.zeros(3)}
    kw.update(change)
    st = stream_states(0, 3)
    lv = kw["levels"]
    before, st0 = lv.copy(), st.copy()
    with pytest.raises(ParameterError, match=match):
        sync_run_v(lv, 4, kw["optimum"], kw["tilt_kT"], kw["barrier_kT"], kw["h_s"], F0, kw["n_steps"], st, kw["heat_out"])
    np.testing.assert_array_equal(lv, before)
    np.testing.assert_array_equal(st, st0)


@pytest.mark.parametrize("engine", _engines(), ids=["sync_step", "sync_step_par"])
def test_step_with_overflowing_rates_is_refused_before_any_change(engine):
    # f0 h = 1e-310 and an exponent of -800 kT: the rate is f0 e^800 (beyond the double range), so
    # (r_up + r_dn) h = e^(800 - 713.8) >> 1; a bound clamped at e^700 used to clear it and let the kernel move levels
    lv = np.array([3, 3, 3], dtype=np.int64)
    heat = np.full(3, 2.5)
    with pytest.raises(ParameterError, match="too long"):
        engine(lv, 8, np.array([-1600.0, 0.0, 0.0]), np.zeros(3), np.zeros(3), 1e-310, 1.0, heat_out=heat)
    np.testing.assert_array_equal(lv, [3, 3, 3])
    assert np.all(heat == 2.5)
    # f0 h = 1e-400 (underflows to 0) and e^800: the product e^-121 is fine, but the kernel's exp(800) is not a
    # double (0 * inf = NaN would never hop, inf would always hop): refused before any change, naming the exponent
    with pytest.raises(ParameterError, match="beyond the double range"):
        engine(lv, 8, np.array([-1600.0, 0.0, 0.0]), np.zeros(3), np.zeros(3), 1e-200, 1e-200, heat_out=heat)
    np.testing.assert_array_equal(lv, [3, 3, 3])
    assert np.all(heat == 2.5)
    # sync_run_v: the same two cases (tilt 1600 kT: exponent 800)
    st = stream_states(0, 3)
    for h_s, f0, match in ((1e-310, 1.0, "too long"), (1e-200, 1e-200, "beyond the double range")):
        with pytest.raises(ParameterError, match=match):
            sync_run_v(lv, 8, np.full(3, 7, dtype=np.int64), np.array([1600.0, 0.0, 0.0]), np.zeros(3), h_s, f0, 3, st,
                       heat)
        np.testing.assert_array_equal(lv, [3, 3, 3])
        assert np.all(heat == 2.5)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.uint64])
def test_levels_must_be_int64_in_every_synchronous_engine(dtype):
    # uint8 at 255 with 300 levels would wrap to 0 on an up hop while the books count +1
    lv = np.array([255 if np.iinfo(dtype).max >= 255 else 100], dtype=dtype)
    before = lv.copy()
    z = np.zeros(1)
    for call in (lambda: sync_step(lv, 300, np.array([-5.0]), z, z, 1e-12, F0),
                 lambda: sync_step_par(lv, 300, np.array([-5.0]), z, z, 1e-12, F0, stream_states(0, 1)),
                 lambda: sync_run_v(lv, 300, np.array([299]), np.ones(1), np.ones(1), 1e-12, F0, 3, stream_states(0, 1))):
        with pytest.raises(ParameterError, match="int64") as e:
            call()
        assert "\n" not in str(e.value)
        np.testing.assert_array_equal(lv, before)


@pytest.mark.parametrize("levels0, n_levels, match", [
    (np.array([0.0, 1.0]), 3, "levels0 has dtype float64"),      # refused, not truncated
    (np.array([0.5, 1.0]), 3, "levels0 has dtype float64"),
    (np.array([0, 1], dtype=np.int64), 3.7, r"n_levels=3\.7"),    # int(3.7) = 3 used to be taken silently
    (np.array([0, 1], dtype=np.int64), 3.0, r"n_levels=3\.0"),    # sync_step refuses a float n_levels too
    (np.array([0, 1], dtype=np.int64), True, "n_levels=True"),
    (np.array([0, 300], dtype=np.uint16), 256, r"levels0\[1\]=300 is outside 0..255"),
])
def test_gillespie_refuses_what_sync_step_refuses(levels0, n_levels, match):
    with pytest.raises(ParameterError, match=match) as e:
        gillespie(levels0, n_levels, [Segment(1e-9, np.zeros(3), 1.0)], seed=0)
    assert "\n" not in str(e.value)
    # the same n_levels in the synchronous step: refused with the same message
    if not isinstance(n_levels, int) or isinstance(n_levels, bool):
        with pytest.raises(ParameterError, match=match):
            sync_step(np.zeros(2, dtype=np.int64), n_levels, np.zeros(2), np.zeros(2), np.zeros(2), 1e-12, F0)
    # narrower integer types are fine here: gillespie works on an int64 copy
    r = gillespie(np.array([0, 2], dtype=np.uint8), 3, [Segment(1e-12, np.zeros(3), 5.0)], seed=0, f0_hz=F0)
    assert r.levels.dtype == np.int64 and r.levels.shape == (2,)


def test_check_array_inputs_is_the_step_validator():
    from limbound.sim.kmc import check_array_inputs
    lv = np.array([0, 1, 2], dtype=np.int64)
    assert check_array_inputs(lv, 3, np.zeros(3)) == 3
    with pytest.raises(ParameterError, match="not finite"):
        check_array_inputs(lv, 3, np.array([0.0, np.nan, 0.0]))
    with pytest.raises(ParameterError, match="int64"):
        check_array_inputs(lv.astype(np.int32), 3)
    with pytest.raises(ParameterError, match=r"n_levels=2\.5"):
        check_array_inputs(lv, 2.5)
    with pytest.raises(ParameterError, match=r"levels\[2\]=2 is outside 0..1"):
        check_array_inputs(lv, 2)
