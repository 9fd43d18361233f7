"""Panels (g) and (h) of the report: uncertainty bands and sensitivity of the brain-scale projection.

(g) the 5-95 % band and median of every paradigm's energy and of the floors
over the uncertain inputs of THEORY §5 (tokens 3e11..3e12, bits 16..32) plus
the attempt frequency 1e8..1e12 /s; (h) a tornado chart (each input swung
from its 5 % to its 95 % quantile, the others at their medians) of the LIM
estimate and of accelerator / LIM, beside their total Sobol indices.
Numbers come from :mod:`limbound.uncertainty`; nothing is computed here
(method and inputs: ``docs/uncertainty.md``).
"""
from __future__ import annotations

import math

import numpy as np

from .. import uncertainty as U
from .figures import Axes, Panel, Series

FIG_FILES_GH = {"g": "g_uncertainty_bands.png", "h": "h_sensitivity_tornado.png"}
TITLES_GH = {"g": "Brain scale: 5-95 % bands over uncertain inputs",
             "h": "Brain scale: which input moves the projection (tornado, Sobol)"}
BAND_OUTPUTS = ("accelerator", "static_cim", "lim", "landauer", "floor_speed", "floor_second_law", "floor")
KIND_COLOR = {"estimate": "tab:green", "floor": "tab:gray"}


def brain_scale_problem() -> U.Problem:
    """THEORY §5's ranges (tokens 3e11..3e12, bits 16..32) and f0 1e8..1e12 /s, all log-uniform but bits (integers)."""
    return U.Problem(fixed={"workload": "brain-scale"},
                     uncertain={"tokens": U.Dist("loguniform", (3e11, 3e12)), "bits": U.Dist("integer", (16, 32)),
                                "f0_hz": U.Dist("loguniform", (1e8, 1e12))})


def _prov(problem: U.Problem, seed: int, samples: int, **more: object) -> dict:
    return {"workload": "brain-scale", "seed": seed, "samples": samples,
            "uncertain_inputs": {k: str(d) for k, d in problem.uncertain.items()}, **more}


def panel_g(*, quick: bool = False, seed: int = 0) -> Panel:
    """Panel (g): seeded Monte Carlo 5-95 % bands of every paradigm's estimate and of the floors (THEORY §8a)."""
    problem = brain_scale_problem()
    n = 20_000 if quick else 100_000
    b = U.bands(U.monte_carlo(problem, samples=n, seed=seed))
    outs = [o for o in BAND_OUTPUTS if o in b]
    rows = np.arange(len(outs), dtype=float)
    series = []
    for kind in ("estimate", "floor"):
        idx = [i for i, o in enumerate(outs) if b[o]["kind"] == kind]
        series.append(Series(f"{kind}: 5-95 % band", rows[idx], [b[outs[i]]["p5"] for i in idx], kind="hbar",
                             y2=[b[outs[i]]["p95"] for i in idx], labels=[outs[i] for i in idx],
                             style={"color": KIND_COLOR[kind]}))
    series.append(Series("median", [b[o]["median"] for o in outs], rows, kind="marker",
                         style={"color": "black", "marker": "|", "ms": 14}))
    ax = Axes("energy-to-solution, J (estimates green, floors grey)", "energy [J]", "", series, xlog=True, ylog=False)
    lim, acc, ratio = b["lim"], b["accelerator"], b["accelerator_over_lim"]
    notes = [f"LIM estimate: median {lim['median']:.3g} J, 5-95 % {lim['p5']:.3g}..{lim['p95']:.3g} J",
             f"accelerator estimate: median {acc['median']:.3g} J, 5-95 % {acc['p5']:.3g}..{acc['p95']:.3g} J",
             f"accelerator / LIM: median {ratio['median']:.3g}, 5-95 % {ratio['p5']:.3g}..{ratio['p95']:.3g}",
             f"floor (second law + speed term, THEORY §8a): median {b['floor']['median']:.3g} J, "
             f"5-95 % {b['floor']['p5']:.3g}..{b['floor']['p95']:.3g} J",
             "inputs: " + "; ".join(f"{k} ~ {d}" for k, d in problem.uncertain.items()) + f"; {n} samples, seed {seed}"]
    return Panel("g", TITLES_GH["g"], [ax], table=[{"output": o, **b[o]} for o in outs], notes=notes,
                 provenance=_prov(problem, seed, n))


def panel_h(*, quick: bool = False, seed: int = 0) -> Panel:
    """Panel (h): tornado swings and total Sobol indices of the LIM estimate and of accelerator / LIM."""
    problem = brain_scale_problem()
    names = problem.names
    axes, notes, table = [], [], []
    try:
        nsob = 512 if quick else 4096
        idx = U.sobol(problem, base_samples=nsob, seed=seed)
    except ImportError:
        idx, nsob = {}, 0
        notes.append("Sobol indices not available: install limbound[uncertainty] (SALib)")
    for out, label in (("lim", "LIM estimate [J]"), ("accelerator_over_lim", "accelerator / LIM")):
        rows = U.tornado(problem, out)
        mid = float(np.broadcast_to(U.evaluate(problem, {k: np.array([d.median]) for k, d in problem.uncertain.items()})[out], (1,))[0])
        pos = np.arange(len(rows), dtype=float)[::-1]
        lo = [min(r[1], r[2]) for r in rows]
        hi = [max(r[1], r[2]) for r in rows]
        series = [Series("input at its 5 % .. 95 % quantile", pos, lo, kind="hbar", y2=hi,
                         labels=[r[0] for r in rows], style={"color": "tab:blue"}),
                  Series("all inputs at their medians", [mid, mid], [pos.min() - 0.5, pos.max() + 0.5],
                         style={"color": "black", "lw": 1})]
        axes.append(Axes(f"tornado: {label}", label, "", series, xlog=False, ylog=False))
        s = idx.get(out)
        for r in rows:
            table.append({"output": out, "input": r[0], "at_5pct": r[1], "at_95pct": r[2],
                          "decades": abs(math.log10(r[2] / r[1])),
                          "ST": None if not s else s["ST"][r[0]], "S1": None if not s else s["S1"][r[0]]})
        if s:
            notes.append(f"{out}: total Sobol indices of log10 " + ", ".join(f"{n} {st:.2f}" for n, st, _ in U.dominant(s, len(names))))
    if idx:
        st_series = []
        for j, out in enumerate(("lim", "accelerator_over_lim")):
            s = idx.get(out)
            if s:
                pos = np.arange(len(names), dtype=float) + 0.3 * j
                st_series.append(Series(f"{out}: total index ST", pos, np.zeros(len(names)), kind="hbar",
                                        y2=[s["ST"][n] for n in names], labels=names if j == 0 else None,
                                        style={"height": 0.3}))
        axes.append(Axes("total Sobol indices (of log10 output)", "ST", "", st_series, xlog=False, ylog=False))
    return Panel("h", TITLES_GH["h"], axes, table=table, notes=notes,
                 provenance=_prov(problem, seed, 2 * len(names) + 1, sobol_base_samples=nsob))


__all__ = ["panel_g", "panel_h", "brain_scale_problem", "FIG_FILES_GH", "TITLES_GH"]
