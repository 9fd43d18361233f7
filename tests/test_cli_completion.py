"""Shell completion (optional extra ``limbound[completion]``, README "Shell completion"): argcomplete answers the
shell when it asks, and is never imported on a normal start."""
import os
import subprocess
import sys

import pytest


def _complete(tmp_path, line):
    out = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
           "_ARGCOMPLETE_STDOUT_FILENAME": str(out)}
    r = subprocess.run([sys.executable, "-m", "limbound"], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return sorted(w.strip() for w in out.read_text().split("\x0b"))


def test_completes_commands_options_and_choices(tmp_path):
    pytest.importorskip("argcomplete")
    assert _complete(tmp_path, "limbound est") == ["estimate"]
    assert "--schedule" in _complete(tmp_path, "limbound anneal --sch")
    assert _complete(tmp_path, "limbound anneal g.txt --schedule ") == ["fn", "geometric", "linear"]


def test_not_imported_on_a_normal_start():
    code = "import sys\nfrom limbound.cli import main\nmain(['per-op'])\nprint('argcomplete' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().endswith("False")
