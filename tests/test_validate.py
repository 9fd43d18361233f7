"""Fast seeded versions of every validation case, and the ``limbound validate`` command."""
import json

import numpy as np
import pytest

from limbound.cli import main
from limbound.sim import validate as V


def _assert_all_ok(cases):
    bad = [(c.name, c.measured, c.stderr, c.expected) for c in cases if not c.ok]
    assert not bad, bad
    for c in cases:
        assert set(c.as_dict()) >= {"name", "params", "measured", "stderr", "expected", "ok"}


def test_kramers_fast():
    cases = V.kramers_cases(n_direct=600, splitting=V.KRAMERS_SPLITTING_QUICK, separate=False, seed=0)
    _assert_all_ok(cases)
    ratios = [c.detail["exact_over_kramers"] for c in cases]
    assert ratios == sorted(ratios, reverse=True)          # the asymptote is approached as the barrier grows
    assert [round(r, 2) for r in ratios[1:]] == [1.08, 1.06, 1.04]   # THEORY §7
    assert cases[0].params["barrier_kT"] == 4.0
    for c in cases[1:]:                                     # variance-reduced: SE <= 2 % at 6, 8, 10 kT
        assert c.detail["method"].startswith("forward flux") and c.stderr / c.measured <= 0.02


def test_drag_fast():
    cases = V.drag_cases(n_particles=30_000, seed=1)
    _assert_all_ok(cases)
    assert {c.name for c in cases} == {"schmiedl_seifert_optimal", "schmiedl_seifert_linear",
                                       "langevin_floor[optimal drag]", "langevin_floor[linear drag]"}
    assert set(cases[0].params) >= {"gamma", "k", "L", "tau"}
    by = {c.name: c for c in cases}
    opt, lin = by["langevin_floor[optimal drag]"], by["langevin_floor[linear drag]"]
    # THEORY §8b: x_tau = L tau/(tau + 2 gamma/k) = 1, Q* = gamma x_tau^2/tau = 1 kT (k = gamma = tau = 1, L = 3)
    assert opt.detail["analytic_Q_star_kT"] == pytest.approx(1.0)
    assert opt.expected == pytest.approx(1.0, abs=0.04) and abs(opt.detail["tightness"] - 1) <= 0.03
    # linear drag: heat = W_lin - (k/2) lag^2, lag = (gamma v/k)(1 - e^-1) = 3(1 - 1/e); floor = (L - lag)^2
    lag = 3.0 * (1.0 - np.exp(-1.0))
    assert lin.measured == pytest.approx(3.0 * 3.0 * np.exp(-1.0) - 0.5 * lag**2, abs=0.05)
    assert lin.expected == pytest.approx((3.0 - lag) ** 2, abs=0.04) and lin.detail["tightness"] > 1.15


def test_erasure_fast():
    cases = V.erasure_cases(taus=(5.0, 10.0, 20.0, 40.0), n_particles=800, seed=1)
    _assert_all_ok(cases)
    er = [c for c in cases if c.name.startswith("landauer_erasure[")]
    works = [c.measured for c in er]
    assert works == sorted(works, reverse=True)             # slower erasure costs less
    assert all(c.test == "two-sided" for c in cases if not c.name.startswith("langevin_floor["))
    fl = [c for c in cases if c.name.startswith("langevin_floor[erasure")]
    assert len(fl) == len(er) and all(c.test == "lower" and c.detail["tightness"] > 1.0 for c in fl)
    for c in er:                                            # the reference lies above Landauer's bound, ln 2 at p = 1
        assert c.expected >= c.detail["landauer_bound_kT"] - 1e-3 > 0.69


def test_master_fast():
    _assert_all_ok(V.master_cases(n_levels=5, n_memories=20_000, seed=1))


def test_lim_fast():
    cases = V.lim_cases(n_memories=10_000, seed=1)
    _assert_all_ok(cases)
    st = [c for c in cases if c.name == "lim_stationary_optimum[b=4]"][0]
    assert st.expected == pytest.approx(1 - 2.0**-4)        # THEORY §2b: tanh(D/2) = 1 - 2^-b


def test_static_fast():
    _assert_all_ok(V.static_cases(n_memories=50_000, probs=(1e-2,), n_rate=10_000, seed=1))


def test_cli_json_lists_cases(capsys):
    assert main(["validate", "--quick", "--json", "--only", "static", "--seed", "3"]) == 0
    d = json.loads(capsys.readouterr().out)
    out = d["results"]["cases"]
    assert isinstance(out, list) and out and d["provenance"]["seed"] == 3
    for c in out:
        assert set(c) >= {"name", "params", "measured", "stderr", "expected", "ok"}
        assert c["ok"] is True
    for c in d["cases"]:  # the pre-0.2 list, kept under "cases" (deprecated), each case with its provenance
        assert c["provenance"]["seed"] == 3


def test_cli_table(capsys):
    assert main(["validate", "--quick", "--only", "lim", "--detail"]) == 0
    out = capsys.readouterr().out
    assert "cases passed" in out and "criterion:" in out


# ---------------------------------------------------------------- multiple comparisons (Bonferroni)

def test_bonferroni_threshold_values():
    from scipy.stats import norm
    # Phi^-1(1 - alpha/(2m)), family-wise alpha 0.01: independent check through the normal tail
    for m in (1, 12, 40, 42):
        z = V.z_threshold(m, 0.01)
        assert 2 * m * norm.sf(z) == pytest.approx(0.01, rel=1e-9)
    assert V.z_threshold(1, 0.01) == pytest.approx(2.5758, abs=1e-4)   # the familiar 99 % two-sided point
    assert 3.6 < V.z_threshold(40) < 3.7
    with pytest.raises(ValueError):
        V.z_threshold(0)


def _synthetic(z, *, test="two-sided", checks_ok=True):
    return V.Case(f"synthetic[z={z}]", {}, 1.0 + z * 0.1, 0.1, 1.0, test=test, checks_ok=checks_ok)


def test_judge_applies_family_wise_threshold():
    # 40 comparisons: z* = 3.66; 3.5 SE passes (it would fail at a fixed 3 SE), 4 SE fails
    cases = [_synthetic(0.0) for _ in range(38)] + [_synthetic(3.5), _synthetic(-4.0)]
    V.judge(cases)
    assert cases[-2].ok and not cases[-1].ok
    assert cases[-1].n_comparisons == 40 and cases[-1].z_score == pytest.approx(-4.0)
    assert cases[-1].p_value == pytest.approx(6.334e-5, rel=1e-3)          # 2 Phi(-4)
    # one-sided bounds fail only below; a failed non-statistical check fails the case
    low = V.judge([_synthetic(+9.0, test="lower"), _synthetic(-9.0, test="lower"), _synthetic(0.0, checks_ok=False)])
    assert [c.ok for c in low] == [True, False, False]
    ex = V.judge([V.Case("exact", {}, 2.0, 0.0, 2.0, test="exact", checks_ok=True)])[0]
    assert ex.ok and ex.z_score is None and ex.n_comparisons == 0


def test_wrong_expected_value_still_fails(monkeypatch):
    # a 5 % error in the published formula must be caught (SE of the mean work ~0.6 % here)
    from limbound.sim.validate import langevin_cases
    true = langevin_cases.optimal_drag_work
    monkeypatch.setattr(langevin_cases, "optimal_drag_work", lambda **kw: 1.05 * true(**kw))
    cases = {c.name: c for c in V.drag_cases(n_particles=10_000, seed=1)}
    bad = cases["schmiedl_seifert_optimal"]
    assert not bad.ok and bad.z_score < -bad.threshold_z
    assert cases["schmiedl_seifert_linear"].ok                                # untouched formula still passes


def test_first_law_checked_in_static_and_sync_lim_cases():
    cases = V.static_cases(n_memories=20_000, probs=(1e-2,), n_rate=5_000, seed=2)
    cases += V.lim_cases(bits=(4,), n_memories=5_000, seed=2)
    for c in cases:
        if c.name.startswith(("static_retention", "lim_stationary_optimum_sync")):
            assert 0.0 <= c.detail["first_law_residual"] <= V.FIRST_LAW_TOL, c.name


def test_cli_json_reports_z_and_p(capsys):
    assert main(["validate", "--quick", "--json", "--only", "lim,static", "--seed", "4"]) == 0
    out = json.loads(capsys.readouterr().out)["results"]["cases"]
    names = {c["name"].split("[")[0] for c in out}
    assert any(n.startswith("lim_") for n in names) and any(n.startswith("static_") for n in names)
    m = sum(c["test"] != "exact" for c in out)
    for c in out:
        assert c["n_comparisons"] == m
        if c["test"] != "exact":
            assert abs(c["z_score"] - (c["measured"] - c["expected"]) / c["stderr"]) < 1e-9
            assert 0.0 <= c["p_value"] <= 1.0


@pytest.mark.parametrize("argv", [["--only", "nosuchgroup"], ["--only", ""], ["--only", "a"], ["--seed", "-1"]])
def test_cli_refuses_bad_only_and_seed(argv, capsys):
    assert main(["validate", "--quick", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cases passed" not in err


def test_cli_table_has_criterion_column(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the table form (at 80 columns rows print as blocks)
    assert main(["validate", "--quick", "--only", "lim"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    head = next(ln for ln in lines if ln.startswith("case ")).split()
    assert head[-3:] == ["test", "criterion", "ok"]
    rows = [ln for ln in lines[1:] if ln.startswith("lim_")]
    assert rows and all(" 2-sided " in ln and "|z|<=" in ln and ln.rstrip().endswith("yes") for ln in rows)
    assert "each case judged by its criterion" in " ".join(out.split())


def test_judge_margin_is_added_to_z_window_and_must_exceed_is_a_power_requirement():
    # two-sided with a stated margin: |d| <= z* SE + abs_tol (z* = 2.576 for one comparison)
    inside = V.Case("a", {}, 1.0 + 2.576 * 0.1 + 0.049, 0.1, 1.0, abs_tol=0.05)
    outside = V.Case("b", {}, 1.0 + 2.576 * 0.1 + 0.051, 0.1, 1.0, abs_tol=0.05)
    assert V.judge([inside])[0].ok and not V.judge([outside])[0].ok
    assert inside.rule == "|d|<=2.58SE+0.05"
    # a measurement that agrees with its expected value but cannot tell it from a competitor 0.2 away fails
    weak = V.Case("c", {}, 1.0, 0.1, 1.0, must_exceed=0.8)
    strong = V.Case("d", {}, 1.0, 0.05, 1.0, must_exceed=0.8)
    assert not V.judge([weak])[0].ok and V.judge([strong])[0].ok
    # one-sided: far above a bound passes, and the rule says so
    low = V.judge([V.Case("e", {}, 26.0, 1.0, 0.0, test="lower")])[0]
    assert low.ok and low.rule.startswith("z>=-")
