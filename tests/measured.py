"""Running the command line while measuring it: wall time and the peak resident memory of that
one process.

The command runs under a small Python watcher that starts it and reads its rusage with
os.wait4. Starting it straight from the test process would not do: Linux keeps a process's
peak RSS across exec, and a child spawned from a test session that has loaded a model would
report the session's size instead of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from support import ROOT

WATCHER = """
import json, os, subprocess, sys, time
report, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
started = time.perf_counter()
process = subprocess.Popen(command)
while True:
    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
    if pid:
        break
    if time.perf_counter() - started > timeout:
        process.kill()
        pid, status, usage = os.wait4(process.pid, 0)
        break
    time.sleep(0.01)
process.returncode = os.waitstatus_to_exitcode(status)
with open(report, "w") as out:
    json.dump({"returncode": process.returncode, "seconds": time.perf_counter() - started,
               "peak_rss_mb": usage.ru_maxrss / 1024}, out)
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def run_confide_measured(*args: str, data_dir: Path, timeout: float = 60) -> Measured:
    """`python -m app --data-dir DATA_DIR ARGS...`; killed (and reported as such) after timeout."""
    command = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        result = subprocess.run([sys.executable, "-c", WATCHER, str(report), str(timeout), *command], cwd=ROOT,
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout + 60)
        measured = json.loads(report.read_text())
    return Measured(measured["returncode"], result.stdout, result.stderr, measured["seconds"], measured["peak_rss_mb"])
