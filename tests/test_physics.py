"""THEORY §1-2 closed forms against independently computed reference values and properties."""
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limbound.constants import YEAR_S, kT, landauer_J
from limbound.errors import ParameterError
from limbound.physics import (
    arrhenius_rate,
    energy_per_flop_J,
    landauer_per_op_J,
    lim_barrier_kT,
    lim_tilt_kT,
    retention_barrier_kT,
    static_per_op_kT,
    tilted_rates,
    write_tilt_kT,
)

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
    # Arrhenius (THEORY §1): E_b = 20 kT at f0 = 1e9 /s -> 1e9 e^-20 = 2.0611536e0 /s
    assert float(arrhenius_rate(20.0, 1e9)) == pytest.approx(2.061153622438558, rel=1e-12)


# Hand-computed values (python's math module on THEORY §2b-c's closed forms; not the package's code):
#   D_prec = ln(2^(b+1) - 1); E_b* = ln(2 f0 dt sinh(D/2)); D_w = 2 ln(T_ret ln(1/d_w) / (d_ret dt))
#   b=16, dt=1 us: D = 11.783494, E_b* = 12.799495 (THEORY §5: 12.80)
#   b=8,  dt=1 ms: D = 6.236370,  E_b* = 16.931736
#   b=4,  dt=1 ns: D = 3.433987,  E_b* = 1.684204
#   b=16, dt=1 ps: D_speed = 2 asinh(1/(2e-3)) = 13.815513 (THEORY §5: 13.82; barrier 0)
#   D_w(10 y Julian, 1e-6, 1e-6): 99.653446 at 1 us (THEORY §5: 99.65), 85.837936 at 1 ms
@pytest.mark.parametrize("bits,dt,D,Eb", [(16, 1e-6, 11.783494, 12.799495), (8, 1e-3, 6.236370, 16.931736),
                                          (4, 1e-9, 3.433987, 1.684204)])
def test_lim_tilt_and_barrier_hand_values(bits, dt, D, Eb):
    assert float(lim_tilt_kT(bits, dt)) == pytest.approx(D, abs=2e-6)
    assert float(lim_barrier_kT(bits, dt)) == pytest.approx(Eb, abs=2e-6)


def test_lim_speed_limited_hand_value():
    assert float(lim_tilt_kT(16, 1e-12)) == pytest.approx(13.815513, abs=2e-6)
    assert float(lim_barrier_kT(16, 1e-12)) <= 0.0          # barrier-free: the tilt alone delivers the drift


def test_tilted_rates_hand_values():
    # r+- = f0 exp(-(E_b -+ D/2)) (THEORY §1): E_b = 10, D = 4 -> f0 e^-8, f0 e^-12
    rp, rm = tilted_rates(10.0, 4.0, 1e9)
    assert float(rp) == pytest.approx(1e9 * 3.3546262790251185e-04, rel=1e-12)   # e^-8
    assert float(rm) == pytest.approx(1e9 * 6.1442123533282098e-06, rel=1e-12)   # e^-12


@pytest.mark.parametrize("dt,value", [(1e-6, 99.653446), (1e-3, 85.837936)])
def test_static_write_tilt_hand_values(dt, value):
    assert float(write_tilt_kT(dt, 10 * YEAR_S, 1e-6, d_w=1e-6, f0_hz=1e9)) == pytest.approx(value, abs=2e-6)


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
