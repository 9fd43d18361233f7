"""Reliability (issue 12): every hostile input of the issue is refused in one line (exit 2) before any work,
output paths are never anything but regular files, work is budgeted, numeric extremes never crash or print inf."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from limbound import bounds
from limbound.cli import main
from limbound.errors import FormatError, ParameterError, ParameterTypeError

GSET = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "benchmarks", "gset")


def _refused(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("limbound: error: "), err
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def fifo(tmp_path):
    p = tmp_path / "fifo"
    os.mkfifo(p)
    return p


def _graph(tmp_path, text, name="g.txt"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


# ---------------------------------------------------------------- output paths
def test_atomic_write_refuses_to_replace_a_non_regular_node(tmp_path, fifo):
    from limbound.fileio import atomic_write_text, check_output_file

    with pytest.raises(ParameterError, match="FIFO"):
        atomic_write_text(fifo, "x")
    with pytest.raises(ParameterError, match="FIFO"):
        check_output_file(fifo, name="--sweep")
    assert fifo.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_reproduce_and_sweep_refuse_empty_out_and_non_regular_result_files(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused(capsys, ["reproduce", "--out", "", "--only", "b"], "empty")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\ntokens = 1e10\n[grid]\nbits = [8]\n')
    _refused(capsys, ["sweep", str(cfg), "--out", "", "--no-progress"], "empty")
    (tmp_path / "r" / "report.html").mkdir(parents=True)
    _refused(capsys, ["reproduce", "--out", str(tmp_path / "r"), "--only", "b"], "report.html", "directory")
    (tmp_path / "s" / "manifest.json").mkdir(parents=True)
    _refused(capsys, ["sweep", str(cfg), "--out", str(tmp_path / "s"), "--no-progress"], "manifest.json")
    (tmp_path / "t" / "results.parquet").mkdir(parents=True)
    _refused(capsys, ["sweep", str(cfg), "--out", str(tmp_path / "t"), "--no-progress"], "results.parquet")
    # nothing computed, nothing written: the folders hold only what the test made
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "c.toml", "r", "r/report.html", "s", "s/manifest.json", "t", "t/results.parquet"]


def test_a_folder_of_another_command_is_refused_unless_force(capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\ntokens = 1e10\n[grid]\nbits = [8]\n')
    out = tmp_path / "o"
    assert main(["reproduce", "--out", str(out), "--only", "b", "--no-progress"]) == 0
    capsys.readouterr()
    _refused(capsys, ["sweep", str(cfg), "--out", str(out), "--no-progress", "--threads"], "limbound reproduce", "--force")
    assert not (out / "manifest.json").exists()
    out2 = tmp_path / "o2"
    assert main(["sweep", str(cfg), "--out", str(out2), "--no-progress", "--threads", "--workers", "1"]) == 0
    capsys.readouterr()
    _refused(capsys, ["reproduce", "--out", str(out2), "--only", "b"], "limbound sweep")
    assert main(["reproduce", "--out", str(out2), "--only", "b", "--no-progress", "--force"]) == 0


def test_a_late_failure_leaves_an_incomplete_marker(tmp_path, monkeypatch):
    from limbound.report import reproduce as rep

    def boom(**kw):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(rep.BUILDERS, "c", boom)
    with pytest.raises(RuntimeError):
        rep.reproduce(tmp_path / "o", only="b,c", progress=False)
    text = (tmp_path / "o" / "INCOMPLETE").read_text()
    assert "disk on fire" in text and "partial" in text


# ---------------------------------------------------------------- budgets and input files
def test_anneal_work_budget_refuses_with_the_estimate_and_the_flag(capsys):
    line = _refused(capsys, ["anneal", os.path.join(GSET, "G11.txt"), "--reads", "1000", "--sweeps", "10000000"],
                    "8e+12 spin updates", "--max-time")
    assert " h " in line  # hours, said so


def test_qp_budget_at_the_front_door(capsys):
    _refused(capsys, ["qp", "--random", "20000"], "n=20000", "--max-time")


def test_input_files_must_be_regular(capsys, fifo, tmp_path):
    _refused(capsys, ["anneal", str(fifo)], "FIFO")
    _refused(capsys, ["qp", str(fifo)], "FIFO")
    _refused(capsys, ["sweep", str(fifo)], "FIFO")
    _refused(capsys, ["anneal", str(tmp_path)], "directory")


def test_qp_dev_zero_is_not_called_missing(capsys):
    _refused(capsys, ["qp", "/dev/zero"], "character device")


def test_workers_capped_and_grids_counted_before_expansion(capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\ntokens = 1e10\n[grid]\nbits = [8]\n')
    _refused(capsys, ["sweep", str(cfg), "--workers", "100000", "--out", str(tmp_path / "o")], "n_workers")
    for axis, needle in (("{ logspace = [11, 12, 100000000] }", "count"), ('{ logspace = ["a", 12, 3] }', "not a finite"),
                         ("{ range = [1, 5, 0] }", "step is 0"), ("{ range = [0, 1000000000, 1] }", "at most")):
        cfg.write_text(f'[sweep]\nkind = "estimate"\n[fixed]\ntokens = 1e10\n[grid]\nparams = {axis}\n')
        _refused(capsys, ["sweep", str(cfg), "--out", str(tmp_path / "o")], needle)
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- numeric extremes
@pytest.mark.parametrize("w", ["1e-200", "1e-100", "1e100", "1e300"])
def test_extreme_weights_anneal_with_positive_books_or_are_refused(capsys, tmp_path, w):
    g = _graph(tmp_path, f"3 3\n1 2 {w}\n2 3 {w}\n1 3 {w}\n")
    code = main(["anneal", g, "--sweeps", "50", "--reads", "4", "--json"])
    out, err = capsys.readouterr()
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "rescale" in err
        return
    assert code == 0, err
    rec = json.loads(out)
    assert rec["energy_dissipated_J"] is not None and rec["energy_dissipated_J"] >= 0.0
    assert rec["best_cut"] == pytest.approx(2 * float(w))  # a triangle cuts 2 of 3 equal edges


def test_subnormal_weights_are_refused_naming_the_weights_not_beta(capsys, tmp_path):
    g = _graph(tmp_path, "3 3\n1 2 1e-310\n2 3 1e-310\n1 3 1e-310\n")
    line = _refused(capsys, ["anneal", g, "--schedule", "geometric"], "couplings", "rescale")
    assert "beta_cold=inf" not in line


def test_sampler_tiny_weights_no_zero_division():
    import dimod

    from limbound.solvers.sampler import LIMAnnealingSampler

    bqm = dimod.BinaryQuadraticModel({}, {("a", "b"): 1e-200, ("b", "c"): 1e-200}, 0.0, "SPIN")
    ss = LIMAnnealingSampler().sample(bqm, num_reads=2, num_sweeps=20, seed=1)
    assert np.isfinite(ss.info["energy_dissipated_J"])


@pytest.mark.parametrize("argv,needle", [
    (["--temperature", "1e-300K"], "normal double range"),
    (["--consolidations", "1e300"], "double range"),
    (["--retention", "1e300y"], "double range"),
    (["--consolidations", "-1"], ">= 0"),
])
def test_estimate_extremes_are_refused_never_inf(capsys, argv, needle):
    _refused(capsys, ["estimate", "--params", "1e9", "--tokens", "1e9", *argv, "--json"], needle)


# ---------------------------------------------------------------- API errors
@pytest.mark.parametrize("kw,exc", [
    (dict(params=10**400, tokens=1e9), ParameterError), (dict(params=[1, 2], tokens=1e9), ParameterTypeError),
    (dict(workload=["gpt-3"]), ParameterTypeError), (dict(params=True, tokens=1e9), ParameterTypeError),
    (dict(params=1e9, tokens=1e9, flops=1e20), ParameterError), (dict(params=1e9, tokens=1e9, bits=True), TypeError),
])
def test_resolve_refuses_wrong_types_and_contradictions(kw, exc):
    with pytest.raises(exc) as info:
        bounds.resolve(**kw)
    assert len(str(info.value).splitlines()) == 1 and len(str(info.value)) < 300


def test_estimate_and_sampler_refuse_wrong_types():
    from limbound.solvers.sampler import LIMAnnealingSampler

    with pytest.raises(TypeError, match="inputs=None"):
        bounds.estimate(None)
    for bad in ({}, None):
        with pytest.raises(TypeError, match="bqm="):
            LIMAnnealingSampler().sample(bad)


def test_gap_refuses_workload_with_measured_flags(capsys):
    _refused(capsys, ["gap", "--workload", "gpt-3", "--measured-kwh", "1000", "--flops", "1e20", "--params", "1e9"],
             "--workload")


# ---------------------------------------------------------------- graph files
def test_duplicate_edges_refused_with_both_lines_or_merged_by_flag(capsys, tmp_path):
    from limbound.solvers.maxcut import read_gset

    g = _graph(tmp_path, "3 3\n1 2 1\n2 1 -1\n2 3 1\n")
    _refused(capsys, ["anneal", g], "g.txt:3", "line 2", "--merge-duplicates")
    merged = read_gset(g, merge_duplicates=True)
    assert merged.m == 2 and sorted(merged.w.tolist()) == [0.0, 1.0]
    with pytest.raises(FormatError, match="header says m=4"):
        read_gset(_graph(tmp_path, "4 4\n1 2 1\n2 3 1\n", "h.txt"))
    with pytest.raises(FormatError, match="more edge lines"):
        read_gset(_graph(tmp_path, "3 1\n1 2 1\n2 3 1\n", "h2.txt"))
    with pytest.raises(FormatError, match="self-loop"):
        read_gset(_graph(tmp_path, "3 1\n2 2 1\n", "s.txt"))


@pytest.mark.parametrize("text", ["", "instance,best_known_cut\nG1,abc\n", "foo,bar\n1,2\n",
                                  "instance,best_known_cut\nG1,-5\n", "instance,best_known_cut\nG1,1\nG1,2\n",
                                  "instance,best_known_cut\n,5\n", "instance,best_known_cut\nG1,inf\n"])
def test_garbage_best_known_is_refused(tmp_path, text):
    from limbound.solvers.maxcut import read_best_known

    p = tmp_path / "best_known.csv"
    p.write_text(text)
    with pytest.raises(FormatError):
        read_best_known(p)


# ---------------------------------------------------------------- streams
def _cli(args, **kw):
    return subprocess.run([sys.executable, "-m", "limbound", *args], capture_output=True, text=True, timeout=60, **kw)


def test_ascii_terminal_and_full_or_closed_stdout():
    r = _cli(["workloads"], env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert r.returncode == 0 and "Traceback" not in r.stderr
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "limbound", "per-op", "--json"], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["limbound: error: No space left on device"]
    r = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); from limbound.cli import main; "
                        "sys.exit(main(['per-op', '--json']))"], stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr == "limbound: error: Bad file descriptor\n"
    r = subprocess.run(["bash", "-c", f"{sys.executable} -m limbound per-op --json >&-"], stderr=subprocess.PIPE,
                       text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "standard output is closed" in r.stderr
