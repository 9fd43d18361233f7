"""Helpers shared by the subcommands: JSON output with provenance, atomic writes."""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from .. import __version__


def _default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o):
    """Replace non-finite floats by None so the output is strict JSON."""
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def dumps(obj) -> str:
    """Strict JSON (NaN/inf -> null), numpy-aware, stable key order as given."""
    return json.dumps(_clean(json.loads(json.dumps(obj, default=_default))), indent=2)


def print_json(obj) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def provenance(seed=None, **inputs) -> dict:
    """The block every output carries: version, seed and resolved inputs."""
    return {"version": __version__, "seed": seed, "inputs": inputs}


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
