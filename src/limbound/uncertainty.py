"""Uncertain inputs of an estimate: distributions, seeded Monte Carlo bands and Sobol indices.

Layered above :mod:`limbound.bounds`: every input of :func:`bounds.resolve`
may be a :class:`Dist` instead of a number.  The fixed inputs are resolved
once by :func:`bounds.resolve` (its checks, its workload defaults, its
accelerator choice); the uncertain ones are sampled and pushed through the
same physics functions, element-wise (they are numpy-vectorised), so a
point distribution gives exactly :func:`bounds.estimate`.  Usage and the
input file format: ``docs/uncertainty.md``.

Outputs (each with its kind, THEORY §8): every paradigm's energy
(estimates), the floors of THEORY §8a (``floor_second_law`` =
``N b kT ln 2``; ``floor_speed`` = ``N kT M^2 / (16 f0 tau)``; ``floor`` =
their sum), and the ratios ``<paradigm>_over_lim`` and
``<paradigm>_over_floor``.  Below the ambient temperature the Carnot work of
:mod:`limbound.physics.cooling` is added to every energy that scales with
``kT`` (not to the accelerator or device figures, which are measured at room
temperature).

Sensitivity: first-order and total Sobol indices of ``log10(output)`` (the
outputs span orders of magnitude; the variance of the log is the spread in
decades) by Saltelli sampling and Jansen's estimators as implemented in
SALib (Herman & Usher, JOSS 2, 97 (2017); Saltelli et al., Comput. Phys.
Commun. 181, 259 (2010)).  SALib is imported only when indices are asked
for (``pip install limbound[uncertainty]``).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri

from . import bounds, catalogs
from .constants import kT
from .counting import operations, training_flops, update_time_s
from .deprecation import renamed_keys
from .errors import ParameterError, check_integer, check_seed
from .physics import accelerator_energy_J, consolidation_J, landauer_per_op_J, lim_tilt_kT, static_per_op_kT
from .physics.cooling import carnot_cooling_work_J
from .physics.floors import second_law_workload_floor_J, speed_workload_floor_J

#: Inputs that may be uncertain: name -> domain.  Names are the SI keyword
#: arguments of :func:`bounds.resolve`, plus ``e_flop_J`` (accelerator energy
#: per FLOP, default the catalog part's), ``device_write_energy_J`` (per bit,
#: default the device's lowest published value), ``T_ambient_K`` and
#: ``measured_J`` (a measured training energy, for ``gap``).
DOMAINS = {
    "params": "positive", "tokens": "positive", "flops": "positive", "ops": "positive", "batch_tokens": "positive",
    "time_s": "positive", "bits": "bits", "temperature_K": "positive", "T_ambient_K": "positive", "f0_hz": "positive",
    "retention_s": "positive", "d_ret": "probability", "d_w": "probability", "eps": "probability",
    "consolidations": "positive", "e_flop_J": "positive", "device_write_energy_J": "positive", "measured_J": "positive",
}
KINDS = ("uniform", "loguniform", "integer", "triangular", "normal", "lognormal")
#: normal and lognormal are truncated at this many standard deviations (2e-9 of the mass).
TRUNCATE_SD = 6.0
_U_LO, _U_HI = float(ndtr(-TRUNCATE_SD)), float(ndtr(TRUNCATE_SD))
#: Paradigms whose energy scales with kT (and so pays Carnot cooling below ambient).
THERMAL = ("landauer", "lim", "static_cim", "volatile_cim")


@dataclass(frozen=True)
class Dist:
    """One uncertain input: ``kind`` in :data:`KINDS` with its parameters (SI units).

    uniform(lo, hi), loguniform(lo, hi), integer(lo, hi) (each integer equally
    likely), triangular(lo, mode, hi), normal(mean, sd) and lognormal(median,
    sigma of ln) truncated at +-6 sd.  ``origin`` says where it came from
    (e.g. a catalog row's published min/max).
    """

    kind: str
    params: tuple
    origin: str = ""

    def __post_init__(self) -> None:
        k, p = self.kind, tuple(float(v) for v in self.params)
        object.__setattr__(self, "params", p)
        need = {"triangular": 3}.get(k, 2)
        if k not in KINDS:
            raise ParameterError(f"distribution {k!r} is unknown; allowed: {', '.join(KINDS)}")
        if len(p) != need or not all(math.isfinite(v) for v in p):
            raise ParameterError(f"{k} needs {need} finite numbers; got {self.params!r}")
        if k in ("uniform", "loguniform", "integer") and not p[0] < p[1]:
            raise ParameterError(f"{k}({p[0]:g}, {p[1]:g}): low must be < high")
        if k == "loguniform" and p[0] <= 0:
            raise ParameterError(f"loguniform({p[0]:g}, {p[1]:g}): low must be > 0")
        if k == "integer" and (p[0] != round(p[0]) or p[1] != round(p[1])):
            raise ParameterError(f"integer({p[0]:g}, {p[1]:g}): the ends must be whole numbers")
        if k == "triangular" and not (p[0] <= p[1] <= p[2] and p[0] < p[2]):
            raise ParameterError(f"triangular({p[0]:g}, {p[1]:g}, {p[2]:g}): need low <= mode <= high, low < high")
        if k in ("normal", "lognormal") and p[1] <= 0:
            raise ParameterError(f"{k}({p[0]:g}, {p[1]:g}): the spread must be > 0")
        if k == "lognormal" and p[0] <= 0:
            raise ParameterError(f"lognormal({p[0]:g}, {p[1]:g}): the median must be > 0")

    def ppf(self, u: ArrayLike) -> NDArray[np.float64]:
        """Inverse CDF at ``u`` in [0, 1] (maps uniform samples to this distribution).

        >>> round(float(Dist("loguniform", (1.0, 100.0)).ppf(0.5)), 12), float(Dist("integer", (16, 32)).ppf(1.0))
        (10.0, 32.0)
        """
        u = np.asarray(u, dtype=float)
        k, p = self.kind, self.params
        if k == "uniform":
            return p[0] + u * (p[1] - p[0])
        if k == "loguniform":
            return np.exp(math.log(p[0]) + u * (math.log(p[1]) - math.log(p[0])))
        if k == "integer":
            return np.minimum(p[0] + np.floor(u * (p[1] - p[0] + 1.0)), p[1])
        if k == "triangular":
            lo, mode, hi = p
            c = (mode - lo) / (hi - lo)
            return np.where(u < c, lo + np.sqrt(u * (hi - lo) * (mode - lo)),
                            hi - np.sqrt(np.maximum(1.0 - u, 0.0) * (hi - lo) * (hi - mode)))
        z = ndtri(np.clip(u, _U_LO, _U_HI))
        return p[0] + p[1] * z if k == "normal" else p[0] * np.exp(p[1] * z)

    @property
    def support(self) -> tuple[float, float]:
        """The lowest and highest value (a truncated normal/lognormal at +-6 sd)."""
        return float(self.ppf(0.0)), float(self.ppf(1.0))

    @property
    def median(self) -> float:
        """The 50 % quantile."""
        return float(self.ppf(0.5))

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{v:.4g}' for v in self.params)})" + (f" [{self.origin}]" if self.origin else "")


def check_domain(name: str, d: Dist) -> Dist:
    """Refuse a distribution whose support leaves the input's domain (one line, before any work).

    >>> check_domain("d_w", Dist("uniform", (0.5, 1.5)))
    Traceback (most recent call last):
    ...
    limbound.errors.ParameterError: d_w=uniform(0.5, 1.5) reaches 0.5..1.5; allowed: inside (0, 1)
    """
    if name not in DOMAINS:
        raise ParameterError(f"input {name!r} cannot be uncertain; allowed: {', '.join(DOMAINS)}")
    lo, hi = d.support
    dom = DOMAINS[name]
    if dom == "bits":
        if d.kind != "integer" or lo < 1 or hi > 64:
            raise ParameterError(f"{name}={d}: bits take integer(lo, hi) with 1 <= lo < hi <= 64")
    elif dom == "probability" and not (0.0 < lo and hi < 1.0):
        raise ParameterError(f"{name}={d} reaches {lo:g}..{hi:g}; allowed: inside (0, 1)")
    elif dom == "positive" and not lo > 0:
        raise ParameterError(f"{name}={d} reaches {lo:g} (normal/lognormal: at {TRUNCATE_SD:g} sd); allowed: > 0 "
                             f"(use lognormal or loguniform for a positive input)")
    return d


def catalog_range(catalog: str, row: str, field: str, kind: str = "loguniform") -> Dist:
    """A distribution between a catalog row's published ``<field>_min`` and ``<field>_max``."""
    rec = catalogs.get(catalog, row)
    lo, hi = getattr(rec, f"{field}_min", None), getattr(rec, f"{field}_max", None)
    if lo is None or hi is None:
        raise ParameterError(f"{catalog} [{row}] has no published {field}_min and {field}_max")
    return Dist(kind, (lo, hi), origin=f"{catalog} [{row}] {field}_min..{field}_max")


@dataclass(frozen=True)
class Problem:
    """Inputs of an uncertain estimate: fixed keyword arguments of :func:`bounds.resolve` and the uncertain ones."""

    fixed: dict
    uncertain: dict  # name -> Dist

    def __post_init__(self) -> None:
        object.__setattr__(self, "fixed", renamed_keys(self.fixed, "Problem.fixed"))  # T_K -> temperature_K, warns
        object.__setattr__(self, "uncertain", renamed_keys(self.uncertain, "Problem.uncertain"))
        for k, d in self.uncertain.items():
            check_domain(k, d)
        both = set(self.fixed) & set(self.uncertain)
        if both:
            raise ParameterError(f"{', '.join(sorted(both))} given both as a number and as a distribution")

    @property
    def names(self) -> list[str]:
        """The uncertain inputs, in order."""
        return list(self.uncertain)

    def point(self) -> bounds.Inputs:
        """The estimate at every uncertain input's median (validates the fixed inputs through :func:`bounds.resolve`)."""
        med = {k: (int(round(d.median)) if k == "bits" else d.median) for k, d in self.uncertain.items()}
        extra = {"e_flop_J", "device_write_energy_J", "measured_J"}
        kw = {k: v for k, v in {**self.fixed, **med}.items() if k not in extra}
        return bounds.resolve(**kw)


def _values(problem: Problem, u: NDArray[np.float64]) -> dict:
    return {k: d.ppf(u[:, i]) for i, (k, d) in enumerate(problem.uncertain.items())}


def _workload_counts(problem: Problem, values: dict) -> tuple:
    """``(n, tokens, flops_given, batch, flops, ops)``: the uncertain inputs where given, else the fixed ones,
    else the workload's, as :func:`bounds.resolve` derives them."""
    x0, f = problem.point(), problem.fixed
    w = catalogs.workload(f["workload"]) if f.get("workload") else None
    n = values.get("params", x0.params)
    tokens = values.get("tokens", f.get("tokens", w.tokens if w else None))
    flops_given = values.get("flops", f.get("flops", w.flops if w else None))
    batch = values.get("batch_tokens", f.get("batch_tokens", w.batch_tokens if w else None))
    flops = flops_given if flops_given is not None else (training_flops(n, tokens) if tokens is not None else None)
    if "ops" in values or f.get("ops") is not None:
        ops = values.get("ops", x0.ops)
    else:
        ops = operations(n, counting=x0.counting, flops=flops, tokens=tokens, batch_tokens=batch)
    flops = ops if flops is None else flops
    return n, tokens, flops_given, batch, flops, ops


def _consolidations(x0: Any, values: dict, n: Any, tokens: Any, flops_given: Any, batch: Any, ops: Any) -> Any:
    """Consolidations of the volatile CIM: given, one per optimizer step (as :func:`bounds.resolve`), or fixed."""
    if "consolidations" in values:
        return values["consolidations"]
    if x0.consolidation_policy == "per-step":  # one per optimizer step, as bounds.resolve derives it
        b_ = 1.0 if batch is None else batch
        return np.maximum((tokens if tokens is not None else
                           (flops_given / (6.0 * n) if flops_given is not None else ops / n)) / b_, 1.0)
    return x0.consolidations


def _with_ratios(out: dict, floors: dict, measured: Any) -> dict:
    """The outputs and floors as float arrays, with each paradigm over LIM, over the floor and, given a measured
    energy, the orders of magnitude it sits above each paradigm."""
    res = {p: np.broadcast_to(np.asarray(v, dtype=float), np.shape(v)) for p, v in {**out, **floors}.items()}
    for p in out:
        if p != "lim":
            res[f"{p}_over_lim"] = out[p] / out["lim"]
    for p in out:
        res[f"{p}_over_floor"] = out[p] / floors["floor"]
    if measured is not None:
        for p in out:
            res[f"orders_above_{p}"] = np.log10(measured / out[p])
    return res


def evaluate(problem: Problem, values: dict) -> dict:
    """Every output for arrays of the uncertain inputs (``values[name]``), the rest from the resolved point.

    Mirrors :func:`bounds.resolve` and the paradigms of :mod:`bounds` with
    the same physics functions, element-wise.
    """
    x0 = problem.point()
    n, tokens, flops_given, batch, flops, ops = _workload_counts(problem, values)
    bits, T, f0 = values.get("bits", x0.bits), values.get("temperature_K", x0.temperature_K), values.get("f0_hz", x0.f0_hz)
    time_s, eps = values.get("time_s", x0.time_s), values.get("eps", x0.eps)
    t_amb = values.get("T_ambient_K", x0.T_ambient_K)
    dt = update_time_s(time_s, n, ops)
    k = kT(T)
    out = {"landauer": ops * landauer_per_op_J(bits, T),
           "lim": ops * lim_tilt_kT(bits, dt, f0, eps=eps) * k}
    e_st = static_per_op_kT(bits, dt, values.get("retention_s", x0.retention_s), d_ret=values.get("d_ret", x0.d_ret),
                            d_w=values.get("d_w", x0.d_w), f0_hz=f0, eps=eps) * k
    out["static_cim"] = ops * e_st  # weights in the non-volatile array: no consolidation (THEORY §4)
    cons = _consolidations(x0, values, n, tokens, flops_given, batch, ops)
    out["volatile_cim"] = out["lim"] + consolidation_J(n, bits, cons, e_static_J=e_st, temperature_K=T)  # THEORY §2c'
    e_flop = values.get("e_flop_J", catalogs.accelerator(x0.accelerator).energy_per_flop_J(x0.precision))
    out["accelerator"] = accelerator_energy_J(flops, e_flop)
    if x0.device is not None:
        e_w = values.get("device_write_energy_J", catalogs.device(x0.device).write_energy_J_min)
        out["device"] = ops * bits * e_w
    floors = {"floor_second_law": second_law_workload_floor_J(params=n, bits=bits, temperature_K=T),
              "floor_speed": speed_workload_floor_J(params=n, bits=bits, f0_hz=f0, tau_s=time_s, temperature_K=T)}
    floors["floor"] = floors["floor_second_law"] + floors["floor_speed"]
    for p in THERMAL:  # the cryogenic Carnot term (docs/theory.md §4a)
        out[p] = out[p] + carnot_cooling_work_J(out[p], T, t_amb)
    for p in floors:
        floors[p] = floors[p] + carnot_cooling_work_J(floors[p], T, t_amb)
    measured = values.get("measured_J", problem.fixed.get("measured_J"))
    return _with_ratios(out, floors, measured)


def kind_of(output: str) -> str:
    """floor, estimate, ratio or orders (THEORY §8 vocabulary).

    >>> [kind_of(k) for k in ("lim", "floor_speed", "accelerator_over_lim", "orders_above_lim")]
    ['estimate', 'floor', 'ratio', 'orders']
    """
    if output.startswith("orders_above_"):
        return "orders"
    if "_over_" in output:
        return "ratio"
    return "floor" if output.startswith("floor") else "estimate"


def monte_carlo(problem: Problem, *, samples: int = 100_000, seed: int = 0) -> dict:
    """Seeded Monte Carlo of every output: ``{output: array of samples}``."""
    seed = check_seed(seed)
    check_integer("samples", samples, minimum=10, maximum=10_000_000)
    u = np.random.default_rng(seed).random((int(samples), len(problem.uncertain)))
    out = evaluate(problem, _values(problem, u))
    return {k: np.broadcast_to(v, (int(samples),)) for k, v in out.items()}


def bands(samples: dict, q: tuple[float, float, float] = (5.0, 50.0, 95.0)) -> dict:
    """Median, 5 % and 95 % quantiles and mean of every output (non-finite samples refused)."""
    res = {}
    for k, v in samples.items():
        if not np.all(np.isfinite(v)):
            raise ParameterError(f"output {k} is not finite for some sampled inputs; narrow the input ranges")
        p5, p50, p95 = np.percentile(v, q)
        res[k] = {"kind": kind_of(k), "median": float(p50), "p5": float(p5), "p95": float(p95), "mean": float(np.mean(v))}
    return res


def sobol_indices(model: Callable[[dict], dict], dists: dict, *, base_samples: int = 8192, seed: int = 0) -> dict:
    """First-order and total Sobol indices of each output of ``model`` (SALib, Saltelli sampling).

    ``model(values) -> {output: array}`` takes ``{name: array}`` drawn from
    ``dists``.  Returns ``{output: {"S1": {name: x}, "S1_conf": ..., "ST": ...,
    "ST_conf": ...}}`` (95 % bootstrap half-widths), or ``None`` for an output
    that does not vary.
    """
    from ._optional import require  # lazy: SALib pulls in pandas and matplotlib
    # ImportError (not LimboundError): callers show "not available: install limbound[uncertainty]" instead
    sa_analyze = require("SALib.analyze.sobol", extra="uncertainty", error=ImportError)
    sa_sample = require("SALib.sample.sobol", extra="uncertainty", error=ImportError)

    names = list(dists)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sa_sample.sample(problem, base_samples, calc_second_order=False, scramble=True, seed=check_seed(seed))
    values = {k: d.ppf(u[:, i]) for i, (k, d) in enumerate(dists.items())}
    res = {}
    for out, y in model(values).items():
        y = np.broadcast_to(np.asarray(y, dtype=float), (u.shape[0],))
        if not np.all(np.isfinite(y)) or np.ptp(y) <= 1e-12 * max(1.0, float(np.max(np.abs(y)))):
            res[out] = None
            continue
        s = sa_analyze.analyze(problem, y, calc_second_order=False, num_resamples=100, seed=seed)
        res[out] = {key: {n: float(v) for n, v in zip(names, s[key], strict=True)} for key in ("S1", "S1_conf", "ST", "ST_conf")}
    return res


def sobol(problem: Problem, *, base_samples: int = 8192, seed: int = 0) -> dict:
    """Sobol indices of ``log10`` of every output of an uncertain estimate (ratios and energies alike)."""
    def model(values: dict) -> dict:
        return {k: (v if k.startswith("orders_above_") else np.log10(v)) for k, v in evaluate(problem, values).items()}
    return sobol_indices(model, problem.uncertain, base_samples=base_samples, seed=seed)


def dominant(indices: dict | None, top: int = 3) -> list:
    """Inputs ranked by total index: ``[(name, ST, S1), ...]``."""
    if not indices:
        return []
    return sorted(((n, indices["ST"][n], indices["S1"][n]) for n in indices["ST"]), key=lambda t: -t[1])[:top]


def tornado(problem: Problem, output: str, *, lo_q: float = 0.05, hi_q: float = 0.95) -> list:
    """One-at-a-time swings of ``output``: each input at its 5 % and 95 % quantile, the others at their medians.

    Returns ``[(name, value_at_low, value_at_high), ...]`` sorted by the width
    of the swing in log10 (largest first): the data of a tornado chart.
    """
    names = problem.names
    med = np.array([[0.5] * len(names)])
    u = np.repeat(med, 2 * len(names), axis=0)
    for i in range(len(names)):
        u[2 * i, i], u[2 * i + 1, i] = lo_q, hi_q
    y = evaluate(problem, _values(problem, u))[output]
    y = np.broadcast_to(y, (u.shape[0],))
    rows = [(n, float(y[2 * i]), float(y[2 * i + 1])) for i, n in enumerate(names)]
    return sorted(rows, key=lambda r: -abs(math.log10(r[2] / r[1])) if r[1] > 0 and r[2] > 0 else 0.0)


__all__ = ["Dist", "Problem", "DOMAINS", "KINDS", "check_domain", "catalog_range", "evaluate", "monte_carlo", "bands",
           "sobol_indices", "sobol", "dominant", "tornado", "kind_of"]
