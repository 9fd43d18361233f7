"""Energy-to-solution of a learning run on each paradigm, with the breakdown by wall (THEORY §4).

Every paradigm's figure is an **estimate** (THEORY §8): the paper's model of
one protocol class under stated assumptions (each in ``assumptions``), not a
bound.  The **floors** of the same workload (theorems, THEORY §8a) come from
:func:`floors`, and every output shows both.  (The module keeps its name and
``Bound`` its name so that scripts keep working.)

One front door, :func:`energy_to_solution`, dispatching through a registry of
paradigms; one result type, :class:`Bound`, that every paradigm fills alike
so reports never branch:

============  ==========================  =======================  =========================================
paradigm      memory wall                 update wall              consolidation wall
============  ==========================  =======================  =========================================
landauer      0                           OPS b kT ln 2            0 (final-state floor beside)
lim           0 (in place)                OPS e_LIM(b, dt)         0 (barrier raised in place)
static_cim    0 (in place)                OPS e_static(b, dt)      0 (weights live in the non-volatile array)
volatile_cim  0 (in place)                OPS e_LIM(b, dt)         n_cons N (b kT ln 2 + e_static(b, dt_c))
accelerator   FLOPs e_FLOP (board power)  included in memory wall  0 (checkpoints not counted)
device        0 (cell level)              OPS b e_write,bit        0
============  ==========================  =======================  =========================================

``n_cons`` (THEORY §2c'): one per optimizer step by default (``steps = tokens /
batch_tokens``; from ``FLOPs / 6N`` tokens when only FLOPs are known; ``OPS /
N`` when only OPS is), ``"per-epoch"`` with ``epochs``, or a number (e.g. of
checkpoints).  ``dt_c`` = ``dt`` (THEORY §2c').

Below the ambient temperature (``temperature_K < T_ambient_K``) the paradigms whose
heat scales with ``kT`` (:data:`THERMAL`) also pay a cooling wall, the
Carnot work ``Q (T_amb/T - 1)`` to pump their heat ``Q`` to the ambient
(:mod:`physics.cooling`); the accelerator and device figures are measured at
room temperature and get none.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import catalogs
from .constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from .deprecation import renamed_keywords
from .display import Result
from .errors import ParameterError, ParameterTypeError
from .inputs import Inputs, resolve
from .physics import (
    accelerator_energy_J,
    consolidation_J,
    final_state_floor_J,
    landauer_per_op_J,
    lim_barrier_kT,
    lim_tilt_kT,
    static_per_op_kT,
)
from .physics.cooling import carnot_cooling_work_J
from .physics.static import write_arrhenius_valid
from .specs import CONSOLIDATION_POLICIES, GAP

#: Paradigms whose heat scales with kT and is dissipated at temperature_K: they pay Carnot cooling below the ambient.
THERMAL = ("landauer", "lim", "static_cim", "volatile_cim")


def _check_finite_result(inputs: Inputs, bounds: dict) -> None:
    """Refuse (one line) inputs whose energies leave the double range: inf/nan/subnormal is never a result."""
    for p, b in bounds.items():
        for what, v in (("energy", b.energy_J), ("per-op energy", b.per_op_J)):
            if not (math.isfinite(v) and (v == 0.0 or abs(v) >= 2.2250738585072014e-308)):
                raise ParameterError(
                    f"the {p} {what} is {v!r} J at these inputs (params={inputs.params:g}, ops={inputs.ops:g}, "
                    f"T={inputs.temperature_K:g} K, retention={inputs.retention_s:g} s, consolidations={inputs.consolidations:g}): "
                    "outside the double range; allowed: inputs whose energies are finite normal doubles")


@renamed_keywords(T_K="temperature_K")
@dataclass(frozen=True)
class Bound:
    """Energy-to-solution *estimate* of one paradigm with its breakdown by wall (THEORY §8: an estimate
    from the paper's model with stated assumptions, not a theorem; the floors are in :mod:`limbound.physics`)."""

    paradigm: str
    memory_J: float
    update_J: float
    consolidation_J: float
    per_op_J: float
    per_op_kT: float
    temperature_K: float
    assumptions: tuple = ()
    sources: tuple = ()
    extras: dict = field(default_factory=dict)
    cooling_J: float = 0.0

    @property
    def energy_J(self) -> float:
        return self.memory_J + self.update_J + self.consolidation_J + self.cooling_J

    def as_dict(self) -> dict:
        e = self.energy_J
        return {
            "paradigm": self.paradigm, "kind": "estimate",
            "energy_J": e, "energy_kWh": e / 3.6e6, "energy_kT": e / kT(self.temperature_K),
            "per_op_J": self.per_op_J, "per_op_kT": self.per_op_kT,
            "walls": {"memory_J": self.memory_J, "update_J": self.update_J, "consolidation_J": self.consolidation_J,
                      "cooling_J": self.cooling_J},
            **self.extras,
            "assumptions": list(self.assumptions), "sources": list(self.sources),
        }


def _landauer(x: Inputs) -> Bound:
    e = float(landauer_per_op_J(x.bits, x.temperature_K))
    return Bound("landauer", 0.0, x.ops * e, 0.0, e, e / kT(x.temperature_K), x.temperature_K,
                 assumptions=("each operation irreversibly overwrites one b-bit word, infinitely slowly (the seeds' convention)",),
                 sources=("Landauer, IBM J. Res. Dev. 5, 183 (1961)", "THEORY §2a"),
                 extras={"final_state_floor_J": float(final_state_floor_J(x.params, x.bits, x.temperature_K))})


def _lim(x: Inputs) -> Bound:
    d = float(lim_tilt_kT(x.bits, x.dt_s, x.f0_hz, eps=x.eps))
    k = kT(x.temperature_K)
    return Bound("lim", 0.0, x.ops * d * k, 0.0, d * k, d, x.temperature_K,
                 assumptions=("update in place: no read traffic (memory wall 0)",
                              "consolidation in place: the barrier rises from E_b* to E_ret slowly, at no cost",
                              f"precision: each update right with probability 1 - eps, eps = {x.eps if x.eps is not None else 2.0 ** -(x.bits + 1):.3g}"),
                 sources=("Bennett, Int. J. Theor. Phys. 21, 905 (1982)", "arXiv:2402.14878", "THEORY §2b"),
                 extras={"barrier_kT": float(lim_barrier_kT(x.bits, x.dt_s, x.f0_hz, eps=x.eps)), "tilt_kT": d})


def _static(x: Inputs) -> Bound:
    d = float(static_per_op_kT(x.bits, x.dt_s, x.retention_s, d_ret=x.d_ret, d_w=x.d_w, f0_hz=x.f0_hz, eps=x.eps))
    k = kT(x.temperature_K)
    return Bound("static_cim", 0.0, x.ops * d * k, 0.0, d * k, d, x.temperature_K,
                 assumptions=(f"barrier held at the retention barrier ({x.retention_s:.3g} s at failure {x.d_ret:g})",
                              f"each write completes within dt with probability 1 - {x.d_w:g}"
                              + ("" if write_arrhenius_valid(x.dt_s, x.d_w, x.f0_hz) else
                                 " (dt < ln(1/d_w)/f0: the write tilt removes the barrier, Arrhenius extrapolated)"),
                              "weights live in the non-volatile array: no consolidation"),
                 sources=("THEORY §2c",),
                 extras={"write_tilt_kT": d})


def _volatile(x: Inputs) -> Bound:
    """Updates in a volatile store at ``e_LIM(b, dt)``, consolidation into non-volatile memory (THEORY §2c')."""
    d = float(lim_tilt_kT(x.bits, x.dt_s, x.f0_hz, eps=x.eps))
    k = kT(x.temperature_K)
    e_st = float(static_per_op_kT(x.bits, x.dt_s, x.retention_s, d_ret=x.d_ret, d_w=x.d_w, f0_hz=x.f0_hz, eps=x.eps)) * k
    cons = float(consolidation_J(x.params, x.bits, x.consolidations, e_static_J=e_st, temperature_K=x.temperature_K))
    return Bound("volatile_cim", 0.0, x.ops * d * k, cons, d * k, d, x.temperature_K,
                 assumptions=("updates in a low-barrier volatile store at the LIM tilt e_LIM(b, dt), no retention paid per update",
                              f"consolidation {x.consolidation_policy}: n_cons = {x.consolidations:.4g} events, each reads and "
                              f"resets every word in the store (b kT ln 2) and writes it into non-volatile memory "
                              f"(e_static(b, dt_c) per word, dt_c = dt)"),
                 sources=("THEORY §2c'", "THEORY §4"),
                 extras={"tilt_kT": d, "n_consolidations": x.consolidations,
                         "consolidation_policy": x.consolidation_policy,
                         "consolidation_per_word_J": x.bits * k * math.log(2.0) + e_st})


def _accelerator(x: Inputs) -> Bound:
    acc = catalogs.accelerator(x.accelerator)
    e = acc.energy_per_flop_J(x.precision)
    return Bound("accelerator", accelerator_energy_J(x.flops, e), 0.0, 0.0, e, e / kT(x.temperature_K), x.temperature_K,
                 assumptions=(f"{acc.name} at full utilisation, {x.precision} dense peak",
                              "board power holds compute and on-package data movement together (update wall included in the memory wall)",
                              "checkpoint writes not counted"),
                 sources=(acc.source, "THEORY §2d"),
                 extras={"accelerator": acc.key, "accelerator_name": acc.name})


def _device(x: Inputs) -> Bound:
    """A named memory technology writing every update at its best published per-bit energy."""
    if x.device is None:
        raise ParameterError("paradigm 'device' needs a device (see `limbound devices`); none was given")
    dev = catalogs.device(x.device)
    if dev.write_energy_J_min is None:
        raise ParameterError(f"device {dev.key!r} has no published write energy")
    e = x.bits * dev.write_energy_J_min
    feasible = dev.write_time_s_min is None or dev.write_time_s_min <= x.dt_s
    return Bound("device", 0.0, x.ops * e, 0.0, e, e / kT(x.temperature_K), x.temperature_K,
                 assumptions=(f"{dev.name}: every update writes b = {x.bits} cells at the lowest published per-bit write energy",
                              "reads and peripheral circuits not counted (cell level)",
                              "the device cannot write within dt: the time-to-solution is not reachable" if not feasible else
                              "the device writes within dt"),
                 sources=(dev.source,),
                 extras={"device": dev.key, "device_name": dev.name, "write_time_feasible": feasible})


REGISTRY = {"landauer": _landauer, "lim": _lim, "static_cim": _static, "volatile_cim": _volatile,
            "accelerator": _accelerator, "device": _device}
#: the paradigms :func:`estimate` prices for any inputs, in order; ``device`` joins them only when a device is named
PARADIGMS = tuple(p for p in REGISTRY if p != "device")


def energy_to_solution(inputs: Inputs, paradigm: str = "lim") -> Bound:
    """Energy-to-solution estimate of ``paradigm`` for resolved ``inputs`` (THEORY §4, §8).

    Example
    -------
    Brain scale (THEORY §5): 1e15 parameters, 1e12 tokens, 16 bits, 30 days.

    >>> x = resolve(params=1e15, tokens=1e12, bits=16, time_s=30 * 86400)
    >>> f"{energy_to_solution(x, 'lim').energy_J:.2e}"
    '2.93e+08'
    """
    if not isinstance(inputs, Inputs):
        raise ParameterTypeError(f"inputs={inputs!r} is a {type(inputs).__name__}; allowed: an Inputs from resolve(...)")
    if paradigm not in REGISTRY:
        raise ParameterError(f"paradigm={paradigm!r} is unknown; allowed: {', '.join(REGISTRY)}")
    b = REGISTRY[paradigm](inputs)
    if paradigm in THERMAL and inputs.temperature_K < inputs.T_ambient_K:
        w = float(carnot_cooling_work_J(b.energy_J, inputs.temperature_K, inputs.T_ambient_K))
        b = replace(b, cooling_J=w, assumptions=b.assumptions + (
            f"cooling wall: heat removed at {inputs.temperature_K:g} K and pumped to {inputs.T_ambient_K:g} K costs at least the "
            f"Carnot work Q (T_amb/T - 1) = {inputs.T_ambient_K / inputs.temperature_K - 1:.4g} Q (a floor for this heat; the total "
            f"stays an estimate)",), sources=b.sources + ("Carnot (1824); Callen, Thermodynamics, 2nd ed., ch. 4",))
        if "final_state_floor_J" in b.extras:  # the floor pays the same wall, as the uncertainty floors do (THEORY §4a)
            q = b.extras["final_state_floor_J"]
            w_f = float(carnot_cooling_work_J(q, inputs.temperature_K, inputs.T_ambient_K))
            b = replace(b, extras={**b.extras, "final_state_floor_J": q + w_f, "final_state_floor_heat_J": q,
                                   "final_state_floor_cooling_J": w_f})
    return b


def estimate(inputs: Inputs) -> dict:
    """Every paradigm for one set of inputs: ``{paradigm: Bound}`` (``device`` only when one is named).

    Inputs whose energies leave the double range (inf, nan, subnormal) are refused in one line.
    """
    if not isinstance(inputs, Inputs):
        raise ParameterTypeError(f"inputs={inputs!r} is a {type(inputs).__name__}; allowed: an Inputs from resolve(...)")
    try:
        with np.errstate(all="ignore"):
            out = {p: energy_to_solution(inputs, p) for p in REGISTRY if p != "device" or inputs.device is not None}
    except OverflowError:
        out = {"(overflow)": Bound("(overflow)", math.inf, 0.0, 0.0, math.inf, math.inf, inputs.temperature_K)}
    _check_finite_result(inputs, out)
    return Estimate(out)


class Estimate(dict, Result):
    """What :func:`estimate` returns: ``{paradigm: Bound}`` (a dict), with ``status``, ``message``, ``as_dict()``
    (``{paradigm: Bound.as_dict()}``, the ``paradigms`` of ``limbound estimate --json``), ``to_pandas()`` and
    ``_repr_html_`` (one row per paradigm; every energy an estimate except the Landauer reference, THEORY §4)."""

    @property
    def message(self) -> str:
        return f"estimated {len(self)} paradigms: " + ", ".join(self)

    def as_dict(self) -> dict:
        return {p: b.as_dict() for p, b in self.items()}

    def _records(self) -> list:
        from .display import flat_scalars

        return [{"paradigm": p, **flat_scalars(b.as_dict())} for p, b in self.items()]

    def _title(self) -> str:
        return "energy-to-solution estimates per paradigm (J)"


@GAP.validates
def gap_orders(measured_J: float, inputs: Inputs) -> dict:
    """Orders of magnitude (log10) a measured energy sits above each paradigm's estimate."""
    return {p: math.log10(measured_J / b.energy_J) for p, b in estimate(inputs).items()}


def floors(inputs: Inputs) -> dict:
    """The workload's floors (THEORY §8a), theorems beside the estimates: second-law ``N b kT ln 2``, speed
    term ``N kT M^2 / (16 f0 tau)``, total; and how far the LIM estimate sits above the total, with why."""
    from .physics.floors import workload_floors

    f = workload_floors(params=inputs.params, bits=inputs.bits, f0_hz=inputs.f0_hz, tau_s=inputs.time_s, temperature_K=inputs.temperature_K)
    lim = energy_to_solution(inputs, "lim").energy_J
    ratio = lim / f["total_J"]
    f["lim_estimate_over_floor"] = ratio
    f["why"] = (f"the LIM estimate is {ratio:.3g}x the floor: it charges e_LIM = {lim / inputs.ops / kT(inputs.temperature_K):.3g} kT "
                f"on each of OPS = {inputs.ops:.3g} operations ({inputs.ops / inputs.params:.3g} per parameter), each an "
                f"irreversible precise step by a fixed tilt; the floor pays once for the {inputs.bits} bits each "
                f"parameter ends with, plus the transport the time allows (speed term)")
    return f


def brain_scale_band(tokens: Iterable[float] = (3e11, 1e12, 3e12), bits: Iterable[int] = (16, 24, 32), *,
                     accelerator: str | None = None, **kw: Any) -> dict:
    """The seeds' brain-scale projection over a band of tokens and precisions (THEORY §5).

    Returns min/max of each paradigm's energy and of accelerator/LIM over the
    grid, plus every grid point.
    """
    base = catalogs.workload("brain-scale")
    rows = []
    for t in tokens:
        for b in bits:
            x = resolve(params=base.params, tokens=t, bits=b, time_s=base.time_s, accelerator=accelerator, **kw)
            est = estimate(x)
            rows.append({"tokens": t, "bits": b, **{p: est[p].energy_J for p in est},
                         "accelerator_over_lim": est["accelerator"].energy_J / est["lim"].energy_J})
    keys = list(PARADIGMS) + ["accelerator_over_lim"]
    return {"min": {k: min(r[k] for r in rows) for k in keys}, "max": {k: max(r[k] for r in rows) for k in keys},
            "points": rows}


# --------------------------------------------------------------------------- counted operations (solver runs)

#: The accelerator that prices the FLOPs a solver run counts (the anneal's digital realisation), and its precision:
#: one H100 SXM at its dense BF16 peak (THEORY §2d).  Named here only; :func:`resolve` picks the catalog's most
#: efficient part instead when no accelerator is given.
REFERENCE_ACCELERATOR = "h100-sxm"
REFERENCE_PRECISION = "bf16"


@renamed_keywords(T_K="temperature_K")
def price_counts(counts: dict, *, dt_s: float, bits: int = 1, temperature_K: float = T_DEFAULT_K, f0_hz: float = F0_DEFAULT_HZ,
                 accelerator: str = REFERENCE_ACCELERATOR, precision: str = REFERENCE_PRECISION) -> dict:
    """Operations counted by a solver, priced by the paradigms' estimates (THEORY §2, §8: estimates, not floors).

    ``counts`` maps a paradigm of :data:`REGISTRY` to the number of operations it pays for (``accelerator``:
    FLOPs).  Each paradigm prices ONE operation of ``bits`` bits that takes ``dt_s`` through the same
    :data:`REGISTRY` entry as :func:`energy_to_solution` (one parameter, one operation, ``time_s = dt_s``, at
    the ambient temperature: no cooling wall).  Returns ``{paradigm: (count * per_op_J, Bound of one operation)}``.

    Example
    -------
    One 1-bit overwrite at 300 K on the Landauer reference is ``kT ln 2``:

    >>> round(price_counts({"landauer": 1}, dt_s=1e-9)["landauer"][0] * 1e21, 3)
    2.871
    """
    x = Inputs(params=1.0, ops=1.0, flops=1.0, bits=bits, time_s=float(dt_s), temperature_K=float(temperature_K), T_ambient_K=float(temperature_K),
               f0_hz=float(f0_hz), accelerator=accelerator, precision=precision)
    out = {}
    for paradigm, n in counts.items():
        b = energy_to_solution(x, paradigm)
        out[paradigm] = (n * b.per_op_J, b)
    return out


__all__ = ["Inputs", "Bound", "resolve", "energy_to_solution", "estimate", "floors", "gap_orders", "brain_scale_band",
           "PARADIGMS", "REGISTRY", "CONSOLIDATION_POLICIES", "price_counts", "REFERENCE_ACCELERATOR",
           "REFERENCE_PRECISION"]
