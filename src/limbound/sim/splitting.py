"""Mean first-passage times of rare escapes by forward flux sampling (a variance-reduced, unbiased rate estimate).

The Kramers checks of THEORY §7 (``docs/theory.md`` §7) need the mean
first-passage time ``T`` of escapes too rare to simulate directly: ``n``
simulated escapes give a standard error ``~ T / sqrt(n)`` (escape times are
close to exponential) at a cost of ``n T / dt`` steps.  Forward flux sampling
(Allen, Valeriani & ten Wolde, PRL 94, 018104 (2005); J. Phys.: Condens.
Matter 21, 463102 (2009)) splits the escape into stages between interfaces
``lambda_0 < lambda_1 < ... < lambda_K = target``, each of which succeeds
often, so the same error costs orders of magnitude fewer steps.

The identity it rests on (exact for any Markov process, so for the
Euler-Maruyama chain itself, not only for its continuum limit): recycle
every particle that reaches the target ``B = {x >= target}`` to the start
``x_A``.  By the renewal-reward theorem the stationary rate of arrivals in
``B`` is ``J = 1 / T(x_A -> B)`` exactly.  Every arrival was preceded by a
first crossing of ``lambda_0`` after the last visit to ``A = {x <= x_A}``,
and by the strong Markov property

    J = Phi_0 * E_c[h(x_c)],     h(x) = P(reach B before A | start at x)

where ``Phi_0`` is the rate of such crossings and ``x_c`` their (overshot)
positions.  One *replica* estimates ``J`` without bias:

1. flux: ``n_flux`` particles, started at ``x_A``, run for ``burn`` (not
   counted) and then ``t_flux``; every first crossing of ``lambda_0`` after
   a visit to ``A`` is counted and its position kept (a particle that
   reaches ``B`` is put back at ``x_A``, as in the recycled process);
   ``Phi^ = crossings / (n_flux t_flux)``;
2. stages ``k = 0..K-1``: ``n_trials`` trials, each started at a position
   drawn uniformly from the positions kept at ``lambda_k``, run until
   ``x >= lambda_{k+1}`` (success, position kept) or ``x <= x_A``
   (failure); ``p^_k = successes / n_trials``;
3. ``J^ = Phi^ prod_k p^_k``.

Given the flux run, the product of the stage fractions is the fixed-effort
multilevel-splitting estimate of ``mean_c h(x_c)``, unbiased for any
``n_trials`` (the normalising constant of a Feynman-Kac particle system
with multinomial resampling; Del Moral, *Feynman-Kac Formulae*, Springer
2004, Thm 7.4.2; Cérou & Guyader, Stoch. Anal. Appl. 25, 417 (2007)), so
``E[J^ | flux run] = (1/t) sum_c h(x_c)``, whose mean over flux runs is the
stationary arrival rate ``J``.  The stages' resampling correlates the
trials, so no binomial formula gives the error; :func:`mfpt_by_splitting`
runs ``n_replicas`` independent replicas and reports the mean of ``J^``
with its standard error across replicas, and ``T^ = 1 / mean J^`` (delta
method: relative SE of ``T^`` equals that of ``J^``; the bias of the
inverse, ``(SE/J)^2``, is ~1e-4 here and is reported).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_integer, check_positive
from ._rng import stream_states
from .langevin import _check_stiffness, _dpoly, _em_coefficients, _em_step, _max_curvature
from .protocols import Protocol


@njit(parallel=True, cache=True)
def _flux_run(x: NDArray[np.float64], c: NDArray[np.float64], x_start: float, x_a: float, lam0: float, target: float,
              n_burn: int, n_steps: int, h: float, gamma: float, kT: float, states: NDArray[np.uint64],
              counts: NDArray[np.int64], pos: NDArray[np.float64], cap: int) -> None:
    """Count first crossings of ``lam0`` after a visit to ``x <= x_a``; keep up to ``cap`` positions per particle."""
    n = x.shape[0]
    mob, amp = _em_coefficients(h, gamma, kT)
    for i in prange(n):
        s = states[i]
        xi = x[i]
        armed = xi <= x_a
        k = 0
        for j in range(n_burn + n_steps):
            xi, s = _em_step(xi, _dpoly(c, 0, xi), mob, amp, s)
            if xi >= target:          # recycled: back to the start (rare)
                xi = x_start
                armed = True
                continue
            if xi <= x_a:
                armed = True
            elif armed and xi >= lam0:
                armed = False
                if j >= n_burn:
                    if k < cap:
                        pos[i, k] = xi
                    k += 1
        x[i] = xi
        states[i] = s
        counts[i] = k


@njit(parallel=True, cache=True)
def _exit_run(x: NDArray[np.float64], c: NDArray[np.float64], lo: float, hi: float, max_steps: int, h: float,
              gamma: float, kT: float, states: NDArray[np.uint64], success: NDArray[np.int64],
              steps: NDArray[np.int64]) -> None:
    """Run each particle until ``x >= hi`` (success 1) or ``x <= lo`` (0); -1 if neither within ``max_steps``."""
    n = x.shape[0]
    mob, amp = _em_coefficients(h, gamma, kT)
    for i in prange(n):
        s = states[i]
        xi = x[i]
        out = -1
        j = 0
        while j < max_steps:
            xi, s = _em_step(xi, _dpoly(c, 0, xi), mob, amp, s)
            j += 1
            if xi >= hi:
                out = 1
                break
            if xi <= lo:
                out = 0
                break
        x[i] = xi
        states[i] = s
        success[i] = out
        steps[i] = j


@dataclass
class SplittingResult:
    """Outcome of :func:`mfpt_by_splitting`.

    Attributes
    ----------
    mfpt, mfpt_se : mean first-passage time ``1 / mean(J^)`` and its standard error
    rate, rate_se : mean of the replicas' rate estimates and its standard error
    rates : (n_replicas,) the replicas' ``J^``
    stage_probabilities : (n_replicas, K) the ``p^_k``
    flux : (n_replicas,) ``Phi^``
    steps : total Euler-Maruyama steps taken
    params : the run's parameters
    """

    mfpt: float
    mfpt_se: float
    rate: float
    rate_se: float
    rates: NDArray[np.float64]
    stage_probabilities: NDArray[np.float64]
    flux: NDArray[np.float64]
    steps: int
    params: dict = field(default_factory=dict)


def _check_inputs(potential: Protocol, *, x_start: float, target: float, interfaces: ArrayLike, gamma: float, dt: float,
                  kT: float, basin: float | None, n_replicas: int, n_flux: int, n_trials: int
                  ) -> tuple[float, float, float, NDArray[np.float64], float]:
    """The checks of :func:`mfpt_by_splitting` (one-line :class:`ParameterError`): ``(gamma, dt, kT, lam, x_b)``."""
    if not isinstance(potential, Protocol):
        raise ParameterError(f"potential of type {type(potential).__name__} is not supported; allowed: Protocol")
    gamma = check_positive("gamma", gamma)
    dt = check_positive("dt", dt)
    kT = check_positive("kT", kT)
    lam = np.asarray(interfaces, dtype=float)
    x_b = float(x_start if basin is None else basin)
    if not x_start <= x_b:
        raise ParameterError(f"basin={basin!r} is below x_start={x_start!r}; allowed: x_start <= basin < interfaces[0]")
    if lam.ndim != 1 or lam.size < 1 or not np.all(np.diff(lam) > 0) or lam[0] <= x_b or lam[-1] >= target:
        raise ParameterError(f"interfaces={interfaces!r} are not increasing strictly between basin={x_b!r} "
                             f"and target={target!r}")
    for name, v in (("n_replicas", n_replicas), ("n_flux", n_flux), ("n_trials", n_trials)):
        check_integer(name, v, minimum=2)
    return gamma, dt, kT, lam, x_b


def _stages(start: NDArray[np.float64], probs_r: NDArray[np.float64], rng: np.random.Generator,
            c: NDArray[np.float64], x_b: float, edges: NDArray[np.float64], n_trials: int, max_steps: int, dt: float,
            gamma: float, kT: float, base: int, max_trial_time: float) -> tuple[float, int]:
    """One replica's stages from the ``lambda_0`` crossings ``start``: ``(product of stage probabilities, steps)``.

    ``probs_r`` (one per interface) is filled in place; stage ``k`` runs ``n_trials`` trials from crossings of
    the previous interface (drawn with ``rng``) until they reach ``edges[k + 1]`` or fall back to the basin.
    """
    p_r = 1.0
    steps = 0
    for k in range(edges.size - 1):
        if start.size == 0:
            p_r = 0.0
            probs_r[k:] = 0.0
            break
        xs = np.ascontiguousarray(start[rng.integers(0, start.size, n_trials)])
        ok = np.empty(n_trials, dtype=np.int64)
        st = np.empty(n_trials, dtype=np.int64)
        _exit_run(xs, c, x_b, float(edges[k + 1]), max_steps, dt, gamma, kT,
                  stream_states(base + 7 + k, n_trials), ok, st)
        steps += int(st.sum())
        if np.any(ok < 0):
            raise ParameterError(f"a trial of stage {k} neither succeeded nor failed within max_trial_time={max_trial_time!r}")
        probs_r[k] = ok.mean()
        p_r *= probs_r[k]
        start = xs[ok == 1]
    return p_r, steps


def mfpt_by_splitting(potential: Protocol, *, x_start: float, target: float, interfaces: ArrayLike, gamma: float,
                      dt: float, seed: int, basin: float | None = None, n_replicas: int = 32, n_flux: int = 64,
                      t_flux: float = 20.0, burn: float = 1.0, n_trials: int = 2000, kT: float = 1.0,
                      max_trial_time: float = 1e3) -> SplittingResult:
    """Mean first-passage time from ``x_start`` to ``target > x_start`` in the static ``potential`` (module notes).

    ``interfaces``: increasing positions ``basin < lambda_0 < ... < lambda_{K-1} < target``.
    ``basin``: the edge of the start region ``A = {x <= basin}`` (default ``x_start``; any
    ``x_start <= basin < lambda_0`` gives the same ``J``, a larger ``A`` ends failed trials sooner).
    The time step, stiffness check and random streams are those of
    :func:`limbound.sim.langevin.first_passage`, whose first passages this
    estimates (same step, same "first step at or past ``target``" rule).
    """
    gamma, dt, kT, lam, x_b = _check_inputs(potential, x_start=x_start, target=target, interfaces=interfaces,
                                            gamma=gamma, dt=dt, kT=kT, basin=basin, n_replicas=n_replicas,
                                            n_flux=n_flux, n_trials=n_trials)
    _check_stiffness(_max_curvature(potential, np.array([x_start, target]), np.zeros(1), kT), dt, gamma)
    c = potential.coeffs([0.0])
    edges = np.append(lam, target)
    n_burn = int(round(burn / dt))
    n_steps = int(round(t_flux / dt))
    max_steps = int(math.ceil(max_trial_time / dt))
    cap = 100 * int(math.ceil(n_steps * dt)) + 64
    rng = np.random.default_rng([int(seed), 77])
    rates = np.empty(n_replicas)
    flux = np.empty(n_replicas)
    probs = np.empty((n_replicas, lam.size))
    total_steps = 0
    for r in range(n_replicas):
        base = (int(seed) * 1_000_003 + r * 101) % (2**62)
        x = np.full(n_flux, float(x_start))
        counts = np.zeros(n_flux, dtype=np.int64)
        pos = np.empty((n_flux, cap))
        _flux_run(x, c, float(x_start), x_b, float(lam[0]), float(target), n_burn, n_steps, dt, gamma, kT,
                  stream_states(base, n_flux), counts, pos, cap)
        total_steps += n_flux * (n_burn + n_steps)
        if np.any(counts > cap):
            raise ParameterError(f"more than {cap} crossings of lambda_0 per particle; allowed: move lambda_0 away from x_start")
        flux[r] = counts.sum() / (n_flux * n_steps * dt)
        start = np.concatenate([pos[i, :counts[i]] for i in range(n_flux)])
        p_r, steps = _stages(start, probs[r], rng, c, x_b, edges, n_trials, max_steps, dt, gamma, kT, base,
                             max_trial_time)
        total_steps += steps
        rates[r] = flux[r] * p_r
    rate = float(rates.mean())
    rate_se = float(rates.std(ddof=1) / math.sqrt(n_replicas))
    if rate <= 0:
        raise ParameterError("no replica reached the target; allowed: more trials per stage or closer interfaces")
    params = {"x_start": float(x_start), "basin": x_b, "target": float(target), "interfaces": lam.tolist(), "gamma": gamma, "dt": dt,
              "kT": kT, "seed": int(seed), "n_replicas": int(n_replicas), "n_flux": int(n_flux), "t_flux": t_flux,
              "burn": burn, "n_trials": int(n_trials), "method": "forward flux sampling, replicas"}
    return SplittingResult(mfpt=1.0 / rate, mfpt_se=rate_se / rate**2, rate=rate, rate_se=rate_se, rates=rates,
                           stage_probabilities=probs, flux=flux, steps=total_steps, params=params)
