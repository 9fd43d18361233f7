"""Figure data and rendering: the only module of limbound that imports matplotlib.

A figure is described by plain data first -- a :class:`Panel` holding
:class:`Series` of numbers with their labels and units -- so that the same
numbers go to the PNG, the CSV and the HTML report without being recomputed.
:func:`render` draws a panel with matplotlib's non-interactive ``Agg``
backend (no display needed); matplotlib is imported only there, so the data
side works without the ``plot`` extra.  Every panel's notes state the kind
of its numbers (floor, estimate or measured; THEORY §8).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..fileio import atomic_path

if TYPE_CHECKING:
    import matplotlib.axes

#: Series kinds understood by :func:`render`.
KINDS = ("line", "marker", "band", "vband", "errorbar", "hbar")


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
    y2 : upper edge of a band, the standard error of an errorbar, or the right end of an hbar
        (``"hbar"``: a horizontal bar at row ``x`` from ``y`` to ``y2``, e.g. a 5-95 % band or a tornado)
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

    def __post_init__(self) -> None:
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
    legend_loc: str = "best"
    legend_ncol: int = 1
    ylim: tuple | None = None  # (low, high), None for matplotlib's choice; room above the data for the legend


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
        """True when the panel was built (``status == "ok"``)."""
        return self.status == "ok"

    def rows(self) -> Iterator[dict]:
        """Every plotted number as flat CSV rows (panel, subplot, series, kind, index, x, y, y2, label)."""
        for a in self.axes:
            for s in a.series:
                for i in range(len(s.x)):
                    yield {"panel": self.key, "subplot": plain(a.title), "series": plain(s.name), "kind": s.kind, "index": i,
                           "x": float(s.x[i]), "y": float(s.y[i]),
                           "y2": "" if s.y2 is None else float(s.y2[i]),
                           "label": "" if not s.labels else s.labels[i],
                           "x_label": plain(a.xlabel), "y_label": plain(a.ylabel)}


_TEX_WORDS = {r"\pm": "+-", r"\infty": "inf", r"\rm ": "", r"\,": " ", r"\;": " ", r"\ ": " ", r"\!": ""}


def plain(text: str) -> str:
    """A label's matplotlib mathtext (``$\\gamma L^2/\\tau$``) as plain ASCII-ish text for CSV files: the TeX
    commands lose their backslash (``\\gamma`` -> ``gamma``), ``\\pm`` becomes ``+-``, braces and ``$`` go.

    >>> plain(r"$\\gamma L^2/\\tau$ [kT]")
    'gamma L^2/tau [kT]'
    """
    import re

    if "$" not in text:
        return text
    for k, v in _TEX_WORDS.items():
        text = text.replace(k, v)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"[${}]", "", text)


def _draw(ax: matplotlib.axes.Axes, a: Axes) -> None:
    labels = []  # (text, x, y) point labels, placed after everything is drawn
    for s in a.series:
        st = dict(s.style)
        if s.kind == "line":
            ax.plot(s.x, s.y, label=s.name, **{"lw": 2, **st})
        elif s.kind == "marker":
            ax.plot(s.x, s.y, ls="none", label=s.name, **{"marker": "o", "ms": 6, **st})
            if s.labels:
                labels += [(t, x, y) for t, x, y in zip(s.labels, s.x, s.y, strict=False) if t and np.isfinite(y) and np.isfinite(x)]
        elif s.kind == "band":
            ax.fill_between(s.x, s.y, s.y2, label=s.name, **{"alpha": 0.25, **st})
        elif s.kind == "vband":
            ax.vlines(s.x, s.y, s.y2, label=s.name, **{"lw": 10, "alpha": 0.35, **st})
        elif s.kind == "errorbar":
            ax.errorbar(s.x, s.y, yerr=s.y2, ls="none", label=s.name, capsize=3, **{"marker": "o", "ms": 5, **st})
        elif s.kind == "hbar":  # a horizontal bar per row x, from y to y2; labels name the rows
            ax.barh(s.x, s.y2 - s.y, left=s.y, label=s.name, **{"height": 0.6, "alpha": 0.6, **st})
            if s.labels:  # rows of several hbar series share one axis: keep every series' row names
                rows = {**getattr(ax, "_hbar_rows", {}), **dict(zip(s.x.tolist(), s.labels, strict=False))}
                ax._hbar_rows = rows
                ax.set_yticks(list(rows))
                ax.set_yticklabels(list(rows.values()), fontsize=7)
    from matplotlib.ticker import LogLocator, NullFormatter

    bars = [s for s in a.series if s.kind == "hbar" and len(s.x)]
    if bars and a.xlog:  # log axes do not autoscale to bars: span every bar, with a margin
        ax.set_xlim(min(float(np.min(s.y)) for s in bars) / 3.0, max(float(np.max(s.y2)) for s in bars) * 3.0)
    for axis, log in ((ax.xaxis, a.xlog), (ax.yaxis, a.ylog)):
        if log:
            (ax.set_xscale if axis is ax.xaxis else ax.set_yscale)("log")
            axis.set_minor_formatter(NullFormatter())
            lo, hi = (ax.get_xlim() if axis is ax.xaxis else ax.get_ylim())
            if hi / lo < 100:  # under two decades: a major tick at 1, 2, 5 x 10^k so the axis has several labels
                axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    if a.ylim is not None:
        ax.set_ylim(*a.ylim)
    ax.set_xlabel(a.xlabel)
    ax.set_ylabel(a.ylabel)
    if a.title:
        ax.set_title(a.title, fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    if labels:
        _place_labels(ax, labels)
    if any(s.name for s in a.series):
        ax.legend(fontsize=6.5, loc=a.legend_loc, framealpha=0.9, ncol=a.legend_ncol)
    if a.note:  # under the axes, never over the data
        ax.annotate(a.note, xy=(0.0, 0.0), xycoords="axes fraction", xytext=(0, -34), textcoords="offset points",
                    fontsize=6.5, va="top", ha="left", color="0.25")


def _place_labels(ax: matplotlib.axes.Axes, labels: list[tuple[str, float, float]]) -> None:
    """Point labels without overlaps: adjustText (the ``plot`` extra) moves them apart and draws a leader line
    to each point; without it, labels alternate above and below their point."""
    texts = [ax.text(x, y, f" {t}", fontsize=6.5, alpha=0.9) for t, x, y in labels]
    try:
        from adjustText import adjust_text
    except ImportError:  # pragma: no cover - adjustText is in the plot extra
        for rank, tx in enumerate(sorted(texts, key=lambda t: t.get_position()[0])):
            tx.set_va("bottom" if rank % 2 == 0 else "top")
        return
    adjust_text(texts, x=[x for _, x, _ in labels], y=[y for _, _, y in labels], ax=ax,
                arrowprops={"arrowstyle": "-", "color": "0.45", "lw": 0.5}, expand=(1.3, 1.6))


def render(panel: Panel, path: str | Path) -> Path:
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
    width = 8.5 if n == 1 else 5.2 * n
    fig, axs = plt.subplots(1, n, figsize=(width, 5.5 if n == 1 else 4.3), squeeze=False)
    try:
        for ax, a in zip(axs[0], panel.axes, strict=False):
            _draw(ax, a)
        fig.suptitle(f"({panel.key}) {panel.title}", fontsize=11)
        fig.tight_layout()
        path = Path(path)
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png", bbox_inches="tight", pad_inches=0.15)  # notes under the axes
    finally:
        plt.close(fig)
    return path


__all__ = ["Series", "Axes", "Panel", "render", "plain", "KINDS"]
