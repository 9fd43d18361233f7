"""``reproduce``: every promised file is written, the HTML embeds each figure, the CSV holds the plotted numbers."""
from __future__ import annotations

import base64
import csv
import json
import math
import os
import re
import time

import pytest

pytest.importorskip("matplotlib")

from limbound.cli import main  # noqa: E402
from limbound.constants import kT  # noqa: E402
from limbound.errors import ParameterError  # noqa: E402
from limbound.report import panel_gset  # noqa: E402
from limbound.report import reproduce as rp  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick_abc(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep")
    return rp.reproduce(out, quick=True, only="a,b,c", progress=False), out


def _csv(out):
    with open(out / "data" / "figure_data.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _series(rows, panel, name):
    """(x, y) of the series called exactly ``name`` in ``panel``."""
    return [(float(r["x"]), float(r["y"])) for r in rows if r["panel"] == panel and r["series"] == name]


def test_every_promised_file_is_written(quick_abc):
    res, out = quick_abc
    for key in ("a", "b", "c"):
        png = out / "figures" / rp.FIG_FILES[key]
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 10_000
    for name in ("report.html", "provenance.json", "data/figure_data.csv"):
        assert (out / name).stat().st_size > 0
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name != ".limbound-owner.json"]  # no temp files left
    assert not (out / "INCOMPLETE").exists()  # a finished run leaves no INCOMPLETE marker


def test_html_embeds_each_figure_and_needs_no_other_file(quick_abc):
    res, out = quick_abc
    page = (out / "report.html").read_text()
    for key in ("a", "b", "c"):
        m = re.search(rf"<img id='fig-{key}'[^>]*src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
        assert m, f"figure ({key}) not embedded"
        assert base64.b64decode(m.group(1)) == (out / "figures" / rp.FIG_FILES[key]).read_bytes()
    assert not re.search(r"(src|href)=['\"](?!data:|#)", page)  # self-contained
    for key in ("d", "e", "f"):  # skipped panels are named, with the reason
        assert re.search(rf"id='panel-{key}'.*?not available: skipped", page, re.S)
    assert "&quot;seed&quot;: 0" in page and "&quot;version&quot;" in page


def test_provenance_records_version_seed_inputs(quick_abc):
    res, out = quick_abc
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 0 and prov["quick"] is True and prov["version"]
    st = {p["key"]: p["status"] for p in prov["panels"]}
    assert st["a"] == st["b"] == st["c"] == "ok" and st["d"].startswith("not available")
    a = next(p for p in prov["panels"] if p["key"] == "a")
    assert a["provenance"]["tokens_per_param"] == 20.0 and a["provenance"]["bits"] == 16


def test_csv_holds_the_plotted_numbers_at_theory_values(quick_abc):
    """Independent numbers: THEORY §5 reference per-op values and the brain-scale band; b kT ln 2."""
    res, out = quick_abc
    rows = _csv(out)
    lim_b = dict(_series(rows, "b", "LIM (estimate)"))
    sta_b = dict(_series(rows, "b", "static CIM (estimate) (10 y retention)"))
    lan_b = dict(_series(rows, "b", "Landauer reference b kT ln2 (estimate)"))
    assert len(lim_b) == len(sta_b) == len(lan_b) == 32
    assert lim_b[16.0] == pytest.approx(11.783, abs=1e-3) and lim_b[4.0] == pytest.approx(3.434, abs=1e-3)
    assert lim_b[1.0] == pytest.approx(math.log(3), rel=1e-12)
    assert sta_b[16.0] == pytest.approx(99.65, abs=0.01)
    assert all(lan_b[b] == pytest.approx(b * math.log(2), rel=1e-12) for b in range(1, 33))
    lim_c = dict(_series(rows, "c", "LIM (estimate)"))
    sta_c = dict(_series(rows, "c", "static CIM (estimate) (10 y retention)"))
    assert lim_c[min(lim_c, key=lambda x: abs(math.log(x / 1e-12)))] == pytest.approx(13.82, abs=0.01)
    assert sta_c[min(sta_c, key=lambda x: abs(math.log(x / 1e-6)))] == pytest.approx(99.65, abs=0.01)
    # (a): Landauer line at N = 1e15 with 20 N tokens: 6 N (20 N) b kT ln2
    lan_a = _series(rows, "a", "Landauer reference b kT ln2 (estimate)")
    n, e = lan_a[-1]
    assert n == pytest.approx(1e15) and e == pytest.approx(6 * n * 20 * n * 16 * kT(300) * math.log(2), rel=1e-9)
    band = [r for r in rows if r["panel"] == "a" and r["series"] == "brain-scale band, LIM (estimate)"]
    assert len(band) == 1 and 8.7e7 < float(band[0]["y"]) < 8.9e7 and 1.6e9 < float(band[0]["y2"]) < 1.8e9
    measured = [r for r in rows if r["panel"] == "a" and r["series"] == "published training energy"]
    gpt3 = [r for r in measured if r["label"] == "gpt-3"]
    assert gpt3 and float(gpt3[0]["y"]) == pytest.approx(1287 * 3.6e9)
    for r in rows:  # every plotted number is finite and positive (log axes)
        assert float(r["y"]) > 0 or r["panel"] == "c"


def test_bad_arguments_refused_before_writing(tmp_path):
    with pytest.raises(ParameterError, match="only="):
        rp.reproduce(tmp_path / "x", only="a,z", progress=False)
    with pytest.raises(ParameterError, match="seed"):
        rp.reproduce(tmp_path / "x", seed=-1, progress=False)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("make, shown", [
    (lambda d: d / "a_file.txt", "is a file, not a folder"),  # --out names an existing file
    (lambda d: d / "a_file.txt" / "sub", "cannot be created"),  # below a file
    (lambda d: "/proc/limbound-test-nope", "cannot be created"),  # the OS refuses the mkdir
])
def test_cli_bad_out_is_one_line_and_writes_nothing(tmp_path, capsys, make, shown):
    (tmp_path / "a_file.txt").write_text("keep me")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["reproduce", "--out", str(make(tmp_path)), "--quick", "--only", "b", "--no-progress"]) == 2
    cap = capsys.readouterr()
    assert cap.err.count("\n") == 1 and shown in cap.err and "Traceback" not in cap.err and cap.out == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before and (tmp_path / "a_file.txt").read_text() == "keep me"


def test_cli_reproduce_one_panel(tmp_path, capsys):
    assert main(["reproduce", "--out", str(tmp_path), "--quick", "--only", "b", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert f"report: {(tmp_path / 'report.html').resolve()}" in text
    assert (tmp_path / "figures" / rp.FIG_FILES["b"]).exists() and not (tmp_path / "figures" / rp.FIG_FILES["a"]).exists()
    assert main(["reproduce", "--out", str(tmp_path), "--only", "q"]) == 2
    assert main(["reproduce", "--out", str(tmp_path), "--seed", "x"]) == 2


@pytest.mark.skipif(os.environ.get("LIMBOUND_SKIP_FULL_REPRODUCE") == "1", reason="LIMBOUND_SKIP_FULL_REPRODUCE=1")
def test_full_quick_reproduce(tmp_path, capsys):
    """The whole `limbound reproduce --quick`, every panel that this tree can build."""
    t = time.perf_counter()
    assert main(["reproduce", "--out", str(tmp_path), "--quick", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert time.perf_counter() - t < 120
    assert list(summary)[:3] == ["inputs", "results", "provenance"]  # the one --json layout (test_json_layout)
    assert summary["provenance"]["seed"] == 0 and summary["inputs"]["quick"] is True
    page = (tmp_path / "report.html").read_text()
    for p in summary["panels"]:
        assert f"id='panel-{p['key']}'" in page
        key = f"figure_{p['key']}"
        if key in summary["files"]:
            assert f"<img id='fig-{p['key']}'" in page
            assert os.path.exists(summary["files"][key])
        else:
            assert p["status"].startswith("not available") or f"table_{p['key']}" in summary["files"]
    assert {p["key"] for p in summary["panels"] if p["status"] == "ok"} >= {"a", "b", "c"}
    for key in ("d", "e", "f"):  # table panels: CSV written and the table in the page
        if f"table_{key}" in summary["files"]:
            text = open(summary["files"][f"table_{key}"]).read()
            assert text.count("\n") >= 2
    with open(summary["files"]["csv"]) as fh:
        panels_in_csv = {r["panel"] for r in csv.DictReader(fh)}
    assert panels_in_csv == {p["key"] for p in summary["panels"] if p["status"] == "ok" and f"figure_{p['key']}" in summary["files"]}


@pytest.fixture
def no_gset(tmp_path, monkeypatch):
    """Neither $LIMBOUND_GSET_DIR nor the repository's ../shared G-set folder."""
    monkeypatch.delenv(rp.GSET_ENV, raising=False)
    monkeypatch.setattr(panel_gset, "REPO_GSET_DIR", tmp_path / "absent")


def _square_gset(folder):
    """A 4-cycle (bipartite: the maximum cut takes all 4 edges) in G-set format, with its best-known cut."""
    folder.mkdir(parents=True)
    (folder / "G7.txt").write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")
    (folder / "best_known.csv").write_text("instance,nodes,edges,best_known_cut\nG7,4,4,4\n")
    return folder


def test_gset_source_order_is_explicit_then_env_then_repository_never_cwd(tmp_path, monkeypatch, no_gset):
    mine, env, repo = (_square_gset(tmp_path / n) for n in ("mine", "env", "repo"))
    cwd = tmp_path / "work" / "main"
    cwd.mkdir(parents=True)
    _square_gset(tmp_path / "work" / "shared" / "benchmarks" / "gset")  # ../shared relative to the cwd: ignored
    monkeypatch.chdir(cwd)
    assert rp.find_gset_dir() == rp.GsetChoice(None, "random graph")
    monkeypatch.setattr(panel_gset, "REPO_GSET_DIR", repo)
    assert rp.find_gset_dir() == rp.GsetChoice(repo, "repository")
    monkeypatch.setenv(rp.GSET_ENV, str(env))
    assert rp.find_gset_dir() == rp.GsetChoice(env.resolve(), "$LIMBOUND_GSET_DIR")
    assert rp.find_gset_dir(mine) == rp.GsetChoice(mine.resolve(), "--gset-dir")
    with pytest.raises(ParameterError, match="--gset-dir='.*nope' is not a folder of G-set files"):
        rp.find_gset_dir(tmp_path / "nope")
    monkeypatch.setenv(rp.GSET_ENV, str(tmp_path / "nope"))
    with pytest.raises(ParameterError, match=r"\$LIMBOUND_GSET_DIR="):
        rp.find_gset_dir()


def test_gset_dir_choice_is_recorded_in_provenance_and_html(tmp_path, capsys, no_gset):
    pytest.importorskip("limbound.solvers.maxcut")
    folder = _square_gset(tmp_path / "graphs")
    out = tmp_path / "o"
    assert main(["reproduce", "--out", str(out), "--quick", "--only", "e", "--no-progress",
                 "--gset-dir", str(folder)]) == 0
    capsys.readouterr()
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["gset"] == {"source": "--gset-dir", "path": str(folder.resolve())}
    assert f"--gset-dir {folder.resolve()}" in prov["command"]
    e = next(p for p in prov["panels"] if p["key"] == "e")
    assert e["provenance"]["gset_source"] == "--gset-dir" and e["provenance"]["graphs"] == ["G7"]
    rows = list(csv.DictReader(open(out / "data" / "table_e.csv")))
    assert rows[0]["graph"] == "G7" and float(rows[0]["best_cut"]) == 4.0  # a 4-cycle's maximum cut
    page = (out / "report.html").read_text()
    m = re.search(r"<p class='note' id='gset-source'>(.*?)</p>", page, re.S)
    assert m and str(folder.resolve()) in m.group(1) and "--gset-dir" in m.group(1)
    # without any folder: the seeded random graph, recorded as such
    out2 = tmp_path / "o2"
    assert main(["reproduce", "--out", str(out2), "--quick", "--only", "e", "--no-progress"]) == 0
    prov2 = json.loads((out2 / "provenance.json").read_text())
    assert prov2["gset"] == {"source": "random graph", "path": None}
    assert "seeded random graph stands in" in (out2 / "report.html").read_text()


def test_bad_gset_dir_is_refused_before_writing(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["reproduce", "--out", str(out), "--quick", "--only", "e", "--gset-dir", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--gset-dir=" in err and not out.exists()
    assert main(["reproduce", "--out", str(out), "--quick", "--only", "b", "--gset-dir", str(tmp_path / "nope")]) == 2
    assert "--gset-dir=" in capsys.readouterr().err and not out.exists()


def test_gset_panel_without_the_shared_folder_uses_a_seeded_random_graph(tmp_path, no_gset):
    pytest.importorskip("limbound.solvers.maxcut")
    p = rp.panel_e(quick=True, seed=3)
    assert p.ok and len(p.table) == 1
    row = p.table[0]
    from limbound.solvers.maxcut import random_maxcut_graph

    g = random_maxcut_graph(200, 0.05, seed=3)
    assert row["graph"] == g.name and row["edges"] == g.m and row["best_known_cut"] is None
    assert 0.5 * g.m <= row["best_cut"] <= g.m  # a random assignment already cuts half the edges on average
    assert row["first_law_residual"] < 1e-9  # dU = W - Q on every read
    assert any("random G(n=200" in n for n in p.notes)
    assert p.provenance["gset_source"] == "random graph" and p.provenance["gset_dir"] is None
    q = rp.panel_e(quick=True, seed=3)
    assert q.table[0]["best_cut"] == row["best_cut"] and q.table[0]["LIM_measured_J"] == row["LIM_measured_J"]  # seeded


def test_random_panels_are_reproducible_from_the_seed(tmp_path):
    pytest.importorskip("limbound.solvers.maxcut")
    a = rp.reproduce(tmp_path / "a", quick=True, seed=5, only="e", progress=False)
    b = rp.reproduce(tmp_path / "b", quick=True, seed=5, only="e", progress=False)
    c = rp.reproduce(tmp_path / "c", quick=True, seed=6, only="e", progress=False)

    def table(res):
        rows = list(csv.DictReader(open(res.files["table_e"])))
        return [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]  # wall time is not reproducible

    assert table(a) == table(b)
    assert table(a) != table(c)
    assert (tmp_path / "a" / "data" / "figure_data.csv").read_text() == (tmp_path / "b" / "data" / "figure_data.csv").read_text()
