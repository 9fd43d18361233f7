"""Sweeps of precision and update time for the LIM QP solver and trainer, written as CSV (THEORY §2b, §6).

Two axes show the trade-offs of THEORY §2b:

* precision ``b`` (default 4..16): the tilt per level ``D_prec = ln(2**(b+1) - 1)``
  and, above all, the number of levels a parameter walks from a random start
  (~``2**b / 3``) set the measured heat;
* update time ``dt`` over decades (default 1e-12 .. 1e-4 s): flat while
  ``f0 dt`` is large, growing once updates are asked faster than thermal
  activation (``D_speed = 2 arcsinh(1/(2 f0 dt))``), and below ``1/f0`` the
  memories cannot deliver the drift the optimizer asks for (the barrier is
  already 0), so the run needs more updates.

``design="cross"`` (default) sweeps ``b`` at ``dt = dt_fixed`` and ``dt`` at
``b = bits_fixed``; ``design="grid"`` runs the full product.  Each row is one
run (all reads); the CSV is written atomically.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..fileio import atomic_write_text, check_output_file
from .qp import check_random_inputs, check_solve_inputs, checked_reference, random_qp, solve_qp
from .qp.result import _rel_gap
from .lim_memory import FLOOR_COLUMNS, floor_columns
from .train import check_train_inputs, train_digits

DEFAULT_BITS = tuple(range(4, 17))
DEFAULT_DTS = tuple(10.0 ** k for k in range(-12, -3))
#: the fixed point of the default "cross" design: bits of the dt axis, dt of the bits axis, training epochs
QP_BITS_FIXED = 12
TRAIN_BITS_FIXED = 8
DT_FIXED_S = 1e-6
TRAIN_SWEEP_EPOCHS = 10

QP_COLUMNS = ["problem", "bits", "dt_s", "rule", "reads", "seed", "D_kT", "updates", "predicted_updates", "dissipated_J",
              "dissipated_sem_J", "bound_J", "bound_mm_J", "second_law_margin_sem", "second_law_holds", *FLOOR_COLUMNS, "estimate_J", "measured_over_estimate", "objective",
              "reference_objective", "rel_gap", "constraint_violation", "first_law_residual", "converged",
              "time_to_solution_s", "wall_time_s"]
TRAIN_COLUMNS = ["model", "bits", "dt_s", "rule", "reads", "seed", "D_kT", "updates", "predicted_updates",
                 "dissipated_J", "dissipated_sem_J", "bound_J", "bound_mm_J", "second_law_margin_sem",
                 "second_law_holds", *FLOOR_COLUMNS, "estimate_J", "measured_over_estimate",
                 "test_accuracy", "float_test_accuracy", "first_law_residual", "time_to_solution_s", "wall_time_s"]


def check_output_path(path, name="--sweep", columns=None) -> Path:
    """Refuse, before any work, an output path that cannot be written (:func:`limbound.fileio.check_output_file`:
    empty, a directory, a device or FIFO, a missing or read-only folder).  With ``columns``, an existing
    non-empty file is replaced only if it is a CSV of the same columns (an earlier run of the same sweep):
    never someone's report, manifest or notes."""
    p = check_output_file(path, name=name)
    if columns is not None and p.is_file() and p.stat().st_size:
        with open(p, "rb") as fh:
            first = fh.readline(65536).decode("utf-8", "replace").strip()
        if first != ",".join(columns):
            raise ParameterError(f"{name}={str(path)!r} exists and is not a CSV of this sweep (its first line is not "
                                 "the sweep's header); allowed: a new path, or that file removed first")
    return p


def _points(bits, dts, design, bits_fixed, dt_fixed):
    bits = [int(b) for b in bits]
    dts = [float(d) for d in dts]
    if not bits or not dts:
        raise ParameterError("bits and dts must be non-empty lists")
    if design == "grid":
        return [(b, d) for b in bits for d in dts]
    if design != "cross":
        raise ParameterError(f"design={design!r} is unknown; allowed: cross, grid")
    pts = [(b, float(dt_fixed)) for b in bits] + [(int(bits_fixed), d) for d in dts]
    seen, out = set(), []
    for p in pts:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def sweep_qp(problem=None, *, n=100, bits=DEFAULT_BITS, dts=DEFAULT_DTS, design="cross", bits_fixed=QP_BITS_FIXED,
             dt_fixed=DT_FIXED_S, rule="gradient", reads=4, seed=0, reference=True, **solve_kw) -> list[dict]:
    """Solve one QP (``problem`` or ``random_qp(n, seed=seed)``) at every (b, dt) point; one dict per run.

    Every point's inputs are checked (:func:`~limbound.solvers.qp.check_solve_inputs`) before any work.
    """
    if problem is None:
        check_random_inputs(n, seed=seed)
    size = n if problem is None else getattr(problem, "n", None)
    pts = _points(bits, dts, design, bits_fixed, dt_fixed)
    for b, dt in pts:
        check_solve_inputs(size, bits=b, dt_s=dt, rule=rule, reads=reads, seed=seed, **solve_kw)
    p = random_qp(n, seed=seed) if problem is None else problem
    f_ref = checked_reference(p)[1] if reference else math.nan
    rows = []
    for b, dt in pts:
        r = solve_qp(p, bits=b, dt_s=dt, rule=rule, reads=reads, seed=seed, reference=None, **solve_kw)
        rows.append({
            "problem": p.source, "bits": b, "dt_s": dt, "rule": rule, "reads": reads, "seed": seed,
            "D_kT": r.books["D_kT"], "bound_mm_J": r.books["bound_mm_J"],
            "second_law_margin_sem": r.second_law_margin_sem, "second_law_holds": r.second_law_holds,
            "updates": r.updates, "predicted_updates": r.predicted_updates, "dissipated_J": r.dissipated_J,
            "dissipated_sem_J": r.dissipated_sem_J, "bound_J": r.bound_J, "estimate_J": r.estimate_J,
            "measured_over_estimate": r.measured_over_estimate, **floor_columns(r.as_dict()),
            "objective": r.objective, "reference_objective": f_ref,
            "rel_gap": float(_rel_gap(r.objective, f_ref)) if math.isfinite(f_ref) else math.nan,
            "constraint_violation": r.constraint_violation, "first_law_residual": r.books["first_law_residual"],
            "converged": r.converged, "time_to_solution_s": r.time_to_solution_s, "wall_time_s": r.wall_time_s,
        })
    return rows


def sweep_train(*, model="logreg", bits=DEFAULT_BITS, dts=DEFAULT_DTS, design="cross", bits_fixed=TRAIN_BITS_FIXED,
                dt_fixed=DT_FIXED_S, rule="gradient", reads=4, seed=0, epochs=TRAIN_SWEEP_EPOCHS, **train_kw) -> list[dict]:
    """Train on digits at every (b, dt) point; one dict per run (float32 reference trained once per run).

    Every point's inputs, with the work budget, are checked (:func:`~limbound.solvers.train.check_train_inputs`)
    before any work.
    """
    pts = _points(bits, dts, design, bits_fixed, dt_fixed)
    for b, dt in pts:
        check_train_inputs(model=model, bits=b, dt_s=dt, rule=rule, reads=reads, seed=seed, epochs=epochs, **train_kw)
    rows = []
    for b, dt in pts:
        r = train_digits(model=model, bits=b, dt_s=dt, rule=rule, reads=reads, seed=seed, epochs=epochs, **train_kw)
        rows.append({
            "model": model, "bits": b, "dt_s": dt, "rule": rule, "reads": reads, "seed": seed,
            "D_kT": r.books["D_kT"], "updates": r.updates, "bound_mm_J": r.books["bound_mm_J"],
            "second_law_margin_sem": r.second_law_margin_sem, "second_law_holds": r.second_law_holds,
            "predicted_updates": r.predicted_updates, "dissipated_J": r.dissipated_J,
            "dissipated_sem_J": r.dissipated_sem_J, "bound_J": r.bound_J, "estimate_J": r.estimate_J,
            "measured_over_estimate": r.measured_over_estimate, **floor_columns(r.as_dict()),
            "test_accuracy": r.test_accuracy, "float_test_accuracy": r.float_test_accuracy,
            "first_law_residual": r.books["first_law_residual"], "time_to_solution_s": r.time_to_solution_s,
            "wall_time_s": r.wall_time_s,
        })
    return rows


def rows_to_csv(rows, columns) -> str:
    """CSV text with a header; floats in repr precision."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (repr(float(v)) if isinstance(v, (float, np.floating)) else v) for k, v in r.items()})
    return buf.getvalue()


def write_csv(rows, path, columns) -> None:
    """Write rows as CSV atomically (the parent directory must exist, see :func:`check_output_path`)."""
    check_output_path(path, "path")
    atomic_write_text(path, rows_to_csv(rows, columns))
