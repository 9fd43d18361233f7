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
against the floor for QP and training.  The panels are built in
:mod:`.panels_model` (a-c), :mod:`.panels_sim` (d, f), :mod:`.panel_gset` (e)
and :mod:`.uncertainty_panels` (g, h); this module writes them out.
"""
from __future__ import annotations

import platform
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import ParameterError
from ..fileio import StrPath, atomic_write_text, csv_text, dumps
from ..specs import REPRODUCE
from .figures import Panel
from .panel_common import FIG_FILES, TITLES
from .panel_gset import GSET_ENV, GsetChoice, find_gset_dir, panel_e
from .panels_model import CHINCHILLA_TOKENS_PER_PARAM, panel_a, panel_b, panel_c
from .panels_sim import panel_d, panel_f
from .progress import progress as progress_display
from .uncertainty_panels import FIG_FILES_GH, TITLES_GH, panel_g, panel_h

#: Every panel, in report order; (g), (h): uncertainty bands and sensitivity of the brain-scale projection.
PANELS = ("a", "b", "c", "d", "e", "f", "g", "h")
BUILDERS = {"a": panel_a, "b": panel_b, "c": panel_c, "d": panel_d, "e": panel_e, "f": panel_f, "g": panel_g,
            "h": panel_h}
FIG_FILES.update(FIG_FILES_GH)
TITLES.update(TITLES_GH)


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


def parse_only(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Parse ``--only a,b,c`` to a tuple of panel keys (all panels when not given).

    Exact, comma-separated keys, as ``validate --only``: an empty string or an
    empty item (``a,,b``) is refused rather than read as "everything".

    >>> parse_only("c, a")   # panel order, whatever the order given
    ('a', 'c')
    """
    if text is None:
        return PANELS
    keys = [k.strip().lower() for k in (text.split(",") if isinstance(text, str) else text)]
    bad = [k for k in keys if k not in PANELS]
    if bad or not keys:
        raise ParameterError(f"only={text!r} names unknown panels; allowed: comma-separated subset of {','.join(PANELS)}")
    return tuple(k for k in PANELS if k in keys)


CSV_COLUMNS = ("panel", "subplot", "series", "kind", "index", "x", "y", "y2", "label", "x_label", "y_label")


@REPRODUCE.validates
def reproduce(out_dir: StrPath, *, quick: bool = False, seed: int = 0, only: str | Iterable[str] | None = None,
              progress: bool = True, gset_dir: StrPath | None = None, force: bool = False) -> ReproduceResult:
    """Regenerate every figure, table, CSV and the HTML report into ``out_dir``.

    Parameters
    ----------
    out_dir : folder to write (created; existing files of the report are replaced)
    quick : small grids and short simulations (a smoke run; the full run is the paper's figure set)
    seed : seed of every random panel (simulations, annealing, training)
    only : panel keys to build (e.g. ``"a,b,c"``); the others are listed as skipped
    progress : show progress on stderr (only when it is a terminal; :mod:`limbound.report.progress`)
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
    keys = parse_only(only)  # quick, seed, progress, force: checked at entry (limbound.specs.REPRODUCE)
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


def _build(out: Path, keys: tuple[str, ...], quick: bool, seed: int, gset: GsetChoice | None,
           progress: bool) -> ReproduceResult:
    from . import html
    from .figures import render

    t0 = time.perf_counter()
    res = ReproduceResult(out_dir=out, seed=int(seed), quick=bool(quick))
    figs = {}
    with progress_display("reproduce", total=len(PANELS) + 1, enabled=progress) as task:
        for key in PANELS:
            task.update(description=f"reproduce: panel ({key})")
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
                    atomic_write_text(p, csv_text(panel.table, cols))
                    res.files[f"table_{key}"] = p
                panel.seconds = time.perf_counter() - t
            res.panels.append(panel)
            task.advance()
        task.update(description="reproduce: CSV, HTML")
        rows = [r for p in res.panels if p.ok for r in p.rows()]
        res.files["csv"] = out / "data" / "figure_data.csv"
        atomic_write_text(res.files["csv"], csv_text(rows, CSV_COLUMNS))
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
        task.advance()
    res.seconds = time.perf_counter() - t0
    return res


__all__ = ["reproduce", "ReproduceResult", "PANELS", "BUILDERS", "parse_only", "find_gset_dir", "GsetChoice",
           "panel_a", "panel_b", "panel_c",
           "panel_d", "panel_e", "panel_f", "CHINCHILLA_TOKENS_PER_PARAM", "GSET_ENV"]
