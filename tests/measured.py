"""Running a command while measuring it: wall time, CPU time and the peak resident memory of that
one process.

The peak is the process's own VmHWM, read from /proc while it runs. Its rusage would not do:
Linux carries a process's peak RSS across fork and exec into the child's record, so a command
started from a test session that has loaded models could report the session's size (seen in a
full run: 1.16 GB for a command that uses 60 MB). VmHWM belongs to the memory map that exec
makes new, so it counts the command alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from support import ROOT

POLL_SECONDS = 0.005


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # wall time
    cpu_seconds: float
    peak_rss_mb: float


def _high_water_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None  # gone, or not yet exec'd
    return None


def run_measured(command: list[str], *, timeout: float = 60, cwd: Path = ROOT) -> Measured:
    """Runs command (no standard input); killed, with its process group, after timeout."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    outputs = {}
    readers = [
        threading.Thread(target=lambda name=name, stream=stream: outputs.__setitem__(name, stream.read()))
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    for reader in readers:
        reader.start()
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _high_water_mb(process.pid) or 0.0)
        if time.perf_counter() - started > timeout:
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(POLL_SECONDS)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return Measured(
        process.returncode,
        outputs["stdout"].decode(errors="replace"),
        outputs["stderr"].decode(errors="replace"),
        time.perf_counter() - started,
        usage.ru_utime + usage.ru_stime,
        peak,
    )


def run_confide_measured(*args: str, data_dir: Path, timeout: float = 60) -> Measured:
    """`python -m app --data-dir DATA_DIR ARGS...`; killed (and reported as such) after timeout."""
    return run_measured([sys.executable, "-m", "app", "--data-dir", str(data_dir), *args], timeout=timeout)
