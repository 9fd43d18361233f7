"""Mutation tests: a deliberately wrong rate, heat sign or estimate in each simulator makes a named validation case FAIL.

Each test patches one piece of the machinery (a kernel's rate or heat book, the master equation's rate
matrix or heat flux, the floor's W2 estimator), runs the validation group that should notice, and asserts
that the named case fails *by its statistical criterion against an independent value* (not only through a
first-law identity).  The unpatched group is checked to pass with the same settings, so the failure is the
mutant's.
"""
import importlib

import numpy as np
import pytest

from limbound.sim import kmc as K
from limbound.sim import langevin as L
from limbound.sim import master as MS
from limbound.sim import splitting as SP
from limbound.sim import validate as V
from limbound.sim import validate_floors as VF

G = importlib.import_module("limbound.sim.gillespie")     # the module (limbound.sim exports a function of that name)


def _by_name(cases):
    return {c.name: c for c in cases}


def _fails_statistically(c):
    """The case fails, and its measured value is outside its two-sided/one-sided window (not only a check)."""
    d = c.measured - c.expected
    window = c.threshold_z * c.stderr + c.abs_tol
    outside = abs(d) > window if c.test == "two-sided" else d < -window
    return (not c.ok) and outside


# ---------------------------------------------------------------- Langevin (Euler-Maruyama kernels)

ERASURE = {"taus": (5.0, 10.0, 20.0), "n_particles": 1000, "seed": 3}


def test_langevin_control_passes():
    cases = _by_name(V.erasure_cases(**ERASURE))
    assert cases["landauer_erasure[tau=5]"].ok and cases["landauer_erasure_heat[tau=5]"].ok


def test_langevin_wrong_mobility_is_caught_by_erasure_work(monkeypatch):
    real = L._run_poly

    def mutant(x, c, n_steps, h, gamma, kT, *rest):        # friction 1.5x too high: every rate 1/1.5 of the truth
        return real(x, c, n_steps, h, 1.5 * gamma, kT, *rest)

    monkeypatch.setattr(L, "_run_poly", mutant)
    c = _by_name(V.erasure_cases(**ERASURE))["landauer_erasure[tau=5]"]
    assert _fails_statistically(c), (c.measured, c.expected, c.stderr)


def test_langevin_heat_sign_is_caught_by_erasure_heat(monkeypatch):
    real = L._run_poly

    def mutant(x, c, n_steps, h, gamma, kT, states, W, Q, *rest):   # heat booked with the wrong sign
        real(x, c, n_steps, h, gamma, kT, states, W, Q, *rest)
        Q *= -1.0

    monkeypatch.setattr(L, "_run_poly", mutant)
    c = _by_name(V.erasure_cases(**ERASURE))["landauer_erasure_heat[tau=5]"]
    assert _fails_statistically(c), (c.measured, c.expected, c.stderr)


KRAMERS = {"barriers": (8.0,), "direct": (), "splitting": V.KRAMERS_SPLITTING_QUICK, "separate": False, "seed": 5}


def test_kramers_control_passes():
    assert V.kramers_cases(**KRAMERS)[0].ok


def test_langevin_wrong_rate_is_caught_by_kramers(monkeypatch):
    real_flux, real_exit = SP._flux_run, SP._exit_run

    def flux(x, c, x_start, x_a, lam0, target, n_burn, n_steps, h, gamma, kT, *rest):
        return real_flux(x, c, x_start, x_a, lam0, target, n_burn, n_steps, h, 1.15 * gamma, kT, *rest)

    def exit_(x, c, lo, hi, max_steps, h, gamma, kT, *rest):
        return real_exit(x, c, lo, hi, max_steps, h, 1.15 * gamma, kT, *rest)

    monkeypatch.setattr(SP, "_flux_run", flux)
    monkeypatch.setattr(SP, "_exit_run", exit_)
    c = V.kramers_cases(**KRAMERS)[0]                       # escape 15 % too slow
    assert c.name == "kramers_mfpt[E_b=8kT]" and _fails_statistically(c), (c.measured, c.expected, c.stderr)


# ---------------------------------------------------------------- continuous-time KMC (Gillespie)

MASTER = {"n_levels": 5, "n_memories": 20_000, "seed": 2}


def test_master_control_passes():
    assert all(c.ok for c in V.master_cases(**MASTER))


def test_gillespie_wrong_rate_is_caught_by_master(monkeypatch):
    real = G._ctmc_segment

    def mutant(levels, U, barrier, f0, *rest):              # barrier 0.3 kT too low: rates 35 % too fast
        return real(levels, U, barrier - 0.3, f0, *rest)

    monkeypatch.setattr(G, "_ctmc_segment", mutant)
    cases = _by_name(V.master_cases(**MASTER, sync=False))
    caught = [n for n, c in cases.items() if n.startswith("kmc_master") and _fails_statistically(c)]
    assert "kmc_master_mean_heat" in caught or any(n.startswith("kmc_master_occupation") for n in caught), caught


def test_gillespie_heat_sign_is_caught_by_master_heat_and_lim(monkeypatch):
    real = G._ctmc_segment

    def mutant(levels, U, barrier, f0, duration, t0, states, heat, *rest):
        before = heat.copy()
        real(levels, U, barrier, f0, duration, t0, states, heat, *rest)
        heat[:] = before - (heat - before)                 # every hop's heat with the wrong sign

    monkeypatch.setattr(G, "_ctmc_segment", mutant)
    assert _fails_statistically(_by_name(V.master_cases(**MASTER, sync=False))["kmc_master_mean_heat"])
    lim = _by_name(V.lim_cases(bits=(4,), n_memories=5_000, seed=2))
    assert _fails_statistically(lim["lim_heat_per_net_level[b=4]"])


# ---------------------------------------------------------------- synchronous KMC step

def test_sync_step_wrong_rate_is_caught_by_master(monkeypatch):
    real = K._sync_step_par

    def mutant(levels, n_levels, dU_up, dU_dn, barrier, h, f0, *rest):   # attempt frequency 1.3x
        return real(levels, n_levels, dU_up, dU_dn, barrier, h, 1.3 * f0, *rest)

    monkeypatch.setattr(K, "_sync_step_par", mutant)
    cases = _by_name(V.master_cases(**MASTER))
    caught = [n for n, c in cases.items() if n.startswith("sync_master") and _fails_statistically(c)]
    assert caught, "the synchronous engine's wrong rate went unnoticed"
    assert not any(n.startswith("kmc_master") and not c.ok for n, c in cases.items())   # the other engine still passes


# ---------------------------------------------------------------- master equation (the reference itself)

def test_master_wrong_rate_is_caught(monkeypatch):
    real = MS.rate_matrix

    def mutant(U_kT, barrier_kT, f0_hz):                    # downward rates 1.3x: detailed balance broken
        R = real(U_kT, barrier_kT, f0_hz)
        M = R.shape[0]
        idx = np.arange(M - 1)
        R[idx + 1, idx] *= 1.3
        R[np.arange(M), np.arange(M)] = 0.0
        R[np.arange(M), np.arange(M)] = -R.sum(axis=1)
        return R

    monkeypatch.setattr(MS, "rate_matrix", mutant)
    cases = V.master_cases(**MASTER, sync=False)
    assert any(_fails_statistically(c) for c in cases)


def test_master_heat_sign_is_caught(monkeypatch):
    real = MS._heat_rate
    monkeypatch.setattr(MS, "_heat_rate", lambda R, U: -real(R, U))
    assert _fails_statistically(_by_name(V.master_cases(**MASTER, sync=False))["kmc_master_mean_heat"])
    assert _fails_statistically(_by_name(V.lim_cases(bits=(4,), n_memories=5_000, seed=2))["lim_heat_per_net_level[b=4]"])


# ---------------------------------------------------------------- the Langevin floor's estimators (THEORY §8b)

DRAG = {"n_particles": 30_000, "seed": 4}


def test_floor_control_passes():
    cases = _by_name(V.drag_cases(**DRAG))
    assert cases["langevin_floor[optimal drag]"].ok and cases["langevin_floor[linear drag]"].ok


def test_floor_wrong_w2_estimator_is_caught(monkeypatch):
    # pairing the samples in their given order instead of sorting them: W2 too large, the floor above the heat
    monkeypatch.setattr(VF, "w2_sorted", lambda a, b: float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2))))
    c = _by_name(V.drag_cases(**DRAG))["langevin_floor[optimal drag]"]
    assert _fails_statistically(c), (c.measured, c.expected, c.stderr)


def test_floor_wrong_entropy_estimate_is_caught(monkeypatch):
    # a final entropy 0.1 nat too low (an estimate off in the unsafe direction) raises the floor past the heat
    real = VF.gaussian_entropy_upper_nats
    monkeypatch.setattr(VF, "gaussian_entropy_upper_nats", lambda x: real(x) - 0.1)
    c = _by_name(V.drag_cases(**DRAG))["langevin_floor[optimal drag]"]
    assert _fails_statistically(c), (c.measured, c.expected, c.stderr)


@pytest.mark.parametrize("name", ["_run_poly", "_ctmc_segment", "_sync_step_par"])
def test_mutated_kernels_exist(name):
    # the patched names are the ones the engines call (a rename would make the mutants above vacuous)
    mod = {"_run_poly": L, "_ctmc_segment": G, "_sync_step_par": K}[name]
    assert hasattr(mod, name)
