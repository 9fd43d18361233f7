"""G-set / rudy reader, MaxCut <-> Ising conversion, the MaxCut solve and the ``anneal`` CLI."""
from __future__ import annotations

import csv
import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from limbound.cli import main
from limbound.errors import FormatError
from limbound.solvers.maxcut import (
    cut_values,
    maxcut_to_ising,
    read_best_known,
    read_gset,
    solve_maxcut,
)
from limbound.solvers.sampler import ising_from_bqm, maxcut_bqm

GSET = Path(__file__).parents[2] / "shared" / "benchmarks" / "gset"
needs_gset = pytest.mark.skipif(not (GSET / "best_known.csv").exists(), reason=f"G-set not found at {GSET}")


def _write(tmp_path, text, name="g.txt"):
    p = tmp_path / name
    p.write_text(text)
    return p


# a 5-cycle (odd): max cut 4; a triangle with one negative edge
CYCLE5 = "5 5\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 1 1\n"


def _brute_max_cut(g):
    best = -math.inf
    for k in range(2 ** g.n):
        s = np.array([1 if (k >> b) & 1 else -1 for b in range(g.n)])
        best = max(best, float(cut_values(g, s)))
    return best


def test_read_small_graph_and_cut(tmp_path):
    g = read_gset(_write(tmp_path, "# comment\n" + CYCLE5))
    assert (g.n, g.m, g.total_weight) == (5, 5, 5.0)
    assert g.i.tolist() == [0, 1, 2, 3, 4] and g.j.tolist() == [1, 2, 3, 4, 0]
    s = np.array([1, -1, 1, -1, 1])
    assert cut_values(g, s) == 4.0  # all but the edge 5-1 cut
    assert _brute_max_cut(g) == 4.0


@pytest.mark.parametrize("text, line, match", [
    ("", 1, "empty file"),
    ("5\n1 2 1\n", 1, "header"),
    ("5 x\n1 2 1\n", 1, "m='x' is not an integer"),
    ("3 2\n1 2 1\n2 3\n1 2 3 4\n", 4, "edge line"),
    ("3 2\n1 2 1\n2 a 1\n", 3, "j='a' is not an integer"),
    ("3 2\n1 2 1\n2 4 1\n", 3, "node 4 outside 1..3"),
    ("3 2\n1 2 1\n2 2 1\n", 3, "self-loop"),
    ("3 2\n1 2 1\n2 3 nan\n", 3, "not finite"),
    ("3 2\n1 2 1\n2 3 w\n", 3, "weight 'w' is not a number"),
    ("3 3\n1 2 1\n2 3 1\n", 1, "header says m=3 edges but the file has 2"),
])
def test_malformed_files_name_file_and_line(tmp_path, text, line, match):
    p = _write(tmp_path, text)
    with pytest.raises(FormatError, match=match) as exc:
        read_gset(p)
    assert f"{p}:{line}:" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError, match="does not exist"):
        read_gset(tmp_path / "nope.txt")


def test_maxcut_ising_relation_cut_equals_half_W_minus_H(tmp_path):
    rng = np.random.default_rng(0)
    n = 12
    lines = [f"{n} 30"]
    pairs = set()
    while len(pairs) < 30:
        a, b = sorted(rng.choice(n, size=2, replace=False).tolist())
        pairs.add((a, b))
    for a, b in sorted(pairs):
        lines.append(f"{a + 1} {b + 1} {rng.choice([-1, 1])}")
    g = read_gset(_write(tmp_path, "\n".join(lines) + "\n"))
    prob = maxcut_to_ising(g)
    S = rng.choice([-1, 1], size=(50, n))
    np.testing.assert_allclose(cut_values(g, S), (g.total_weight - prob.energy(S)) / 2)
    # the annealer finds the brute-force max cut
    res = solve_maxcut(g, sweeps=300, reads=8, seed=1, target_cut=_brute_max_cut(g))
    assert res.best_cut == _brute_max_cut(g)
    assert res.anneal.reached.any() and res.as_dict()["energy_to_target_J"] is not None


def test_bqm_conversions(tmp_path):
    dimod = pytest.importorskip("dimod")
    g = read_gset(_write(tmp_path, "4 5\n1 2 1\n2 3 -1\n3 4 2\n4 1 1\n1 3 1\n"))
    bqm = maxcut_bqm(g)
    rng = np.random.default_rng(1)
    S = rng.choice([-1, 1], size=(16, 4))
    np.testing.assert_allclose(bqm.energies((S, list(range(4)))), -cut_values(g, S))
    # any BQM: E_bqm(s) = H(s) + offset, also from BINARY
    b2 = dimod.BinaryQuadraticModel({"a": 1.5, "b": -0.5}, {("a", "b"): 2.0, ("b", "c"): -1.0}, 0.25, "BINARY")
    prob, off = ising_from_bqm(b2)
    labels = list(prob.labels)
    S = rng.choice([-1, 1], size=(8, 3))
    np.testing.assert_allclose(b2.spin.energies((S, labels)), prob.energy(S) + off)


@needs_gset
def test_shipped_gset_graphs_match_best_known_table():
    table = {}
    with open(GSET / "best_known.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            table[row["instance"]] = (int(row["nodes"]), int(row["edges"]))
    bk = read_best_known(GSET / "best_known.csv")
    files = sorted(GSET.glob("G*.txt"))
    assert files
    for f in files:
        g = read_gset(f)
        assert (g.n, g.m) == table[g.name]
        assert bk[g.name] > 0
    assert bk["G1"] == 11624  # Benlic & Hao 2013


@needs_gset
def test_anneal_cli_json_on_g11(capsys):
    code = main(["anneal", str(GSET / "G11.txt"), "--sweeps", "200", "--reads", "4", "--seed", "3",
                 "--target", "540", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("best_cut", "mean_cut", "energy_dissipated_J", "energy_to_target_J", "spin_updates_per_s",
                "first_law_residual", "time_s", "provenance"):
        assert key in out
    assert out["provenance"]["seed"] == 3 and out["provenance"]["inputs"]["sweeps"] == 200
    assert 540 <= out["best_cut"] <= 564  # best known 564
    assert out["first_law_residual"] < 1e-12
    assert out["energy_to_target_J"] is not None and out["energy_to_target_J"] > 0
    # totals over reads vs per read: the keys say which, and agree with the per-read heats
    heats = out["anneal"]["heat_per_read_J"]
    assert out["energy_dissipated_J"] == pytest.approx(sum(heats), rel=1e-12)
    assert out["energy_dissipated_per_read_J"] == pytest.approx(sum(heats) / 4, rel=1e-12)
    assert out["energy_to_target_J"] <= max(heats) * (1 + 1e-12)   # per read, so below the largest read's heat
    assert "per read" in out["definitions"]["energy_to_target_J"]
    assert "summed over all reads" in out["definitions"]["energy_dissipated_J"]
    # provenance fingerprints the graph file
    assert out["provenance"]["inputs"]["graph_sha256"] == hashlib.sha256((GSET / "G11.txt").read_bytes()).hexdigest()


def test_anneal_cli_errors(tmp_path, capsys):
    p = _write(tmp_path, "3 2\n1 2 1\n2 x 1\n")
    assert main(["anneal", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{p}:3:" in err and err.count("\n") == 1
    assert main(["anneal", str(_write(tmp_path, CYCLE5, "c.txt")), "--reads", "0"]) == 2
    assert "reads=0" in capsys.readouterr().err


def test_anneal_cli_table(tmp_path, capsys):
    p = _write(tmp_path, CYCLE5, "c5.txt")
    assert main(["anneal", str(p), "--sweeps", "50", "--reads", "4", "--target", "4", "--schedule", "linear"]) == 0
    out = capsys.readouterr().out
    assert "4 reached by" in out and "Landauer" in out and "first-law residual" in out


def test_binary_file_is_a_format_error_naming_it(tmp_path):
    p = tmp_path / "garbage.npz"
    p.write_bytes(b"\xbc\x00\xff\x13garbage")
    with pytest.raises(FormatError, match=r"garbage\.npz:1: not a text G-set/rudy file"):
        read_gset(p)
    q = tmp_path / "nul.txt"
    q.write_bytes(b"3 1\n1 2\x00 1\n")
    with pytest.raises(FormatError, match=r"nul\.txt:2: .*NUL"):
        read_gset(q)


@pytest.mark.parametrize("argv, words", [
    (["--barrier", "1e6"], ["--barrier=1000000.0", "sweep time"]),
    (["--sweeps", "100000000000", "--reads", "100000000"], ["sweeps=100000000000", "GiB"]),
    (["--beta-range", "1e-300", "1e300"], ["energy books", "beta_range"]),
    (["--f0", "1e-300/s"], ["--attempt-frequency=1e-300"]),      # --f0: alias of --attempt-frequency
    (["--attempt-frequency", "1e300/s"], ["--attempt-frequency=1e+300"]),
    (["--seed", "-1"], ["seed=-1"]),
])
def test_anneal_cli_refuses_before_any_work(tmp_path, capsys, monkeypatch, argv, words):
    from limbound.solvers.ising import kernel

    def no_work(*a, **k):  # the kernel must never start on bad input
        raise AssertionError("annealed")
    monkeypatch.setattr(kernel, "_anneal_reads", no_work)
    p = _write(tmp_path, CYCLE5, "c5.txt")
    assert main(["anneal", str(p), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for w in words:
        assert w in err, (w, err)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(bytes(range(128, 256)))
    assert main(["anneal", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "garbage.npz" in err


def test_extreme_but_finite_geometric_range_keeps_finite_books(tmp_path):
    g = read_gset(_write(tmp_path, CYCLE5, "c5.txt"))
    res = solve_maxcut(g, sweeps=20, reads=2, schedule="geometric", beta_range=(1e-300, 1e90), seed=1)
    b = res.anneal.betas
    assert np.all(np.isfinite(b)) and b[0] == pytest.approx(1e-300) and b[19 - 1] == pytest.approx(1e90, rel=1e-9)
    assert np.all(np.diff(np.log(b[:19])) == pytest.approx(390 * math.log(10) / 18, rel=1e-9))  # geometric
    assert res.anneal.first_law_residual < 1e-12 and res.best_cut == 4.0


def test_anneal_cli_few_reads_floor_no_target_and_attempt_frequency(tmp_path, capsys):
    # reviewer's repro: 202 nodes, one edge, 4 reads; no --target
    p = _write(tmp_path, "202 1\n1 2 1\n", "g202.txt")
    assert main(["anneal", str(p), "--sweeps", "50", "--reads", "4", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)["anneal"]
    law = a["second_law"]
    assert law["second_law_holds"] is True
    assert law["floor_J"] <= law["mean_heat_J"] + 3 * law["mean_heat_stderr_J"]
    assert a["target_reached_reads"] is None and a["time_to_target_s"] is None
    # --attempt-frequency and its alias --f0 set the same sweep time exp(barrier)/f0
    for opt in ("--attempt-frequency", "--f0"):
        assert main(["anneal", str(p), "--sweeps", "5", "--reads", "2", opt, "2e9/s", "--barrier", "3", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["anneal"]["sweep_time_s"] == pytest.approx(math.exp(3.0) / 2e9, rel=1e-12)
        assert out["provenance"]["inputs"]["f0_hz"] == 2e9
