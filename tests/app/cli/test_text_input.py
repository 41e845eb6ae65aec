"""Text the command line reads (app/cli/text_input.py): UTF-8 or one sentence, and a long
conversation keeps its end."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from support import ROOT

from app.cli.text_input import MAX_PASTE_BYTES, read_conversation
from app.errors import AppError


def _confide(*args: str, stdin: bytes, data_dir) -> subprocess.CompletedProcess:
    """`python -m app ...` fed raw bytes on stdin (run_confide feeds text)."""
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=300,
    )


def _chat(messages: int) -> bytes:
    return "".join(
        f"Anna: message {i} about the launch plan and its budget\nBen: answer {i}, fine\n" for i in range(messages)
    ).encode()


@pytest.mark.parametrize("command", ["reply", "summarize"])
def test_invalid_utf8_on_stdin_is_one_sentence(data_dir, command):
    """Bytes that are not UTF-8 on stdin: exit 1 with one line that says so and where, no
    traceback (it was a TypeError traceback)."""
    result = _confide(command, "-", stdin=b"Anna: hi \xff\xfe there\n", data_dir=data_dir)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert lines == [
        "confide: Standard input is not UTF-8 text (byte 0xff at offset 9 cannot be read); "
        "save it as UTF-8 and try again."
    ]


def test_a_long_conversation_keeps_its_last_messages_and_says_what_was_left_out():
    """A 5 MB chat: the last 2 MB are kept from a whole line on, ending with the last message,
    and the note counts the lines left out at the start."""
    data = _chat(65_000)
    assert len(data) > 2.5 * MAX_PASTE_BYTES
    paste = read_conversation("-", stdin=io.BytesIO(data))
    assert paste.text.endswith("Ben: answer 64999, fine\n")
    assert paste.text.startswith(("Anna: message", "Ben: answer"))
    assert len(paste.text.encode()) <= MAX_PASTE_BYTES
    assert paste.dropped_bytes == len(data) - len(paste.text.encode())
    assert paste.dropped_lines == data[: paste.dropped_bytes].count(b"\n")
    assert "were left out" in paste.note and f"{paste.dropped_lines:,} lines" in paste.note


def test_a_conversation_within_the_limit_is_read_whole_without_a_note(tmp_path):
    """Up to the limit nothing is cut; a BOM is dropped; a cut inside one huge line starts at a
    whole character."""
    path = tmp_path / "chat.txt"
    path.write_bytes(b"\xef\xbb\xbf" + _chat(3))
    paste = read_conversation(str(path))
    assert paste.note is None and paste.text == _chat(3).decode()
    one_line = ("\u00e9" * MAX_PASTE_BYTES).encode()  # two bytes each, no newline anywhere
    assert read_conversation("-", stdin=io.BytesIO(one_line)).text.startswith("\u00e9")


def test_a_file_that_is_not_utf8_is_one_sentence(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes(b"Anna: ok\n\x80oops")
    with pytest.raises(AppError, match=r"chat.txt is not UTF-8 text \(byte 0x80 at offset 9"):
        read_conversation(str(path))


def test_reply_says_on_stderr_when_the_start_was_left_out(data_dir):
    """`reply -` with a 5 MB chat tells the user, before anything else, what was left out."""
    result = _confide("reply", "-", stdin=_chat(65_000), data_dir=data_dir)
    first = result.stderr.decode().splitlines()[0]
    assert first.startswith("The conversation is 5.") and "were left out" in first


def test_a_file_behind_a_closed_folder_is_one_sentence(tmp_path, monkeypatch):
    """When a folder on the way may not be entered, is_file() raises PermissionError instead of
    saying False (a traceback, found by bench/hostile.py as the user nobody): one sentence."""
    from pathlib import Path

    def closed(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_file", closed)
    with pytest.raises(AppError, match=r"Cannot read .*chat.txt \(Permission denied\); check its permissions"):
        read_conversation(str(tmp_path / "closed" / "chat.txt"))
