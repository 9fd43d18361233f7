"""The resumable result store of a sweep: one validated JSON file per point, the manifest, and the
consolidated ``results.parquet`` / ``results.csv`` (see :mod:`limbound.report.sweep`).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from ... import __version__
from ...errors import ParameterError
from ...fileio import StrPath, atomic_path, atomic_write_text, csv_text, dumps
from .config import SweepConfig

#: The floor columns every anneal/qp/train row carries (THEORY §8a; tightness is None when the floor is 0).
_FLOOR_SCHEMA = {"floor_J": "num", "floor_entropy_J": "num?", "floor_speed_J": "num?", "tightness": "num?",
                 "floor_holds": "bool?"}
#: Result schema of each built-in kind: key -> "num" (a finite number), "num?" (or null), "int", "int?", "str",
#: "bool".  A point file whose result lacks a key or has the wrong type is not trusted on resume.
_SCHEMAS = {
    "estimate": {"ops": "num", "flops": "num", "dt_s": "num", "bits_used": "int", "time_s_used": "num",
                 "accelerator_key": "str", "counting_used": "str", "lim_energy_J": "num", "landauer_energy_J": "num",
                 "static_cim_energy_J": "num", "accelerator_energy_J": "num", "lim_barrier_kT": "num",
                 "accelerator_over_lim": "num", "final_state_floor_J": "num"},
    "anneal": {"nodes": "int", "edges": "int", "best_cut": "num", "mean_cut": "num", "reads_reaching_target": "int?",
               "energy_to_target_J": "num?", "first_law_residual": "num", "wall_time_s": "num",
               "heat_per_read_J": "num", "heat_per_read_sem_J": "num", **_FLOOR_SCHEMA},
    "qp": {"objective": "num", "dissipated_J": "num", "dissipated_sem_J": "num?", "bound_J": "num?",
           "estimate_J": "num?", "updates": "int", "converged": "bool", "wall_time_s": "num", **_FLOOR_SCHEMA},
    "train": {"test_accuracy": "num", "float_test_accuracy": "num?", "dissipated_J": "num", "bound_J": "num?",
              "estimate_J": "num?", "updates": "int", "n_params": "int", "wall_time_s": "num", **_FLOOR_SCHEMA},
    "validate": {"n_cases": "int", "n_ok": "int"},
}


def _type_ok(tag: str, v: object) -> bool:
    if tag.endswith("?") and v is None:
        return True
    tag = tag.rstrip("?")
    if tag == "str":
        return isinstance(v, str)
    if tag == "bool":
        return isinstance(v, bool)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return isinstance(v, int) if tag == "int" else math.isfinite(v)


def point_problem(rec: object, stem: str, point: dict | None = None, kind: str | None = None) -> str | None:
    """Why a point file's record cannot be trusted as the result of ``point`` (None: it can).

    Checked: a dict with this id and status "ok", the point's kind, seed and inputs, a flat result of
    scalars, and the kind's result schema (:data:`_SCHEMAS`).
    """
    if not isinstance(rec, dict):
        return "not a JSON object"
    if rec.get("id") != stem or rec.get("status") != "ok":
        return "id or status do not match"
    if kind is not None and rec.get("kind") != kind:
        return f"kind {rec.get('kind')!r} is not {kind!r}"
    if point is not None:
        if rec.get("seed") != point["seed"]:
            return f"seed {rec.get('seed')!r} is not {point['seed']!r}"
        if json.dumps(rec.get("inputs"), sort_keys=True) != json.dumps(_canon_inputs(point["inputs"]), sort_keys=True):
            return "inputs differ from the point's"
    result = rec.get("result")
    if not isinstance(result, dict):
        return "no result table"
    for k, v in result.items():
        if not (v is None or isinstance(v, (str, bool, int, float))):
            return f"result {k!r} is not a scalar"
    for k, tag in _SCHEMAS.get(kind or rec.get("kind"), {}).items():
        if k not in result:
            return f"result {k!r} is missing"
        if not _type_ok(tag, result[k]):
            return f"result {k}={result[k]!r} is not {'a number' if tag.startswith('num') else 'an ' + tag.rstrip('?')}"
    return None


def _canon_inputs(inputs: dict) -> dict:
    return json.loads(dumps(inputs))


def _read_point(path: Path, point: dict | None = None, kind: str | None = None) -> dict | None:
    """A finished point file, or None if unreadable or not a valid result (:func:`point_problem`)."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if point_problem(rec, path.stem, point, kind) else rec


def finished_ids(out_dir: StrPath) -> set[str]:
    """Ids of the points whose result file is present and valid."""
    d = Path(out_dir) / "points"
    if not d.is_dir():
        return set()
    return {p.stem for p in d.glob("*.json") if not p.name.startswith(".") and _read_point(p) is not None}


def scan_points(cfg: SweepConfig, out_dir: StrPath) -> tuple[set, dict]:
    """``(done, bad)``: ids of the grid's points with a valid result file, and ``{id: why}`` for files there that
    fail validation (wrong content, truncated, another point's inputs) -- those are recomputed."""
    d = Path(out_dir) / "points"
    done, bad = set(), {}
    if not d.is_dir():
        return done, bad
    for p in cfg.points():
        f = d / f"{p['id']}.json"
        if not f.exists():
            continue
        try:
            why = point_problem(json.loads(f.read_text(encoding="utf-8")), p["id"], p, cfg.kind)
        except (OSError, ValueError) as exc:
            why = f"unreadable ({type(exc).__name__})"
        if why is None:
            done.add(p["id"])
        else:
            bad[p["id"]] = why
    return done, bad


def store_versions(out_dir: StrPath) -> dict:
    """``{version: number of finished points}`` of the store in ``out_dir``, plus the manifest's version."""
    out = Path(out_dir)
    seen: dict = {}
    d = out / "points"
    if d.is_dir():
        for p in d.glob("*.json"):
            rec = None if p.name.startswith(".") else _read_point(p)
            if rec is not None:
                v = str(rec.get("version"))
                seen[v] = seen.get(v, 0) + 1
    man = out / "manifest.json"
    if man.is_file():
        try:
            v = json.loads(man.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError, AttributeError):
            v = None
        if v is not None:
            seen.setdefault(str(v), 0)
    return seen


def check_same_version(out_dir: StrPath) -> None:
    """Refuse (one line) a store written by another limbound version: one store never mixes versions."""
    other = {v: n for v, n in store_versions(out_dir).items() if v != __version__}
    if other:
        shown = ", ".join(f"{v} ({n} points)" for v, n in sorted(other.items()))
        raise ParameterError(f"--out={str(out_dir)!r} holds a sweep made by limbound {shown}, this is limbound "
                             f"{__version__}; results of two versions are never mixed in one store; allowed: a new "
                             "--out, or delete that folder to recompute every point")


def _clean_temp(out_dir: Path) -> int:
    n = 0
    for sub in ("points", "failed", "."):
        d = out_dir / sub
        if d.is_dir():
            for p in d.glob(".*.tmp"):
                p.unlink(missing_ok=True)
                n += 1
    return n


def consolidate(cfg: SweepConfig, out_dir: StrPath) -> tuple[Path, int]:
    """Write the finished points of ``cfg``, in grid order, to the store; return (path, rows)."""
    out = Path(out_dir)
    rows = []
    for p in cfg.points():
        rec = _read_point(out / "points" / f"{p['id']}.json", p, cfg.kind)
        if rec is None:
            continue
        row = {"point_id": p["id"], "kind": cfg.kind, "seed": p["seed"]}
        row.update(rec["inputs"])
        for k, v in rec["result"].items():
            row[f"out_{k}" if k in row else k] = v
        row["seconds"] = rec.get("seconds")
        row["version"] = rec.get("version")
        rows.append(row)
    if cfg.store == "csv":
        path = out / "results.csv"
        atomic_write_text(path, csv_text(rows))
        return path, len(rows)
    import pandas as pd

    df = pd.DataFrame(rows)
    path = out / "results.parquet"
    for c in df.columns:  # parquet needs one type per column (e.g. "30d" next to 2.6e6)
        if df[c].dtype == object and len({type(v) for v in df[c] if v is not None}) > 1:
            df[c] = df[c].map(lambda v: None if v is None else str(v))
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)
    return path, len(df)



def _write_manifest(cfg: SweepConfig, out: Path, done: set, failed: dict, scheduler: str, created: str,
                    status: str = "running", rejected: dict | None = None) -> Path:
    pts = []
    for p in cfg.points():
        st = "done" if p["id"] in done else ("failed" if p["id"] in failed else "pending")
        e = {"id": p["id"], "seed": p["seed"], "inputs": p["inputs"], "status": st}
        if st == "failed":
            e["error"] = failed[p["id"]]
        pts.append(e)
    n_done = sum(e["status"] == "done" for e in pts)
    man = {"version": __version__, "kind": cfg.kind, "name": cfg.name, "config_path": cfg.path, "config": cfg.raw,
           "config_sha256": cfg.sha256, "store": cfg.store, "seeds": cfg.seeds, "scheduler": scheduler,
           "created_utc": created, "updated_utc": _now(), "total": len(pts), "done": n_done,
           "failed": sum(e["status"] == "failed" for e in pts), "pending": sum(e["status"] == "pending" for e in pts),
           "complete": n_done == len(pts), "status": "complete" if n_done == len(pts) else status,
           "rejected_point_files": rejected or {}, "points": pts}
    path = out / "manifest.json"
    atomic_write_text(path, dumps(man) + "\n")
    return path


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
