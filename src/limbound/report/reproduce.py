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
against the bound for QP and training.
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
from ..cli._common import atomic_write_text, dumps
from ..constants import DAY_S, T_DEFAULT_K, kT
from ..errors import CatalogError, ParameterError
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

COLORS = {"landauer": "tab:blue", "lim": "tab:green", "static_cim": "tab:orange", "accelerator": "tab:red",
          "measured": "black", "floor": "tab:gray"}
NAMES = {"landauer": "Landauer reference b kT ln2", "lim": "LIM", "static_cim": "static CIM", "accelerator": "accelerator"}


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
    series.append(Series("final-state floor N b kT ln2", n, floor, style={"color": COLORS["floor"], "ls": ":", "lw": 1.5}))

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
    series.append(Series("catalog workloads: LIM bound", pn, lim_e, kind="marker", labels=None,
                         style={"color": COLORS["lim"], "marker": "o", "mfc": "none"}))
    series.append(Series("catalog workloads: accelerator bound (own hardware)", pn, acc_e, kind="marker",
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
    ax = Axes("", "model size N [parameters]", "energy-to-solution [J]", series, note=note, legend_outside=True)
    ratio = band["min"]["accelerator_over_lim"], band["max"]["accelerator_over_lim"]
    return Panel("a", "Energy-to-solution against model size", [ax],
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
    return Panel("b", "Energy per operation against precision", [left, right],
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
    right = Axes("LIM barrier between updates", "time per update dt [s]", "barrier E_b* [kT]",
                 [Series("LIM barrier E_b*", dt, bar, style={"color": COLORS["lim"]}),
                  Series("retention barrier E_ret (10 y)", dt, np.full_like(dt, float(retention_barrier_kT(RETENTION_DEFAULT_S, D_RET_DEFAULT))),
                         style={"color": COLORS["static_cim"], "ls": ":"})],
                 ylog=False)
    return Panel("c", "Energy-speed trade-off", [left, right],
                 notes=[f"b = {BITS_C}, T = {T_DEFAULT_K:g} K, f0 = 1e9 /s. LIM: D = max(D_prec, 2 arcsinh(1/(2 f0 dt))), barrier "
                        "E_b* = ln(2 f0 dt sinh(D/2)) rising as updates slow (consolidation in place, THEORY §2b). Static CIM: "
                        "D_w = 2 ln(T_ret ln(1/d_w)/(d_ret dt)) (THEORY §2c). Landauer reference does not depend on dt."],
                 provenance={"dt_s": [1e-15, 1.0, len(dt)], "bits": BITS_C, "T_K": T_DEFAULT_K})


# ---------------------------------------------------------------- optional panels (d)-(f)
def _missing(key: str, title: str, why: str) -> Panel:
    return Panel(key, title, status=f"not available: {why}")


def _try_import(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def panel_d(*, quick: bool = False, seed: int = 0) -> Panel:
    """Validation of the simulators against published physics (THEORY §7)."""
    mod = _try_import("limbound.sim.validate")
    if mod is None:
        return _missing("d", "Validation against published physics", "limbound.sim.validate is not in this tree")
    return _panel_d_from(mod, quick=quick, seed=seed)


def _panel_d_from(mod, *, quick, seed):  # replaced once limbound.sim.validate has landed
    return _missing("d", "Validation against published physics", "limbound.sim.validate is not wired into the report yet")


def panel_e(*, quick: bool = False, seed: int = 0) -> Panel:
    """G-set MaxCut table: cut quality and energy-to-solution per paradigm."""
    if _try_import("limbound.solvers.gset") is None or _try_import("limbound.solvers.ising") is None:
        return _missing("e", "G-set MaxCut: cut quality and energy-to-solution", "limbound.solvers.ising / gset are not in this tree")
    return _panel_e_impl(quick=quick, seed=seed)


def _panel_e_impl(*, quick, seed):
    return _missing("e", "G-set MaxCut: cut quality and energy-to-solution", "limbound.solvers.ising is not wired into the report yet")


def panel_f(*, quick: bool = False, seed: int = 0) -> Panel:
    """Measured dissipation against the bound for QP and training (THEORY §6)."""
    if _try_import("limbound.solvers.qp") is None and _try_import("limbound.solvers.train") is None:
        return _missing("f", "Measured dissipation against the bound: QP and training", "limbound.solvers.qp / train are not in this tree")
    return _panel_f_impl(quick=quick, seed=seed)


def _panel_f_impl(*, quick, seed):
    return _missing("f", "Measured dissipation against the bound: QP and training", "limbound.solvers.qp / train are not wired into the report yet")


BUILDERS = {"a": panel_a, "b": panel_b, "c": panel_c, "d": panel_d, "e": panel_e, "f": panel_f}


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
    """Parse ``--only a,b,c`` to a tuple of panel keys (all panels when empty)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return PANELS
    keys = [k.strip().lower() for k in (text.split(",") if isinstance(text, str) else text) if k.strip()]
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
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    return v


CSV_COLUMNS = ("panel", "subplot", "series", "kind", "index", "x", "y", "y2", "label", "x_label", "y_label")


def reproduce(out_dir, *, quick: bool = False, seed: int = 0, only=None, progress: bool = True) -> ReproduceResult:
    """Regenerate every figure, table, CSV and the HTML report into ``out_dir``.

    Parameters
    ----------
    out_dir : folder to write (created; existing files of the report are replaced)
    quick : small grids and short simulations (finishes in under 2 minutes on 2 cores)
    seed : seed of every random panel (simulations, annealing, training)
    only : panel keys to build (e.g. ``"a,b,c"``); the others are listed as skipped
    progress : show a rich progress bar (on a terminal)

    Returns
    -------
    ReproduceResult with the paths written and the status of every panel.
    """
    from . import html
    from .figures import render

    keys = parse_only(only)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed={seed!r} is not allowed; allowed: an integer >= 0")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = ReproduceResult(out_dir=out, seed=int(seed), quick=bool(quick))
    figs = {}
    with _progress(progress) as bar:
        task = bar.add_task("reproduce", total=len(PANELS) + 1)
        for key in PANELS:
            bar.update(task, description=f"panel ({key})")
            if key not in keys:
                panel = Panel(key, BUILDERS[key].__doc__.splitlines()[0].rstrip("."), status="not available: skipped (--only)")
            else:
                t = time.perf_counter()
                panel = BUILDERS[key](quick=quick, seed=int(seed))
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
        prov = {**res.as_dict(), "python": platform.python_version(), "numpy": np.__version__,
                "generated_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
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


__all__ = ["reproduce", "ReproduceResult", "PANELS", "BUILDERS", "parse_only", "panel_a", "panel_b", "panel_c",
           "panel_d", "panel_e", "panel_f", "CHINCHILLA_TOKENS_PER_PARAM"]
