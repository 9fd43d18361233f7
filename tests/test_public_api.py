"""The public face (issue 10): ``import limbound as lb`` reaches every front door, lazily (PEP 562)."""
import inspect
import subprocess
import sys

import pytest

import limbound as lb
from limbound import bounds

HEAVY = ("numba", "dimod", "osqp", "sklearn", "matplotlib", "dask", "pandas", "limbound.solvers", "limbound.sim",
         "limbound.report")


def test_import_is_light():
    """``import limbound`` pulls in none of the layers above bounds, nor an optional dependency."""
    code = f"import sys, limbound; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name, module, attr", [
    ("anneal", "limbound.solvers.ising", "anneal"), ("solve_maxcut", "limbound.solvers.maxcut", "solve_maxcut"),
    ("solve_qp", "limbound.solvers.qp", "solve_qp"), ("train", "limbound.solvers.train", "train_digits"),
    ("simulate", "limbound.sim.langevin", "simulate"), ("gillespie", "limbound.sim.gillespie", "gillespie"),
    ("validate", "limbound.sim.validate", "run_all"),
    ("LIMAnnealingSampler", "limbound.solvers.sampler", "LIMAnnealingSampler"),
    ("reproduce", "limbound.report.reproduce", "reproduce"),
])
def test_front_door_is_the_layer_function(name, module, attr):
    import importlib

    assert getattr(lb, name) is getattr(importlib.import_module(module), attr)


def test_all_and_dir():
    for name in lb.__all__:
        assert hasattr(lb, name), name
    assert set(lb.__all__) <= set(dir(lb))
    assert {"anneal", "solve_qp", "train", "validate", "simulate", "LIMAnnealingSampler"} <= set(dir(lb))
    with pytest.raises(AttributeError, match="no attribute 'anneel'"):
        lb.anneel  # noqa: B018
    for name in ("resolve", "estimate", "anneal", "solve_qp", "train", "simulate"):
        assert inspect.getdoc(getattr(lb, name)), name


def test_paradigms_are_the_registry_without_device():
    """``PARADIGMS``: every paradigm priced for any inputs; ``device`` is priced only when one is named."""
    assert lb.PARADIGMS is bounds.PARADIGMS
    assert set(bounds.REGISTRY) == set(lb.PARADIGMS) | {"device"}
    x = lb.resolve(params=1e9, tokens=1e9)
    assert tuple(lb.estimate(x)) == lb.PARADIGMS
    assert tuple(lb.estimate(lb.resolve(params=1e9, tokens=1e9, device="fn-dam"))) == (*lb.PARADIGMS, "device")


def test_star_import_needs_no_optional_dependency():
    """``from limbound import *`` works on the base install; the dimod sampler is reached by name, with one clear error."""
    code = ("import sys\n"
            "for m in ('dimod', 'osqp', 'sklearn', 'matplotlib'): sys.modules[m] = None\n"
            "from limbound import *\n"
            "assert callable(anneal) and callable(solve_qp) and callable(train) and callable(validate)\n"
            "import limbound\n"
            "try:\n    limbound.LIMAnnealingSampler\nexcept limbound.LimboundError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "pip install 'limbound[ising]'" in out.stdout
