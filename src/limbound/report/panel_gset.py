"""Panel (e) of the report: G-set MaxCut on the LIM Ising machine -- cut quality, and measured heat against its
floor and the paradigms' estimates (THEORY §6, §8a).  Where the graphs come from: :func:`find_gset_dir`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..fileio import StrPath
from .figures import Axes, Panel, Series
from .panel_common import COLORS, TITLES, _missing, _try_import

GSET_ENV = "LIMBOUND_GSET_DIR"
#: G-set settings: quick = one small graph, few sweeps; full = every graph found.
GSET_QUICK = {"graphs": ("G11",), "sweeps": 300, "reads": 8, "target_fraction": 0.98}
GSET_FULL = {"graphs": None, "sweeps": 1000, "reads": 16, "target_fraction": 0.99}
RANDOM_GRAPH = {"n": 200, "p": 0.05}


_REPO_ROOT = Path(__file__).resolve().parents[3]
#: The G-set folder of a development checkout: ``../shared/benchmarks/gset`` beside the repository
#: (only when this file sits in a source checkout, i.e. the repository root holds pyproject.toml).
#: Never looked up relative to the working folder, so panel (e) does not depend on where you run.
REPO_GSET_DIR = (_REPO_ROOT.parent / "shared" / "benchmarks" / "gset") if (_REPO_ROOT / "pyproject.toml").is_file() else None


@dataclass(frozen=True)
class GsetChoice:
    """Where the graphs of panel (e) come from: ``path`` (None for the seeded random graph) and ``source``.

    ``source`` is one of ``"--gset-dir"`` (explicit argument), ``"$LIMBOUND_GSET_DIR"``, ``"repository"``
    (:data:`REPO_GSET_DIR`, a dev checkout) or ``"random graph"`` (none of these exists).
    """

    path: Path | None
    source: str

    def as_dict(self) -> dict:
        return {"source": self.source, "path": str(self.path) if self.path is not None else None}


def _is_gset_dir(p: Path) -> bool:
    return p.is_dir() and any(p.glob("G*.txt"))


def find_gset_dir(gset_dir: StrPath | None = None) -> GsetChoice:
    """The G-set folder of panel (e), in this order: ``gset_dir`` (``--gset-dir``), else ``$LIMBOUND_GSET_DIR``,
    else the repository's ``../shared/benchmarks/gset`` (:data:`REPO_GSET_DIR`, a dev checkout), else none
    (the seeded random graph).  Never relative to the working folder.

    An explicit folder (argument or environment variable) that holds no ``G*.txt`` is refused
    (:class:`ParameterError`) rather than silently replaced by the random graph.
    """
    import os

    if isinstance(gset_dir, GsetChoice):
        return gset_dir
    for value, source in ((gset_dir, "--gset-dir"), (os.environ.get(GSET_ENV) or None, f"${GSET_ENV}")):
        if value is None:
            continue
        p = Path(value)
        if not _is_gset_dir(p):
            raise ParameterError(f"{source}={str(value)!r} is not a folder of G-set files; "
                                 "allowed: a folder holding G<n>.txt files (and best_known.csv)")
        return GsetChoice(p.resolve(), source)
    if REPO_GSET_DIR is not None and _is_gset_dir(REPO_GSET_DIR):
        return GsetChoice(REPO_GSET_DIR, "repository")
    return GsetChoice(None, "random graph")


def _gset_graphs(cfg: dict, choice: GsetChoice, seed: int) -> tuple:
    """(graphs, best-known cuts, notes) of panel (e): the G-set folder's graphs, or the seeded random graph."""
    from ..solvers.maxcut import random_maxcut_graph, read_best_known, read_gset

    folder = choice.path
    notes = []
    graphs = []
    best_known = {}
    if folder is not None:
        bk = folder / "best_known.csv"
        best_known = read_best_known(bk) if bk.is_file() else {}
        files = sorted(folder.glob("G*.txt"), key=lambda f: int(f.stem[1:]) if f.stem[1:].isdigit() else 10**9)
        if cfg["graphs"] is not None:
            files = [f for f in files if f.stem in cfg["graphs"]] or files[:1]
        graphs = [read_gset(f) for f in files]
        notes.append(f"G-set graphs read from {folder} (chosen by {choice.source}; Helmberg & Rendl 1997); best-known "
                     "cuts from best_known.csv (Benlic & Hao 2013 and later).")
    else:
        g = random_maxcut_graph(RANDOM_GRAPH["n"], RANDOM_GRAPH["p"], seed=seed)
        graphs = [g]
        notes.append(f"No G-set folder found (no --gset-dir, no ${GSET_ENV}, no repository ../shared/benchmarks/gset): a random "
                     f"G(n={RANDOM_GRAPH['n']}, p={RANDOM_GRAPH['p']:g}) graph with unit weights, seed {seed}, stands in; "
                     "it has no best-known cut, so the whole anneal is priced.")
    return graphs, best_known, notes


def _gset_row(g: Any, bkc: float | None, cfg: dict, seed: int) -> tuple[dict, dict]:
    """Anneal one graph: (its table row, the paradigms' estimates of the whole anneal per read)."""
    from ..solvers.maxcut import solve_maxcut

    target = cfg["target_fraction"] * bkc if bkc else None
    r = solve_maxcut(g, target_cut=target, sweeps=cfg["sweeps"], reads=cfg["reads"], seed=seed)
    a = r.anneal
    pr = a.priced()
    tgt = pr["to_target_mean_per_read"]
    if tgt is not None:
        basis, e = "to target, mean per successful read", tgt
    else:
        run = pr["run_all_reads"]
        basis = "whole anneal, per read" + (" (target not reached)" if target else "")
        e = {k: v / a.reads for k, v in run.items()
             if k in ("landauer_J", "static_cim_J", "accelerator_J", "lim_measured_J", "lim_estimate_J")}
    law = a.second_law_floor_J()
    fl = a.floor()
    whole = {k: v / a.reads for k, v in pr["run_all_reads"].items() if k.endswith("_J")}
    row = {"graph": g.name, "nodes": g.n, "edges": g.m, "best_known_cut": bkc if bkc else None,
           "target_cut": target, "sweeps": a.sweeps, "reads": a.reads, "best_cut": r.best_cut,
           "mean_cut": r.mean_cut, "best_over_known": (r.best_cut / bkc) if bkc else None,
           "mean_over_known": (r.mean_cut / bkc) if bkc else None,
           "reads_reaching_target": int(a.reached.sum()) if target else None, "energy_basis": basis,
           "LIM_measured_J": e["lim_measured_J"], "LIM_estimate_J": e.get("lim_estimate_J"),
           "Landauer_J": e["landauer_J"],
           "static_CIM_J": e["static_cim_J"], "accelerator_J": e["accelerator_J"],
           "heat_per_read_J": law["heat_J"], "heat_per_read_se_J": law["heat_sem_J"],
           "floor_per_read_J": fl["floor_J"], "second_law_floor_per_read_J": law["floor_J"],
           "first_law_residual": a.first_law_residual, "wall_s": a.wall_time_s}
    return row, whole


def _quality_axes(rows: list[dict], m: np.ndarray, names: list[str], cfg: dict, few: bool) -> Axes:
    """Left: cut quality against the best-known cut (or the cut itself when none is known)."""
    known = all(r["best_known_cut"] for r in rows)
    if known:
        q_series = [Series("best cut / best-known", m, [r["best_over_known"] for r in rows], kind="marker", labels=names,
                           style={"color": COLORS["lim"], "marker": "o", "ms": 8}),
                    Series("mean cut / best-known", m, [r["mean_over_known"] for r in rows], kind="marker",
                           style={"color": COLORS["lim"], "marker": "o", "mfc": "none", "ms": 8}),
                    Series(f"target ({cfg['target_fraction']:g} x best-known)", m, [cfg["target_fraction"]] * len(rows),
                           kind="marker", style={"color": "0.4", "marker": "_", "ms": 20})]
        lowest = min([cfg["target_fraction"], *(r["mean_over_known"] for r in rows)])
        return Axes("cut quality", "edges of the graph", "cut / best-known cut", q_series, xlog=not few, ylog=False,
                    legend_loc="lower right", ylim=(min(0.95, lowest - 0.01), 1.005))
    return Axes("cut quality (no best-known cut)", "edges of the graph", "cut", [
        Series("best cut", m, [r["best_cut"] for r in rows], kind="marker", labels=names, style={"color": COLORS["lim"]}),
        Series("mean cut", m, [r["mean_cut"] for r in rows], kind="marker",
               style={"color": COLORS["lim"], "mfc": "none"})], xlog=not few, ylog=False)


def _heat_axes(rows: list[dict], whole: list[dict], m: np.ndarray, names: list[str], cfg: dict, seed: int,
               few: bool) -> Axes:
    """Right: the whole anneal per read -- measured heat against its floor, and the paradigms' estimates."""
    per_read = {k: np.array([rr[k] for rr in rows], dtype=float) for k in ("heat_per_read_J", "heat_per_read_se_J",
                                                                        "floor_per_read_J")}
    h_series = [Series(r"LIM Ising machine, measured heat ($\pm$1 SE)", m, per_read["heat_per_read_J"], kind="errorbar",
                       y2=per_read["heat_per_read_se_J"], style={"color": "black"})]
    pos = per_read["floor_per_read_J"] > 0
    if pos.any():
        h_series.append(Series(r"floor (THEORY §8a: tree entropy + speed)", m[pos], per_read["floor_per_read_J"][pos],
                               kind="marker", style={"color": COLORS["floor"], "marker": "v", "ms": 8}))
    h_series += [Series(lab, m, [w[col] for w in whole], kind="marker", style={"color": COLORS[c], "marker": mk, "mfc": "none"})
                 for lab, col, c, mk in (("accelerator estimate (H100 SXM)", "accelerator_J", "accelerator", "s"),
                                         (r"static CIM estimate ($b$ = 1)", "static_cim_J", "static_cim", "D"),
                                         (r"LIM estimate $e_{\rm LIM}(b=1)$ per spin update", "lim_estimate_J", "lim", "o"),
                                         (r"Landauer reference $kT\ln 2$ per spin update (estimate)", "landauer_J", "landauer", "^"))
                 if all(col in w for w in whole)]
    zero_floor = "" if pos.all() else "; floor 0 J for " + ", ".join(n for n, p_ in zip(names, pos, strict=True) if not p_) + " (not drawn)"
    ys = np.concatenate([np.ravel(np.asarray(sr.y, dtype=float)) for sr in h_series])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    lo, hi = float(ys.min()) / 10.0, float(ys.max()) * 10.0
    hi *= (hi / lo) ** 0.7  # room above the data for the legend (log axis)
    return Axes("heat per read, whole anneal", "edges of the graph", "energy per read [J]", h_series, xlog=not few,
                legend_loc="upper right", ylim=(lo, hi),
                note=f"{cfg['sweeps']} sweeps x {cfg['reads']} reads, FN schedule, seed {seed}{zero_floor}")


def _gset_notes(cfg: dict) -> list:
    """How panel (e) prices the anneal and how to read it."""
    return [f"LIM Ising machine (limbound.solvers.ising, THEORY §6): {cfg['sweeps']} sweeps x {cfg['reads']} reads, "
            f"FN schedule lam(t) = lam0 ln(1 + t/t0), 1 ns per sweep at zero barrier; target cut = "
            f"{cfg['target_fraction']:g} x best-known. Measured heat is the simulator's exact energy book; the other "
            "paradigms price the same operation counts (Landauer kT ln 2 per spin update, static CIM e_static(b=1, dt) "
            "per flip, accelerator 2 FLOPs per attempt + 2 per nonzero touched at H100 SXM BF16 board power/peak; "
            "LIM estimate e_LIM(b=1, dt = one sweep) per spin update, predicted before the run).",
            "Energy is the mean per read that reached the target (until it first reached it) when a target exists and "
            "was reached; otherwise the whole anneal per read (column energy_basis).",
            "Left: cut quality, best and mean cut of the reads over the best-known cut. Right: the whole anneal "
            "per read, the measured heat (simulation, mean and standard error over reads) against its floor "
            "(THEORY §8a: a spanning-tree upper estimate of the final entropy plus the speed term; 0 when too few "
            "reads make the entropy estimate uninformative); the Landauer, static CIM and accelerator markers are "
            "estimates of the same operation counts, not floors of this run."]


def panel_e(*, quick: bool = False, seed: int = 0, gset_dir: StrPath | None = None) -> Panel:
    """G-set MaxCut table: cut quality and energy-to-solution per paradigm."""
    title = TITLES["e"]
    if _try_import("limbound.solvers.maxcut") is None or _try_import("limbound.solvers.ising") is None:
        return _missing("e", title, "limbound.solvers.ising / gset are not in this tree")
    cfg = GSET_QUICK if quick else GSET_FULL
    choice = find_gset_dir(gset_dir)
    graphs, best_known, notes = _gset_graphs(cfg, choice, seed)
    rows, whole = [], []  # whole: the paradigms' estimates of the whole anneal, per read
    for g in graphs:
        row, w = _gset_row(g, best_known.get(g.name), cfg, seed)
        rows.append(row)
        whole.append(w)
    m = np.array([r["edges"] for r in rows], dtype=float)
    names = [r["graph"] for r in rows]
    few = len(rows) < 3  # one or two graphs (quick mode): a linear edge axis, not one point on a log axis
    axes = [_quality_axes(rows, m, names, cfg, few), _heat_axes(rows, whole, m, names, cfg, seed, few)]
    return Panel("e", title, axes, table=rows, notes=notes + _gset_notes(cfg),
                 provenance={"graphs": names, "sweeps": cfg["sweeps"], "reads": cfg["reads"], "seed": seed,
                             "target_fraction": cfg["target_fraction"],
                             "gset_dir": str(choice.path) if choice.path else None, "gset_source": choice.source,
                             "schedule": "fn"})
