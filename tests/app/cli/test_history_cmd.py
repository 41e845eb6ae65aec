"""`confide history ...` from the outside: JSON shapes of docs/cli.md, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from support import ROOT, run_confide

from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import Summary, Turn
from models.types import Segment


@pytest.fixture
def filled(data_dir) -> dict:
    """A data folder whose history holds a summarized recording (with audio) and a conversation."""
    (data_dir / "recordings").mkdir()
    (data_dir / "recordings" / "standup.wav").write_bytes(b"RIFF")
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        recording = store.add_recording("Standup", audio_file="recordings/standup.wav")
        store.add_segments(
            recording, [Segment(0.0, 3.0, "Morning all."), Segment(3.0, 7.5, "The gazebo order is delayed.")]
        )
        store.finish_recording(recording, duration=7.5)
        store.save_summary(
            recording,
            Summary.from_json(
                {
                    "title": "Standup",
                    "overview": "Short standup.",
                    "key_points": [],
                    "decisions": [],
                    "action_items": [{"text": "Chase the gazebo supplier", "owner": "Eve", "due": None, "start": 3.0}],
                }
            ),
        )
        chat = store.add_conversation(NewConversation("Tom: gazebo?", (Turn("Tom", "Is the gazebo here?"),), me="Eve"))
        store.add_drafts(chat, ["Not yet, next week."])
    return {"recording": recording, "chat": chat, "dir": data_dir}


def _json(*args, data_dir) -> object:
    result = run_confide(*args, "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_list_search_show(filled):
    """list, search and show print the documented JSON; a transcript hit carries its start."""
    data_dir, recording, chat = filled["dir"], filled["recording"], filled["chat"]
    listed = _json("history", "list", data_dir=data_dir)["items"]
    assert [(i["id"], i["kind"]) for i in listed] == [(chat, "conversation"), (recording, "recording")]
    assert set(listed[0]) == {"id", "kind", "title", "created", "snippet"}

    found = _json("history", "search", "gazebo", "delayed", data_dir=data_dir)["items"]
    assert [(i["id"], i["start"]) for i in found] == [(recording, 3.0)]
    assert set(found[0]) == {"id", "kind", "title", "created", "snippet", "start"}
    kinds = _json("history", "search", "gazebo", "--kind", "conversation", data_dir=data_dir)["items"]
    assert [i["id"] for i in kinds] == [chat]

    shown = _json("history", "show", str(recording), data_dir=data_dir)
    assert shown["summary"]["action_items"][0]["owner"] == "Eve"
    assert [s["text"] for s in shown["segments"]] == ["Morning all.", "The gazebo order is delayed."]
    people = run_confide("history", "show", str(chat), data_dir=data_dir)
    assert "**Tom:** Is the gazebo here?" in people.stdout


def test_export_formats(filled):
    """export prints the document itself: srt text, or the JSON object with --format json."""
    data_dir, recording = filled["dir"], filled["recording"]
    srt = run_confide("history", "export", str(recording), "--format", "srt", data_dir=data_dir)
    assert srt.stdout.startswith("1\n00:00:00,000 --> 00:00:03,000\nMorning all.\n")
    exported = _json("history", "export", str(recording), "--format", "json", data_dir=data_dir)
    assert exported["title"] == "Standup"
    refused = run_confide("history", "export", str(filled["chat"]), "--format", "vtt", data_dir=data_dir)
    assert refused.returncode == 1 and "exports as md, json" in refused.stderr


def test_rename_delete_backup_wipe(filled, tmp_path):
    """rename, delete (audio gone, search forgets), backup (a file) and wipe --yes."""
    data_dir, recording, chat = filled["dir"], filled["recording"], filled["chat"]
    assert _json("history", "rename", str(chat), "Gazebo", "chat", data_dir=data_dir) == {
        "id": chat,
        "title": "Gazebo chat",
    }
    assert _json("history", "delete", str(recording), data_dir=data_dir) == {"deleted": recording}
    assert not (data_dir / "recordings" / "standup.wav").exists()
    assert [i["id"] for i in _json("history", "search", "delayed", data_dir=data_dir)["items"]] == []

    backup = tmp_path / "copy.db"
    assert _json("history", "backup", str(backup), data_dir=data_dir) == {"path": str(backup)}
    with HistoryStore.open(backup, tmp_path) as copy:
        assert [i.title for i in copy.list_items()] == ["Gazebo chat"]

    refused = run_confide("history", "wipe", data_dir=data_dir)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert _json("history", "wipe", "--yes", data_dir=data_dir) == {"wiped": True}
    assert _json("history", "list", data_dir=data_dir) == {"items": []}


def test_errors_are_one_line(filled):
    """Unknown ids, bad dates and a damaged database: exit 1, one line on stderr, no traceback."""
    data_dir = filled["dir"]
    for args, expected in (
        (("history", "show", "999"), "no item 999"),
        (("history", "list", "--since", "yesterday-ish"), "is not a date"),
    ):
        result = run_confide(*args, data_dir=data_dir)
        assert result.returncode == 1 and expected in result.stderr, result.stderr
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert run_confide("history", "list", "--kind", "podcast", data_dir=data_dir).returncode == 2

    for name in ("history.db-wal", "history.db-shm"):
        (data_dir / name).unlink(missing_ok=True)
    (data_dir / "history.db").write_bytes(b"not sqlite at all")
    broken = run_confide("history", "list", data_dir=data_dir)
    assert broken.returncode == 1 and "is damaged" in broken.stderr and "Traceback" not in broken.stderr
    assert (data_dir / "history.db").read_bytes() == b"not sqlite at all"


def test_read_only_data_folder_as_nobody():
    """As an unprivileged user with a read-only data folder holding a history: one line, exit 1,
    and the history file is unchanged."""
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    python = sys.executable
    if (
        subprocess.run(
            [runuser, "-u", "nobody", "--", python, "-c", "pass"], cwd="/tmp", capture_output=True
        ).returncode
        != 0
    ):
        python = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    nobody = pwd.getpwnam("nobody")
    home = Path(tempfile.mkdtemp(prefix="confide-nobody-", dir="/tmp"))
    try:
        folder = home / "data"
        folder.mkdir()
        with HistoryStore.open(folder / "history.db", folder) as store:
            store.add_conversation(NewConversation("a: b", (Turn("a", "b"),)))
        before = (folder / "history.db").read_bytes()
        for path, mode in ((home, 0o700), (folder, 0o500), (folder / "history.db", 0o600)):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
            os.chmod(path, mode)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": f"{ROOT}:{sysconfig.get_paths()['purelib']}"}
        result = subprocess.run(
            [runuser, "-u", "nobody", "--", python, "-m", "app", "--data-dir", str(folder), "history", "list"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
        assert "not writable" in result.stderr or "read-only" in result.stderr, result.stderr
        assert (folder / "history.db").read_bytes() == before
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_speakers_lists_each_speaker_with_segments_and_time(with_speakers):
    """`history speakers` prints one line per speaker, and the documented JSON with --json; a
    recording whose speakers were not told apart says so and exits 0."""
    data_dir, recording = with_speakers["dir"], with_speakers["recording"]
    printed = run_confide("history", "speakers", str(recording), data_dir=data_dir)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines() == [
        "  1  Speaker 1      2 segments      0:07",
        "  2  Elena           1 segment      0:05",
        "  3  Speaker 3       1 segment      1:03",
    ]
    assert _json("history", "speakers", str(recording), data_dir=data_dir) == {
        "id": recording,
        "speakers": [
            {"number": 1, "name": None, "label": "Speaker 1", "segments": 2, "seconds": 7.0},
            {"number": 2, "name": "Elena", "label": "Elena", "segments": 1, "seconds": 5.0},
            {"number": 3, "name": None, "label": "Speaker 3", "segments": 1, "seconds": 63.5},
        ],
    }
    plain = run_confide("history", "speakers", str(with_speakers["plain"]), data_dir=data_dir)
    assert plain.returncode == 0 and "has no speakers told apart" in plain.stdout


def test_rename_and_merge_speakers_change_what_show_prints(with_speakers):
    """rename-speaker (by number, a name of several words) and merge-speakers (by names) say
    what they did; `history show` prints the transcript with the names as they are now."""
    data_dir, recording = with_speakers["dir"], with_speakers["recording"]
    shown = run_confide("history", "show", str(recording), data_dir=data_dir).stdout
    assert "[00:00] **Speaker 1:** Welcome to the budget review." in shown

    renamed = run_confide("history", "rename-speaker", str(recording), "1", "Ola", "Berg", data_dir=data_dir)
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout == f"Speaker 1 of recording {recording} is Ola Berg now (2 segments).\n"
    merged = _json("history", "merge-speakers", str(recording), "speaker 3", "elena", data_dir=data_dir)
    assert [(s["label"], s["segments"]) for s in merged["speakers"]] == [("Ola Berg", 2), ("Elena", 2)]

    shown = run_confide("history", "show", str(recording), data_dir=data_dir).stdout
    assert "[00:00] **Ola Berg:** Welcome to the budget review." in shown
    assert "[00:12] **Elena:** Can I add the lighthouse repairs?" in shown
    segments = _json("history", "show", str(recording), data_dir=data_dir)["segments"]
    assert [s["speaker"] for s in segments] == ["Ola Berg", "Elena", "Ola Berg", "Elena"]
    found = _json("history", "search", "Ola", "Berg", data_dir=data_dir)["items"]
    assert [(i["id"], i["start"]) for i in found] == [(recording, 0.0)]


def test_speaker_commands_refuse_in_one_line(with_speakers):
    """Another speaker's name (the line points at merge-speakers), an unknown speaker, an item
    that is not there, a recording without speakers: exit 1 with one line and no traceback;
    missing arguments or id 0: a usage error, exit 2."""
    data_dir, recording = with_speakers["dir"], with_speakers["recording"]
    for args, expected in (
        (("rename-speaker", str(recording), "1", "Elena"), f"merge-speakers {recording} 1 2"),
        (("rename-speaker", str(recording), "Bob", "Rob"), "has no speaker 'Bob'; its speakers are Speaker 1"),
        (("merge-speakers", str(recording), "Elena", "2"), "cannot be merged into themselves"),
        (("speakers", "999"), "no item 999"),
        (("rename-speaker", str(with_speakers["plain"]), "1", "Ola"), "has no speakers told apart"),
    ):
        result = run_confide("history", *args, data_dir=data_dir)
        assert result.returncode == 1 and expected in result.stderr, result.stderr
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert run_confide("history", "merge-speakers", str(recording), "1", data_dir=data_dir).returncode == 2
    assert run_confide("history", "speakers", "0", data_dir=data_dir).returncode == 2
