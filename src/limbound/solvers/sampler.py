"""``LIMAnnealingSampler``: the LIM Ising machine as a ``dimod.Sampler`` (THEORY §6).

Ocean users call ``sample(bqm)``, ``sample_ising(h, J)`` or
``sample_qubo(Q)`` as with any dimod sampler; the returned ``SampleSet``
holds the final state of every read (the memories' content when the anneal
ends), with per-read data vectors ``heat_J`` (dissipated), ``work_J`` and
``num_flips``, and ``info`` carrying the totals over all reads
(``heat_all_reads_J``, ``work_all_reads_J``, ``delta_U_J``; ``work_J``, the same total, is deprecated), the mean
heat of one read (``heat_J``; before 0.2 ``energy_dissipated_J`` and ``energy_dissipated_per_read_J``, kept as
aliases), ``first_law_residual``, the
schedule and the physical conventions.

dimod is the optional extra ``limbound[ising]``; this is the only module of
limbound that imports it.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._optional import require
from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ..deprecation import renamed_keywords
from ..errors import ParameterError, ParameterTypeError, check_integer
from ..specs import ANNEAL
from .ising import ACCEPTANCES, READOUT_FACTOR, READOUT_FRACTION, SCHEDULES, IsingProblem, anneal, default_beta_range

if TYPE_CHECKING:
    from .ising import AnnealResult
    from .maxcut import MaxCutGraph

dimod = require("dimod", extra="ising")

__all__ = ["LIMAnnealingSampler", "ising_from_bqm", "maxcut_bqm"]


def ising_from_bqm(bqm: dimod.BinaryQuadraticModel) -> tuple[IsingProblem, float]:
    """A dimod BQM (any vartype) as ``(IsingProblem, offset)`` with ``E_bqm(s) = H(s) + offset`` on spins.

    dimod's energy is ``sum h_i s_i + sum J_ij s_i s_j + offset``; ours has the
    opposite signs, so ``h = -h_dimod``, ``J = -J_dimod``.  Variable order is
    ``bqm.variables``; the labels travel in ``problem.labels``.
    """
    spin = bqm.spin if hasattr(bqm, "spin") else bqm
    labels = list(spin.variables)
    index = {v: k for k, v in enumerate(labels)}
    h = np.array([-float(spin.linear[v]) for v in labels], dtype=np.float64)
    quad = list(spin.quadratic.items())
    i = np.array([index[u] for (u, _), _ in quad], dtype=np.int64)
    j = np.array([index[v] for (_, v), _ in quad], dtype=np.int64)
    J = np.array([-float(b) for _, b in quad], dtype=np.float64)
    return IsingProblem.from_edges(len(labels), i, j, J, h, labels=labels), float(spin.offset)


def maxcut_bqm(graph: MaxCutGraph) -> dimod.BinaryQuadraticModel:
    """The MaxCut problem as a SPIN ``dimod.BinaryQuadraticModel`` whose energy is ``-cut(s)``.

    ``-cut = sum w (s_i s_j - 1) / 2``: ``J_ij = w_ij / 2``, offset ``-W/2``.
    ``graph``: a :class:`~limbound.solvers.maxcut.MaxCutGraph`.  Requires the optional extra ``limbound[ising]`` (dimod).
    """
    bqm = dimod.BinaryQuadraticModel({k: 0.0 for k in range(graph.n)}, {}, -0.5 * graph.total_weight, dimod.SPIN)
    for a, b, w in zip(graph.i.tolist(), graph.j.tolist(), graph.w.tolist(), strict=True):
        bqm.add_quadratic(a, b, 0.5 * w)
    return bqm


#: dwave-samplers' beta_schedule_type values (SimulatedAnnealingSampler), with the same meaning
DWAVE_SCHEDULES = ("linear", "geometric", "custom")
#: dwave-samplers' proposal_acceptance_criteria -> limbound's acceptance
DWAVE_ACCEPTANCE = {"Metropolis": "metropolis", "Gibbs": "glauber"}


def dwave_betas(beta_schedule_type: str, num_sweeps: int | None, num_sweeps_per_beta: int,
                beta_range: Sequence[float] | None, beta_schedule: ArrayLike | None
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], list[float]]:
    """The per-sweep betas of dwave-samplers' ``SimulatedAnnealingSampler`` for the same arguments.

    ``linear``/``geometric``: ``num_sweeps / num_sweeps_per_beta`` betas from ``beta_range[0]`` to
    ``beta_range[1]`` (``numpy.linspace`` / ``numpy.geomspace``; one beta = the cold end), each held for
    ``num_sweeps_per_beta`` sweeps; ``custom``: ``beta_schedule`` as given, each held likewise.  Returns
    ``(per-sweep betas, per-beta schedule, beta_range)``.
    """
    check_integer("num_sweeps_per_beta", num_sweeps_per_beta, minimum=1)
    if beta_schedule_type not in DWAVE_SCHEDULES:
        raise ParameterError(f"beta_schedule_type={beta_schedule_type!r} is unknown; allowed: {', '.join(DWAVE_SCHEDULES)}")
    if beta_schedule_type == "custom":
        if beta_schedule is None:
            raise ParameterError("beta_schedule is required for beta_schedule_type='custom'")
        sched = np.array(beta_schedule, dtype=float).ravel()
        if sched.size == 0 or not np.all(np.isfinite(sched)) or sched.min() < 0:
            raise ParameterError("beta_schedule must be a non-empty list of finite betas >= 0")
        if num_sweeps is not None and num_sweeps != sched.size * num_sweeps_per_beta:
            raise ParameterError(f"num_sweeps={num_sweeps} does not match beta_schedule ({sched.size} betas) x "
                                 f"num_sweeps_per_beta={num_sweeps_per_beta}; allowed: None or their product")
        if beta_range is not None and (beta_range[0] != sched[0] or beta_range[-1] != sched[-1]):
            raise ParameterError("beta_range must be None or match the ends of beta_schedule for 'custom'")
        beta_range = [float(sched[0]), float(sched[-1])]
    else:
        if beta_schedule is not None:
            raise ParameterError(f"beta_schedule is only for beta_schedule_type='custom' (got {beta_schedule_type!r})")
        num_sweeps = 1000 if num_sweeps is None else num_sweeps
        num_betas, rem = divmod(int(num_sweeps), num_sweeps_per_beta)
        if rem or num_betas < 1:
            raise ParameterError(f"num_sweeps={num_sweeps} is not a positive multiple of num_sweeps_per_beta="
                                 f"{num_sweeps_per_beta}")
        lo, hi = (float(b) for b in beta_range)
        if min(lo, hi) < 0 or (beta_schedule_type == "geometric" and min(lo, hi) <= 0):
            raise ParameterError(f"beta_range={list(beta_range)!r} is out of range; allowed: betas >= 0 (> 0 geometric)")
        if num_betas == 1:
            sched = np.array([hi])
        else:
            sched = (np.linspace if beta_schedule_type == "linear" else np.geomspace)(lo, hi, num=num_betas)
        beta_range = [lo, hi]
    return np.repeat(sched, num_sweeps_per_beta), sched, beta_range


def _merge(results: list[AnnealResult]) -> AnnealResult:
    """One :class:`~limbound.solvers.ising.AnnealResult` from single-read results run one after another."""
    import dataclasses

    first = results[0]
    if len(results) == 1:
        return first
    upd = {}
    for f in dataclasses.fields(first):
        v = getattr(first, f.name)
        if isinstance(v, np.ndarray) and f.name != "betas" and v.shape[:1] == (1,):
            upd[f.name] = np.concatenate([getattr(r, f.name) for r in results])
    return dataclasses.replace(first, reads=len(results), wall_time_s=sum(r.wall_time_s for r in results), **upd)


class LIMAnnealingSampler(dimod.Sampler, dimod.Initialized):
    """Simulated annealing in barrier-modulated two-well memories, with exact energy books.

    Every read starts from uniformly random spins (or ``initial_states``) and follows the schedule
    (the seeds' ``fn``, ``lam0 ln(1+t/t0)``, by default; ``linear``; ``geometric``) in
    the effective inverse temperature ``beta = lam/kT`` (per unit of the BQM
    energy).  The heat each flip releases, ``-lam dE``, and the work of the
    schedule, ``(lam_new - lam_old) E``, are summed per read; the first law
    is checked on every read.

    dwave-samplers' parameters are accepted with ``SimulatedAnnealingSampler``'s meaning: ``beta_range``,
    ``beta_schedule_type`` (``linear``, ``geometric``, ``custom`` with ``beta_schedule``),
    ``num_sweeps_per_beta``, ``initial_states`` with ``initial_states_generator`` (``none``, ``tile``,
    ``random``), ``interrupt_function`` (called between reads; ``True`` stops and returns the reads done),
    ``proposal_acceptance_criteria`` (``Metropolis``, ``Gibbs``) and ``seed``.  Giving ``beta_schedule_type``
    selects dwave's schedule exactly (no read-out hold); without it the ``schedule`` option applies.
    ``info`` carries ``beta_range``, ``beta_schedule_type`` and ``timing`` (``preprocessing_ns``,
    ``sampling_ns``, ``postprocessing_ns``) as dwave-samplers' does.

    Examples
    --------
    >>> sampler = LIMAnnealingSampler()
    >>> ss = sampler.sample_ising({}, {("a", "b"): -1.0}, num_reads=4, seed=1)
    >>> int(ss.first.energy)
    -1
    """

    parameters = None
    properties = None

    def __init__(self) -> None:
        self.parameters = {
            "num_reads": [], "num_sweeps": [], "schedule": ["schedule_options"], "beta_range": [],
            "seed": [], "acceptance": ["acceptance_options"], "temperature_K": [], "f0_hz": [],
            "barrier_kT": [], "fn_t0_sweeps": [], "readout_fraction": [], "readout_factor": [],
            "beta_schedule_type": ["beta_schedule_options"], "beta_schedule": [], "num_sweeps_per_beta": [],
            "initial_states": [], "initial_states_generator": [], "interrupt_function": [],
            "proposal_acceptance_criteria": [],
        }
        self.properties = {
            "schedule_options": SCHEDULES, "acceptance_options": ACCEPTANCES,
            "beta_schedule_options": DWAVE_SCHEDULES,
            "energy_units": "heat_J / work_J in joules; beta per unit of BQM energy",
        }

    @renamed_keywords(T_K="temperature_K")
    def sample(self, bqm: dimod.BinaryQuadraticModel, *, num_reads: int | None = None,
               num_sweeps: int | None = None, schedule: str = "fn", beta_range: Sequence[float] | None = None,
               seed: int | None = None, acceptance: str = "metropolis", temperature_K: float = T_DEFAULT_K,
               f0_hz: float = F0_DEFAULT_HZ, barrier_kT: float = 0.0, fn_t0_sweeps: float | None = None,
               readout_fraction: float = READOUT_FRACTION, readout_factor: float = READOUT_FACTOR,
               beta_schedule_type: str | None = None, beta_schedule: ArrayLike | None = None,
               num_sweeps_per_beta: int = 1, initial_states: object = None,
               initial_states_generator: str = "random", interrupt_function: Callable[[], bool] | None = None,
               proposal_acceptance_criteria: str | None = None, **kwargs: object) -> dimod.SampleSet:
        """Sample ``bqm`` (any vartype); keyword options as in :func:`limbound.solvers.ising.anneal`, and
        dwave-samplers' (class notes).

        ``num_reads`` defaults to 16 (or the number of ``initial_states``), ``num_sweeps`` to 1000.
        ``seed=None`` draws a fresh seed and records it in ``info['seed']``.
        Unknown keywords are ignored with a warning (dimod convention).
        """
        t0 = time.perf_counter_ns()
        if not isinstance(bqm, dimod.BinaryQuadraticModel):
            raise ParameterTypeError(f"bqm={bqm!r:.60} is a {type(bqm).__name__}; allowed: a dimod.BinaryQuadraticModel "
                                     "(or call sample_ising(h, J) / sample_qubo(Q))")
        self.remove_unknown_kwargs(**kwargs)
        if interrupt_function is not None and not callable(interrupt_function):
            raise ParameterTypeError(f"interrupt_function={interrupt_function!r:.60} is not callable")
        if proposal_acceptance_criteria is not None:
            if proposal_acceptance_criteria not in DWAVE_ACCEPTANCE:
                raise ParameterError(f"proposal_acceptance_criteria={proposal_acceptance_criteria!r} is unknown; "
                                     f"allowed: {', '.join(DWAVE_ACCEPTANCE)}")
            acceptance = DWAVE_ACCEPTANCE[proposal_acceptance_criteria]
        if seed is None:
            seed = secrets.randbits(63)
        problem, offset = ising_from_bqm(bqm)
        labels = list(problem.labels or ())
        spins, num_reads = self._initial_spins(bqm, labels, num_reads, initial_states, initial_states_generator, seed)
        num_reads = 16 if num_reads is None else num_reads
        kw = dict(seed=seed, acceptance=acceptance, temperature_K=temperature_K, f0_hz=f0_hz, barrier_kT=barrier_kT)
        per_beta = None
        if beta_schedule_type is not None:
            per_beta, beta_range = _dwave_schedule(kw, problem, beta_schedule_type, num_sweeps, num_sweeps_per_beta,
                                                   beta_range, beta_schedule)
        else:
            kw.update(sweeps=1000 if num_sweeps is None else num_sweeps, schedule=schedule, beta_range=beta_range,
                      fn_t0_sweeps=fn_t0_sweeps, readout_fraction=readout_fraction, readout_factor=readout_factor)
        t1 = time.perf_counter_ns()
        res = _run(problem, num_reads, spins, kw, interrupt_function)
        t2 = time.perf_counter_ns()
        samples = res.samples
        if bqm.vartype is dimod.BINARY:
            samples = ((samples + 1) // 2).astype(np.int8)
        info = _info(res, acceptance=acceptance, seed=seed, offset=offset, beta_schedule_type=beta_schedule_type,
                     beta_range=beta_range, per_beta=per_beta, num_sweeps_per_beta=num_sweeps_per_beta)
        out = dimod.SampleSet.from_samples_bqm(
            (samples, labels), bqm, info=info,
            heat_J=res.heat_per_read_J, work_J=res.work_per_read_J, num_flips=res.flips)
        out.info["timing"] = {"preprocessing_ns": t1 - t0, "sampling_ns": t2 - t1,
                              "postprocessing_ns": time.perf_counter_ns() - t2}
        return out

    def _initial_spins(self, bqm: dimod.BinaryQuadraticModel, labels: list, num_reads: int | None,
                       initial_states: object, initial_states_generator: str, seed: int | None
                       ) -> tuple[NDArray[np.int8] | None, int | None]:
        """``(spins (reads, n) of +-1 in our variable order or None, num_reads)`` from dimod's own parsing of
        ``initial_states`` (as dwave-samplers)."""
        if initial_states is None:
            return None, num_reads
        parsed = self.parse_initial_states(bqm, num_reads=num_reads, initial_states=initial_states,
                                           initial_states_generator=initial_states_generator,
                                           seed=int(seed) % 2**32)
        st = parsed.initial_states
        if st.vartype is dimod.BINARY:
            st = st.change_vartype(dimod.SPIN, inplace=False)
        order = [st.variables.index(v) for v in labels]
        return np.asarray(st.record.sample, dtype=np.int8)[:, order], parsed.num_reads


def _dwave_schedule(kw: dict, problem: IsingProblem, beta_schedule_type: str, num_sweeps: int | None,
                    num_sweeps_per_beta: int, beta_range: Sequence[float] | None, beta_schedule: ArrayLike | None
                    ) -> tuple[NDArray[np.float64], list[float]]:
    """dwave-samplers' schedule for :func:`anneal` (``kw`` gets ``sweeps`` and ``betas``); returns
    ``(per-beta schedule, beta_range)``."""
    if beta_schedule_type not in DWAVE_SCHEDULES:
        raise ParameterError(f"beta_schedule_type={beta_schedule_type!r} is unknown; allowed: "
                             f"{', '.join(DWAVE_SCHEDULES)}")
    if beta_range is None and beta_schedule_type != "custom":
        beta_range = default_beta_range(problem, beta_schedule_type)
    betas, per_beta, beta_range = dwave_betas(beta_schedule_type, num_sweeps, num_sweeps_per_beta,
                                              beta_range, beta_schedule)
    kw.update(sweeps=betas.size, betas=betas)
    return per_beta, beta_range


def _run(problem: IsingProblem, num_reads: int | None, spins: NDArray[np.int8] | None, kw: dict,
         interrupt_function: Callable[[], bool] | None) -> AnnealResult:
    """All reads in one anneal; with ``interrupt_function``, one read at a time (read ``r`` with its own seed
    from ``kw['seed']``), the function asked between reads."""
    if interrupt_function is None:
        return anneal(problem, reads=num_reads, initial_states=spins, **kw)
    num_reads = ANNEAL["reads"].check("reads", num_reads)  # anneal's declaration (limbound.specs)
    child = np.random.SeedSequence(int(kw["seed"])).generate_state(num_reads, dtype=np.uint64)
    done = []
    for r in range(num_reads):
        one = dict(kw, seed=int(child[r] >> np.uint64(1)))
        done.append(anneal(problem, reads=1, initial_states=None if spins is None else spins[r:r + 1], **one))
        if interrupt_function():
            break
    return _merge(done)


def _info(res: AnnealResult, *, acceptance: str, seed: int | None, offset: float, beta_schedule_type: str | None,
          beta_range: Sequence[float] | None, per_beta: ArrayLike | None, num_sweeps_per_beta: int) -> dict:
    """The SampleSet's ``info``: totals over reads, the schedule, the conventions and the floor (class notes)."""
    used = res.betas
    total_J = float(res.heat_per_read_J.sum())
    work_total_J = float(res.work_per_read_J.sum())
    info = {
        "heat_J": res.heat_J, "heat_all_reads_J": total_J,
        "energy_dissipated_J": total_J,  # deprecated alias of heat_all_reads_J
        "energy_dissipated_per_read_J": res.heat_J,  # deprecated alias of heat_J
        "work_all_reads_J": work_total_J,
        "work_J": work_total_J,  # its 0.1 meaning (the total) for one release: deprecated
        "delta_U_J": float((res.U_end_kT - res.U_start_kT).sum()) * res.kT_J,
        "first_law_residual": res.first_law_residual,
        "schedule": dict(res.schedule), "acceptance": acceptance,
        "beta_range": list(beta_range) if beta_schedule_type is not None else
        ([float(used[0]), float(used[-1])] if used.size else []),
        "beta_schedule_type": beta_schedule_type or res.schedule.get("schedule"),
        "lambda_range_J": [float(used[0]) * res.kT_J, float(used[-1]) * res.kT_J] if used.size else [],
        "temperature_K": res.temperature_K, "sweep_time_s": res.sweep_time_s,
        "anneal_time_s": res.sweeps * res.sweep_time_s, "spin_updates_per_s": res.spin_updates_per_s,
        "num_sweeps": res.sweeps, "seed": seed, "energy_offset": offset,
    }
    fl = res.floor()  # THEORY §8a floor of the mean heat per read (theorem), with its parts
    info.update({"floor_J": fl["floor_J"], "floor_parts": fl["floor_parts"], "tightness": fl["tightness"],
                 "floor_holds": fl["floor_holds"]})
    if beta_schedule_type is not None:
        info["beta_schedule"] = per_beta.tolist()
        info["num_sweeps_per_beta"] = num_sweeps_per_beta
    return info
