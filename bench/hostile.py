"""Hostile input and hard crashes: the whole catalogue of issue 15, each case a subprocess of the
command line (`python -m app`), with a timeout, in a fresh folder.

Prints one table: case, exit status, the last line on stderr, wall seconds, CPU seconds, peak
RSS and a verdict. PASS means: the exit status the case allows (1 or 2 for a refusal, 0 where
the input is fine or the job is real), a last line that is one clear sentence ("confide: ..."
or a usage error), no traceback, under 5 s of CPU and 500 MB (a real long job, marked "long",
only under its timeout), and whatever the case checks besides (the device node is still a
device, the transcript was printed, the history still opens). CPU seconds rather than wall
seconds judge the 5 s, so other work on the machine does not turn a PASS into a FAIL; the
wall time is shown beside it, with the load average.

Cases that need another user run as `nobody` (runuser) in a private mount namespace that lends
it the interpreter; full disks are small tmpfs mounts in a private namespace; device nodes
are made with mknod in the case's own folder (the real /dev is never touched). Run as root.

The cases live in hostile_models.py, hostile_inputs.py and hostile_history.py; the harness
(measuring, folders, the registry) in hostile_harness.py, the crafted files in hostile_files.py.

Usage: python bench/hostile.py [--only SUBSTRING] [--list] [--short] [--models DIR]
Never part of the test suite (the long cases take minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# each case module adds its cases to CASES, in the order of the table
import hostile_models  # noqa: E402,F401,I001
import hostile_inputs  # noqa: E402,F401
import hostile_history  # noqa: E402,F401
from hostile_harness import CASES, CPU_LIMIT, ROOT, RSS_LIMIT, Case, Run, Workspace  # noqa: E402


def verdict(c: Case, run: Run, w: Workspace) -> str:
    if run.timed_out:
        return f"FAIL still running after {run.wall:.0f} s"
    if "Traceback" in run.stderr:
        return "FAIL traceback"
    if run.code not in c.expect:
        return f"FAIL exit {run.code}, wanted {'/'.join(map(str, c.expect))}"
    if run.code != 0 and not run.last_line.startswith("confide"):
        return "FAIL no clear last line"
    if not c.long and run.cpu > CPU_LIMIT:
        return f"FAIL {run.cpu:.1f} s of CPU"
    if not c.long and run.rss > RSS_LIMIT:
        return f"FAIL {run.rss / 2**20:.0f} MB"
    if c.check is not None:
        problem = c.check(w, run)
        if problem:
            return f"FAIL {problem}"
    return "PASS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="TEXT", help="only the cases whose name contains TEXT")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument(
        "--models",
        type=Path,
        default=ROOT / ".cache" / "test-data" / "models",
        help="the installed models the cases use (make test-models puts them here)",
    )
    parser.add_argument("--short", action="store_true", help="leave out the long cases (real model runs)")
    options = parser.parse_args()
    cases = [
        c
        for c in CASES
        if (not options.only or options.only.lower() in c.name.lower()) and not (options.short and c.long)
    ]
    if options.list:
        print("\n".join(f"{c.name}{'  (long)' if c.long else ''}" for c in cases))
        return 0
    if os.geteuid() != 0:
        print("bench/hostile.py needs root (mount namespaces, runuser, mknod).", file=sys.stderr)
        return 2
    print(f"# Hostile input: {len(cases)} cases, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at start")
    header = f"| {'case':52} | exit | {'last line':72} | wall s | cpu s | peak MB | verdict"
    print(header)
    print("|" + "-" * (len(header) - 1))
    passed = 0
    with tempfile.TemporaryDirectory(prefix="confide-hostile-") as scratch:
        os.chmod(scratch, 0o755)  # the user nobody must reach its cases' folders
        for number, c in enumerate(cases):
            folder = Path(scratch) / f"case{number:03d}"
            folder.mkdir()
            w = Workspace(folder, options.models)
            try:
                run = c.run(w)
                outcome = verdict(c, run, w)
            except Exception as error:  # the bench's own setup failed: report it, go on
                run = Run(None, "", f"bench setup failed: {error!r}", 0.0, 0.0, 0)
                outcome = "FAIL bench setup"
            passed += outcome == "PASS"
            last = run.last_line.replace("|", "/")
            last = last if len(last) <= 72 else last[:69] + "..."
            name = c.name + (" (long)" if c.long else "")
            print(
                f"| {name[:52]:52} | {str(run.code):>4} | {last:72} | {run.wall:6.1f} | {run.cpu:5.1f} | "
                f"{run.rss / 2**20:7.0f} | {outcome}",
                flush=True,
            )
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{len(cases)} cases: {passed} PASS, {len(cases) - passed} FAIL (load {os.getloadavg()[0]:.1f} at the end)")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
