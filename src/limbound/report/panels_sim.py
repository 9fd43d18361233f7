"""Panels (d) and (f) of the report: the simulators against published physics, and measured dissipation of the
QP solver and of training against the floor (THEORY §6-§8).  Each is "not available" when its module is absent.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .figures import Axes, Panel, Series
from .panel_common import COLORS, TITLES, _missing, _try_import

DRAG_QUICK = {"taus": (0.25, 0.5, 2.0), "n_particles": 10_000}
DRAG_FULL = {"taus": (0.125, 0.25, 0.5, 2.0, 4.0), "n_particles": 100_000}


def _erasure_axes(cases: list[Any], by: dict[str, Any]) -> Axes:
    """Landauer erasure: excess work over the generalised bound against 1/tau."""
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
    return Axes("Landauer erasure: excess work", r"$1/\tau$ [1 / time unit $\gamma a^2/kT$]", "excess work [$kT$]", ser_e,
                xlog=False, ylog=False,
                note=(f"fitted exponent {alpha.measured:.2f} $\\pm$ {alpha.stderr:.2f} (expected $-1$)" if alpha else ""))


def _drag_axes(v: ModuleType, cases: list[Any], dcfg: dict, prm: dict, seed: int) -> Axes:
    """Schmiedl-Seifert dragged trap: work against tau, optimal and linear protocols (extra durations simulated)."""
    from ..physics.thermo import linear_drag_work, optimal_drag_work

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
    return Axes(f"dragged trap ($k$={prm['k']:g}, $L$={prm['L']:g}, $\\gamma$={prm['gamma']:g})",
                r"protocol time $\tau$ [time unit]", "mean work [$kT$]", ser_d, xlog=True, ylog=False)


def _kramers_axes(cases: list[Any]) -> Axes:
    """Kramers: mean well-to-well time against barrier."""
    from ..physics.thermo import kramers_time

    kr = [c for c in cases if c.name.startswith("kramers_mfpt[")]
    eb = np.array([c.params["barrier_kT"] for c in kr])
    ee = np.linspace(eb.min() - 0.5, eb.max() + 0.5, 40)
    a, g = kr[0].params["a"], kr[0].params["gamma"]
    return Axes("Kramers: well-to-well time", "barrier $E_b$ [$kT$]", "mean first-passage time [time unit]",
                [Series(r"Kramers asymptote $2\pi\gamma/\sqrt{U''_{\min}|U''_{\max}|}\;e^{E_b/kT}$", ee,
                        [kramers_time(barrier=e, a=a, gamma=g) for e in ee], style={"color": COLORS["landauer"], "ls": "--"}),
                 Series("exact 1-D MFPT (quadrature)", eb, [c.expected for c in kr], kind="marker",
                        style={"color": COLORS["lim"], "marker": "D", "mfc": "none", "ms": 9}),
                 Series(r"simulated ($\pm$1 SE)", eb, [c.measured for c in kr], kind="errorbar", y2=[c.stderr for c in kr],
                        style={"color": "black"})],
                xlog=False, ylog=True)


def panel_d(*, quick: bool = False, seed: int = 0) -> Panel:
    """Validation of the simulators against published physics (THEORY §7)."""
    v = _try_import("limbound.sim.validate")
    if v is None:
        return _missing("d", TITLES["d"], "limbound.sim.validate is not in this tree")
    cases = v.run_all(quick=quick, seed=seed)
    by = {c.name: c for c in cases}
    dcfg = DRAG_QUICK if quick else DRAG_FULL
    base = by["schmiedl_seifert_optimal"]
    prm = {k: base.params[k] for k in ("k", "L", "gamma")}
    axes = [_erasure_axes(cases, by), _drag_axes(v, cases, dcfg, prm, seed), _kramers_axes(cases)]
    table = [{"case": c.name, "measured": c.measured, "stderr": c.stderr, "expected": c.expected, "ok": "yes" if c.ok else "NO",
              "criterion": c.detail.get("criterion", "")} for c in cases]
    n_ok = sum(c.ok for c in cases)
    return Panel("d", TITLES["d"], axes, table=table,
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


QP_QUICK = {"n": 20, "bits": (4, 6, 8, 10, 12), "reads": 4}
QP_FULL = {"n": 50, "bits": (4, 6, 8, 10, 12, 14, 16), "reads": 8}
TRAIN_QUICK = {"model": "logreg", "bits": (4, 6, 8, 10), "reads": 2, "epochs": 3}
TRAIN_FULL = {"model": "logreg", "bits": (4, 6, 8, 10, 12), "reads": 4, "epochs": 10}
DT_F_S = 1e-6


def _f_series(label_rows: list[dict], xs: np.ndarray) -> list[Series]:
    """Measured heat, the LIM estimate and the two floors of one panel (f) subplot, against precision ``xs``."""
    meas = np.array([r["heat_J"] for r in label_rows])
    sem = np.array([r["heat_sem_J"] for r in label_rows])
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


def _f_row(problem: str, b: int, r: Any, quality: float, quality_metric: str, converged: bool | None) -> dict:
    """One table row of panel (f): a run's heat, floors, estimate and quality."""
    return {"problem": problem, "bits": b, "heat_J": r.heat_J,
            "heat_sem_J": r.heat_sem_J, "bound_J": r.bound_J, "floor_J": r.floor_J, "estimate_J": r.estimate_J,
            "tightness": r.tightness, "measured_over_estimate": r.measured_over_estimate,
            "quality": quality, "quality_metric": quality_metric, "updates": r.updates, "converged": converged}


def _f_axes(label_rows: list[dict], axes_title: str) -> Axes:
    xs = np.array([r["bits"] for r in label_rows], dtype=float)
    return Axes(axes_title, "precision b [bits]", "energy per run [J]", _f_series(label_rows, xs), xlog=False)


def _f_qp(qp: ModuleType, c: dict, seed: int) -> tuple[list[dict], Axes, str]:
    """(rows, axes, note) of the QP runs of panel (f)."""
    problem = qp.random_qp(c["n"], seed=seed)
    qrows = []
    for b in c["bits"]:
        r = qp.solve_qp(problem, bits=b, reads=c["reads"], seed=seed, dt_s=DT_F_S)
        qrows.append(_f_row(f"QP random n={c['n']}", b, r, r.rel_gap, "relative objective gap to OSQP",
                            bool(r.converged)))
    note = (f"QP: limbound.solvers.qp.solve_qp on random_qp(n={c['n']}, seed={seed}) (kappa = 10, box "
            f"[-1, 1]), gradient rule, {c['reads']} reads, dt = {DT_F_S:g} s; LIM estimate with the linear "
            "class n = kappa b ln 2 (THEORY §3); quality = relative objective gap to OSQP.")
    return qrows, _f_axes(qrows, f"QP, random n = {c['n']} (kappa 10), gradient rule"), note


def _f_train(tr: ModuleType, c: dict, seed: int) -> tuple[list[dict], Axes, str]:
    """(rows, axes, note) of the training runs of panel (f)."""
    trows = []
    for b in c["bits"]:
        r = tr.train_digits(model=c["model"], bits=b, reads=c["reads"], epochs=c["epochs"], seed=seed, dt_s=DT_F_S)
        trows.append(_f_row(f"digits {c['model']}", b, r, r.test_accuracy,
                            f"test accuracy (float32: {r.float_test_accuracy:.3f})", None))
    note = (f"Training: limbound.solvers.train.train_digits(model={c['model']!r}) on scikit-learn digits, "
            f"{c['epochs']} epochs, {c['reads']} reads, dt = {DT_F_S:g} s; LIM estimate with the stochastic "
            "class n = 4^b (THEORY §3), which overestimates short runs; quality = test accuracy.")
    return trows, _f_axes(trows, f"training: digits, {c['model']}, {c['epochs']} epochs"), note


def panel_f(*, quick: bool = False, seed: int = 0) -> Panel:
    """Measured dissipation against the floor for QP and training (THEORY §6, §8)."""
    title = TITLES["f"]
    qp = _try_import("limbound.solvers.qp")
    tr = _try_import("limbound.solvers.train")
    if qp is None and tr is None:
        return _missing("f", title, "limbound.solvers.qp / train are not in this tree")
    axes, rows, notes, prov = [], [], [], {"seed": seed, "dt_s": DT_F_S}
    for mod, name, build, cfg in ((qp, "qp", _f_qp, QP_QUICK if quick else QP_FULL),
                                  (tr, "train", _f_train, TRAIN_QUICK if quick else TRAIN_FULL)):
        if mod is None:
            continue
        r, ax, note = build(mod, cfg, seed)
        rows.extend(r)
        axes.append(ax)
        notes.append(note)
        prov[name] = {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()}
    if qp is None or tr is None:
        notes.append("not available: " + ("limbound.solvers.qp" if qp is None else "limbound.solvers.train") + " is not in this tree")
    notes.append("Second-law floor (THEORY §6): kT (N b ln 2 - sum_i H_i), with an upper estimate of the final marginal "
                 "entropies over reads (the larger of Miller-Madow and the maximum entropy for the spread across reads); "
                 "points where it is 0 or below are not drawn on the log axis (see the table).")
    return Panel("f", title, axes, table=rows, notes=notes, provenance=prov)
