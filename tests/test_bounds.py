"""Energy-to-solution against the seeds' headline claims (THEORY §4-5)."""
import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limbound import bounds, catalogs
from limbound.counting import operations, training_flops, update_time_s, updates_for_convergence
from limbound.errors import CatalogError, ParameterError

REF = tomllib.loads((Path(__file__).parent / "reference_values.toml").read_text())


def test_brain_scale_point():
    r = REF["brain_scale"]
    x = bounds.resolve(params=1e15, tokens=1e12, bits=16, time_s=30 * 86400, accelerator="h100-sxm")
    est = bounds.estimate(x)
    assert est["lim"].energy_J == pytest.approx(r["lim_J"], rel=r["rtol"])
    assert est["landauer"].energy_J == pytest.approx(r["landauer_J"], rel=r["rtol"])
    assert est["accelerator"].energy_J == pytest.approx(r["accelerator_J"], rel=r["rtol"])
    # the catalog scenario is the same point
    y = bounds.resolve(workload="brain-scale", accelerator="h100-sxm")
    assert bounds.energy_to_solution(y, "lim").energy_J == pytest.approx(est["lim"].energy_J, rel=1e-12)


def test_brain_scale_band_matches_paper():
    r = REF["brain_scale_band"]
    band = bounds.brain_scale_band(accelerator="h100-sxm")
    assert band["min"]["lim"] == pytest.approx(r["lim_min_J"], rel=r["rtol"])
    assert band["max"]["lim"] == pytest.approx(r["lim_max_J"], rel=r["rtol"])
    # the seeds: LIM 1e8..1e9 J (band edges), Landauer the same order, accelerator 6-7 orders above
    assert 10**7.9 < band["min"]["lim"] and band["max"]["lim"] < 10**9.3
    for p in band["points"]:
        assert abs(math.log10(p["lim"] / p["landauer"])) < 1.0
        assert r["log10_ratio_min"] < math.log10(p["accelerator_over_lim"]) < r["log10_ratio_max"]


def test_walls_add_up_and_are_labelled():
    x = bounds.resolve(params=1e9, tokens=1e10, consolidations=10)
    for name, b in bounds.estimate(x).items():
        d = b.as_dict()
        w = d["walls"]
        assert d["energy_J"] == pytest.approx(w["memory_J"] + w["update_J"] + w["consolidation_J"])
        assert d["energy_kWh"] == pytest.approx(d["energy_J"] / 3.6e6)
        assert d["sources"], name
    st_ = bounds.energy_to_solution(x, "static_cim")
    assert st_.consolidation_J == 0.0  # weights live in the non-volatile array (THEORY §4)
    # volatile CIM's consolidation wall: n_cons N (b kT ln2 + e_static per word), THEORY §2c'
    vol = bounds.energy_to_solution(x, "volatile_cim")
    # by hand: dt = 30 d x 1e9 / 6e19 = 4.32e-5 s; e_static = D_w = 2 ln(T_ret ln(1/d_w)/(d_ret dt)) =
    # 2 ln(315576000 x 13.815511 / (1e-6 x 4.32e-5)) = 92.122 kT (> D_prec = 11.783) = 3.8157e-19 J
    assert x.ops == pytest.approx(6e19) and 30 * 86400 * 1e9 / 6e19 == pytest.approx(4.32e-5)
    d_w = 2 * math.log(315576000 * math.log(1e6) / (1e-6 * 4.32e-5))
    assert d_w == pytest.approx(92.122, abs=1e-3)
    kt = 1.380649e-23 * 300
    expected = 10 * 1e9 * (16 * kt * math.log(2) + d_w * kt)     # n_cons N (b kT ln2 + e_static), THEORY §2c'
    assert vol.consolidation_J == pytest.approx(expected, rel=1e-6)
    assert vol.consolidation_J == pytest.approx(4.2750e-9, rel=1e-4)   # the same, as a number


def test_every_accelerator_bound_below_every_published_energy():
    measured = {k: w for k, w in catalogs.load("workloads").items() if w.measured_energy_J}
    assert "gpt-3" in measured and measured["gpt-3"].measured_energy_J == pytest.approx(1287 * 3.6e9)
    usable = [a for a in catalogs.load("hardware").values() if a.power_W and a.peak_bf16_flops]
    for key, w in measured.items():
        for acc in usable:
            x = bounds.resolve(workload=key, accelerator=acc.key)
            assert bounds.energy_to_solution(x, "accelerator").energy_J < w.measured_energy_J, (key, acc.key)


def test_gap_orders():
    x = bounds.resolve(workload="gpt-3", accelerator="v100", precision="fp16")
    g = bounds.gap_orders(1287 * 3.6e9, x)
    # GPT-3 on V100: 14.8 pJ/FLOP measured vs 2.4 pJ/FLOP bound (FACTS.md Table A/B): log10(6.2) = 0.79
    assert g["accelerator"] == pytest.approx(math.log10(4.6332e12 / (3.14e23 * 300 / 125e12)), abs=1e-9)
    assert 0.7 < g["accelerator"] < 0.9


def test_counting_conventions():
    assert training_flops(1e9, 1e10) == 6e19
    assert operations(1e9, tokens=1e10) == 6e19
    assert operations(1e9, counting="per-update", tokens=1e10, batch_tokens=1e6) == 1e9 * 1e4
    assert update_time_s(10.0, 100, 1000) == 1.0
    x = bounds.resolve(workload="gpt-3", counting="per-update")
    assert x.ops == pytest.approx(1.75e11 * 3.0e11 / 3.2e6)
    assert x.flops == 3.14e23  # the accelerator still pays for the FLOPs


def test_convergence_classes():
    assert updates_for_convergence("linear", 16, kappa=10.0) == pytest.approx(10 * 16 * math.log(2))
    assert updates_for_convergence("sublinear", 8, C=2.0) == 512.0
    assert updates_for_convergence("stochastic", 8) == 65536.0
    with pytest.raises(ParameterError):
        updates_for_convergence("linear", 8)
    with pytest.raises(ParameterError):
        updates_for_convergence("superlinear", 8)


@settings(max_examples=100, deadline=None)
@given(st.floats(1e3, 1e16), st.floats(1e6, 1e14), st.integers(1, 63), st.floats(1.5, 100.0))
def test_energy_never_decreases_with_bits_or_ops(params, tokens, bits, factor):
    x = bounds.resolve(params=params, tokens=tokens, bits=bits, time_s=1e6)
    x_b = bounds.resolve(params=params, tokens=tokens, bits=bits + 1, time_s=1e6)
    x_o = bounds.resolve(params=params, tokens=tokens * factor, bits=bits, time_s=1e6)
    for p in ("landauer", "lim", "static_cim"):
        e = bounds.energy_to_solution(x, p).energy_J
        assert bounds.energy_to_solution(x_b, p).energy_J >= e
        assert bounds.energy_to_solution(x_o, p).energy_J >= e
    lim, lan = (bounds.energy_to_solution(x, p).energy_J for p in ("lim", "landauer"))
    assert lim >= lan * (1 - 1e-12)
    assert lim <= bounds.energy_to_solution(x, "static_cim").energy_J * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-3, 1e3))
def test_static_grows_with_retention(factor_years):
    a = bounds.resolve(params=1e9, tokens=1e10, retention_s=3.15e7 * factor_years)
    b = bounds.resolve(params=1e9, tokens=1e10, retention_s=3.15e7 * factor_years * 2)
    assert bounds.energy_to_solution(b, "static_cim").energy_J > bounds.energy_to_solution(a, "static_cim").energy_J


@pytest.mark.parametrize("kw", [
    dict(params=0, tokens=1e9), dict(params=-1, tokens=1e9), dict(params=float("nan"), tokens=1e9),
    dict(params=float("inf"), tokens=1e9), dict(params=1e9), dict(params=1e9, tokens=1e9, bits=0),
    dict(params=1e9, tokens=1e9, bits=65), dict(params=1e9, tokens=1e9, temperature_K=0), dict(params=1e9, tokens=1e9, temperature_K=-1),
    dict(params=1e9, tokens=1e9, d_ret=1.0), dict(params=1e9, tokens=1e9, d_w=0.0), dict(params=1e9, tokens=1e9, eps=2.0),
    dict(params=1e9, tokens=1e9, time_s=0), dict(params=1e9, tokens=1e9, counting="per-flop"),
    dict(params=1e9, flops=1e19, counting="per-update"),
])
def test_bad_inputs(kw):
    with pytest.raises(ParameterError) as info:
        bounds.resolve(**kw)
    assert "\n" not in str(info.value)


def test_unknown_names():
    with pytest.raises(CatalogError, match="allowed"):
        bounds.resolve(workload="gpt-5")
    with pytest.raises(CatalogError, match="allowed"):
        bounds.resolve(params=1e9, tokens=1e9, accelerator="h1000")
    with pytest.raises(CatalogError, match="power not published"):
        bounds.resolve(params=1e9, tokens=1e9, accelerator="tpu-v5p")
    with pytest.raises(ParameterError):
        bounds.energy_to_solution(bounds.resolve(params=1e9, tokens=1e9), "quantum")


def test_device_paradigm():
    # FN-DAM at 5 fJ per update-bit (Rahman et al. 2022): GPT-3's 3.14e23 ops x 16 bits x 5e-15 J = 2.512e10 J
    x = bounds.resolve(workload="gpt-3", device="fn-dam")
    b = bounds.estimate(x)["device"]
    assert b.energy_J == pytest.approx(3.14e23 * 16 * 5e-15, rel=1e-12)
    assert "device" not in bounds.estimate(bounds.resolve(workload="gpt-3"))
    # PCM cannot write within GPT-3's dt = 0.71 us?  its 50 ns write is fast enough; SRAM too; NAND (0.1 ms) is not
    assert bounds.energy_to_solution(bounds.resolve(workload="gpt-3", device="nand-flash"), "device").extras["write_time_feasible"] is False
    assert bounds.energy_to_solution(bounds.resolve(workload="gpt-3", device="pcm"), "device").extras["write_time_feasible"] is True
    with pytest.raises(CatalogError):
        bounds.resolve(workload="gpt-3", device="floppy")


@pytest.mark.parametrize("paradigm", list(bounds.REGISTRY))
def test_every_paradigm_fills_the_same_fields(paradigm):
    x = bounds.resolve(params=1e9, tokens=1e10, device="reram")
    d = bounds.energy_to_solution(x, paradigm).as_dict()
    for key in ("paradigm", "energy_J", "energy_kWh", "energy_kT", "per_op_J", "per_op_kT", "walls", "assumptions", "sources"):
        assert key in d, key
    assert d["energy_J"] > 0 and math.isfinite(d["energy_J"]) and d["per_op_kT"] > 0


def test_price_counts_prices_each_count_at_the_registry_per_op_estimate():
    """Counted operations (solver runs) are priced by the same estimates as a workload (one pricing path)."""
    from scipy import constants as sc

    p = bounds.price_counts({"landauer": 3, "lim": 5, "accelerator": 7}, bits=4, dt_s=1e-6, temperature_K=300.0)
    assert p["landauer"][0] == pytest.approx(3 * 4 * sc.k * 300.0 * math.log(2), rel=1e-12)  # 3 x b kT ln 2
    # a workload with the same per-update time (dt = time N / OPS = 1e-6 s) prices one LIM update alike
    x = bounds.resolve(params=1e3, ops=1e9, bits=4, time_s=1.0, temperature_K=300.0, accelerator=bounds.REFERENCE_ACCELERATOR)
    assert p["lim"][0] == pytest.approx(5 * bounds.energy_to_solution(x, "lim").per_op_J, rel=1e-12)
    assert p["accelerator"][1].extras["accelerator"] == "h100-sxm"
    assert p["accelerator"][0] == pytest.approx(7 * 700.0 / 989.4e12, rel=1e-9)  # H100 SXM: 700 W at 989.4 TFLOP/s BF16
