"""Validation cases and their judge: one :class:`Case` per checked number, Bonferroni over a run (THEORY §7).

Used by :mod:`limbound.sim.validate` (the published-physics cases) and :mod:`limbound.sim.validate_floors`
(the floors' cases).  Each case holds ``measured``, its standard error and an ``expected`` value computed
independently; :func:`judge` sets the z-score, p-value, threshold ``z*`` (:func:`limbound.stats.z_threshold`:
family-wise false alarm ``FAMILY_ALPHA`` over the statistical cases of the run, Bonferroni 1936; Holm 1979)
and the verdict.  The rules are stated in :mod:`limbound.sim.validate`'s notes.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from ..display import Result
from ..errors import ParameterError
from ..stats import FAMILY_ALPHA, z_threshold

#: Largest first-law residual of a simulator's own books accepted as a sanity check.
FIRST_LAW_TOL = 1e-9
TESTS = ("two-sided", "lower", "exact")


@dataclass
class Case(Result):
    """One validation result.

    Attributes
    ----------
    name : str
    params : dict, the physical parameters by name
    measured, stderr, expected : float
    ok : bool, set by :func:`judge` (``None`` until judged)
    detail : dict, extra numbers and the criterion used (for humans)
    test : 'two-sided' (``|z| <= z*``), 'lower' (a bound: ``z >= -z*``) or
        'exact' (an identity with no sampling error; only ``checks`` count)
    checks_ok : bool, the case's non-statistical conditions (first-law
        residual, every particle passed, a relative tolerance ...)
    abs_tol : float, a stated systematic margin (discretisation, numerical reference): a two-sided case
        passes when ``|measured - expected| <= z* stderr + abs_tol``, a lower one when
        ``measured >= expected - z* stderr - abs_tol``
    must_exceed : float or None, a value the measurement must *reject* (a power requirement, e.g. Kramers'
        formula beside the exact MFPT, the linear drag's heat above the floor):
        ``measured - must_exceed > z* stderr + abs_tol``
    z_score, p_value, threshold_z, n_comparisons : set by :func:`judge`
    rule : str, the pass rule as judged (set by :func:`judge`; the ``validate`` table's criterion column)
    """

    name: str
    params: dict
    measured: float
    stderr: float
    expected: float
    ok: bool | None = None
    detail: dict = field(default_factory=dict)
    test: str = "two-sided"
    checks_ok: bool = True
    abs_tol: float = 0.0
    must_exceed: float | None = None
    z_score: float | None = None
    p_value: float | None = None
    threshold_z: float | None = None
    n_comparisons: int | None = None
    rule: str | None = None

    @property
    def status(self) -> str:
        """``passed`` or ``failed`` by the case's criterion; ``not judged`` before :func:`judge`."""
        return "not judged" if self.ok is None else ("passed" if self.ok else "failed")

    @property
    def message(self) -> str:
        """The pass rule as judged (the ``validate`` table's criterion), or the test before judging."""
        return f"{self.status}: {self.rule or self.test}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = bool(self.ok)
        d["checks_ok"] = bool(self.checks_ok)
        d["status"], d["message"] = self.status, self.message
        return d


def judge(cases: list[Case], *, alpha: float = FAMILY_ALPHA) -> list[Case]:
    """Set ``z_score``, ``p_value``, ``threshold_z`` and ``ok`` of every case, Bonferroni over the statistical ones.

    ``m`` is the number of cases with a sampling error (``test != 'exact'``);
    the threshold is :func:`z_threshold` ``(m, alpha)``.  Returns ``cases``.
    """
    from scipy.stats import norm

    m = sum(c.test != "exact" for c in cases)
    thr = z_threshold(m, alpha) if m else math.inf
    for c in cases:
        if c.test not in TESTS:
            raise ParameterError(f"case {c.name}: test={c.test!r} is unknown; allowed: {', '.join(TESTS)}")
        diff = float(c.measured) - float(c.expected)
        if c.test == "exact" or not math.isfinite(diff):
            z = math.nan if c.test != "exact" else None
            stat_ok = c.test == "exact"
        else:
            z = diff / c.stderr if c.stderr > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
            if c.test == "two-sided":
                stat_ok = abs(diff) <= thr * c.stderr + c.abs_tol
            else:
                stat_ok = diff >= -(thr * c.stderr + c.abs_tol)
            if c.must_exceed is not None:
                stat_ok = stat_ok and (float(c.measured) - c.must_exceed) > thr * c.stderr + c.abs_tol
        if z is None or not math.isfinite(z):
            c.z_score = None
            c.p_value = None if c.test == "exact" else 0.0
        else:
            c.z_score = float(z)
            c.p_value = float(2.0 * norm.sf(abs(z)) if c.test == "two-sided" else norm.cdf(z))
        c.threshold_z = None if c.test == "exact" else thr
        c.n_comparisons = m
        c.rule = _rule(c, thr)
        c.ok = bool(stat_ok and c.checks_ok)
    return cases


def _rule(c: Case, thr: float) -> str:
    """Short pass rule of a judged case, e.g. ``|z|<=3.66``, ``z>=-3.66``, ``|d|<=3.66SE+0.8``, ``exact``."""
    if c.test == "exact":
        return c.detail.get("rule", "exact")
    tol = f"+{c.abs_tol:.2g}" if c.abs_tol > 0 else ""
    if c.test == "two-sided":
        r = f"|z|<={thr:.2f}" if not tol else f"|d|<={thr:.2f}SE{tol}"
    else:
        r = f"z>=-{thr:.2f}" if not tol else f"d>=-({thr:.2f}SE{tol})"
    if c.must_exceed is not None:
        r += f"; >{c.must_exceed:.4g}+{thr:.2f}SE{tol}"
    return r


def prop_se(p: float, n: int) -> float:
    """Binomial standard error, floored at one count so that p = 0 or 1 is not certainty."""
    return math.sqrt(max(p * (1 - p), 1.0 / n) / n)
