"""Catalogs shipped with the package: AI workloads, accelerators, memory devices.

Each catalog is a TOML file in ``data/`` (one table per row, every row with a
``source``), loaded into frozen records and validated: an unknown field, a
missing source, or a non-positive number is a :class:`CatalogError`, never a
silent default.  The rows feed the estimates of THEORY §2d (accelerators),
the workloads of §3-5 and the measured rungs of the ladder (docs/ladder.md);
every figure is sourced in ``data/sources.toml`` (the reference sheet).
"""
from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import CatalogError, ParameterError, did_you_mean
from ..physics.accelerator import energy_per_flop_J
from ..specs import CATALOG, CATALOGS, SOURCES

MWH_J = 3.6e9  # 1 MWh in joules


@dataclass(frozen=True)
class Workload:
    """An AI training run (or a scenario) with its sourced figures."""

    key: str
    params: float
    source: str
    tokens: float | None = None
    flops: float | None = None
    batch_tokens: float | None = None
    time_s: float | None = None
    measured_energy_MWh: float | None = None
    hardware: str | None = None
    year: int | None = None
    bits: int | None = None
    scenario: bool = False
    notes: str = ""

    @property
    def measured_energy_J(self) -> float | None:
        """The published training energy in joules (from MWh), None when not published."""
        return None if self.measured_energy_MWh is None else self.measured_energy_MWh * MWH_J


@dataclass(frozen=True)
class Accelerator:
    """A digital accelerator: board power and dense peak throughput per precision."""

    key: str
    name: str
    source: str
    power_W: float | None = None
    peak_fp32_flops: float | None = None
    peak_tf32_flops: float | None = None
    peak_fp16_flops: float | None = None
    peak_bf16_flops: float | None = None
    peak_fp8_flops: float | None = None
    peak_int8_flops: float | None = None
    memory_bandwidth_Bps: float | None = None
    year: int | None = None
    notes: str = ""

    PRECISIONS = ("bf16", "fp16", "fp8", "tf32", "fp32", "int8")

    def peak_flops(self, precision: str = "bf16") -> float | None:
        """Dense peak FLOP/s at ``precision`` (one of :attr:`PRECISIONS`), None when not published."""
        if precision not in self.PRECISIONS:
            raise CatalogError(f"precision={precision!r} is unknown; allowed: {', '.join(self.PRECISIONS)}")
        return getattr(self, f"peak_{precision}_flops")

    def energy_per_flop_J(self, precision: str = "bf16") -> float:
        """Board power over dense peak at ``precision`` (THEORY §2d)."""
        peak = self.peak_flops(precision)
        if self.power_W is None:
            raise CatalogError(f"hardware {self.key!r}: power not published, so no efficiency bound can be derived")
        if peak is None:
            raise CatalogError(f"hardware {self.key!r}: no dense {precision} peak in the catalog")
        return energy_per_flop_J(self.power_W, peak)


@dataclass(frozen=True)
class Device:
    """A memory technology as a physical memory (cell-level figures unless noted)."""

    key: str
    name: str
    source: str
    write_energy_J_min: float | None = None
    write_energy_J_max: float | None = None
    write_time_s_min: float | None = None
    write_time_s_max: float | None = None
    retention_s_min: float | None = None
    barrier_kT: float | None = None
    attempt_time_s: float | None = None
    endurance_cycles: float | None = None
    levels: int | None = None
    volatile: bool = False
    dynamic: bool = False
    notes: str = ""


@dataclass(frozen=True)
class Chip:
    """A measured neuromorphic or in-memory chip: one published efficiency, where it was read, what it counts."""

    key: str
    name: str
    source: str
    where_read: str
    value_as_printed: str
    counts: str
    what: str
    verified: bool
    value: float | None = None
    unit: str | None = None
    rate_per_s: float | None = None
    training: bool = False
    check: str = ""
    year: int | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        _check_verified("chips", self.key, self.verified, self.where_read, self.value is not None and self.unit is not None)

    def energy_per_count_J(self) -> float:
        """The printed value converted to joules per counted item (``counts``), explicitly by unit."""
        return energy_per_count_J(self.value, self.unit, self.rate_per_s, where=f"chips.toml [{self.key}]")


@dataclass(frozen=True)
class IsingMachine:
    """A physical Ising machine's published time- and energy-to-solution on a stated MaxCut instance."""

    key: str
    name: str
    source: str
    where_read: str
    value_as_printed: str
    instance: str
    metric: str
    verified: bool
    n_spins: int | None = None
    time_to_solution_s: float | None = None
    energy_to_solution_J: float | None = None
    check: str = ""
    year: int | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        _check_verified("ising_machines", self.key, self.verified, self.where_read,
                        self.energy_to_solution_J is not None or self.time_to_solution_s is not None)


def _check_verified(kind: str, key: str, verified: bool, where_read: str, has_value: bool) -> None:
    """A row marked verified must say where it was read and carry an absolute value."""
    if verified and (not where_read.strip() or where_read.lstrip().upper().startswith("NOT") or not has_value):
        raise CatalogError(f"{kind}.toml [{key}]: verified = true needs where_read (where the value was read in the "
                           f"source) and an absolute value")


#: Units a chip's efficiency may be printed in, as joules per counted item (rate-based "W" needs rate_per_s).
_PER_COUNT_UNITS = {"J": 1.0, "mJ": 1e-3, "uJ": 1e-6, "nJ": 1e-9, "pJ": 1e-12, "fJ": 1e-15}


def energy_per_count_J(value: float | None, unit: str | None, rate_per_s: float | None = None, *,
                       where: str = "") -> float:
    """Joules per counted item from a printed value: ``TOPS/W`` -> ``1/(value 1e12)``, ``W`` at ``rate_per_s`` ->
    ``value / rate``, an energy unit -> ``value`` times its factor.

    >>> round(energy_per_count_J(12.4, "TOPS/W") * 1e15, 1)  # fJ per operation
    80.6
    >>> round(energy_per_count_J(0.063, "W", 30) * 1e3, 2)  # mJ per frame
    2.1
    """
    if value is None or unit is None:
        raise CatalogError(f"{where}: no absolute value was read (value_as_printed is relative or missing)")
    if unit == "TOPS/W":
        return 1.0 / (value * 1e12)
    if unit == "W":
        if rate_per_s is None:
            raise CatalogError(f"{where}: a power in W needs rate_per_s (items per second) to give an energy per item")
        return value / rate_per_s
    if unit in _PER_COUNT_UNITS:
        return value * _PER_COUNT_UNITS[unit]
    raise CatalogError(f"{where}: unit {unit!r} is unknown; allowed: TOPS/W, W (with rate_per_s), {', '.join(_PER_COUNT_UNITS)}")


#: Any catalog row.
Record = Workload | Accelerator | Device | Chip | IsingMachine
_KINDS = dict(zip(CATALOGS, (Workload, Accelerator, Device, Chip, IsingMachine), strict=True))  # record of each


def _validate(kind: str, key: str, row: dict) -> Record:
    cls = _KINDS[kind]
    known = {f.name for f in dataclasses.fields(cls)} - {"key"}
    unknown = set(row) - known
    if unknown:
        raise CatalogError(f"{kind}.toml [{key}]: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(known))}")
    if not str(row.get("source", "")).strip():
        raise CatalogError(f"{kind}.toml [{key}]: every row needs a source")
    for name, value in row.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or value <= 0:
                raise CatalogError(f"{kind}.toml [{key}]: {name}={value!r} must be a finite number > 0")
    try:
        return cls(key=key, **row)
    except TypeError as exc:  # a required field is missing
        raise CatalogError(f"{kind}.toml [{key}]: {exc}") from None


def _read_data(name: str) -> dict:
    """``data/<name>.toml`` of this package, parsed (the one reader of every catalog and of the source list)."""
    return tomllib.loads(resources.files(__package__).joinpath("data", f"{name}.toml").read_text(encoding="utf-8"))


@cache
@CATALOG.validates
def load(kind: str) -> dict[str, Record]:
    """Load and validate one catalog (``"workloads"``, ``"hardware"``, ``"devices"``, ``"chips"``,
    ``"ising_machines"``: :data:`limbound.specs.CATALOGS`): ``{row key: record}`` in file order."""
    return {key: _validate(kind, key, row) for key, row in _read_data(kind).items()}


def get(kind: str, key: str) -> Record:
    """One catalog row by name; unknown names list what is allowed.

    >>> get("hardware", "h100-sxm").power_W
    700
    """
    rows = load(kind)
    if key not in rows:
        raise CatalogError(f"{kind[:-1] if kind != 'hardware' else 'hardware'} {key!r} is unknown;"
                           f"{did_you_mean(key, rows)} allowed: {', '.join(rows)}")
    return rows[key]


def workload(key: str) -> Workload:
    """One row of the workloads catalog.

    >>> workload("gpt-3").params   # 175 billion parameters (Brown et al. 2020)
    175000000000.0
    """
    return get("workloads", key)


def accelerator(key: str) -> Accelerator:
    """One row of the hardware (accelerators) catalog.

    >>> round(accelerator("h100-sxm").energy_per_flop_J("bf16") * 1e12, 4)   # 700 W / 989.4 TFLOP/s, in pJ
    0.7075
    """
    return get("hardware", key)


def device(key: str) -> Device:
    """One row of the memory-devices catalog."""
    return get("devices", key)


def best_accelerator(precision: str = "bf16") -> Accelerator:
    """The catalog part with the lowest energy per FLOP at ``precision`` (power and peak both published)."""
    usable = [a for a in load("hardware").values() if a.power_W is not None and a.peak_flops(precision) is not None]
    return min(usable, key=lambda a: a.energy_per_flop_J(precision))


__all__ = ["Workload", "Accelerator", "Device", "Chip", "IsingMachine", "energy_per_count_J", "load", "get", "workload", "accelerator", "device", "best_accelerator", "MWH_J"]


@cache
def sources() -> dict[str, str]:
    """The reference list the catalogs cite as ``[S1]`` ... (``data/sources.toml``, copied from the project's
    reference sheet): ``{"S1": "full citation", ...}`` in order."""
    return _read_data("sources")


@SOURCES.validates
def citations(ids: Sequence[str] = ()) -> dict[str, str]:
    """The full citations of source ids (``S7`` or ``[S7]``, any case) in the order given; every source for none.

    >>> list(citations(["[s2]", "S1"]))
    ['S2', 'S1']
    """
    refs = sources()
    want = [i.strip("[]").upper() for i in ids] or list(refs)
    unknown = [i for i in want if i not in refs]
    if unknown:
        raise ParameterError(f"unknown source id {unknown[0]!r}; allowed: S1 ... S{len(refs)}")
    return {i: refs[i] for i in want}


def cited(text: str) -> list[str]:
    """The source ids (``S7``) a catalog ``source`` string cites as ``[S7]``, in order of first mention.

    >>> cited("[S3] table 2; [S1]; [S3] fig. 4")
    ['S3', 'S1']
    """
    import re

    out = []
    for sid in re.findall(r"\[(S\d+)\]", text or ""):
        if sid not in out:
            out.append(sid)
    return out
