"""Uncertainty propagation: Monte Carlo against exact distributions, Sobol against known indices, the CLI."""
import json
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from limbound import bounds
from limbound.cli import main
from limbound.errors import ParameterError
from limbound.uncertainty import Dist, Problem, bands, evaluate, monte_carlo, sobol, sobol_indices, tornado


def irwin_hall3_cdf(x):
    """CDF of the sum of three independent U(0,1) (Irwin-Hall, n = 3), written out piecewise."""
    if x <= 0:
        return 0.0
    if x <= 1:
        return x**3 / 6
    if x <= 2:
        return (-2 * x**3 + 9 * x**2 - 9 * x + 3) / 6
    if x <= 3:
        return 1 - (3 - x) ** 3 / 6
    return 1.0


def _irwin_hall_gap(kind="loguniform"):
    """Largest quantile error of log10(6 N D e_FLOP) against Irwin-Hall (n = 3), inputs one decade wide each."""
    p = Problem(fixed={"bits": 16, "time_s": 86400.0},
                uncertain={"params": Dist(kind, (1e9, 1e10)), "tokens": Dist(kind, (1e11, 1e12)),
                           "e_flop_J": Dist(kind, (1e-13, 1e-12))})
    s = monte_carlo(p, samples=100_000, seed=3)
    z = np.log10(s["accelerator"]) - math.log10(6 * 1e9 * 1e11 * 1e-13)
    gaps = [abs(np.quantile(z, q) - brentq(lambda x, q=q: irwin_hall3_cdf(x) - q, 0.0, 3.0))
            for q in (0.05, 0.25, 0.5, 0.75, 0.95)]
    return max(gaps), s


def test_monte_carlo_product_of_log_uniforms_matches_irwin_hall():
    """accelerator energy = 6 N D e_FLOP: with N, D, e_FLOP log-uniform over one decade each,
    log10(E) - log10(6 N_lo D_lo e_lo) is a sum of three U(0,1): Irwin-Hall with n = 3
    (quantile standard error at 1e5 samples about 0.003)."""
    gap, s = _irwin_hall_gap()
    assert gap < 0.02
    b = bands(s)["accelerator"]
    assert b["kind"] == "estimate" and b["p5"] < b["median"] < b["p95"]


def test_mutation_uniform_instead_of_log_uniform_fails_the_irwin_hall_check():
    """A sampler that drew the ranges uniformly (a plausible bug) is caught by the same check."""
    gap, _ = _irwin_hall_gap("uniform")
    assert gap > 0.1


def test_monte_carlo_is_seeded():
    p = Problem(fixed={"workload": "brain-scale"}, uncertain={"tokens": Dist("loguniform", (3e11, 3e12))})
    a = bands(monte_carlo(p, samples=1000, seed=7))
    b = bands(monte_carlo(p, samples=1000, seed=7))
    c = bands(monte_carlo(p, samples=1000, seed=8))
    assert a == b and a != c


@pytest.mark.parametrize("fixed", [
    {"workload": "brain-scale"},
    {"workload": "gpt-3", "counting": "per-update", "bits": 8},
    {"params": 1e9, "ops": 1e18, "flops": 2e18, "bits": 4, "time_s": 1e3, "f0_hz": 1e6},
    {"params": 1e9, "tokens": 1e10, "bits": 12, "consolidations": 100.0, "device": "reram", "temperature_K": 350.0},
    {"workload": "brain-scale", "temperature_K": 4.0},  # cryogenic: both sides include the Carnot wall in the floor
])
def test_point_inputs_reproduce_bounds_estimate(fixed):
    """With no uncertain input the vectorised model equals bounds.estimate, paradigm by paradigm (conformance)."""
    p = Problem(fixed=fixed, uncertain={})
    out = evaluate(p, {})
    est = bounds.estimate(bounds.resolve(**fixed))
    for name, b in est.items():
        assert float(out[name]) == pytest.approx(b.energy_J, rel=1e-12), name
    assert float(out["floor_second_law"]) == pytest.approx(est["landauer"].extras["final_state_floor_J"], rel=1e-12)
    assert float(out["accelerator_over_lim"]) == pytest.approx(est["accelerator"].energy_J / est["lim"].energy_J, rel=1e-12)


def test_vectorised_model_equals_pointwise_estimates():
    p = Problem(fixed={"params": 1e12, "time_s": 1e6}, uncertain={"tokens": Dist("loguniform", (1e9, 1e13)),
                                                                   "bits": Dist("integer", (2, 40))})
    vals = {"tokens": np.array([1e9, 3e10, 1e13]), "bits": np.array([2.0, 17.0, 40.0])}
    out = evaluate(p, vals)
    for i in range(3):
        est = bounds.estimate(bounds.resolve(params=1e12, time_s=1e6, tokens=vals["tokens"][i], bits=int(vals["bits"][i])))
        for name in ("landauer", "lim", "static_cim", "accelerator"):
            assert out[name][i] == pytest.approx(est[name].energy_J, rel=1e-12)


def test_distributions_map_quantiles_exactly():
    assert Dist("uniform", (2, 4)).ppf(0.25) == pytest.approx(2.5)
    assert Dist("loguniform", (1e2, 1e4)).median == pytest.approx(1e3)
    assert set(Dist("integer", (16, 18)).ppf(np.linspace(0, 1, 1001)).tolist()) == {16.0, 17.0, 18.0}
    t = Dist("triangular", (0, 1, 4))  # CDF at the mode is (mode - lo)/(hi - lo) = 1/4
    assert t.ppf(0.25) == pytest.approx(1.0)
    assert Dist("normal", (10, 2)).ppf(0.8413447460685429) == pytest.approx(12.0)
    assert Dist("lognormal", (1e9, math.log(10))).ppf(0.8413447460685429) == pytest.approx(1e10)


@pytest.mark.parametrize("kind, params, name", [
    ("uniform", (5, 1), "tokens"), ("loguniform", (0, 1), "tokens"), ("normal", (1, 1), "tokens"),
    ("uniform", (0.5, 1.5), "d_ret"), ("loguniform", (16, 32), "bits"), ("integer", (0, 8), "bits"),
    ("lognormal", (-1, 1), "f0_hz"), ("triangular", (1, 5, 3), "tokens"),
])
def test_bad_distributions_are_refused_in_one_line(kind, params, name):
    with pytest.raises(ParameterError) as e:
        Problem(fixed={"params": 1e9}, uncertain={name: Dist(kind, params)})
    assert "\n" not in str(e.value)


def ishigami(x1, x2, x3, a=7.0, b=0.1):
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_sobol_indices_on_ishigami_match_the_analytic_values():
    """Ishigami & Homma (1990); analytic variances e.g. Sobol' & Levitan (1999): a = 7, b = 0.1."""
    pytest.importorskip("SALib")
    a, b, pi = 7.0, 0.1, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = {"x1": v1 / v, "x2": v2 / v, "x3": 0.0}
    st = {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}
    d = {k: Dist("uniform", (-pi, pi)) for k in ("x1", "x2", "x3")}
    res = sobol_indices(lambda x: {"y": ishigami(x["x1"], x["x2"], x["x3"])}, d, base_samples=8192, seed=1)["y"]
    for k in d:
        assert res["S1"][k] == pytest.approx(s1[k], abs=0.03), k
        assert res["ST"][k] == pytest.approx(st[k], abs=0.03), k
    # the first-order indices sum to 1 - S13 (the only interaction), the totals to 1 + S13
    assert sum(res["S1"].values()) == pytest.approx(1 - v13 / v, abs=0.04)
    assert sum(res["ST"].values()) == pytest.approx(1 + v13 / v, abs=0.04)


def test_sobol_indices_of_an_additive_model_sum_to_one():
    pytest.importorskip("SALib")
    d = {"u": Dist("uniform", (0, 1)), "w": Dist("uniform", (0, 1))}
    res = sobol_indices(lambda x: {"y": 1.0 * x["u"] + 2.0 * x["w"]}, d, base_samples=4096, seed=0)["y"]
    assert res["S1"]["u"] == pytest.approx(0.2, abs=0.02) and res["S1"]["w"] == pytest.approx(0.8, abs=0.02)
    assert sum(res["ST"].values()) == pytest.approx(1.0, abs=0.03)


def test_brain_scale_indices_follow_the_model():
    """accelerator = 6 N D e_FLOP does not depend on bits; accelerator/LIM does not depend on tokens
    (both scale with D), only on bits through e_LIM ~ kT ln 2^(b+1)."""
    pytest.importorskip("SALib")
    p = Problem(fixed={"workload": "brain-scale"},
                uncertain={"tokens": Dist("loguniform", (3e11, 3e12)), "bits": Dist("integer", (16, 32))})
    s = sobol(p, base_samples=1024, seed=0)
    assert s["accelerator"]["ST"]["tokens"] == pytest.approx(1.0, abs=0.02)
    assert s["accelerator"]["ST"]["bits"] == pytest.approx(0.0, abs=0.02)
    assert s["accelerator_over_lim"]["ST"]["bits"] == pytest.approx(1.0, abs=0.02)
    rows = tornado(p, "lim")
    assert rows[0][0] == "tokens"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_brain_scale_bands_and_sobol(capsys, tmp_path):
    pytest.importorskip("SALib")
    csv_path = tmp_path / "bands.csv"
    code, out, err = run_cli(capsys, "estimate", "--workload", "brain-scale", "--tokens", "3e11..3e12", "--bits", "16..32",
                             "--attempt-frequency", "1e8..1e12/s", "--json", "--sobol-samples", "512", "--csv", str(csv_path))
    assert code == 0, err
    d = json.loads(out)
    assert d["uncertain_inputs"]["f0_hz"].startswith("loguniform(1e+08, 1e+12")
    assert d["uncertain_inputs"]["bits"].startswith("integer(16, 32")
    lim = d["bands"]["lim"]
    assert lim["kind"] == "estimate" and d["bands"]["floor"]["kind"] == "floor"
    # THEORY §5: LIM 8.8e7 .. 1.7e9 J over the corners of the band; the 5-95 % band sits inside
    assert 8.8e7 <= lim["p5"] < lim["median"] < lim["p95"] <= 1.7e9
    assert d["bands"]["accelerator_over_lim"]["p5"] > 1e6
    assert set(d["sobol"]["indices"]["lim"]["ST"]) == {"tokens", "bits", "f0_hz"}
    assert csv_path.read_text().startswith("output,kind,median,p5,p95,mean,ST_tokens")


@pytest.mark.parametrize("argv, needle", [
    (["--tokens", "3e12..3e11"], "low must be < high"),
    (["--bits", "16..80"], "bits"),
    (["--attempt-frequency", "1e8..1e12/parsec"], "--attempt-frequency"),
    (["--tokens", "gamma(1,2)"], "unknown"),
    (["--retention-failure", "uniform(0.5,2)"], "0 < p < 1"),
])
def test_cli_bad_ranges_are_one_line_exit_2(capsys, argv, needle):
    code, out, err = run_cli(capsys, "estimate", "--workload", "brain-scale", "--no-sobol", *argv)
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1


def test_uncertainty_toml_with_a_catalog_range(capsys, tmp_path):
    f = tmp_path / "u.toml"
    f.write_text('[inputs.device_write_energy_J]\ncatalog = "devices"\nrow = "reram"\nfield = "write_energy_J"\n'
                 '[inputs.time_s]\ndistribution = "triangular"\nlow = 1e6\nmode = 2.6e6\nhigh = 5e6\n')
    code, out, err = run_cli(capsys, "estimate", "--workload", "brain-scale", "--device", "reram", "--uncertainty", str(f),
                             "--no-sobol", "--samples", "2000", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert "devices [reram]" in d["uncertain_inputs"]["device_write_energy_J"]
    assert d["bands"]["device"]["p5"] < d["bands"]["device"]["p95"]
    f.write_text('[inputs.tokens]\ndistribution = "normal"\nmean = 1e12\n')
    code, out, err = run_cli(capsys, "estimate", "--workload", "brain-scale", "--uncertainty", str(f), "--no-sobol")
    assert code == 2 and "takes exactly mean, sd" in err


def test_cooling_makes_a_cryogenic_kT_memory_cost_what_it_costs_at_ambient():
    """Q + Q (T_amb/T - 1) = Q T_amb / T: the kT-scaled paradigms cost at 4 K (plus Carnot cooling to 300 K)
    exactly what they cost at 300 K; the accelerator (a room-temperature figure) is unchanged."""
    warm = bounds.estimate(bounds.resolve(workload="brain-scale"))
    cold = bounds.estimate(bounds.resolve(workload="brain-scale", temperature_K=4.0, T_ambient_K=300.0))
    for p in ("landauer", "lim", "static_cim"):
        assert cold[p].energy_J == pytest.approx(warm[p].energy_J, rel=1e-12), p
        assert cold[p].cooling_J == pytest.approx(74.0 * (cold[p].energy_J - cold[p].cooling_J), rel=1e-12)
        assert any("Carnot" in a for a in cold[p].assumptions)
    assert cold["accelerator"].energy_J == warm["accelerator"].energy_J and cold["accelerator"].cooling_J == 0.0
    hot = bounds.estimate(bounds.resolve(workload="brain-scale", temperature_K=350.0))
    assert all(b.cooling_J == 0.0 for b in hot.values())  # above ambient: the heat flows out by itself


def test_cooling_in_the_monte_carlo_matches_bounds():
    p = Problem(fixed={"workload": "brain-scale", "temperature_K": 4.0}, uncertain={"T_ambient_K": Dist("uniform", (250.0, 350.0))})
    out = evaluate(p, {"T_ambient_K": np.array([300.0])})
    cold = bounds.estimate(bounds.resolve(workload="brain-scale", temperature_K=4.0))
    assert float(out["lim"][0]) == pytest.approx(cold["lim"].energy_J, rel=1e-12)
    floor = float(out["floor"][0])  # second-law floor paid at the wall: N b k T_amb ln 2 (+ the speed term)
    assert floor >= 1e15 * 16 * 1.380649e-23 * 300.0 * math.log(2) * (1 - 1e-12)


def test_cli_cryogenic_estimate_shows_the_cooling_wall(capsys):
    code, out, _ = run_cli(capsys, "estimate", "--workload", "brain-scale", "--temperature", "4K", "--json")
    d = json.loads(out)
    assert code == 0 and d["paradigms"]["lim"]["walls"]["cooling_J"] > 0 and d["inputs"]["T_ambient_K"] == 300.0
    code, out, err = run_cli(capsys, "estimate", "--workload", "brain-scale", "--ambient", "0K")
    assert code == 2 and "--ambient" in err


def test_gap_with_ranges_gives_orders_bands(capsys):
    code, out, err = run_cli(capsys, "gap", "--workload", "gpt-3", "--bits", "8..32", "--no-sobol", "--samples", "1000", "--json")
    assert code == 0, err
    d = json.loads(out)
    lim = d["bands"]["orders_above_lim"]
    assert lim["kind"] == "orders" and 8 < lim["p5"] < lim["p95"] < 12


def test_reproduce_band_and_tornado_panels(tmp_path):
    pytest.importorskip("matplotlib")
    from limbound.report import reproduce as rp

    res = rp.reproduce(tmp_path, quick=True, only=("g", "h"), progress=False)
    assert [p.key for p in res.panels if p.ok] == ["g", "h"]
    for key in ("g", "h"):
        assert (tmp_path / "figures" / rp.FIG_FILES[key]).stat().st_size > 10_000
    g = {r["output"]: r for r in next(p for p in res.panels if p.key == "g").table}
    assert 8.8e7 <= g["lim"]["p5"] < g["lim"]["p95"] <= 1.7e9 and g["floor"]["kind"] == "floor"
    h = next(p for p in res.panels if p.key == "h")
    first = [r for r in h.table if r["output"] == "lim"][0]
    assert first["input"] == "tokens"  # LIM ~ D: the token count swings it most


def test_final_state_floor_pays_the_cooling_wall_below_ambient():
    """At 4 K with a 300 K ambient the final-state floor N b kT ln2 (kT at 4 K) is multiplied by T_amb/T = 75."""
    import math

    from limbound.constants import k_B as K_B
    est = bounds.estimate(bounds.resolve(params=1e9, tokens=1e10, bits=8, temperature_K=4.0))
    heat = 1e9 * 8 * K_B * 4.0 * math.log(2)
    ex = est["landauer"].extras
    assert ex["final_state_floor_heat_J"] == pytest.approx(heat, rel=1e-9)
    assert ex["final_state_floor_J"] == pytest.approx(heat * 75.0, rel=1e-9)
    warm = bounds.estimate(bounds.resolve(params=1e9, tokens=1e10, bits=8))["landauer"].extras
    assert "final_state_floor_cooling_J" not in warm  # at the ambient there is no wall
