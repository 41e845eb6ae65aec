"""Reading transcripts: subtitles, plain text, Markdown, stdin, and a recording's segments."""

from __future__ import annotations

import io

import pytest

from app.assistant.transcript_input import from_segments, parse_transcript, read_transcript
from app.errors import AppError
from models.types import Segment

SRT = """1
00:00:01,000 --> 00:00:04,500
Anna: Welcome everyone, let's look at the budget.

2
00:00:05,000 --> 00:00:09,250
Ben: I'll send the figures by Friday.
They are almost done.

3
01:02:03,000 --> 01:02:05,000
[Music]
"""

VTT = """WEBVTT
Kind: captions

NOTE written by hand

intro
00:01.000 --> 00:03.000
<v Anna Lee>Good morning.</v>

00:03.500 --> 00:07.000 align:start
<v Ben>Morning! <i>Shall</i> we start?
"""


def test_srt_cues_become_timed_segments_with_speakers():
    """Times in seconds, multi-line cues joined, speaker labels split off, sound tags dropped."""
    segments = parse_transcript(SRT, ".srt")
    assert [(s.start, s.end, s.speaker) for s in segments] == [(1.0, 4.5, "Anna"), (5.0, 9.25, "Ben")]
    assert segments[1].text == "I'll send the figures by Friday. They are almost done."


def test_vtt_voices_tags_and_notes():
    """WebVTT: header, NOTE and cue ids ignored, <v> voices are speakers, inline tags removed,
    short mm:ss.ttt times read."""
    segments = parse_transcript(VTT, ".vtt")
    assert [(s.start, s.speaker, s.text) for s in segments] == [
        (1.0, "Anna Lee", "Good morning."),
        (3.5, "Ben", "Morning! Shall we start?"),
    ]


def test_vtt_and_srt_are_recognised_without_a_suffix():
    """stdin has no file name: the content says which format it is."""
    assert parse_transcript(VTT)[0].speaker == "Anna Lee"
    assert parse_transcript(SRT)[0].start == 1.0


def test_plain_text_with_times_and_labels():
    """'[mm:ss] Name: text' lines give start times (end = next start) and speakers; lines
    without either stay untimed text."""
    text = "[00:05] Anna: First point.\n[01:10] Ben: Second point.\nA closing remark."
    segments = parse_transcript(text, ".txt")
    assert [(s.start, s.end, s.speaker, s.text) for s in segments] == [
        (5.0, 70.0, "Anna", "First point."),
        (70.0, None, "Ben", "Second point."),
        (None, None, None, "A closing remark."),
    ]


def test_markdown_marks_are_removed():
    """Headings, bullets, emphasis and code blocks are not part of what was said."""
    text = "# Standup\n\n- **Anna**: shipped the login page\n```\nignored()\n```\n> Ben: reviewing it today"
    segments = parse_transcript(text, ".md")
    assert [(s.speaker, s.text) for s in segments] == [
        (None, "Standup"),
        ("Anna", "shipped the login page"),
        ("Ben", "reviewing it today"),
    ]


def test_a_long_paragraph_is_split_into_sentences():
    """A pasted wall of text becomes several segments, so each item can point at its own."""
    paragraph = " ".join(f"Sentence number {i} talks about topic {i} in some detail." for i in range(40))
    segments = parse_transcript(paragraph, ".txt")
    assert len(segments) > 3 and all(len(s.text) <= 400 for s in segments)
    assert " ".join(s.text for s in segments) == paragraph


def test_stdin_and_files(tmp_path):
    """'-' reads standard input; a file is read as UTF-8 (with or without a BOM)."""
    assert read_transcript("-", stdin=io.StringIO("Anna: hello there"))[0].speaker == "Anna"
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffBen: caf\u00e9 at noon".encode("utf-8"))
    assert read_transcript(path)[0].text == "caf\u00e9 at noon"


@pytest.mark.parametrize(
    "content,expected",
    [
        (None, "There is no file"),
        (b"", "holds no transcript text"),
        (b"\xff\xfe\x00bad", "is not UTF-8 text"),
    ],
)
def test_unusable_input_is_one_clear_error(tmp_path, content, expected):
    """Missing, empty and non-UTF-8 files each raise an AppError that says what to do."""
    path = tmp_path / "t.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AppError, match=expected):
        read_transcript(path)


def test_segments_of_a_recording_keep_their_times():
    """Whisper segments (models.types.Segment) keep start and end; empty ones are dropped."""
    segments = from_segments([Segment(0.0, 2.5, " Hello. "), Segment(2.5, 3.0, "  "), Segment(3.0, 6.0, "Bye.")])
    assert [(s.start, s.end, s.text) for s in segments] == [(0.0, 2.5, "Hello."), (3.0, 6.0, "Bye.")]
