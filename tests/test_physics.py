"""THEORY §1-2 closed forms against independently computed reference values and properties."""
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from limbound.constants import kT, landauer_J, YEAR_S
from limbound.errors import ParameterError
from limbound.physics import (arrhenius_rate, landauer_per_op_J, lim_barrier_kT, lim_tilt_kT, retention_barrier_kT,
                              static_per_op_kT, tilted_rates, write_tilt_kT, energy_per_flop_J)

REF = tomllib.loads((Path(__file__).parent / "reference_values.toml").read_text())
K300 = REF["kT_300K"]["value"]


def test_thermal_scales():
    assert kT(300.0) == pytest.approx(REF["kT_300K"]["value"], rel=REF["kT_300K"]["rtol"])
    assert landauer_J(300.0) == pytest.approx(REF["kT_ln2_300K"]["value"], rel=REF["kT_ln2_300K"]["rtol"])


@pytest.mark.parametrize("bits,dt,quantity,value", REF["per_op"]["cases"])
def test_per_op_reference_values(bits, dt, quantity, value):
    got = {
        "lim": lambda: lim_tilt_kT(bits, dt),
        "lim_barrier": lambda: lim_barrier_kT(bits, dt),
        "landauer": lambda: landauer_per_op_J(bits, 300.0) / K300,
        "static": lambda: static_per_op_kT(bits, dt),
    }[quantity]()
    assert float(got) == pytest.approx(value, rel=REF["per_op"]["rtol"])


def test_retention_barrier():
    r = REF["retention_barrier"]
    assert float(retention_barrier_kT(10 * YEAR_S, 1e-6, 1e9)) == pytest.approx(r["value"], rel=r["rtol"])


def test_lim_one_bit_is_ln3():
    # eps = 1/4 at b = 1: D = ln(3), an exact closed form
    assert float(lim_tilt_kT(1, 1.0)) == pytest.approx(math.log(3.0), rel=1e-12)


def test_tilted_rates_detailed_balance():
    rp, rm = tilted_rates(np.array([3.0, 10.0]), np.array([2.0, 7.5]), 1e9)
    np.testing.assert_allclose(rp / rm, np.exp([2.0, 7.5]), rtol=1e-12)
    assert float(arrhenius_rate(np.log(1e9), 1e9)) == pytest.approx(1.0)


def test_lim_barrier_delivers_one_level_per_dt():
    # (r+ - r-) dt = 1 at E_b* (THEORY §2b), for a slow and a fast update
    for bits, dt in ((16, 1e-6), (8, 1e-3), (4, 1e-9)):
        d, eb = float(lim_tilt_kT(bits, dt)), float(lim_barrier_kT(bits, dt))
        rp, rm = tilted_rates(eb, d, 1e9)
        if eb > 0:
            assert (rp - rm) * dt == pytest.approx(1.0, rel=1e-9)
        else:  # speed-limited: zero barrier, tilt grown until the drift is one level per dt
            assert (rp - rm) * dt >= 1.0 - 1e-9


def test_static_write_completes_within_dt():
    # r+ dt = ln(1/d_w) at the retention barrier with the write tilt (THEORY §2c)
    dt, tret = 1e-6, 10 * YEAR_S
    d = float(write_tilt_kT(dt, tret, 1e-6, 1e-6, 1e9))
    rp, _ = tilted_rates(float(retention_barrier_kT(tret, 1e-6, 1e9)), d, 1e9)
    assert rp * dt == pytest.approx(math.log(1e6), rel=1e-9)


def test_h100_energy_per_flop():
    r = REF["h100_pj_per_flop"]
    assert energy_per_flop_J(700.0, 989.4e12) * 1e12 == pytest.approx(r["value"], rel=r["rtol"])


def test_vectorised_shapes():
    b = np.arange(1, 65)[:, None]
    dt = np.logspace(-12, 0, 7)[None, :]
    out = lim_tilt_kT(b, dt)
    assert out.shape == (64, 7) and np.all(np.isfinite(out))
    assert np.all(np.isfinite(static_per_op_kT(b, dt)))


bits_st = st.integers(1, 64)
dt_st = st.floats(1e-15, 1e6)


@settings(max_examples=200, deadline=None)
@given(bits_st, dt_st)
def test_lim_at_least_landauer_and_at_most_static(bits, dt):
    lim = float(lim_tilt_kT(bits, dt))
    assert lim >= bits * math.log(2.0) * (1 - 1e-12)
    assert lim <= float(static_per_op_kT(bits, dt)) * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(bits_st, dt_st)
def test_energies_grow_with_bits(bits, dt):
    if bits < 64:
        assert float(lim_tilt_kT(bits + 1, dt)) >= float(lim_tilt_kT(bits, dt))
        assert float(static_per_op_kT(bits + 1, dt)) >= float(static_per_op_kT(bits, dt))


@settings(max_examples=200, deadline=None)
@given(dt_st, st.floats(1.0, 1e10), st.floats(1.01, 100.0))
def test_static_write_tilt_grows_with_retention_and_speed(dt, tret, factor):
    base = float(write_tilt_kT(dt, tret))
    assert float(write_tilt_kT(dt, tret * factor)) > base  # longer retention: strictly more
    assert float(write_tilt_kT(dt / factor, tret)) > base  # faster write: strictly more


@settings(max_examples=100, deadline=None)
@given(bits_st, dt_st, st.floats(1.01, 100.0))
def test_lim_never_decreases_as_updates_speed_up(bits, dt, factor):
    assert float(lim_tilt_kT(bits, dt / factor)) >= float(lim_tilt_kT(bits, dt))


@pytest.mark.parametrize("call", [
    lambda: lim_tilt_kT(0, 1e-6), lambda: lim_tilt_kT(65, 1e-6), lambda: lim_tilt_kT(2.5, 1e-6),
    lambda: lim_tilt_kT(16, -1.0), lambda: lim_tilt_kT(16, float("nan")), lambda: lim_tilt_kT(16, float("inf")),
    lambda: lim_tilt_kT(16, 0.0), lambda: kT(0.0), lambda: kT(-3.0),
    lambda: retention_barrier_kT(1.0, 1.5), lambda: retention_barrier_kT(1.0, 0.0),
    lambda: write_tilt_kT(1e-6, d_w=1.0), lambda: energy_per_flop_J(-1, 1e12),
])
def test_bad_inputs_raise_one_line(call):
    with pytest.raises(ParameterError) as info:
        call()
    assert "\n" not in str(info.value) and "allowed" in str(info.value)


def test_static_write_regime_flag():
    from limbound.physics.static import write_arrhenius_valid
    # boundary dt = ln(1e6)/1e9 = 13.8 ns; below it the write tilt exceeds twice the retention barrier
    assert bool(write_arrhenius_valid(1e-6)) and not bool(write_arrhenius_valid(1e-12))
    e_ret = float(retention_barrier_kT(10 * YEAR_S, 1e-6, 1e9))
    assert float(write_tilt_kT(1e-12)) > 2 * e_ret and float(write_tilt_kT(1e-6)) < 2 * e_ret
