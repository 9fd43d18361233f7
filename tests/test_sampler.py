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
    # one name per quantity (issue 10): heat_J is a read's heat, mean over reads; the old keys are aliases
    assert info["heat_J"] == pytest.approx(ss.record.heat_J.mean()) and info["heat_J"] == info["energy_dissipated_per_read_J"]
    assert info["heat_all_reads_J"] == pytest.approx(ss.record.heat_J.sum())
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


# ---------------------------------------------------------------- a drop-in for dwave-samplers' SimulatedAnnealingSampler

def _dwave_script(sampler, bqm, **extra):
    """A dwave-samplers usage script, unchanged for either sampler: beta_range + geometric schedule +
    initial_states (tiled) + seed + num_sweeps_per_beta."""
    init = [{v: 1 for v in bqm.variables}, {v: -1 for v in bqm.variables}]
    return sampler.sample(bqm, beta_range=[0.1, 4.2], beta_schedule_type="geometric", num_sweeps=200,
                          num_sweeps_per_beta=2, num_reads=6, seed=5, initial_states=init,
                          initial_states_generator="tile", **extra)


@pytest.fixture
def dwave_schedule(monkeypatch):
    """dwave-samplers' own schedule: the beta_schedule its sampler hands to its C++ kernel (recorded)."""
    sa = pytest.importorskip("dwave.samplers.sa.sampler")
    seen = {}
    real = sa.simulated_annealing

    def spy(num_reads, ldata, irow, icol, qdata, num_sweeps_per_beta, beta_schedule, seed, initial_states, *rest):
        seen.update(beta_schedule=np.array(beta_schedule), num_sweeps_per_beta=num_sweeps_per_beta,
                    initial_states=np.array(initial_states))
        return real(num_reads, ldata, irow, icol, qdata, num_sweeps_per_beta, beta_schedule, seed, initial_states, *rest)

    monkeypatch.setattr(sa, "simulated_annealing", spy)
    return sa.SimulatedAnnealingSampler(), seen


def test_dwave_script_runs_unchanged_with_the_same_schedule(dwave_schedule):
    dw, seen = dwave_schedule
    bqm = _frustrated_bqm(n=12, seed=4)
    theirs = _dwave_script(dw, bqm)
    ours = _dwave_script(LIMAnnealingSampler(), bqm)
    # the same schedule: 100 betas geometric from 0.1 to 4.2, each held 2 sweeps (dwave-samplers' kernel input)
    np.testing.assert_allclose(ours.info["beta_schedule"], seen["beta_schedule"], rtol=1e-12)
    np.testing.assert_allclose(seen["beta_schedule"], np.geomspace(0.1, 4.2, 100), rtol=1e-12)
    assert ours.info["num_sweeps_per_beta"] == seen["num_sweeps_per_beta"] == 2
    assert ours.info["num_sweeps"] == 200
    for key in ("beta_range", "beta_schedule_type"):
        assert ours.info[key] == theirs.info[key], key
    assert set(ours.info["timing"]) == set(theirs.info["timing"]) == {"preprocessing_ns", "sampling_ns", "postprocessing_ns"}
    assert all(v > 0 for v in ours.info["timing"].values())
    # the same initial states (tiled: +1, -1, +1, ...) and the same result shape
    assert len(ours) == len(theirs) == 6 and set(ours.variables) == set(theirs.variables)
    assert_sampleset_energies(ours, bqm)
    exact = dimod.ExactSolver().sample(bqm).first.energy
    assert ours.first.energy == pytest.approx(exact) and theirs.first.energy == pytest.approx(exact)


def test_initial_states_are_used_as_given():
    # a cold constant schedule (beta = 50) from the ground state of a ferromagnetic chain: nothing moves
    bqm = dimod.BinaryQuadraticModel.from_ising({}, {(0, 1): -1.0, (1, 2): -1.0})
    ss = LIMAnnealingSampler().sample(bqm, beta_schedule_type="custom", beta_schedule=[50.0] * 10,
                                      initial_states=[{0: -1, 1: -1, 2: -1}], initial_states_generator="tile",
                                      num_reads=3, seed=1)
    assert np.all(ss.record.sample == -1) and np.all(ss.record.num_flips == 0)
    assert ss.info["beta_range"] == [50.0, 50.0] and ss.info["beta_schedule_type"] == "custom"


def test_linear_and_custom_schedules_match_dwave(dwave_schedule):
    dw, seen = dwave_schedule
    bqm = _frustrated_bqm(n=6, seed=2)
    for kw in ({"beta_schedule_type": "linear", "beta_range": [0.5, 3.0], "num_sweeps": 30, "num_sweeps_per_beta": 3},
               {"beta_schedule_type": "custom", "beta_schedule": [0.1, 0.4, 2.0, 5.0], "num_sweeps_per_beta": 2}):
        dw.sample(bqm, num_reads=2, seed=3, **kw)
        ours = LIMAnnealingSampler().sample(bqm, num_reads=2, seed=3, **kw)
        np.testing.assert_allclose(ours.info["beta_schedule"], seen["beta_schedule"], rtol=1e-12)


def test_interrupt_function_stops_between_reads():
    calls = []

    def stop_after_two():
        calls.append(1)
        return len(calls) >= 2

    ss = LIMAnnealingSampler().sample(_frustrated_bqm(n=8), num_reads=10, num_sweeps=50, seed=2,
                                      interrupt_function=stop_after_two)
    assert len(ss) == 2 and len(calls) == 2
    assert ss.info["first_law_residual"] < 1e-12
    assert ss.record.heat_J.sum() == pytest.approx(ss.info["energy_dissipated_J"])


def test_dwave_parameter_errors_are_one_line():
    from limbound.errors import ParameterError
    bqm = _frustrated_bqm(n=4)
    with pytest.raises(ParameterError, match="beta_schedule_type='cosine'"):
        LIMAnnealingSampler().sample(bqm, beta_schedule_type="cosine")
    with pytest.raises(ParameterError, match="num_sweeps=10 is not a positive multiple"):
        LIMAnnealingSampler().sample(bqm, beta_schedule_type="linear", beta_range=[0.1, 1], num_sweeps=10,
                                     num_sweeps_per_beta=3)
    with pytest.raises(ParameterError, match="beta_schedule is required"):
        LIMAnnealingSampler().sample(bqm, beta_schedule_type="custom")
