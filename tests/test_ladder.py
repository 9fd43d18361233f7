"""Measured chips and Ising machines: sourcing rules, unit conversions checked by a second path, the ladder."""
import json
import math
import re

import pytest

from limbound import catalogs
from limbound.catalogs import Chip, energy_per_count_J
from limbound.cli import main
from limbound.errors import CatalogError, ParameterError
from limbound.report.ladder import tts99_s, workload_ladder


def test_every_row_names_its_source_and_where_it_was_read():
    for kind in ("chips", "ising_machines"):
        rows = catalogs.load(kind)
        assert len(rows) >= 6
        for key, r in rows.items():
            assert r.source.strip() and r.where_read.strip() and r.value_as_printed.strip(), key
            if r.verified:
                assert not r.where_read.upper().startswith("NOT"), key
    assert sum(c.verified for c in catalogs.load("chips").values()) >= 5
    assert sum(m.verified for m in catalogs.load("ising_machines").values()) >= 2


def test_a_verified_row_without_a_reading_is_refused():
    with pytest.raises(CatalogError):
        Chip(key="x", name="x", source="s", where_read="NOT read", value_as_printed="1", counts="operation",
             what="w", verified=True, value=1.0, unit="pJ")
    with pytest.raises(CatalogError):
        Chip(key="x", name="x", source="s", where_read="abstract", value_as_printed="relative", counts="operation",
             what="w", verified=True)


def _numbers(text):
    return [float(v) for v in re.findall(r"\d+(?:\.\d+)?", text)]


def test_second_path_hermes_both_operating_points_imply_one_chip_power():
    """63.1 TOPS at 9.76 TOPS/W and 16.1 TOPS at 2.48 TOPS/W: throughput / efficiency is the same power."""
    c = catalogs.load("chips")["ibm-hermes-pcm"]
    n = _numbers(c.value_as_printed)
    lo_tops, hi_tops, lo_eff, hi_eff = n[0], n[1], n[2], n[3]
    assert (lo_tops, hi_tops, lo_eff, hi_eff) == (16.1, 63.1, 2.48, 9.76)
    assert hi_tops / hi_eff == pytest.approx(lo_tops / lo_eff, rel=0.01)
    assert c.value == hi_eff and c.energy_per_count_J() == pytest.approx(1 / 9.76e12)


def test_second_path_sawim_energy_time_and_figure_of_merit_agree():
    """0.62 mJ in 340 us is 1.82 W; 3000 solutions/s at 1.82 W is the printed 1610 solutions/W/s."""
    m = catalogs.load("ising_machines")["sawim-50"]
    power = m.energy_to_solution_J / m.time_to_solution_s
    assert power == pytest.approx(1.82, rel=0.01)
    assert 3000 / power == pytest.approx(1610, rel=0.03)
    assert "0.62 mJ" in m.value_as_printed and "340 us" in m.value_as_printed


def test_unit_conversions_are_explicit():
    assert energy_per_count_J(0.063, "W", 30) == pytest.approx(2.1e-3)  # TrueNorth: 63 mW at 30 frames/s
    assert energy_per_count_J(5, "fJ") == pytest.approx(5e-15)
    with pytest.raises(CatalogError):
        energy_per_count_J(1.0, "TOPS")
    with pytest.raises(CatalogError):
        energy_per_count_J(1.0, "W")  # a power without a rate is not an energy per item


def test_tts99_standard_formula():
    assert tts99_s(2.0, 0.5) == pytest.approx(2.0 * math.log(0.01) / math.log(0.5))
    assert tts99_s(1.0, 0.01) == pytest.approx(458.2, rel=1e-3)  # ln 0.01 / ln 0.99
    assert tts99_s(1.0, 0.999) == 1.0 and tts99_s(1.0, 0.0) is None


def test_gpt3_ladder_order_units_and_refusals():
    rec = workload_ladder("gpt-3")
    rows = {r["rung"]: r for r in rec["rows"]}
    e = {k: r["energy_J"] for k, r in rows.items()}
    floor = next(v for k, v in e.items() if k.startswith("floor"))
    v100 = next(v for k, v in e.items() if "V100" in k)
    assert v100 == pytest.approx(3.14e23 * 300 / 125e12, rel=1e-9)  # FLOPs x board power / dense fp16 peak
    assert floor < e["estimate: lim"] < e["chip: IBM analog-AI chip, 35 million PCM devices on 34 tiles"] < v100
    assert v100 < e["published training energy of gpt-3"] == pytest.approx(1287 * 3.6e9)
    tn = rows["chip: IBM TrueNorth (1 million neurons, 256 million synapses, 28 nm)"]
    assert tn["status"] == "refused" and tn["energy_J"] is None and "apples to oranges" in tn["reason"]
    assert rows["chip: Intel Loihi (14 nm)"]["status"] == "excluded (unverified)"
    inc = {r["rung"]: r for r in workload_ladder("gpt-3", include_unverified=True)["rows"]}
    assert inc["chip: Intel Loihi (14 nm)"]["status"].startswith("UNVERIFIED refused")  # per synaptic op


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_ladder_workload_prints_sources(capsys):
    code, out, _ = run_cli(capsys, "ladder", "--workload", "gpt-3")
    assert code == 0 and "source: Le Gallo et al." in out and "refused" in out and "unverified rows excluded" in out


def test_cli_ladder_ising_on_a_gset_instance(capsys):
    from limbound.report.reproduce import find_gset_dir

    if find_gset_dir().path is None:
        pytest.skip("no G-set folder")
    code, out, err = run_cli(capsys, "ladder", "--ising", "G1", "--sweeps", "200", "--reads", "4", "--json")
    assert code == 0, err
    d = json.loads(out)
    rows = {r["rung"].split(":")[0]: r for r in d["rows"]}
    assert d["n"] == 800 and d["target_cut"] == math.ceil(0.99 * d["best_known_cut"])
    solve = next(r for r in d["rows"] if "99 %" in r["rung"])
    if solve["p_success"] > 0:
        assert solve["tts99_s"] == pytest.approx(tts99_s(solve["t_run_s"], solve["p_success"]))
    sawim = next(r for r in d["rows"] if "SAWIM" in r["rung"])
    assert sawim["status"] == "refused" and "not G1" in sawim["reason"]
    assert rows["floor"]["kind"] == "floor"
    code, out, err = run_cli(capsys, "ladder", "--ising", "G999")
    assert code == 2 and "allowed: G1" in err and err.count("\n") == 1


def test_cli_lists_the_measured_catalogs(capsys):
    code, out, _ = run_cli(capsys, "chips", "--json")
    d = json.loads(out)
    assert code == 0 and d["fn-dam"]["verified"] is True and d["loihi"]["verified"] is False
    code, out, _ = run_cli(capsys, "ising-machines")
    assert code == 0 and "sawim-50" in out


def test_second_path_gsb_ratio_matches_the_printed_two_orders_of_magnitude():
    """GSB 10 ms vs the SB machine's 1.3 s on the same 2,000-variable problem: the printed 'two orders of magnitude'."""
    m = catalogs.load("ising_machines")["gsb-2000"]
    assert "10 ms" in m.value_as_printed and "1.3 s" in m.value_as_printed
    ratio = 1.3 / m.time_to_solution_s
    assert 100 <= ratio < 1000  # 130: two orders of magnitude, not one or three
    assert m.n_spins == 2000


def test_second_path_imagine_system_efficiency_below_its_macro_peak():
    """IMAGINE: 40 TOPS/W at system level (8 b) must not exceed the 8-b macro peak 0.15 POPS/W printed beside it."""
    c = catalogs.load("chips")["imagine-cim"]
    assert "40TOPS/W" in c.value_as_printed and "0.15-8POPS/W" in c.value_as_printed
    macro_8b_tops_per_w = 0.15e3
    assert c.value < macro_8b_tops_per_w
    assert c.energy_per_count_J() == pytest.approx(1 / 40e12)  # 25 fJ per operation


def test_done_when_counts_of_verified_rows():
    """Issue 13: at least 6 verified chips and 5 verified Ising machines."""
    assert sum(c.verified for c in catalogs.load("chips").values()) >= 6
    assert sum(m.verified for m in catalogs.load("ising_machines").values()) >= 5


def test_sb_rows_on_other_instances_are_refused_not_ranked():
    m = catalogs.load("ising_machines")["sb-fpga-2000"]
    assert m.verified and m.time_to_solution_s == pytest.approx(5e-4)
    assert not re.fullmatch(r"G\d+", m.instance)  # not a G-set name: the ladder refuses to rank it against G-set runs


def test_restart_factor_has_one_home_and_both_users_agree():
    """TTS99 and the annealer's energy to solution use the same factor max(1, ln 0.01 / ln(1 - p))."""
    from limbound.counting import restarts_for_99
    assert restarts_for_99(0.5) == pytest.approx(math.log(0.01) / math.log(0.5))  # 6.644
    assert restarts_for_99(0.995) == 1.0 and restarts_for_99(0.0) is None
    with pytest.raises(ParameterError):
        restarts_for_99(1.5)
    assert tts99_s(3.0, 0.2) == pytest.approx(3.0 * math.log(0.01) / math.log(0.8))
