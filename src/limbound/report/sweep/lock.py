"""An exclusive lock on a sweep's result folder: one run at a time works in ``DIR`` (``DIR/.lock``).

A lock left by a killed run on this host is taken over (its pid is gone or was reused); a lock of another host is
refused with the path to remove (see :func:`limbound.report.sweep.run_sweep`).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from ...errors import ParameterError
from ...fileio import StrPath

LOCK_FILE = ".lock"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


def _proc_start(pid: int) -> int | None:
    """Start time of ``pid`` in clock ticks since boot (Linux), to tell a reused pid apart; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _lock_stale(rec: dict) -> bool:
    """A lock is stale when its holder ran on this host and that process is gone (or its pid was reused)."""
    import socket

    if rec.get("host") != socket.gethostname():
        return False
    pid = rec.get("pid")
    if not isinstance(pid, int) or not _pid_alive(pid):
        return True
    start = rec.get("start")
    return start is not None and _proc_start(pid) not in (None, start)


class FolderLock:
    """An exclusive lock on a result folder: ``DIR/.lock`` holds the pid and host of the run.

    A second run is refused in one line naming the holder; a lock left by a
    killed run on this host (its pid gone) is taken over.  A lock from another
    host cannot be checked: it is refused with the path to remove if that run
    is dead.  Use as a context manager; the lock is removed on exit.
    """

    def __init__(self, folder: StrPath, *, name: str = "--out") -> None:
        self.path = Path(folder) / LOCK_FILE
        self.name = name
        self.took_over = None

    def _record(self) -> dict:
        import socket

        return {"pid": os.getpid(), "host": socket.gethostname(), "start": _proc_start(os.getpid()),
                "since_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def acquire(self) -> FolderLock:
        mine = self._record()
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    rec = json.loads(self.path.read_text(encoding="utf-8"))
                    if not isinstance(rec, dict):
                        raise ValueError
                except FileNotFoundError:
                    continue  # released meanwhile
                except (OSError, ValueError):
                    rec = {}  # a lock being written this instant, or garbage
                    if time.time() - self.path.stat().st_mtime < 5.0:
                        time.sleep(0.2)
                        continue
                if rec and not _lock_stale(rec):
                    raise ParameterError(
                        f"{self.name}={str(self.path.parent)!r} is in use by another run (pid {rec.get('pid')} on host "
                        f"{rec.get('host')}, since {rec.get('since_utc')}); allowed: wait for it, use another "
                        f"{self.name}, or remove {self.path} if that run is dead") from None
                # stale: take over by renaming our own record over it (atomic), then check we hold it
                self.took_over = rec
                tmp = self.path.with_name(f".lock.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(mine), encoding="utf-8")
                os.replace(tmp, self.path)
                time.sleep(0.05)
                try:
                    if json.loads(self.path.read_text(encoding="utf-8")).get("pid") == mine["pid"]:
                        return self
                except (OSError, ValueError):
                    pass
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(mine))
            return self
        raise ParameterError(f"{self.name}={str(self.path.parent)!r}: could not take the lock {self.path}; "
                             "allowed: one run per folder at a time")

    def release(self) -> None:
        try:
            rec = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if rec.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
        return False
