"""Shifting one memory by one level in dt (sim/protocol_design.py; docs/theory.md §7a; THEORY §8a, §8c)."""
import math

import numpy as np
import pytest

from limbound.sim import protocol_design as PD
from limbound.sim import validate as V


def test_task_is_the_lim_stationary_law_and_its_shift():
    for b in (4, 8, 16):
        t = PD.shift_task(b, 1e-6)
        D = math.log(2.0 ** (b + 1) - 1.0)                 # THEORY §2b: D_prec at eps = 2^-(b+1)
        assert t.D_b == pytest.approx(D, rel=1e-14)
        # tanh(D/2) = 1 - 2^-b on an infinite chain; b = 4 uses the whole 16-level memory (ends e^-24 away)
        assert t.p0[t.n0] == pytest.approx(1.0 - 2.0**-b, rel=1e-10)
        np.testing.assert_allclose(t.q[1:], t.p0[:-1], atol=1e-10)    # the same law, one level up
        assert t.epsilon == 2.0**-b and max(t.p0[0], t.p0[-1]) < (1e-10 if b == 4 else 1e-15)
        assert t.n_levels == (16 if b == 4 else t.n_levels)


def test_fixed_tilt_heat_by_a_second_path():
    # in the fixed landscape V(n) = D |n - n0 - 1| no work is done, so the heat is the fall of <V>:
    # D (E_p0 |n - n0 - 1| - E_p(dt) |n - n0 - 1|), against the master equation's heat flux (Van Loan)
    for b, x in ((4, 1.0), (8, 100.0)):
        t = PD.shift_task(b, x * 1e-9)
        r = PD.fixed_tilt(t)
        (T, U, E), = r.segments
        from limbound.sim import master
        p_end = master.solve(t.p0, [(T, np.asarray(U), E)], f0_hz=1e9).p_end
        dist = np.abs(np.arange(t.n_levels) - t.n0 - 1)
        D = U[0] / dist[0]
        assert r.heat_kT == pytest.approx(D * (t.p0 @ dist - p_end @ dist), rel=1e-9)
        assert r.tv <= t.epsilon * (1 + 1e-9)
        assert D == pytest.approx(t.D_b)                      # D_b suffices down to dt = 1/f0 at b <= 16 (E_b >= 0)


@pytest.mark.parametrize("b,x", [(4, 1.0), (4, 1e3), (8, 10.0), (16, 1.0), (16, 1e4)])
def test_every_protocol_above_its_floor_and_shaped_beats_fixed(b, x):
    t = PD.shift_task(b, x * 1e-9)
    fx = PD.fixed_tilt(t)
    sh = PD.shaped(t, start=fx, maxiter=30)
    for r in (fx, sh):
        assert r.tv <= t.epsilon * (1 + 1e-9) and r.window_mass < 1e-9
        # the §8a floor recomputed by hand from the parts: S0 - S_end + 2 W1^2 / A (kT)
        assert r.floor_kT == pytest.approx(r.entropy_drop_nats + 2 * r.w1**2 / r.activity, rel=1e-9, abs=1e-12)
        assert r.heat_kT >= r.floor_kT
    assert sh.heat_kT < fx.heat_kT
    if x >= 100:
        assert sh.heat_kT <= 0.5 * fx.heat_kT


def test_design_cases_pass_and_floor_mutant_is_caught(monkeypatch):
    cases = {c.name: c for c in V.design_cases(bits=(4,), dt_f0=(1e3,), maxiter=30, n_memories=10_000, seed=1)}
    assert all(c.ok for c in cases.values()), [(n, c.measured, c.expected) for n, c in cases.items() if not c.ok]
    assert cases["design_shaped_kmc[b=4,dt*f0=1000]"].test == "two-sided"
    # a floor fed a 10x too small activity (an estimate in the unsafe direction) rises above the fixed tilt's heat
    real = PD.jump_floor_J
    monkeypatch.setattr(PD, "jump_floor_J", lambda **kw: real(**{**kw, "activity": 0.1 * kw["activity"]}))
    bad = {c.name: c for c in V.design_cases(bits=(4,), dt_f0=(1e3,), maxiter=5, n_memories=2_000, seed=1)}
    assert not bad["design_fixed_tilt[b=4,dt*f0=1000]"].ok
