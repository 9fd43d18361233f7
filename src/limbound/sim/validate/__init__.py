"""The validation suite: the simulators against published physics (THEORY §7).

Each case simulates, computes the expected value *in code* from the
published formula or an independent solution of the same problem (never a
stored number, never the simulator's own books), and reports ``measured``,
``stderr`` (standard error of the measurement), ``expected``, the z-score
``(measured - expected) / stderr``, its p-value, the threshold used, its
``test`` (two-sided, lower = one-sided bound, exact), the ``rule`` it was
judged by and ``ok``.  First-law residuals of the simulators' own books
(``<= 1e-9``) are kept as sanity checks; the verdicts rest on independent
sides (docs/theory.md §7).

Multiple comparisons
--------------------
A run checks many cases at once (55 with ``--quick``); at a fixed 3 SE per
case (two-sided false alarm 0.27 % each) about one run in nine would fail
by chance alone.  The suite therefore controls the *family-wise* false-alarm
rate at ``FAMILY_ALPHA = 0.01`` with the Bonferroni correction (Bonferroni
1936; Holm, Scand. J. Statist. 6, 65 (1979), whose step-down procedure
rejects *some* case exactly when Bonferroni does, so "all cases pass" is the
same decision under both): with ``m`` statistical cases in the run, a case
passes when

    |z| <= z*(m) = Phi^-1(1 - FAMILY_ALPHA / (2 m))

(two-sided; a one-sided bound passes when ``z >= -z*``, which is
conservative; a stated systematic margin ``abs_tol`` is added to the window
``z* SE``, and a case may also have to reject a competing value,
``must_exceed``).  ``z*`` is 3.73 for the quick suite (55 cases, two of them
exact with no sampling error, which do not count).  Each group function judges its own cases with
its own ``m`` when called alone; :func:`run_all` judges all the cases it ran
together with the total ``m``.  ``p_value`` is the two-sided (one-sided for
bounds) normal tail probability of the case's z-score; a case fails when
``p_value < FAMILY_ALPHA / m`` (``FAMILY_ALPHA / (2 m)`` one-sided).

Layout: the Kramers, drag and erasure groups are in :mod:`.langevin_cases`, the master, LIM and static
groups in :mod:`.kmc_cases`, the design group in :mod:`limbound.sim.validate_floors`; :class:`Case` and
:func:`judge` in :mod:`limbound.sim.cases`.  All are re-exported here.

Cases (function -> published result):

* :func:`kramers_cases` -- mean well-to-well time of the quartic double well
  against the exact 1-D mean first-passage time (quadrature), by forward
  flux sampling at 6-10 kT (SE <= 2 %), told apart from Kramers' asymptote
  in the full suite (Kramers 1940; Hänggi, Talkner & Borkovec 1990).
* :func:`drag_cases` -- Schmiedl & Seifert, PRL 98, 108301 (2007): optimal
  drag costs ``gamma L^2 / (tau + 2 gamma / k)``; linear drag costs more;
  the §8b floor (``W2`` from sorted samples) is attained in heat by the
  optimal drag only.
* :func:`erasure_cases` -- Landauer erasure in a double well: mean work and
  heat against a Fokker-Planck solution of the same protocol (two-sided),
  which lies above ``kT [ln 2 + p ln p + (1-p) ln(1-p)]``; excess ``~ 1/tau``;
  heat above the §8b floor (Bérut et al. 2012; Jun, Gavrilov & Bechhoefer 2014).
* :func:`master_cases` -- continuous-time KMC and the synchronous engine
  against the exact master equation (matrix exponential / matrix power).
* :func:`lim_cases` -- a LIM memory in its V-shaped landscape with the
  barrier ``E_b*`` of THEORY §2b.
* :func:`static_cases` -- a static-barrier memory written with ``D_w`` and
  holding over ``T_ret`` (THEORY §1, §2c).
* :func:`design_cases` -- shifting one memory by one level in ``dt``: fixed
  tilt and optimised protocol above their §8a floors, the optimised one
  cheaper at long ``dt``, its heat confirmed by the KMC (THEORY §8c).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from ...errors import ParameterError
from ...specs import VALIDATE
from ...stats import FAMILY_ALPHA, z_threshold  # noqa: F401  (Bonferroni threshold; one place, re-exported here)
from ..cases import FIRST_LAW_TOL, Case, judge  # noqa: F401  (the judge; re-exported here)
from ..validate_floors import design_cases
from .kmc_cases import lim_cases, master_cases, static_cases
from .langevin_cases import KRAMERS_SPLITTING_QUICK, drag_cases, erasure_cases, kramers_cases

__all__ = ["Case", "judge", "z_threshold", "FAMILY_ALPHA", "FIRST_LAW_TOL", "GROUPS", "parse_groups", "run_all",
           "kramers_cases", "drag_cases", "erasure_cases", "master_cases", "lim_cases", "static_cases",
           "design_cases"]


GROUPS = ("kramers", "drag", "erasure", "master", "lim", "static", "design")


def parse_groups(only: str | None) -> tuple[str, ...]:
    """Groups named by ``only``: ``None`` for all, else exact names separated by commas (e.g. ``'lim,static'``)."""
    if only is None:
        return GROUPS
    names = [g.strip() for g in str(only).split(",")]
    bad = [g for g in names if g not in GROUPS]
    if not names or bad:
        raise ParameterError(f"only={only!r} contains unknown group {(bad or [''])[0]!r}; allowed: exact names, "
                             f"comma-separated, among {', '.join(GROUPS)}")
    return tuple(g for g in GROUPS if g in names)


@VALIDATE.validates
def run_all(*, quick: bool = False, seed: int = 0, only: str | None = None, alpha: float = FAMILY_ALPHA,
            on_group: Callable[[str, int, int], object] | None = None) -> list[Case]:
    """Run every validation case (``quick``: smaller samples, same physics; well under a minute).

    ``only`` restricts to groups given by exact name, comma-separated (:func:`parse_groups`):
    kramers, drag, erasure, master, lim, static, design.  ``seed`` is an integer >= 0.
    The cases that ran are judged together (:func:`judge`): Bonferroni over
    all of them, family-wise false-alarm probability ``alpha``.  ``on_group(name, done, total)``, if given,
    is called before each group runs and once at the end (a progress display).
    """
    selected = parse_groups(only)  # quick, seed, only, alpha: checked at entry (limbound.specs.VALIDATE)
    if quick:
        groups = {
            "kramers": lambda: kramers_cases(n_direct=2000, splitting=KRAMERS_SPLITTING_QUICK, separate=False, seed=seed),
            "drag": lambda: drag_cases(n_particles=60_000, seed=seed),
            "erasure": lambda: erasure_cases(taus=(5.0, 10.0, 20.0, 40.0), n_particles=1500, seed=seed),
            "master": lambda: master_cases(n_memories=50_000, seed=seed),
            "lim": lambda: lim_cases(n_memories=20_000, seed=seed),
            "static": lambda: static_cases(n_memories=100_000, probs=(1e-2,), n_rate=20_000, seed=seed),
            "design": lambda: design_cases(bits=(4,), dt_f0=(1e3,), maxiter=30, seed=seed),
        }
    else:
        groups = {
            "kramers": lambda: kramers_cases(seed=seed),
            "drag": lambda: drag_cases(seed=seed),
            "erasure": lambda: erasure_cases(seed=seed),
            "master": lambda: master_cases(seed=seed),
            "lim": lambda: lim_cases(seed=seed),
            "static": lambda: static_cases(seed=seed),
            "design": lambda: design_cases(bits=(4, 8), dt_f0=(1.0, 1e3), maxiter=80, n_memories=100_000, seed=seed),
        }
    cases = []
    for k, name in enumerate(selected):
        if on_group is not None:
            on_group(name, k, len(selected))
        t0 = time.perf_counter()
        out = groups[name]()
        dt = time.perf_counter() - t0
        for c in out:
            c.detail.setdefault("group_seconds", round(dt, 3))
        cases += out
    if on_group is not None:
        on_group("", len(selected), len(selected))
    return judge(cases, alpha=alpha)
