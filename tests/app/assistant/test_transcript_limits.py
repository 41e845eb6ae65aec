"""Transcripts far beyond any meeting are refused up front with the limit said
(app/assistant/transcript_input.py), instead of an hour of silent work."""

from __future__ import annotations

import io
import time

import pytest
from support import run_confide

from app.assistant.transcript_input import MAX_TRANSCRIPT_BYTES, MAX_WORD_CHARS, read_transcript
from app.errors import AppError

LINE = "Anna: we moved the launch to March and Ben updates the budget by Friday.\n"


def test_a_transcript_beyond_the_limit_is_refused_before_it_is_read(tmp_path):
    """A 5 MB transcript file: refused from its size alone, naming the limit."""
    path = tmp_path / "huge.txt"
    path.write_text(LINE * (5_000_000 // len(LINE)))
    with pytest.raises(AppError, match=r"holds 5\.0 MB of text; Confide summarizes transcripts of up to 600 KB"):
        read_transcript(path)


def test_stdin_beyond_the_limit_is_refused_after_reading_just_past_it():
    """On stdin only limit + 1 bytes are read, then the same sentence."""
    stream = io.BytesIO((LINE * (5_000_000 // len(LINE))).encode())
    with pytest.raises(AppError, match="more than 600 KB of text"):
        read_transcript("-", stdin=stream)
    assert stream.tell() == MAX_TRANSCRIPT_BYTES + 1


def test_a_long_run_without_spaces_is_refused_with_its_line():
    """A single 200 KB line without spaces (base64, a minified file) is no transcript."""
    text = LINE * 3 + "QUJD" * 50_000 + "\n"
    with pytest.raises(AppError, match=f"more than {MAX_WORD_CHARS:,} characters without a space on line 4"):
        read_transcript("-", stdin=io.StringIO(text))


def test_what_a_meeting_holds_passes():
    """Ten hours of ordinary lines, a long link, and Chinese (written without spaces) all pass."""
    started = time.monotonic()
    text = LINE * ((MAX_TRANSCRIPT_BYTES - 10_000) // len(LINE))
    text += "Ben: see https://example.com/" + "a" * 300 + "\n" + "Li: " + "我们把发布会推迟到三月。" * 200 + "\n"
    segments = read_transcript("-", stdin=io.StringIO(text))
    assert segments[-1].speaker == "Li" and time.monotonic() - started < 30


def test_summarize_refuses_a_huge_transcript_in_one_line(tmp_path, data_dir):
    """Through the command line: exit 1, one sentence, before any model is loaded."""
    path = tmp_path / "huge.txt"
    path.write_text(LINE * (5_000_000 // len(LINE)))
    result = run_confide("summarize", str(path), data_dir=data_dir)
    assert result.returncode == 1 and "up to 600 KB (about 10 hours of speech)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_transcript_behind_a_closed_folder_is_one_sentence(tmp_path, monkeypatch):
    """is_file() raising PermissionError (a folder on the way is closed) becomes one sentence."""
    from pathlib import Path

    def closed(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_file", closed)
    with pytest.raises(AppError, match=r"Cannot read .*t.txt \(Permission denied\)"):
        read_transcript(tmp_path / "closed" / "t.txt")
