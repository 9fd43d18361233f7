"""Panels (a)-(c) of the report: the model's estimates and floors, no simulation (THEORY §2-§5).

(a) energy-to-solution against model size, (b) energy per operation against precision, (c) the energy-speed
trade-off, with the protocol-design markers of docs/theory.md §7a where :mod:`limbound.sim` is installed.
"""
from __future__ import annotations

import math

import numpy as np

from .. import bounds, catalogs
from ..constants import DAY_S, T_DEFAULT_K, kT
from ..errors import CatalogError
from ..physics import landauer_per_op_J, lim_barrier_kT, lim_tilt_kT, retention_barrier_kT, static_per_op_kT
from ..physics.static import D_RET_DEFAULT, RETENTION_DEFAULT_S
from .figures import Axes, Panel, Series
from .panel_common import COLORS, NAMES, TITLES, _try_import

#: Tokens per parameter of the size sweep of panel (a): Hoffmann et al.
#: (Chinchilla), arXiv 2203.15556 -- compute-optimal training uses ~20 tokens per parameter.
CHINCHILLA_TOKENS_PER_PARAM = 20.0
TIME_A_S = 30 * DAY_S
BITS_A = 16
DT_B_S = 1e-6
BITS_C = 16


# ---------------------------------------------------------------- panel (a)
def _workload_accelerator(w: catalogs.Workload) -> tuple[str | None, str]:
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


def _workload_series() -> tuple[list, list]:
    """(names, series) of the catalog workloads in panel (a): their own estimates (own tokens/FLOPs, time, hardware)
    and published energies."""
    names, pn, lim_e, acc_e, meas_n, meas_e, meas_names = [], [], [], [], [], [], []
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
        if w.measured_energy_J is not None:
            meas_n.append(w.params)
            meas_e.append(w.measured_energy_J)
            meas_names.append(key)
    series = [Series("catalog workloads: LIM estimate", pn, lim_e, kind="marker", labels=None,
                     style={"color": COLORS["lim"], "marker": "o", "mfc": "none"}),
              Series("catalog workloads: accelerator estimate", pn, acc_e, kind="marker",
                     style={"color": COLORS["accelerator"], "marker": "s", "mfc": "none"}),
              Series("published training energy", meas_n, meas_e, kind="marker", labels=meas_names,
                     style={"color": COLORS["measured"], "marker": "*", "ms": 10})]
    return names, series


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

    names, workload_series = _workload_series()
    series += workload_series

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
                 provenance={"bits": [1, 32], "dt_s": DT_B_S, "temperature_K": T_DEFAULT_K})


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
                 provenance={"dt_s": [1e-15, 1.0, len(dt)], "bits": BITS_C, "temperature_K": T_DEFAULT_K,
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
