"""The anneal's refusals before any work: time scale, memory, range of the energy books, counts (THEORY §1, §6)."""
from __future__ import annotations

import math
import os

import numpy as np
from numpy.typing import ArrayLike

from ...deprecation import renamed_keywords
from ...errors import ParameterError, check_positive
from ...physics.lim import lim_per_op_J
from ...physics.rates import dwell_time_s, retention_barrier_kT
from ...physics.static import D_RET_DEFAULT, RETENTION_DEFAULT_S, static_per_op_J
from .problem import IsingProblem, _row_sums

__all__ = ["BOOKS_MAX_KT", "MEMORY_FRACTION", "check_time_scale", "physical_memory_bytes", "check_memory",
           "check_books_range"]

#: Largest energy-book magnitude (kT) a read may reach: per-read heats, their sums over reads and their
#: squares (standard errors) then stay far inside the double range.
BOOKS_MAX_KT = 1e100
#: Share of the physical memory an anneal may plan to allocate.
MEMORY_FRACTION = 0.5


@renamed_keywords(T_K="temperature_K")
def check_time_scale(f0_hz: float, barrier_kT: float, temperature_K: float, *,
                     names: tuple[str, str, str] = ("f0_hz", "barrier_kT", "temperature_K")) -> float:
    """Validate the physical time scale of an anneal; return ``sweep_time_s = exp(E_b/kT) / f0``.

    Refused (one line naming the argument by ``names``, before any work):
    non-finite or non-positive ``f0_hz`` / ``temperature_K``, negative ``barrier_kT``; a
    sweep time outside the double range (``|E_b - ln(f0 s)| > 700``); an
    attempt frequency so low that ``f0 T_ret < d_ret`` (10 years, 1e-6): a
    static memory would then need no barrier to retain (``E_ret = ln(f0
    T_ret / d_ret) < 0``, THEORY §1) and the static-CIM price is undefined;
    and any time scale at which the prices of a spin update (LIM, static
    CIM; THEORY §2b, §2c) are not finite.
    """
    nf, nb, nt = names
    f0 = check_positive(nf, f0_hz)
    Eb = check_positive(nb, barrier_kT, allow_zero=True)
    T = check_positive(nt, temperature_K)
    log_dt = Eb - math.log(f0)
    if abs(log_dt) > 700.0:
        raise ParameterError(f"{nb}={barrier_kT!r} with {nf}={f0_hz!r} gives a sweep time exp(barrier)/f0 = "
                             f"e^{log_dt:.6g} s, outside the double range; allowed: |barrier - ln(f0 * 1 s)| <= 700")
    if float(retention_barrier_kT(RETENTION_DEFAULT_S, D_RET_DEFAULT, f0)) < 0.0:
        raise ParameterError(f"{nf}={f0_hz!r} is too low: f0 T_ret < d_ret, a static memory would need no barrier "
                             f"(THEORY §1); allowed: {nf} >= {D_RET_DEFAULT / RETENTION_DEFAULT_S:.3g} /s")
    try:
        dt = dwell_time_s(Eb, f0)  # the sweep time of the result (AnnealResult.sweep_time_s)
        with np.errstate(all="raise", under="ignore"):
            prices = (float(lim_per_op_J(1, dt, T, f0_hz=f0)), float(static_per_op_J(1, dt, T, f0_hz=f0)))
    except (FloatingPointError, OverflowError, ParameterError):
        prices = (math.inf,)
    if not all(math.isfinite(x) for x in prices):
        raise ParameterError(f"{nf}={f0_hz!r}, {nb}={barrier_kT!r}, {nt}={temperature_K!r}: the energy of a spin update at this "
                             f"time scale is not finite; allowed: a sweep time exp(barrier)/f0 and f0 T_ret in double range")
    return dt


def physical_memory_bytes() -> int:
    """This machine's physical memory (bytes; 16 GiB where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 16 * 2**30


def check_memory(n: int, sweeps: int, reads: int) -> int:
    """Refuse an anneal whose arrays would not fit: ``~ 32 S + 4 R n + 256 R`` bytes against half the RAM.

    (per-sweep schedule and its temporaries, 8 B each x 4; states, best
    states and their initial draw, 1 B each; per-read books.)  Returns the
    estimate in bytes.
    """
    need = 32 * int(sweeps) + 4 * int(reads) * int(n) + 256 * int(reads)
    limit = int(MEMORY_FRACTION * physical_memory_bytes())
    if need > limit:
        raise ParameterError(f"sweeps={sweeps}, reads={reads} on {n} spins need about {need / 2**30:.3g} GiB "
                             f"(32 B per sweep, 4 B per spin per read); allowed: at most {limit / 2**30:.3g} GiB "
                             f"({MEMORY_FRACTION:g} of this machine's memory): fewer sweeps or reads")
    return need


def check_books_range(problem: IsingProblem, betas: ArrayLike, sweeps: int) -> float:
    """Refuse a schedule whose energy books could leave the double range; return their bound in kT.

    Each flip releases ``|beta dH_i| <= beta_max dH_i,max`` (``dH_i,max = 2 (|h_i| +
    sum_j |J_ij|)``), at most ``n`` flips per sweep, so ``|Q|``, ``|W|`` and ``|U|`` of a
    read are at most ``B = sweeps * beta_max * sum_i dH_i,max``; ``B`` must not
    exceed :data:`BOOKS_MAX_KT`.
    """
    bmax = float(np.max(betas)) if len(betas) else 0.0
    dH = 2.0 * (_row_sums(problem, np.abs(problem.data)) + np.abs(problem.h))
    with np.errstate(over="ignore"):
        bound = float(sweeps) * bmax * float(dH.sum())
    if not bound <= BOOKS_MAX_KT:
        raise ParameterError(f"beta up to {bmax:.3g} per unit of H over {sweeps} sweeps lets the energy books reach "
                             f"{bound:.3g} kT; allowed: sweeps * beta_max * sum_i 2(|h_i| + sum_j |J_ij|) <= "
                             f"{BOOKS_MAX_KT:.0e} (a smaller beta_range)")
    return bound
