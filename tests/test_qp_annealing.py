"""The QP annealing rule at its penalty cap: it runs to a status, never fails mid-run (THEORY §6)."""
import importlib
import itertools

import numpy as np
import pytest

from limbound.errors import ParameterError
from limbound.sim import lim_engines
from limbound.solvers.qp import annealing, random_qp, solve_qp

qp_solve = importlib.import_module("limbound.solvers.qp.solve")

STATUSES = {"solved", "inaccurate", "max_iter"}


def _books_close(r):
    assert r.status in STATUSES
    assert r.books["first_law_residual"] < 1e-10                       # dU = W - Q per read (THEORY §6)
    assert r.heat_J >= r.bound_J and r.as_dict()["second_law_holds"]  # mean heat above the second-law floor
    assert r.books["floor_holds"]                                      # and above the THEORY §8a floor


def test_annealing_rule_at_the_penalty_cap_runs_to_a_status(monkeypatch):
    # max_inner=1: one update per outer step, so the residual never falls 4-fold and rho grows 5-fold per outer
    # step to its cap 1e6 lambda_max(P)/||A||^2 = 1e6 x the default rho; the tilts then reach ~1e8 kT per level
    prob = random_qp(5, seed=7, m_ineq=3, m_eq=0)
    r = solve_qp(prob, bits=8, rule="anneal", seed=2, max_inner=1)
    assert max(r.books["rho_final_per_read"]) == pytest.approx(1e6 * r.inputs["rho_initial"])
    _books_close(r)
    assert r.heat_J > 0
    # the same run with the old barrier margin (1e-9 kT for any tilt) failed mid-run: this case is the bug
    monkeypatch.setattr(lim_engines, "BARRIER_MARGIN_REL", 0.0)
    with pytest.raises(ParameterError, match="too long for these rates"):
        solve_qp(prob, bits=8, rule="anneal", seed=2, max_inner=1)


@pytest.mark.parametrize(("max_inner", "bits", "growth"), list(itertools.product((1, 2, 3), (4, 8, 12), (5.0, 100.0))))
def test_annealing_rule_never_fails_mid_run(monkeypatch, max_inner, bits, growth):
    # every combination of short inner solves, precision and penalty growth (the growth 5 of the rule, and 100)
    # ends with a status and closed books; with the old barrier margin 24 of these 36 runs failed (all b >= 8)
    monkeypatch.setattr(annealing, "RHO_GROWTH", growth)
    for prob in (random_qp(5, seed=7, m_ineq=3, m_eq=0), random_qp(8, seed=3, m_ineq=2, m_eq=1)):
        _books_close(solve_qp(prob, bits=bits, rule="anneal", seed=1, max_inner=max_inner))


def test_a_penalty_outside_its_range_is_refused_before_any_work(monkeypatch):
    prob = random_qp(5, seed=7, m_ineq=3, m_eq=0)
    # rho = 0 divides the multipliers (w = Ax + y/rho): refused by its declaration
    with pytest.raises(ParameterError, match=r"^rho=0\.0 is out of range; allowed: a finite number > 0 "):
        solve_qp(prob, rule="anneal", rho=0.0)
    # the driver caps rho at 1e6 lambda_max(P)/||A||_2^2; far above it the penalty terms overflowed mid-run
    cap = 1e6 * np.max(np.linalg.eigvalsh(prob.P)) / np.linalg.norm(prob.A, 2) ** 2
    monkeypatch.setattr(qp_solve, "setup", lambda *a, **k: pytest.fail("work started"))
    with pytest.raises(ParameterError, match=r"^rho=1e\+160 is out of range; allowed: .* <= [0-9.e+]+ for this problem"):
        solve_qp(prob, bits=8, rule="anneal", rho=1e160)
    monkeypatch.undo()
    r = solve_qp(prob, bits=8, rule="anneal", seed=1, rho=cap * (1 - 1e-9))  # at the cap: runs to a status
    _books_close(r)
