"""Every declared parameter (limbound.specs) is refused alike by the function, the CLI and the sweep config.

For each front door's :class:`~limbound.params.Spec`, each parameter and each bad value its declaration
generates (below range, wrong type, unknown choice, a whole float under the integer rule, ...):

* the Python function refuses it at its entry with a one-line ParameterError;
* the CLI (run in-process through ``limbound.cli.main``) exits 2 with one line on stderr, no traceback,
  containing the same message -- when the option exists and the value can be written as text;
* the sweep config of the matching kind refuses it with the same message.

Each refusal happens at the front door, before any work, so the walk is fast.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from limbound import specs
from limbound.errors import ParameterError
from limbound.params import NO_DEFAULT, Boolean, ListOf, Options, Text


def _estimate(**kw):
    from limbound import bounds

    return bounds.resolve(**{"workload": "gpt-3", **kw})


def _gap_orders(**kw):
    from limbound import bounds

    return bounds.gap_orders(**{"inputs": None, **kw})  # refused at entry, before the estimate


def _simulate(**kw):
    from limbound.sim.langevin import simulate

    return simulate(None, np.zeros(2), **{"gamma": 1.0, "dt": 1e-3, "seed": 0, **kw})


def _first_passage(**kw):
    from limbound.sim.langevin import first_passage

    kw = {"target": 1.0, "gamma": 1.0, "dt": 1e-3, "seed": 0, "max_time": 1.0, **kw}
    return first_passage(None, np.zeros(2), **kw)  # refused at entry, before the potential is looked at


def _gillespie(**kw):
    from limbound.sim.gillespie import gillespie

    return gillespie(np.zeros(2, dtype=np.int64), **{"n_levels": 3, "driver": [], "seed": 0, **kw})


def _anneal(**kw):
    from limbound.solvers.ising import anneal

    return anneal(None, **kw)  # refused at entry, before the problem is looked at


def _solve_maxcut(**kw):
    from limbound.solvers.maxcut import solve_maxcut

    return solve_maxcut(None, **kw)


def _solve_qp(**kw):
    from limbound.solvers.qp import solve_qp

    return solve_qp(None, **kw)


def _random_qp(**kw):
    from limbound.solvers.qp import random_qp

    return random_qp(**{"n": 5, **kw})


def _train(**kw):
    from limbound.solvers.train import train_digits

    return train_digits(**kw)


def _validate(**kw):
    from limbound.sim.validate import run_all

    return run_all(**kw)


def _validate_group(group):
    """The function of a validation group (sim.validate.<group>_cases), refusing at entry before any simulation."""
    def run(**kw):
        from limbound.sim import validate

        return getattr(validate, f"{group}_cases")(**kw)
    return run


def _reproduce(**kw):
    from limbound.report.reproduce import reproduce

    return reproduce(None, **kw)  # refused at entry, before the folder is looked at


def _load(**kw):
    from limbound import catalogs

    return catalogs.load(**kw)


def _citations(**kw):
    from limbound import catalogs

    return catalogs.citations(**kw)


def _workload_ladder(**kw):
    from limbound.report.ladder import workload_ladder

    return workload_ladder(**{"workload": "gpt-3", **kw})


def _ising_ladder(**kw):
    from limbound.report.ladder import ising_ladder

    return ising_ladder(**{"instance": "G1", **kw})  # refused at entry, before the G-set folder is looked for


def _check_budget(**kw):
    from limbound.budget import check_budget

    return check_budget("a run of 1 s", 1.0, **kw)


def _run_sweep(**kw):
    from limbound.report.sweep import run_sweep

    return run_sweep({}, "never", **kw)  # refused at entry, before the config or the folder is looked at


def _sweep_kind(kind, base=None, excluded=("seed",)):
    """The input check of a sweep kind (run for every point before any cluster starts), with ``base`` inputs;
    ``excluded``: declared names a sweep config may not set (the sweep gives each point its seed)."""
    def check(inputs):
        from limbound.report import sweep

        sweep.available_kinds()[kind].check({**(base or {}), **inputs})
    check.excluded = excluded
    return check


#: spec name -> (function, the function object carrying the spec, CLI argv prefix (or a list of them: every
#: command whose option it declares) or None, sweep check or None)
_GRAPH = {"graph": "random:5:0.5"}
FRONT_DOORS = {
    "check_budget": (_check_budget, "limbound.budget:check_budget",
                     [["anneal", "G.txt"], ["qp", "--random", "5"], ["train", "digits"]], None),
    "estimate": (_estimate, "limbound.bounds:resolve", ["estimate", "--workload", "gpt-3"],
                 _sweep_kind("estimate", {"workload": "gpt-3"}, ())),
    "gap_orders": (_gap_orders, "limbound.bounds:gap_orders", ["gap", "--workload", "gpt-3"], None),
    "simulate": (_simulate, "limbound.sim.langevin:simulate", None, None),
    "first_passage": (_first_passage, "limbound.sim.langevin:first_passage", None, None),
    "gillespie": (_gillespie, "limbound.sim.gillespie:gillespie", None, None),
    "anneal": (_anneal, "limbound.solvers.ising:anneal", ["anneal", "G.txt"],
               _sweep_kind("anneal", _GRAPH, ("seed", "target_energy"))),
    "solve_maxcut": (_solve_maxcut, "limbound.solvers.maxcut:solve_maxcut", ["anneal", "G.txt"],
                     _sweep_kind("anneal", _GRAPH)),
    "solve_qp": (_solve_qp, "limbound.solvers.qp:solve_qp", ["qp", "--random", "5"],
                 _sweep_kind("qp", {"n": 5}, ("seed", "reference"))),
    "random_qp": (_random_qp, "limbound.solvers.qp:random_qp", ["qp", "--random", "5"], _sweep_kind("qp", {"n": 5})),
    "train_digits": (_train, "limbound.solvers.train:train_digits", ["train", "digits"], _sweep_kind("train")),
    "validate": (_validate, "limbound.sim.validate:run_all", ["validate", "--quick"], None),
    "reproduce": (_reproduce, "limbound.report.reproduce:reproduce", ["reproduce", "--out", "never"], None),
    "load": (_load, "limbound.catalogs:load", None, None),
    "citations": (_citations, "limbound.catalogs:citations", ["sources"], None),
    "workload_ladder": (_workload_ladder, "limbound.report.ladder:workload_ladder", ["ladder"], None),
    "ising_ladder": (_ising_ladder, "limbound.report.ladder:ising_ladder", ["ladder", "--ising", "G1"], None),
    "run_sweep": (_run_sweep, "limbound.report.sweep:run_sweep", ["sweep", "never.toml"], None),
    **{f"{g}_cases": (_validate_group(g), f"limbound.sim.validate:{g}_cases", None,
                      _sweep_kind("validate", {"group": g})) for g in specs.VALIDATE_CASES},
}


def _target(path):
    import importlib

    mod, name = path.split(":")
    return getattr(importlib.import_module(mod), name)


def _cases():
    for sname, spec in specs.SPECS.items():
        for key, param in spec.params.items():
            for i, bad in enumerate(param.bad_values()):
                if bad is None and param.optional:
                    continue
                yield pytest.param(sname, key, bad, id=f"{sname}-{key}-{i}-{type(bad).__name__}")


def _cli_args(param, flag, value):
    """The CLI arguments typing the bad value, or None when text cannot express it (a bool, None, a list of the
    wrong length, a number for a name; a switch)."""
    if isinstance(param, Boolean):
        return None
    if isinstance(param, ListOf):
        ok = isinstance(value, list) and len(value) == param.length and all(isinstance(v, float) for v in value)
        return [flag, *map(repr, value)] if ok else None
    if isinstance(value, str):
        return [f"{flag}={value}"]
    if isinstance(value, (bool, np.bool_, list)) or value is None or isinstance(param, (Text, Options)):
        return None
    return [f"{flag}={value!r}"]


def _run_cli(argv, capsys):
    from limbound.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def test_every_spec_has_a_front_door():
    assert set(specs.SPECS) == set(FRONT_DOORS)


@pytest.mark.parametrize("sname", sorted(FRONT_DOORS))
def test_spec_matches_signature(sname):
    """The declared names are the function's parameters, the declared defaults its defaults, and the function
    checks them at entry (decorated by its spec)."""
    import inspect

    func = _target(FRONT_DOORS[sname][1])
    spec = specs.SPECS[sname]
    assert getattr(func, "spec", None) is spec
    sig = inspect.signature(func).parameters
    for key, param in spec.params.items():
        assert key in sig
        if sig[key].default is not inspect.Parameter.empty:
            assert param.default is not NO_DEFAULT and param.default == sig[key].default, key
        else:
            assert param.default is NO_DEFAULT, key


@pytest.mark.parametrize("sname,key,bad", list(_cases()))
def test_bad_value_refused_alike(sname, key, bad, capsys):
    func, _, cli, sweep = FRONT_DOORS[sname]
    spec = specs.SPECS[sname]
    param = spec[key]
    with pytest.raises(ParameterError) as exc:
        func(**{key: bad})
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith((f"{key}=", f"{key}[")) and "allowed:" in msg, msg

    flag = spec.cli_flag(key)
    typed = None if flag is None else _cli_args(param, flag, bad)
    for argv in ([] if cli is None or typed is None else [cli] if isinstance(cli[0], str) else cli):
        code, err = _run_cli([*argv, *typed], capsys)
        assert code == 2, (argv, code, err)
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("limbound: error: ") and msg in err, (msg, err)

    if sweep is not None and key not in sweep.excluded:
        with pytest.raises(ParameterError) as exc2:
            sweep({key: bad})
        assert str(exc2.value) == msg


@pytest.mark.parametrize("sname", sorted(FRONT_DOORS))
def test_unknown_keys_refused(sname):
    spec = specs.SPECS[sname]
    first = next(iter(spec.params))
    typo = first[:-1] + first[-1] * 2
    with pytest.raises(ParameterError, match=f"did you mean {first!r}"):
        spec.check_config({typo: 1})
    import inspect

    params = inspect.signature(_target(FRONT_DOORS[sname][1])).parameters.values()
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):  # solve_maxcut passes the rest to anneal
        with pytest.raises(TypeError):
            FRONT_DOORS[sname][0](**{typo: 1})
    sweep = FRONT_DOORS[sname][3]
    if sweep is not None:
        with pytest.raises(ParameterError, match="did you mean"):
            sweep({typo: 1})


def test_integer_rule():
    """One rule: Python and numpy integers pass; booleans and floats (whole or not) are refused."""
    p = specs.SEED
    assert p.check("seed", 3) == 3 and p.check("seed", np.int64(3)) == 3
    for bad in (True, 3.0, 3.5, "3", None):
        with pytest.raises(ParameterError):
            p.check("seed", bad)
    assert p.from_text("3") == 3 and p.from_text("3.0") == 3.0 and math.isnan(p.from_text("nan"))


def test_max_time_spellings():
    """--max-time keeps the spellings budget.parse_max_time read before it was declared (specs.MAX_TIME): a time
    with a unit or a bare number of seconds, no limit as none/inf/unlimited/off in any case, default 10 minutes;
    alike in every command that has it and in check_budget (2 h = 7200 s: refused just above, allowed at it)."""
    from limbound.budget import check_budget
    from limbound.cli import build_parser

    cases = {"2h": 7200.0, "90s": 90.0, "600": 600.0, "1.5min": 90.0, "none": None, " OFF ": None, "Inf": None,
             "unlimited": None}
    parser = build_parser()
    for argv in (["anneal", "G.txt"], ["qp", "--random", "5"], ["train", "digits"], ["sweep", "grid.toml"]):
        assert parser.parse_args(argv).max_time == 600.0
        for text, seconds in cases.items():
            assert parser.parse_args([*argv, "--max-time", text]).max_time == seconds, (argv, text)
    for text, seconds in cases.items():
        assert specs.MAX_TIME.check("max_time_s", text) == seconds
    assert specs.MAX_TIME.check("max_time_s", math.inf) is None and specs.MAX_TIME.check("max_time_s", None) is None
    assert check_budget("w", 7200.0, "2h") == 7200.0 and check_budget("w", 1e300, "none") == 1e300
    with pytest.raises(ParameterError, match=r"allowed: up to 2 h "):
        check_budget("w", 7201.0, "2h")
    with pytest.raises(ParameterError, match=r"up to 10 min"):
        check_budget("w", 601.0)


def test_positional_declarations(capsys):
    """``positional=True``: a CLI positional argument named by its key, required without a default and optional
    with one, read and checked by the declaration (same message, exit 2); it has no option flag.
    ``limbound sources ID ...`` is SOURCES' ids."""
    import argparse

    from limbound.cli import build_parser
    from limbound.params import Integer, Real, Spec

    spec = Spec("t", {"n": Integer(1, positional=True, help="n"), "x": Real(0.0, default=1.5, positional=True)})
    parser = argparse.ArgumentParser(prog="t")
    spec.add_arguments(parser)
    a = parser.parse_args(["3"])
    assert (a.n, a.x) == (3, 1.5) and parser.parse_args(["3", "2.5"]).x == 2.5
    assert spec.cli_flag("n") is None and spec.dest("n") == "n"
    for argv, err in ((["3.0"], "n=3.0 is a float; allowed: integers >= 1"), ([], "required: n"),
                      (["3", "-1"], "x=-1.0 is out of range; allowed: a finite number >= 0")):
        with pytest.raises(SystemExit) as exc:
            parser.parse_args(argv)
        assert exc.value.code == 2 and err in capsys.readouterr().err
    xs = Spec("u", {"xs": ListOf(Real(0.0), empty=True, default=(), positional=True, metavar="X")})
    with pytest.raises(ParameterError, match=r"^argument X: xs\[0\]=-1.0 is out of range"):
        xs.from_args(argparse.Namespace(xs=["-1"]), ["xs"])
    cli = build_parser()
    assert cli.parse_args(["sources", "S1", "[s2]"]).ids == ["S1", "[s2]"] and cli.parse_args(["sources"]).ids == ()


def test_choice_lists_are_declared_once():
    """The modules that dispatch on a choice use the declared tuple itself (no retyped copy)."""
    from limbound import bounds, counting
    from limbound.sim import lim_array
    from limbound.solvers import ising, train
    from limbound.solvers.qp.gradient import DRIVERS

    assert ising.SCHEDULES is specs.SCHEDULES and ising.ACCEPTANCES is specs.ACCEPTANCES
    assert counting.COUNTINGS is specs.COUNTINGS and bounds.CONSOLIDATION_POLICIES is specs.CONSOLIDATION_POLICIES
    assert train.MODELS is specs.MODELS and lim_array.ENGINES is specs.ENGINES
    assert tuple(DRIVERS) == specs.QP_METHODS  # the drivers' table is keyed by the declared methods
    assert specs.ANNEAL["schedule"].options == specs.SCHEDULES and specs.QP["method"].options == specs.QP_METHODS


def test_validate_kind_group_is_declared():
    """The sweep kind validate takes the declared groups (one spec per group function), no other, and needs one."""
    from limbound.report import sweep

    check = sweep.available_kinds()["validate"].check
    assert specs.VALIDATE_GROUP.options == tuple(specs.VALIDATE_CASES)
    with pytest.raises(ParameterError, match="needs input group"):
        check({"tau": 1.0})
    for bad in ("design", "drags", 1):
        with pytest.raises(ParameterError, match=r"^group=.*allowed: kramers, drag, erasure, master, lim, static$"):
            check({"group": bad})
    with pytest.raises(ParameterError, match="'n_levels' is unknown for kind 'validate', group 'drag'"):
        check({"group": "drag", "n_levels": 3})  # a name of another group


def _integer_inputs():
    """Integer inputs of the simulators and helpers outside the specs, each checked by errors.check_integer:
    ``(call(value), name, a valid value)``; every call is refused at entry, before any work."""
    from limbound import stats, uncertainty
    from limbound.sim import fokker_planck, kmc, splitting
    from limbound.sim.lim_array import LIMArray
    from limbound.sim.protocols import double_well
    from limbound.solvers import sampler

    lv, well = np.zeros(2, dtype=np.int64), double_well(barrier=4.0)
    return [
        (kmc.check_n_levels, "n_levels", 3),
        (lambda v: kmc.sync_run_v(lv, 3, lv, np.ones(2), np.full(2, 5.0), 1e-9, 1e9, v, np.zeros(2, np.uint64)),
         "n_steps", None),
        (stats.z_threshold, "m", 3),
        (lambda v: sampler.dwave_betas("linear", 10, v, [0.1, 1.0], None), "num_sweeps_per_beta", 2),
        (lambda v: fokker_planck.solve_protocol(well, x_lo=0.0, x_hi=1.0, n_grid=v, n_steps=16), "n_grid", None),
        (lambda v: splitting.mfpt_by_splitting(well, x_start=-1.0, target=1.0, interfaces=[0.0], gamma=1.0, dt=1e-3,
                                               seed=0, basin=-0.5, n_replicas=v), "n_replicas", None),
        (lambda v: uncertainty.monte_carlo(None, samples=v), "samples", None),
        (lambda v: LIMArray(np.zeros(2), np.ones(2), bits=3, reads=v), "reads", 2),
    ]


@pytest.mark.parametrize("i", range(8))
def test_integer_inputs_outside_specs_follow_the_one_rule(i):
    """A whole float and a boolean are refused as types (ParameterTypeError, 'is a float' / 'is a bool'), a value
    below the range as out of range; the message names the input.  The rule is errors.check_integer's."""
    from limbound.errors import ParameterTypeError

    call, name, good = _integer_inputs()[i]
    for bad, shown in ((4.0, "is a float"), (True, "is a bool"), (-1, "is out of range")):
        with pytest.raises(ParameterError, match=f"^{name}=.* {shown}; allowed: integers") as exc:
            call(bad)
        assert isinstance(exc.value, ParameterTypeError) == (shown != "is out of range")
    if good is not None:
        call(np.int64(good))
