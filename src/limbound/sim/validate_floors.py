"""Validation cases for the finite-time floors of THEORY §8 (used by :mod:`limbound.sim.validate`).

* Langevin floor (§8b) from samples: ``Q >= -kT [S(rho_tau) - S(rho_0)] + gamma W2^2 / tau`` with
  ``W2`` from sorted samples (:func:`limbound.stats.w2_sorted`) and the formula of
  :func:`limbound.physics.floors.langevin_floor_J`.  The Schmiedl-Seifert optimal drag attains it in heat
  (``Q* = gamma x_tau^2 / tau``), the linear drag does not, an erasure sits above it.
* Protocol design (§8a, §8c): :func:`design_cases` runs :mod:`limbound.sim.protocol_design`.

Simulation units: ``kT = 1``, lengths and times in the simulation's units.  The floor formula is in SI,
so it is called with the energy unit ``kT(300 K)`` (``gamma`` scaled by it) and divided back.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import trapezoid

from ..constants import kT as kT_J
from ..physics.floors import langevin_floor_J
from ..stats import jackknife, mean_se, w2_sorted
from .cases import Case, judge

#: groups of the delete-a-group jackknife that gives the standard error of ``mean heat - floor``
JACKKNIFE_GROUPS = 20
#: the optimal drag must attain the floor to this relative tolerance (THEORY §8b: equality)
ATTAIN_REL_TOL = 0.03


def gaussian_entropy_upper_nats(x: ArrayLike) -> float:
    """Upper estimate of the differential entropy of a 1-D sample: the Gaussian of its variance, ``ln(2 pi e var)/2``.

    Direction: *upper* for the population (the Gaussian has the largest entropy of all laws of that
    variance; Cover & Thomas, Thm 8.6.5), up to the sampling noise of the variance (relative ``sqrt(2/n)``),
    which the jackknife standard error of the floor covers.
    """
    return 0.5 * math.log(2.0 * math.pi * math.e * float(np.var(np.asarray(x, dtype=float), ddof=1)))


def boltzmann_entropy_nats(U: Callable[[np.ndarray], np.ndarray], *, lo: float, hi: float, grid: int = 200001) -> float:
    """Differential entropy (nats) of ``exp(-U(x)) / Z`` on ``[lo, hi]`` (kT = 1), trapezoidal quadrature."""
    x = np.linspace(lo, hi, grid)
    u = np.asarray(U(x), dtype=float)
    u = u - u.min()
    w = np.exp(-u)
    Z = trapezoid(w, x)
    rho = w / Z
    return float(trapezoid(rho * (u + math.log(Z)), x))


def langevin_floor_kT(x0: ArrayLike, x1: ArrayLike, *, gamma: float, tau: float, entropy_start_nats: float) -> dict:
    """The §8b floor (kT) from start and end samples: ``-[S_1^up - S_0] + gamma W2^2 / tau``, with its parts."""
    w2 = w2_sorted(x0, x1)
    ds = gaussian_entropy_upper_nats(x1) - entropy_start_nats
    unit = kT_J(300.0)            # energy unit of the simulation, in J (lengths in m, times in s)
    floor = langevin_floor_J(entropy_increase_nats=ds, w2_m=w2, gamma_kg_per_s=gamma * unit, tau_s=tau,
                             temperature_K=300.0) / unit
    return {"floor_kT": floor, "w2": w2, "entropy_increase_upper_nats": ds, "transport_kT": gamma * w2 * w2 / tau}


def heat_minus_floor(heat: ArrayLike, x0: ArrayLike, x1: ArrayLike, *, gamma: float, tau: float,
                     entropy_start_nats: float, seed: int = 0) -> dict:
    """Mean heat, floor, and the jackknife standard error of ``mean heat - floor`` (groups fixed by ``seed``)."""
    heat, x0, x1 = (np.asarray(a, dtype=float) for a in (heat, x0, x1))
    n = heat.size
    full = langevin_floor_kT(x0, x1, gamma=gamma, tau=tau, entropy_start_nats=entropy_start_nats)
    d_full = float(heat.mean()) - full["floor_kT"]
    g = np.random.default_rng([seed, 8]).permutation(n) % JACKKNIFE_GROUPS
    loo = []
    for k in range(JACKKNIFE_GROUPS):
        keep = g != k
        f = langevin_floor_kT(x0[keep], x1[keep], gamma=gamma, tau=tau, entropy_start_nats=entropy_start_nats)
        loo.append(float(heat[keep].mean()) - f["floor_kT"])
    _, se = jackknife(d_full, loo)
    return {**full, "mean_heat_kT": float(heat.mean()), "se_kT": se, "tightness": float(heat.mean()) / full["floor_kT"]}


# ----------------------------------------------------------------------------------------------
# Protocol design (THEORY §8a, §8c; docs/theory.md §7a)
# ----------------------------------------------------------------------------------------------

#: the designed protocol must save at least this fraction of the fixed tilt's heat where dt is long
DESIGN_MIN_SAVING = 0.5
#: dt * f0 from which "long" applies (the fixed tilt's barrier is then well above 0)
DESIGN_LONG_DT_F0 = 100.0


def design_cases(*, bits: Sequence[int] = (4,), dt_f0: Sequence[float] = (1e3,), f0_hz: float = 1e9,
                 n_segments: int = 4, maxiter: int = 40, n_memories: int = 20_000, seed: int = 0) -> list:
    """Shift one memory by one level in ``dt`` (:mod:`limbound.sim.protocol_design`): fixed tilt, shaped, floors.

    Per ``(b, dt)``:

    * ``design_fixed_tilt[...]`` (exact): the fixed tilt's exact heat >= its §8a floor, success
      ``TV <= 2^-b``, window edges empty (< 1e-9);
    * ``design_shaped[...]`` (exact): the same for the optimised protocol, and where ``dt f0 >=
      DESIGN_LONG_DT_F0`` its heat at most ``(1 - DESIGN_MIN_SAVING)`` of the fixed tilt's;
    * ``design_shaped_kmc[...]`` (two-sided): the optimised schedule run by the continuous-time KMC
      (:func:`limbound.sim.gillespie.gillespie`, ``n_memories`` started from ``p0``): mean heat within
      ``z* SE`` of the master equation's, the independent side of the design's numbers.
    """
    from .gillespie import Segment, gillespie
    from .protocol_design import fixed_tilt, shaped, shift_task

    cases = []
    for j, (b, x) in enumerate((b, x) for b in bits for x in dt_f0):
        task = shift_task(b, x / f0_hz, f0_hz)
        fx = fixed_tilt(task)
        sh = shaped(task, n_segments=n_segments, start=fx, maxiter=maxiter)
        tag = f"b={b},dt*f0={x:g}"
        params = {"bits": int(b), "dt_s": task.dt_s, "f0_hz": f0_hz, "dt_f0": float(x), "epsilon": task.epsilon,
                  "D_b_kT": task.D_b, "window_levels": task.n_levels, "n_segments": n_segments}
        long_dt = x >= DESIGN_LONG_DT_F0
        for r in (fx, sh):
            ok = r.heat_kT >= r.floor_kT - 1e-9 and r.tv <= task.epsilon * (1 + 1e-9) and r.window_mass < 1e-9
            crit = "exact: heat >= §8a floor with the protocol's own activity; TV(p, q) <= 2^-b; window edges < 1e-9"
            if r is sh:
                ok = ok and (not long_dt or sh.heat_kT <= (1.0 - DESIGN_MIN_SAVING) * fx.heat_kT)
                crit += f"; dt f0 >= {DESIGN_LONG_DT_F0:g}: heat <= {1 - DESIGN_MIN_SAVING:g} x fixed tilt"
            cases.append(Case(f"design_{r.name}[{tag}]", params, r.heat_kT, 0.0, r.floor_kT, test="exact", checks_ok=ok,
                              detail={**r.as_dict(), "fixed_over_shaped": fx.heat_kT / sh.heat_kT,
                                      "unit": "kT", "criterion": crit,
                                      "rule": "exact: >=floor" + (f", <={1 - DESIGN_MIN_SAVING:g}x fixed"
                                                                  if r is sh and long_dt else "")}))
        rng = np.random.default_rng([seed, 9, j])
        lv0 = rng.choice(task.n_levels, size=n_memories, p=task.p0).astype(np.int64)
        sched = [Segment(0.0, task.hold_start, 0.0)] + [Segment(T, np.asarray(U), e) for T, U, e in sh.segments] \
            + [Segment(0.0, task.hold_end, 0.0)]
        k = gillespie(lv0, task.n_levels, sched, seed=seed * 1009 + 700 + j, f0_hz=f0_hz)
        m, se = mean_se(k.heat_kT)
        cases.append(Case(f"design_shaped_kmc[{tag}]", params | {"n_memories": n_memories}, m, se, sh.heat_kT,
                          detail={"first_law_residual": k.first_law_residual, "mean_hops": float((k.hops_up + k.hops_dn).mean()),
                                  "master_activity": sh.activity,
                                  "criterion": "two-sided: KMC mean heat of the optimised schedule within z* SE of "
                                               "the master equation's"}))
    return judge(cases)
