"""The energy-speed trade-off, designed: shift one LIM memory by one level in time ``dt`` (THEORY §2b, §8a, §8c).

The task (stated once, here and in docs/theory.md §8):

* **memory**: ``M = 2**b`` levels on a chain, rates of THEORY §1,
  ``r(n -> n+-1) = f0 exp(-(E_b + (U(n+-1) - U(n)) / 2))`` with barrier ``E_b >= 0``;
* **start**: the memory holds level ``n0`` at its LIM precision: ``p0(n) ∝ exp(-D_b |n - n0|)``,
  ``D_b = ln(2**(b+1) - 1)`` (the stationary law of THEORY §2b, ``p0(n0) = 1 - 2**-b``), held by the
  landscape ``D_b |n - n0|``;
* **target**: the same law one level up, ``q(n) = p0(n - 1)``, held by ``D_b |n - n0 - 1|``;
* **success**: at ``dt`` the occupations ``p`` satisfy ``TV(p, q) = sum |p - q| / 2 <= 2**-b`` (the
  target to ``b`` bits); the cost is the mean **heat** released, computed exactly by the master equation
  (:func:`limbound.sim.master.solve`, with the switch from the holding landscape at ``n0`` at the start and
  to the holding landscape at ``n0 + 1`` at the end booked as work).

Protocols compared:

* **fixed tilt** (the paper's class, THEORY §2b): the landscape ``D |n - n0 - 1|`` held for ``dt`` with
  tilt ``D = D_b`` and the highest barrier that meets the target; when even ``E_b = 0`` is too slow, the
  tilt grows (``D > D_b``) at ``E_b = 0`` (the paper's ``D_speed`` regime).  It costs about ``D`` per shift.
* **shaped**: ``K`` equal segments, each a piecewise-constant landscape with its own *middle tilt*
  ``m_k = U(n0) - U(n0 + 1)``, *outer tilt* ``D_k`` (every other edge slopes towards ``{n0, n0+1}`` by
  ``D_k``) and barrier ``E_k >= 0``; minimised over ``(m_k, D_k, E_k)`` for the exact heat subject to the
  success condition (SLSQP, :func:`scipy.optimize.minimize`, started from the fixed tilt).
* **floor** (THEORY §8a, :func:`limbound.physics.floors.jump_floor_J`): for each protocol,
  ``kT [S(p0) - S(p_dt)] + 2 kT W1(p0, p_dt)^2 / A``, with the exact entropies, ``W1`` on the chain and
  that protocol's exact expected hops ``A``.  A theorem: every protocol's heat must lie above its floor.

Only a window of levels around ``n0`` is simulated (reflecting at its ends): ``n0 +- W`` with ``W`` such that
``p0`` and ``q`` put less than 1e-15 outside (``e^{-D_b W}``); ``window_mass`` reports the largest end
occupation at the window's edge levels for every protocol (< 1e-9 is checked by the validation case).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import kT as kT_J
from ..errors import ParameterError, check_bits, check_positive
from ..physics import lim_tilt_kT, precision_eps, precision_tilt_kT
from ..physics.floors import jump_floor_J
from ..stats import w1_chain
from . import master

#: One step of a schedule: ``(duration_s, U_kT per level, barrier_kT)``.
Segment = tuple[float, ArrayLike, float]
#: Largest tilt the fixed tilt's speed search may use (kT).
MAX_ENERGY_KT = 80.0
#: Largest middle tilt, outer tilt and barrier of the shaped protocol (kT; keeps :func:`_propagate` accurate).
SHAPED_MAX_KT = 30.0


@dataclass
class ShiftTask:
    """The shift of one level of a b-bit memory in ``dt`` (module notes), on a window of levels."""

    bits: int
    dt_s: float
    f0_hz: float
    D_b: float
    n_levels: int
    n0: int
    p0: NDArray[np.float64]
    q: NDArray[np.float64]
    epsilon: float

    @property
    def hold_start(self) -> NDArray[np.float64]:
        """The landscape ``D_b |n - n0|`` that holds the start level."""
        return self.D_b * np.abs(np.arange(self.n_levels) - self.n0)

    @property
    def hold_end(self) -> NDArray[np.float64]:
        """The landscape ``D_b |n - n0 - 1|`` that holds the target level."""
        return self.D_b * np.abs(np.arange(self.n_levels) - self.n0 - 1)


def shift_task(bits: int, dt_s: float, f0_hz: float = 1e9) -> ShiftTask:
    """The task of the module notes for ``b`` bits and ``dt`` seconds (window of levels chosen from ``D_b``)."""
    b = int(check_bits(bits))
    dt = check_positive("dt_s", dt_s)
    f0 = check_positive("f0_hz", f0_hz)
    D = float(precision_tilt_kT(precision_eps(b)))  # D_b = ln(2**(b+1) - 1), THEORY §2b
    W = int(math.ceil(36.0 / D))                  # e^{-D W} < 2.4e-16
    M = min(2**b, 2 * W + 2)
    n0 = M // 2 - 1
    n = np.arange(M)
    p0 = np.exp(-D * np.abs(n - n0))
    p0 /= p0.sum()
    q = np.exp(-D * np.abs(n - n0 - 1))
    q /= q.sum()
    return ShiftTask(bits=b, dt_s=dt, f0_hz=f0, D_b=D, n_levels=M, n0=n0, p0=p0, q=q, epsilon=2.0**-b)


@dataclass
class ProtocolResult:
    """Exact outcome of one shift protocol (kT units).

    Attributes
    ----------
    name : 'fixed_tilt' or 'shaped'
    heat_kT, work_kT : mean heat released and work done (including the switches from/to the holding landscapes)
    tv : total-variation distance of the end occupations to the target
    activity : expected hops; floor_kT : the §8a floor with this protocol's own activity; entropy_drop_nats, w1
    window_mass : largest end occupation of the window's two edge levels
    segments : the schedule, [(duration_s, U_kT list, barrier_kT)]
    """

    name: str
    heat_kT: float
    work_kT: float
    tv: float
    activity: float
    floor_kT: float
    entropy_drop_nats: float
    w1: float
    window_mass: float
    segments: list = field(default_factory=list)

    def as_dict(self) -> dict:
        """The result's numbers (JSON-ready), the schedule left out."""
        return {k: v for k, v in self.__dict__.items() if k != "segments"}


def _entropy(p: ArrayLike) -> float:
    p = np.asarray(p, dtype=float)
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)))


def evaluate(task: ShiftTask, segments: Sequence[Segment], name: str) -> ProtocolResult:
    """Exact heat, work, success and §8a floor of a schedule ``[(duration_s, U_kT, barrier_kT)]`` for ``task``."""
    sched = [(0.0, task.hold_start, 0.0), *segments, (0.0, task.hold_end, 0.0)]
    r = master.solve(task.p0, sched, f0_hz=task.f0_hz)
    p = r.p_end
    tv = 0.5 * float(np.abs(p - task.q).sum())
    drop = _entropy(task.p0) - _entropy(p)
    w1 = w1_chain(task.p0, p)
    unit = kT_J(300.0)
    floor = jump_floor_J(entropy_drop_nats=drop, w1=w1, activity=max(r.mean_hops, 1e-300), temperature_K=300.0) / unit
    return ProtocolResult(name=name, heat_kT=r.mean_heat_kT, work_kT=r.mean_work_kT, tv=tv, activity=r.mean_hops,
                          floor_kT=floor, entropy_drop_nats=drop, w1=w1, window_mass=float(max(p[0], p[-1])),
                          segments=[(float(T), np.asarray(U).tolist(), float(e)) for T, U, e in segments])


def _propagate(p: ArrayLike, U: ArrayLike, E: float, f0: float, T: float) -> NDArray[np.float64]:
    """``p expm(R T)`` for the chain's rate matrix ``R`` (THEORY §1) by the eigenvectors of its symmetrisation.

    Detailed balance makes ``S = Pi^1/2 R Pi^-1/2`` symmetric tridiagonal (``Pi`` the Boltzmann weights
    of ``U``): diagonal minus the exit rates, off-diagonal ``f0 e^{-E}``; so ``p(T) = [(p / sqrt(pi)) Q e^{Lambda T} Q^T]
    sqrt(pi)`` (``eigh_tridiagonal``: a tridiagonal eigensolve, cheaper than a Pade exponential of a stiff
    matrix).  The absolute
    error is about ``1e-16 e^{dU/2}`` for an occupied level ``dU`` above the landscape's minimum (< 1e-7
    for ``dU <= 40 kT``): good for the optimiser, whose winner :func:`evaluate` recomputes exactly.
    """
    from scipy.linalg import eigh_tridiagonal

    U = np.asarray(U, dtype=float)
    d = np.diff(U)
    up = f0 * np.exp(-(E + 0.5 * d))
    dn = f0 * np.exp(-(E - 0.5 * d))
    diag = -(np.append(up, 0.0) + np.insert(dn, 0, 0.0))
    lam, Q = eigh_tridiagonal(diag * T, np.full(d.size, f0 * math.exp(-E) * T))
    sq = np.exp(-0.5 * (U - U.min()))
    y = (np.asarray(p) / sq) @ Q
    out = ((y * np.exp(np.minimum(lam, 0.0))) @ Q.T) * sq
    out = np.clip(out, 0.0, None)
    return out / out.sum()


def _fast(task: ShiftTask, segments: Sequence[Segment]) -> tuple[float, float]:
    """``(heat_kT, tv)`` of a schedule, for the optimiser: within a segment the landscape is fixed, so its heat is
    ``p_start . U - p_end . U`` (first law with no work); :func:`_propagate` per segment.
    :func:`evaluate` recomputes the winner's heat by the heat flux (Van Loan) of :func:`master.solve`."""
    p = task.p0
    heat = 0.0
    for T, U, e in segments:
        p_new = _propagate(p, U, e, task.f0_hz, T)
        heat += float((p - p_new) @ np.asarray(U, dtype=float))
        p = p_new
    return heat, 0.5 * float(np.abs(p - task.q).sum())


def _v(task: ShiftTask, D: float) -> np.ndarray:
    return D * np.abs(np.arange(task.n_levels) - task.n0 - 1)


def _bisect(f: Callable[[float], bool], lo: float, hi: float, n: int = 36) -> float:
    """Largest x in [lo, hi] with f(x) True, f monotone True-then-False (``lo`` must satisfy f)."""
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        if f(mid):
            lo = mid
        else:
            hi = mid
    return lo


def fixed_tilt(task: ShiftTask) -> ProtocolResult:
    """The paper's protocol class: ``D |n - n0 - 1|`` held for ``dt``, ``D = D_b`` and the highest barrier
    that meets the target; at ``E_b = 0`` the smallest sufficient ``D > D_b`` (module notes)."""
    def tv_of(D: float, E: float) -> float:
        return _fast(task, [(task.dt_s, _v(task, D), E)])[1]

    if tv_of(task.D_b, 0.0) <= task.epsilon:
        E = _bisect(lambda e: tv_of(task.D_b, e) <= task.epsilon, 0.0, MAX_ENERGY_KT)
        return evaluate(task, [(task.dt_s, _v(task, task.D_b), E)], "fixed_tilt")
    if tv_of(MAX_ENERGY_KT, 0.0) > task.epsilon:
        raise ParameterError(f"dt_s={task.dt_s!r} is too short for any tilt up to {MAX_ENERGY_KT} kT")
    # smallest D with success: bisect on -D
    D = -_bisect(lambda d: tv_of(-d, 0.0) <= task.epsilon, -MAX_ENERGY_KT, -task.D_b)
    return evaluate(task, [(task.dt_s, _v(task, D), 0.0)], "fixed_tilt")


def _shaped_landscape(task: ShiftTask, m: float, D: float) -> np.ndarray:
    n = np.arange(task.n_levels)
    U = np.where(n >= task.n0 + 1, D * (n - task.n0 - 1), m + D * (task.n0 - n)).astype(float)
    return U


def shaped(task: ShiftTask, *, n_segments: int = 4, start: ProtocolResult | None = None,
           maxiter: int = 80) -> ProtocolResult:
    """Minimise the exact heat over ``n_segments`` piecewise-constant landscapes (module notes), subject to success.

    Started from the fixed tilt (feasible); returns the best feasible schedule found (never worse than the start).
    """
    from scipy.optimize import minimize

    K = int(n_segments)
    if K < 1:
        raise ParameterError(f"n_segments={n_segments!r} is out of range; allowed: integers >= 1")
    start = fixed_tilt(task) if start is None else start
    T = task.dt_s / K
    D0, E0 = max(start.segments[0][1][0] / max(task.n0 + 1, 1), task.D_b), start.segments[0][2]
    x0 = np.tile([D0, D0, E0], K)

    def segs(x: NDArray[np.float64]) -> list[Segment]:
        return [(T, _shaped_landscape(task, x[3 * k], x[3 * k + 1]), x[3 * k + 2]) for k in range(K)]

    cache = {}

    def run(x: NDArray[np.float64]) -> tuple[float, float, NDArray[np.float64]]:
        key = x.tobytes()
        if key not in cache:
            cache[key] = (*_fast(task, segs(x)), x.copy())
        return cache[key]

    log_eps = math.log(task.epsilon)
    cons = [{"type": "ineq", "fun": lambda x: log_eps - math.log(max(run(x)[1], 1e-300))}]
    bounds = [(-SHAPED_MAX_KT, SHAPED_MAX_KT), (0.0, SHAPED_MAX_KT), (0.0, SHAPED_MAX_KT)] * K
    minimize(lambda x: run(x)[0], x0, method="SLSQP", bounds=bounds, constraints=cons,
             options={"maxiter": maxiter, "ftol": 1e-9})
    for _heat, _, x in sorted((c for c in cache.values() if c[1] <= task.epsilon), key=lambda c: c[0])[:20]:
        best = evaluate(task, segs(x), "shaped")          # exact (Van Loan) heat and success
        if best.tv <= task.epsilon and best.heat_kT <= start.heat_kT:
            return best
    return ProtocolResult(**{**start.__dict__, "name": "shaped"})


def design_table(*, bits: Sequence[int] = (4, 8, 16), dt_f0: Sequence[float] = (1.0, 10.0, 100.0, 1e3, 1e4),
                 f0_hz: float = 1e9, n_segments: int = 4, maxiter: int = 80) -> list[dict]:
    """Fixed tilt, shaped optimum and their §8a floors for every ``b`` and ``dt = dt_f0 / f0`` (kT units)."""
    rows = []
    for b in bits:
        for x in dt_f0:
            task = shift_task(b, x / f0_hz, f0_hz)
            fx = fixed_tilt(task)
            sh = shaped(task, n_segments=n_segments, start=fx, maxiter=maxiter)
            rows.append({"bits": int(b), "dt_f0": float(x), "dt_s": task.dt_s, "D_b_kT": task.D_b,
                         "paper_e_LIM_kT": float(lim_tilt_kT(b, task.dt_s, f0_hz)),
                         "fixed_tilt_heat_kT": fx.heat_kT, "fixed_tilt_floor_kT": fx.floor_kT,
                         "shaped_heat_kT": sh.heat_kT, "shaped_floor_kT": sh.floor_kT,
                         "fixed_over_shaped": fx.heat_kT / sh.heat_kT if sh.heat_kT > 0 else math.inf,
                         "fixed_tilt": fx.as_dict(), "shaped": sh.as_dict()})
    return rows
