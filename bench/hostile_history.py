"""Cases of bench/hostile.py: the history database and data folder - damaged and foreign
databases, another user's files, full disks, backup targets, search syntax bombs, kill -9
during writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

from hostile_files import tone_wav
from hostile_harness import HISTORY_SCRIPT, LONG_TIMEOUT, PY, ROOT, TRANSCRIPT_LINE, Run, Workspace, case

# --- databases ------------------------------------------------------------------------------------


def _db(w: Workspace, data: bytes) -> None:
    (w.data / "history.db").write_bytes(data)


case("database: random bytes")(lambda w: (_db(w, os.urandom(65536)), w.confide("history", "list"))[1])
case("database: empty file", expect=(0, 1))(lambda w: (_db(w, b""), w.confide("history", "list"))[1])


@case("database: truncated")
def _(w):
    w.history(20)
    data = (w.data / "history.db").read_bytes()
    for suffix in ("-wal", "-shm"):
        (w.data / f"history.db{suffix}").unlink(missing_ok=True)
    _db(w, data[:8192])
    return w.confide("history", "search", "launch")


@case("database: written by a newer Confide")
def _(w):
    w.history(1)
    with sqlite3.connect(w.data / "history.db") as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('confide-history', 'm999_from_the_future', '2030-01-01')"
        )
    return w.confide("history", "list")


@case("database: another program's SQLite file")
def _(w):
    with sqlite3.connect(w.data / "history.db") as db:
        db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, iban TEXT)")
    return w.confide("history", "list")


@case("database: a folder")
def _(w):
    (w.data / "history.db").mkdir()
    return w.confide("history", "list")


# --- read-only and permission-denied, as the user nobody -----------------------------------------


def _nobody_data(w: Workspace) -> Path:
    data = w.dir / "nobody-data"
    data.mkdir()
    os.chown(data, 65534, 65534)
    return data


@case("nobody: the data folder belongs to root (0700)")
def _(w):
    os.chmod(w.dir, 0o755)
    return w.as_nobody("history", "list", data=w.data)


@case("nobody: a read-only history.db")
def _(w):
    os.chmod(w.dir, 0o755)
    data = _nobody_data(w)
    w.history(1)
    shutil.copy(w.data / "history.db", data / "history.db")
    os.chmod(data / "history.db", 0o644)  # root's file: nobody may read it, not write it
    return w.as_nobody("history", "rename", "1", "New title", data=data)


@case("nobody: an audio file it may not read")
def _(w):
    os.chmod(w.dir, 0o755)
    audio = tone_wav(w.path("private.wav"))
    os.chmod(audio, 0o600)
    return w.as_nobody("transcribe", str(audio), data=_nobody_data(w))


@case("nobody: a transcript it may not read")
def _(w):
    os.chmod(w.dir, 0o755)
    text = w.write("private.txt", TRANSCRIPT_LINE)
    os.chmod(text, 0o600)
    return w.as_nobody("summarize", str(text), data=_nobody_data(w))


def _closed_folder(w: Workspace, name: str, data: bytes) -> Path:
    os.chmod(w.dir, 0o755)
    closed = w.dir / "closed"
    closed.mkdir(mode=0o700)  # root's: nobody may not enter it
    (closed / name).write_bytes(data)
    return closed / name


case("nobody: transcribe a file in a folder it may not enter")(
    lambda w: w.as_nobody("transcribe", str(_closed_folder(w, "a.wav", b"RIFF")), data=_nobody_data(w))
)
case("nobody: summarize a file in a folder it may not enter")(
    lambda w: w.as_nobody("summarize", str(_closed_folder(w, "a.txt", TRANSCRIPT_LINE)), data=_nobody_data(w))
)
case("nobody: reply to a file in a folder it may not enter")(
    lambda w: w.as_nobody("reply", str(_closed_folder(w, "a.txt", b"Jo: hi")), data=_nobody_data(w))
)


# --- full disks -----------------------------------------------------------------------------------


def _printed(w: Workspace, run: Run) -> str | None:
    return None if run.stdout.strip() else "the finished result was not printed"


@case("full disk: transcribe --save", check=_printed)
def _(w):
    clip = w.path("speech.wav")
    subprocess.run(["espeak-ng", "-w", str(clip), "We decided to move the launch to March."], check=True)
    return w.on_full_disk("transcribe", str(clip), "--save", timeout=300)


@case("full disk: summarize --save", long=True, check=_printed)
def _(w):
    text = w.write("meeting.txt", "Anna: We move the launch to March.\nBen: I will update the budget by Friday.\n")
    return w.on_full_disk("summarize", str(text), "--save", timeout=LONG_TIMEOUT)


@case("full disk: history rename")
def _(w):
    script = w.write("history.py", HISTORY_SCRIPT)
    prepare = f'"{PY}" "{script}" "{w.dir}/disk/data" 1'
    return w.on_full_disk("history", "rename", "1", "A much longer title " * 50, prepare=prepare)


# --- history backup targets ----------------------------------------------------------------------


def _still_a_device(w: Workspace, run: Run) -> str | None:
    node = w.path("full")
    return None if stat.S_ISCHR(node.lstat().st_mode) else "the device node was replaced"


@case("backup onto history.db-wal")
def _(w):
    w.history(1)
    return w.confide("history", "backup", str(w.data / "history.db-wal"))


@case("backup onto the database itself")
def _(w):
    w.history(1)
    return w.confide("history", "backup", str(w.data / "history.db"))


@case("backup onto a device node (a private /dev/full)", check=_still_a_device)
def _(w):
    w.history(1)
    os.mknod(w.path("full"), stat.S_IFCHR | 0o600, os.makedev(1, 7))
    return w.confide("history", "backup", str(w.path("full")))


@case("backup onto a named pipe")
def _(w):
    w.history(1)
    os.mkfifo(w.path("pipe"))
    return w.confide("history", "backup", str(w.path("pipe")))


# --- FTS5 query syntax bombs ----------------------------------------------------------------------

for _label, _query in (
    ('a lone "', '"'),
    ("NEAR(", "NEAR(a b"),
    ("a lone *", "*"),
    ("^", "^"),
    ("NOT", "NOT"),
    ("column filter", "text:launch"),
    ("2,000 ORs", " OR ".join(["a"] * 2000)),
    ("5,000 parentheses", "(" * 5000),
    ("100,000 characters", "x" * 100_000),
    ("1,000 phrases", " ".join(['"a b"'] * 1000)),
    ("quotes and stars", '"*"*"*' * 500),
):
    case(f"search: {_label}", expect=(0, 1))(lambda w, q=_query: (w.history(), w.confide("history", "search", q))[1])


# --- kill -9 during writes ------------------------------------------------------------------------


def _history_intact(w: Workspace, run: Run) -> str | None:
    doctor = w.confide("doctor", "--json")
    return None if '"database"' in doctor.stdout and "damaged" not in doctor.stdout else "the history is damaged"


@case("kill -9 during transcribe --save, then list", expect=(0,), check=_history_intact)
def _(w):
    clip = w.path("speech.wav")
    subprocess.run(["espeak-ng", "-w", str(clip), "We decided to move the launch to March."], check=True)
    w.history(2)
    w.kill_during(("transcribe", str(clip), "--save"), after=4.0)
    return w.confide("history", "list")


@case("kill -9 during history wipe, then list", expect=(0,), check=_history_intact)
def _(w):
    w.history(300)
    w.kill_during(("history", "wipe", "--yes"), after=0.6)
    return w.confide("history", "list")


@case("ten writers at once, then list", expect=(0,), check=_history_intact)
def _(w):
    w.history(10)
    writers = [
        subprocess.Popen(
            w.argv("history", "rename", str(n), f"Renamed {n}"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(1, 11)
    ]
    failures = [p for p in writers if p.wait(timeout=120) != 0]
    listed = w.confide("history", "list")
    if failures:
        listed.stderr += f"\n{len(failures)} of 10 writers failed"
        listed.code = 1
    return listed


# --- the data folder ------------------------------------------------------------------------------


def _private(w: Workspace, run: Run) -> str | None:
    mode = stat.S_IMODE(w.data.stat().st_mode)
    return None if mode == 0o700 or "0755" in run.stderr or "0o755" in run.stderr else f"left at {mode:o}"


@case("data folder made 0755 by someone else", expect=(0,), check=_private)
def _(w):
    os.chmod(w.data, 0o755)
    return w.confide("history", "list")
