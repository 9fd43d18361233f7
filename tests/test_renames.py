"""One name per quantity (issue 10): ``T_K`` is ``temperature_K`` everywhere, the old name deprecated for one release.

* no public signature reachable from ``import limbound`` (its front doors), ``limbound.physics.*``, ``bounds``,
  ``uncertainty``, ``inputs``, ``constants`` and the simulators' array and ledger has a parameter named ``T_K``;
  every one that takes ``temperature_K`` takes the old keyword through :func:`limbound.deprecation.renamed_keywords`;
* on each front door ``f(T_K=v)`` gives what ``f(temperature_K=v)`` gives, with a ``DeprecationWarning`` naming
  the new name, and giving both is a one-line error (removing the shim from any of them fails here);
* the renamed attributes and keys read the same value under the old name, with a warning.

The temperatures differ from the 300 K default so that an old keyword silently ignored would show.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import limbound as lb
from limbound.errors import ParameterError

T = 250.0  # K, not the default


def _modules():
    import limbound.physics

    names = ["limbound", "limbound.bounds", "limbound.uncertainty", "limbound.inputs", "limbound.constants",
             "limbound.sim.lim_array", "limbound.sim.ledger", "limbound.sim.lim_books", "limbound.solvers.sampler",
             *(f"limbound.physics.{m.name}" for m in pkgutil.iter_modules(limbound.physics.__path__))]
    return [importlib.import_module(n) for n in names]


def _public_callables():
    """(qualified name, callable) of every public function, class constructor and public method reachable from the
    modules of :func:`_modules` (the front doors of ``import limbound`` included, imported here)."""
    seen, out = set(), []
    for mod in _modules():
        names = [n for n in dir(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            if id(obj) in seen or not callable(obj) or not getattr(obj, "__module__", "").startswith("limbound"):
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                out.append((f"{obj.__qualname__}()", obj))
                out += [(f"{obj.__qualname__}.{m}", f) for m, f in vars(obj).items()
                        if not m.startswith("_") and inspect.isfunction(f)]
            else:
                out.append((getattr(obj, "__qualname__", name), obj))
    return out


PUBLIC = _public_callables()


def _params(obj):
    try:
        return inspect.signature(obj).parameters
    except (TypeError, ValueError):  # a builtin or a class without an inspectable constructor
        return {}


def test_the_walk_sees_the_front_doors():
    names = {n for n, _ in PUBLIC}
    for door in ("anneal", "solve_maxcut", "solve_qp", "train_digits", "resolve", "LIMAnnealingSampler.sample",
                 "lim_per_op_J", "LIMArray()", "Inputs()", "Ledger()"):
        assert door in names, door


@pytest.mark.parametrize("name,obj", PUBLIC, ids=[n for n, _ in PUBLIC])
def test_no_parameter_named_T_K_and_the_old_keyword_is_shimmed(name, obj):
    params = _params(obj)
    assert "T_K" not in params, name
    if "temperature_K" in params:
        init = obj.__init__ if inspect.isclass(obj) else obj
        assert getattr(init, "renamed_keywords", {}).get("T_K") == "temperature_K", name


# ---------------------------------------------------------------------------------- the front doors, called


def _problem():
    from limbound.solvers.maxcut import random_maxcut_graph

    return random_maxcut_graph(12, 0.5, seed=1)


def _anneal(**kw):
    from limbound.solvers.maxcut import maxcut_to_ising

    r = lb.anneal(maxcut_to_ising(_problem()), sweeps=40, reads=3, seed=2, **kw)
    return r.temperature_K, r.heat_J, r.kT_J


def _solve_maxcut(**kw):
    r = lb.solve_maxcut(_problem(), sweeps=40, reads=3, seed=2, **kw)
    return r.anneal.temperature_K, r.anneal.heat_J, r.best_cut


def _solve_qp(**kw):
    p = lb.random_qp(4, seed=1)
    r = lb.solve_qp(p, bits=4, reads=2, seed=3, reference=None, max_outer=2, **kw)
    return r.inputs["temperature_K"], r.heat_J, r.bound_J


def _train(**kw):
    r = lb.train(model="logreg", bits=4, reads=2, epochs=1, seed=1, float_reference=False, **kw)
    return r.inputs["temperature_K"], r.heat_J


def _resolve(**kw):
    x = lb.resolve(params=1e9, tokens=1e10, **kw)
    return x.temperature_K, lb.energy_to_solution(x, "lim").energy_J


def _sampler(**kw):
    pytest.importorskip("dimod")
    import dimod

    bqm = dimod.BinaryQuadraticModel({"a": 0.5, "b": -0.2}, {("a", "b"): -1.0}, 0.0, dimod.SPIN)
    ss = lb.LIMAnnealingSampler().sample(bqm, num_reads=3, num_sweeps=30, seed=4, **kw)
    return ss.info["temperature_K"], ss.info["heat_J"]


def _physics(func, *args, **fixed):
    def call(**kw):
        return np.asarray(func(*args, **fixed, **kw), dtype=float).tolist()
    call.__name__ = func.__name__
    call.required = [k for k, p in inspect.signature(func).parameters.items() if p.default is inspect.Parameter.empty]
    return call


def _physics_calls():
    from limbound import physics
    from limbound.physics import cooling, floors, static

    return [
        _physics(physics.landauer_per_op_J, 8), _physics(physics.final_state_floor_J, 1e3, 8),
        _physics(physics.lim_per_op_J, 8, 1e-6), _physics(static.static_per_op_J, 8, 1e-6),
        _physics(static.consolidation_J, 1e3, 8, 5.0, e_static_J=1e-18),
        _physics(cooling.carnot_cooling_work_J, 1.0),
        _physics(floors.jump_floor_J, entropy_drop_nats=3.0, w1=1.0, activity=2.0),
        _physics(floors.jump_floor_segmented_J, entropy_drop_nats=3.0, w1_segments=[1.0], activity_segments=[2.0]),
        _physics(floors.memory_shift_floor_J, bits=8, f0_hz=1e9, tau_s=1e-6),
        _physics(floors.second_law_workload_floor_J, params=1e3, bits=8),
        _physics(floors.speed_workload_floor_J, params=1e3, bits=8, f0_hz=1e9, tau_s=1.0),
        _physics(lambda **kw: floors.workload_floors(params=1e3, bits=8, f0_hz=1e9, tau_s=1.0, **kw)["second_law_J"]),
        _physics(lb.kT), _physics(lb.landauer_J),
    ]


FRONT_DOORS = [_anneal, _solve_maxcut, _solve_qp, _train, _resolve, _sampler]


@pytest.mark.parametrize("call", FRONT_DOORS + _physics_calls(), ids=lambda c: c.__name__)
def test_old_keyword_gives_the_same_result_with_a_warning(call):
    new = call(temperature_K=T)
    with pytest.warns(DeprecationWarning, match="T_K is deprecated .*; use temperature_K"):
        old = call(T_K=T)
    assert old == new
    if "temperature_K" in getattr(call, "required", ()):
        return
    assert new != call()  # the temperature matters at the default too: an ignored keyword would show


@pytest.mark.parametrize("call", FRONT_DOORS[:5] + _physics_calls()[:3], ids=lambda c: c.__name__)
def test_both_names_is_a_one_line_error(call):
    with pytest.raises(ParameterError, match=r"^T_K and temperature_K are both given; allowed: temperature_K only"):
        call(T_K=T, temperature_K=T)


def test_both_names_positional_and_old_keyword():
    with pytest.raises(ParameterError, match="both given"):
        lb.physics.landauer_per_op_J(8, T, T_K=T)


# ---------------------------------------------------------------------------------- attributes and keys


def test_renamed_attributes_read_the_new_one_with_a_warning():
    from limbound.sim.ledger import Ledger
    from limbound.sim.lim_array import LIMArray

    x = lb.resolve(params=1e9, tokens=1e10, temperature_K=T)
    arr = LIMArray(np.zeros(2), np.ones(2), bits=3, reads=2, temperature_K=T)
    led = Ledger(heat_kT=2.0, temperature_K=T)
    bound = lb.energy_to_solution(x, "landauer")
    for obj in (x, arr, led, bound):
        assert obj.temperature_K == T
        with pytest.warns(DeprecationWarning, match=rf"{type(obj).__name__}\.T_K is deprecated.*use \.temperature_K"):
            assert obj.T_K == T
    with pytest.warns(DeprecationWarning):  # the dataclass constructors take the old keyword too
        assert Ledger(heat_kT=2.0, T_K=T).heat_J == led.heat_J == 2.0 * lb.kT(T)


def test_uncertainty_problem_and_toml_take_the_old_name(tmp_path):
    from limbound import uncertainty as U
    from limbound.cli._uncertain import load_toml

    with pytest.warns(DeprecationWarning, match="Problem.fixed: T_K is deprecated"):
        p = U.Problem(fixed={"params": 1e9, "tokens": 1e10, "T_K": T}, uncertain={})
    assert p.fixed["temperature_K"] == T and p.point().temperature_K == T
    f = tmp_path / "u.toml"
    f.write_text('[inputs.T_K]\ndistribution = "uniform"\nlow = 200.0\nhigh = 300.0\n')
    with pytest.warns(DeprecationWarning, match="T_K is deprecated"):
        d = load_toml(str(f))
    assert list(d) == ["temperature_K"]


def test_sweep_config_takes_the_old_name_once_and_keeps_it_as_written():
    """A config's ``T_K`` still runs (one warning, the CLI shows it as a note); the point keeps the name as written,
    so its id, and the folder of a sweep begun before the rename, stay valid."""
    from limbound.report import sweep
    from limbound.report.sweep.kinds import task_estimate

    data = {"sweep": {"kind": "estimate"}, "fixed": {"workload": "gpt-3"}, "grid": {"T_K": [250.0, 300.0]}}
    with pytest.warns(DeprecationWarning, match="config: T_K is deprecated") as rec:
        cfg = sweep.parse_config(data)
    assert len(rec) == 1  # once for the config, not once per point
    pts = cfg.points()
    assert [p["inputs"]["T_K"] for p in pts] == [250.0, 300.0]
    new = sweep.parse_config({**data, "grid": {"temperature_K": [250.0, 300.0]}}).points()
    assert task_estimate(pts[0]["inputs"]) == task_estimate(new[0]["inputs"]) != task_estimate(new[1]["inputs"])
    with pytest.raises(ParameterError, match="^config: T_K and temperature_K are both given"):
        sweep.parse_config({**data, "fixed": {"workload": "gpt-3", "temperature_K": 250.0}})


def test_cli_shows_a_deprecated_name_as_one_note(tmp_path, capsys):
    from limbound.cli import main

    f = tmp_path / "u.toml"
    f.write_text('[inputs.T_K]\ndistribution = "uniform"\nlow = 250.0\nhigh = 350.0\n')
    assert main(["estimate", "--workload", "gpt-3", "--uncertainty", str(f), "--samples", "2000", "--no-sobol"]) == 0
    err = capsys.readouterr().err
    assert err == f"limbound: note: --uncertainty {f}: T_K is deprecated and goes in the next release; use temperature_K\n"
