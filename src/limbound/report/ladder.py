"""The ladder: one workload from its floor up to measured hardware, every rung with its kind and source.

``workload_ladder`` (a training run of the workloads catalog) lists, in this
order: the floor of THEORY §8a (second law + speed term), the paper's
estimates (LIM, static and volatile CIM), measured chips of the ``chips``
catalog, accelerators at their published efficiency, and the run's own
published energy.  ``ising_ladder`` does the same for a G-set MaxCut
instance: the second-law floor of the anneal, the LIM annealer's measured
energy- and time-to-target (TTS99 = t_run ln(0.01)/ln(1 - p_success)), and the
``ising_machines`` catalog.

Units are converted explicitly (``catalogs.energy_per_count_J``) and a rung
whose count does not match the workload's (energy per video frame against
training FLOPs; another MaxCut instance) is *refused* with a one-line reason,
never scaled.  Rows whose value was not read in the source's own text
(``verified = false``) are left out unless ``include_unverified``.  The rung
kinds are those of THEORY §8; the reading rules are in ``docs/ladder.md``.
"""
from __future__ import annotations

import math
from pathlib import Path

from .. import bounds, catalogs
from ..counting import restarts_for_99
from ..errors import ParameterError
from ..physics.floors import workload_floors
from ..specs import ISING_LADDER, WORKLOAD_LADDER


def _row(rung: str, kind: str, energy_J: float | None, counted: str, source: str, *, status: str = "compared",
         conversion: str = "", reason: str = "", **extra: object) -> dict:
    """One rung; ``status`` is compared, refused, or excluded (unverified), ``reason`` says why in one line."""
    return {"rung": rung, "kind": kind, "energy_J": energy_J, "counted": counted, "conversion": conversion,
            "source": source, "status": status, "reason": reason, **extra}

EXCLUDED = "excluded (unverified)"
_UNREAD = "not read in the source's own text"


def _chip_rows(x_op: bounds.Inputs, x_upd: bounds.Inputs | None, include_unverified: bool) -> list[dict]:
    rows = []
    for c in catalogs.load("chips").values():
        label = f"chip: {c.name}"
        src = f"{c.source}; read: {c.where_read}; printed: {c.value_as_printed}"
        if not c.verified and not include_unverified:
            rows.append(_row(label, "measured", None, c.counts, src, status=EXCLUDED, reason=_UNREAD))
            continue
        tag = "" if c.verified else "UNVERIFIED "
        if c.value is None:
            rows.append(_row(label, "measured", None, c.counts, src, status=f"{tag}refused", reason="only a relative claim was read"))
            continue
        e = c.energy_per_count_J()
        if c.counts == "operation":
            rows.append(_row(label, "measured", e * x_op.flops, "training FLOPs", src, status=f"{tag}compared".strip(),
                             conversion=f"{c.value:g} {c.unit} = {e:.3g} J per op (multiply or add; a MAC is 2) x "
                                        f"{x_op.flops:.3g} FLOPs, 1 op taken as 1 FLOP; measured on "
                                        f"{'training' if c.training else 'inference'} at the chip's precision, not the run's"))
        elif c.counts == "update" and x_upd is not None:
            rows.append(_row(label, "measured", e * x_upd.ops, "parameter updates (per-update counting)", src,
                             status=f"{tag}compared".strip(),
                             conversion=f"{c.value:g} {c.unit} per update = {e:.3g} J x {x_upd.ops:.3g} updates "
                                        f"(N tokens / batch); the arithmetic of training not counted"))
        else:
            rows.append(_row(label, "measured", None, c.counts, src,
                             status=f"{tag}refused", reason=f"counts energy per {c.counts}; the workload counts "
                                                            f"FLOPs and parameter updates (apples to oranges)"))
    return rows


@WORKLOAD_LADDER.validates
def workload_ladder(workload: str, *, include_unverified: bool = False, **kw: object) -> dict:
    """Floor -> estimates -> measured chips -> accelerators -> the run's published energy, for one catalog workload."""
    w = catalogs.workload(workload)
    x = bounds.resolve(workload=workload, **kw)
    est = bounds.estimate(x)
    x_upd = bounds.resolve(workload=workload, counting="per-update", **kw) if w.tokens is not None else None
    fl = workload_floors(params=x.params, bits=x.bits, f0_hz=x.f0_hz, tau_s=x.time_s, temperature_K=x.temperature_K)
    rows = [_row("floor: second law + speed term (THEORY §8a)", "floor", fl["total_J"],
                 f"N = {x.params:.3g} parameters to b = {x.bits} bits in tau = {x.time_s:.3g} s", "; ".join(fl["sources"]))]
    for p in ("lim", "static_cim", "volatile_cim"):
        if p in est:
            rows.append(_row(f"estimate: {p}", "estimate", est[p].energy_J, f"OPS = {x.ops:.3g} ({x.counting})",
                             "; ".join(est[p].sources)))
    if x_upd is not None:
        rows.append(_row("estimate: lim, per-update counting", "estimate",
                         bounds.energy_to_solution(x_upd, "lim").energy_J, f"OPS = {x_upd.ops:.3g} (per-update)", "THEORY §2b, §3"))
    rows += _chip_rows(x, x_upd, include_unverified)
    hw = [w.hardware] if w.hardware else []
    for key in dict.fromkeys(hw + [x.accelerator]):
        acc = catalogs.accelerator(key)
        for prec in (x.precision, "fp16", "fp32"):
            try:
                e = acc.energy_per_flop_J(prec)
                break
            except catalogs.CatalogError:
                e = None
        if e is not None:
            rows.append(_row(f"accelerator: {acc.name} ({prec} dense peak)", "estimate", e * x.flops, "training FLOPs",
                             acc.source, conversion=f"{e:.3g} J per FLOP (board power / dense peak) x {x.flops:.3g} FLOPs"))
    if w.measured_energy_J is not None:
        rows.append(_row(f"published training energy of {workload}", "measured", w.measured_energy_J,
                         "the whole run (wall plug as the source reports it)", w.source,
                         conversion=f"{w.measured_energy_MWh:g} MWh x 3.6e9 J/MWh"))
    return {"workload": workload, "inputs": x.as_dict(), "rows": rows}


def tts99_s(t_run_s: float, p_success: float) -> float | None:
    """Time to solution at 99 % confidence by restarts, ``t_run ln(0.01) / ln(1 - p)`` (``t_run`` when ``p >= 0.99``).

    The standard Ising-machine figure (e.g. Hamerly et al., Sci. Adv. 5, eaau0823 (2019)); ``None`` when
    ``p = 0``.  The restart factor is ``counting.restarts_for_99``, which also prices
    ``AnnealResult.energy_to_solution_99_J``.

    >>> round(tts99_s(1.0, 0.5), 4)
    6.6439
    """
    runs = restarts_for_99(p_success)
    return None if runs is None else float(t_run_s) * runs


@ISING_LADDER.validates
def ising_ladder(instance: str, *, gset_dir: str | Path | None = None, sweeps: int = 1000, reads: int = 16,
                 seed: int = 0, target_fraction: float = 0.99, include_unverified: bool = False) -> dict:
    """The LIM annealer on a G-set instance beside the published Ising machines (only the same instance compared)."""
    from ..solvers.maxcut import read_best_known, read_gset, solve_maxcut
    from .panel_gset import find_gset_dir

    choice = find_gset_dir(gset_dir)
    if choice.path is None:
        raise ParameterError("no G-set folder found; give --gset-dir DIR (G<n>.txt files and best_known.csv)")
    path = choice.path / f"{instance}.txt"
    if not path.exists():
        have = sorted((p.stem for p in choice.path.glob("G*.txt")), key=lambda s: int(s[1:]) if s[1:].isdigit() else 0)
        raise ParameterError(f"instance {instance!r} is not in {choice.path}; allowed: {', '.join(have)}")
    best = read_best_known(choice.path / "best_known.csv").get(instance)
    if best is None:
        raise ParameterError(f"{instance} has no best-known cut in best_known.csv; a target cannot be set")
    graph = read_gset(path)
    target = math.ceil(target_fraction * best)
    res = solve_maxcut(graph, target_cut=target, sweeps=sweeps, reads=reads, seed=seed)
    a = res.anneal
    p = float(a.reached.mean())
    t_run = a.sweeps * a.sweep_time_s
    sl = a.second_law_floor_J()
    rows = [_row("floor: second law of the anneal (THEORY §6, §8a)", "floor", sl["floor_J"], "per read, from the final states",
                 "THEORY §8a; AnnealResult.second_law_floor_J"),
            _row("LIM annealer: heat until the target, mean over reads that reached it", "measured", a.energy_to_target_J(),
                 f"per read; {int(a.reached.sum())}/{a.reads} reads reached cut >= {target}", "limbound anneal (this run)"),
            _row("LIM annealer: energy to solution at 99 % (restarts)", "measured", a.energy_to_solution_99_J(),
                 "mean heat of a whole read x ln(0.01)/ln(1-p)", "limbound anneal (this run)",
                 tts99_s=tts99_s(t_run, p), t_run_s=t_run, p_success=p)]
    for m in catalogs.load("ising_machines").values():
        src = f"{m.source}; read: {m.where_read}; printed: {m.value_as_printed}"
        label = f"Ising machine: {m.name}"
        if not m.verified and not include_unverified:
            rows.append(_row(label, "measured", None, m.instance, src, status=EXCLUDED, reason=_UNREAD))
        elif m.instance != instance:
            rows.append(_row(label, "measured", m.energy_to_solution_J, m.instance, src,
                             status="refused", reason=f"the source's instance is '{m.instance}', not {instance} "
                                                      f"(value shown, not ranked)",
                             time_to_solution_s=m.time_to_solution_s))
        else:
            rows.append(_row(label, "measured", m.energy_to_solution_J, m.instance, src, time_to_solution_s=m.time_to_solution_s,
                             status="compared" if m.verified else "UNVERIFIED compared"))
    return {"instance": instance, "n": a.n, "best_known_cut": best, "target_cut": target, "target_fraction": target_fraction,
            "best_cut": res.best_cut, "sweeps": sweeps, "reads": reads, "seed": seed, "gset_dir": str(choice.path),
            "sweep_time_s": a.sweep_time_s, "rows": rows}


__all__ = ["workload_ladder", "ising_ladder", "tts99_s"]
