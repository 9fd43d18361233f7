"""LIMAnnealingSampler is a conforming dimod sampler and carries the energy books in its SampleSet."""
from __future__ import annotations

import itertools
import unittest

import numpy as np
import pytest

dimod = pytest.importorskip("dimod")
from dimod.testing import assert_sampler_api, assert_sampleset_energies, load_sampler_bqm_tests  # noqa: E402

from limbound.solvers.sampler import LIMAnnealingSampler  # noqa: E402


@load_sampler_bqm_tests(LIMAnnealingSampler)
class TestDimodConformance(unittest.TestCase):
    """dimod's own battery: empty, 1-variable, and larger BQMs of every BQM class and vartype."""

    def test_api(self):
        assert_sampler_api(LIMAnnealingSampler())


def _frustrated_bqm(n=10, seed=0):
    rng = np.random.default_rng(seed)
    J = {(a, b): float(rng.integers(-2, 3)) for a, b in itertools.combinations(range(n), 2) if rng.random() < 0.5}
    h = {v: float(rng.integers(-1, 2)) for v in range(n)}
    return dimod.BinaryQuadraticModel.from_ising(h, J, offset=0.5)


def test_ground_state_and_energies():
    bqm = _frustrated_bqm()
    ss = LIMAnnealingSampler().sample(bqm, num_reads=8, num_sweeps=300, seed=1)
    assert_sampleset_energies(ss, bqm)
    exact = dimod.ExactSolver().sample(bqm).first.energy
    assert ss.first.energy == pytest.approx(exact)


def test_info_carries_energy_books_and_schedule():
    bqm = _frustrated_bqm(seed=3)
    ss = LIMAnnealingSampler().sample(bqm, num_reads=4, num_sweeps=100, seed=7, schedule="linear")
    info = ss.info
    for key in ("energy_dissipated_J", "work_J", "delta_U_J", "first_law_residual", "schedule", "seed"):
        assert key in info
    assert info["schedule"]["schedule"] == "linear" and info["seed"] == 7
    assert info["delta_U_J"] == pytest.approx(info["work_J"] - info["energy_dissipated_J"], rel=1e-10, abs=1e-30)
    assert info["first_law_residual"] < 1e-12
    assert ss.record.heat_J.sum() == pytest.approx(info["energy_dissipated_J"])
    assert ss.record.heat_J.mean() == pytest.approx(info["energy_dissipated_per_read_J"])
    assert np.all(ss.record.num_flips > 0)


def test_binary_qubo_and_reproducible():
    Q = {(0, 0): -1.0, (1, 1): -1.0, (0, 1): 2.0, (1, 2): -1.5, (2, 2): 0.5}
    s = LIMAnnealingSampler()
    a = s.sample_qubo(Q, num_reads=5, num_sweeps=50, seed=11)
    b = s.sample_qubo(Q, num_reads=5, num_sweeps=50, seed=11)
    assert a.vartype is dimod.BINARY
    np.testing.assert_array_equal(a.record.sample, b.record.sample)
    assert set(np.unique(a.record.sample)) <= {0, 1}
    assert a.first.energy == pytest.approx(dimod.ExactSolver().sample_qubo(Q).first.energy)


def test_bad_parameter_is_a_one_line_error():
    from limbound.errors import ParameterError
    with pytest.raises(ParameterError, match="schedule='hot'"):
        LIMAnnealingSampler().sample_ising({"a": 1.0}, {}, schedule="hot")


@pytest.mark.parametrize("free", ["a", "b", "c"])
def test_variable_without_coupling_or_field(free):
    # the uncoupled variable may be first, middle or last in the sampler's order
    others = [v for v in "abc" if v != free]
    ss = LIMAnnealingSampler().sample_ising({"a": 0.0, "b": 0.0, "c": 0.0}, {tuple(others): 1.0},
                                            num_reads=4, num_sweeps=30, seed=3)
    assert set(ss.variables) == {"a", "b", "c"}
    assert ss.first.energy == -1.0                 # J = 1 in dimod's sign: the pair anti-aligned
    assert ss.info["first_law_residual"] < 1e-12
