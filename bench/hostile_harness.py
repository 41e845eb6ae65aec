"""The harness of bench/hostile.py: running one command measured (exit, output, wall and CPU
time, peak RSS), a fresh folder per case, and the registry the case modules add to."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CPU_LIMIT = 5.0
RSS_LIMIT = 500 * 1024 * 1024
SHORT_TIMEOUT = 60.0
LONG_TIMEOUT = 900.0


@dataclass
class Run:
    code: int | None
    stdout: str
    stderr: str
    wall: float
    cpu: float
    rss: int
    timed_out: bool = False

    @property
    def last_line(self) -> str:
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1] if lines else (self.stdout.strip().splitlines() or [""])[-1]


def measure(command: list[str], *, stdin: bytes | None = None, timeout: float = SHORT_TIMEOUT, cwd: Path = ROOT) -> Run:
    """Runs command in its own process group; its CPU time and peak RSS come from wait4 (the
    child and every descendant it waited for). At the timeout the whole group is killed."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    out: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=name, s=stream: out.__setitem__(n, s.read()))
        for name, stream in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    if stdin is not None:
        try:
            process.stdin.write(stdin)
        except BrokenPipeError:
            pass  # refused before reading it all: that is the point of some cases
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    except BaseException:  # the bench interrupted: take the case's processes down with it
        os.killpg(process.pid, signal.SIGKILL)
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    timer.cancel()
    for reader in readers:
        reader.join()
    return Run(
        None if timed_out.is_set() else process.returncode,
        out["out"].decode(errors="replace"),
        out["err"].decode(errors="replace"),
        time.monotonic() - started,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss * 1024,
        timed_out.is_set(),
    )


HISTORY_SCRIPT = """
import sys
from pathlib import Path
from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import Turn
from models.types import Segment
data = Path(sys.argv[1])
with HistoryStore.open(data / "history.db", data) as store:
    for number in range(int(sys.argv[2])):
        recording = store.add_recording(f"Planning {number}")
        store.add_segments(recording, [Segment(0.0, 2.0, f"We move the launch {number} to March."),
                                       Segment(2.0, 4.0, "Ben updates the budget by Friday.")])
        store.finish_recording(recording, duration=4.0)
    store.add_conversation(NewConversation("Jo: lunch?", (Turn("Jo", "lunch?"),)))
"""


class Workspace:
    """One case's folder: a data folder whose models link to the installed test models."""

    def __init__(self, folder: Path, models: Path):
        self.dir = folder
        self.models = models
        self.data = folder / "data"
        self.data.mkdir(mode=0o700)
        # a models folder of the case's own, holding links to each installed model: what a case
        # imports or removes stays in the case's folder
        (self.data / "models").mkdir()
        for model in models.iterdir():
            if not model.name.startswith("."):
                (self.data / "models" / model.name).symlink_to(model)

    def path(self, name: str) -> Path:
        return self.dir / name

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.dir / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def argv(self, *args: str, data: Path | None = None) -> list[str]:
        return [PY, "-m", "app", "--data-dir", str(data or self.data), *args]

    def confide(
        self, *args: str, stdin: bytes | None = None, timeout: float = SHORT_TIMEOUT, data: Path | None = None
    ) -> Run:
        return measure(self.argv(*args, data=data), stdin=stdin, timeout=timeout)

    def setup(self, *args: str, data: Path | None = None) -> None:
        """A command that prepares the case (not measured); it must succeed."""
        subprocess.run(self.argv(*args, data=data), cwd=ROOT, check=True, capture_output=True, timeout=900)

    def history(self, items: int = 3, data: Path | None = None) -> None:
        """A small history made through the store's own API (in a child process: the bench
        itself stays small)."""
        subprocess.run(
            [PY, "-c", HISTORY_SCRIPT, str(data or self.data), str(items)], cwd=ROOT, check=True, timeout=300
        )

    def as_nobody(self, *args: str, data: Path, timeout: float = SHORT_TIMEOUT) -> Run:
        """The command as the unprivileged user nobody. The interpreter lives under /root (0700),
        so a private mount namespace lends it: /root becomes an empty tmpfs there with only the
        interpreter's folder bound into it."""
        lend = self.dir / "pyenv"
        lend.mkdir(exist_ok=True)
        script = (
            f'mount --bind /root/.pyenv "{lend}" && mount -t tmpfs -o mode=0755 tmpfs /root && '
            f'mkdir /root/.pyenv && mount --bind "{lend}" /root/.pyenv && '
            'exec runuser -u nobody -- "$@"'
        )
        return measure(["unshare", "-m", "sh", "-c", script, "sh", *self.argv(*args, data=data)], timeout=timeout)

    def on_full_disk(self, *args: str, prepare: str = "", timeout: float = SHORT_TIMEOUT) -> Run:
        """The command with its data folder on a 4 MB tmpfs that is full (a filler file takes
        every byte left after the history is made); the mount lives in a private namespace."""
        disk = self.dir / "disk"
        disk.mkdir()
        data = disk / "data"
        script = (
            f'set -e; mount -t tmpfs -o size=4m tmpfs "{disk}"; mkdir -m 700 "{data}"; '
            f'ln -s "{self.data}/models" "{data}/models"; "{PY}" -m app --data-dir "{data}" history list >/dev/null; '
            f'{prepare + "; " if prepare else ""}cat /dev/zero > "{disk}/filler" 2>/dev/null || true; '
            f'exec "{PY}" -m app --data-dir "{data}" "$@"'
        )
        return measure(["unshare", "-m", "sh", "-c", script, "sh", *args], timeout=timeout)

    def kill_during(self, args: tuple[str, ...], after: float) -> None:
        """Starts a command and kills it with SIGKILL after `after` seconds."""
        process = subprocess.Popen(
            self.argv(*args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(after)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Case:
    name: str
    run: Callable[[Workspace], Run]
    expect: tuple[int, ...] = (1,)
    long: bool = False
    check: Callable[[Workspace, Run], str | None] | None = None
    owner: str = ""


CASES: list[Case] = []


def case(name: str, expect: tuple[int, ...] = (1,), long: bool = False, check=None):
    def register(run):
        CASES.append(Case(name, run, expect, long, check))
        return run

    return register


TRANSCRIPT_LINE = b"Anna: we moved the launch to March and Ben updates the budget by Friday.\n"


def smollm(w: Workspace) -> Path:
    return w.models / "smollm2-135m-instruct"
