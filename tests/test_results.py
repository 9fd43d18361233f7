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


def test_floor_blocks_and_books_name_the_mean_heat_heat_J():
    """anneal's second_law and floor blocks and the qp books say heat_J / heat_sem_J (old keys beside them)."""
    d = _anneal().as_dict()
    per = np.array(d["heat_per_read_J"])  # each read's heat (J): the mean and its SE computed here
    se = per.std(ddof=1) / math.sqrt(per.size)
    for block in (d["second_law"], d["floor"]):
        assert block["heat_J"] == pytest.approx(per.mean(), rel=1e-12) and block["heat_sem_J"] == pytest.approx(se)
        assert block["mean_heat_J"] == block["heat_J"] and block["mean_heat_stderr_J"] == block["heat_sem_J"]
    q = _qp()
    assert q.books["heat_J"] == q.books["dissipated_J"] == pytest.approx(np.mean(q.books["heat_per_read_J"]))
    assert q.books["heat_sem_J"] == q.books["dissipated_sem_J"]


def test_memory_books_heat_J_old_names_deprecated():
    from limbound.sim.lim_array import LIMArray

    books = LIMArray(np.zeros(3), np.ones(3), bits=3, reads=2, seed=1).books()
    assert books.heat_J == pytest.approx(np.mean(books.heat_per_read_J))
    with pytest.warns(DeprecationWarning, match=r"MemoryBooks\.dissipated_J is deprecated.*use \.heat_J"):
        assert books.dissipated_J == books.heat_J
    with pytest.warns(DeprecationWarning, match="heat_sem_J"):
        assert books.dissipated_sem_J == books.heat_sem_J


def test_work_J_is_the_mean_per_read_as_heat_J_and_the_first_law_closes():
    """AnnealResult.work_J is a number, the mean over reads (as heat_J); work_per_read_J each read's.  The JSON
    work_J keeps its 0.1 meaning (the total) for one release, beside work_all_reads_J (the same total)."""
    r = _anneal()
    per = r.work_per_read_J
    assert per.shape == (r.reads,) and isinstance(r.work_J, float) and r.work_J == pytest.approx(per.mean())
    d = r.as_dict()
    assert np.allclose(d["work_per_read_J"], per)
    assert d["work_all_reads_J"] == d["work_J"] == pytest.approx(per.sum(), rel=1e-12)
    # the first law over all reads, from the sums written independently: W - Q = dU
    scale = max(abs(d["work_all_reads_J"]), abs(d["heat_all_reads_J"]))
    assert d["work_all_reads_J"] - d["heat_all_reads_J"] == pytest.approx(d["delta_U_J"], abs=1e-9 * scale)
