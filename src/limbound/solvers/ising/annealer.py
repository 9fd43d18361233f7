"""The front door :func:`anneal`: ``reads`` copies of the memory array annealed, with exact energy books (THEORY §6)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ...deprecation import renamed_keywords
from ...errors import ParameterError, check_positive
from ...specs import ANNEAL
from .checks import check_books_range, check_memory, check_time_scale
from .floors import floor_tree
from .kernel import run_reads
from .problem import IsingProblem
from .result import AnnealResult
from .schedules import READOUT_FACTOR, READOUT_FRACTION, beta_schedule, default_beta_range

__all__ = ["anneal"]


@renamed_keywords(T_K="temperature_K")
@ANNEAL.validates
def anneal(problem: IsingProblem, *, sweeps: int = 1000, reads: int = 16, schedule: str = "fn",
           beta_range: Sequence[float] | None = None, seed: int = 0, target_energy: float | None = None,
           acceptance: str = "metropolis", temperature_K: float = T_DEFAULT_K, f0_hz: float = F0_DEFAULT_HZ,
           barrier_kT: float = 0.0, initial_states: ArrayLike | None = None, betas: ArrayLike | None = None,
           fn_t0_sweeps: float | None = None, readout_fraction: float = READOUT_FRACTION,
           readout_factor: float = READOUT_FACTOR) -> AnnealResult:
    """Anneal ``reads`` independent copies of the memory array and keep exact energy books.

    Parameters
    ----------
    problem : IsingProblem
    sweeps : int >= 1, attempts per spin per read
    reads : int >= 1, independent runs (each from uniformly random spins)
    schedule : 'fn' (default) | 'linear' | 'geometric' (module notes)
    beta_range : (beta_hot, beta_cold) per unit of ``H``; default :func:`default_beta_range`
    fn_t0_sweeps : FN time constant in sweeps (default ``FN_T0_FRACTION * (anneal sweeps - 1)``)
    readout_fraction, readout_factor : the read-out hold, the last
        ``readout_fraction`` of the sweeps at ``readout_factor * beta_cold``
        (default 3 % at 5x; ``readout_fraction=0`` turns it off)
    seed : int >= 0; read ``r`` uses its own stream spawned from it, so results
        do not depend on the number of threads
    target_energy : float, optional; the heat, spin updates, flips and nonzeros
        until ``H <= target_energy`` is first met are recorded per read
    acceptance : 'metropolis' | 'glauber'
    temperature_K : bath temperature, K (converts kT books to J)
    f0_hz, barrier_kT : attempt frequency and barrier (above the upper well);
        set the physical sweep time ``exp(E_b/kT)/f0``
    initial_states : optional int array (reads, n) of +-1; default uniformly random
    betas : optional float array (sweeps,) of per-sweep ``beta >= 0``, a custom
        schedule (then ``schedule`` and ``beta_range`` are ignored and
        recorded as ``'custom'``)

    Returns
    -------
    AnnealResult
    """
    if not isinstance(problem, IsingProblem):
        raise ParameterError(f"problem={type(problem).__name__} is not an IsingProblem")
    # sweeps, reads, seed, schedule, acceptance, beta_range, temperature_K, f0_hz, barrier_kT ...: checked at entry
    # (limbound.specs.ANNEAL); below, the checks of their combinations
    check_time_scale(f0_hz, barrier_kT, temperature_K)
    check_memory(problem.n, sweeps, reads)
    betas, sched = _schedule(problem, sweeps, schedule, beta_range, betas, fn_t0_sweeps, readout_fraction,
                             readout_factor)
    check_books_range(problem, betas, sweeps)
    spins, seeds = _start_states(problem.n, reads, seed, initial_states)
    best, books, wall = run_reads(problem, betas, spins, seeds, target_energy, acceptance)
    return AnnealResult(
        samples=spins, best_samples=best, **books, betas=betas, schedule=sched, n=problem.n, sweeps=sweeps,
        reads=reads, seed=seed, target_energy=target_energy, acceptance=acceptance, temperature_K=temperature_K,
        f0_hz=f0_hz, barrier_kT=barrier_kT, wall_time_s=wall,
        extra={"z2_symmetric": not bool(np.any(problem.h)), "random_start": initial_states is None,
               "floor_tree": floor_tree(problem)})


def _schedule(problem: IsingProblem, sweeps: int, schedule: str, beta_range: Sequence[float] | None,
              betas: ArrayLike | None, fn_t0_sweeps: float | None, readout_fraction: float,
              readout_factor: float) -> tuple[NDArray[np.float64], dict]:
    """``(betas, schedule params)``: the custom ``betas`` checked, or the named schedule over ``beta_range``."""
    if betas is not None:
        betas = np.array(betas, dtype=np.float64).ravel()
        if betas.shape != (sweeps,):
            raise ParameterError(f"betas has shape {betas.shape}; allowed: ({sweeps},), one per sweep")
        check_positive("betas", betas, allow_zero=True)
        return betas, {"schedule": "custom"}
    if beta_range is None:
        beta_range = default_beta_range(problem, schedule)
    b_hot, b_cold = beta_range  # checked at entry (limbound.specs.ANNEAL)
    return beta_schedule(schedule, sweeps, b_hot, b_cold, fn_t0_sweeps=fn_t0_sweeps,
                         readout_fraction=readout_fraction, readout_factor=readout_factor)


def _start_states(n: int, reads: int, seed: int, initial_states: ArrayLike | None
                  ) -> tuple[NDArray[np.int8], NDArray[np.uint64]]:
    """``(spins (reads, n) int8, kernel seeds (reads,) uint64)``, both spawned from ``seed``: uniformly random
    spins, or ``initial_states`` checked."""
    ss = np.random.SeedSequence(seed)
    spin_ss, kern_ss = ss.spawn(2)
    if initial_states is None:
        spins = (np.random.default_rng(spin_ss).integers(0, 2, size=(reads, n), dtype=np.int8) * 2 - 1).astype(np.int8)
    else:
        spins = np.array(initial_states, dtype=np.int8)
        if spins.shape != (reads, n) or not np.all(np.abs(spins) == 1):
            raise ParameterError(f"initial_states has shape {spins.shape}; allowed: ({reads}, {n}) of +-1")
    return spins, kern_ss.generate_state(reads, dtype=np.uint64)
