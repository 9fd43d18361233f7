"""Arrays of b-bit multi-level LIM memories driven by an optimizer, with exact energy books (THEORY §1, §2b, §6).

This module is the machinery shared by the QP solver (:mod:`limbound.solvers.qp`)
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
  attempts ``a <= 1`` hops per update (``a`` chosen by the driver); a memory
  tilted more strongly gets a higher barrier so that it never attempts more
  than ``a`` (the validity condition of ``sync_step``).  Near the bottom of
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

Engines
-------
* ``"sync"``: :func:`limbound.sim.kmc.sync_step`, the project's uniformized
  synchronous engine (at most one hop per memory per sub-step), with as many
  sub-steps per update as its validity condition ``(r_up + r_dn) h <= 1``
  needs.  Used for the annealing rule (whose landscape is not linear) and
  available for the gradient rule.
* ``"poisson"`` (default for the gradient rule): an exact kernel for a
  *linear* tilt.  Why our own kernel: at b = 16 a gradient step asks for
  thousands of levels per update, which the one-hop-per-sub-step engine can
  only deliver with thousands of sub-steps.  In a linear landscape the
  forward and backward hop rates do not depend on the level, so over a time
  ``dt`` the numbers of forward and backward attempts of the uniformized
  process are independent Poisson variables of means ``r+ dt`` and
  ``r- dt``, in uniformly random order (Poisson splitting; Jensen 1953).  If
  no ordering can reach an edge (``n + N_up <= M-1`` and ``n - N_dn >= 0``)
  the net move is ``N+ - N-`` levels; otherwise the attempts are replayed in a
  uniformly random order with the reflecting edges blocking (a blocked
  attempt is a null event of the uniformization).  Both branches are exact
  samples of the continuous-time master equation over ``dt`` (the sync
  engine with ``K`` sub-steps is the discrete-time uniformized chain instead:
  same mean drift and same stationary law, a smaller variance of the number
  of hops per update); a k-level net
  move along the tilt releases exactly ``k D``.  Same conventions as
  ``sync_step`` (rates ``f0 exp(-(E_b +- D/2))``, heat ``-dU`` per hop,
  reflecting edges).  A test checks both engines against the analytic mean
  move.

Random streams: every memory of every read owns one SplitMix64 stream
(:mod:`limbound.sim._rng`), derived from the array's ``seed``, used by both
engines; so an array's results depend on its seed only, not on other arrays
run in the same thread (numba's global generator, used before, was shared).
Inputs of the synchronous step are validated once per update
(:func:`limbound.sim.kmc.check_step`), not once per sub-step.

Two numbers for the whole run (THEORY §6)
----------------------------------------
* ``bound_J`` -- the second-law floor ``kT sum_i (H_i(0) - H_i(tau))`` with
  the initial entropy known exactly (uniform over the initial levels,
  ``ln K_i``; ``b ln 2`` for the full range).  A floor must not be raised by
  its estimator, so the final marginal entropies enter through an *upper*
  estimate (:func:`final_entropy_upper`), per memory the larger of

  - Miller-Madow, ``H_MM = H_plugin + (m - 1)/(2R)`` (``m`` distinct levels
    seen; G. Miller, 1955).  Alone it is not enough: from ``R`` = 2..4 reads
    it cannot see a spread of several levels (measured on ``random_qp(50)``
    at b = 8: 0.59, 1.07, 1.93 nats per memory from 2, 4, 32 reads), so the
    floor came out high at few reads;
  - the maximum-entropy bound for an integer-valued variable of variance
    ``sigma**2`` (levels**2), ``H <= 1/2 ln(2 pi e (sigma**2 + 1/12))``
    (Cover & Thomas, *Elements of Information Theory*, 1991, §9.7: the
    discretised Gaussian is the extreme case), with ``sigma**2`` estimated
    over reads as ``c_k s**2`` (``s**2`` the sample variance, ``k = R - 1``,
    ``c_k = exp(-(psi(k/2) + ln(2/k)))`` so that ``E ln(c_k s**2) = ln sigma**2``
    for normal samples; ``c_1 = 3.56``, ``c_3 = 1.45``, ``c_7 = 1.16``).  By
    the convexity of ``ln(1 + a e**-y)`` the expected term is then at least
    the true bound;

  clipped to ``ln M``; the sum over memories gets a further
  ``+ 2 * sqrt(N) * sd`` with ``sd = sqrt(psi'(k/2)) / 2`` the sampling
  spread of ``1/2 ln s**2`` (two standard errors, memories treated as
  independent).  The assumptions (spread across reads roughly normal) are
  stated, not proven; ``bound_mm_J`` (Miller-Madow alone) and
  ``bound_plugin_J`` are reported beside it.  The floor is for the mean heat
  over runs: compare ``mean(Q_r)`` with its standard error
  (``second_law_holds`` is false only when ``mean + 3 SE < bound_J``;
  ``second_law_margin_sem = (mean - bound_J) / SE``).  (Our drivers read the
  memories between updates and set landscapes from what they read: feedback.
  The Sagawa-Ueda refinement of the second law then allows an information
  term; THEORY §6 states the floor without it, and every run reports both
  numbers so a violation would show.)
* ``estimate_J`` -- ``e_LIM(b, dt) * N * n_updates`` predicted before the run
  from the convergence class (THEORY §3, :func:`limbound.counting.updates_for_convergence`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..display import Display
from ..errors import ParameterError, check_bits, check_positive
from ..physics.lim import lim_per_op_J, lim_tilt_kT
from ..sim._rng import next_poisson, next_u01_open, stream_states
from ..sim.kmc import check_step, sync_step_unchecked
from ..sim.ledger import Ledger, relative_residual
# the entropy estimators live in limbound.stats (one place); re-exported here for existing imports
from ..stats import ENTROPY_Z, final_entropy_upper, marginal_entropies  # noqa: F401

#: standard errors taken off the segmented speed term (jackknife over reads), and of the floor_holds test
SPEED_Z = 3.0
FLOOR_HOLDS_Z = 3.0

from ..specs import ENGINES, RULES  # noqa: E402  (declared once, in limbound.specs)
#: Refuse a sync-engine update needing more sub-steps than this (use the poisson engine).
MAX_SYNC_SUBSTEPS = 200_000
#: Arrays of at least this many memories take the synchronous step on all threads (below, one thread is faster).
PARALLEL_MIN = 20_000
#: Largest array (reads x memories): about 70 bytes of state per memory, 1.4 GB at the cap.
MAX_MEMORIES = 20_000_000


def check_array_size(reads, n_memories) -> None:
    """Refuse (one-line :class:`ParameterError`) more than :data:`MAX_MEMORIES` memories over all reads."""
    if int(reads) * int(n_memories) > MAX_MEMORIES:
        raise ParameterError(f"reads={int(reads)} x {int(n_memories)} memories = {int(reads) * int(n_memories)} is "
                             f"out of range; allowed: reads x memories <= {MAX_MEMORIES}")


# --------------------------------------------------------------------------- kernels
@njit(inline="always", cache=True)
def _stays_inside(li, d, n_fwd, n_bwd, top):
    """True if ``n_fwd`` hops along ``d`` and ``n_bwd`` against it, in any order, keep level ``li`` in ``0..top``."""
    if d > 0:
        hi = li + n_fwd
        lo = li - n_bwd
    else:
        hi = li + n_bwd
        lo = li - n_fwd
    return lo >= 0 and hi <= top


@njit(cache=True)
def _first_of_k(state, total, k):
    """``(state, j)``: ``j`` the smallest of ``k`` distinct positions drawn uniformly from ``0..total-1`` (rejection;
    ``k`` small), from the stream ``state``."""
    pos = np.empty(k, dtype=np.int64)
    got = 0
    while got < k:
        state, u = next_u01_open(state)
        c = min(np.int64(u * total), total - 1)
        dup = False
        for t in range(got):
            if pos[t] == c:
                dup = True
                break
        if not dup:
            pos[got] = c
            got += 1
    return state, pos.min()


@njit(cache=True)
def _advance_linear(levels, top, direction, barrier, tilt, f0dt, states, heat_out):
    """Exact continuous-time move of memories in linear tilts over one update (see module notes).

    ``direction[i]`` in {-1, 0, +1} is the downhill direction (0: frozen);
    ``tilt`` the energy drop per level along it (kT).  Returns the total heat
    (kT) and the numbers of forward (downhill) and backward hops.  Memory ``i`` draws from its own
    stream ``states[i]`` (advanced in place).
    """
    n = levels.shape[0]
    heat = 0.0
    fwd_tot = 0
    bwd_tot = 0
    for i in range(n):
        d = direction[i]
        if d == 0:
            continue
        eb = barrier[i]
        mu_f = f0dt * np.exp(-(eb - 0.5 * tilt))
        mu_b = f0dt * np.exp(-(eb + 0.5 * tilt))
        s = states[i]
        s, nf = next_poisson(s, mu_f)
        s, nb = next_poisson(s, mu_b)
        if nf + nb == 0:
            states[i] = s
            continue
        li = levels[i]
        if _stays_inside(li, d, nf, nb, top):
            fwd = nf
            bwd = nb
            levels[i] = li + d * (nf - nb)
        else:  # replay the attempts in uniformly random order; edges block (null events)
            fwd = 0
            bwd = 0
            rf = nf
            rb = nb
            while rf + rb > 0:
                # shortcuts, exact: with only one kind of attempt left, or with no
                # ordering of the rest able to reach an edge, the outcome is fixed
                inside = _stays_inside(li, d, rf, rb, top)
                if rb == 0 or rf == 0 or inside:
                    if rb == 0 or inside:
                        room = top - li if d > 0 else li
                        k = rf if rf <= room else room
                        li += d * k
                        fwd += k
                    if rf == 0 or inside:
                        room = li if d > 0 else top - li
                        k = rb if rb <= room else room
                        li -= d * k
                        bwd += k
                    break
                if rb <= 16 and rf >= 64 * rb:
                    # few backward attempts among many forward ones (a strong tilt): jump to the next backward
                    # attempt.  In a uniformly random order its position is the smallest of rb distinct uniform
                    # positions among rf + rb, and what follows is again a uniformly random order (exact)
                    s, j = _first_of_k(s, rf + rb, rb)
                    room = top - li if d > 0 else li
                    k = j if j <= room else room
                    li += d * k
                    fwd += k
                    rf -= j
                    rb -= 1
                    nxt = li - d
                    if nxt >= 0 and nxt <= top:
                        li = nxt
                        bwd += 1
                    continue
                s, u = next_u01_open(s)
                if u * (rf + rb) < rf:
                    rf -= 1
                    nxt = li + d
                    if nxt >= 0 and nxt <= top:
                        li = nxt
                        fwd += 1
                else:
                    rb -= 1
                    nxt = li - d
                    if nxt >= 0 and nxt <= top:
                        li = nxt
                        bwd += 1
            levels[i] = li
        states[i] = s
        q = tilt * (fwd - bwd)
        heat += q
        heat_out[i] += q
        fwd_tot += fwd
        bwd_tot += bwd
    return heat, fwd_tot, bwd_tot


# --------------------------------------------------------------------------- results
def floor_summary(*, entropy_J, speed_J, speed_estimate_J, speed_se_J, mean_J, sem_J, center,
                  conditional_J=None) -> dict:
    """The floor block of a run's books (THEORY §8a): ``floor_J``, parts, tightness, ``floor_holds``, method.

    ``floor_J`` is the larger of the ensemble floor (entropy + segmented speed term) and, when given, the
    per-update conditional floor (``conditional_J``, :meth:`LIMArray._conditional`); both are reported.
    """
    ens = entropy_J + speed_J
    f = ens if conditional_J is None else max(ens, conditional_J)
    m, se = mean_J, sem_J
    return {"floor_J": f, "floor_parts": {"entropy_J": entropy_J, "speed_J": speed_J},
            "floor_ensemble_J": ens, "floor_conditional_J": conditional_J,
            "floor_speed_estimate_J": speed_estimate_J, "floor_speed_se_J": speed_se_J,
            "tightness": m / f if f > 0 else math.inf,
            "floor_margin_sem": (m - f) / se if se > 0 else (math.inf if m >= f else -math.inf),
            "floor_holds": bool(m + FLOOR_HOLDS_Z * se >= f),
            "floor_method": ("THEORY §8a segmented: kT [S_0 - S_tau(upper)] + 2 kT sum_(update k, memory i) "
                             "W1_ki^2 / A_ki; W1_ki >= |E f_i(n_k+1) - E f_i(n_k)| with f_i = -|n - c_i| "
                             f"(c_i: {center}, fixed before the run), its square by the "
                             "U-statistic over read pairs; A_ki the expected attempts from the rates (>= hops); "
                             f"speed term minus {SPEED_Z:g} jackknife SE over reads; floor_holds: "
                             f"mean heat + {FLOOR_HOLDS_Z:g} SE >= floor; valid for open-loop protocols, the drivers "
                             "read the memories (feedback), so a violation would show here; floor_conditional_J: "
                             "per read and update, conditional on the driver's record (rigorous with feedback), "
                             "2 kT |mu+ - mu-|^2 / (mu+ + mu-) - kT H(level after | record), H by the integer "
                             "max-entropy bound, mean over reads minus 3 SE; floor_J is the larger")}


@dataclass
class MemoryBooks:
    """Energy books of an :class:`LIMArray` run (per read and over reads)."""

    heat_per_read_J: np.ndarray
    work_per_read_J: np.ndarray
    dU_per_read_J: np.ndarray
    first_law_residual: float
    ledger: Ledger
    bound_J: float
    bound_plugin_J: float
    entropy_initial_nats: float
    entropy_final_mm_nats: float
    bound_mm_J: float
    entropy_final_upper_nats: float
    hops_forward: int
    hops_backward: int
    levels_net: float
    #: THEORY §8a segmented speed term (kT): estimate, its standard error, the conservative value used
    speed_estimate_kT: float = 0.0
    speed_se_kT: float = 0.0
    speed_lower_kT: float = 0.0
    transport_center: str = "range centre"
    #: per-update conditional floor of the gradient rule (kT, mean over reads minus 3 SE), None if not computed
    conditional_kT: float | None = None

    @property
    def floor_J(self) -> float:
        """The finite-time floor of THEORY §8a for the mean heat (J): the larger of the ensemble floor (entropy
        term + segmented speed term) and the per-update conditional floor (gradient rule, poisson engine)."""
        k = kT(self.ledger.T_K)
        ens = self.bound_J + self.speed_lower_kT * k
        return ens if self.conditional_kT is None else max(ens, self.conditional_kT * k)

    def floor_dict(self) -> dict:
        """``floor_J`` with its parts, tightness and whether the mean heat clears it (module notes)."""
        k = kT(self.ledger.T_K)
        return floor_summary(conditional_J=None if self.conditional_kT is None else self.conditional_kT * k,
                             entropy_J=self.bound_J, speed_J=self.speed_lower_kT * k,
                             speed_estimate_J=self.speed_estimate_kT * k, speed_se_J=self.speed_se_kT * k,
                             mean_J=self.dissipated_J, sem_J=self.dissipated_sem_J, center=self.transport_center)


    @property
    def dissipated_J(self) -> float:
        """Mean heat over reads (J): the measured energy-to-solution of one run."""
        return float(np.mean(self.heat_per_read_J))

    @property
    def dissipated_sem_J(self) -> float:
        """Standard error of the mean heat over reads (J); 0 with a single read."""
        h = self.heat_per_read_J
        return float(np.std(h, ddof=1) / math.sqrt(h.size)) if h.size > 1 else 0.0

    def as_dict(self) -> dict:
        return {
            "dissipated_J": self.dissipated_J,
            "dissipated_sem_J": self.dissipated_sem_J,
            "heat_per_read_J": self.heat_per_read_J.tolist(),
            "bound_J": self.bound_J,
            "bound_mm_J": self.bound_mm_J,
            "bound_plugin_J": self.bound_plugin_J,
            "entropy_initial_nats": self.entropy_initial_nats,
            "entropy_final_upper_nats": self.entropy_final_upper_nats,
            "entropy_final_miller_madow_nats": self.entropy_final_mm_nats,
            "first_law_residual": self.first_law_residual,
            "hops_forward_per_read": self.hops_forward / self.heat_per_read_J.size,
            "hops_backward_per_read": self.hops_backward / self.heat_per_read_J.size,
            "levels_net_per_read": self.levels_net,
            "ledger": self.ledger.as_dict(),
        }

    def walk_breakdown(self, n_params, D_kT, n_predicted) -> dict:
        """What drives ``measured / estimate``: levels per parameter, measured against predicted.

        ``along_tilt`` = mean heat / (D N) is the net number of levels walked
        along the tilt per parameter (exact for the gradient rule, where every
        level costs ``D``), so ``measured / estimate = along_tilt / n_predicted``.
        It splits into ``net`` = ``|n_end - n_start|`` (the unavoidable walk
        from a random start, about ``2**b / 3`` levels) and the excess
        (overshoot and back-and-forth of a coupled, noisy descent).
        """
        along = self.dissipated_J / kT(self.ledger.T_K) / (D_kT * n_params)
        net = self.levels_net / n_params
        return {"levels_along_tilt_per_param": along, "levels_net_per_param": net,
                "levels_excess_per_param": along - net, "levels_predicted_per_param": float(n_predicted)}


class VersusBound(Display):
    """Mixin of a solver's result: measured dissipation against the second-law bound and the LIM estimate.

    The class provides ``dissipated_J`` and ``dissipated_sem_J`` (mean heat
    of a run and its standard error, :class:`MemoryBooks`), ``bound_J`` (THEORY
    §6) and ``estimate_J`` (:func:`estimate_J`).
    """

    def _records(self) -> list:
        """One row (notebooks: ``to_pandas()``, ``_repr_html_``): the result's scalar fields, measured heat first."""
        head = {"dissipated_J (measured)": self.dissipated_J, "dissipated_sem_J": self.dissipated_sem_J,
                "floor_J (floor)": self.floor_J, "estimate_J (estimate)": self.estimate_J, "tightness": self.tightness}
        rest = {k: v for k, v in self.as_dict().items()
                if not isinstance(v, (dict, list, tuple, np.ndarray)) and k not in ("dissipated_J", "dissipated_sem_J",
                                                                                     "floor_J", "estimate_J", "tightness")}
        return [{**head, **rest}]

    @property
    def tightness(self) -> float:
        """``dissipated_J / floor_J``: measured over the THEORY §8a floor (inf when the floor is not positive)."""
        f = self.floor_J
        return self.dissipated_J / f if f > 0 else math.inf

    @property
    def floor_J(self) -> float:
        """THEORY §8a floor (entropy + segmented speed term) from ``books``; the second-law ``bound_J`` if absent."""
        return float(self._books().get("floor_J", self.bound_J))

    def _books(self) -> dict:
        return getattr(self, "books", None) or {}

    @property
    def measured_over_estimate(self) -> float:
        """``dissipated_J / estimate_J`` (inf when the estimate is not positive)."""
        return self.dissipated_J / self.estimate_J if self.estimate_J > 0 else math.inf

    def bound_dict(self) -> dict:
        """The measured-against-bound entries of ``as_dict``."""
        return {
            "dissipated_J": self.dissipated_J,
            "dissipated_sem_J": self.dissipated_sem_J,
            "floor_J": self.floor_J,
            "floor_parts": self._books().get("floor_parts"),
            "floor_holds": self._books().get("floor_holds"),
            "bound_J": self.bound_J,
            "estimate_J": self.estimate_J,
            "tightness": self.tightness,
            "tightness_second_law": self.dissipated_J / self.bound_J if self.bound_J > 0 else math.inf,
            "measured_over_estimate": self.measured_over_estimate,
            "dissipated_minus_3sem_J": self.dissipated_J - 3.0 * self.dissipated_sem_J,
            "second_law_margin_sem": self.second_law_margin_sem,
            "second_law_holds": self.second_law_holds,
        }

    @property
    def second_law_margin_sem(self) -> float:
        """``(dissipated_J - bound_J) / dissipated_sem_J``: the floor's margin in standard errors of the mean heat."""
        diff = self.dissipated_J - self.bound_J
        if self.dissipated_sem_J > 0:
            return diff / self.dissipated_sem_J
        return math.inf if diff >= 0 else -math.inf

    @property
    def second_law_holds(self) -> bool:
        """False only if the mean heat is clearly below the floor, ``mean + 3 SE < bound_J`` (THEORY §6)."""
        return bool(self.dissipated_J + 3.0 * self.dissipated_sem_J >= self.bound_J)


#: The flat floor columns of a sweep row (THEORY §8a), in order: see :func:`floor_columns`.
FLOOR_COLUMNS = ("floor_J", "floor_entropy_J", "floor_speed_J", "tightness", "floor_holds")


def floor_columns(d: dict) -> dict:
    """The floor of one run as flat scalars for a sweep row or CSV (THEORY §8a).

    ``d`` is a result's floor record: ``as_dict()`` of a QP/training result or ``AnnealResult.floor()``
    (``floor_J``, ``floor_parts`` = {entropy_J, speed_J}, ``tightness`` = measured / floor, ``floor_holds``).
    A non-finite tightness (floor 0) becomes None, so stores of finite numbers stay valid.
    """
    parts = d.get("floor_parts") or {}
    t = d.get("tightness")
    holds = d.get("floor_holds")
    return {"floor_J": float(d["floor_J"]),
            "floor_entropy_J": None if parts.get("entropy_J") is None else float(parts["entropy_J"]),
            "floor_speed_J": None if parts.get("speed_J") is None else float(parts["speed_J"]),
            "tightness": float(t) if t is not None and math.isfinite(t) else None,
            "floor_holds": None if holds is None else bool(holds)}


# --------------------------------------------------------------------------- the array
class LIMArray:
    """``reads`` independent copies of ``N`` b-bit LIM memories with ranges ``[lb_i, ub_i]``.

    Parameters
    ----------
    lb, ub : float arrays (N,), the value range of each memory (``lb < ub``)
    bits : int, b; each memory has ``M = 2**b`` levels
    reads : int, number of independent runs held side by side (R)
    dt_s : float, duration of one update (s); sets ``D = lim_tilt_kT(b, dt)``
    f0_hz, T_K : attempt frequency (1/s) and temperature (K)
    seed : int, seeds the initial levels and the memories' own random streams (module notes)
    init_fraction : float in (0, 1], initial levels uniform over the central
        ``init_fraction`` of the range (1: the whole range, entropy ``b ln 2``)
    """

    def __init__(self, lb, ub, *, bits, reads=4, dt_s=1e-6, f0_hz=F0_DEFAULT_HZ, T_K=T_DEFAULT_K,
                 seed=0, init_fraction=1.0):
        self.bits = check_bits(bits)
        if self.bits > 30:
            raise ParameterError(f"bits={bits!r} is out of range; allowed: 1..30 for LIM memory arrays")
        lb = np.atleast_1d(np.asarray(lb, dtype=float))
        ub = np.atleast_1d(np.asarray(ub, dtype=float))
        if lb.shape != ub.shape or lb.ndim != 1:
            raise ParameterError(f"lb of shape {lb.shape} and ub of shape {ub.shape} must be 1-D of equal length")
        if not (np.all(np.isfinite(lb)) and np.all(np.isfinite(ub))) or np.any(lb >= ub):
            raise ParameterError("lb/ub must be finite with lb < ub for every memory (a memory's range)")
        if int(reads) != reads or reads < 1:
            raise ParameterError(f"reads={reads!r} is out of range; allowed: integers >= 1")
        check_array_size(reads, lb.size)
        if not (0.0 < init_fraction <= 1.0):
            raise ParameterError(f"init_fraction={init_fraction!r} is out of range; allowed: 0 < init_fraction <= 1")
        self.dt_s = check_positive("dt_s", dt_s)
        self.f0_hz = check_positive("f0_hz", f0_hz)
        self.T_K = check_positive("T_K", T_K)
        self.N = lb.size
        self.R = int(reads)
        self.M = 2 ** self.bits
        self.top = self.M - 1
        self.lb = lb
        self.ub = ub
        self.delta = (ub - lb) / self.top
        #: LIM tilt per level (kT) and per-op energy (J), THEORY §2b
        self.D = float(lim_tilt_kT(self.bits, self.dt_s, self.f0_hz))
        self.e_lim_J = float(lim_per_op_J(self.bits, self.dt_s, self.T_K, f0_hz=self.f0_hz))
        self.f0dt = self.f0_hz * self.dt_s
        #: largest drift of one update at zero barrier, levels (THEORY §2b speed)
        self.v_max = 2.0 * self.f0dt * math.sinh(self.D / 2.0)
        rng = np.random.default_rng(seed)
        kernel_seed = int(rng.integers(2**32))
        k = max(1, int(round(init_fraction * self.M)))
        start = (self.M - k) // 2
        self.levels = (start + rng.integers(0, k, size=self.R * self.N)).astype(np.int64)
        self.entropy0 = math.log(k)  # per memory, exact (uniform over k levels)
        size = self.R * self.N
        #: one random stream per memory (both engines), from the seed only
        self.states = stream_states(kernel_seed, size)
        # landscape U(n) = a n^2 + b n + c (kT), flat at the start: U_start = 0
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

    def set_transport_center(self, values, *, label) -> None:
        """Fix the centre ``c_i`` of the test functions ``f_i = -|n - c_i|`` (values, clipped to the range).

        Must be chosen without looking at the reads (e.g. a reference solution computed before the run).
        """
        v = np.asarray(values, dtype=float).ravel()
        if v.shape != (self.N,) or not np.all(np.isfinite(v)):
            raise ParameterError(f"transport centre has shape {v.shape}; allowed: ({self.N},) finite values")
        self._center = np.clip((v - self.lb) / self.delta, 0.0, float(self.top))
        self.transport_center = str(label)

    def _attempts(self, barrier, dU_up, dU_dn):
        """Expected hop attempts of each memory in one update, ``f0 dt (e^{-(E_b + dU_up/2)} + e^{-(E_b + dU_dn/2)})``.

        An upper estimate of its expected hops (attempts blocked at an edge are null events).
        """
        with np.errstate(over="ignore"):
            a = self.f0dt * (np.exp(-(barrier + 0.5 * dU_up)) + np.exp(-(barrier + 0.5 * dU_dn)))
        return np.where(np.isfinite(barrier), a, 0.0)

    def _conditional(self, before, direction, barrier) -> None:
        """Book one update of the conditional floor (THEORY §8a applied given the driver's record).

        Given the levels read at the start of the update, each memory's landscape is fixed for ``dt``: an
        open-loop jump process from a point mass, so (§8a, one interval) its mean heat is at least
        ``kT [-H(n_after | record) + 2 W1^2 / A]``, with ``mu+- = f0 dt exp(-(E_b -+ D/2))`` the expected
        forward/backward attempts (Poisson ``N+``, ``N-``):

        * ``A <= mu+ + mu-`` (every hop is an attempt);
        * ``W1 >= E Delta >= E min(N+, room) - mu-`` along the tilt (``room`` the levels to the downhill edge):
          on every path the displacement is at least ``min(N+, room) - N-`` (backward hops undo at most one
          level each; once the edge is reached the walk is at least ``room - N-`` along); ``E min(N, m) =
          mu - mu P(N >= m-1) + m P(N >= m)`` for a Poisson ``N``;
        * ``H <= 1/2 ln(2 pi e (s^2 + 1/12))``, the max-entropy bound of an integer variable with second
          moment ``s^2 >= E Delta^2`` (Cover & Thomas §9.7), ``s^2 = A + A^2`` since ``|Delta| <= N+ + N-``;
          at most ``ln M``.

        Frozen memories (infinite barrier) add nothing.  Valid with feedback: each update is conditioned on
        what the driver read, so no information term is needed; the price is the entropy ``H`` per update.
        """
        from scipy.stats import poisson

        moving = np.isfinite(barrier) & (direction != 0)
        if not np.any(moving):
            return
        eb = barrier[moving]
        mf = self.f0dt * np.exp(-(eb - 0.5 * self.D))
        mb = self.f0dt * np.exp(-(eb + 0.5 * self.D))
        a = mf + mb
        x = before[moving].astype(float)
        room = np.where(direction[moving] > 0, self.top - x, x)
        e_min = mf - mf * poisson.sf(room - 2.0, mf) + room * poisson.sf(room - 1.0, mf)
        w1 = np.maximum(e_min - mb, 0.0)
        h = np.minimum(0.5 * np.log(2.0 * math.pi * math.e * (a + a * a + 1.0 / 12.0)), math.log(self.M))
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(a > 0, 2.0 * w1 * w1 / a, 0.0) - h
        per_read = np.zeros(self.R * self.N)
        per_read[moving] = term
        self._cond += per_read.reshape(self.R, self.N).sum(axis=1)

    def _segment(self, before, attempts) -> None:
        """Book one update as a segment of the THEORY §8a floor (module notes, ``floor_J``).

        Per memory ``i``: ``W1(p_k^i, p_k+1^i) >= |E Delta f_i|`` with ``f_i(n) = -|n - c_i|`` (1-Lipschitz,
        fixed before the run); ``(E Delta f_i)^2`` by the unbiased U-statistic over read pairs
        ``(S^2 - sum_r d_r^2) / (R (R-1))``; ``A_i`` by the mean expected attempts over reads.  The same for
        every leave-one-out set of reads (jackknife standard error).
        """
        R, N = self.R, self.N
        if R < 3:
            return
        c = self._center
        d = (np.abs(before.reshape(R, N) - c) - np.abs(self.levels.reshape(R, N) - c)).astype(float)
        moved = np.any(d != 0, axis=0)
        if not np.any(moved):
            return
        d = d[:, moved]
        a = attempts.reshape(R, N)[:, moved]
        S = d.sum(axis=0)
        Q2 = (d * d).sum(axis=0)
        Asum = a.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            full = np.where(Asum > 0, 2.0 * (S * S - Q2) / (R * (R - 1)) / (Asum / R), 0.0)
            Sl = S - d
            Ql = Q2 - d * d
            Al = (Asum - a) / (R - 1)
            loo = np.where(Al > 0, 2.0 * (Sl * Sl - Ql) / ((R - 1) * (R - 2)) / Al, 0.0)
        self._speed_full += float(full.sum())
        self._speed_loo += loo.sum(axis=1)

    # ----------------------------------------------------------- views
    @property
    def values(self) -> np.ndarray:
        """Current values, shape (R, N)."""
        lv = self.levels.reshape(self.R, self.N)
        return self.lb + lv * self.delta

    @property
    def levels_RN(self) -> np.ndarray:
        return self.levels.reshape(self.R, self.N)

    def _energy(self, a, b, c):
        n = self.levels.astype(float)
        return a * n * n + b * n + c

    def _set_landscape(self, a, b, c):
        """New landscape at fixed state: the work is ``U_new(n) - U_old(n)`` per memory."""
        self.work_mem += self._energy(a, b, c) - self._energy(self._a, self._b, self._c)
        self._a, self._b, self._c = a, b, c

    # ----------------------------------------------------------- gradient rule
    def _active_mask(self, active):
        """Per-memory bool mask from a per-read mask (None: all reads active)."""
        if active is None:
            return None
        a = np.asarray(active, dtype=bool).ravel()
        if a.size != self.R:
            raise ParameterError(f"active has {a.size} entries; allowed: one per read ({self.R})")
        return np.repeat(a, self.N)

    def gradient_step(self, grad, eta, *, engine="poisson", active=None):
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
            heat, fwd, bwd = _advance_linear(self.levels, self.top, direction, barrier, self.D, self.f0dt, self.states,
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

    def _advance_sync(self, barrier):
        """Advance one update through the synchronous step with enough sub-steps (inputs checked once, at the first)."""
        finite = np.isfinite(barrier)
        if not np.any(finite):
            self.substeps += 1
            return 0.0
        eb = np.where(finite, barrier, 1e300)
        a, b = self._a, self._b
        n = self.levels.astype(float)
        dU_up = a * (2 * n + 1) + b
        dU_dn = a * (1 - 2 * n) - b
        tot = self.f0_hz * (np.exp(-(eb + 0.5 * dU_up)) + np.exp(-(eb + 0.5 * dU_dn)))
        n_sub = int(math.ceil(self.dt_s * float(np.max(tot)) * (1.0 + 1e-9)))
        n_sub = max(n_sub, 1)
        if n_sub > MAX_SYNC_SUBSTEPS:
            raise ParameterError(f"engine='sync' needs {n_sub} sub-steps for this update; allowed: <= {MAX_SYNC_SUBSTEPS} (use engine='poisson')")
        h = self.dt_s / n_sub
        heat = 0.0
        for k in range(n_sub):
            n = self.levels.astype(float)
            up = a * (2 * n + 1) + b
            dn = a * (1 - 2 * n) - b
            before = self.levels.copy()
            q = self._sync(up, dn, eb, h, check=(k == 0))
            moved = self.levels - before
            # forward = downhill hop; count for the back-and-forth statistics
            downhill = ((moved > 0) & (up < 0)) | ((moved < 0) & (dn < 0))
            self.hops_forward += int(np.count_nonzero(downhill))
            self.hops_backward += int(np.count_nonzero(moved) - np.count_nonzero(downhill))
            heat += q
        self.substeps += n_sub
        return heat

    def _sync(self, dU_up, dU_dn, barrier, h, *, check=True):
        """One synchronous step of every memory on its own stream; returns the heat (kT).

        With ``check`` the inputs are validated first (:func:`limbound.sim.kmc.check_step`, one-line
        :class:`ParameterError`, nothing changed); the sub-steps after the first of an update skip it (same
        landscape family, rates fixed by the update's barrier choice).  The kernel's largest ``(r_up + r_dn) h``
        is asserted <= 1 on every sub-step at no cost.
        """
        if check:
            check_step(self.levels, self.M, dU_up, dU_dn, barrier, h, self.f0_hz, self.heat_mem)
        q, _net, worst = sync_step_unchecked(self.levels, self.M, dU_up, dU_dn, barrier, h, self.f0_hz, self.states,
                                             self.heat_mem, parallel=self.levels.size >= PARALLEL_MIN)
        if not worst <= 1.0:  # cannot trigger after check_step (n_sub from the same rates); a guard
            raise ParameterError(f"h_s={h!r} is too long for these rates ((r_up+r_dn)*h = {worst:.3g}); "
                                 "allowed: h_s <= 1/max rate")
        return q

    # ----------------------------------------------------------- annealing rule
    def anneal_step(self, grad, curv, lam, *, attempt=1.0, active=None):
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
        # barrier: at most one attempted hop per update (edges blocked, so not counted)
        e_up = np.where(self.levels < self.top, -0.5 * dU_up, -np.inf)
        e_dn = np.where(self.levels > 0, -0.5 * dU_dn, -np.inf)
        lse = np.logaddexp(e_up, e_dn)
        att = np.broadcast_to(np.asarray(attempt, dtype=float), (self.R, self.N)).ravel()
        if np.any(~(att > 0)) or np.any(att > 1):
            raise ParameterError("attempt must lie in (0, 1]; it is the expected attempted hops per update")
        # barrier: the one that gives a memory tilted by D per level ``att`` attempts per update,
        # raised where needed so that no memory attempts more than ``att`` (sync_step validity)
        floor = math.log(2.0 * math.cosh(0.5 * self.D))
        eb = np.maximum(math.log(self.f0dt) + np.maximum(lse, floor) - np.log(att), 0.0) + 1e-9
        if live is not None:
            eb = np.where(live, eb, 1e300)  # no hop within dt: exp(-1e300) = 0
        att_exp = self._attempts(eb, dU_up, dU_dn)
        before = self.levels.copy()
        q = self._sync(dU_up, dU_dn, eb, self.dt_s)
        self._segment(before, att_exp)
        moved = self.levels - n0.astype(np.int64)
        downhill = ((moved > 0) & (dU_up < 0)) | ((moved < 0) & (dU_dn < 0))
        self.hops_forward += int(np.count_nonzero(downhill))
        self.hops_backward += int(np.count_nonzero(moved) - np.count_nonzero(downhill))
        self.updates += 1
        self.substeps += 1
        per_read = np.count_nonzero(moved.reshape(self.R, self.N), axis=1)
        return {"heat_kT": float(q), "hops": int(per_read.sum()), "hops_per_read": per_read}

    # ----------------------------------------------------------- books
    def books(self) -> MemoryBooks:
        """Close the books: first law per read, mean heat, the second-law floor (THEORY §6)."""
        k = kT(self.T_K)
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
                        work_kT=float(W.sum()), heat_kT=float(Q.sum()), T_K=self.T_K)
        net = np.abs(self.levels - self._levels_start).sum() / self.R
        if self.R >= 3:
            loo = self._speed_loo
            se = math.sqrt((self.R - 1) / self.R * float(np.sum((loo - loo.mean()) ** 2)))
        else:  # no pair of reads left out: no speed term
            se = 0.0
        speed = self._speed_full
        cond = None
        if self._cond_valid and self.R >= 2:
            cm = float(self._cond.mean())
            cond = cm - FLOOR_HOLDS_Z * float(self._cond.std(ddof=1)) / math.sqrt(self.R)
        return MemoryBooks(
            heat_per_read_J=Q * k, work_per_read_J=W * k, dU_per_read_J=dU * k,
            first_law_residual=resid, ledger=ledger,
            bound_J=float(k * (h0 - h_up)), bound_plugin_J=float(k * (h0 - plug.sum())),
            entropy_initial_nats=float(h0), entropy_final_mm_nats=float(mm.sum()),
            bound_mm_J=float(k * (h0 - mm.sum())), entropy_final_upper_nats=float(h_up),
            hops_forward=self.hops_forward, hops_backward=self.hops_backward, levels_net=float(net),
            speed_estimate_kT=speed, speed_se_kT=se, speed_lower_kT=max(0.0, speed - SPEED_Z * se),
            transport_center=self.transport_center, conditional_kT=cond,
        )


    def books_dict(self, books: MemoryBooks, *, rule, engine, n_predicted, **extra) -> dict:
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


def predicted_updates(kind, bits, *, kappa=None, C=1.0) -> float:
    """Updates to converge to ``2**-b`` for a convergence class (THEORY §3), via :mod:`limbound.counting`."""
    from ..counting import updates_for_convergence
    return float(updates_for_convergence(kind, bits, kappa=kappa, C=C))


def estimate_J(bits, dt_s, n_params, n_updates, *, T_K=T_DEFAULT_K, f0_hz=F0_DEFAULT_HZ) -> float:
    """LIM estimate of a run, ``e_LIM(b, dt) * N * n`` in J (THEORY §2b, §3, §6)."""
    return float(lim_per_op_J(bits, dt_s, T_K, f0_hz=f0_hz)) * float(n_params) * float(n_updates)

