"""Fast seeded versions of every validation case, and the ``limbound validate`` command."""
import json

import pytest

from limbound.cli import main
from limbound.sim import validate as V


def _assert_all_ok(cases):
    bad = [(c.name, c.measured, c.stderr, c.expected) for c in cases if not c.ok]
    assert not bad, bad
    for c in cases:
        assert set(c.as_dict()) >= {"name", "params", "measured", "stderr", "expected", "ok"}


def test_kramers_fast():
    cases = V.kramers_cases(n_particles=(600, 200, 60, 60), dt=(1e-3,) * 4, seed=0)
    _assert_all_ok(cases)
    ratios = [c.detail["exact_over_kramers"] for c in cases]
    assert ratios == sorted(ratios, reverse=True)          # the asymptote is approached as the barrier grows
    assert cases[0].params["barrier_kT"] == 4.0


def test_drag_fast():
    cases = V.drag_cases(n_particles=10_000, seed=1)
    _assert_all_ok(cases)
    assert {c.name for c in cases} == {"schmiedl_seifert_optimal", "schmiedl_seifert_linear"}
    assert set(cases[0].params) >= {"gamma", "k", "L", "tau"}


def test_erasure_fast():
    cases = V.erasure_cases(taus=(5.0, 10.0, 20.0, 40.0), n_particles=800, seed=1)
    _assert_all_ok(cases)
    works = [c.measured for c in cases if c.name.startswith("landauer_erasure[")]
    assert works == sorted(works, reverse=True)             # slower erasure costs less
    assert all(c.measured >= c.expected for c in cases if c.name.startswith("landauer_erasure["))


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
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and out
    for c in out:
        assert set(c) >= {"name", "params", "measured", "stderr", "expected", "ok"}
        assert c["ok"] is True
        assert c["provenance"]["seed"] == 3


def test_cli_table(capsys):
    assert main(["validate", "--quick", "--only", "lim", "--detail"]) == 0
    out = capsys.readouterr().out
    assert "cases passed" in out and "criterion:" in out
