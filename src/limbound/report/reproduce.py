"""One-command reproduction: every figure and table of the report, from scratch.

:func:`reproduce` computes the data of each panel through the public API
(:mod:`limbound.bounds`, :mod:`limbound.physics`, and the simulators and
solvers where they are installed), then writes

``DIR/figures/<panel>.png``
    one PNG per figure panel (matplotlib, Agg backend);
``DIR/data/figure_data.csv``
    every plotted number, one row per point (panel, subplot, series, x, y, ...);
``DIR/data/table_<panel>.csv``
    every table panel (the G-set table);
``DIR/provenance.json``
    version, inputs, seeds, timings and status of every panel;
``DIR/report.html``
    one self-contained HTML page with all figures embedded.

Every file is written atomically (temporary name, then rename).  A panel
whose simulator or solver is not installed is reported as "not available:
<reason>" in the HTML and in ``provenance.json`` -- never faked.

Panels
------
(a) energy-to-solution against model size, (b) energy per operation against
precision, (c) energy-speed trade-off, (d) validation of the simulators
against published physics, (e) G-set MaxCut table, (f) measured dissipation
against the floor for QP and training.
"""
from __future__ import annotations

import csv
import importlib
import io
import math
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__, bounds, catalogs
from ..constants import DAY_S, T_DEFAULT_K, kT
from ..errors import CatalogError, ParameterError, check_seed
from ..fileio import atomic_write_text, dumps
from ..physics import landauer_per_op_J, lim_barrier_kT, lim_tilt_kT, retention_barrier_kT, static_per_op_kT
from ..physics.static import D_RET_DEFAULT, RETENTION_DEFAULT_S
from .figures import Axes, Panel, Series

PANELS = ("a", "b", "c", "d", "e", "f")
#: Tokens per parameter of the size sweep of panel (a): Hoffmann et al.
#: (Chinchilla), arXiv 2203.15556 -- compute-optimal training uses ~20 tokens per parameter.
CHINCHILLA_TOKENS_PER_PARAM = 20.0
TIME_A_S = 30 * DAY_S
BITS_A = 16
DT_B_S = 1e-6
BITS_C = 16
FIG_FILES = {"a": "a_energy_vs_model_size.png", "b": "b_energy_per_op_vs_precision.png",
             "c": "c_energy_speed_tradeoff.png", "d": "d_validation.png",
             "e": "e_gset.png", "f": "f_measured_vs_bound.png"}

TITLES = {"a": "Energy-to-solution against model size", "b": "Energy per operation against precision",
          "c": "Energy-speed trade-off", "d": "Validation against published physics",
          "e": "G-set MaxCut: cut quality and energy-to-solution",
          "f": "Measured dissipation against the floor: QP and training"}
COLORS = {"landauer": "tab:blue", "lim": "tab:green", "static_cim": "tab:orange", "accelerator": "tab:red",
          "measured": "black", "floor": "tab:gray"}
# legends name each energy's kind (THEORY §8): every paradigm line is an estimate, never a floor
NAMES = {"landauer": r"Landauer reference $b\ kT\ \ln2$ (estimate)", "lim": "LIM (estimate)",
         "static_cim": "static CIM (estimate)", "accelerator": "accelerator (estimate)"}


# ---------------------------------------------------------------- panel (a)
def _workload_accelerator(w):
    """The workload's own hardware if the catalog can price it (bf16, else fp16, else fp32), else None."""
    if not w.hardware:
        return None, "bf16"
    for prec in ("bf16", "fp16", "fp32"):
        try:
            catalogs.accelerator(w.hardware).energy_per_flop_J(prec)
            return w.hardware, prec
        except CatalogError:
            continue
    return None, "bf16"


def panel_a(*, quick: bool = False, seed: int = 0) -> Panel:
    """Energy-to-solution against model size, 1e6..1e15 parameters (THEORY §4, §5)."""
    n = np.logspace(6, 15, 28 if quick else 64)
    e = {p: np.empty_like(n) for p in bounds.PARADIGMS}
    floor = np.empty_like(n)
    acc_key = ""
    for i, ni in enumerate(n):
        x = bounds.resolve(params=ni, tokens=CHINCHILLA_TOKENS_PER_PARAM * ni, bits=BITS_A, time_s=TIME_A_S)
        est = bounds.estimate(x)
        for p, b in est.items():
            e[p][i] = b.energy_J
        floor[i] = est["landauer"].extras["final_state_floor_J"]
        acc_key = x.accelerator
    series = [Series(f"{NAMES[p]}" + (f" ({acc_key}, bf16 peak)" if p == "accelerator" else ""), n, e[p],
                     style={"color": COLORS[p], **({"ls": "--"} if p == "landauer" else {})})
              for p in ("accelerator", "static_cim", "lim", "landauer")]
    series.append(Series(r"final-state floor $N\ b\ kT\ \ln2$", n, floor, style={"color": COLORS["floor"], "ls": ":", "lw": 1.5}))

    # catalog workloads: their own bounds (own tokens/FLOPs, time) and published energies
    names, pn, lim_e, acc_e, acc_n, meas_n, meas_e, meas_names = [], [], [], [], [], [], [], []
    for key, w in catalogs.load("workloads").items():
        if w.scenario or (w.tokens is None and w.flops is None):
            continue
        hw, prec = _workload_accelerator(w)
        x = bounds.resolve(workload=key, accelerator=hw, precision=prec)
        est = bounds.estimate(x)
        names.append(key)
        pn.append(w.params)
        lim_e.append(est["lim"].energy_J)
        acc_e.append(est["accelerator"].energy_J)
        acc_n.append(f"{key} on {est['accelerator'].extras['accelerator']}")
        if w.measured_energy_J is not None:
            meas_n.append(w.params)
            meas_e.append(w.measured_energy_J)
            meas_names.append(key)
    series.append(Series("catalog workloads: LIM estimate", pn, lim_e, kind="marker", labels=None,
                         style={"color": COLORS["lim"], "marker": "o", "mfc": "none"}))
    series.append(Series("catalog workloads: accelerator estimate", pn, acc_e, kind="marker",
                         style={"color": COLORS["accelerator"], "marker": "s", "mfc": "none"}))
    series.append(Series("published training energy", meas_n, meas_e, kind="marker", labels=meas_names,
                         style={"color": COLORS["measured"], "marker": "*", "ms": 10}))

    band = bounds.brain_scale_band()
    bn = catalogs.workload("brain-scale").params
    for p, c in (("lim", COLORS["lim"]), ("accelerator", COLORS["accelerator"])):
        series.append(Series(f"brain-scale band, {NAMES[p]}", [bn], [band["min"][p]], kind="vband", y2=[band["max"][p]],
                             style={"color": c}))
    note = (f"lines: tokens = {CHINCHILLA_TOKENS_PER_PARAM:g} x params (Chinchilla), FLOPs = 6ND = OPS (per-operation),\n"
            f"b = {BITS_A} bits, 30 days, T = {T_DEFAULT_K:g} K; markers: each workload's own recipe;\n"
            "bars at 1e15: brain-scale band, 3e11..3e12 tokens x 16..32 bits")
    ax = Axes("", "model size $N$ [parameters]", "energy-to-solution [J]", series, note=note, legend_loc="upper left",
              legend_ncol=2, ylim=(None, 1e32))
    ratio = band["min"]["accelerator_over_lim"], band["max"]["accelerator_over_lim"]
    return Panel("a", TITLES["a"], [ax],
                 notes=[f"Lines assume tokens = {CHINCHILLA_TOKENS_PER_PARAM:g} x parameters (Hoffmann et al. 2022, Chinchilla), "
                        f"FLOPs = 6 N D (Kaplan et al. 2020), per-operation counting OPS = FLOPs, b = {BITS_A}, "
                        f"time-to-solution 30 days, T = {T_DEFAULT_K:g} K, f0 = 1e9 /s (THEORY §2-§4).",
                        f"Accelerator line: best catalog part ({acc_key}), board power / dense BF16 peak; "
                        "workload markers use each workload's own hardware where the catalog prices it.",
                        f"Brain-scale band (THEORY §5): LIM {band['min']['lim']:.3g}..{band['max']['lim']:.3g} J; "
                        f"accelerator / LIM = 10^{math.log10(ratio[0]):.2f}..10^{math.log10(ratio[1]):.2f}.",
                        "Published energies are the sources' figures (catalog), not bounds."],
                 provenance={"params": [float(n[0]), float(n[-1]), len(n)], "tokens_per_param": CHINCHILLA_TOKENS_PER_PARAM,
                             "bits": BITS_A, "time_s": TIME_A_S, "accelerator": acc_key, "workloads": names,
                             "brain_scale_band": {"tokens": [3e11, 1e12, 3e12], "bits": [16, 24, 32]}})


# ---------------------------------------------------------------- panel (b)
def panel_b(*, quick: bool = False, seed: int = 0) -> Panel:
    """Energy per operation against precision b = 1..32 at fixed dt (THEORY §2)."""
    b = np.arange(1, 33)
    k = kT(T_DEFAULT_K)
    land = np.array([landauer_per_op_J(int(bi)) for bi in b]) / k
    lim = np.array([float(lim_tilt_kT(int(bi), DT_B_S)) for bi in b])
    sta = np.array([float(static_per_op_kT(int(bi), DT_B_S)) for bi in b])
    left = Axes(f"per-operation energy, dt = {DT_B_S:g} s", "precision b [bits]", "energy per operation [kT]",
                [Series(NAMES["static_cim"] + " (10 y retention)", b, sta, style={"color": COLORS["static_cim"], "marker": "."}),
                 Series(NAMES["lim"], b, lim, style={"color": COLORS["lim"], "marker": "."}),
                 Series(NAMES["landauer"], b, land, style={"color": COLORS["landauer"], "ls": "--"})],
                xlog=False, ylog=True, note=f"1 kT = {k:.4g} J at {T_DEFAULT_K:g} K; f0 = 1e9 /s")
    right = Axes("ratio to the Landauer reference", "precision b [bits]", "energy per operation / (b kT ln2)",
                 [Series("static CIM / Landauer", b, sta / land, style={"color": COLORS["static_cim"], "marker": "."}),
                  Series("LIM / Landauer", b, lim / land, style={"color": COLORS["lim"], "marker": "."})],
                 xlog=False, ylog=True)
    return Panel("b", TITLES["b"], [left, right],
                 notes=[f"dt = {DT_B_S:g} s per update, T = {T_DEFAULT_K:g} K, f0 = 1e9 /s; LIM e = kT ln(2^(b+1) - 1) while "
                        "precision-limited (THEORY §2b); static CIM max(D_prec, D_w) with 10-year retention at failure 1e-6 and "
                        "write failure 1e-6 (THEORY §2c); Landauer reference b kT ln 2 (THEORY §2a)."],
                 provenance={"bits": [1, 32], "dt_s": DT_B_S, "T_K": T_DEFAULT_K})


# ---------------------------------------------------------------- panel (c)
def panel_c(*, quick: bool = False, seed: int = 0) -> Panel:
    """Energy-speed trade-off: per-operation energy against dt = 1 fs .. 1 s (THEORY §2b, §2c)."""
    dt = np.logspace(-15, 0, 61 if quick else 151)
    lim = np.asarray(lim_tilt_kT(BITS_C, dt), dtype=float)
    bar = np.asarray(lim_barrier_kT(BITS_C, dt), dtype=float)
    sta = np.asarray(static_per_op_kT(BITS_C, dt), dtype=float)
    land = np.full_like(dt, landauer_per_op_J(BITS_C) / kT(T_DEFAULT_K))
    left = Axes(f"per-operation energy, b = {BITS_C}, f0 = 1e9 /s", "time per update dt [s]", "energy per operation [kT]",
                [Series(NAMES["static_cim"] + " (10 y retention)", dt, sta, style={"color": COLORS["static_cim"]}),
                 Series(NAMES["lim"], dt, lim, style={"color": COLORS["lim"]}),
                 Series(NAMES["landauer"] + " (flat)", dt, land, style={"color": COLORS["landauer"], "ls": "--"})],
                ylog=True)
    design = _design_points(quick)
    if design:
        x = np.array([r["dt_s"] for r in design])
        left.series += [
            Series("fixed tilt, reliable 1-level shift (master eq.)", x, [r["fixed_tilt_heat_kT"] for r in design],
                   kind="marker", style={"color": COLORS["lim"], "marker": "s", "mfc": "none"}),
            Series("shaped protocol, optimised (master eq.)", x, [r["shaped_heat_kT"] for r in design],
                   kind="marker", style={"color": "black", "marker": "o"})]
        pos = [r for r in design if r["shaped_floor_kT"] > 0]
        if pos:
            left.series.append(Series("floor §8a of the shaped protocol (where > 0)", [r["dt_s"] for r in pos],
                                      [r["shaped_floor_kT"] for r in pos], kind="marker",
                                      style={"color": COLORS["landauer"], "marker": "v"}))
    right = Axes("LIM barrier between updates", "time per update dt [s]", "barrier E_b* [kT]",
                 [Series("LIM barrier E_b*", dt, bar, style={"color": COLORS["lim"]}),
                  Series("retention barrier E_ret (10 y)", dt, np.full_like(dt, float(retention_barrier_kT(RETENTION_DEFAULT_S, D_RET_DEFAULT))),
                         style={"color": COLORS["static_cim"], "ls": ":"})],
                 ylog=False)
    return Panel("c", TITLES["c"], [left, right],
                 notes=[f"b = {BITS_C}, T = {T_DEFAULT_K:g} K, f0 = 1e9 /s. LIM: D = max(D_prec, 2 arcsinh(1/(2 f0 dt))), barrier "
                        "E_b* = ln(2 f0 dt sinh(D/2)) rising as updates slow (consolidation in place, THEORY §2b). Static CIM: "
                        "D_w = 2 ln(T_ret ln(1/d_w)/(d_ret dt)) (THEORY §2c). Landauer reference does not depend on dt.",
                        "Markers: one memory shifted by one level in dt to b bits (TV <= 2^-b; docs/theory.md §7a), exact "
                        "master-equation heat of the fixed tilt (the paper's protocol class) and of a 4-segment shaped "
                        "protocol optimised for heat, with the §8a floor of the shaped protocol (its own activity)."],
                 provenance={"dt_s": [1e-15, 1.0, len(dt)], "bits": BITS_C, "T_K": T_DEFAULT_K,
                             "protocol_design": [{k: r[k] for k in ("dt_f0", "fixed_tilt_heat_kT", "shaped_heat_kT",
                                                                    "shaped_floor_kT", "fixed_tilt_floor_kT")}
                                                 for r in design]})


#: dt * f0 of the protocol-design points in panel (c) (sim/protocol_design.py; docs/theory.md §7a)
DESIGN_DT_F0 = {"quick": (1.0, 1e3), "full": (1.0, 10.0, 100.0, 1e3, 1e4)}


def _design_points(quick: bool) -> list[dict]:
    """Fixed tilt, optimised shift and floor of one b-bit memory at a few dt (empty if sim is not in the tree)."""
    pd = _try_import("limbound.sim.protocol_design")
    if pd is None:
        return []
    return pd.design_table(bits=(BITS_C,), dt_f0=DESIGN_DT_F0["quick" if quick else "full"],
                           maxiter=20 if quick else 80)


# ---------------------------------------------------------------- optional panels (d)-(f)
def _missing(key: str, title: str, why: str) -> Panel:
    return Panel(key, title, status=f"not available: {why}")


def _try_import(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


DRAG_QUICK = {"taus": (0.25, 0.5, 2.0), "n_particles": 10_000}
DRAG_FULL = {"taus": (0.125, 0.25, 0.5, 2.0, 4.0), "n_particles": 100_000}


def panel_d(*, quick: bool = False, seed: int = 0) -> Panel:
    """Validation of the simulators against published physics (THEORY §7)."""
    v = _try_import("limbound.sim.validate")
    if v is None:
        return _missing("d", TITLES["d"], "limbound.sim.validate is not in this tree")
    from ..sim.protocols import kramers_time, linear_drag_work, optimal_drag_work

    cases = v.run_all(quick=quick, seed=seed)
    by = {c.name: c for c in cases}
    # Landauer erasure: excess work over the generalised bound against 1/tau
    er = [c for c in cases if c.name.startswith("landauer_erasure[")]
    tau = np.array([c.params["tau"] for c in er])
    exc = np.array([c.measured - c.detail.get("landauer_bound_kT", c.expected) for c in er])
    se = np.array([c.stderr for c in er])
    fit = by.get("landauer_quasistatic_limit")
    alpha = by.get("landauer_excess_exponent")
    ser_e = [Series(r"simulated mean work $-$ bound($p$) ($\pm$1 SE)", 1.0 / tau, exc, kind="errorbar", y2=se,
                    style={"color": "black"})]
    if fit is not None:
        xi = np.linspace(0.0, 1.05 / tau.min(), 50)
        ser_e.append(Series(r"fit $W = W_\infty + B/\tau$, minus bound (slowest)", xi,
                            fit.measured - fit.expected + fit.detail["slope_kT_time"] * xi,
                            style={"color": COLORS["lim"], "ls": "--"}))
    ax_e = Axes("Landauer erasure: excess work", r"$1/\tau$ [1 / time unit $\gamma a^2/kT$]", "excess work [$kT$]", ser_e,
                xlog=False, ylog=False,
                note=(f"fitted exponent {alpha.measured:.2f} $\\pm$ {alpha.stderr:.2f} (expected $-1$)" if alpha else ""))
    # Schmiedl-Seifert dragged trap: work against tau, optimal and linear protocols
    dcfg = DRAG_QUICK if quick else DRAG_FULL
    base = by["schmiedl_seifert_optimal"]
    prm = {k: base.params[k] for k in ("k", "L", "gamma")}
    drag = [c for c in cases if c.name.startswith("schmiedl_seifert_")]
    for t in dcfg["taus"]:
        drag += v.drag_cases(n_particles=dcfg["n_particles"], tau=t, seed=seed, **prm)
    pts = {}
    for c in drag:
        kind = c.params["protocol"]
        pts.setdefault(kind, []).append((c.params["tau"], c.measured, c.stderr))
    tt = np.logspace(np.log10(min(dcfg["taus"] + (1.0,)) / 1.5), np.log10(max(dcfg["taus"] + (1.0,)) * 1.5), 60)
    ser_d = [Series(r"optimal protocol, theory $\gamma L^2/(\tau + 2\gamma/k)$", tt,
                    [optimal_drag_work(tau=t, **prm) for t in tt], style={"color": COLORS["lim"]}),
             Series("linear protocol, theory", tt, [linear_drag_work(tau=t, **prm) for t in tt],
                    style={"color": COLORS["static_cim"], "ls": "--"})]
    for kind, col in (("optimal", COLORS["lim"]), ("linear", COLORS["static_cim"])):
        arr = np.array(sorted(pts.get(kind, [])))
        if arr.size:
            ser_d.append(Series(f"{kind}, simulated ($\\pm$1 SE)", arr[:, 0], arr[:, 1], kind="errorbar", y2=arr[:, 2],
                                style={"color": col, "marker": "o" if kind == "optimal" else "s"}))
    ax_d = Axes(f"dragged trap ($k$={prm['k']:g}, $L$={prm['L']:g}, $\\gamma$={prm['gamma']:g})",
                r"protocol time $\tau$ [time unit]", "mean work [$kT$]", ser_d, xlog=True, ylog=False)
    # Kramers: mean well-to-well time against barrier
    kr = [c for c in cases if c.name.startswith("kramers_mfpt[")]
    eb = np.array([c.params["barrier_kT"] for c in kr])
    ee = np.linspace(eb.min() - 0.5, eb.max() + 0.5, 40)
    a, g = kr[0].params["a"], kr[0].params["gamma"]
    ax_k = Axes("Kramers: well-to-well time", "barrier $E_b$ [$kT$]", "mean first-passage time [time unit]",
                [Series(r"Kramers asymptote $2\pi\gamma/\sqrt{U''_{\min}|U''_{\max}|}\;e^{E_b/kT}$", ee,
                        [kramers_time(barrier=e, a=a, gamma=g) for e in ee], style={"color": COLORS["landauer"], "ls": "--"}),
                 Series("exact 1-D MFPT (quadrature)", eb, [c.expected for c in kr], kind="marker",
                        style={"color": COLORS["lim"], "marker": "D", "mfc": "none", "ms": 9}),
                 Series(r"simulated ($\pm$1 SE)", eb, [c.measured for c in kr], kind="errorbar", y2=[c.stderr for c in kr],
                        style={"color": "black"})],
                xlog=False, ylog=True)
    table = [{"case": c.name, "measured": c.measured, "stderr": c.stderr, "expected": c.expected, "ok": "yes" if c.ok else "NO",
              "criterion": c.detail.get("criterion", "")} for c in cases]
    n_ok = sum(c.ok for c in cases)
    return Panel("d", TITLES["d"], [ax_e, ax_d, ax_k], table=table,
                 notes=[f"limbound.sim.validate.run_all(quick={quick}, seed={seed}): {n_ok} of {len(cases)} cases pass "
                        "their stated criterion (table). Simulation units: kT = 1, gamma = 1, well position a = 1.",
                        "Erasure: Berut et al., Nature 483, 187 (2012); Jun, Gavrilov & Bechhoefer, PRL 113, 190601 (2014): "
                        "mean work >= kT[ln 2 + p ln p + (1-p) ln(1-p)], excess ~ 1/tau.",
                        f"Dragged trap: Schmiedl & Seifert, PRL 98, 108301 (2007); extra durations {list(dcfg['taus'])} "
                        f"with {dcfg['n_particles']} particles each, plotted only (not in the table).",
                        "Kramers (1940); exact mean first-passage time by quadrature (THEORY §7)."],
                 provenance={"seed": seed, "quick": quick, "drag": {"taus": list(dcfg["taus"]),
                                                                     "n_particles": dcfg["n_particles"], **prm},
                             "cases": len(cases), "passed": n_ok})


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


def find_gset_dir(gset_dir=None) -> GsetChoice:
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


def panel_e(*, quick: bool = False, seed: int = 0, gset_dir=None) -> Panel:
    """G-set MaxCut table: cut quality and energy-to-solution per paradigm."""
    title = TITLES["e"]
    if _try_import("limbound.solvers.maxcut") is None or _try_import("limbound.solvers.ising") is None:
        return _missing("e", title, "limbound.solvers.ising / gset are not in this tree")
    from ..solvers.maxcut import random_maxcut_graph, read_best_known, read_gset, solve_maxcut

    cfg = GSET_QUICK if quick else GSET_FULL
    choice = find_gset_dir(gset_dir)
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
    rows, whole = [], []  # whole: the paradigms' estimates of the whole anneal, per read
    for g in graphs:
        bkc = best_known.get(g.name)
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
        whole.append({k: v / a.reads for k, v in pr["run_all_reads"].items() if k.endswith("_J")})
        rows.append({"graph": g.name, "nodes": g.n, "edges": g.m, "best_known_cut": bkc if bkc else None,
                     "target_cut": target, "sweeps": a.sweeps, "reads": a.reads, "best_cut": r.best_cut,
                     "mean_cut": r.mean_cut, "best_over_known": (r.best_cut / bkc) if bkc else None,
                     "mean_over_known": (r.mean_cut / bkc) if bkc else None,
                     "reads_reaching_target": int(a.reached.sum()) if target else None, "energy_basis": basis,
                     "LIM_measured_J": e["lim_measured_J"], "LIM_estimate_J": e.get("lim_estimate_J"),
                     "Landauer_J": e["landauer_J"],
                     "static_CIM_J": e["static_cim_J"], "accelerator_J": e["accelerator_J"],
                     "heat_per_read_J": law["mean_heat_J"], "heat_per_read_se_J": law["mean_heat_stderr_J"],
                     "floor_per_read_J": fl["floor_J"], "second_law_floor_per_read_J": law["floor_J"],
                     "first_law_residual": a.first_law_residual, "wall_s": a.wall_time_s})
    m = np.array([r["edges"] for r in rows], dtype=float)
    names = [r["graph"] for r in rows]
    few = len(rows) < 3  # one or two graphs (quick mode): a linear edge axis, not one point on a log axis
    # left: cut quality against the best-known cut (or the cut itself when none is known)
    known = all(r["best_known_cut"] for r in rows)
    if known:
        q_series = [Series("best cut / best-known", m, [r["best_over_known"] for r in rows], kind="marker", labels=names,
                           style={"color": COLORS["lim"], "marker": "o", "ms": 8}),
                    Series("mean cut / best-known", m, [r["mean_over_known"] for r in rows], kind="marker",
                           style={"color": COLORS["lim"], "marker": "o", "mfc": "none", "ms": 8}),
                    Series(f"target ({cfg['target_fraction']:g} x best-known)", m, [cfg["target_fraction"]] * len(rows),
                           kind="marker", style={"color": "0.4", "marker": "_", "ms": 20})]
        lowest = min([cfg["target_fraction"], *(r["mean_over_known"] for r in rows)])
        ax_q = Axes("cut quality", "edges of the graph", "cut / best-known cut", q_series, xlog=not few, ylog=False,
                    legend_loc="lower right", ylim=(min(0.95, lowest - 0.01), 1.005))
    else:
        ax_q = Axes("cut quality (no best-known cut)", "edges of the graph", "cut", [
            Series("best cut", m, [r["best_cut"] for r in rows], kind="marker", labels=names, style={"color": COLORS["lim"]}),
            Series("mean cut", m, [r["mean_cut"] for r in rows], kind="marker",
                   style={"color": COLORS["lim"], "mfc": "none"})], xlog=not few, ylog=False)
    # right: the whole anneal per read -- measured heat against its second-law floor, and the paradigms' estimates
    reads = np.array([r["reads"] for r in rows], dtype=float)
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
    zero_floor = "" if pos.all() else "; floor 0 J for " + ", ".join(n for n, p_ in zip(names, pos) if not p_) + " (not drawn)"
    ys = np.concatenate([np.ravel(np.asarray(sr.y, dtype=float)) for sr in h_series])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    lo, hi = float(ys.min()) / 10.0, float(ys.max()) * 10.0
    hi *= (hi / lo) ** 0.7  # room above the data for the legend (log axis)
    ax_h = Axes("heat per read, whole anneal", "edges of the graph", "energy per read [J]", h_series, xlog=not few,
                legend_loc="upper right", ylim=(lo, hi),
                note=f"{cfg['sweeps']} sweeps x {cfg['reads']} reads, FN schedule, seed {seed}{zero_floor}")
    del reads
    notes += [f"LIM Ising machine (limbound.solvers.ising, THEORY §6): {cfg['sweeps']} sweeps x {cfg['reads']} reads, "
              f"FN schedule lam(t) = lam0 ln(1 + t/t0), 1 ns per sweep at zero barrier; target cut = "
              f"{cfg['target_fraction']:g} x best-known. Measured heat is the simulator's exact energy book; the other "
              "paradigms price the same operation counts (Landauer kT ln 2 per spin update, static CIM e_static(b=1, dt) "
              "per flip, accelerator 2 FLOPs per attempt + 2 per nonzero touched at H100 SXM BF16 board power/peak; "
              "LIM estimate e_LIM(b=1, dt = one sweep) per spin update, predicted before the run).",
              "Energy is the mean per read that reached the target (until it first reached it) when a target exists and "
              "was reached; otherwise the whole anneal per read (column energy_basis)."]
    notes.append("Left: cut quality, best and mean cut of the reads over the best-known cut. Right: the whole anneal "
                 "per read, the measured heat (simulation, mean and standard error over reads) against its floor "
                 "(THEORY §8a: a spanning-tree upper estimate of the final entropy plus the speed term; 0 when too few "
                 "reads make the entropy estimate uninformative); the Landauer, static CIM and accelerator markers are "
                 "estimates of the same operation counts, not floors of this run.")
    return Panel("e", title, [ax_q, ax_h], table=rows, notes=notes,
                 provenance={"graphs": names, "sweeps": cfg["sweeps"], "reads": cfg["reads"], "seed": seed,
                             "target_fraction": cfg["target_fraction"], "gset_dir": str(folder) if folder else None,
                             "gset_source": choice.source,
                             "schedule": "fn"})


QP_QUICK = {"n": 20, "bits": (4, 6, 8, 10, 12), "reads": 4}
QP_FULL = {"n": 50, "bits": (4, 6, 8, 10, 12, 14, 16), "reads": 8}
TRAIN_QUICK = {"model": "logreg", "bits": (4, 6, 8, 10), "reads": 2, "epochs": 3}
TRAIN_FULL = {"model": "logreg", "bits": (4, 6, 8, 10, 12), "reads": 4, "epochs": 10}
DT_F_S = 1e-6


def panel_f(*, quick: bool = False, seed: int = 0) -> Panel:
    """Measured dissipation against the floor for QP and training (THEORY §6, §8)."""
    title = TITLES["f"]
    qp = _try_import("limbound.solvers.qp")
    tr = _try_import("limbound.solvers.train")
    if qp is None and tr is None:
        return _missing("f", title, "limbound.solvers.qp / train are not in this tree")
    axes, rows, notes, prov = [], [], [], {"seed": seed, "dt_s": DT_F_S}

    def _series(label_rows, xs):
        meas = np.array([r["dissipated_J"] for r in label_rows])
        sem = np.array([r["dissipated_sem_J"] for r in label_rows])
        bound = np.array([r["bound_J"] for r in label_rows])
        floor = np.array([r["floor_J"] for r in label_rows])
        est = np.array([r["estimate_J"] for r in label_rows])
        pos, fpos = bound > 0, floor > 0
        out = [Series(r"measured heat (mean over reads, $\pm$1 SE)", xs, meas, kind="errorbar", y2=sem, style={"color": "black"}),
               Series(r"LIM estimate $e_{\rm LIM}(b,\Delta t)\,N n$ (predicted before the run)", xs, est,
                      style={"color": COLORS["lim"], "ls": "--", "marker": "."}),
               Series(r"floor, finite time (THEORY §8a: entropy + speed)", xs[fpos], floor[fpos],
                      style={"color": COLORS["floor"], "marker": "v"}),
               Series(r"second-law floor $kT(N b \ln 2 - \sum_i H_i)$", xs[pos], bound[pos],
                      style={"color": COLORS["landauer"], "marker": "v", "ls": ":", "mfc": "none"})]
        return out

    def _row(problem, b, r, quality, quality_metric, converged):
        return {"problem": problem, "bits": b, "dissipated_J": r.dissipated_J,
                "dissipated_sem_J": r.dissipated_sem_J, "bound_J": r.bound_J, "floor_J": r.floor_J, "estimate_J": r.estimate_J,
                "tightness": r.tightness, "measured_over_estimate": r.measured_over_estimate,
                "quality": quality, "quality_metric": quality_metric, "updates": r.updates, "converged": converged}

    def _add(label_rows, axes_title):
        rows.extend(label_rows)
        xs = np.array([r["bits"] for r in label_rows], dtype=float)
        axes.append(Axes(axes_title, "precision b [bits]", "energy per run [J]", _series(label_rows, xs), xlog=False))

    if qp is not None:
        c = QP_QUICK if quick else QP_FULL
        problem = qp.random_qp(c["n"], seed=seed)
        qrows = []
        for b in c["bits"]:
            r = qp.solve_qp(problem, bits=b, reads=c["reads"], seed=seed, dt_s=DT_F_S)
            qrows.append(_row(f"QP random n={c['n']}", b, r, r.rel_gap, "relative objective gap to OSQP",
                              bool(r.converged)))
        _add(qrows, f"QP, random n = {c['n']} (kappa 10), gradient rule")
        notes.append(f"QP: limbound.solvers.qp.solve_qp on random_qp(n={c['n']}, seed={seed}) (kappa = 10, box "
                     f"[-1, 1]), gradient rule, {c['reads']} reads, dt = {DT_F_S:g} s; LIM estimate with the linear "
                     "class n = kappa b ln 2 (THEORY §3); quality = relative objective gap to OSQP.")
        prov["qp"] = {k: list(v) if isinstance(v, tuple) else v for k, v in c.items()}
    if tr is not None:
        c = TRAIN_QUICK if quick else TRAIN_FULL
        trows = []
        for b in c["bits"]:
            r = tr.train_digits(model=c["model"], bits=b, reads=c["reads"], epochs=c["epochs"], seed=seed, dt_s=DT_F_S)
            trows.append(_row(f"digits {c['model']}", b, r, r.test_accuracy,
                              f"test accuracy (float32: {r.float_test_accuracy:.3f})", None))
        _add(trows, f"training: digits, {c['model']}, {c['epochs']} epochs")
        notes.append(f"Training: limbound.solvers.train.train_digits(model={c['model']!r}) on scikit-learn digits, "
                     f"{c['epochs']} epochs, {c['reads']} reads, dt = {DT_F_S:g} s; LIM estimate with the stochastic "
                     "class n = 4^b (THEORY §3), which overestimates short runs; quality = test accuracy.")
        prov["train"] = {k: list(v) if isinstance(v, tuple) else v for k, v in c.items()}
    if qp is None or tr is None:
        notes.append("not available: " + ("limbound.solvers.qp" if qp is None else "limbound.solvers.train") + " is not in this tree")
    notes.append("Second-law floor (THEORY §6): kT (N b ln 2 - sum_i H_i), with an upper estimate of the final marginal "
                 "entropies over reads (the larger of Miller-Madow and the maximum entropy for the spread across reads); "
                 "points where it is 0 or below are not drawn on the log axis (see the table).")
    return Panel("f", title, axes, table=rows, notes=notes, provenance=prov)


BUILDERS = {"a": panel_a, "b": panel_b, "c": panel_c, "d": panel_d, "e": panel_e, "f": panel_f}
# (g), (h): uncertainty bands and sensitivity of the brain-scale projection (report/uncertainty_panels.py)
from .uncertainty_panels import FIG_FILES_GH, TITLES_GH, panel_g, panel_h  # noqa: E402
PANELS = PANELS + ("g", "h")
FIG_FILES.update(FIG_FILES_GH)
TITLES.update(TITLES_GH)
BUILDERS.update({"g": panel_g, "h": panel_h})


# ---------------------------------------------------------------- orchestration
@dataclass
class ReproduceResult:
    """What :func:`reproduce` wrote, with the status and timing of every panel."""

    out_dir: Path
    files: dict = field(default_factory=dict)
    panels: list = field(default_factory=list)
    seconds: float = 0.0
    seed: int = 0
    quick: bool = False

    @property
    def report(self) -> Path:
        return Path(self.files["report"])

    def as_dict(self) -> dict:
        return {"version": __version__, "seed": self.seed, "quick": self.quick, "out_dir": str(self.out_dir),
                "seconds": round(self.seconds, 3), "files": {k: str(v) for k, v in self.files.items()},
                "panels": [{"key": p.key, "title": p.title, "status": p.status, "seconds": round(p.seconds, 3),
                            "notes": p.notes, "provenance": p.provenance} for p in self.panels]}


def parse_only(text) -> tuple:
    """Parse ``--only a,b,c`` to a tuple of panel keys (all panels when not given).

    Exact, comma-separated keys, as ``validate --only``: an empty string or an
    empty item (``a,,b``) is refused rather than read as "everything".
    """
    if text is None:
        return PANELS
    keys = [k.strip().lower() for k in (text.split(",") if isinstance(text, str) else text)]
    bad = [k for k in keys if k not in PANELS]
    if bad or not keys:
        raise ParameterError(f"only={text!r} names unknown panels; allowed: comma-separated subset of {','.join(PANELS)}")
    return tuple(k for k in PANELS if k in keys)


def _csv_text(rows, columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: _fmt(r.get(c, "")) for c in columns})
    return buf.getvalue()


def _fmt(v):
    """CSV cell: floats at full precision (plain Python repr, also for numpy scalars), non-finite and None empty."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v)) if math.isfinite(v) else ""
    if isinstance(v, np.integer):
        return int(v)
    return "" if v is None else v


CSV_COLUMNS = ("panel", "subplot", "series", "kind", "index", "x", "y", "y2", "label", "x_label", "y_label")


def reproduce(out_dir, *, quick: bool = False, seed: int = 0, only=None, progress: bool = True,
              gset_dir=None, force: bool = False) -> ReproduceResult:
    """Regenerate every figure, table, CSV and the HTML report into ``out_dir``.

    Parameters
    ----------
    out_dir : folder to write (created; existing files of the report are replaced)
    quick : small grids and short simulations (finishes in under 2 minutes on 2 cores)
    seed : seed of every random panel (simulations, annealing, training)
    only : panel keys to build (e.g. ``"a,b,c"``); the others are listed as skipped
    progress : show a rich progress bar (on a terminal)
    gset_dir : folder of G-set graphs for panel (e); default: ``$LIMBOUND_GSET_DIR``, else the repository's
        ``../shared/benchmarks/gset`` (dev checkout), else a seeded random graph (:func:`find_gset_dir`).
        The choice and the path are recorded in ``provenance.json`` (``gset``) and in the HTML.
    force : write into a folder another limbound command wrote (e.g. a sweep's ``--out``); refused otherwise

    The folder policy is :mod:`limbound.fileio`'s: every file the run writes must be a regular file or absent
    (checked before any work); ``DIR/INCOMPLETE`` exists while the run works and stays, with the error, if it
    fails -- so a half report never passes for a whole one.

    Returns
    -------
    ReproduceResult with the paths written and the status of every panel.
    """
    keys = parse_only(only)
    seed = check_seed(seed)
    from ..fileio import check_owner, claim_out_dir, clear_incomplete, make_out_dir, mark_incomplete

    # a bad --gset-dir is refused before any work (also when panel (e) is not built); recorded only with (e)
    gset = find_gset_dir(gset_dir) if ("e" in keys or gset_dir is not None) else None
    gset = gset if "e" in keys else None
    from ..fileio import check_out_dir
    check_out_dir(out_dir, files=["report.html", "provenance.json", "data/figure_data.csv", "data/table_e.csv",
                                  *(f"figures/{f}" for f in FIG_FILES.values())])
    for sub in ("figures", "data"):  # these two must be folders (or absent)
        q = Path(out_dir) / sub
        if q.exists() and not q.is_dir():
            raise ParameterError(f"--out={str(out_dir)!r}: {sub} there is not a folder; allowed: a folder where "
                                 f"{sub} is a folder or absent")
    check_owner(out_dir, "reproduce", force=force)
    out = make_out_dir(out_dir)  # last check before any work: a bad --out is refused with nothing written
    claim_out_dir(out, "reproduce")
    mark_incomplete(out, "limbound reproduce is running (or was killed)")
    try:
        res = _build(out, keys, quick, seed, gset, progress)
    except BaseException as exc:
        mark_incomplete(out, f"limbound reproduce failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                        " -- the files here are partial")
        raise
    clear_incomplete(out)
    return res


def _build(out, keys, quick, seed, gset, progress) -> ReproduceResult:
    from . import html
    from .figures import render

    t0 = time.perf_counter()
    res = ReproduceResult(out_dir=out, seed=int(seed), quick=bool(quick))
    figs = {}
    with _progress(progress) as bar:
        task = bar.add_task("reproduce", total=len(PANELS) + 1)
        for key in PANELS:
            bar.update(task, description=f"panel ({key})")
            if key not in keys:
                panel = Panel(key, TITLES[key], status="not available: skipped (--only)")
            else:
                t = time.perf_counter()
                kw = {"gset_dir": gset} if key == "e" else {}
                panel = BUILDERS[key](quick=quick, seed=int(seed), **kw)
                if panel.ok and panel.axes:
                    figs[key] = render(panel, out / "figures" / FIG_FILES[key])
                    res.files[f"figure_{key}"] = figs[key]
                if panel.ok and panel.table is not None:
                    cols = list(panel.table[0]) if panel.table else []
                    p = out / "data" / f"table_{key}.csv"
                    atomic_write_text(p, _csv_text(panel.table, cols))
                    res.files[f"table_{key}"] = p
                panel.seconds = time.perf_counter() - t
            res.panels.append(panel)
            bar.advance(task)
        bar.update(task, description="CSV, HTML")
        rows = [r for p in res.panels if p.ok for r in p.rows()]
        res.files["csv"] = out / "data" / "figure_data.csv"
        atomic_write_text(res.files["csv"], _csv_text(rows, CSV_COLUMNS))
        res.seconds = time.perf_counter() - t0
        cmd = f"limbound reproduce --out {out}{' --quick' if quick else ''} --seed {int(seed)}" + (
            f" --only {','.join(keys)}" if keys != PANELS else "") + (
            f" --gset-dir {gset.path}" if gset is not None and gset.source == "--gset-dir" else "")
        prov = {**res.as_dict(), "command": cmd, "python": platform.python_version(), "numpy": np.__version__,
                "generated_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if gset is not None:
            prov["gset"] = gset.as_dict()
        res.files["provenance"] = out / "provenance.json"
        res.files["report"] = out / "report.html"
        prov["files"] = {k: str(v) for k, v in res.files.items()}
        atomic_write_text(res.files["provenance"], dumps(prov) + "\n")
        atomic_write_text(res.files["report"], html.build(res.panels, figs, prov, out))
        bar.advance(task)
    res.seconds = time.perf_counter() - t0
    return res


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def add_task(self, *a, **k):
        return 0

    def update(self, *a, **k):
        pass

    def advance(self, *a, **k):
        pass


def _progress(enabled: bool):
    if not enabled:
        return _NoBar()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<16}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=False)


__all__ = ["reproduce", "ReproduceResult", "PANELS", "BUILDERS", "parse_only", "find_gset_dir", "GsetChoice",
           "panel_a", "panel_b", "panel_c",
           "panel_d", "panel_e", "panel_f", "CHINCHILLA_TOKENS_PER_PARAM"]
