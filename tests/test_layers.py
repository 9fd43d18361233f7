"""The package's import graph respects DESIGN.md: no cycles, no upward imports.

The graph is read from the source with :mod:`ast` (nothing is imported), so
the test sees optional-extra modules too. Module-level imports (including
those under ``if``/``try`` at top level) must form no cycle; imports inside
functions ("lazy" imports) may close a cycle, and the ones that do are listed
by :func:`lazy_cycle_edges` so they stay visible. Every import, lazy or not,
must go down (or sideways) the layer order of DESIGN.md.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "limbound"

#: DESIGN.md layer order: data flows down, so a module may import only its own
#: layer, a lower one, or a base module.
ORDER = ["physics", "counting", "catalogs", "bounds", "sim", "solvers", "report", "cli"]
#: Base modules: importable from anywhere; they import only other base modules.
BASE = {"constants", "units", "errors", "fileio", "stats", "_optional", "display", "params", "deprecation"}
#: Top-level modules that are not packages named in ORDER, and their layer.
#: ``limbound`` itself (the public face) re-exports the bounds layer, and
#: report/cli read ``__version__`` from it; ``inputs`` (:func:`resolve`, the
#: checked inputs of an estimate) is the bounds layer's; ``uncertainty`` propagates input
#: ranges through ``bounds``; ``codecarbon`` measures a run for ``gap``;
#: ``budget`` (work budgets of solver runs) reads ``counting``, so it is not a
#: base module: report/ and cli/ use it.  ``specs`` (the declared parameters of every front door) sits at the
#: bottom layer so that every front door can import it; it reads physics' defaults.
EXTRA = {"": "bounds", "inputs": "bounds", "uncertainty": "bounds", "codecarbon": "report", "__main__": "cli", "budget": "solvers",
         "specs": "physics"}


def _modules(src: Path = SRC) -> dict[str, Path]:
    out = {}
    for p in src.rglob("*.py"):
        parts = list(p.relative_to(src.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _top_level(body):
    """Import statements executed when the module is imported (not inside functions/classes)."""
    for n in body:
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            yield n
        elif isinstance(n, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody"):
                yield from _top_level(getattr(n, block, []))
            for h in getattr(n, "handlers", []):
                yield from _top_level(h.body)


def import_graph(src: Path = SRC) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level edges, lazy edges) between limbound modules, by dotted name."""
    mods = _modules(src)
    top: dict[str, set[str]] = {m: set() for m in mods}
    lazy: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        tree = ast.parse(p.read_text(encoding="utf-8"), filename=str(p))
        pkg = m if p.name == "__init__.py" else m.rpartition(".")[0]
        at_top = {id(n) for n in _top_level(tree.body)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                # ``from pkg import sub`` imports the submodule; ``from mod import name`` the module.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods and "." in t:  # ``import limbound.sim.kmc.x`` -> nearest module
                    t = t.rpartition(".")[0]
                if t in mods and t != m:
                    (top if id(node) in at_top else lazy)[m].add(t)
    return top, lazy


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def layer(module: str) -> str:
    """The DESIGN.md layer of a dotted module name (``"base"`` for base modules)."""
    rest = module.split(".", 1)[1] if "." in module else ""
    head = rest.split(".", 1)[0]
    if head in BASE:
        return "base"
    if head in ORDER:
        return head
    if head in EXTRA:
        return EXTRA[head]
    raise AssertionError(f"module {module} has no layer: add it to ORDER, BASE or EXTRA in tests/test_layers.py")


def upward_imports(top: dict[str, set[str]], lazy: dict[str, set[str]]) -> list[str]:
    rank = {name: i for i, name in enumerate(ORDER)}
    bad = []
    for edges, kind in ((top, "module-level"), (lazy, "lazy")):
        for m, targets in sorted(edges.items()):
            lm = layer(m)
            for t in sorted(targets):
                lt = layer(t)
                if lt == "base":
                    continue
                if lm == "base" or rank[lt] > rank[lm]:
                    bad.append(f"{m} ({lm}) -> {t} ({lt}) [{kind}]")
    return bad


def lazy_cycle_edges(top: dict[str, set[str]], lazy: dict[str, set[str]]) -> list[str]:
    """Lazy imports inside a cycle of the whole graph (module-level + lazy): allowed, but listed."""
    both = {m: top[m] | lazy[m] for m in top}
    cycles = find_cycles(both)
    return [f"{m} -> {t}" for m, targets in sorted(lazy.items()) for t in sorted(targets)
            if t not in top[m] and any(m in c and t in c for c in cycles)]


#: Lazy imports that close a cycle: allowed (a function-level import runs after
#: both modules are loaded) but kept visible here, so a new one is a decision.
#: (The sim.validate <-> sim.validate_floors pair went when the judge moved to sim/cases.py.)
ALLOWED_LAZY_CYCLES: list[str] = []


def test_every_module_has_a_layer():
    for m in _modules():
        layer(m)


def test_no_import_cycle_at_module_level():
    top, _ = import_graph()
    assert find_cycles(top) == []


def test_lazy_imports_that_close_a_cycle_are_the_listed_ones():
    top, lazy = import_graph()
    assert lazy_cycle_edges(top, lazy) == ALLOWED_LAZY_CYCLES


def test_no_upward_import():
    top, lazy = import_graph()
    assert upward_imports(top, lazy) == []


@pytest.mark.parametrize("above", ["solvers", "report", "cli"])
def test_sim_imports_nothing_above_it(above):
    """The simulators know nothing of the problem drivers, the reports or the CLI (issue 10), lazily or not."""
    top, lazy = import_graph()
    bad = [f"{m} -> {t}" for edges in (top, lazy) for m, targets in sorted(edges.items()) if layer(m) == "sim"
           for t in sorted(targets) if layer(t) == above]
    assert bad == []


# --- the checker itself can fail --------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> Path:
    src = root / "limbound"
    for rel, text in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return src


def test_checker_sees_a_cycle_and_an_upward_import(tmp_path):
    src = _write(tmp_path, {
        "__init__.py": "",
        "sim/__init__.py": "",
        "sim/a.py": "from ..solvers import b\n",           # upward: sim -> solvers
        "solvers/__init__.py": "",
        "solvers/b.py": "from ..sim.a import x\n",          # closes sim.a <-> solvers.b
        "report/__init__.py": "",
        "report/r.py": "def f():\n    from ..cli import c\n",  # lazy, still upward
        "cli/__init__.py": "",
        "cli/c.py": "",
    })
    top, lazy = import_graph(src)
    assert find_cycles(top) == [["limbound.sim.a", "limbound.solvers.b"]]
    assert upward_imports(top, lazy) == [
        "limbound.sim.a (sim) -> limbound.solvers.b (solvers) [module-level]",
        "limbound.report.r (report) -> limbound.cli.c (cli) [lazy]",
    ]


@pytest.mark.parametrize("code, listed", [
    ("def f():\n    from . import a\n", ["limbound.sim.b -> limbound.sim.a"]),
    ("def f():\n    from .a import x\n", ["limbound.sim.b -> limbound.sim.a"]),
    ("", []),
])
def test_checker_lists_lazy_cycles(tmp_path, code, listed):
    src = _write(tmp_path, {"__init__.py": "", "sim/__init__.py": "", "sim/a.py": "from . import b\n", "sim/b.py": code})
    top, lazy = import_graph(src)
    assert find_cycles(top) == []
    assert lazy_cycle_edges(top, lazy) == listed


def test_package_is_marked_typed():
    """PEP 561: the ``py.typed`` marker sits in the package (hatchling puts every package file in the wheel)."""
    assert (SRC / "py.typed").is_file()
