"""Read a CodeCarbon ``emissions.csv``: the measured energy of a training run, its duration and hardware.

CodeCarbon (https://mlco2.github.io/codecarbon/output.html) appends one row per tracked run with, among
others, ``duration`` (seconds), ``energy_consumed`` (kWh: CPU + GPU + RAM), ``cpu_energy``, ``gpu_energy``,
``ram_energy`` (kWh), ``cpu_model``, ``gpu_model``, ``gpu_count``, ``run_id``, ``project_name`` and
``timestamp``.  Only ``energy_consumed`` and ``duration`` are required here; every value is checked (finite,
energy > 0) and a bad file is a one-line :class:`FormatError` naming the file and line.  The runs are the
*measured* kind of THEORY §8 (``limbound measured``, ``limbound gap``; docs/ladder.md).
"""
from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import FormatError

KWH_J = 3.6e6
REQUIRED = ("energy_consumed", "duration")


@dataclass(frozen=True)
class CodeCarbonRun:
    """One row of ``emissions.csv``: energy in joules (from kWh), duration in seconds, the hardware strings."""

    run_id: str
    project: str
    timestamp: str
    energy_J: float
    duration_s: float
    cpu_model: str = ""
    gpu_model: str = ""
    gpu_count: str = ""
    gpu_energy_J: float | None = None

    def as_dict(self) -> dict:
        """The run's fields as a plain dict (JSON-ready)."""
        return dict(self.__dict__)


def _float(text: str | None, path: Path, line: int, col: str, *, positive: bool) -> float:
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise FormatError(f"{path}:{line}: {col}={text!r} is not a number") from None
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        raise FormatError(f"{path}:{line}: {col}={text!r} is out of range; allowed: a finite number "
                          f"{'> 0' if positive else '>= 0'}")
    return v


def read_emissions(path: str | Path) -> list[CodeCarbonRun]:
    """Every run of a CodeCarbon ``emissions.csv`` (one per row), in file order."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise FormatError(f"{path}:1: not a CodeCarbon emissions.csv: no column {', '.join(missing)} "
                              "(expected CodeCarbon's header: timestamp, project_name, run_id, duration, emissions, "
                              "..., energy_consumed, ...)")
        runs = []
        for line, row in enumerate(reader, start=2):
            ge = row.get("gpu_energy")
            runs.append(CodeCarbonRun(
                run_id=row.get("run_id") or f"row {line - 1}", project=row.get("project_name") or "",
                timestamp=row.get("timestamp") or "",
                energy_J=_float(row["energy_consumed"], path, line, "energy_consumed", positive=True) * KWH_J,
                duration_s=_float(row["duration"], path, line, "duration", positive=True),
                cpu_model=row.get("cpu_model") or "", gpu_model=row.get("gpu_model") or "",
                gpu_count=row.get("gpu_count") or "",
                gpu_energy_J=None if ge in (None, "") else _float(ge, path, line, "gpu_energy", positive=False) * KWH_J))
    if not runs:
        raise FormatError(f"{path}: no runs (a header without rows)")
    return runs


#: Board form factors a GPU model string may name (NVIDIA's SXM modules, PCIe cards and NVL pairs differ in
#: board power and clocks: an H100 PCIe is 350 W maximum TDP (NVIDIA product brief PB-11133-001, 2022) and
#: 756 dense BF16 TFLOP/s (NVIDIA H100 datasheet: 1,513 with sparsity), an H100 SXM5 700 W and 989.4
#: (FACTS.md Table B, [S13])).
FORM_FACTORS = ("sxm", "pcie", "nvl")


def _words(model: str) -> str:
    """A model string lower-cased, every run of other characters one space (``"A100-SXM4-80GB"`` -> ``"a100 sxm4 80gb"``)."""
    return re.sub(r"[^a-z0-9]+", " ", model.lower())


def _form_factor(text: str) -> str | None:
    """The form factor a :func:`_words` string names (``sxm4`` -> ``sxm``), or None when it names none."""
    for form in FORM_FACTORS:
        if re.search(rf"\b{form}\d*\b", text):
            return form
    return None


def match_accelerator(gpu_model: str, hardware: Mapping[str, Any]) -> str | None:
    """The hardware-catalog key a CodeCarbon ``gpu_model`` string names (``"4 x NVIDIA A100 80GB PCIe"`` ->
    ``a100`` when the catalog's A100 is a PCIe card), or None when none matches.  Longest catalog key first, so
    ``h100`` is not taken for ``h100-sxm``.  A row whose ``name`` gives another form factor than the string does
    (PCIe against SXM) is not a match: the two differ in power and speed, so the caller prices on its default and
    says so rather than on a look-alike.

    >>> from types import SimpleNamespace as R
    >>> hw = {"a100": R(name="NVIDIA A100 SXM4"), "h100-sxm": R(name="NVIDIA H100 SXM5")}
    >>> match_accelerator("4 x NVIDIA A100-SXM4-80GB", hw), match_accelerator("NVIDIA H100 PCIe", hw)
    ('a100', None)
    >>> match_accelerator("NVIDIA H100 80GB HBM3", hw)   # no form factor named: the family decides
    'h100-sxm'
    """
    text = _words(gpu_model)
    words = set(text.split())
    form = _form_factor(text)
    for key in sorted(hardware, key=len, reverse=True):
        stem = key.split("-")[0]
        if key.replace("-", " ") in text or stem in words:
            row_form = _form_factor(_words(str(getattr(hardware[key], "name", key))))
            if form is not None and row_form is not None and form != row_form:
                continue
            return key
    return None


__all__ = ["CodeCarbonRun", "read_emissions", "match_accelerator", "KWH_J"]
