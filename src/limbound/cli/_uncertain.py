"""Ranges and distributions on the command line of ``estimate`` and ``gap`` (see :mod:`limbound.uncertainty`).

Any numeric option may be

* a number with its unit, as before: ``--tokens 1e12``, ``--time 30d``;
* a range ``LOW..HIGH`` (log-uniform; integers equally likely for ``--bits``),
  one unit at the end applying to both ends: ``--attempt-frequency 1e8..1e12/s``;
* a distribution ``KIND(a,b[,c])``: ``uniform(20d,40d)``, ``loguniform(3e11,3e12)``,
  ``triangular(1e8,1e9,1e12)``, ``normal(300K,5K)``, ``lognormal(1e9,2.3)``
  (median, sigma of ln), ``integer(16,32)``.

``--uncertainty FILE.toml`` gives full control (see docs/uncertainty.md).  The
bands and Sobol indices are computed by :mod:`limbound.uncertainty`; every
energy keeps its THEORY §8 kind (floor or estimate).
"""
from __future__ import annotations

import argparse
import re
import time
import tomllib

from .. import __version__
from .. import uncertainty as U
from ..deprecation import renamed_keys
from ..errors import ParameterError
from ..fileio import atomic_write_text, csv_text
from ..units import parse_number, parse_quantity
from ._common import emit_json, g3, table

#: CLI option (argparse dest) -> (SI input name, unit kind or None for a plain number)
OPTIONS = {
    "params": ("params", None), "tokens": ("tokens", None), "flops": ("flops", None), "ops": ("ops", None),
    "batch_tokens": ("batch_tokens", None), "time": ("time_s", "time"), "bits": ("bits", "bits"),
    "temperature": ("temperature_K", "temperature"), "ambient": ("T_ambient_K", "temperature"),
    "attempt_frequency": ("f0_hz", "frequency"), "retention": ("retention_s", "time"),
    "retention_failure": ("d_ret", "probability"), "write_failure": ("d_w", "probability"),
    "consolidations": ("consolidations", None), "measured_kwh": ("measured_J", "kwh"),
    "measured": ("measured_J", "energy"),
}
_FUNC = re.compile(r"^\s*([a-z]+)\s*\((.*)\)\s*$")
_BARE = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")


def add_args(p: argparse.ArgumentParser) -> None:
    """Options of the uncertain path (shared by ``estimate`` and ``gap``)."""
    g = p.add_argument_group("uncertainty (any numeric option may be LOW..HIGH or KIND(a,b))")
    g.add_argument("--uncertainty", metavar="FILE.toml", help="distributions of the inputs (normal, lognormal, uniform, "
                   "loguniform, triangular, integer, or a catalog row's published min/max)")
    g.add_argument("--samples", default=None, help="Monte Carlo samples (default 100000)")
    g.add_argument("--seed", default=None, help="seed of the Monte Carlo and Sobol samples (integer >= 0, default 0)")
    g.add_argument("--sobol-samples", default="4096", help="Sobol base samples N (N (d+2) model runs; default 4096)")
    g.add_argument("--no-sobol", action="store_true", help="bands only, no Sobol indices")
    g.add_argument("--csv", metavar="FILE", help="also write the bands and indices as CSV (atomically)")
    from ..specs import ESTIMATE

    ESTIMATE.add_arguments(p, ["T_ambient_K"], typed=False)


def _number(text: str, kind: str | None, name: str) -> float:
    if kind in (None, "bits"):
        return parse_number(text, name)
    if kind == "probability":
        v = parse_number(text, name)
        if not v < 1:
            raise ParameterError(f"{name}={text!r} is out of range; allowed: 0 < p < 1")
        return v
    if kind == "kwh":
        return parse_number(text, name) * 3.6e6
    return parse_quantity(text, kind, name)


def parse_value(text: str | None, name: str, si_name: str, kind: str | None) -> U.Dist | None:
    """The :class:`uncertainty.Dist` an option's text writes (``LOW..HIGH`` or ``KIND(a,b)``); None for a plain number.

    >>> str(parse_value("1e8..1e12/s", "--attempt-frequency", "f0_hz", "frequency"))
    'loguniform(1e+08, 1e+12)'
    >>> parse_value("1e9/s", "--attempt-frequency", "f0_hz", "frequency") is None
    True
    """
    if text is None:
        return None
    s = str(text)
    m = _FUNC.match(s)
    if m:
        parts = [a.strip() for a in m.group(2).split(",")]
        nums = [(_number(a, None, name) if (m.group(1) == "lognormal" and i == 1) else _number(a, kind, name))
                for i, a in enumerate(parts)]
        d = U.Dist(m.group(1), tuple(nums))
    elif ".." in s:
        lo, hi = s.split("..", 1)
        if _BARE.match(lo) and not _BARE.match(hi):  # one unit at the end serves both ends
            unit = re.sub(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", "", hi)
            lo = lo.strip() + unit
        d = U.Dist("integer" if kind == "bits" else "loguniform", (_number(lo, kind, name), _number(hi, kind, name)))
    else:
        return None
    try:
        return U.check_domain(si_name, d)
    except ParameterError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def uncertain_inputs(args: argparse.Namespace) -> dict:
    """``{SI name: Dist}`` from the options written as ranges or distributions, then the TOML file."""
    out = {}
    for dest, (si, kind) in OPTIONS.items():
        d = parse_value(getattr(args, dest, None), f"--{dest.replace('_', '-')}", si, kind)
        if d is not None:
            out[si] = d
    if getattr(args, "uncertainty", None):
        out.update(load_toml(args.uncertainty))
    return out


_TOML_KEYS = {"uniform": ("low", "high"), "loguniform": ("low", "high"), "integer": ("low", "high"),
              "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"), "lognormal": ("median", "sigma")}


def load_toml(path: str) -> dict:
    """``[inputs.NAME]`` tables: ``distribution = KIND`` with its parameters (SI), or ``catalog``, ``row``, ``field``."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"--uncertainty {path}: not valid TOML ({exc})") from None
    inputs = doc.get("inputs")
    if not isinstance(inputs, dict) or not inputs or set(doc) - {"inputs"}:
        raise ParameterError(f"--uncertainty {path}: expected only [inputs.NAME] tables; allowed names: {', '.join(U.DOMAINS)}")
    out = {}
    for name, spec in renamed_keys(inputs, f"--uncertainty {path}").items():  # [inputs.T_K]: deprecated name
        where = f"--uncertainty {path} [inputs.{name}]"
        if name not in U.DOMAINS or not isinstance(spec, dict):
            raise ParameterError(f"{where}: unknown input; allowed: {', '.join(U.DOMAINS)}")
        kind = spec.get("distribution", "loguniform" if "catalog" in spec else None)
        if "catalog" in spec:
            extra = set(spec) - {"catalog", "row", "field", "distribution"}
            if extra or not {"row", "field"} <= set(spec):
                raise ParameterError(f"{where}: a catalog range takes catalog, row, field (and distribution)")
            d = U.catalog_range(spec["catalog"], spec["row"], spec["field"], kind)
        else:
            if kind not in _TOML_KEYS:
                raise ParameterError(f"{where}: distribution={kind!r}; allowed: {', '.join(_TOML_KEYS)}")
            keys = _TOML_KEYS[kind]
            if set(spec) != {"distribution", *keys}:
                raise ParameterError(f"{where}: {kind} takes exactly {', '.join(keys)}")
            vals = [spec[k] for k in keys]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
                raise ParameterError(f"{where}: {', '.join(keys)} must be numbers (SI units)")
            d = U.Dist(kind, tuple(vals), origin=f"{path}")
        try:
            out[name] = U.check_domain(name, d)
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
    return out


def fixed_inputs(args: argparse.Namespace, uncertain: dict, **extra: object) -> dict:
    """The options given as plain numbers, in SI (those not in ``uncertain``), plus ``extra`` keyword arguments."""
    from ..specs import ESTIMATE

    out = {}
    for dest, (si, kind) in OPTIONS.items():
        text = getattr(args, dest, None)
        if text is None or si in uncertain or (dest == "consolidations" and str(text) in ("per-step", "per-epoch")):
            continue  # a named consolidation policy is passed by the caller (bounds.resolve resolves it)
        if si in ESTIMATE.params:  # read by its declaration; checked by bounds.resolve (limbound.specs.ESTIMATE)
            out[si] = ESTIMATE[si].from_text(text)
        else:
            out[si] = _number(text, kind, f"--{dest.replace('_', '-')}")
    return {**out, **{k: v for k, v in extra.items() if v is not None}}


def _int_opt(text: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if text is None:
        return default
    from ..params import Integer

    return Integer(lo, hi).check(name, Integer().from_text(text))  # the integer rule (limbound.params)


def analyse(problem: U.Problem, args: argparse.Namespace) -> dict:
    """Bands (Monte Carlo) and Sobol indices as one JSON-ready record."""
    samples = _int_opt(args.samples, "--samples", 100_000, 10, 10_000_000)
    seed = _int_opt(args.seed, "--seed", 0, 0, 2**63 - 1)
    nsob = _int_opt(args.sobol_samples, "--sobol-samples", 4096, 64, 1_048_576)
    x0 = problem.point()
    t0 = time.perf_counter()
    b = U.bands(U.monte_carlo(problem, samples=samples, seed=seed))
    t_mc = time.perf_counter() - t0
    rec = {"version": __version__, "seed": seed, "samples": samples,
           "uncertain_inputs": {k: str(d) for k, d in problem.uncertain.items()},
           "point_inputs": x0.as_dict(), "bands": b, "seconds_monte_carlo": t_mc,
           "note": "bands: median and 5-95 % quantiles of the Monte Carlo; every energy is an estimate (the paper's "
                   "model) or a floor (a theorem), never a bound of the other kind"}
    if args.no_sobol:
        return rec
    try:
        t0 = time.perf_counter()
        s = U.sobol(problem, base_samples=nsob, seed=seed)
        rec["sobol"] = {"of": "log10(output) (orders_above_*: the output itself)", "method": "Saltelli sampling, Jansen estimators (SALib)",
                        "base_samples": nsob, "model_runs": nsob * (len(problem.uncertain) + 2), "indices": s,
                        "seconds": time.perf_counter() - t0}
    except ImportError:
        rec["sobol"] = {"status": "not available: install limbound[uncertainty] (SALib)"}
    return rec


def csv_rows(rec: dict) -> tuple[list[dict], list[str]]:
    """The bands and indices of :func:`analyse`'s record as CSV rows and columns (written by
    :func:`limbound.fileio.csv_text`): one row per output, ``ST_*``/``S1_*`` per input (empty without Sobol)."""
    names = list(rec["uncertain_inputs"])
    idx = rec.get("sobol", {}).get("indices", {})
    rows = []
    for out, b in rec["bands"].items():
        row = {"output": out, **{k: b[k] for k in ("kind", "median", "p5", "p95", "mean")}}
        s = idx.get(out)
        if s:
            row.update({f"{i}_{n}": s[i][n] for i in ("ST", "S1") for n in names})
        rows.append(row)
    columns = ["output", "kind", "median", "p5", "p95", "mean", *[f"ST_{n}" for n in names], *[f"S1_{n}" for n in names]]
    return rows, columns


def emit(rec: dict, args: argparse.Namespace, title: str) -> int:
    """Write the record (``--csv``), print it (``--json`` or a table); the exit code (0)."""
    if args.csv:
        atomic_write_text(args.csv, csv_text(*csv_rows(rec)))
    if args.json:
        inputs = {k: rec[k] for k in ("uncertain_inputs", "point_inputs", "samples")}
        results = {k: v for k, v in rec.items() if k not in ("version", "seed", *inputs)}
        return emit_json(args, results, inputs, seed=rec["seed"], legacy=rec)
    idx = rec.get("sobol", {}).get("indices", {})
    rows = []
    for out, b in rec["bands"].items():
        dom = ", ".join(f"{n} {st:.2f}" for n, st, _ in U.dominant(idx.get(out), 2) if st >= 0.01) or "-"
        rows.append([out, b["kind"], g3(b["median"]), g3(b["p5"]), g3(b["p95"]), dom])
    table(title, ["output", "kind", "median", "5 %", "95 %", "total Sobol index (log10)"], rows)
    print("inputs: " + "; ".join(f"{k} ~ {v}" for k, v in rec["uncertain_inputs"].items())
          + f"; {rec['samples']} samples, seed {rec['seed']}")
    if "status" in rec.get("sobol", {}):
        print(f"Sobol indices {rec['sobol']['status']}")
    if args.csv:
        print(f"wrote {args.csv}")
    return 0
