"""G-set / rudy MaxCut graphs, random MaxCut graphs, MaxCut <-> Ising conversion, and the MaxCut solve (THEORY §6).

Format (rudy; Helmberg & Rendl, ZIB report SC 97-37, 1997): first line
``n m`` (nodes, edges), then ``m`` lines ``i j w`` with 1-based nodes and a
numeric weight.  Blank lines and lines starting with ``#`` or ``%`` are
ignored.  A malformed file raises :class:`limbound.errors.FormatError`
naming the file and the line.

MaxCut as Ising: the cut of a spin assignment is
``cut(s) = sum_edges w_ij (1 - s_i s_j) / 2``.  With ``J_ij = -w_ij`` and
``h = 0`` the Ising energy is ``H(s) = -sum J_ij s_i s_j = sum w_ij s_i s_j``,
so ``cut(s) = (W - H(s)) / 2`` with ``W = sum_edges w_ij``: minimising ``H``
maximises the cut, and a target cut ``C`` is the target energy ``W - 2 C``.

The MaxCut problem as a dimod BQM (:func:`limbound.solvers.sampler.maxcut_bqm`) lives with the
other dimod conversions in :mod:`limbound.solvers.sampler` (the optional extra ``limbound[ising]``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..display import Result
from ..errors import FormatError, ParameterError
from ..fileio import StrPath, read_input_bytes
from ..specs import MAXCUT
from .ising import AnnealResult, IsingProblem, anneal

__all__ = ["MaxCutGraph", "read_gset", "random_maxcut_graph", "maxcut_to_ising", "cut_values",
           "solve_maxcut", "MaxCutResult", "read_best_known"]


@dataclass(frozen=True)
class MaxCutGraph:
    """Undirected weighted graph, nodes ``0..n-1``; ``i``, ``j`` (m,) int64, ``w`` (m,) float64.

    ``sha256``: hex digest of the file's bytes when read by :func:`read_gset` (provenance), else ``""``.
    """

    n: int
    i: np.ndarray
    j: np.ndarray
    w: np.ndarray
    name: str = ""
    sha256: str = ""

    @property
    def m(self) -> int:
        return int(self.i.shape[0])

    @property
    def total_weight(self) -> float:
        return float(self.w.sum())


def _parse_int(tok: str, path: object, lineno: int, what: str) -> int:
    try:
        v = int(tok)
    except ValueError:
        try:
            f = float(tok)
        except ValueError:
            raise FormatError(f"{path}:{lineno}: {what}={tok!r} is not an integer") from None
        if not math.isfinite(f) or f != int(f):
            raise FormatError(f"{path}:{lineno}: {what}={tok!r} is not an integer") from None
        v = int(f)
    return v


#: Largest G-set / rudy file read (bytes): 10x the largest G-set graph file (G81, ~0.5 MiB) and then some.
MAX_GRAPH_BYTES = 64 * 2**20
#: Largest node count of a graph file (the anneal's arrays and budget are checked separately).
MAX_GRAPH_NODES = 10_000_000


def read_gset(path: StrPath, *, merge_duplicates: bool = False, name: str = "GRAPH") -> MaxCutGraph:
    """Read a G-set / rudy file (see module notes).

    The file must be a regular file of at most :data:`MAX_GRAPH_BYTES` (a FIFO
    or a device is refused, never read).  An edge listed twice (``1 2`` and
    ``1 2`` or ``2 1``) is refused naming both lines, unless
    ``merge_duplicates`` (``--merge-duplicates``), which sums their weights.

    Raises
    ------
    FormatError
        for a path that is not a regular file of bounded size, and naming ``file:line`` for a missing or malformed header, a malformed
        edge line, a node outside ``1..n``, a self-loop, a non-finite weight,
        a duplicate edge, or an edge count different from the header.
    """
    data, path = _graph_bytes(path, name), Path(path)
    digest = hashlib.sha256(data).hexdigest()
    text = _graph_text(data, path)
    header = None
    n_lines = 0
    ii, jj, ww = [], [], []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#%":
            continue
        tok = line.split()
        if header is None:
            header = (*_parse_header(tok, line, path, lineno), lineno)
            seen = {}
            continue
        a, b, w = _parse_edge(tok, line, path, lineno, header[0])
        n_lines += 1
        if n_lines > header[1]:
            raise FormatError(f"{path}:{lineno}: more edge lines than the header's m={header[1]} (line {header[2]})")
        key = (min(a, b), max(a, b))
        if key in seen:
            first = seen[key]
            if not merge_duplicates:
                raise FormatError(f"{path}:{lineno}: edge {a} {b} repeats the edge of line {first[0]}; allowed: each "
                                  "edge once (or --merge-duplicates to sum their weights)")
            ww[first[1]] += w
            continue
        seen[key] = (lineno, len(ii))
        ii.append(a - 1)
        jj.append(b - 1)
        ww.append(w)
    if header is None:
        raise FormatError(f"{path}:1: empty file; expected a header 'n m'")
    n, m, hline = header
    if n_lines != m:
        raise FormatError(f"{path}:{hline}: header says m={m} edges but the file has {n_lines}")
    return MaxCutGraph(n, np.asarray(ii, dtype=np.int64), np.asarray(jj, dtype=np.int64),
                       np.asarray(ww, dtype=np.float64), name=path.stem, sha256=digest)


def _graph_bytes(path: StrPath, name: str) -> bytes:
    """The file's bytes (a regular file of at most :data:`MAX_GRAPH_BYTES`); any refusal a :class:`FormatError`."""
    try:
        return read_input_bytes(path, name=name, max_bytes=MAX_GRAPH_BYTES,
                                what="a G-set/rudy text file ('n m' then 'i j w' lines)")
    except ParameterError as exc:  # a missing file, a FIFO, a device: a FormatError of the graph file
        raise FormatError(str(exc)) from None


def _graph_text(data: bytes, path: Path) -> str:
    """``data`` decoded as UTF-8 text without NUL bytes, else a :class:`FormatError` naming ``file:line``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(f"{path}:{line}: not a text G-set/rudy file (byte {data[exc.start]:#04x} at offset "
                          f"{exc.start} is not UTF-8); expected 'n m' then 'i j w' lines") from None
    if "\x00" in text:
        raise FormatError(f"{path}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: not a text G-set/rudy file "
                          f"(NUL byte); expected 'n m' then 'i j w' lines")
    return text


def _parse_header(tok: list[str], line: str, path: object, lineno: int) -> tuple[int, int]:
    """``(n, m)`` of the header line ``n m`` (a simple graph of at most :data:`MAX_GRAPH_NODES` nodes)."""
    if len(tok) != 2:
        raise FormatError(f"{path}:{lineno}: header {line!r} must be 'n m' (nodes, edges)")
    n = _parse_int(tok[0], path, lineno, "n")
    m = _parse_int(tok[1], path, lineno, "m")
    if n < 1 or m < 0:
        raise FormatError(f"{path}:{lineno}: header n={n}, m={m}; allowed: n >= 1, m >= 0")
    if n > MAX_GRAPH_NODES or m > n * (n - 1) // 2:
        raise FormatError(f"{path}:{lineno}: header n={n}, m={m}; allowed: n <= {MAX_GRAPH_NODES}, "
                          f"m <= n(n-1)/2 (a simple graph)")
    return n, m


def _parse_edge(tok: list[str], line: str, path: object, lineno: int, n: int) -> tuple[int, int, float]:
    """``(i, j, w)`` of an edge line ``i j w`` (or ``i j``, weight 1), 1-based nodes in ``1..n``, no self-loop."""
    if len(tok) not in (2, 3):
        raise FormatError(f"{path}:{lineno}: edge line {line!r} must be 'i j w' (or 'i j', weight 1)")
    a = _parse_int(tok[0], path, lineno, "i")
    b = _parse_int(tok[1], path, lineno, "j")
    if len(tok) == 3:
        try:
            w = float(tok[2])
        except ValueError:
            raise FormatError(f"{path}:{lineno}: weight {tok[2]!r} is not a number") from None
        if not math.isfinite(w):
            raise FormatError(f"{path}:{lineno}: weight {tok[2]!r} is not finite")
    else:
        w = 1.0
    if not (1 <= a <= n and 1 <= b <= n):
        raise FormatError(f"{path}:{lineno}: node {a if not 1 <= a <= n else b} outside 1..{n}")
    if a == b:
        raise FormatError(f"{path}:{lineno}: self-loop on node {a}; a cut has no self-loops")
    return a, b, w


def read_best_known(path: StrPath) -> dict[str, float]:
    """``instance -> best_known_cut`` from a ``best_known.csv`` (columns instance, ..., best_known_cut).

    Refused (:class:`FormatError` naming ``file:line``): not UTF-8 text, a
    header without both columns, an empty or repeated instance, a cut that is
    not a finite number >= 0.  The file must be a regular file (<= 16 MiB).
    """
    data = read_input_bytes(path, name="best_known.csv", max_bytes=16 * 2**20,
                            what="a CSV with columns instance and best_known_cut")
    path = Path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not a UTF-8 text CSV; expected columns instance and best_known_cut") from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    if not rows.fieldnames or not {"instance", "best_known_cut"} <= set(rows.fieldnames):
        raise FormatError(f"{path}:1: header {rows.fieldnames!r} lacks columns 'instance' and 'best_known_cut'")
    out = {}
    for row in rows:
        lineno = rows.line_num
        name, cut = row.get("instance"), row.get("best_known_cut")
        try:
            value = float(cut)
        except (TypeError, ValueError):
            value = math.nan
        if not name or not name.strip() or not math.isfinite(value) or value < 0:
            raise FormatError(f"{path}:{lineno}: needs a non-empty 'instance' and a 'best_known_cut' that is a finite "
                              f"number >= 0; got {name!r}, {cut!r}")
        if name in out:
            raise FormatError(f"{path}:{lineno}: instance {name!r} is listed twice")
        out[name] = value
    return out


def random_maxcut_graph(n: int, p: float, *, seed: int) -> MaxCutGraph:
    """An Erdos-Renyi G(n, p) graph with unit weights (the stand-in when no G-set folder exists)."""
    rng = np.random.default_rng([int(seed), 6])
    iu, ju = np.triu_indices(n, k=1)
    keep = rng.random(iu.size) < p
    return MaxCutGraph(n, iu[keep].astype(np.int64), ju[keep].astype(np.int64), np.ones(int(keep.sum())),
                       name=f"random-G({n},{p:g})-seed{seed}")


def maxcut_to_ising(graph: MaxCutGraph) -> IsingProblem:
    """``J_ij = -w_ij``, ``h = 0``: ``cut(s) = (W - H(s)) / 2`` (module notes)."""
    return IsingProblem.from_edges(graph.n, graph.i, graph.j, -graph.w)


def cut_values(graph: MaxCutGraph, spins: ArrayLike) -> NDArray[np.float64]:
    """Cut weight of one (n,) or many (R, n) +-1 assignments, summed over edges directly.

    >>> g = MaxCutGraph(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.ones(3))  # a triangle
    >>> float(cut_values(g, np.array([1, -1, 1])))  # two of three edges cut
    2.0
    """
    s = np.asarray(spins)
    s2 = np.atleast_2d(s).astype(np.int64)
    if s2.shape[1] != graph.n:
        raise ParameterError(f"spins have {s2.shape[1]} columns; allowed: {graph.n}")
    cut = (graph.w * (s2[:, graph.i] != s2[:, graph.j])).sum(axis=1)
    return cut[0] if s.ndim == 1 else cut


def cut_to_energy(graph: MaxCutGraph, cut: float) -> float:
    """Ising energy ``W - 2 C`` of a cut ``C``."""
    return graph.total_weight - 2.0 * float(cut)


@dataclass
class MaxCutResult(Result):
    """A MaxCut solve: the anneal plus the cuts (recomputed edge by edge from the returned states); ``status`` and
    ``message`` are the anneal's."""

    graph_name: str
    total_weight: float
    target_cut: float | None
    cuts: np.ndarray        # (R,) cut of each read's final state
    best_cuts: np.ndarray   # (R,) cut of each read's best state
    anneal: AnnealResult

    @property
    def best_cut(self) -> float:
        return float(self.best_cuts.max())

    @property
    def mean_cut(self) -> float:
        return float(self.cuts.mean())

    @property
    def status(self) -> str:
        return self.anneal.status

    @property
    def message(self) -> str:
        return f"best cut {self.best_cut:g}; {self.anneal.message}"

    def _records(self) -> list:
        return self.anneal._records()

    def as_dict(self) -> dict:
        a = self.anneal.as_dict()
        out = {
            "graph": self.graph_name, "n_nodes": self.anneal.n, "total_weight": self.total_weight,
            "best_cut": self.best_cut, "mean_cut": self.mean_cut, "mean_best_cut": float(self.best_cuts.mean()),
            "target_cut": self.target_cut,
            "heat_J": a["heat_J"], "heat_all_reads_J": a["heat_all_reads_J"],
            "energy_dissipated_J": a["heat_all_reads_J"],  # deprecated alias of heat_all_reads_J
            "energy_dissipated_per_read_J": a["heat_J"],  # deprecated alias of heat_J
            "energy_to_target_J": a["energy_to_target_J"],
            "success_probability": a["success_probability"], "energy_to_solution_99_J": a["energy_to_solution_99_J"],
            "spin_updates_per_s": a["spin_updates_per_s"], "first_law_residual": a["first_law_residual"],
            "time_s": a["time_s"], "definitions": a["definitions"], "status": a["status"], "message": a["message"],
        }
        out["anneal"] = a
        return out


@MAXCUT.validates
def solve_maxcut(graph: MaxCutGraph, *, target_cut: float | None = None, **anneal_kwargs: object) -> MaxCutResult:
    """Anneal the MaxCut of ``graph`` in the LIM Ising machine (keyword options of :func:`anneal`).

    ``target_cut``: the energy-to-target is the heat a read dissipated until its
    cut first reached it (``None``: not tracked).
    """
    problem = maxcut_to_ising(graph)
    # a hair of tolerance so that rounding in the running H of float weights cannot miss an exact hit
    tol = 1e-9 * max(1.0, float(np.abs(graph.w).sum()))
    target_energy = None if target_cut is None else cut_to_energy(graph, target_cut) + tol
    res = anneal(problem, target_energy=target_energy, **anneal_kwargs)
    return MaxCutResult(graph.name, graph.total_weight, target_cut, cut_values(graph, res.samples),
                        cut_values(graph, res.best_samples), res)
