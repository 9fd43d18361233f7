"""Results in a notebook: ``_repr_html_`` (what Jupyter shows) and ``to_pandas()`` on AnnealResult, QPResult,
TrainResult and the estimate of :func:`limbound.bounds.estimate`."""
import math

import numpy as np
import pytest

pd = pytest.importorskip("pandas")

from limbound import bounds  # noqa: E402


def test_estimate_frame_and_html():
    est = bounds.estimate(bounds.resolve(workload="gpt-3"))
    assert isinstance(est, dict) and "lim" in est  # still the {paradigm: Bound} dict
    df = est.to_pandas()
    assert list(df["paradigm"]) == list(est)
    row = df.set_index("paradigm").loc["landauer"]
    # Landauer reference: OPS b kT ln2 = 3.14e23 x 16 x kT(300 K) ln 2 (THEORY §4)
    kT = 1.380649e-23 * 300.0
    assert row["energy_J"] == pytest.approx(3.14e23 * 16 * kT * math.log(2), rel=1e-3)
    html = est._repr_html_()
    assert html.startswith("<div") and "<table>" in html and "landauer" in html and "\\u" not in html


def test_anneal_result_one_row_per_read():
    from limbound.solvers.ising import IsingProblem, anneal

    # a 4-cycle antiferromagnet (J = -1 in limbound's sign: H = -sum J s s): ground energy -4
    p = IsingProblem.from_edges(4, np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]), -np.ones(4), np.zeros(4))
    r = anneal(p, sweeps=200, reads=5, seed=1)
    df = r.to_pandas()
    assert len(df) == 5 and list(df["read"]) == list(range(5))
    assert df["heat_J (measured)"].sum() == pytest.approx(r.heat_per_read_J.sum())
    assert df["heat_J (measured)"].mean() == pytest.approx(r.heat_J)  # the API's heat_J is the JSON's: mean per read
    assert df["best_energy"].min() == pytest.approx(-4.0)
    assert "5 reads" in r._repr_html_() and "measured" in r._repr_html_()


def test_qp_and_train_results_one_row():
    from limbound.solvers.qp import random_qp, solve_qp

    r = solve_qp(random_qp(6, seed=1), bits=6, reads=2, seed=1, reference=None)
    df = r.to_pandas()
    assert len(df) == 1
    assert df["heat_J (measured)"].iloc[0] == pytest.approx(r.heat_J)
    assert df["floor_J (floor)"].iloc[0] == pytest.approx(r.floor_J)
    assert "QPResult" in r._repr_html_() and "tightness" in r._repr_html_()
    from limbound.solvers.train import TrainResult
    assert hasattr(TrainResult, "to_pandas") and hasattr(TrainResult, "_repr_html_")
