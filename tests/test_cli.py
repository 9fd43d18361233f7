"""The CLI as a user meets it: JSON keys, human units, and one-line errors with exit code 2."""
import json
import math
import subprocess
import sys

import pytest

from limbound.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_estimate_json_keys(capsys):
    code, out, _ = run_cli(capsys, "estimate", "--params", "1e15", "--tokens", "1e12", "--bits", "16", "--time", "30d",
                           "--accelerator", "h100-sxm", "--json")
    assert code == 0
    d = json.loads(out)
    for k in ("params", "ops", "bits", "dt_s", "temperature_K", "counting", "accelerator"):
        assert k in d["inputs"]
    assert d["inputs"]["dt_s"] == pytest.approx(30 * 86400 * 1e15 / 6e27)
    for p in ("landauer", "lim", "static_cim", "accelerator"):
        b = d["paradigms"][p]
        assert {"energy_J", "per_op_J", "walls"} <= set(b)
        assert set(b["walls"]) == {"memory_J", "update_J", "consolidation_J", "cooling_J"}
        assert "per_op_kT" in b
    assert d["paradigms"]["lim"]["energy_J"] == pytest.approx(2.93e8, rel=0.01)
    assert d["paradigms"]["accelerator"]["energy_J"] == pytest.approx(4.24e15, rel=0.01)


def test_estimate_all_workloads(capsys):
    code, out, _ = run_cli(capsys, "estimate", "--workload", "all", "--json")
    d = json.loads(out)
    assert code == 0 and len(d["workloads"]) >= 12 and d["version"]
    assert d["workloads"][0]["inputs"]["accelerator"] == "b200"


def test_per_op_json(capsys):
    code, out, _ = run_cli(capsys, "per-op", "--bits", "16", "--dt", "1us", "--json")
    d = json.loads(out)
    assert d["lim"]["per_op_kT"] == pytest.approx(11.783, rel=1e-3)
    assert d["lim"]["barrier_kT"] == pytest.approx(12.80, rel=1e-3)
    assert d["static_cim"]["per_op_kT"] == pytest.approx(99.65, rel=1e-3)
    assert d["landauer"]["per_op_kT"] == pytest.approx(11.090, rel=1e-3)


@pytest.mark.parametrize("cmd", ["workloads", "hardware", "devices"])
def test_catalog_listing(capsys, cmd):
    code, out, _ = run_cli(capsys, cmd, "--json")
    assert code == 0 and all("source" in row for row in json.loads(out)["results"].values())
    code, out, _ = run_cli(capsys, cmd)
    assert code == 0 and "source" in out


def test_gap(capsys):
    code, out, _ = run_cli(capsys, "gap", "--workload", "gpt-3", "--json")
    d = json.loads(out)["gaps"][0]
    assert code == 0 and d["orders_above"]["lim"] > 8 and d["orders_above"]["accelerator"] > 0
    code, out, _ = run_cli(capsys, "gap", "--measured-kwh", "1287000", "--flops", "3.14e23", "--params", "1.75e11", "--json")
    assert code == 0
    g = json.loads(out)["gaps"][0]
    # by hand: 1,287,000 kWh = 4.6332e12 J; dt = 30 d x 1.75e11 / 3.14e23 = 1.4446e-6 s (long: D = D_prec)
    # LIM: 3.14e23 ops x ln(2^17 - 1) kT = 3.14e23 x 11.783494 x 4.141947e-21 J = 1.53255e4 J -> 10^8.4805 below
    # Landauer reference: 3.14e23 x 16 ln2 kT = 1.44238e4 J -> 10^8.5068
    # accelerator (default B200, 1000 W / 2.25e15 FLOP/s BF16 dense = 0.4444 pJ/FLOP): 1.3956e11 J -> 10^1.5211
    assert g["measured_energy_J"] == pytest.approx(1287000 * 3.6e6, rel=1e-12)
    assert g["inputs"]["dt_s"] == pytest.approx(30 * 86400 * 1.75e11 / 3.14e23, rel=1e-9)
    kt = 1.380649e-23 * 300
    assert g["orders_above"]["lim"] == pytest.approx(math.log10(4.6332e12 / (3.14e23 * 11.783494 * kt)), abs=1e-5)
    assert g["orders_above"]["lim"] == pytest.approx(8.4805, abs=1e-4)
    assert g["orders_above"]["landauer"] == pytest.approx(8.5068, abs=1e-4)
    assert g["orders_above"]["accelerator"] == pytest.approx(math.log10(4.6332e12 / (3.14e23 * 1000 / 2.25e15)), abs=2e-3)


BAD = [
    ["estimate", "--params", "-1", "--tokens", "1e9"],
    ["estimate", "--params", "0", "--tokens", "1e9"],
    ["estimate", "--params", "nan", "--tokens", "1e9"],
    ["estimate", "--params", "inf", "--tokens", "1e9"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--bits", "0"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--bits", "65"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--temperature", "0K"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--temperature", "-5K"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--retention-failure", "1.5"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--write-failure", "0"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--time", "30 fortnights"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--attempt-frequency", "fast"],
    ["estimate", "--workload", "gpt-5"],
    ["estimate", "--params", "1e9", "--tokens", "1e9", "--accelerator", "h1000"],
    ["estimate", "--params", "1e9"],
    ["per-op", "--dt", "1parsec"],
    ["per-op", "--bits", "abc"],
    ["gap", "--workload", "chinchilla"],
    ["estimate", "--counting", "per-flop", "--params", "1e9", "--tokens", "1e9"],
    ["estimate", "--params", "1e15", "--ops", "1e-300", "--time", "1s"],
]


@pytest.mark.parametrize("argv", BAD)
def test_bad_input_exits_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as info:  # argparse choices errors exit directly
        raise SystemExit(main(argv))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("limbound: error:") and "Traceback" not in err


def test_console_script_no_traceback():
    r = subprocess.run([sys.executable, "-m", "limbound", "estimate", "--params", "-3", "--tokens", "1"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1


def test_unreadable_path_is_one_line(capsys, tmp_path):
    code = main(["anneal", str(tmp_path / "missing.txt")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("only", ["", "a,,b", "z"])
def test_reproduce_only_is_exact(capsys, tmp_path, only):
    out = tmp_path / "r"
    assert main(["reproduce", "--only", only, "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("argv", [["qp", "--random", "5", "--seed", "-1"], ["train", "digits", "--seed", "-1"],
                                  ["validate", "--quick", "--seed", "-1"], ["reproduce", "--seed", "-1", "--out", "x"],
                                  ["anneal", "GRAPH", "--seed", "-1"]])
def test_negative_seed_is_refused_alike(capsys, tmp_path, argv):
    graph = tmp_path / "g.txt"
    graph.write_text("3 2\n1 2 1\n2 3 1\n")
    argv = [str(graph) if a == "GRAPH" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "seed" in err and "Traceback" not in err


def test_gap_shows_each_wall_where_it_bites(capsys, monkeypatch):
    # THEORY §2c'/§4: volatile CIM consolidates into non-volatile memory (> 0); LIM keeps weights in place (exactly 0)
    code, out, _ = run_cli(capsys, "gap", "--workload", "gpt-3", "--json")
    d = json.loads(out)["gaps"][0]
    w = d["walls"]
    assert code == 0 and set(w) == set(d["orders_above"])
    assert w["volatile_cim"]["consolidation_J"] > 0 and w["lim"]["consolidation_J"] == 0.0
    assert w["static_cim"]["consolidation_J"] == 0.0  # weights stay in the non-volatile array
    # by hand (long dt: D = D_prec = ln(2^(b+1) - 1)): LIM's update wall = OPS ln(2^(b+1) - 1) kT, no memory wall
    x = d["inputs"]
    kt = 1.380649e-23 * x["temperature_K"]
    assert w["lim"]["update_J"] == pytest.approx(x["ops"] * math.log(2.0 ** (x["bits"] + 1) - 1) * kt, rel=1e-9)
    assert w["lim"]["memory_J"] == 0.0 and w["accelerator"]["memory_J"] > 0
    for p, v in w.items():  # the walls add up to the estimate the orders are taken against
        parts = v["memory_J"] + v["update_J"] + v["consolidation_J"] + v["cooling_J"]
        assert v["estimate_J"] == pytest.approx(parts, rel=1e-12)
        assert d["orders_above"][p] == pytest.approx(math.log10(d["measured_energy_J"] / parts), abs=1e-9)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run_cli(capsys, "gap", "--workload", "all")
    assert code == 0 and "consolidation" in out and "volatile_cim" in out
    assert max(len(line) for line in out.splitlines()) <= 80
