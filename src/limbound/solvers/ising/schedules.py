"""Annealing schedules of the LIM Ising machine, in the effective inverse temperature ``beta`` (THEORY §6).

Schedules (in ``beta``; ``k = 0..S-1`` the sweep index)
---------------------------------------------------------
The first ``S_a`` sweeps anneal, the last ``S - S_a`` (default 3 %) are the
*read-out hold* at ``5 beta_cold`` (the tilt is raised before the memories
are read, so every read ends in a local minimum; the jump of ``lam`` is work,
booked like any other change of ``lam``).

* ``fn`` (default): the seeds' FN annealer, ``lam(t) = lam0 ln(1 + t/t0)``,
  evaluated at the sweep start ``t = k`` sweeps (sweep 0 runs at
  ``beta = 0``: the memories start untilted and uniformly random);
  ``t0 = S_a - 1`` sweeps by default and ``lam0`` such that sweep ``S_a - 1``
  runs at ``beta_cold``.  In physical units ``lam0 = beta0 kT`` and
  ``t0_s = t0 * sweep_time_s``.
* ``linear``: ``beta_k`` linear from ``beta_hot`` to ``beta_cold``.
* ``geometric``: ``beta_k`` geometric from ``beta_hot`` to ``beta_cold``.

Default range (:func:`default_beta_range`): ``beta_hot = ln 2 / max_i
dH_i,max`` (``dH_i,max = 2 (|h_i| + sum_j |J_ij|)``: every flip accepted
with probability >= 1/2 at the start; the dwave-samplers heuristic) and, for
``fn`` and ``linear``, ``beta_cold = 6.5 / sigma_f`` with ``sigma_f =
sqrt(mean_i (h_i^2 + sum_j J_ij^2))`` the RMS local field of random spins
(random spins order around ``beta sigma_f ~ 1``; the anneal ends a few times
past that).  ``geometric`` keeps dwave-samplers' cold end ``ln(100 n_min) /
dH_min`` so that, with ``readout_fraction=0``, it reproduces that sampler's default schedule.  The
constants (6.5, ``t0 = S_a - 1``, 3 % hold at 5x) were tuned on the eight
G-set graphs of ``../shared/benchmarks/gset`` at 1000 sweeps x 16 reads
(6-12 seeds per setting).  Measured with ``benchmarks/bench_ising.py
--repeats 3`` (seeds 1-3), mean gap to best-known, ours vs dwave-samplers:
G1 0/0, G2 0.020/0.057, G6 0/0.046, G11 0.24/0.59, G14 0.15/0.28,
G18 0.27/0.67, G43 0/0.035, G51 0.27/0.36 %; ours no worse in 23 of 24 runs.

"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ...errors import ParameterError
from ...specs import ANNEAL, READOUT_FACTOR, READOUT_FRACTION, SCHEDULES  # declared once, in limbound.specs
from .problem import IsingProblem, _row_sums

__all__ = ["SCHEDULES", "COLD_FIELD_UNITS", "FN_T0_FRACTION", "READOUT_FRACTION", "READOUT_FACTOR",
           "default_beta_range", "beta_schedule"]

#: Cold end of the default range for ``fn`` and ``linear``: ``beta_cold = COLD_FIELD_UNITS / sigma_f``
#: with ``sigma_f`` the RMS local field of random spins (tuned on the G-set, see module notes).
COLD_FIELD_UNITS = 6.5
#: Default FN time constant ``t0`` as a fraction of the anneal (``t0 = FN_T0_FRACTION * (S_a - 1)`` sweeps).
FN_T0_FRACTION = 1.0


def default_beta_range(problem: IsingProblem, schedule: str = "fn", *, cold_excitation: float = 0.01) -> tuple[float, float]:
    """Default ``(beta_hot, beta_cold)`` per unit of ``H`` (see module notes).

    * ``beta_hot = ln 2 / max_i dH_i,max``, ``dH_i,max = 2 (|h_i| + sum_j |J_ij|)``:
      every flip is accepted with probability >= 1/2 at the start (the
      dwave-samplers heuristic; not used by ``fn``, which starts at 0);
    * ``fn``, ``linear``: ``beta_cold = COLD_FIELD_UNITS / sigma_f`` with
      ``sigma_f = sqrt(mean_i (h_i^2 + sum_j J_ij^2))``, the RMS local field of
      uniformly random spins -- the scale at which the paramagnet orders is
      ``beta sigma_f ~ 1``, and the anneal ends a few times past it;
    * ``geometric``: dwave-samplers' cold end, ``ln(n_min / cold_excitation) /
      dH_min`` (``dH_min = 2 min |J or h|`` over nonzero terms, ``n_min`` spins
      having it): excitations across the smallest gap are left with
      probability ``cold_excitation`` per sweep, so ``--schedule geometric``
      reproduces that sampler's default schedule.
    """
    if schedule not in SCHEDULES:
        raise ParameterError(f"schedule={schedule!r} is unknown; allowed: {', '.join(SCHEDULES)}")
    n = problem.n
    # every sum and square is taken on the couplings divided by their largest magnitude ``scale`` (beta H is
    # invariant under J -> J/c, beta -> c beta), so weights from 1e-300 to 1e300 neither underflow nor overflow
    absd = np.abs(problem.data)
    ah = np.abs(problem.h)
    scale = max(float(absd.max()) if absd.size else 0.0, float(ah.max()) if ah.size else 0.0)
    if scale == 0.0:
        return 0.1, 1.0
    rowsum = _row_sums(problem, absd / scale) + ah / scale
    big = float(rowsum.max())
    hot = math.log(2.0) / (2.0 * big) / scale
    if schedule != "geometric":
        sq = _row_sums(problem, (absd / scale) ** 2)
        sigma = math.sqrt(float(np.mean(sq + (ah / scale) ** 2)))
        return _in_range(hot, max(COLD_FIELD_UNITS / sigma / scale, hot), scale)
    per_min = np.full(n, np.inf)  # smallest nonzero |term| per spin
    if absd.size:
        rows = np.repeat(np.arange(n), np.diff(problem.indptr))
        np.minimum.at(per_min, rows, absd)
    ah = np.abs(problem.h)
    per_min = np.where(ah > 0, np.minimum(per_min, ah), per_min)
    finite = per_min[np.isfinite(per_min)]
    small = float(finite.min())
    n_min = int(np.sum(finite == small))
    cold = math.log(n_min / cold_excitation) / (2.0 * (small / scale)) / scale
    return _in_range(hot, max(cold, hot), scale, small)


def _in_range(hot: float, cold: float, scale: float, small: float | None = None) -> tuple[float, float]:
    """The default range if it is a pair of finite normal doubles; else a one-line refusal naming the weights."""
    if all(math.isfinite(b) and b >= 2.2250738585072014e-308 for b in (hot, cold)):
        return hot, cold
    span = f"{small:.3g}..{scale:.3g}" if small is not None else f"up to {scale:.3g}"
    raise ParameterError(f"the couplings' magnitudes ({span}) put the default beta range at ({hot:.3g}, {cold:.3g}) per "
                         "unit of H, outside the double range; allowed: weights (and fields) between about 1e-300 and "
                         "1e300 -- rescale them -- or an explicit beta_range (--beta-range)")


def beta_schedule(schedule: str, sweeps: int, beta_hot: float, beta_cold: float, *,
                  fn_t0_sweeps: float | None = None, readout_fraction: float = 0.0,
                  readout_factor: float = 1.0) -> tuple[NDArray[np.float64], dict]:
    """Per-sweep inverse temperatures ``beta_k`` (per unit of ``H``) and the schedule's parameters.

    The first ``S_a = S - S_r`` sweeps anneal, the last ``S_r =
    round(readout_fraction * S)`` hold ``readout_factor * beta_cold`` (the
    read-out hold: the tilt is raised so that the memories settle in the
    nearest minimum before they are read).  The anneal:

    * ``linear`` / ``geometric``: from ``beta_hot`` (sweep 0) to ``beta_cold`` (sweep ``S_a - 1``);
    * ``fn``: ``beta(t) = beta0 ln(1 + t/t0)`` at ``t = k`` sweeps, ``t0 =
      fn_t0_sweeps`` (default ``FN_T0_FRACTION * (S_a - 1)``), ``beta0`` such
      that sweep ``S_a - 1`` runs at ``beta_cold``.  The FN annealer starts from
      an untilted array (``beta = 0``), so ``beta_hot`` is not used.

    Returns
    -------
    (betas, params) : float64 array (sweeps,) and a dict describing the
    schedule (for ``fn`` also ``beta0`` and ``t0_sweeps``).
    """
    a = ANNEAL.check({"schedule": schedule, "sweeps": sweeps, "beta_range": [beta_hot, beta_cold],
                      "readout_fraction": readout_fraction, "readout_factor": readout_factor,
                      "fn_t0_sweeps": fn_t0_sweeps})  # the declarations of anneal's parameters (limbound.specs)
    sweeps, (beta_hot, beta_cold), rf, rfac = a["sweeps"], a["beta_range"], a["readout_fraction"], a["readout_factor"]
    if beta_cold < beta_hot:
        raise ParameterError(f"beta_range=({beta_hot!r}, {beta_cold!r}) decreases; allowed: beta_hot <= beta_cold")
    n_read = min(int(round(rf * sweeps)), sweeps - 1)
    sa = sweeps - n_read
    k = np.arange(sa, dtype=np.float64)
    params = {"schedule": schedule, "beta_hot": beta_hot, "beta_cold": beta_cold,
              "anneal_sweeps": sa, "readout_sweeps": n_read, "readout_beta": rfac * beta_cold if n_read else None}
    if schedule == "fn":
        t0 = FN_T0_FRACTION * max(sa - 1, 1) if fn_t0_sweeps is None else a["fn_t0_sweeps"]
        params.pop("beta_hot")
        beta0 = beta_cold if sa == 1 else beta_cold / math.log1p((sa - 1) / t0)
        params.update(beta0=beta0, t0_sweeps=t0)
        betas = np.array([beta_cold]) if sa == 1 else beta0 * np.log1p(k / t0)
    elif sa == 1:
        betas = np.array([beta_cold])
    elif schedule == "linear":
        betas = beta_hot + (beta_cold - beta_hot) * (k / (sa - 1))
    elif math.isfinite(beta_cold / beta_hot):
        betas = beta_hot * (beta_cold / beta_hot) ** (k / (sa - 1))
    else:  # the ratio overflows although both ends are finite: the same geometric sequence in logs
        lh = math.log(beta_hot)
        betas = np.exp(lh + (math.log(beta_cold) - lh) * (k / (sa - 1)))
    betas = np.concatenate([betas, np.full(n_read, rfac * beta_cold)])
    return betas.astype(np.float64), params
