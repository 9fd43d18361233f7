"""Figure data and rendering: the only module of limbound that imports matplotlib.

A figure is described by plain data first -- a :class:`Panel` holding
:class:`Series` of numbers with their labels and units -- so that the same
numbers go to the PNG, the CSV and the HTML report without being recomputed.
:func:`render` draws a panel with matplotlib's non-interactive ``Agg``
backend (no display needed); matplotlib is imported only there, so the data
side works without the ``plot`` extra.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..fileio import atomic_path

#: Series kinds understood by :func:`render`.
KINDS = ("line", "marker", "band", "vband", "errorbar")


@dataclass
class Series:
    """One plotted set of numbers.

    Attributes
    ----------
    name : legend label
    x, y : the plotted numbers (same length)
    kind : ``"line"``, ``"marker"``, ``"band"`` (fill between ``y`` and ``y2``
        over ``x``), ``"vband"`` (a vertical bar at each ``x`` from ``y`` to
        ``y2``) or ``"errorbar"`` (markers at ``y`` with ``+-y2``)
    y2 : upper edge of a band, or the standard error of an errorbar
    labels : text annotation per point (e.g. workload names), optional
    style : matplotlib keyword arguments (colour, marker, line style)
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    kind: str = "line"
    y2: np.ndarray | None = None
    labels: list | None = None
    style: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r} is unknown; allowed: {', '.join(KINDS)}")
        self.x = np.asarray(self.x, dtype=float)
        self.y = np.asarray(self.y, dtype=float)
        if self.y2 is not None:
            self.y2 = np.asarray(self.y2, dtype=float)
        if self.x.shape != self.y.shape or (self.y2 is not None and self.y2.shape != self.x.shape):
            raise ValueError(f"series {self.name!r}: x, y (and y2) must have the same length")


@dataclass
class Axes:
    """One subplot: its series, axis labels (with units) and scales."""

    title: str
    xlabel: str
    ylabel: str
    series: list = field(default_factory=list)
    xlog: bool = True
    ylog: bool = True
    note: str = ""
    legend_outside: bool = False


@dataclass
class Panel:
    """A figure of the report: one or more :class:`Axes`, or a table, or a reason it is missing.

    ``status`` is ``"ok"`` or ``"not available: <reason>"``; ``table`` is a
    list of row dicts (a table panel such as the G-set table); ``notes`` are
    the assumptions stated under the figure; ``provenance`` records the
    inputs and seeds behind it.
    """

    key: str
    title: str
    axes: list = field(default_factory=list)
    table: list | None = None
    notes: list = field(default_factory=list)
    status: str = "ok"
    provenance: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def rows(self):
        """Every plotted number as flat CSV rows (panel, subplot, series, kind, index, x, y, y2, label)."""
        for a in self.axes:
            for s in a.series:
                for i in range(len(s.x)):
                    yield {"panel": self.key, "subplot": a.title, "series": s.name, "kind": s.kind, "index": i,
                           "x": float(s.x[i]), "y": float(s.y[i]),
                           "y2": "" if s.y2 is None else float(s.y2[i]),
                           "label": "" if not s.labels else s.labels[i],
                           "x_label": a.xlabel, "y_label": a.ylabel}


def _draw(ax, a: Axes) -> None:
    for s in a.series:
        st = dict(s.style)
        if s.kind == "line":
            ax.plot(s.x, s.y, label=s.name, **{"lw": 2, **st})
        elif s.kind == "marker":
            ax.plot(s.x, s.y, ls="none", label=s.name, **{"marker": "o", "ms": 6, **st})
            if s.labels:
                order = np.argsort(s.x)
                for rank, i in enumerate(order):  # alternate above/below so neighbours do not overprint
                    t, x, y = s.labels[i], s.x[i], s.y[i]
                    if t and np.isfinite(y):
                        dy = 6 if rank % 2 == 0 else -10
                        ax.annotate(t, (x, y), textcoords="offset points", xytext=(5, dy), fontsize=6.5, alpha=0.85)
        elif s.kind == "band":
            ax.fill_between(s.x, s.y, s.y2, label=s.name, **{"alpha": 0.25, **st})
        elif s.kind == "vband":
            ax.vlines(s.x, s.y, s.y2, label=s.name, **{"lw": 10, "alpha": 0.35, **st})
        elif s.kind == "errorbar":
            ax.errorbar(s.x, s.y, yerr=s.y2, ls="none", label=s.name, capsize=3, **{"marker": "o", "ms": 5, **st})
    from matplotlib.ticker import NullFormatter

    if a.xlog:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
    if a.ylog:
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(a.xlabel)
    ax.set_ylabel(a.ylabel)
    if a.title:
        ax.set_title(a.title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    if any(s.name for s in a.series):
        if a.legend_outside:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        else:
            ax.legend(fontsize=7, loc="best", framealpha=0.85)
    if a.note:
        ax.text(0.01, 0.01, a.note, transform=ax.transAxes, fontsize=6.5, va="bottom", ha="left",
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.85})


def render(panel: Panel, path) -> Path:
    """Draw ``panel`` (one subplot per :class:`Axes`, side by side) to a PNG at ``path``.

    The file is written to a temporary name and renamed, so a reader never
    sees a half-written PNG.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    n = len(panel.axes)
    if n == 0:
        raise ValueError(f"panel {panel.key!r} has no axes to draw")
    outside = any(a.legend_outside for a in panel.axes)
    width = (11.0 if outside else 7.5) if n == 1 else 5.2 * n
    fig, axs = plt.subplots(1, n, figsize=(width, 5.5 if n == 1 else 4.3), squeeze=False)
    try:
        for ax, a in zip(axs[0], panel.axes):
            _draw(ax, a)
        fig.suptitle(f"({panel.key}) {panel.title}", fontsize=11)
        fig.tight_layout()
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
    finally:
        plt.close(fig)
    return path


__all__ = ["Series", "Axes", "Panel", "render", "KINDS"]
