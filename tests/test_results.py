"""Every result shares ``status``, ``message`` and ``as_dict()`` (SciPy's OptimizeResult habit, issue 10), and one
name per quantity: ``heat_J`` (measured mean heat of a read) and ``temperature_K``; the old names are deprecated
aliases for one release (attribute: a DeprecationWarning; JSON key: printed beside the new one)."""
import json
import math

import numpy as np
import pytest

import limbound as lb
from limbound.cli import main
from limbound.display import Result


def _anneal(target=None):
    # a 4-cycle antiferromagnet (H = -sum J s s with J = -1): ground energy -4, reached by every read
    p = lb.IsingProblem.from_edges(4, np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]), -np.ones(4), np.zeros(4))
    return lb.anneal(p, sweeps=200, reads=3, seed=1, target_energy=target, temperature_K=77.0)


def _qp():
    return lb.solve_qp(lb.random_qp(6, seed=1), bits=6, reads=2, seed=1, reference=None)


def test_every_result_has_status_message_and_as_dict():
    est = lb.estimate(lb.resolve(workload="gpt-3"))
    results = [est, _anneal(), _qp()]
    for r in results:
        assert isinstance(r, Result)
        assert isinstance(r.status, str) and r.status and isinstance(r.message, str) and r.message
        d = r.as_dict()
        json.dumps(d)  # JSON-ready
    assert est.status == "success" and list(est.as_dict()) == list(lb.PARADIGMS)
    assert lb.TrainResult.message.fget and issubclass(lb.TrainResult, Result)
    assert issubclass(lb.AnnealResult, Result) and issubclass(lb.QPResult, Result)
    from limbound.sim.validate import Case, judge
    # an exact case (no sampling error) measured equal to its expectation passes; one off by 1 % fails
    good, bad = judge([Case("a", {}, 1.0, 0.0, 1.0, test="exact"), Case("b", {}, 1.01, 0.0, 1.0, test="exact",
                                                                          checks_ok=False)])
    assert (good.status, bad.status) == ("passed", "failed") and bad.as_dict()["status"] == "failed"
    assert Case("c", {}, 1.0, 0.1, 1.0).status == "not judged"


def test_anneal_status_follows_the_target():
    assert _anneal().status == "success"
    r = _anneal(target=-4.0 + 1e-9)  # the ground state
    hit = int(np.sum(r.best_energies <= -4.0 + 1e-9))  # reads whose best state (recomputed H) is a ground state
    assert hit >= 1 and r.status == "target_reached" and f"{hit} of 3 reads reached" in r.message
    r = _anneal(target=-5.0)  # below the ground state: never reached
    assert r.status == "target_not_reached" and r.as_dict()["status"] == "target_not_reached"


def test_qp_message_says_what_the_status_means():
    r = _qp()
    assert r.as_dict()["status"] == r.status and r.as_dict()["message"] == r.message
    assert r.message.startswith({"solved": "every read met", "inaccurate": "stopped above", "max_iter": "some read reached"}
                                [r.status])


def test_heat_and_temperature_one_name_old_names_deprecated():
    r = _anneal()
    assert r.temperature_K == 77.0
    with pytest.warns(DeprecationWarning, match="temperature_K"):
        assert r.T_K == 77.0
    d = r.as_dict()
    per_read = np.array(d["heat_per_read_J"])  # each read's heat (J), summed independently here
    assert d["heat_J"] == pytest.approx(per_read.mean()) and d["heat_all_reads_J"] == pytest.approx(per_read.sum())
    assert d["energy_dissipated_per_read_J"] == d["heat_J"] and d["energy_dissipated_J"] == d["heat_all_reads_J"]
    # the API's names are the JSON's: heat_J the mean of a read's heat, heat_per_read_J each read's
    assert r.heat_J == pytest.approx(d["heat_J"]) and np.allclose(r.heat_per_read_J, per_read)
    q = _qp()
    with pytest.warns(DeprecationWarning, match="heat_J"):
        assert q.dissipated_J == q.heat_J
    with pytest.warns(DeprecationWarning, match="heat_sem_J"):
        assert q.dissipated_sem_J == q.heat_sem_J
    qd = q.as_dict()
    assert qd["heat_J"] == qd["dissipated_J"] and qd["heat_sem_J"] == qd["dissipated_sem_J"]
    assert q.inputs["temperature_K"] == q.inputs["T_K"] == 300.0


def test_cli_json_new_names_beside_the_old(capsys, tmp_path):
    g = tmp_path / "g.txt"
    g.write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")
    assert main(["anneal", str(g), "--sweeps", "50", "--reads", "2", "--json", "--no-progress"]) == 0
    d = json.loads(capsys.readouterr().out)
    res = d["results"]
    assert res["heat_J"] == res["energy_dissipated_per_read_J"] == d["energy_dissipated_per_read_J"]
    assert math.isclose(res["heat_all_reads_J"], 2 * res["heat_J"], rel_tol=1e-12)
    assert res["status"] == "success" and d["inputs"]["temperature_K"] == 300.0
