"""Progress on a terminal (checked through a pseudo-terminal), none when piped or with --no-progress; on stderr,
so --json on stdout stays clean."""
import json
import os
import pty
import select
import subprocess
import sys

import pytest

# short runs of each long-running command (the display appears from the start, whatever the run's length)
COMMANDS = {
    "qp": (["qp", "--random", "20", "--reads", "2", "--no-reference"], "qp: n=20"),
    "train": (["train", "digits", "--epochs", "1", "--reads", "2"], "train: logreg"),
    "validate": (["validate", "--quick", "--only", "static"], "validate: static"),
    "anneal": (["anneal", "GRAPH", "--reads", "2", "--sweeps", "20"], "2 reads x 20 sweeps"),
}


@pytest.fixture
def graph(tmp_path):
    g = tmp_path / "c5.txt"
    g.write_text("5 5\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 1 1\n")
    return str(g)


def _argv(name, graph):
    argv, marker = COMMANDS[name]
    return [graph if a == "GRAPH" else a for a in argv], marker


def _run_on_pty(argv):
    """Run limbound with stdout and stderr on a pseudo-terminal; return everything it wrote there."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    p = subprocess.Popen([sys.executable, "-m", "limbound", *argv], stdin=slave, stdout=slave, stderr=slave,
                         env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 120)
        if not r:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert p.wait(timeout=120) in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_progress_on_a_terminal(name, graph):
    argv, marker = _argv(name, graph)
    shown = _run_on_pty(argv)
    assert marker in shown and "0:00:0" in shown  # the description and the elapsed-time column


def test_no_progress_flag_and_pipe_show_none(graph):
    argv, marker = _argv("qp", graph)
    quiet = _run_on_pty([*argv, "--no-progress"])
    assert "objective" in quiet and marker not in quiet and "0:00:0" not in quiet
    piped = subprocess.run([sys.executable, "-m", "limbound", *argv], capture_output=True, text=True)
    assert piped.returncode == 0 and "objective" in piped.stdout
    assert marker not in piped.stderr and "0:00:0" not in piped.stderr + piped.stdout


def test_json_stays_clean_on_a_terminal_stderr(graph):
    # stdout piped (JSON), stderr a terminal (progress): stdout parses as JSON
    master, slave = pty.openpty()
    p = subprocess.run([sys.executable, "-m", "limbound", "qp", "--random", "20", "--reads", "2", "--json"],
                       stdout=subprocess.PIPE, stderr=slave, env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    os.close(master)
    assert p.returncode == 0
    assert b"\x1b" not in p.stdout and json.loads(p.stdout)["objective"] is not None
