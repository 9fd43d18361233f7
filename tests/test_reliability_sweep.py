"""Sweeps as a cluster user runs them (issue 12): a lock on --out, an up-to-date manifest, validated point files,
a changed config refused, failures explained, and a real ``dask scheduler`` + two ``dask worker`` processes
on localhost with one worker SIGKILLed mid-run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("distributed", reason="the sweep extra (dask distributed) is not installed")
pd = pytest.importorskip("pandas")

from limbound.cli import main  # noqa: E402
from limbound.errors import ParameterError  # noqa: E402
from limbound.report import sweep  # noqa: E402
from limbound.report.sweep.lock import FolderLock  # noqa: E402

EST = {"sweep": {"kind": "estimate"}, "fixed": {"params": 1e9}, "grid": {"tokens": [1e9, 1e10], "bits": [4, 8]}}


def _toml(tmp_path, text, name="c.toml"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_a_second_run_is_refused_naming_pid_and_host_and_a_stale_lock_is_taken_over(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from limbound.report.sweep.lock import FolderLock; "
                               f"l = FolderLock({str(out)!r}).acquire(); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        cfg = _toml(tmp_path, '[sweep]\nkind = "estimate"\n[fixed]\nparams = 1e9\ntokens = 1e10\n[grid]\nbits = [8]\n')
        assert main(["sweep", cfg, "--out", str(out), "--threads", "--workers", "1", "--no-progress"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"pid {holder.pid}" in err[0] and socket.gethostname() in err[0]
        assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing computed, nothing written
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the holder was killed: its lock is stale and the next run takes it over, then releases it
    assert json.loads((out / ".lock").read_text())["pid"] == holder.pid
    assert main(["sweep", cfg, "--out", str(out), "--threads", "--workers", "1", "--no-progress"]) == 0
    assert not (out / ".lock").exists() and not (out / "INCOMPLETE").exists()


def test_lock_in_process_is_exclusive(tmp_path):
    with FolderLock(tmp_path):
        with pytest.raises(ParameterError, match=f"pid {os.getpid()}"):
            FolderLock(tmp_path).acquire()
    FolderLock(tmp_path).acquire().release()


def _peek_manifest(inputs, seed=None):
    """A task that waits, then reports how many points the manifest (on the client) says are done."""
    time.sleep(0.3)
    man = json.loads(open(inputs["manifest"]).read())
    return {"done_seen": man["done"], "status_seen": man["status"]}


def test_manifest_is_updated_as_points_finish(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep.run, "MANIFEST_EVERY_S", 0.0)
    sweep.register_kind("peek_test", _peek_manifest, random=False)
    out = tmp_path / "o"
    try:
        cfg = {"sweep": {"kind": "peek_test"}, "fixed": {"manifest": str(out / "manifest.json")}, "grid": {"x": [1, 2, 3, 4]}}
        res = sweep.run_sweep(cfg, out, processes=False, n_workers=1, progress=False)
    finally:
        sweep.KINDS.pop("peek_test", None)
    seen = sorted(pd.read_parquet(res.store)["done_seen"])
    assert seen[0] == 0 and seen[-1] >= 2  # later points saw earlier ones recorded while the sweep ran
    assert set(pd.read_parquet(res.store)["status_seen"]) == {"running"}
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "complete" and man["done"] == 4


def test_point_files_are_validated_on_resume_and_bad_ones_recomputed(tmp_path, capsys):
    out = tmp_path / "o"
    first = sweep.run_sweep(EST, out, processes=False, n_workers=1, progress=False)
    files = sorted((out / "points").glob("*.json"))
    rec = json.loads(files[0].read_text())
    good = rec["result"]["lim_energy_J"]
    rec["result"]["lim_energy_J"] = "garbage"
    files[0].write_text(json.dumps(rec))
    rec2 = json.loads(files[1].read_text())
    rec2["inputs"]["bits"] = 99  # another point's content under this id
    files[1].write_text(json.dumps(rec2))
    files[2].write_text("{ truncated")
    res = sweep.run_sweep(EST, out, processes=False, n_workers=1, progress=False)
    assert res.ran == 3 and set(res.rejected) == {f.stem for f in files[:3]}
    assert "garbage" in res.rejected[files[0].stem] and "inputs differ" in res.rejected[files[1].stem]
    assert json.loads(files[0].read_text())["result"]["lim_energy_J"] == good  # recomputed
    assert sorted(p.name for p in (out / "rejected").iterdir()) == sorted(f.name for f in files[:3])  # kept aside
    pd.testing.assert_frame_equal(pd.read_parquet(res.store).drop(columns=["seconds"]),
                                  pd.read_parquet(first.store).drop(columns=["seconds"]))


def test_a_changed_config_is_refused_unless_force(tmp_path, capsys):
    out = tmp_path / "o"
    sweep.run_sweep(EST, out, processes=False, n_workers=1, progress=False)
    other = {**EST, "grid": {"tokens": [1e9], "bits": [4, 8]}}
    with pytest.raises(ParameterError, match="another config.*--force"):
        sweep.run_sweep(other, out, processes=False, n_workers=1, progress=False)
    same_grid_other_name = {**EST, "sweep": {"kind": "estimate", "name": "renamed"}}
    assert sweep.run_sweep(same_grid_other_name, out, processes=False, progress=False).ran == 0  # resumes
    res = sweep.run_sweep(other, out, processes=False, n_workers=1, progress=False, force=True)
    assert res.complete and len(list((out / "points").glob("*.json"))) == 4  # the old points are kept


def test_input_failures_are_explained_on_stderr_without_a_false_resume_hint(tmp_path, capsys, monkeypatch):
    def fails(inputs, seed=None):
        raise ParameterError(f"x={inputs['x']} cannot run here")

    sweep.register_kind("fail_test", fails, random=False)
    try:
        out = tmp_path / "o"
        res = sweep.run_sweep({"sweep": {"kind": "fail_test"}, "grid": {"x": [1, 2]}}, out, processes=False,
                              n_workers=1, progress=False)
        assert set(res.failed.values()) == {"ParameterError: x=1 cannot run here", "ParameterError: x=2 cannot run here"}
        assert not res.retryable and "failed" in (out / "INCOMPLETE").read_text()
        assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    finally:
        sweep.KINDS.pop("fail_test", None)


def test_validate_points_too_large_for_memory_are_refused_before_any_cluster(tmp_path, capsys):
    cfg = _toml(tmp_path, '[sweep]\nkind = "validate"\n[fixed]\ngroup = "drag"\nn_particles = 100000000000\n')
    assert main(["sweep", cfg, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "GiB" in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


# ---------------------------------------------------------------- a real cluster
ANNEAL = {"sweep": {"kind": "anneal", "seeds": [0, 1, 2, 3, 4, 5]},
          "fixed": {"graph": "random:120:0.1", "reads": 8}, "grid": {"sweeps": [30000, 40000]}}


def _start(args, tmp_path, name):
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen([shutil.which("dask") or os.path.join(os.path.dirname(sys.executable), "dask"), *args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)


def test_real_scheduler_and_two_workers_survive_a_sigkilled_worker(tmp_path):
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1; one worker is SIGKILLed while the sweep runs;
    every point ends done exactly once, with results equal to a local run of the same config."""
    if not shutil.which("dask") and not os.path.exists(os.path.join(os.path.dirname(sys.executable), "dask")):
        pytest.skip("the `dask` command is not installed")
    sfile = tmp_path / "scheduler.json"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file",
                     str(sfile)], tmp_path, "scheduler")]
    try:
        for _ in range(200):
            if sfile.exists() and sfile.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for k in range(2):
            procs.append(_start(["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                                 "--no-dashboard", "--name", f"w{k}", "--local-directory", str(tmp_path / f"w{k}")],
                                tmp_path, f"worker{k}"))
        from distributed import Client

        with Client(address, timeout="20s") as c:
            c.wait_for_workers(2, timeout=60)
        out = tmp_path / "cluster"
        box = {}

        def run():
            try:
                box["res"] = sweep.run_sweep(ANNEAL, out, scheduler=address, progress=False)
            except BaseException as exc:  # pragma: no cover - reported below
                box["exc"] = exc

        t = threading.Thread(target=run)
        t.start()
        deadline = time.time() + 60
        while time.time() < deadline and len(list((out / "points").glob("*.json")) if (out / "points").is_dir() else []) < 2:
            time.sleep(0.05)
        victim = procs[1]
        os.killpg(victim.pid, signal.SIGKILL)  # mid-run: points remain pending
        victim.wait()
        at_kill = len(list((out / "points").glob("*.json")))
        assert 2 <= at_kill < 12, at_kill
        t.join(timeout=120)
        assert not t.is_alive() and "exc" not in box, box.get("exc")
        res = box["res"]
        assert res.complete and not res.failed and res.total == 12
        files = sorted((out / "points").glob("*.json"))
        assert len(files) == 12 and len({f.stem for f in files}) == 12  # every point once
        assert len(list((out / "points").glob(".*"))) == 0
        local = sweep.run_sweep(ANNEAL, tmp_path / "local", processes=False, n_workers=2, progress=False)
        a = pd.read_parquet(res.store).drop(columns=["seconds", "wall_time_s"])
        b = pd.read_parquet(local.store).drop(columns=["seconds", "wall_time_s"])
        pd.testing.assert_frame_equal(a, b)
    finally:
        for p in procs[::-1]:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
