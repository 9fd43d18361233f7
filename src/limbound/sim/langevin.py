"""Overdamped Langevin ensembles in time-dependent potentials, with exact energy books (THEORY §7).

Many independent particles obey ``gamma dx = -dU/dx(x, t) dt + sqrt(2 gamma kT) dB``.

Integrator: Euler-Maruyama with the landscape switched before each move,
weak order 1 (and strong order 1, the noise being additive; Kloeden &
Platen, *Numerical Solution of SDEs*, Springer 1992).  Step ``j`` (``t_j = j h``):

    W += U(x_j, t_{j+1}) - U(x_j, t_j)                  (landscape changes at fixed x: work)
    x_{j+1} = x_j - (h/gamma) U'(x_j, t_{j+1}) + sqrt(2 kT h / gamma) xi_j
    Q += U(x_j, t_{j+1}) - U(x_{j+1}, t_{j+1})          (x moves at fixed landscape: heat released)

This is Sekimoto's stochastic energetics on the time grid (Sekimoto,
*Stochastic Energetics*, 2010): the Stratonovich heat ``-int U'(x) o dx``
taken along the straight segment from ``x_j`` to ``x_{j+1}`` at the fixed
landscape is exactly ``U(x_j) - U(x_{j+1})``, which is what is booked.  The sums
telescope, so ``U(x_n, t_n) - U(x_0, t_0) = W - Q`` holds per trajectory to
rounding (the first-law residual is reported, ~1e-14).

Energies are in the unit of ``kT`` passed (``kT = 1`` by default: everything
in kT); the ledger is always returned in kT.  Each particle has its own
random stream (:mod:`._rng`: SplitMix64, ziggurat normals), so runs are
reproducible for a seed whatever the number of threads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_finite
from ..specs import FIRST_PASSAGE, SIMULATE
from ._rng import next_normal, stream_states
from .ledger import ArrayBooks
from .protocols import Protocol, UserProtocol

#: Largest allowed ``dt * U''_max / gamma``.  Euler-Maruyama on a harmonic well
#: diverges at 2 and its stationary variance is off by the factor
#: ``1 / (1 - dt k / (2 gamma))``; above 0.5 the run is neither stable in
#: anharmonic wells nor accurate, so it is refused.
MAX_STIFFNESS_STEP = 0.5

ORDER = {"weak": 1.0, "strong": 1.0}


@njit(inline="always", cache=True)
def _poly(c, j, x):
    return (((c[j, 4] * x + c[j, 3]) * x + c[j, 2]) * x + c[j, 1]) * x + c[j, 0]


@njit(inline="always", cache=True)
def _dpoly(c, j, x):
    return ((4.0 * c[j, 4] * x + 3.0 * c[j, 3]) * x + 2.0 * c[j, 2]) * x + c[j, 1]


@njit(inline="always", cache=True)
def _em_coefficients(h, gamma, kT):
    """Drift per unit force ``h / gamma`` and noise amplitude ``sqrt(2 kT h / gamma)`` of an Euler-Maruyama step."""
    return h / gamma, np.sqrt(2.0 * kT * h / gamma)


@njit(inline="always", cache=True)
def _em_step(x, force, mob, amp, state):
    """One Euler-Maruyama step ``x - (h/gamma) U'(x) + sqrt(2 kT h/gamma) g``, ``g`` from ``state``: ``(x', state')``.

    The one integrator step of every kernel (built-in and user potentials
    alike, so they give the same trajectories for the same potential).
    """
    state, g = next_normal(state)
    return x - mob * force + amp * g, state


#: Time steps per block of the protocol table: the particles sweep one block
#: (CHUNK * 40 bytes, in cache) before the next, instead of each particle
#: streaming the whole table from memory.
CHUNK = 1024


@njit(parallel=True, cache=True)
def _run_poly(x, c, n_steps, h, gamma, kT, states, W, Q, U0, U1, rec, rec_every):
    n = x.shape[0]
    mob, amp = _em_coefficients(h, gamma, kT)
    for i in prange(n):
        U0[i] = _poly(c, 0, x[i])
        U1[i] = U0[i]
        W[i] = 0.0
        Q[i] = 0.0
    for j0 in range(0, n_steps, CHUNK):
        j1 = min(j0 + CHUNK, n_steps)
        for i in prange(n):
            s = states[i]
            xi = x[i]
            u_cur = U1[i]
            w = W[i]
            q = Q[i]
            for j in range(j0, j1):
                u_new = _poly(c, j + 1, xi)
                w += u_new - u_cur
                xi, s = _em_step(xi, _dpoly(c, j + 1, xi), mob, amp, s)
                u_cur = _poly(c, j + 1, xi)
                q += u_new - u_cur
                if rec_every > 0:
                    if (j + 1) % rec_every == 0:
                        rec[(j + 1) // rec_every - 1, i] = xi
            x[i] = xi
            W[i] = w
            Q[i] = q
            U1[i] = u_cur
            states[i] = s


@njit(parallel=True, cache=True)
def _first_passage_poly(x, c, target, direction, max_steps, h, gamma, kT, states, steps_out, Q, U0, U1):
    n = x.shape[0]
    mob, amp = _em_coefficients(h, gamma, kT)
    for i in prange(n):
        s = states[i]
        xi = x[i]
        u_cur = _poly(c, 0, xi)
        U0[i] = u_cur
        q = 0.0
        hit = -1
        for j in range(max_steps):
            xi, s = _em_step(xi, _dpoly(c, 0, xi), mob, amp, s)
            u_new = _poly(c, 0, xi)
            q += u_cur - u_new
            u_cur = u_new
            if direction * (xi - target) >= 0.0:
                hit = j + 1
                break
        x[i] = xi
        steps_out[i] = hit
        Q[i] = q
        U1[i] = u_cur
        states[i] = s


@njit(cache=False)
def _run_user(Ufn, Ffn, x, n_steps, h, gamma, kT, states, W, Q, U0, U1):
    # Same step and same use of the random streams as _run_poly (so a user
    # potential equal to a built-in one gives the same trajectories); serial,
    # since first-class function arguments do not combine with prange/caching.
    n = x.shape[0]
    mob, amp = _em_coefficients(h, gamma, kT)
    for i in range(n):
        s = states[i]
        xi = x[i]
        u_cur = Ufn(xi, 0.0)
        U0[i] = u_cur
        w = 0.0
        q = 0.0
        for j in range(n_steps):
            t1 = (j + 1) * h
            u_new = Ufn(xi, t1)
            w += u_new - u_cur
            xi, s = _em_step(xi, Ffn(xi, t1), mob, amp, s)
            u_cur = Ufn(xi, t1)
            q += u_new - u_cur
        x[i] = xi
        W[i] = w
        Q[i] = q
        U1[i] = u_cur
        states[i] = s


@dataclass
class LangevinResult(ArrayBooks):
    """Per-particle outcome of an ensemble run; all energies in kT.

    Attributes
    ----------
    x : (n,) final positions
    work_kT, heat_kT : (n,) work done on, and heat released by, each particle
    U_start_kT, U_end_kT : (n,) potential energy at start and end
    t_end : float, simulated time (protocol duration, or ``max_time`` for first passage)
    passage_time : (n,) first-passage times (NaN if the target was not reached), or None
    record : (n_rec, n) positions saved every ``record_every`` steps, or None
    params : the run's parameters (gamma, kT, dt, seed, protocol params)
    """

    x: np.ndarray
    work_kT: np.ndarray
    heat_kT: np.ndarray
    U_start_kT: np.ndarray
    U_end_kT: np.ndarray
    t_end: float
    passage_time: np.ndarray | None = None
    record: np.ndarray | None = None
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        n = self.x.size
        d = {"n_particles": n, "t_end": self.t_end, "params": self.params,
             "mean_work_kT": float(self.work_kT.mean()), "stderr_work_kT": float(self.work_kT.std(ddof=1) / np.sqrt(n)) if n > 1 else None,
             "mean_heat_kT": float(self.heat_kT.mean()), "first_law_residual": self.first_law_residual}
        if self.passage_time is not None:
            d["mean_passage_time"] = float(np.nanmean(self.passage_time)) if np.any(np.isfinite(self.passage_time)) else None
            d["fraction_passed"] = float(np.mean(np.isfinite(self.passage_time)))
        return d


def _positions(x0: ArrayLike) -> NDArray[np.float64]:
    """The starting positions as a fresh contiguous 1-D float array (gamma, kT, dt are checked by the specs)."""
    x = np.array(x0, dtype=float, copy=True)
    if x.ndim != 1:
        raise ParameterError(f"x0 has shape {x.shape}; allowed: a 1-D array of particle positions")
    if x.size == 0:
        raise ParameterError("x0 is empty; allowed: at least one particle")
    check_finite("x0", x)
    return np.ascontiguousarray(x)


def _check_stiffness(kappa_max: float, dt: float, gamma: float) -> None:
    r = dt * kappa_max / gamma
    if not np.isfinite(r) or r > MAX_STIFFNESS_STEP:
        raise ParameterError(
            f"dt={dt!r} is too large for stability: dt*U''max/gamma = {r:.3g} (U''max={kappa_max:.3g}); "
            f"allowed: <= {MAX_STIFFNESS_STEP} (Euler-Maruyama diverges at 2 and is biased well before)")


def _max_curvature(protocol: Protocol | UserProtocol, x: np.ndarray, times: np.ndarray, kT: float) -> float:
    """Largest ``|U''|`` over the region the particles can visit.

    At each probe time: the span of the starting positions, plus every grid
    point within 25 kT of that time's minimum (a particle reaches higher
    energies with probability below ~e^-25 per visit).
    """
    lo, hi = float(np.min(x)), float(np.max(x))
    span = max(hi - lo, 1.0)
    grid = np.linspace(lo - 3.0 * span, hi + 3.0 * span, 801)
    start = np.linspace(lo, hi, 65)
    kappa = 0.0
    for t in times:
        u = protocol.U(grid, t)
        near = grid[(u - np.min(u)) <= 25.0 * kT]
        pts = np.concatenate([start, near])
        kappa = max(kappa, float(np.max(np.abs(protocol.curvature(pts, t)))))
    return kappa


def _step_plan(protocol: Protocol | UserProtocol, dt: float, n_steps: int | None) -> tuple[float, int, float]:
    """``(duration, n_steps, h)`` of :func:`simulate` (the duration checked: one-line :class:`ParameterError`)."""
    duration = float(protocol.duration)
    if not (np.isfinite(duration) and duration > 0):
        raise ParameterError(f"protocol duration={duration!r} is out of range; allowed: finite and > 0 (use first_passage for static wells)")
    if n_steps is None:
        n_steps = max(1, int(round(duration / dt)))
    return duration, n_steps, duration / n_steps


@SIMULATE.validates
def simulate(protocol: Protocol | UserProtocol, x0: ArrayLike, *, gamma: float, dt: float, seed: int, kT: float = 1.0, record_every: int = 0,
             n_steps: int | None = None) -> LangevinResult:
    """Run an ensemble through a protocol from ``t = 0`` to its ``duration``.

    Parameters
    ----------
    protocol : Protocol or UserProtocol
        The time-dependent potential (energy in the unit of ``kT``).
    x0 : (n,) array
        Initial positions, one per particle (the ensemble).
    gamma : float
        Friction coefficient, > 0.
    dt : float
        Time step, > 0; refused if ``dt U''/gamma > 0.5`` anywhere the particles start (checked along the protocol).
    seed : int
        Seed of the per-particle random streams.
    kT : float
        Thermal energy in the potential's unit (default 1: energies in kT).
    record_every : int
        Save positions every this many steps (0: never).
    n_steps : int, optional
        Steps (default ``round(duration / dt)``, at least 1); the protocol is
        sampled at ``t_j = j * duration / n_steps`` so it ends exactly.

    Returns
    -------
    LangevinResult
    """
    x = _positions(x0)
    duration, n_steps, h = _step_plan(protocol, dt, n_steps)
    times = np.linspace(0.0, duration, min(n_steps + 1, 129))
    _check_stiffness(_max_curvature(protocol, x, times, kT), h, gamma)

    n = x.size
    states = stream_states(seed, n)
    W = np.empty(n)
    Q = np.empty(n)
    U0 = np.empty(n)
    U1 = np.empty(n)
    if isinstance(protocol, UserProtocol):
        if record_every:
            raise ParameterError("record_every is not supported for user protocols; allowed: 0")
        _run_user(protocol.U_fn, protocol.dUdx_fn, x, n_steps, h, gamma, kT, states, W, Q, U0, U1)
        rec = None
    elif isinstance(protocol, Protocol):
        c = protocol.coeffs(np.linspace(0.0, duration, n_steps + 1))  # exact end points (final jumps)
        n_rec = n_steps // record_every if record_every else 0
        rec = np.empty((n_rec, n)) if record_every else np.empty((0, 0))
        _run_poly(x, c, n_steps, h, gamma, kT, states, W, Q, U0, U1, rec, record_every)
        rec = rec if record_every else None
    else:
        raise ParameterError(f"protocol of type {type(protocol).__name__} is not supported; allowed: Protocol, UserProtocol")
    params = {"gamma": gamma, "kT": kT, "dt": h, "n_steps": n_steps, "seed": seed, "protocol": protocol.name,
              **protocol.params}
    return LangevinResult(x=x, work_kT=W / kT, heat_kT=Q / kT, U_start_kT=U0 / kT, U_end_kT=U1 / kT,
                          t_end=duration, record=rec, params=params)


@FIRST_PASSAGE.validates
def first_passage(potential: Protocol, x0: ArrayLike, *, target: float, gamma: float, dt: float, seed: int, max_time: float,
                  kT: float = 1.0) -> LangevinResult:
    """First-passage times of an ensemble in a static potential (its ``t = 0`` landscape).

    Each particle runs until it reaches ``target`` (crossing from the side it
    starts on) or until ``max_time``.  Passage times are multiples of ``dt``
    (the first step at which the particle is at or beyond ``target``),
    NaN when not reached.  Heat and energies are booked (no work: the landscape is fixed).
    """
    x = _positions(x0)
    if not isinstance(potential, Protocol):
        raise ParameterError(f"potential of type {type(potential).__name__} is not supported; allowed: Protocol")
    side = np.sign(target - x)
    if np.any(side == 0) or np.any(side != side[0]):
        raise ParameterError(f"target={target!r} must lie on the same side of every starting position and not on one")
    direction = float(side[0])
    c = potential.coeffs([0.0])
    _check_stiffness(_max_curvature(potential, np.append(x, target), np.zeros(1), kT), dt, gamma)
    max_steps = int(np.ceil(max_time / dt))
    n = x.size
    states = stream_states(seed, n)
    steps = np.empty(n, dtype=np.int64)
    Q = np.empty(n)
    U0 = np.empty(n)
    U1 = np.empty(n)
    _first_passage_poly(x, c, target, direction, max_steps, dt, gamma, kT, states, steps, Q, U0, U1)
    t = np.where(steps >= 0, steps * dt, np.nan)
    params = {"gamma": gamma, "kT": kT, "dt": dt, "seed": seed, "target": target, "max_time": max_time,
              "protocol": potential.name, **potential.params}
    return LangevinResult(x=x, work_kT=np.zeros(n), heat_kT=Q / kT, U_start_kT=U0 / kT, U_end_kT=U1 / kT,
                          t_end=max_time, passage_time=t, params=params)
