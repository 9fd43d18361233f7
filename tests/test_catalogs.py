"""The shipped catalogs: coverage, sources, validation, and consistency with FACTS.md derived ratios."""
import pytest

from limbound import catalogs
from limbound.catalogs import _validate
from limbound.errors import CatalogError, ParameterError


def test_coverage():
    w = catalogs.load("workloads")
    trained = [x for x in w.values() if not x.scenario]
    assert len(trained) >= 12
    assert min(x.params for x in trained) <= 1e6 and max(x.params for x in trained) >= 1e12
    assert "gpt-3" in w and "brain-scale" in w and w["brain-scale"].params == 1e15
    hw = catalogs.load("hardware")
    assert {"v100", "a100", "h100-sxm", "h200", "b200", "tpu-v4", "tpu-v5p"} <= set(hw)
    dev = catalogs.load("devices")
    assert {"sram", "dram", "nand-flash", "nor-flash", "reram", "pcm", "stt-mram", "fefet", "fn-dam"} <= set(dev)


def test_every_row_has_a_source():
    for kind in ("workloads", "hardware", "devices"):
        for key, row in catalogs.load(kind).items():
            assert len(row.source) > 10, (kind, key)


@pytest.mark.parametrize("key,pj", [("v100", 2.4), ("a100", 1.28), ("h100-sxm", 0.71), ("b200", 0.44)])
def test_energy_per_flop_matches_facts_table_b(key, pj):
    # FACTS.md Table B "pJ/FLOP (derived)" column, computed there by hand (two decimals)
    prec = "fp16" if key == "v100" else "bf16"
    assert catalogs.accelerator(key).energy_per_flop_J(prec) * 1e12 == pytest.approx(pj, abs=0.005)  # FACTS rounds to 0.01 pJ


def test_best_bf16_part_is_b200():
    assert catalogs.best_accelerator("bf16").key == "b200"


def test_measured_energy_per_flop_matches_facts_ratios():
    # FACTS.md "Useful derived ratios": GPT-3 14.8 pJ/FLOP, LLaMA-65B 2.9 pJ/FLOP
    g = catalogs.workload("gpt-3")
    assert g.measured_energy_J / g.flops * 1e12 == pytest.approx(14.8, rel=0.01)
    w = catalogs.workload("llama-65b")
    assert w.measured_energy_J / w.flops * 1e12 == pytest.approx(2.9, rel=0.02)


def test_stt_mram_barrier_matches_retention_formula():
    from limbound.physics import retention_barrier_kT
    d = catalogs.device("stt-mram")
    assert float(retention_barrier_kT(d.retention_s_min, 1e-6, 1 / d.attempt_time_s)) == pytest.approx(d.barrier_kT, abs=0.2)


def test_validation_refuses_bad_rows():
    with pytest.raises(CatalogError, match="unknown field"):
        _validate("workloads", "x", {"params": 1.0, "source": "s", "energy": 3})
    with pytest.raises(CatalogError, match="source"):
        _validate("workloads", "x", {"params": 1.0})
    with pytest.raises(CatalogError, match="> 0"):
        _validate("hardware", "x", {"name": "n", "source": "s", "power_W": -5})
    with pytest.raises(ParameterError, match="^kind='recipes' is unknown;.* allowed: workloads, hardware, devices"):
        catalogs.load("recipes")  # the declared catalogs (limbound.specs.CATALOG)
