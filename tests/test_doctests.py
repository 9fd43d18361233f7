"""The worked examples in the docstrings are hand-checkable numbers: run them."""
import doctest
import importlib

import pytest

MODULES = ["limbound", "limbound.constants", "limbound.units", "limbound.counting", "limbound.bounds",
           "limbound.physics.rates", "limbound.physics.landauer", "limbound.physics.lim", "limbound.physics.static",
           "limbound.physics.accelerator", "limbound.physics.floors", "limbound.physics.thermo", "limbound.stats", "limbound.solvers.ising.problem", "limbound.solvers.ising.pricing", "limbound.solvers.ising.floors",
           "limbound.solvers.maxcut", "limbound.solvers.sampler", "limbound.sim.protocols"]
# lower layers and report helpers with worked examples (kept on their own line: other lists change with the splits)
MODULES += ["limbound.physics.cooling", "limbound.catalogs", "limbound.report.ladder", "limbound.budget",
            "limbound.codecarbon", "limbound.display", "limbound.uncertainty", "limbound.cli._uncertain",
            "limbound.report.html", "limbound.report.figures"]
MODULES += ["limbound.fileio", "limbound.report.reproduce", "limbound.solvers.qp.input", "limbound.solvers.qp.banks",
            "limbound.solvers.qp.problem", "limbound.deprecation"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_module_with_examples_is_run():
    """pytest does not collect doctests by itself (no --doctest-modules): a module whose docstrings hold a
    ``>>>`` example must be in MODULES, or its examples would never run."""
    import pathlib

    src = pathlib.Path(__file__).resolve().parents[1] / "src"
    with_examples = {".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
                     for p in src.rglob("*.py") if ">>>" in p.read_text(encoding="utf-8")}
    assert sorted(with_examples - set(MODULES)) == []
