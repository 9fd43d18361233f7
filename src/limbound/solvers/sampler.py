"""``LIMAnnealingSampler``: the LIM Ising machine as a ``dimod.Sampler`` (THEORY §6).

Ocean users call ``sample(bqm)``, ``sample_ising(h, J)`` or
``sample_qubo(Q)`` as with any dimod sampler; the returned ``SampleSet``
holds the final state of every read (the memories' content when the anneal
ends), with per-read data vectors ``heat_J`` (dissipated), ``work_J`` and
``num_flips``, and ``info`` carrying the totals over all reads
(``energy_dissipated_J``, ``work_J``, ``delta_U_J``), the mean heat of one
read (``energy_dissipated_per_read_J``), ``first_law_residual``, the
schedule and the physical conventions.

dimod is the optional extra ``limbound[ising]``; this is the only module of
limbound that imports it.
"""
from __future__ import annotations

import secrets

import numpy as np

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ..errors import LimboundError, ParameterTypeError
from .gset import ising_from_bqm
from .ising import ACCEPTANCES, READOUT_FACTOR, READOUT_FRACTION, SCHEDULES, anneal


def _require_dimod():
    try:
        import dimod
    except ImportError:  # pragma: no cover - depends on the environment
        raise LimboundError("dimod is not installed; install the optional extra: pip install 'limbound[ising]'") from None
    return dimod


dimod = _require_dimod()

__all__ = ["LIMAnnealingSampler"]


class LIMAnnealingSampler(dimod.Sampler):
    """Simulated annealing in barrier-modulated two-well memories, with exact energy books.

    Every read starts from uniformly random spins and follows the schedule
    (the seeds' ``fn``, ``lam0 ln(1+t/t0)``, by default; ``linear``; ``geometric``) in
    the effective inverse temperature ``beta = lam/kT`` (per unit of the BQM
    energy).  The heat each flip releases, ``-lam dE``, and the work of the
    schedule, ``(lam_new - lam_old) E``, are summed per read; the first law
    is checked on every read.

    Examples
    --------
    >>> sampler = LIMAnnealingSampler()
    >>> ss = sampler.sample_ising({}, {("a", "b"): -1.0}, num_reads=4, seed=1)
    >>> int(ss.first.energy)
    -1
    """

    parameters = None
    properties = None

    def __init__(self):
        self.parameters = {
            "num_reads": [], "num_sweeps": [], "schedule": ["schedule_options"], "beta_range": [],
            "seed": [], "acceptance": ["acceptance_options"], "temperature_K": [], "f0_hz": [],
            "barrier_kT": [], "fn_t0_sweeps": [], "readout_fraction": [], "readout_factor": [],
        }
        self.properties = {
            "schedule_options": SCHEDULES, "acceptance_options": ACCEPTANCES,
            "energy_units": "heat_J / work_J in joules; beta per unit of BQM energy",
        }

    def sample(self, bqm, *, num_reads=16, num_sweeps=1000, schedule="fn", beta_range=None,
               seed=None, acceptance="metropolis", temperature_K=T_DEFAULT_K, f0_hz=F0_DEFAULT_HZ,
               barrier_kT=0.0, fn_t0_sweeps=None, readout_fraction=READOUT_FRACTION,
               readout_factor=READOUT_FACTOR, **kwargs):
        """Sample ``bqm`` (any vartype); keyword options as in :func:`limbound.solvers.ising.anneal`.

        ``seed=None`` draws a fresh seed and records it in ``info['seed']``.
        Unknown keywords are ignored with a warning (dimod convention).
        """
        if not isinstance(bqm, dimod.BinaryQuadraticModel):
            raise ParameterTypeError(f"bqm={bqm!r:.60} is a {type(bqm).__name__}; allowed: a dimod.BinaryQuadraticModel "
                                     "(or call sample_ising(h, J) / sample_qubo(Q))")
        self.remove_unknown_kwargs(**kwargs)
        if seed is None:
            seed = secrets.randbits(63)
        problem, offset = ising_from_bqm(bqm)
        res = anneal(problem, sweeps=num_sweeps, reads=num_reads, schedule=schedule, beta_range=beta_range,
                     seed=seed, acceptance=acceptance, T_K=temperature_K, f0_hz=f0_hz, barrier_kT=barrier_kT,
                     fn_t0_sweeps=fn_t0_sweeps, readout_fraction=readout_fraction, readout_factor=readout_factor)
        labels = list(problem.labels or ())
        samples = res.samples
        if bqm.vartype is dimod.BINARY:
            samples = ((samples + 1) // 2).astype(np.int8)
        info = {
            "energy_dissipated_J": float(res.heat_J.sum()),
            "energy_dissipated_per_read_J": float(res.heat_J.mean()), "work_J": float(res.work_J.sum()),
            "delta_U_J": float((res.U_end_kT - res.U_start_kT).sum()) * res.kT_J,
            "first_law_residual": res.first_law_residual,
            "schedule": dict(res.schedule), "acceptance": acceptance,
            "lambda_range_J": [float(res.betas[0]) * res.kT_J, float(res.betas[-1]) * res.kT_J] if res.betas.size else [],
            "temperature_K": res.T_K, "sweep_time_s": res.sweep_time_s,
            "anneal_time_s": res.sweeps * res.sweep_time_s, "spin_updates_per_s": res.spin_updates_per_s,
            "num_sweeps": res.sweeps, "seed": seed, "energy_offset": offset,
        }
        fl = res.floor()  # THEORY §8a floor of the mean heat per read (theorem), with its parts
        info.update({"floor_J": fl["floor_J"], "floor_parts": fl["floor_parts"], "tightness": fl["tightness"],
                     "floor_holds": fl["floor_holds"]})
        return dimod.SampleSet.from_samples_bqm(
            (samples, labels), bqm, info=info,
            heat_J=res.heat_J, work_J=res.work_J, num_flips=res.flips)
