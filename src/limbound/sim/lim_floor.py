"""The floors of a :class:`limbound.sim.lim_array.LIMArray` run: second-law and finite-time (THEORY §6, §8a).

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

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: standard errors taken off the segmented speed term (jackknife over reads), and of the floor_holds test
SPEED_Z = 3.0
FLOOR_HOLDS_Z = 3.0


def expected_attempts(f0dt: float, barrier: ArrayLike, dU_up: ArrayLike, dU_dn: ArrayLike) -> NDArray[np.float64]:
    """Expected hop attempts of each memory in one update, ``f0 dt (e^{-(E_b + dU_up/2)} + e^{-(E_b + dU_dn/2)})``.

    An upper estimate of its expected hops (attempts blocked at an edge are null events).
    """
    with np.errstate(over="ignore"):
        a = f0dt * (np.exp(-(barrier + 0.5 * dU_up)) + np.exp(-(barrier + 0.5 * dU_dn)))
    return np.where(np.isfinite(barrier), a, 0.0)


def conditional_terms(before: NDArray[np.int64], direction: NDArray, barrier: NDArray[np.float64], *, f0dt: float, D: float,
                      top: int, M: int, R: int, N: int) -> NDArray[np.float64] | None:
    """Per-read sums (kT) of one update's conditional floor (THEORY §8a applied given the driver's record).

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

    Frozen memories (infinite barrier) add nothing (None when no memory moves).  Valid with feedback: each
    update is conditioned on what the driver read, so no information term is needed; the price is the
    entropy ``H`` per update.
    """
    from scipy.stats import poisson

    moving = np.isfinite(barrier) & (direction != 0)
    if not np.any(moving):
        return None
    eb = barrier[moving]
    mf = f0dt * np.exp(-(eb - 0.5 * D))
    mb = f0dt * np.exp(-(eb + 0.5 * D))
    a = mf + mb
    x = before[moving].astype(float)
    room = np.where(direction[moving] > 0, top - x, x)
    e_min = mf - mf * poisson.sf(room - 2.0, mf) + room * poisson.sf(room - 1.0, mf)
    w1 = np.maximum(e_min - mb, 0.0)
    h = np.minimum(0.5 * np.log(2.0 * math.pi * math.e * (a + a * a + 1.0 / 12.0)), math.log(M))
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(a > 0, 2.0 * w1 * w1 / a, 0.0) - h
    per_read = np.zeros(R * N)
    per_read[moving] = term
    return per_read.reshape(R, N).sum(axis=1)


def segment_terms(before: NDArray[np.int64], after: NDArray[np.int64], attempts: NDArray[np.float64], center: ArrayLike, R: int,
                  N: int) -> tuple[float, NDArray[np.float64]] | None:
    """One update as a segment of the THEORY §8a floor: ``(sum over memories, leave-one-out sums (R,))`` in kT.

    Per memory ``i``: ``W1(p_k^i, p_k+1^i) >= |E Delta f_i|`` with ``f_i(n) = -|n - c_i|`` (1-Lipschitz,
    fixed before the run); ``(E Delta f_i)^2`` by the unbiased U-statistic over read pairs
    ``(S^2 - sum_r d_r^2) / (R (R-1))``; ``A_i`` by the mean expected attempts over reads.  The same for
    every leave-one-out set of reads (jackknife standard error).  None with fewer than 3 reads or no move.
    """
    if R < 3:
        return None
    c = center
    d = (np.abs(before.reshape(R, N) - c) - np.abs(after.reshape(R, N) - c)).astype(float)
    moved = np.any(d != 0, axis=0)
    if not np.any(moved):
        return None
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
    return float(full.sum()), loo.sum(axis=1)


def speed_term(full: float, loo: NDArray[np.float64], R: int) -> tuple[float, float, float]:
    """``(estimate, jackknife SE, estimate - SPEED_Z SE clipped at 0)`` of the segmented speed term (kT)."""
    if R >= 3:
        se = math.sqrt((R - 1) / R * float(np.sum((loo - loo.mean()) ** 2)))
    else:  # no pair of reads left out: no speed term
        se = 0.0
    return full, se, max(0.0, full - SPEED_Z * se)


def conditional_floor(per_read: NDArray[np.float64]) -> float:
    """Mean over reads of the per-read conditional floors minus ``FLOOR_HOLDS_Z`` standard errors (kT)."""
    R = per_read.size
    cm = float(per_read.mean())
    return cm - FLOOR_HOLDS_Z * float(per_read.std(ddof=1)) / math.sqrt(R)


def floor_summary(*, entropy_J: float, speed_J: float, speed_estimate_J: float, speed_se_J: float, mean_J: float,
                  sem_J: float, center: str, conditional_J: float | None = None) -> dict:
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
