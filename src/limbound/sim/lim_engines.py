"""The two engines of :class:`limbound.sim.lim_array.LIMArray`: the exact linear-tilt kernel and the synchronous step
(THEORY §1, §2b, §6).

Engines of the array
--------------------
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
run in the same thread.
Inputs of the synchronous step are validated once per update
(:func:`limbound.sim.kmc.check_step`), not once per sub-step.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ._rng import next_poisson, next_u01_open
from .kmc import check_step, sync_step_unchecked

#: Refuse a sync-engine update needing more sub-steps than this (use the poisson engine).
MAX_SYNC_SUBSTEPS = 200_000
#: Arrays of at least this many memories take the synchronous step on all threads (below, one thread is faster).
PARALLEL_MIN = 20_000
#: Relative margin of the annealing barrier, 64 units in the last place (:func:`anneal_barrier`): a memory
#: tilted by ``|dU|`` kT gets ``E_b ~ |dU|/2``, and the kernel's exponent ``E_b + dU/2`` (THEORY §1 rates)
#: cancels the two, off by a few ulp of ``|dU|/2``; beyond ``|dU| ~ 3e7`` kT that exceeds an absolute 1e-9 kT
#: and ``(r_up + r_dn) h <= att`` would fail by rounding.  Below ``|E_b| = 7e4`` kT the margin is 1e-9 kT.
BARRIER_MARGIN_REL = 2.0**-46


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


@njit(inline="always", cache=True)
def _replay(s, li, d, rf, rb, top):
    """``(s, li, fwd, bwd)``: ``rf`` forward and ``rb`` backward attempts from level ``li`` replayed in uniformly
    random order, the reflecting edges blocking (null events), on the stream ``s`` (module notes)."""
    fwd = 0
    bwd = 0
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
    return s, li, fwd, bwd


@njit(cache=True)
def advance_linear(levels: NDArray[np.int64], top: int, direction: NDArray[np.int8], barrier: NDArray[np.float64],
                   tilt: float, f0dt: float, states: NDArray[np.uint64], heat_out: NDArray[np.float64]
                   ) -> tuple[float, int, int]:
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
            s, li, fwd, bwd = _replay(s, li, d, nf, nb, top)
            levels[i] = li
        states[i] = s
        q = tilt * (fwd - bwd)
        heat += q
        heat_out[i] += q
        fwd_tot += fwd
        bwd_tot += bwd
    return heat, fwd_tot, bwd_tot


# --------------------------------------------------------------------------- the synchronous engine
def count_hops(moved: NDArray[np.int64], dU_up: NDArray[np.float64], dU_dn: NDArray[np.float64]) -> tuple[int, int]:
    """``(forward, backward)`` hops of one step: forward = downhill (for the back-and-forth statistics)."""
    downhill = ((moved > 0) & (dU_up < 0)) | ((moved < 0) & (dU_dn < 0))
    return int(np.count_nonzero(downhill)), int(np.count_nonzero(moved) - np.count_nonzero(downhill))


def anneal_barrier(levels: NDArray[np.int64], top: int, dU_up: NDArray[np.float64], dU_dn: NDArray[np.float64],
                   att: float, f0dt: float, D: float) -> NDArray[np.float64]:
    """Barrier (kT) of the annealing rule for the synchronous step (THEORY §6; :mod:`.lim_array` notes).

    The one that gives a memory tilted by ``D`` per level ``att`` attempts per update, raised where needed so
    that no memory attempts more than ``att`` (the validity condition of ``sync_step``); attempts blocked at
    an edge are not counted.  The margin on top covers the rounding of the kernel's exponent ``E_b + dU/2``
    (:data:`BARRIER_MARGIN_REL`), so the cap holds as computed for any tilt, not only in exact arithmetic.
    """
    # barrier: at most one attempted hop per update (edges blocked, so not counted)
    e_up = np.where(levels < top, -0.5 * dU_up, -np.inf)
    e_dn = np.where(levels > 0, -0.5 * dU_dn, -np.inf)
    lse = np.logaddexp(e_up, e_dn)
    # barrier: the one that gives a memory tilted by D per level ``att`` attempts per update,
    # raised where needed so that no memory attempts more than ``att`` (sync_step validity)
    floor = math.log(2.0 * math.cosh(0.5 * D))
    eb = math.log(f0dt) + np.maximum(lse, floor) - np.log(att)
    return np.maximum(eb, 0.0) + np.maximum(1e-9, BARRIER_MARGIN_REL * np.abs(eb))


def sync_substep(levels: NDArray[np.int64], M: int, dU_up: NDArray[np.float64], dU_dn: NDArray[np.float64],
                 barrier: NDArray[np.float64], h: float, f0_hz: float, states: NDArray[np.uint64],
                 heat_mem: NDArray[np.float64], *, check: bool = True) -> float:
    """One synchronous step of every memory on its own stream; returns the heat (kT).

    With ``check`` the inputs are validated first (:func:`limbound.sim.kmc.check_step`, one-line
    :class:`ParameterError`, nothing changed); the sub-steps after the first of an update skip it (same
    landscape family, rates fixed by the update's barrier choice).  The kernel's largest ``(r_up + r_dn) h``
    is asserted <= 1 on every sub-step at no cost.
    """
    if check:
        check_step(levels, M, dU_up, dU_dn, barrier, h, f0_hz, heat_mem)
    q, _net, worst = sync_step_unchecked(levels, M, dU_up, dU_dn, barrier, h, f0_hz, states,
                                         heat_mem, parallel=levels.size >= PARALLEL_MIN)
    if not worst <= 1.0:  # the sub-steps skip check_step: the kernel's largest (r_up + r_dn) h is checked here
        raise ParameterError(f"h_s={h!r} is too long for these rates ((r_up+r_dn)*h = {worst:.3g}); "
                             "allowed: h_s <= 1/max rate")
    return q


def advance_sync(levels: NDArray[np.int64], M: int, a: ArrayLike, b: ArrayLike, barrier: NDArray[np.float64],
                 dt_s: float, f0_hz: float, states: NDArray[np.uint64],
                 heat_mem: NDArray[np.float64]) -> tuple[float, int, int, int]:
    """One update of the landscape ``U(n) = a n^2 + b n + c`` through the synchronous step with enough sub-steps
    (inputs checked once, at the first): ``(heat kT, forward hops, backward hops, sub-steps)``."""
    finite = np.isfinite(barrier)
    if not np.any(finite):
        return 0.0, 0, 0, 1
    eb = np.where(finite, barrier, 1e300)
    n = levels.astype(float)
    dU_up = a * (2 * n + 1) + b
    dU_dn = a * (1 - 2 * n) - b
    tot = f0_hz * (np.exp(-(eb + 0.5 * dU_up)) + np.exp(-(eb + 0.5 * dU_dn)))
    n_sub = int(math.ceil(dt_s * float(np.max(tot)) * (1.0 + 1e-9)))
    n_sub = max(n_sub, 1)
    if n_sub > MAX_SYNC_SUBSTEPS:
        raise ParameterError(f"engine='sync' needs {n_sub} sub-steps for this update; allowed: <= {MAX_SYNC_SUBSTEPS} (use engine='poisson')")
    h = dt_s / n_sub
    heat = 0.0
    fwd = bwd = 0
    for k in range(n_sub):
        n = levels.astype(float)
        up = a * (2 * n + 1) + b
        dn = a * (1 - 2 * n) - b
        before = levels.copy()
        q = sync_substep(levels, M, up, dn, eb, h, f0_hz, states, heat_mem, check=(k == 0))
        f, bk = count_hops(levels - before, up, dn)
        fwd += f
        bwd += bk
        heat += q
    return heat, fwd, bwd, n_sub
