"""One ``--json`` layout for every command (issue 11): ``inputs``, ``results``, ``provenance`` blocks, the layout
before 0.2 kept beside them as deprecated aliases (README "JSON output")."""
import hashlib
import json

import pytest

import limbound
from limbound.cli import build_parser, main

BLOCKS = {"inputs", "results", "provenance"}


def _graph(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n")  # a 6-cycle: MaxCut 6
    return str(p)


#: every command with --json, and a cheap command line for it (sweep and reproduce: test_sweep, test_reproduce)
COMMANDS = {
    "estimate": ["estimate", "--workload", "gpt-3"],
    "estimate-all": ["estimate", "--workload", "all"],
    "estimate-uncertain": ["estimate", "--workload", "gpt-3", "--bits", "8..32", "--no-sobol", "--samples", "200"],
    "per-op": ["per-op", "--bits", "8"],
    "gap": ["gap", "--workload", "gpt-3"],
    "gap-measured": ["gap", "--measured", "1287MWh", "--flops", "3.14e23", "--params", "1.75e11"],
    "ladder": ["ladder", "--workload", "gpt-3"],
    "workloads": ["workloads"], "hardware": ["hardware"], "devices": ["devices"], "sources": ["sources", "S7"],
    "chips": ["chips"], "ising-machines": ["ising-machines"],
    "anneal": ["anneal", "GRAPH", "--sweeps", "20", "--reads", "2", "--seed", "4", "--no-progress"],
    "qp": ["qp", "--random", "6", "--reads", "2", "--seed", "3", "--no-reference", "--no-progress"],
    "train": ["train", "digits", "--model", "logreg", "--bits", "6", "--epochs", "1", "--reads", "2", "--seed", "5",
              "--no-progress"],
    "validate": ["validate", "--quick", "--only", "static", "--seed", "3", "--no-progress"],
}
ELSEWHERE = {"sweep", "reproduce"}  # their --json layout is checked in test_sweep.py and test_reproduce.py


def _run(capsys, argv):
    assert main([*argv, "--json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def test_every_json_command_is_covered():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    with_json = {name for name, p in sub.choices.items() if any("--json" in a.option_strings for a in p._actions)}
    assert with_json == {a[0] for a in COMMANDS.values()} | ELSEWHERE


@pytest.mark.parametrize("name", list(COMMANDS))
def test_three_blocks_and_provenance(name, capsys, tmp_path):
    argv = [_graph(tmp_path) if a == "GRAPH" else a for a in COMMANDS[name]]
    d = _run(capsys, argv)
    assert isinstance(d, dict) and list(d)[:3] == ["inputs", "results", "provenance"]
    assert isinstance(d["inputs"], dict) and d["results"]
    prov = d["provenance"]
    assert prov["version"] == limbound.__version__
    assert prov["command"] == "limbound " + " ".join([*argv, "--json"])
    # the hash is of the inputs block as printed (canonical JSON, sorted keys), computed here independently
    canon = json.dumps(d["inputs"], sort_keys=True, separators=(",", ":"))
    assert prov["inputs_sha256"] == hashlib.sha256(canon.encode()).hexdigest()
    assert prov["timestamp"].endswith("+00:00")
    if "--seed" in argv:
        assert prov["seed"] == int(argv[argv.index("--seed") + 1])


@pytest.mark.parametrize("name", ["per-op", "gap", "qp", "estimate-all"])
def test_old_top_level_keys_alias_the_results(name, capsys, tmp_path):
    d = _run(capsys, COMMANDS[name])
    for k, v in d["results"].items():  # the deprecated top-level key is the same value as the block's
        assert d[k] == v, k
    assert d["version"] == d["provenance"]["version"]


def test_catalog_aliases_and_validate_cases(capsys):
    d = _run(capsys, ["workloads"])
    assert d["gpt-3"] == d["results"]["gpt-3"] and d["gpt-3"]["params"] == pytest.approx(1.75e11)
    d = _run(capsys, COMMANDS["validate"])
    cases = d["results"]["cases"]
    assert [c["name"] for c in d["cases"]] == [c["name"] for c in cases]
    assert d["results"]["passed"] == sum(c["ok"] for c in cases)


def test_same_inputs_same_hash(capsys):
    a = _run(capsys, ["per-op", "--bits", "8"])["provenance"]["inputs_sha256"]
    b = _run(capsys, ["per-op", "--bits", "8", "--temperature", "300K"])["provenance"]["inputs_sha256"]
    c = _run(capsys, ["per-op", "--bits", "9"])["provenance"]["inputs_sha256"]
    assert a == b != c
