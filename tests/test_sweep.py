"""Sweeps on Dask: config validation, a LocalCluster run, resume after interruption and after failures."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import limbound  # noqa: E402
from limbound.cli import main  # noqa: E402
from limbound.constants import kT  # noqa: E402
from limbound.errors import FormatError, ParameterError  # noqa: E402
from limbound.report import sweep  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sweep_brain_scale.toml"


def _cfg(grid, fixed=None, kind="estimate", **sw):
    return {"sweep": {"kind": kind, **sw}, "fixed": fixed or {}, "grid": grid}


BASE = {"params": 1e15, "time": "30d"}


# ------------------------------------------------------------------ config
def test_example_config_parses_to_the_brain_scale_grid():
    cfg = sweep.load_config(EXAMPLE)
    pts = cfg.points()
    assert len(pts) == 6 * 3 * 2
    toks = sorted({p["inputs"]["tokens"] for p in pts})
    assert toks[0] == pytest.approx(3e11) and toks[-1] == pytest.approx(3e12)
    assert len({p["id"] for p in pts}) == len(pts)


@pytest.mark.parametrize("name, kind, n_points", [("sweep_qp_precision", "qp", 16), ("sweep_train_precision", "train", 6)])
def test_solver_example_configs_parse_and_fit_the_default_budget(name, kind, n_points):
    # what replaces the old `qp --sweep` / `train --sweep` (issue 11: one sweep entry point)
    from limbound.budget import DEFAULT_MAX_TIME_S

    if kind not in sweep.available_kinds():
        pytest.skip(f"kind {kind!r} is not installed")
    cfg = sweep.load_config(EXAMPLE.parent / f"{name}.toml")
    assert (cfg.kind, cfg.store, len(cfg.points())) == (kind, "csv", n_points)
    assert sweep.run.estimate_seconds(cfg)[0] / 2 <= DEFAULT_MAX_TIME_S  # 2 local workers, the default budget


def test_solver_kinds_refuse_a_bad_point_before_any_work(monkeypatch):
    # every point's inputs through the solver's own checks, before a cluster starts
    monkeypatch.setattr(sweep.run, "_client", lambda *a, **k: pytest.fail("a cluster was started"))
    if not {"qp", "train"} <= set(sweep.available_kinds()):
        pytest.skip("the qp/train kinds are not installed")
    with pytest.raises(ParameterError, match="rule='anneal' at bits=24"):
        sweep.parse_config(_cfg({"bits": [4, 24]}, {"n": 5, "rule": "anneal", "reads": 2}, kind="qp"))
    with pytest.raises(ParameterError, match="reads=4500 x 4500"):
        sweep.parse_config(_cfg({"bits": [4]}, {"n": 4500, "reads": 4500}, kind="qp"))
    with pytest.raises(ParameterError, match="memory updates is out of range"):
        sweep.parse_config(_cfg({"bits": [4]}, {"epochs": 10**11, "reads": 2}, kind="train"))


@pytest.mark.parametrize("data, err, match", [
    (_cfg({"bits": [16]}, BASE, kind="nope"), ParameterError, "sweep.kind='nope' is unknown"),
    (_cfg({"bitz": [16]}, {"params": 1e15, "tokens": 1e12}), ParameterError, "input 'bitz' is unknown"),
    (_cfg({"bits": [16, 0]}, {"params": 1e15, "tokens": 1e12}), ParameterError, "bits"),
    (_cfg({"bits": [16]}, {"params": 1e15, "tokens": 1e12}, seeds=[0, 1]), ParameterError, "deterministic"),
    (_cfg({"bits": [16, 16]}, {"params": 1e15, "tokens": 1e12}), FormatError, "repeats a point"),
    (_cfg({"bits": {"logspace": [1, 2]}}, {"params": 1e15, "tokens": 1e12}), FormatError, "not a grid axis"),
    (_cfg({"bits": [16]}, {"params": 1e15, "tokens": 1e12, "bits": 8}), FormatError, "both"),
    (_cfg({"bits": [16]}, {"params": 1e15, "tokens": 1e12, "time": "3 fortnights"}), ParameterError, "time"),
    (_cfg({"bits": [16]}, {"params": 1e15, "tokens": 1e12}, store="xlsx"), ParameterError, "store"),
    ({"grid": {"bits": [16]}}, FormatError, r"\[sweep\]"),
])
def test_bad_configs_are_refused_before_any_work(tmp_path, data, err, match):
    out = tmp_path / "never"
    with pytest.raises(err, match=match):
        sweep.run_sweep(data, out, processes=False, progress=False)
    assert not out.exists()


def test_point_ids_are_stable_and_distinct():
    a = sweep.point_id("estimate", {"params": 1e15, "bits": 16}, None)
    assert a == sweep.point_id("estimate", {"bits": 16, "params": 1e15}, None)  # order-free
    assert a != sweep.point_id("estimate", {"params": 1e15, "bits": 24}, None)
    assert a != sweep.point_id("estimate", {"params": 1e15, "bits": 16}, 0)
    assert len(a) == 16 and int(a, 16) >= 0


# ------------------------------------------------------------------ running
def test_sweep_on_a_local_cluster_matches_theory(tmp_path):
    """Brain scale, 1e12 tokens, 16 bits, 30 days: LIM 2.93e8 J (bounds doctest, THEORY §5);
    Landauer = OPS b kT ln 2 with OPS = 6 N D."""
    data = _cfg({"tokens": [1e12, 3e12], "bits": [16, 32]}, BASE)
    res = sweep.run_sweep(data, tmp_path / "s", processes=False, n_workers=2, progress=False)
    assert res.complete and res.rows == 4 and res.ran == 4 and not res.failed
    df = pd.read_parquet(res.store)
    assert list(df["tokens"]) == [1e12, 1e12, 3e12, 3e12] and list(df["bits"]) == [16, 32, 16, 32]  # grid order
    row = df[(df.tokens == 1e12) & (df.bits == 16)].iloc[0]
    assert row["lim_energy_J"] == pytest.approx(2.93e8, rel=2e-3)
    ops = 6 * 1e15 * 1e12
    for _, r in df.iterrows():
        assert r["ops"] == pytest.approx(6 * 1e15 * r["tokens"])
        assert r["landauer_energy_J"] == pytest.approx(6 * 1e15 * r["tokens"] * r["bits"] * kT(300) * math.log(2), rel=1e-12)
    assert row["dt_s"] == pytest.approx(30 * 86400 * 1e15 / ops)
    man = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert man["version"] and man["total"] == 4 and man["done"] == 4 and man["complete"]
    assert {tuple(sorted(p["inputs"])) for p in man["points"]} == {("bits", "params", "time", "tokens")}
    assert all(p["seed"] is None and p["status"] == "done" for p in man["points"])


def test_interrupted_sweep_resumes_without_duplicates_or_losses(tmp_path):
    data = _cfg({"tokens": [3e11, 1e12, 3e12], "bits": [16, 24, 32]}, BASE, store="csv")
    out = tmp_path / "s"
    first = sweep.run_sweep(data, out, processes=False, n_workers=1, max_points=4, progress=False)  # "killed" after 4
    assert first.ran == 4 and first.rows == 4 and not first.complete
    man = json.loads((out / "manifest.json").read_text())
    assert (man["done"], man["pending"]) == (4, 5)
    kept = {p.name: (p.stat().st_mtime_ns, p.read_text()) for p in (out / "points").glob("*.json")}
    assert len(kept) == 4
    # debris of a crash: a temp file and a truncated result that must not count as done
    (out / "points" / ".deadbeef.json.abc.tmp").write_text("{")
    todo = [p for p in sweep.parse_config(data).points() if f"{p['id']}.json" not in kept]
    (out / "points" / f"{todo[0]['id']}.json").write_text('{"id": "trunc')
    second = sweep.run_sweep(data, out, processes=False, n_workers=2, progress=False)
    assert second.skipped == 4 and second.ran == 5 and second.complete
    df = pd.read_csv(second.store)
    assert len(df) == 9 and df["point_id"].is_unique
    assert set(zip(df.tokens, df.bits, strict=True)) == {(t, b) for t in (3e11, 1e12, 3e12) for b in (16, 24, 32)}
    for name, (mtime, text) in kept.items():  # finished points were not recomputed
        p = out / "points" / name
        assert p.stat().st_mtime_ns == mtime and p.read_text() == text
    assert not list((out / "points").glob(".*.tmp"))
    third = sweep.run_sweep(data, out, processes=False, progress=False)
    assert (third.skipped, third.ran, third.rows) == (9, 0, 9)


def _set_version(monkeypatch, version: str) -> None:
    """Pretend this is limbound ``version`` (every sweep module that records or compares the version)."""
    from limbound.report.sweep import kinds, run, store

    for module in (kinds, run, store):
        monkeypatch.setattr(module, "__version__", version)


def test_a_store_of_another_version_is_refused_not_reused(tmp_path, monkeypatch, capsys):
    """Reproducible research: after an upgrade a rerun must not silently reuse the old version's numbers."""
    data = _cfg({"bits": [8, 16]}, {"params": 1e9, "tokens": 2e10})
    out = tmp_path / "s"
    first = sweep.run_sweep(data, out, processes=False, n_workers=1, progress=False)
    assert first.complete and sweep.store_versions(out) == {limbound.__version__: 2}
    snapshot = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    _set_version(monkeypatch, "99.0.0")  # "after an upgrade"
    monkeypatch.setattr(sweep.run, "_client", lambda *a, **k: pytest.fail("a cluster was started"))
    with pytest.raises(ParameterError, match=r"made by limbound 0\.1\.0 \(2 points\), this is limbound 99\.0\.0"):
        sweep.run_sweep(data, out, processes=False, progress=False)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\ntokens = 2e10\n[grid]\nbits = [8, 16]\n')
    assert main(["sweep", str(cfg), "--out", str(out), "--threads", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "never mixed" in err
    (out / "manifest.json").unlink()  # the point files alone are enough to tell
    with pytest.raises(ParameterError, match="limbound 0.1.0"):
        sweep.run_sweep(data, out, processes=False, progress=False)
    del snapshot[out / "manifest.json"]
    assert snapshot == {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    # a new folder recomputes everything under the new version
    monkeypatch.undo()
    _set_version(monkeypatch, "99.0.0")
    fresh = sweep.run_sweep(data, tmp_path / "new", processes=False, n_workers=1, progress=False)
    assert fresh.ran == 2 and sweep.store_versions(tmp_path / "new") == {"99.0.0": 2}


def test_a_worker_of_another_version_fails_its_points(tmp_path, monkeypatch):
    real = sweep.run_point

    def old_worker(kind, inputs, seed=None):
        return {**real(kind, inputs, seed), "version": "0.0.1"}

    monkeypatch.setattr(sweep.run, "run_point", old_worker)
    res = sweep.run_sweep(_cfg({"bits": [8]}, {"params": 1e9, "tokens": 2e10}), tmp_path / "s", processes=False,
                          n_workers=1, progress=False)
    assert res.rows == 0 and not res.complete
    assert ["worker runs limbound 0.0.1" in e for e in res.failed.values()] == [True]
    assert not list((tmp_path / "s" / "points").glob("*.json"))


def _flaky(inputs, seed):
    """Test kind: fails for x == 2 until the marker file exists."""
    if inputs["x"] == 2 and not Path(inputs["marker"]).exists():
        raise RuntimeError("injected failure")
    return {"y": inputs["x"] ** 2 + seed}


def test_failed_points_are_recorded_and_retried(tmp_path):
    sweep.register_kind("flaky_test", _flaky, random=True)
    try:
        marker = tmp_path / "fixed"
        data = _cfg({"x": [1, 2, 3]}, {"marker": str(marker)}, kind="flaky_test", seeds=[0, 10])
        out = tmp_path / "s"
        r1 = sweep.run_sweep(data, out, processes=False, n_workers=2, progress=False)
        assert r1.rows == 4 and len(r1.failed) == 2 and not r1.complete
        assert all("injected failure" in e for e in r1.failed.values())
        assert len(list((out / "failed").glob("*.json"))) == 2
        marker.write_text("ok")
        r2 = sweep.run_sweep(data, out, processes=False, n_workers=2, progress=False)
        assert r2.ran == 2 and r2.skipped == 4 and r2.complete and not r2.failed
        df = pd.read_parquet(r2.store)
        assert sorted(zip(df.x, df.seed, df.y, strict=True)) == sorted((x, s, x * x + s) for x in (1, 2, 3) for s in (0, 10))
        assert not list((out / "failed").glob("*.json"))
    finally:
        sweep.KINDS.pop("flaky_test", None)


def _scratch(inputs, seed):
    """Test kind: where the worker running the point keeps its scratch files."""
    from distributed import get_worker

    return {"scratch": str(get_worker().local_directory)}


def test_local_cluster_scratch_is_a_temporary_folder_removed_afterwards(tmp_path, monkeypatch):
    import tempfile

    import dask

    sweep.register_kind("scratch_test", _scratch, random=False)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    try:
        with dask.config.set({"temporary-directory": str(tmp_path / "dask-default")}):
            res = sweep.run_sweep(_cfg({"x": [1]}, kind="scratch_test"), tmp_path / "s", processes=False, n_workers=1,
                                  progress=False)
    finally:
        sweep.KINDS.pop("scratch_test", None)
    used = pd.read_parquet(res.store)["scratch"].iloc[0]
    assert used.startswith(str(tmp / "limbound-dask-"))  # our own folder, not dask's default place
    assert not list(tmp.iterdir())  # removed after the run
    assert not (tmp_path / "dask-default").exists()
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [".limbound-owner.json", "failed", "manifest.json", "points",
                                                                  "results.parquet"]  # no INCOMPLETE, no .lock


def test_sweep_on_an_existing_scheduler(tmp_path):
    import dask
    from distributed import LocalCluster

    with dask.config.set({"temporary-directory": str(tmp_path / "dask")}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                         local_directory=str(tmp_path / "dask")) as cluster:
        res = sweep.run_sweep(_cfg({"bits": [8, 16]}, {"params": 1e9, "tokens": 2e10}), tmp_path / "s",
                              scheduler=cluster.scheduler_address, progress=False)
    assert res.complete and res.rows == 2 and res.scheduler == cluster.scheduler_address


def test_unreachable_scheduler_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep.run, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(ParameterError, match="cannot be reached"):
        sweep.run_sweep(_cfg({"bits": [8]}, {"params": 1e9, "tokens": 2e10}), tmp_path / "s",
                        scheduler="tcp://127.0.0.1:9", progress=False)


# ------------------------------------------------------------------ CLI
def test_cli_sweep_runs_and_resumes_with_process_workers(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sweep", str(EXAMPLE), "--out", str(out), "--max-points", "5", "--workers", "1", "--no-progress"]) == 0
    assert "incomplete" in capsys.readouterr().out
    assert main(["sweep", str(EXAMPLE), "--out", str(out), "--no-progress", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert list(summary)[:3] == ["inputs", "results", "provenance"]  # the one --json layout (test_json_layout)
    assert summary["results"]["rows"] == summary["rows"] and summary["inputs"]["config"] == str(EXAMPLE)
    assert (summary["skipped"], summary["ran"], summary["rows"], summary["complete"]) == (5, 31, 36, True)
    df = pd.read_parquet(out / "results.parquet")
    lim = df[df.temperature == "300K"]["lim_energy_J"]
    assert 8.7e7 < lim.min() < 8.9e7 and 1.6e9 < lim.max() < 1.8e9  # THEORY §5: 8.8e7 .. 1.7e9 J


def test_cli_sweep_bad_input_is_one_line(tmp_path, capsys):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e15\ntokens = 1e12\n[grid]\nbits = [16, 99]\n')
    assert main(["sweep", str(cfg), "--out", str(tmp_path / "o"), "--threads"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bits" in err
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert main(["sweep", str(cfg), "--workers", "0"]) == 2


_EST = '[sweep]\nkind = "estimate"\n[fixed]\ntokens = 1e12\n{extra}\n[grid]\nbits = [16]\n'
_ANN = '[sweep]\nkind = "anneal"\n[fixed]\ngraph = "random:40:0.2"\n{extra}\n'


@pytest.mark.parametrize("text, shown", [
    (b"\x93NUMPY\x01\x00\xff\xfe garbage", "not a text file"),  # a binary file given as the config
    (_EST.format(extra='params = "abc"'), "params='abc' is a str"),
    (_EST.format(extra="params = {a = 1}"), "fixed.params = {'a': 1} is a dict"),
    (_EST.format(extra="params = true"), "params=True is a bool"),  # a boolean is not N = 1
    (_EST.format(extra="params = 1e15\ntime = false"), "time=False is a bool"),
    (_EST.format(extra="params = 1e15\ncounting = 3"), "counting=3 is an int"),
    (_ANN.format(extra='[grid]\nsweeps = ["10"]'), "sweeps='10' is a str"),
    (_ANN.format(extra="[grid]\nsweeps = [1e3]"), "sweeps=1000.0 is a float"),
    (_ANN.format(extra='schedule = "cosine"\n[grid]\nsweeps = [10]'), "schedule='cosine' is unknown"),
    (_ANN.format(extra="reads = 0\n[grid]\nsweeps = [10]"), "reads=0 is out of range"),
    ('[sweep]\nkind = "qp"\n[fixed]\nn = 1e15\n[grid]\nbits = [4]\n', "n=1000000000000000.0 is a float"),
    ('[sweep]\nkind = "qp"\n[fixed]\nn = 10\n[grid]\nbits = [4, 30]\n', "bits=30 is out of range"),
    ('[sweep]\nkind = "train"\n[fixed]\nmodel = "cnn"\n[grid]\nbits = [4]\n', "model='cnn' is unknown"),
    # the solvers' own checks (check_random_inputs, check_solve_inputs, check_train_inputs), before any cluster
    ('[sweep]\nkind = "qp"\n[fixed]\nn = 5\nreads = 2\n[grid]\nkappa = [1e300]\n', "kappa=1e+300 is out of range"),
    ('[sweep]\nkind = "qp"\n[fixed]\nn = 4500\n[grid]\nreads = [4500]\n', "reads=4500 x 4500 memories"),
    ('[sweep]\nkind = "qp"\n[fixed]\nn = 5\nrule = "anneal"\n[grid]\nbits = [8, 24]\n', "rule='anneal' at bits=24"),
    ('[sweep]\nkind = "train"\n[fixed]\nreads = 2\n[grid]\nepochs = [100000000000]\n', "memory updates is out of range"),
    ('[sweep]\nkind = "validate"\n[fixed]\ngroup = "drag"\n[grid]\ntau = [1.0, -1.0]\n', "tau=-1.0 is out of range"),
])
def test_cli_bad_config_values_are_one_line_before_any_cluster(tmp_path, capsys, monkeypatch, text, shown):
    kind = re.search(rb'kind = "(\w+)"', text if isinstance(text, bytes) else text.encode())
    if kind and kind.group(1).decode() not in sweep.available_kinds():
        pytest.skip(f"kind {kind.group(1).decode()} not in this tree")
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(text) if isinstance(text, bytes) else cfg.write_text(text)
    monkeypatch.setattr(sweep.run, "_client", lambda *a, **k: pytest.fail("a cluster was started for a bad config"))
    out = tmp_path / "out"
    assert main(["sweep", str(cfg), "--out", str(out), "--threads", "--no-progress"]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and shown in cap.err and "Traceback" not in cap.err and cap.out == ""
    assert not out.exists()


@pytest.mark.parametrize("args, shown", [
    (["--scheduler", "garbage"], "--scheduler='garbage' is not a Dask address"),
    (["--scheduler", "foo://bar:1"], "is not a Dask address"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot be reached"),
])
def test_cli_bad_scheduler_is_one_line_and_creates_nothing(tmp_path, capsys, monkeypatch, args, shown):
    monkeypatch.setattr(sweep.run, "CONNECT_TIMEOUT_S", 1.0)
    out = tmp_path / "out"
    assert main(["sweep", str(EXAMPLE), "--out", str(out), "--no-progress", *args]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and shown in cap.err and "Traceback" not in cap.err
    assert not out.exists()


@pytest.mark.parametrize("make, shown", [
    (lambda d: d / "a_file", "is a file, not a folder"),
    (lambda d: d / "a_file" / "sub", "cannot be created"),
    (lambda d: "/proc/limbound-test-nope", "cannot be created"),
])
def test_cli_bad_out_is_one_line_and_writes_nothing(tmp_path, capsys, make, shown):
    (tmp_path / "a_file").write_text("keep me")
    assert main(["sweep", str(EXAMPLE), "--out", str(make(tmp_path)), "--threads", "--workers", "1", "--no-progress"]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and shown in cap.err and "Traceback" not in cap.err
    assert [p.name for p in tmp_path.iterdir()] == ["a_file"] and (tmp_path / "a_file").read_text() == "keep me"


# ------------------------------------------------------------------ simulation / solver kinds
def test_solver_kinds_refuse_unknown_inputs_before_work(tmp_path):
    kinds = sweep.available_kinds()
    if "qp" in kinds:
        with pytest.raises(ParameterError, match="input 'bitz' is unknown for kind 'qp'"):
            sweep.run_sweep(_cfg({"bitz": [4]}, {"n": 10}, kind="qp"), tmp_path / "q", processes=False, progress=False)
    if "anneal" in kinds:
        with pytest.raises(ParameterError, match="not a file"):
            sweep.run_sweep(_cfg({"sweeps": [10]}, {"graph": str(tmp_path / "nope.txt")}, kind="anneal"),
                            tmp_path / "a", processes=False, progress=False)
    if "validate" in kinds:
        with pytest.raises(ParameterError, match="group"):
            sweep.run_sweep(_cfg({"tau": [1.0]}, {"group": "nope"}, kind="validate"), tmp_path / "v",
                            processes=False, progress=False)
    assert not any((tmp_path / d).exists() for d in "qav")


def test_relative_graph_paths_are_relative_to_the_config_file_not_the_cwd(tmp_path, monkeypatch, capsys):
    if "anneal" not in sweep.available_kinds():
        pytest.skip("limbound.solvers.maxcut not in this tree")
    cfg_dir = tmp_path / "project" / "configs"
    (cfg_dir / "graphs").mkdir(parents=True)
    (cfg_dir / "graphs" / "square.txt").write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")  # a 4-cycle: max cut 4
    cfg = cfg_dir / "c.toml"
    cfg.write_text('[sweep]\nkind = "anneal"\n[fixed]\ngraph = "graphs/square.txt"\nreads = 2\n[grid]\nsweeps = [20]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    pts = sweep.load_config(cfg).points()
    assert [p["inputs"]["graph"] for p in pts] == [str(cfg_dir / "graphs" / "square.txt")]
    out = tmp_path / "o"
    assert main(["sweep", str(cfg), "--out", str(out), "--threads", "--workers", "1", "--no-progress"]) == 0
    capsys.readouterr()
    df = pd.read_parquet(out / "results.parquet")
    assert list(df["best_cut"]) == [4.0] and df["graph"].iloc[0] == str(cfg_dir / "graphs" / "square.txt")
    # a dict config has no folder: its paths are used as given, i.e. relative to the working folder
    with pytest.raises(ParameterError, match="not a file"):
        sweep.parse_config(_cfg({"sweeps": [20]}, {"graph": "graphs/square.txt"}, kind="anneal"))
    monkeypatch.chdir(cfg_dir)
    assert sweep.parse_config(_cfg({"sweeps": [20]}, {"graph": "graphs/square.txt"}, kind="anneal")).points()


def test_gset_example_config_resolves_from_any_working_folder(tmp_path, monkeypatch):
    example = EXAMPLE.parent / "sweep_gset_anneal.toml"
    g11 = EXAMPLE.parents[2] / "shared" / "benchmarks" / "gset" / "G11.txt"
    if "anneal" not in sweep.available_kinds() or not g11.is_file():
        pytest.skip("needs limbound.solvers.maxcut and the shared G-set folder beside the checkout")
    monkeypatch.chdir(tmp_path)
    pts = sweep.load_config(example).points()
    # compare resolved paths: the shared folder may be a symbolic link beside the checkout
    assert len(pts) == 3 * 2 and {Path(p["inputs"]["graph"]).resolve() for p in pts} == {g11.resolve()}


def test_anneal_kind_over_seeds_matches_direct_solve(tmp_path):
    if "anneal" not in sweep.available_kinds():
        pytest.skip("limbound.solvers.maxcut not in this tree")
    from limbound.solvers.maxcut import cut_values, random_maxcut_graph, solve_maxcut

    data = _cfg({"sweeps": [20, 50]}, {"graph": "random:40:0.2", "reads": 2}, kind="anneal", seeds=[0, 3])
    res = sweep.run_sweep(data, tmp_path / "s", processes=False, n_workers=2, progress=False)
    assert res.complete and res.rows == 4
    df = pd.read_parquet(res.store)
    for _, r in df.iterrows():
        g = random_maxcut_graph(40, 0.2, seed=int(r["seed"]))
        direct = solve_maxcut(g, sweeps=int(r["sweeps"]), reads=2, seed=int(r["seed"]))
        assert r["best_cut"] == direct.best_cut and r["edges"] == g.m
        assert r["best_cut"] <= g.m  # unit weights: a cut cannot exceed the edge count
        assert max(cut_values(g, direct.anneal.best_samples)) == r["best_cut"]


def _interrupting(inputs, seed):
    """Test kind: the third point raises KeyboardInterrupt in the client (as Ctrl-C would)."""
    return {"y": inputs["x"] * 2}


def test_ctrl_c_keeps_finished_points_and_the_rerun_completes(tmp_path, monkeypatch):
    sweep.register_kind("double_test", _interrupting, random=False)
    try:
        data = _cfg({"x": list(range(6))}, kind="double_test")
        out = tmp_path / "s"
        real = sweep.run.atomic_write_text
        calls = {"n": 0}

        def stop_after_two(path, text):  # the client is stopped while writing the third result
            if "/points/" in str(path):
                calls["n"] += 1
                if calls["n"] == 3:
                    raise KeyboardInterrupt
            real(path, text)

        monkeypatch.setattr(sweep.run, "atomic_write_text", stop_after_two)
        with pytest.raises(KeyboardInterrupt):
            sweep.run_sweep(data, out, processes=False, n_workers=1, progress=False)
        monkeypatch.setattr(sweep.run, "atomic_write_text", real)
        man = json.loads((out / "manifest.json").read_text())
        assert (man["done"], man["pending"]) == (2, 4)
        assert len(pd.read_parquet(out / "results.parquet")) == 2
        r = sweep.run_sweep(data, out, processes=False, n_workers=1, progress=False)
        assert (r.skipped, r.ran, r.rows) == (2, 4, 6) and r.complete
        df = pd.read_parquet(r.store)
        assert list(df["x"]) == list(range(6)) and list(df["y"]) == [2 * x for x in range(6)]
    finally:
        sweep.KINDS.pop("double_test", None)


@pytest.mark.parametrize("extra, shown", [
    # values each in range, refused together by ising's own checks (check_time_scale, check_memory)
    ("barrier_kT = 1e6\n[grid]\nsweeps = [10]", "barrier_kT=1000000.0 with f0_hz"),
    ("f0_hz = 1e-20\n[grid]\nsweeps = [10]", "f0_hz=1e-20 is too low"),
    ("reads = 100000000\n[grid]\nsweeps = [100000000000]", "GiB"),
])
def test_anneal_combined_limits_refused_before_any_cluster(tmp_path, capsys, monkeypatch, extra, shown):
    if "anneal" not in sweep.available_kinds():
        pytest.skip("kind anneal not in this tree")
    cfg = tmp_path / "c.toml"
    cfg.write_text(_ANN.format(extra=extra))
    monkeypatch.setattr(sweep.run, "_client", lambda *a, **k: pytest.fail("a cluster was started for a bad config"))
    out = tmp_path / "out"
    assert main(["sweep", str(cfg), "--out", str(out), "--threads", "--no-progress"]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and shown in cap.err and "Traceback" not in cap.err, cap.err
    assert not out.exists()
    # a file graph: its node count enters the memory estimate (read once, not annealed)
    g = tmp_path / "g.txt"
    g.write_text("3 2\n1 2 1\n2 3 1\n")
    ok = sweep.parse_config(_cfg({"sweeps": [10]}, {"graph": str(g), "reads": 2}, kind="anneal"))
    assert len(ok.points()) == 1


@pytest.mark.parametrize("kind, fixed, grid", [
    ("anneal", {"graph": "random:24:0.3", "reads": 8}, {"sweeps": [20, 60]}),
    ("qp", {"n": 12, "reads": 3}, {"bits": [4, 6]}),
    ("train", {"epochs": 1, "reads": 2, "bits": 4, "float_reference": False}, {"dt_s": [1e-6]}),
])
def test_solver_sweep_rows_carry_the_floor_beside_the_measured_heat(tmp_path, kind, fixed, grid):
    # THEORY §8a: every row has floor_J with its parts, tightness = measured / floor, and floor_holds; the floor
    # is a theorem for the mean heat, so it may not exceed the measured mean by more than 3 standard errors
    if kind not in sweep.available_kinds():
        pytest.skip(f"kind {kind!r} not in this tree")
    res = sweep.run_sweep(_cfg(grid, fixed, kind=kind, seeds=[1]), tmp_path / "s", processes=False, progress=False)
    df = pd.read_parquet(res.store)
    assert res.complete and len(df) == len(next(iter(grid.values())))
    cols = ("floor_J", "floor_entropy_J", "floor_speed_J", "tightness", "floor_holds")
    assert set(cols) <= set(df.columns)
    heat, sem = (("heat_per_read_J", "heat_per_read_sem_J") if kind == "anneal" else ("dissipated_J", "dissipated_sem_J"))
    for _, r in df.iterrows():
        assert r["floor_J"] > 0  # informative, not the old 0
        assert r["floor_J"] == pytest.approx(r["floor_entropy_J"] + r["floor_speed_J"], rel=1e-12) \
            or r["floor_J"] >= r["floor_entropy_J"] + r["floor_speed_J"]  # qp/train: max(ensemble, conditional)
        assert r["floor_J"] <= r[heat] + 3.0 * r[sem]
        assert bool(r["floor_holds"])
        assert r["tightness"] == pytest.approx(r[heat] / r["floor_J"], rel=1e-9)
