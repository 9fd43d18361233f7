"""The sweep config: a TOML grid of inputs and seeds, validated and expanded to points before any work.

See :mod:`limbound.report.sweep` for the file format.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...deprecation import renamed_keys
from ...errors import FormatError, LimboundError, ParameterError
from ...fileio import StrPath
from .kinds import Kind, available_kinds

STORES = ("parquet", "csv")


@dataclass
class SweepConfig:
    """A parsed sweep: the kind, the fixed inputs, the grid and seeds, and the points they expand to."""

    kind: str
    fixed: dict
    grid: dict
    seeds: list
    name: str = ""
    store: str = "parquet"
    raw: dict = field(default_factory=dict)
    path: str = ""

    def points(self) -> list:
        """Every point, in grid order (last grid key fastest, then seed): ``[{id, inputs, seed}]``."""
        keys = list(self.grid)
        out = []
        for combo in itertools.product(*(self.grid[k] for k in keys)):
            inputs = {**self.fixed, **dict(zip(keys, combo, strict=True))}
            for s in self.seeds:
                out.append({"id": point_id(self.kind, inputs, s), "inputs": inputs, "seed": s})
        return out

    @property
    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, default=str).encode()).hexdigest()


def _canon(v: object) -> object:
    """Plain Python scalars (numpy ints/floats converted), so ids and JSON are stable."""
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def point_id(kind: str, inputs: dict, seed: int | None) -> str:
    """Stable id of a point: the first 16 hex digits of sha256 of its canonical JSON (kind, inputs, seed)."""
    text = json.dumps({"kind": kind, "inputs": {k: _canon(inputs[k]) for k in sorted(inputs)}, "seed": seed},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _axis_number(name: str, how: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise FormatError(f"grid.{name}.{how}: {v!r} is not a finite number; allowed: {how} = [a, b, n] with numbers a, b")
    return float(v)


def _expand(name: str, spec: object) -> list:
    """A grid axis: a list of values, or ``{logspace|linspace = [a, b, n]}``, or ``{range = [start, stop, step]}``.

    Counts are checked before any list is built (at most :data:`limbound.budget.MAX_GRID_POINTS` values).
    """
    from ...budget import MAX_GRID_POINTS

    if isinstance(spec, list):
        if not spec:
            raise FormatError(f"grid.{name} is an empty list; give at least one value")
        return [_canon(v) for v in spec]
    if isinstance(spec, dict) and len(spec) == 1:
        (how, args), = spec.items()
        if how in ("logspace", "linspace") and isinstance(args, list) and len(args) == 3:
            a, b, n = args
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_GRID_POINTS:
                raise FormatError(f"grid.{name}.{how}: the count {n!r} is not allowed; allowed: an integer "
                                  f"1..{MAX_GRID_POINTS}")
            a, b = _axis_number(name, how, a), _axis_number(name, how, b)
            if how == "logspace" and max(abs(a), abs(b)) > 307:
                raise FormatError(f"grid.{name}.logspace = {args!r}: 10**{max(abs(a), abs(b)):g} leaves the double "
                                  "range; allowed: exponents within -307..307")
            vals = np.logspace(a, b, n) if how == "logspace" else np.linspace(a, b, n)
            return [float(v) for v in vals]
        if how == "range" and isinstance(args, list) and len(args) == 3 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in args):
            if args[2] == 0:
                raise FormatError(f"grid.{name}.range = {args!r}: the step is 0; allowed: a step != 0")
            r = range(*args)
            if not len(r):
                raise FormatError(f"grid.{name}.range = {args!r} is empty")
            if len(r) > MAX_GRID_POINTS:
                raise FormatError(f"grid.{name}.range = {args!r} has {len(r)} values; allowed: at most {MAX_GRID_POINTS}")
            return list(r)
    raise FormatError(f"grid.{name} = {spec!r} is not a grid axis; allowed: a list, "
                      "{logspace = [a, b, n]}, {linspace = [a, b, n]} or {range = [start, stop, step]} (integers)")


def _check_shape(where: str, name: str, v: object) -> None:
    """An input value is a TOML string, number, boolean or a flat list of these -- never a table or a date."""
    scalar = (str, bool, int, float, np.integer, np.floating)
    if isinstance(v, scalar) or (isinstance(v, list) and all(isinstance(x, scalar) for x in v)):
        return
    raise FormatError(f"{where}: {name} = {v!r} is a {type(v).__name__}; allowed: a number, a string, a boolean "
                      "or a list of these")


#: Inputs that name files, per kind: a relative path in a config FILE is taken relative to that file's folder.
PATH_INPUTS = {"anneal": ("graph",)}


def _resolve_path(kind: str, name: str, value: Any, base_dir: StrPath | None) -> Any:
    """``value`` made absolute against ``base_dir`` if ``name`` is a file input of ``kind`` and it is relative."""
    if (base_dir is None or name not in PATH_INPUTS.get(kind, ()) or not isinstance(value, str)
            or value.startswith("random:") or Path(value).is_absolute()):
        return value
    return os.path.normpath(Path(base_dir) / value)


def _sweep_table(data: dict, where: str) -> dict:
    """The ``[sweep]`` table, after refusing unknown tables and keys."""
    unknown = set(data) - {"sweep", "fixed", "grid"}
    if unknown:
        raise FormatError(f"{where}: unknown table(s) {', '.join(sorted(unknown))}; allowed: sweep, fixed, grid")
    sw = data.get("sweep")
    if not isinstance(sw, dict) or "kind" not in sw:
        raise FormatError(f"{where}: a [sweep] table with kind = \"...\" is required")
    bad = set(sw) - {"kind", "name", "store", "seeds"}
    if bad:
        raise FormatError(f"{where}: unknown key(s) in [sweep]: {', '.join(sorted(bad))}; allowed: kind, name, store, seeds")
    return sw


def _seeds(sw: dict, k: Kind) -> list:
    """The seeds of kind ``k``: ``sweep.seeds`` (random kinds only), else ``[0]`` (random) or ``[None]``."""
    if "seeds" not in sw:
        return [0] if k.random else [None]
    if not k.random:
        raise ParameterError(f"sweep.seeds is given but kind {k.name!r} is deterministic; remove seeds")
    seeds = sw["seeds"]
    if isinstance(seeds, dict):
        seeds = _expand("seeds", seeds)
    if (not isinstance(seeds, list) or not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds)
            or len(set(seeds)) != len(seeds)):
        raise ParameterError(f"sweep.seeds={sw['seeds']!r} is not allowed; allowed: a list of distinct integers >= 0")
    return seeds


def _fixed_and_grid(data: dict, where: str, n_seeds: int) -> tuple[dict, dict]:
    """``([fixed], [grid] expanded)``: shapes checked, each input given once, at most MAX_GRID_POINTS points."""
    from ...budget import MAX_GRID_POINTS

    fixed = data.get("fixed", {})
    grid_raw = data.get("grid", {})
    if not isinstance(fixed, dict) or not isinstance(grid_raw, dict):
        raise FormatError(f"{where}: [fixed] and [grid] must be tables")
    both = set(fixed) & set(grid_raw)
    if both:
        raise FormatError(f"{where}: {', '.join(sorted(both))} in both [fixed] and [grid]; give each input once")
    for name, v in fixed.items():
        _check_shape(where, f"fixed.{name}", v)
    grid = {name: _expand(name, spec) for name, spec in grid_raw.items()}
    for name, vals in grid.items():
        for v in vals:
            _check_shape(where, f"grid.{name}", v)
    total = math.prod(len(v) for v in grid.values()) * n_seeds
    if total > MAX_GRID_POINTS:
        raise FormatError(f"{where}: the grid has {total} points ({' x '.join(str(len(v)) for v in grid.values())} x "
                          f"{n_seeds} seeds); allowed: at most {MAX_GRID_POINTS} points per sweep")
    return fixed, grid


def _check_points(cfg: SweepConfig, k: Kind, where: str) -> None:
    """Run the kind's input check on every point (errors name the point by its grid values); ids must be unique."""
    pts = cfg.points()
    if k.check is not None:
        for p in pts:
            try:
                k.check(p["inputs"])
            except LimboundError as exc:
                shown = ", ".join(f"{a}={v!r}" for a, v in p["inputs"].items() if a in cfg.grid) or "every point"
                raise type(exc)(f"{where}: point ({shown}): {exc}") from None
            except (TypeError, ValueError, ArithmeticError, KeyError) as exc:  # a check that did not name the input
                shown = ", ".join(f"{a}={v!r}" for a, v in p["inputs"].items() if a in cfg.grid) or "every point"
                msg = str(exc).splitlines()[0] if str(exc) else ""
                raise ParameterError(f"{where}: point ({shown}): inputs not allowed for kind {cfg.kind!r} "
                                     f"({type(exc).__name__}: {msg})") from None
    ids = [p["id"] for p in pts]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{where}: the grid repeats a point (a value listed twice); each point must be unique")


def parse_config(data: dict, *, path: str = "", base_dir: StrPath | None = None) -> SweepConfig:
    """Validate a sweep config (already parsed TOML) and check every point's inputs, before any work.

    ``base_dir`` is the folder that relative file inputs (:data:`PATH_INPUTS`, e.g. ``graph``) are
    resolved against; :func:`load_config` passes the config file's folder.  Without it (a dict given to
    :func:`run_sweep`) paths are used as given, i.e. relative to the working folder.  Resolved paths are
    absolute, and they are what the point ids, the manifest and the results record.
    """
    where = path or "config"
    sw = _sweep_table(data, where)
    kinds = available_kinds()
    kind = sw["kind"]
    if kind not in kinds:
        raise ParameterError(f"sweep.kind={kind!r} is unknown; allowed: {', '.join(kinds)}")
    store = sw.get("store", "parquet")
    if store not in STORES:
        raise ParameterError(f"sweep.store={store!r} is unknown; allowed: {', '.join(STORES)}")
    k = kinds[kind]
    seeds = _seeds(sw, k)
    fixed, grid = _fixed_and_grid(data, where, len(seeds))
    renamed_keys({**fixed, **grid}, where)  # an old input name (T_K) warns once; kept as written (the point ids)
    fixed = {a: _resolve_path(kind, a, v, base_dir) for a, v in fixed.items()}
    grid = {a: [_resolve_path(kind, a, v, base_dir) for v in vals] for a, vals in grid.items()}
    cfg = SweepConfig(kind=kind, fixed={a: _canon(v) for a, v in fixed.items()}, grid=grid, seeds=seeds,
                      name=str(sw.get("name", "")), store=store, raw=data, path=str(path))
    _check_points(cfg, k, where)
    return cfg


def load_config(path: StrPath) -> SweepConfig:
    """Read and validate a sweep TOML file; relative file inputs (``graph``) are relative to its folder."""
    from ...fileio import read_input_bytes

    p = Path(path)
    data = read_input_bytes(path, name="config", max_bytes=4 * 2**20, what="a sweep TOML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{p}: not a text file (not UTF-8); allowed: a sweep TOML file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(data, path=str(p), base_dir=p.absolute().parent)
