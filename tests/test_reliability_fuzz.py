"""Hypothesis-driven fuzz of every CLI command and of the API over the whole double range (issue 12).

Every probe ends, in under 10 s (the work budgets refuse long runs: probes pass ``--max-time 3s`` where a
command takes it), with exit 0/1, or exit 2 and exactly one line ``limbound: error: ...`` -- never a
traceback; no file appears outside the probe's own ``--out``/``--sweep`` (or the documented default
``out/``); the FIFO given as a path is never opened or replaced.  Commands without a budget flag whose
valid runs are long (validate, reproduce beyond panel b, ladder) get at least one invalid option per probe.
Seeded (derandomized) for reproducibility.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import time
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from limbound.cli import build_parser, main  # noqa: E402

PROBE_S = 10.0
SETTINGS = dict(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# numbers of every magnitude, as a user might type them
DOUBLES = st.floats(allow_nan=True, allow_infinity=True).map(repr)
HOSTILE = st.sampled_from(["", "-1", "0", "1", "2", "nan", "inf", "-inf", "1e400", "1e-400", "1e-320", "1e308", "abc",
                           "10" * 30, "1e15", "1e-300K", "1e300y", "0.5", "3", "True", " ", "1,2", "%s", "§", "-0"])
VALUE = st.one_of(HOSTILE, DOUBLES, st.integers(-10, 10**7).map(str))
BAD = st.sampled_from(["-1", "abc", "nan", "1e400", "", "-inf"])  # never a valid count, seed or name


def _subparsers():
    p = build_parser()
    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


COMMANDS = sorted(_subparsers())
LONG = {"validate", "reproduce", "ladder"}
#: Commands whose every energy in --json must be a finite number (null would hide an inf: JSON has no inf).
STRICT = {"estimate", "per-op", "gap", "anneal"}  # no budget flag: probes always carry an invalid option


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "g.txt").write_text("4 4\n1 2 1\n2 3 -1\n3 4 2\n1 4 1.5\n")
    (root / "dup.txt").write_text("3 2\n1 2 1\n2 1 1\n")
    (root / "bad.txt").write_text("not a graph\n")
    (root / "a_dir").mkdir()
    os.mkfifo(root / "fifo")
    (root / "c.toml").write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\n[grid]\ntokens = [1e9, 1e10]\n')
    (root / "cg.toml").write_text(f'[sweep]\nkind = "anneal"\n[fixed]\ngraph = "{root / "g.txt"}"\nsweeps = 50\nreads = 2\n')
    (root / "big.toml").write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\n[grid]\n'
                                   'tokens = { logspace = [1, 12, 100000000] }\n')
    (root / "junk.toml").write_text("[[[ not toml")
    return root


def _paths(root):
    return st.sampled_from([str(root / n) for n in ("g.txt", "dup.txt", "bad.txt", "a_dir", "fifo", "missing.txt",
                                                    "c.toml", "cg.toml", "big.toml", "junk.toml")] + ["", "/dev/null"])


#: A typical valid value per positional/option without a usable default (so probes reach past the first check).
TYPICAL = {"graph": "g.txt", "config": "c.toml", "file": None, "--params": "1e9", "--tokens": "1e10", "--random": "30",
           "--workload": "gpt-3", "--measured-kwh": "1000", "--flops": "1e20", "--epochs": "1", "--beta-range": None}


def _value(draw, a, opt):
    """Mostly a valid value (the default or a typical one), else a hostile or any double."""
    typical = TYPICAL.get(opt, None if a.default in (None, False, True) or isinstance(a.default, (list, tuple))
                          else str(a.default))
    if typical is not None and draw(st.integers(0, 9)) < 6:
        return typical
    return draw(VALUE)


def _argv(draw, name, root):
    sp = _subparsers()[name]
    argv = [name]
    out_paths = []
    for a in sp._actions:
        if isinstance(a, (argparse._HelpAction, argparse._VersionAction)) or (
                a.option_strings and draw(st.integers(0, 9)) < 6 and a.option_strings[-1] not in TYPICAL):
            continue
        if not a.option_strings:  # positional
            if a.choices:
                argv.append(draw(st.sampled_from(sorted(a.choices) + ["nope"])))
            elif a.nargs in ("*", "?"):
                if draw(st.booleans()):
                    argv.append(draw(st.one_of(_paths(root), VALUE)))
            elif a.dest in TYPICAL and draw(st.integers(0, 9)) < 6:
                argv.append(TYPICAL[a.dest])
            else:
                argv.append(draw(st.one_of(_paths(root), VALUE)))
            continue
        opt = a.option_strings[-1]
        if opt in ("--max-time", "--scheduler"):
            continue
        if a.nargs == 0:
            argv.append(opt)
        elif opt in ("--out", "--sweep", "--gset-dir"):
            target = draw(st.sampled_from(["new", "fifo", "a_dir", "g.txt", "", "/dev/null", "missing/deeper/x"]))
            if target == "new":
                path = str(root / "run" / f"o{draw(st.integers(0, 10**9))}" / ("x.csv" if opt == "--sweep" else ""))
            else:
                path = target if target in ("", "/dev/null") else str(root / target)
            if path not in ("", "/dev/null"):
                out_paths.append(Path(path))
            argv += [opt, path]
        elif opt == "--only" and name == "reproduce":
            argv += [opt, draw(st.sampled_from(["b", "x", "", "b,b", "a,z"]))]
        elif a.choices:
            argv += [opt, draw(st.sampled_from(sorted(a.choices) + ["nope"]))]
        elif a.nargs == 2:
            argv += [opt, draw(VALUE), draw(VALUE)]
        else:
            argv += [opt, _value(draw, a, opt)]
    if "--max-time" in sp._option_string_actions:
        argv += ["--max-time", "3s"]
    if name == "sweep":
        argv += ["--threads", "--no-progress"]
    if name in LONG:
        flag = next(o for o in ("--seed", "--sweeps", "--only") if o in sp._option_string_actions)
        argv += [flag, draw(BAD)]
    return argv, out_paths


def _tree(root):
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _timeout(signum, frame):
    raise TimeoutError(f"probe ran over {PROBE_S} s")


def _no_inf_results(obj, where=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("energy_J", "per_op_J", "per_op_kT", "energy_dissipated_J") and isinstance(v, (int, float, type(None))):
                assert v is not None and math.isfinite(v), f"{where}{k} = {v!r}"
            _no_inf_results(v, f"{where}{k}.")
    elif isinstance(obj, list):
        for v in obj:
            _no_inf_results(v, where)


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_fuzz_every_command(name, arena, capsys, monkeypatch):
    monkeypatch.chdir(arena)
    old = signal.signal(signal.SIGALRM, _timeout)

    @settings(**SETTINGS)
    @given(st.data())
    def probe(data):
        argv, outs = _argv(data.draw, name, arena)
        before = _tree(arena)
        signal.setitimer(signal.ITIMER_REAL, PROBE_S)
        t = time.perf_counter()
        try:
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse
                code = exc.code
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        took = time.perf_counter() - t
        out, err = capsys.readouterr()
        assert took < PROBE_S, (argv, took)
        assert "Traceback" not in err, (argv, err)
        assert code in (0, 1, 2), (argv, code, err)
        if code == 2:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("limbound: error: "), (argv, err)
        elif "--json" in argv and name in STRICT and out.strip().startswith(("{", "[")):
            _no_inf_results(json.loads(out))
        assert (arena / "fifo").is_fifo() and (arena / "a_dir").is_dir()
        assert (arena / "g.txt").read_text().startswith("4 4")
        new = _tree(arena) - before
        allowed = [str(p.relative_to(arena)) for o in outs for p in [o, *o.parents] if arena in p.parents]
        stray = [n for n in new if not n.startswith(("run", "out")) and not any(n.startswith(a) for a in allowed)]
        assert not stray, (argv, stray)

    try:
        probe()
    finally:
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- the API over the whole double range
FLOATS = st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(name=st.sampled_from(["params", "tokens", "flops", "ops", "time_s", "temperature_K", "f0_hz", "retention_s", "d_ret",
                             "d_w", "consolidations", "batch_tokens", "bits"]), x=FLOATS)
def test_resolve_and_estimate_over_the_double_range(name, x):
    from limbound import bounds
    from limbound.errors import ParameterError

    kw = {"params": 1e9, "tokens": 1e10, name: x}
    if name == "flops":
        kw.pop("tokens")
    try:
        est = bounds.estimate(bounds.resolve(**kw))
    except ParameterError as exc:
        assert len(str(exc).splitlines()) == 1
        return
    for p, b in est.items():
        for v in (b.energy_J, b.per_op_J, b.per_op_kT):
            assert math.isfinite(v) and v >= 0.0, (name, x, p, v)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(w=st.floats(min_value=-1e308, max_value=1e308, allow_nan=False).filter(lambda v: v != 0.0))
def test_anneal_weights_over_the_double_range(w):
    import numpy as np

    from limbound.errors import ParameterError
    from limbound.solvers.maxcut import MaxCutGraph, solve_maxcut

    g = MaxCutGraph(4, np.array([0, 1, 2, 0]), np.array([1, 2, 3, 3]), np.array([w, -w, w, 0.5 * w]))
    try:
        r = solve_maxcut(g, sweeps=30, reads=2, seed=0)
    except ParameterError as exc:
        assert len(str(exc).splitlines()) == 1 and "rescale" in str(exc)
        return
    d = r.as_dict()
    assert math.isfinite(d["best_cut"]) and math.isfinite(d["energy_dissipated_J"])
    assert abs(d["first_law_residual"]) < 1e-6
