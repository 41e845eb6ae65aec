"""kill -9 at every commit and file operation of the commands that write the history, by fault
injection (strace kills the process as it enters the system call), never by timing.

For each command: one normal run is traced to list its kill points (every fsync, fdatasync,
rename and unlink in the data folder, in order: SQLite's commits, checkpoints and journal
files, the audio copy's sync and rename, the audio removals). Then, from the same starting
state each time, the command is run again and killed at exactly one of them; the next start
(`confide history list`, which clears what a crash left) runs, and the data folder must hold
no half-written item, no audio file nothing refers to (and none a deletion let go of), no
pending deletion, and pass SQLite's integrity checks.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT

from app.history import HistoryStore
from app.history.records import NewConversation, NewRecording
from app.records import Turn
from models.types import Segment

KILL_SYSCALLS = ("fsync", "fdatasync", "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir")
TRANSCRIPT = "Anna: We ship the new version on Friday.\nBen: I will write the release notes.\n"
CALL = re.compile(r"^(\d+)\s+(\w+)\((.*)$")
LANES = 2  # kill points run two at a time, each lane in its own data folder


@dataclass(frozen=True)
class KillPoint:
    syscall: str
    nth: int  # its number among this system call's calls in the main thread (strace's when=)
    shape: str  # the call as traced, random temporary names masked, for checking the kill


def _shape(arguments: str, data: Path) -> str:
    text = arguments.replace(str(data), "DATA")
    text = re.sub(r"\.[A-Za-z0-9_]{8}\.tmp", ".RANDOM.tmp", text)
    text = re.sub(r"\d+<", "<", text)  # descriptor numbers
    return re.sub(r"\)\s+=.*$", ")", text).replace(" <unfinished ...>", "")


def _calls(trace: Path):
    """(pid, syscall, arguments, killed) of each call entry; '<... resumed>' lines are not calls."""
    for line in trace.read_text().splitlines():
        match = CALL.match(line)
        if match:
            pid, name, rest = match.groups()
            yield int(pid), name, rest, rest.rstrip().endswith("= ?")


def _run(command: list[str], data: Path, trace: Path, inject: KillPoint | None = None) -> subprocess.CompletedProcess:
    strace = [
        "strace",
        "-f",
        "-qq",
        "-y",
        "-e",
        "signal=none",
        "-e",
        f"trace={','.join(KILL_SYSCALLS)}",
        "-o",
        str(trace),
    ]
    if inject is not None:
        strace += ["-e", f"inject={inject.syscall}:signal=SIGKILL:when={inject.nth}"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")  # a .pyc written on one run only would shift the counts
    return subprocess.run(
        strace + [sys.executable, "-m", "app", "--data-dir", str(data), *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def _kill_points(trace: Path, data: Path) -> list[KillPoint]:
    calls = list(_calls(trace))
    main = min(pid for pid, *_ in calls)  # the process's own id: its first thread's, below its threads'
    points, counts = [], {}
    for pid, name, rest, _ in calls:
        counts[(pid, name)] = counts.get((pid, name), 0) + 1
        if str(data) in rest:
            assert pid == main, f"a write to the data folder off the main thread: {rest}"
            points.append(KillPoint(name, counts[(pid, name)], _shape(rest, data)))
    return points


def _check_killed_at(trace: Path, data: Path, point: KillPoint, result) -> None:
    killed = [(name, _shape(rest, data)) for _pid, name, rest, was_killed in _calls(trace) if was_killed]
    assert result.returncode == -signal.SIGKILL, f"not killed at {point}: {result.stderr[-500:]}"
    assert killed == [(point.syscall, point.shape)], f"killed elsewhere than {point}: {killed}"


def _next_start(data: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "history", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr


def _state(data: Path) -> dict:
    """What the history holds after the next start, checked for the rules every state keeps."""
    conn = sqlite3.connect(data / "history.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO search_docs_fts (search_docs_fts) VALUES ('integrity-check')")
        assert conn.execute("SELECT count(*) FROM pending_deletions").fetchone()[0] == 0
        recordings = {
            item_id: (status, audio, title)
            for item_id, status, audio, title in conn.execute(
                "SELECT r.item_id, r.status, r.audio_file, i.title FROM recordings r JOIN items i ON i.id = r.item_id"
            )
        }
        segments = dict(conn.execute("SELECT recording_id, count(*) FROM segments GROUP BY recording_id").fetchall())
        summaries = {row[0] for row in conn.execute("SELECT recording_id FROM summaries")}
        conversations = [row[0] for row in conn.execute("SELECT item_id FROM conversations")]
        indexed = {row[0] for row in conn.execute("SELECT DISTINCT item_id FROM search_docs")}
    finally:
        conn.close()
    for item_id, (status, audio, title) in recordings.items():
        assert status == "done" and segments.get(item_id), (
            f"half-written item {item_id} ({title}): {status}, {segments.get(item_id, 0)} segments"
        )
        assert audio is None or (data / audio).is_file(), f"item {item_id} lost its audio {audio}"
    folder = data / "recordings"
    on_disk = {f"recordings/{p.name}" for p in folder.iterdir()} if folder.is_dir() else set()
    referenced = {audio for _, audio, _ in recordings.values() if audio}
    assert on_disk == referenced, f"orphaned audio: {sorted(on_disk - referenced)}"
    assert indexed <= set(recordings) | set(conversations), "search entries of a deleted item"
    return {"recordings": recordings, "summaries": summaries, "conversations": conversations}


def _holds_word(data: Path, word: str) -> bool:
    """Whether any byte of the database or its write-ahead log still spells the word."""
    return any(
        word.encode() in (data / name).read_bytes()
        for name in ("history.db", "history.db-wal")
        if (data / name).exists()
    )


def _kill_at_every_point(
    tmp_path: Path, command: list[str], setup: Callable[[Path], None], check: Callable[[Path, dict], None], minimum: int
) -> list[KillPoint]:
    def fresh(data: Path) -> None:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(mode=0o700)
        setup(data)

    data = tmp_path / "data"
    fresh(data)
    traced = _run(command, data, tmp_path / "normal.trace")
    assert traced.returncode == 0, traced.stderr
    check(data, _state(data))
    points = _kill_points(tmp_path / "normal.trace", data)
    assert len(points) >= minimum, points

    def kill_at(point: KillPoint, lane: int) -> None:
        """One kill point in a data folder of its lane's own (the points are independent runs)."""
        data = tmp_path / f"data-{lane}"
        fresh(data)
        result = _run(command, data, tmp_path / f"killed-{lane}.trace", inject=point)
        _check_killed_at(tmp_path / f"killed-{lane}.trace", data, point, result)
        _next_start(data)
        check(data, _state(data))

    # Two lanes: each run is a process that starts Python and its libraries, mostly on one core.
    lanes = [points[lane::LANES] for lane in range(LANES)]
    with ThreadPoolExecutor(LANES) as pool:
        for done in [pool.submit(lambda lane=lane: [kill_at(p, lane) for p in lanes[lane]]) for lane in range(LANES)]:
            done.result()
    return points


def _history(data: Path) -> HistoryStore:
    return HistoryStore.open(data / "history.db", data)


def _with_models(data: Path) -> None:
    from support import TEST_MODELS_DATA

    (data / "models").symlink_to(TEST_MODELS_DATA / "models", target_is_directory=True)
    _history(data).close()  # the history exists: the kill points are the command's own


def _outside_audio(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "outside" / name
    if not path.exists():  # written once, before the lanes start: they only read it
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"RIFF" + bytes(range(256)) * 8)
    return path


def _three_meetings_and_a_chat(tmp_path: Path) -> Callable[[Path], None]:
    def setup(data: Path) -> None:
        with _history(data) as store:
            for name in ("alpha.wav", "walrus.wav", "gamma.wav"):
                # "quetzalcoatl": the only word starting with q, so the index keeps it whole (not
                # as a suffix of the word before it) and a byte search of the file finds it
                words = f"The {name[:-4]} budget was agreed."
                if name == "walrus.wav":
                    words += " Codename quetzalcoatl."
                store.save_recording(
                    NewRecording(
                        name[:-4],
                        import_from=_outside_audio(tmp_path, name),
                        segments=(Segment(0, 2, words),),
                        duration=2.0,
                    )
                )
            store.add_conversation(NewConversation("Ann: lunch?", (Turn("Ann", "lunch?"),), "Me", drafts=("Yes!",)))

    return setup


@pytest.fixture
def strace_available():
    if shutil.which("strace") is None:
        pytest.fail("strace is missing; `make test` installs it", pytrace=False)


@pytest.mark.slow
@pytest.mark.timeout(600)  # the real model runs once for every kill point
def test_summarize_save_killed_at_every_point(tmp_path, models_data_dir, strace_available):
    """`summarize --save` of a transcript: after a kill anywhere, the history holds the whole
    item (recording, transcript and summary) or nothing of it."""
    transcript = tmp_path / "meeting.txt"
    transcript.write_text(TRANSCRIPT)

    def check(_data, state):
        assert len(state["recordings"]) <= 1
        assert set(state["summaries"]) == set(state["recordings"])

    _kill_at_every_point(tmp_path, ["summarize", str(transcript), "--save"], _with_models, check, minimum=3)


@pytest.mark.slow
@pytest.mark.timeout(600)  # the real model runs once for every kill point
def test_transcribe_save_killed_at_every_point(tmp_path, models_data_dir, strace_available):
    """`transcribe --save` of a 3-second speech file (the real Whisper model): after a kill
    anywhere, the item is whole with its copied audio, or there is neither item nor copy."""
    clip = tmp_path / "outside" / "short.wav"
    clip.parent.mkdir()
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(ROOT / "resources" / "speech" / "clip.opus"),
            "-t",
            "3",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(clip),
        ],
        check=True,
    )

    def check(_data, state):
        assert len(state["recordings"]) <= 1

    points = _kill_at_every_point(
        tmp_path, ["transcribe", str(clip), "--save", "--beam", "1"], _with_models, check, minimum=5
    )
    assert any(p.syscall == "rename" and "short.wav" in p.shape for p in points), "the copy was not traced"


@pytest.mark.slow
def test_history_delete_killed_at_every_point(tmp_path, strace_available):
    """`history delete` of a recording: after a kill anywhere, it is whole (rows, search
    entries, audio) or entirely gone (its audio too, and its words from every byte of the
    database file); the other items are untouched."""

    def check(data, state):
        titles = sorted(title for _, _, title in state["recordings"].values())
        assert titles in (["alpha", "gamma", "walrus"], ["alpha", "gamma"])
        assert len(state["conversations"]) == 1
        if "walrus" not in titles:
            assert not _holds_word(data, "quetzalcoatl"), "the deleted item's words stayed in the database file"

    _kill_at_every_point(tmp_path, ["history", "delete", "2"], _three_meetings_and_a_chat(tmp_path), check, minimum=4)


@pytest.mark.slow
def test_history_wipe_killed_at_every_point(tmp_path, strace_available):
    """`history wipe --yes`: after a kill anywhere, everything is there or nothing is, and no
    audio file is left behind."""

    def check(data, state):
        count = len(state["recordings"]) + len(state["conversations"])
        assert count in (0, 4)
        if count == 0:
            assert not _holds_word(data, "quetzalcoatl"), "wiped words stayed in the database file"

    _kill_at_every_point(tmp_path, ["history", "wipe", "--yes"], _three_meetings_and_a_chat(tmp_path), check, minimum=4)
