"""Simulator throughput at 1e6 elements against straightforward numpy, measured in the same run.

* Langevin: particle-steps per second of :func:`limbound.sim.simulate`
  (Euler-Maruyama with work/heat books, a dragged harmonic trap) vs a numpy
  loop over steps vectorised over particles (same books, ``Generator.standard_normal``).
* KMC: memory-steps per second of the synchronous engines
  (:func:`sync_step` serial with numba's global RNG, :func:`sync_step_par`
  with per-memory streams on all threads, ``sync_step_par (unchecked)`` the same
  kernel validated once per run (:func:`check_step`, then :func:`sync_step_unchecked`,
  as the LIM arrays call it), :func:`sync_run_v` several steps of
  a fixed V landscape per call) vs one numpy synchronous step (exp, uniform, where).
* Gillespie: hops per second of the exact continuous-time engine.

Goals on the 2-core machine (issue 3): >= 5e7 particle-steps/s, >= 1e8 memory-steps/s.
Threads: ``numba.get_num_threads()`` (printed).  Compilation is excluded (warm-up call).

    .venv/bin/python benchmarks/bench_sim.py [--n 1000000] [--steps 50] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from limbound.sim import (
    Segment,
    gillespie,
    max_step_s,
    seed_kernels,
    stream_states,
    sync_step,
    sync_step_par,
    v_landscape,
)
from limbound.sim.kmc import check_step, sync_run_v, sync_step_unchecked
from limbound.sim.langevin import simulate
from limbound.sim.protocols import harmonic_drag


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def numpy_langevin(x, lam, k, h, gamma, kT, rng):
    """Reference: the same Euler-Maruyama step and energy books in numpy, one vector op per step."""
    W = np.zeros_like(x)
    Q = np.zeros_like(x)
    amp = np.sqrt(2 * kT * h / gamma)
    for j in range(lam.size - 1):
        u_old = 0.5 * k * (x - lam[j]) ** 2
        u_new = 0.5 * k * (x - lam[j + 1]) ** 2
        W += u_new - u_old
        x = x - (h / gamma) * k * (x - lam[j + 1]) + amp * rng.standard_normal(x.size)
        Q += u_new - 0.5 * k * (x - lam[j + 1]) ** 2
    return x, W, Q


def numpy_sync_step(levels, M, dU_up, dU_dn, barrier, h, f0, rng, heat):
    """Reference: one synchronous step in numpy (same probabilities as sync_step)."""
    p_up = np.where(levels < M - 1, f0 * h * np.exp(-(barrier + 0.5 * dU_up)), 0.0)
    p_dn = np.where(levels > 0, f0 * h * np.exp(-(barrier + 0.5 * dU_dn)), 0.0)
    u = rng.random(levels.size)
    up = u < p_up
    dn = (~up) & (u < p_up + p_dn)
    heat -= np.where(up, dU_up, 0.0) + np.where(dn, dU_dn, 0.0)
    levels += up.astype(np.int64) - dn.astype(np.int64)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    n, S, R = a.n, a.steps, a.repeat
    print(f"numba threads: {numba.get_num_threads()}   elements: {n:.0e}   steps per call: {S}")

    # ---------------- Langevin
    k, gamma, h = 1.0, 1.0, 1e-3
    pr = harmonic_drag(k=k, L=1.0, tau=S * h, gamma=gamma, kind="linear")
    x0 = np.random.default_rng(0).normal(size=n)
    simulate(pr, x0[:100], gamma=gamma, dt=h, seed=1)
    t_nb = best_of(lambda: simulate(pr, x0, gamma=gamma, dt=h, seed=1), R)
    lam = np.linspace(0.0, 1.0, S + 1)
    rng = np.random.default_rng(1)
    t_np = best_of(lambda: numpy_langevin(x0.copy(), lam, k, h, gamma, 1.0, rng), R)
    r_nb, r_np = n * S / t_nb, n * S / t_np
    print(f"Langevin  particle-steps/s: numba {r_nb:.3g}   numpy {r_np:.3g}   ratio {r_nb / r_np:.1f}   (goal 5e7)")

    # ---------------- KMC, synchronous
    M = 16
    lv0 = np.random.default_rng(2).integers(0, M, n).astype(np.int64)
    opt = np.full(n, M // 2, dtype=np.int64)
    D = np.full(n, 3.0)
    bar = np.full(n, 2.0)
    up = np.where(lv0 < opt, -D, D)
    dn = np.where(lv0 > opt, -D, D)
    hk = 0.5 * max_step_s(M, up, dn, bar, 1e9)
    heat = np.zeros(n)

    def run_serial():
        lv = lv0.copy()
        for _ in range(S):
            sync_step(lv, M, up, dn, bar, hk, 1e9, heat)

    def run_par():
        lv = lv0.copy()
        st = stream_states(3, n)
        for _ in range(S):
            sync_step_par(lv, M, up, dn, bar, hk, 1e9, st, heat)

    def run_par_unchecked():
        lv = lv0.copy()
        st = stream_states(3, n)
        check_step(lv, M, up, dn, bar, hk, 1e9, heat, parallel=True)
        for _ in range(S):
            sync_step_unchecked(lv, M, up, dn, bar, hk, 1e9, st, heat)

    def run_v():
        sync_run_v(lv0.copy(), M, opt, D, bar, hk, 1e9, S, stream_states(3, n), heat)

    def run_np():
        lv = lv0.copy()
        g = np.random.default_rng(3)
        for _ in range(S):
            numpy_sync_step(lv, M, up, dn, bar, hk, 1e9, g, heat)

    seed_kernels(1)
    sync_step(lv0.copy(), M, up, dn, bar, hk, 1e9, heat)
    sync_step_par(lv0.copy(), M, up, dn, bar, hk, 1e9, stream_states(0, n), heat)
    sync_step_unchecked(lv0.copy(), M, up, dn, bar, hk, 1e9, stream_states(0, n), heat)
    sync_run_v(lv0[:10].copy(), M, opt[:10], D[:10], bar[:10], hk, 1e9, 2, stream_states(0, 10))
    rates = {name: n * S / best_of(fn, R) for name, fn in
             (("sync_step", run_serial), ("sync_step_par", run_par),
                              ("sync_step_par (unchecked)", run_par_unchecked), ("sync_run_v", run_v), ("numpy", run_np))}
    print("KMC       memory-steps/s:  " + "   ".join(f"{k_} {v:.3g}" for k_, v in rates.items())
          + "   (goal 1e8; fixed landscapes per step, dU_up/dU_dn given)")
    print("          ratios to numpy: " + "   ".join(f"{k_} {v / rates['numpy']:.1f}" for k_, v in rates.items() if k_ != "numpy"))

    # ---------------- Gillespie
    m = min(n, 200_000)
    seg = [Segment(1e-6, v_landscape(M, M // 2, 3.0), 6.0)]
    gillespie(np.zeros(10, dtype=np.int64), M, seg, seed=0)
    t0 = time.perf_counter()
    r = gillespie(np.zeros(m, dtype=np.int64), M, seg, seed=0)
    el = time.perf_counter() - t0
    hops = int(r.hops_up.sum() + r.hops_dn.sum())
    print(f"Gillespie hops/s: {hops / el:.3g}  ({hops:.3g} hops of {m} memories in {el:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
