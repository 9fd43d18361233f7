"""`limbound estimate`: the volatile_cim paradigm (THEORY §2c', §4) and the floors block (§8a), recomputed by
hand from the formulas (not from the code), and the estimate/floor vocabulary of the output."""
import json
import math

import pytest

from limbound import bounds
from limbound.cli import main
from limbound.errors import ParameterError

KT = 1.380649e-23 * 300.0
YEAR = 365.25 * 86400.0


def _static_tilt_kT(dt, T_ret=10 * YEAR, d_ret=1e-6, d_w=1e-6):
    """THEORY §2c: D_w = 2 ln(T_ret ln(1/d_w) / (d_ret dt))."""
    return 2.0 * math.log(T_ret * math.log(1.0 / d_w) / (d_ret * dt))


def test_brain_scale_volatile_cim_consolidation_by_hand(capsys):
    assert main(["estimate", "--workload", "brain-scale", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    v = d["paradigms"]["volatile_cim"]
    N, tokens, b, tau = 1e15, 1e12, 16, 30 * 86400.0
    dt = tau * N / (6 * N * tokens)       # per-operation counting, FLOPs = 6 N D
    n_cons = tokens                       # one per optimizer step, batch 1 (online)
    e_static = max(math.log(2 ** (b + 1) - 1), _static_tilt_kT(dt)) * KT
    expected = n_cons * N * (b * KT * math.log(2) + e_static)
    assert v["walls"]["consolidation_J"] == pytest.approx(expected, rel=1e-9)
    assert v["walls"]["consolidation_J"] > 1e8  # non-zero and where it bites: above LIM's whole energy
    # the update wall is LIM's: e_LIM(b, dt) per operation (D_prec = ln(2^(b+1) - 1) here since f0 dt >> 1)
    assert v["walls"]["update_J"] == pytest.approx(6 * N * tokens * math.log(2 ** 17 - 1) * KT, rel=1e-9)
    assert d["paradigms"]["lim"]["walls"]["consolidation_J"] == 0.0
    assert d["paradigms"]["static_cim"]["walls"]["consolidation_J"] == 0.0
    for p in d["paradigms"].values():
        assert p["kind"] == "estimate"
    # floors: N b kT ln2 and N kT M^2 / (16 f0 tau)
    f = d["floors"]
    assert f["kind"] == "floor"
    assert f["second_law_J"] == pytest.approx(N * b * KT * math.log(2), rel=1e-12)
    assert f["speed_J"] == pytest.approx(N * KT * 2.0 ** 32 / (16 * 1e9 * tau), rel=1e-12)
    assert f["total_J"] == pytest.approx(f["second_law_J"] + f["speed_J"], rel=1e-12)
    assert f["lim_estimate_over_floor"] == pytest.approx(d["paradigms"]["lim"]["energy_J"] / f["total_J"], rel=1e-12)
    assert "floor" in f["why"]


def test_consolidation_policies():
    x = bounds.resolve(params=1e6, tokens=1e8, batch_tokens=1e3, consolidations="per-step")
    assert x.consolidations == pytest.approx(1e5)
    y = bounds.resolve(params=1e6, tokens=1e8, consolidations="per-epoch", epochs=3)
    assert y.consolidations == 3 and y.consolidation_policy == "per-epoch"
    z = bounds.resolve(params=1e6, flops=6e14, batch_tokens=10)  # tokens from FLOPs / 6N = 1e8
    assert z.consolidations == pytest.approx(1e7)
    w = bounds.resolve(params=1e6, tokens=1e8, consolidations=0)
    assert bounds.energy_to_solution(w, "volatile_cim").consolidation_J == 0.0
    with pytest.raises(ParameterError, match="per-epoch"):
        bounds.resolve(params=1e6, tokens=1e8, consolidations="per-epoch")
    with pytest.raises(ParameterError, match="allowed"):
        bounds.resolve(params=1e6, tokens=1e8, consolidations="weekly")


def test_mutant_consolidation_per_bit_is_caught():
    """The old per-bit charge (b e_static per word) differs from the hand formula by ~b: a named check fails on it."""
    x = bounds.resolve(params=1e6, tokens=1e8, consolidations=7)
    e_st = bounds.energy_to_solution(x, "static_cim").per_op_J
    per_bit = 7 * 1e6 * 16 * (KT * math.log(2) + e_st)
    good = bounds.energy_to_solution(x, "volatile_cim").consolidation_J
    assert good == pytest.approx(7 * 1e6 * (16 * KT * math.log(2) + e_st), rel=1e-9)
    assert per_bit != pytest.approx(good, rel=0.5)


def test_estimate_table_says_estimate_and_floor(capsys):
    assert main(["estimate", "--workload", "brain-scale"]) == 0
    out = capsys.readouterr().out
    assert "floor" in out and "estimate" in out and "volatile_cim" in out
    assert "lower bound" not in out


def test_estimate_cli_consolidation_errors(capsys):
    assert main(["estimate", "--workload", "brain-scale", "--consolidations", "per-epoch"]) == 2
    assert "epochs" in capsys.readouterr().err
    assert main(["estimate", "--workload", "brain-scale", "--consolidations", "per-epoch", "--epochs", "2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["paradigms"]["volatile_cim"]["n_consolidations"] == 2
