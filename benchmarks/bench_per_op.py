"""Per-operation energies over a 1000 x 1000 (bits x dt) grid: evaluations per second.

Peer: a plain Python loop over the same closed forms with the ``math`` module,
measured in the same run on a slice of the grid.  Prints evaluations/s of
each and the ratio.  Single-threaded (numpy ufuncs run on one core).

    .venv/bin/python benchmarks/bench_per_op.py
"""
from __future__ import annotations

import math
import time

import numpy as np

from limbound.physics import lim_barrier_kT, lim_tilt_kT, static_per_op_kT
from limbound.physics.static import D_RET_DEFAULT, D_W_DEFAULT, RETENTION_DEFAULT_S


def python_loop(bits_list, dt_list, f0=1e9):
    """The same formulas (THEORY §2b-c), scalar by scalar."""
    out = []
    e_ret = math.log(f0 * RETENTION_DEFAULT_S / D_RET_DEFAULT)
    lnw = -math.log(D_W_DEFAULT)
    for b in bits_list:
        eps = 2.0 ** -(b + 1)
        d_prec = math.log1p(-eps) - math.log(eps)
        for dt in dt_list:
            d = max(d_prec, 2.0 * math.asinh(0.5 / (f0 * dt)))
            eb = max(math.log(2 * f0 * dt) + d / 2 + math.log1p(-math.exp(-d)) - math.log(2), 0.0)
            st = max(d_prec, 2.0 * (e_ret - math.log(f0 * dt / lnw)))
            out.append((d, eb, st))
    return out


def main(n=1000, repeats=3):
    bits = np.linspace(1, 64, n).round()[:, None]
    dt = np.logspace(-15, 3, n)[None, :]
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        d = lim_tilt_kT(bits, dt)
        eb = lim_barrier_kT(bits, dt)
        st = static_per_op_kT(bits, dt)
        best = min(best, time.perf_counter() - t0)
    evals = 3 * n * n  # three per-op quantities per grid point
    rate_np = evals / best

    # the same number of independent (bits, dt) pairs, no broadcasting shortcut
    rng = np.random.default_rng(0)
    bits_flat = rng.integers(1, 65, n * n)
    dt_flat = 10.0 ** rng.uniform(-15, 3, n * n)
    best_flat = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        lim_tilt_kT(bits_flat, dt_flat)
        lim_barrier_kT(bits_flat, dt_flat)
        static_per_op_kT(bits_flat, dt_flat)
        best_flat = min(best_flat, time.perf_counter() - t0)
    rate_flat = evals / best_flat

    m = 100  # the loop on a 100 x 100 slice
    t0 = time.perf_counter()
    ref = python_loop(bits[:m, 0].tolist(), dt[0, :m].tolist())
    t_py = time.perf_counter() - t0
    rate_py = 3 * m * m / t_py
    # same numbers, so the comparison is fair
    got = np.stack([d[:m, :m], eb[:m, :m], st[:m, :m]], axis=-1).reshape(-1, 3)
    np.testing.assert_allclose(got, np.array(ref), rtol=1e-9, atol=1e-9)

    print(f"grid {n} x {n}, 3 per-op quantities (LIM tilt, LIM barrier, static CIM) per point")
    print(f"limbound (numpy, vectorised): {rate_np:.3g} evaluations/s  (best of {repeats}: {best * 1e3:.1f} ms)")
    print(f"limbound, 1e6 independent (bits, dt) pairs: {rate_flat:.3g} evaluations/s  ({best_flat * 1e3:.1f} ms)")
    print(f"plain Python loop (math):     {rate_py:.3g} evaluations/s")
    print(f"ratio grid / loop: {rate_np / rate_py:.1f}x; independent pairs / loop: {rate_flat / rate_py:.1f}x")


if __name__ == "__main__":
    main()
