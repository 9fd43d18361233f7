"""Arrays of b-bit multi-level LIM memories driven by an optimizer, with exact energy books (THEORY §1, §2b, §6).

This simulator is the machinery shared by the QP solver (:mod:`limbound.solvers.qp`)
and the trainer (:mod:`limbound.solvers.train`).  It knows nothing about either
problem: a driver hands it a gradient (or a gradient and a curvature) per
memory, and it turns that into a landscape, lets the memories hop, and keeps
the books.

Memories
--------
Memory ``i`` of read (independent run) ``r`` holds a level ``n`` in
``0..M-1`` (``M = 2**b``), mapped linearly on the memory's range:
``x = lb_i + n * delta_i`` with ``delta_i = (ub_i - lb_i) / (M - 1)``.
All ``R`` reads run side by side as one array of ``R * N`` memories.

Landscapes (kT units)
---------------------
During one update of duration ``dt`` each memory sits in a fixed landscape
``U(n) = a n**2 + b n + c`` (per memory) with a barrier ``E_b`` measured from
the well bottom, top midway (THEORY §1).  The two update rules of THEORY §6:

* **Gradient rule** (:meth:`LIMArray.gradient_step`).  The tilt carries the
  sign of the gradient with the precision magnitude ``D = lim_tilt_kT(b, dt)``
  (THEORY §2b): ``U(n) = -s D n`` with ``s = -sign(g)``.  The barrier carries
  the gradient's size,

      E_b,i = kT ln(2 f0 dt sinh(D/2kT) delta_i / (eta |g_i|))   (THEORY §6),

  so that the mean drift over one update is ``eta |g_i| / delta_i`` levels
  against the gradient -- gradient descent in expectation -- and every net
  level along the tilt releases exactly ``D``.  If that barrier would be
  negative it is clipped at 0 (the memory cannot go faster than the bare
  attempt rate allows: at most ``2 f0 dt sinh(D/2)`` levels per update).  As
  ``|g|`` shrinks the barriers rise by themselves: consolidation in place.
  Projected gradient: a memory at an edge of its range whose gradient pushes
  outwards, or with ``g = 0`` exactly, gets no tilt and an infinite barrier
  (it is frozen for that update).
* **Annealing rule** (:meth:`LIMArray.anneal_step`).  The tilt of memory ``i``
  is ``lam * (f(x + k delta e_i) - f(x))`` for the local quadratic model of
  ``f`` along coordinate ``i`` (gradient ``g_i``, curvature ``h_i``; exact for
  a QP), i.e. ``U(n) = lam (g delta k + h delta**2 k**2 / 2)`` with
  ``k = n - n_now``.  At fixed ``lam`` the memory samples ``exp(-lam f)`` on
  its grid.  Its barrier is ``E_b = max(0, ln(f0 dt max(e^{-dU_up/2} +
  e^{-dU_dn/2}, 2 cosh(D/2)) / a))``: a memory tilted by ``D`` per level
  attempts ``a <= 1`` hops per update (``a`` chosen by the driver); a memory tilted more strongly gets a
  higher barrier so that it never attempts more than ``a`` (the validity condition of ``sync_step``; a
  margin covers the rounding of ``E_b + dU/2`` at any tilt, :func:`.anneal_barrier`).  Near the bottom of
  its well the barrier therefore does not depend on the memory's own level,
  so the driver's feedback does not bias the stationary distribution, and the
  memory holds its best level (it would not if the barrier were lowered to
  force a hop out of the bottom every update).

The barrier of a memory is the same for all of its edges during an update,
so within an update every hop obeys local detailed balance and releases
``-dU`` of the hop as heat, exactly.  Between updates the driver re-reads the
memories and re-sets the landscapes: that is work ``W = U_new(n) - U_old(n)``
at fixed state.  The books close with ``U_end - U_start = W - Q`` per read
(checked with :func:`limbound.sim.ledger.relative_residual`).

Engines ``"sync"`` and ``"poisson"`` (one random stream per memory, from ``seed``): :mod:`.lim_engines`.
Floors (``bound_J``, THEORY §8a ``floor_J``): :mod:`.lim_floor`; books and the drivers' result mixin:
:mod:`.lim_books`.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..deprecation import renamed_keywords
from ..errors import ParameterError, check_bits, check_integer, check_positive
from ..physics.lim import lim_per_op_J, lim_tilt_kT
from ..specs import ENGINES  # declared once, in limbound.specs
from ..stats import final_entropy_upper, marginal_entropies
from ._rng import stream_states
from .ledger import Ledger, relative_residual
from .lim_books import MemoryBooks
from .lim_engines import advance_linear, advance_sync, anneal_barrier, count_hops, sync_substep
from .lim_floor import conditional_floor, conditional_terms, expected_attempts, segment_terms, speed_term

#: Largest array (reads x memories): about 70 bytes of state per memory, 1.4 GB at the cap.
MAX_MEMORIES = 20_000_000


def check_array_size(reads: int, n_memories: int) -> None:
    """Refuse (one-line :class:`ParameterError`) more than :data:`MAX_MEMORIES` memories over all reads."""
    if int(reads) * int(n_memories) > MAX_MEMORIES:
        raise ParameterError(f"reads={int(reads)} x {int(n_memories)} memories = {int(reads) * int(n_memories)} is "
                             f"out of range; allowed: reads x memories <= {MAX_MEMORIES}")


# --------------------------------------------------------------------------- the array
@renamed_keywords(T_K="temperature_K")
class LIMArray:
    """``reads`` independent copies of ``N`` b-bit LIM memories with ranges ``[lb_i, ub_i]``.

    Parameters
    ----------
    lb, ub : float arrays (N,), the value range of each memory (``lb < ub``)
    bits : int, b; each memory has ``M = 2**b`` levels
    reads : int, number of independent runs held side by side (R)
    dt_s : float, duration of one update (s); sets ``D = lim_tilt_kT(b, dt)``
    f0_hz, temperature_K : attempt frequency (1/s) and temperature (K)
    seed : int, seeds the initial levels and the memories' own random streams (module notes)
    init_fraction : float in (0, 1], initial levels uniform over the central
        ``init_fraction`` of the range (1: the whole range, entropy ``b ln 2``)
    """

    def __init__(self, lb: ArrayLike, ub: ArrayLike, *, bits: int, reads: int = 4, dt_s: float = 1e-6,
                 f0_hz: float = F0_DEFAULT_HZ, temperature_K: float = T_DEFAULT_K, seed: int = 0,
                 init_fraction: float = 1.0) -> None:
        self.bits = check_bits(bits)
        if self.bits > 30:
            raise ParameterError(f"bits={bits!r} is out of range; allowed: 1..30 for LIM memory arrays")
        lb = np.atleast_1d(np.asarray(lb, dtype=float))
        ub = np.atleast_1d(np.asarray(ub, dtype=float))
        if lb.shape != ub.shape or lb.ndim != 1:
            raise ParameterError(f"lb of shape {lb.shape} and ub of shape {ub.shape} must be 1-D of equal length")
        if not (np.all(np.isfinite(lb)) and np.all(np.isfinite(ub))) or np.any(lb >= ub):
            raise ParameterError("lb/ub must be finite with lb < ub for every memory (a memory's range)")
        reads = check_integer("reads", reads, minimum=1)  # the one integer rule (4.0 and True refused)
        check_array_size(reads, lb.size)
        if not (0.0 < init_fraction <= 1.0):
            raise ParameterError(f"init_fraction={init_fraction!r} is out of range; allowed: 0 < init_fraction <= 1")
        self.dt_s = check_positive("dt_s", dt_s)
        self.f0_hz = check_positive("f0_hz", f0_hz)
        self.temperature_K = check_positive("temperature_K", temperature_K)
        self.N = lb.size
        self.R = int(reads)
        self.M = 2 ** self.bits
        self.top = self.M - 1
        self.lb = lb
        self.ub = ub
        self.delta = (ub - lb) / self.top
        #: LIM tilt per level (kT) and per-op energy (J), THEORY §2b
        self.D = float(lim_tilt_kT(self.bits, self.dt_s, self.f0_hz))
        self.e_lim_J = float(lim_per_op_J(self.bits, self.dt_s, self.temperature_K, f0_hz=self.f0_hz))
        self.f0dt = self.f0_hz * self.dt_s
        #: largest drift of one update at zero barrier, levels (THEORY §2b speed)
        self.v_max = 2.0 * self.f0dt * math.sinh(self.D / 2.0)
        rng = np.random.default_rng(seed)
        kernel_seed = int(rng.integers(2**32))
        k = max(1, int(round(init_fraction * self.M)))
        start = (self.M - k) // 2
        self.levels = (start + rng.integers(0, k, size=self.R * self.N)).astype(np.int64)
        self.entropy0 = math.log(k)  # per memory, exact (uniform over k levels)
        #: one random stream per memory (both engines), from the seed only
        self.states = stream_states(kernel_seed, self.R * self.N)
        self._start_books()

    def _start_books(self) -> None:
        """Flat landscape ``U(n) = a n^2 + b n + c = 0`` (kT; ``U_start = 0``), empty books and floor terms."""
        size = self.R * self.N
        self._a = np.zeros(size)
        self._b = np.zeros(size)
        self._c = np.zeros(size)
        self.heat_mem = np.zeros(size)
        self.work_mem = np.zeros(size)
        self.U_start_mem = np.zeros(size)
        self.hops_forward = 0
        self.hops_backward = 0
        self.updates = 0
        self.substeps = 0
        self._levels_start = self.levels.copy()
        # THEORY §8a segmented speed term: per update sum_i 2 W1_i^2 / A_i, all reads and leave-one-out
        self._center = np.full(self.N, self.top / 2.0)
        self.transport_center = "range centre"
        self._speed_full = 0.0
        self._speed_loo = np.zeros(self.R)
        # per-update conditional floor (gradient rule, poisson engine): per-read sums, kT; None once not exact
        self._cond = np.zeros(self.R)
        self._cond_valid = True

    def set_transport_center(self, values: ArrayLike, *, label: str) -> None:
        """Fix the centre ``c_i`` of the test functions ``f_i = -|n - c_i|`` (values, clipped to the range).

        Must be chosen without looking at the reads (e.g. a reference solution computed before the run).
        """
        v = np.asarray(values, dtype=float).ravel()
        if v.shape != (self.N,) or not np.all(np.isfinite(v)):
            raise ParameterError(f"transport centre has shape {v.shape}; allowed: ({self.N},) finite values")
        self._center = np.clip((v - self.lb) / self.delta, 0.0, float(self.top))
        self.transport_center = str(label)

    def _attempts(self, barrier: NDArray[np.float64], dU_up: NDArray[np.float64],
                  dU_dn: NDArray[np.float64]) -> NDArray[np.float64]:
        """Expected hop attempts of each memory in one update (:func:`.lim_floor.expected_attempts`)."""
        return expected_attempts(self.f0dt, barrier, dU_up, dU_dn)

    def _conditional(self, before: NDArray[np.int64], direction: NDArray, barrier: NDArray[np.float64]) -> None:
        """Book one update of the conditional floor (:func:`.lim_floor.conditional_terms`)."""
        per_read = conditional_terms(before, direction, barrier, f0dt=self.f0dt, D=self.D, top=self.top, M=self.M,
                                     R=self.R, N=self.N)
        if per_read is not None:
            self._cond += per_read

    def _segment(self, before: NDArray[np.int64], attempts: NDArray[np.float64]) -> None:
        """Book one update as a segment of the THEORY §8a floor (:func:`.lim_floor.segment_terms`)."""
        terms = segment_terms(before, self.levels, attempts, self._center, self.R, self.N)
        if terms is not None:
            self._speed_full += terms[0]
            self._speed_loo += terms[1]

    # ----------------------------------------------------------- views
    @property
    def values(self) -> np.ndarray:
        """Current values, shape (R, N)."""
        lv = self.levels.reshape(self.R, self.N)
        return self.lb + lv * self.delta

    @property
    def levels_RN(self) -> np.ndarray:
        return self.levels.reshape(self.R, self.N)

    def _energy(self, a: ArrayLike, b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
        n = self.levels.astype(float)
        return a * n * n + b * n + c

    def _set_landscape(self, a: ArrayLike, b: ArrayLike, c: ArrayLike) -> None:
        """New landscape at fixed state: the work is ``U_new(n) - U_old(n)`` per memory."""
        self.work_mem += self._energy(a, b, c) - self._energy(self._a, self._b, self._c)
        self._a, self._b, self._c = a, b, c

    # ----------------------------------------------------------- gradient rule
    def _active_mask(self, active: ArrayLike | None) -> NDArray[np.bool_] | None:
        """Per-memory bool mask from a per-read mask (None: all reads active)."""
        if active is None:
            return None
        a = np.asarray(active, dtype=bool).ravel()
        if a.size != self.R:
            raise ParameterError(f"active has {a.size} entries; allowed: one per read ({self.R})")
        return np.repeat(a, self.N)

    def gradient_step(self, grad: ArrayLike, eta: ArrayLike, *, engine: str = "poisson",
                      active: ArrayLike | None = None) -> dict:
        """One update of the gradient rule (THEORY §6): mean drift ``-eta * grad`` (in value units).

        Parameters
        ----------
        grad : float array (R, N), df/dx at the current values
        eta : float or array broadcastable to (R, N), step size (value units per unit gradient)
        engine : ``"poisson"`` (exact linear-tilt kernel) or ``"sync"`` (:func:`sync_step`)
        active : bool array (R,) or None; the memories of an inactive read (a finished, independent run)
            keep their landscape and get an infinite barrier: no hop, no heat, no work

        Returns
        -------
        dict with the heat of this update (kT, summed over reads) and the mean
        asked drift in levels.
        """
        if engine not in ENGINES:
            raise ParameterError(f"engine={engine!r} is unknown; allowed: {', '.join(ENGINES)}")
        g = np.asarray(grad, dtype=float).reshape(self.R, self.N)
        v = (np.asarray(eta, dtype=float) * np.abs(g) / self.delta).ravel()  # asked drift, levels/update
        direction = (-np.sign(g)).astype(np.int8).ravel()
        direction[(self.levels == self.top) & (direction > 0)] = 0  # projected gradient at the edges
        direction[(self.levels == 0) & (direction < 0)] = 0
        direction[v <= 0] = 0
        live = self._active_mask(active)
        if live is not None:
            direction[~live] = 0
        moving = direction != 0
        barrier = np.full(v.shape, np.inf)
        barrier[moving] = np.maximum(np.log(self.v_max / v[moving]), 0.0)
        # landscape U(n) = -s D (n - top/2): linear, centred so the books stay small
        s = direction.astype(float)
        a, b, c = np.zeros_like(s), -s * self.D, s * self.D * (self.top / 2.0)
        if live is not None:  # frozen reads keep their landscape (no work)
            a, b, c = (np.where(live, new, old) for new, old in ((a, self._a), (b, self._b), (c, self._c)))
        self._set_landscape(a, b, c)
        before = self.levels.copy()
        att = self._attempts(barrier, -s * self.D, s * self.D)
        if engine == "poisson":
            heat, fwd, bwd = advance_linear(self.levels, self.top, direction, barrier, self.D, self.f0dt, self.states,
                                            self.heat_mem)
            self.hops_forward += int(fwd)
            self.hops_backward += int(bwd)
            self.substeps += 1
        else:
            heat = self._advance_sync(barrier)
        self._segment(before, att)
        if engine == "poisson":
            self._conditional(before, direction, barrier)
        else:
            self._cond_valid = False
        self.updates += 1
        return {"heat_kT": float(heat), "asked_levels_mean": float(np.mean(np.minimum(v, self.v_max)))}

    def _advance_sync(self, barrier: NDArray[np.float64]) -> float:
        """Advance one update through the synchronous step with enough sub-steps (:func:`.lim_engines.advance_sync`)."""
        heat, fwd, bwd, n_sub = advance_sync(self.levels, self.M, self._a, self._b, barrier, self.dt_s, self.f0_hz,
                                             self.states, self.heat_mem)
        self.hops_forward += fwd
        self.hops_backward += bwd
        self.substeps += n_sub
        return heat

    # ----------------------------------------------------------- annealing rule
    def anneal_step(self, grad: ArrayLike, curv: ArrayLike, lam: ArrayLike, *, attempt: ArrayLike = 1.0,
                    active: ArrayLike | None = None) -> dict:
        """One update of the annealing rule (THEORY §6) through :func:`sync_step`.

        Parameters
        ----------
        grad, curv : float arrays (R, N), gradient and (non-negative) diagonal curvature of ``f``
        lam : float or float array (R,) (one per read), kT per unit of ``f`` (the effective inverse temperature)
        attempt : float or (R, N) array in (0, 1], expected attempted hops per update
            (the driver damps synchronous moves of coupled memories with it, as ``eta`` does
            for the gradient rule)
        active : bool array (R,) or None; the memories of an inactive read keep their landscape and
            get an (effectively) infinite barrier: no hop, no heat, no work

        Returns
        -------
        dict with the heat (kT), the number of memories that moved and that number per read
        """
        self._cond_valid = False  # the conditional floor is booked for the gradient rule's exact kernel only
        lam_arr = np.asarray(lam, dtype=float)
        if lam_arr.ndim == 0:
            lam_arr = np.full(self.R, float(check_positive("lam", float(lam_arr))))
        if lam_arr.shape != (self.R,) or not np.all(np.isfinite(lam_arr)) or np.any(lam_arr <= 0):
            raise ParameterError(f"lam has shape {lam_arr.shape} or non-positive entries; allowed: a finite number > 0 or one per read ({self.R})")
        lam = np.repeat(lam_arr, self.N)
        live = self._active_mask(active)
        g = np.asarray(grad, dtype=float).ravel()
        h = np.maximum(np.asarray(curv, dtype=float), 0.0).ravel() * np.ones(self.R * self.N)
        dl = np.tile(self.delta, self.R)
        n0 = self.levels.astype(float)
        # U(n) = lam [ g dl (n - n0) + h dl^2 (n - n0)^2 / 2 ], expanded in n
        a = 0.5 * lam * h * dl * dl
        b = lam * (g * dl - h * dl * dl * n0)
        c = lam * (0.5 * h * dl * dl * n0 * n0 - g * dl * n0)
        if live is not None:  # frozen reads keep their landscape (no work)
            a, b, c = (np.where(live, new, old) for new, old in ((a, self._a), (b, self._b), (c, self._c)))
        self._set_landscape(a, b, c)
        dU_up = a * (2 * n0 + 1) + b
        dU_dn = a * (1 - 2 * n0) - b
        att = np.broadcast_to(np.asarray(attempt, dtype=float), (self.R, self.N)).ravel()
        if np.any(~(att > 0)) or np.any(att > 1):
            raise ParameterError("attempt must lie in (0, 1]; it is the expected attempted hops per update")
        eb = anneal_barrier(self.levels, self.top, dU_up, dU_dn, att, self.f0dt, self.D)
        if live is not None:
            eb = np.where(live, eb, 1e300)  # no hop within dt: exp(-1e300) = 0
        att_exp = self._attempts(eb, dU_up, dU_dn)
        before = self.levels.copy()
        q = sync_substep(self.levels, self.M, dU_up, dU_dn, eb, self.dt_s, self.f0_hz, self.states, self.heat_mem)
        self._segment(before, att_exp)
        moved = self.levels - n0.astype(np.int64)
        fwd, bwd = count_hops(moved, dU_up, dU_dn)
        self.hops_forward += fwd
        self.hops_backward += bwd
        self.updates += 1
        self.substeps += 1
        per_read = np.count_nonzero(moved.reshape(self.R, self.N), axis=1)
        return {"heat_kT": float(q), "hops": int(per_read.sum()), "hops_per_read": per_read}

    # ----------------------------------------------------------- books
    def books(self) -> MemoryBooks:
        """Close the books: first law per read, mean heat, the second-law floor (THEORY §6)."""
        k = kT(self.temperature_K)
        U_end = self._energy(self._a, self._b, self._c)
        per = lambda arr: arr.reshape(self.R, self.N).sum(axis=1)  # noqa: E731
        Q = per(self.heat_mem)
        W = per(self.work_mem)
        dU = per(U_end) - per(self.U_start_mem)
        resid = float(np.max(relative_residual(dU, W, Q)))
        plug, mm = marginal_entropies(self.levels_RN, self.M)
        h_up = final_entropy_upper(self.levels_RN, self.M)[1] if self.R >= 2 else float(mm.sum())
        h0 = self.N * self.entropy0
        ledger = Ledger(U_start_kT=float(self.U_start_mem.sum()), U_end_kT=float(U_end.sum()),
                        work_kT=float(W.sum()), heat_kT=float(Q.sum()), temperature_K=self.temperature_K)
        net = np.abs(self.levels - self._levels_start).sum() / self.R
        speed, se, speed_lower = speed_term(self._speed_full, self._speed_loo, self.R)
        cond = conditional_floor(self._cond) if self._cond_valid and self.R >= 2 else None
        return MemoryBooks(
            heat_per_read_J=Q * k, work_per_read_J=W * k, dU_per_read_J=dU * k,
            first_law_residual=resid, ledger=ledger,
            bound_J=float(k * (h0 - h_up)), bound_plugin_J=float(k * (h0 - plug.sum())),
            entropy_initial_nats=float(h0), entropy_final_mm_nats=float(mm.sum()),
            bound_mm_J=float(k * (h0 - mm.sum())), entropy_final_upper_nats=float(h_up),
            hops_forward=self.hops_forward, hops_backward=self.hops_backward, levels_net=float(net),
            speed_estimate_kT=speed, speed_se_kT=se, speed_lower_kT=speed_lower,
            transport_center=self.transport_center, conditional_kT=cond,
        )

    def books_dict(self, books: MemoryBooks, *, rule: str, engine: str, n_predicted: float, **extra: object) -> dict:
        """``books.as_dict()`` with the run's rule, engine, tilt ``D_kT``, ``e_lim_J``, ``extra`` and the walk breakdown.

        The engine is ``"sync"`` for the anneal rule (it always uses the synchronous step).
        """
        bd = books.as_dict()
        bd.update(books.floor_dict())
        bd.update({"rule": rule, "engine": engine if rule == "gradient" else "sync", "D_kT": self.D,
                   "e_lim_J": self.e_lim_J})
        bd.update(extra)
        bd["walk"] = books.walk_breakdown(self.N, self.D, n_predicted)
        return bd
