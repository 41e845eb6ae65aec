"""SubRip and WebVTT as Confide writes them (through srt and webvtt-py), read back by its own
transcript reader."""

from __future__ import annotations

from app.assistant.transcript_input import parse_transcript
from app.history.transcript_formats import to_srt, to_vtt
from models.types import Segment

SEGMENTS = [
    Segment(0.0, 2.0005, "Good  morning."),
    Segment(2.0005, 3.5, "  "),
    Segment(3.5, 3725.25, "Arrows --> are words too."),
]


def test_srt_and_vtt_agree_to_the_millisecond():
    """A half millisecond rounds up in both files (00:00:02.001), so they never disagree."""
    assert "00:00:00,000 --> 00:00:02,001\n" in to_srt(SEGMENTS)
    assert "00:00:00.000 --> 00:00:02.001\n" in to_vtt(SEGMENTS)


def test_a_vtt_cue_keeps_an_arrow_said_in_it_escaped():
    """'-->' inside a cue would end its text for a reader; WebVTT's escape keeps it a word."""
    assert "\nArrows --&gt; are words too.\n" in to_vtt(SEGMENTS)


def test_what_confide_writes_it_reads_back():
    """Both files read back to the spoken segments, times to the millisecond."""
    for text, suffix in ((to_srt(SEGMENTS), ".srt"), (to_vtt(SEGMENTS), ".vtt")):
        read = parse_transcript(text, suffix)
        assert [(s.start, s.end) for s in read] == [(0.0, 2.001), (3.5, 3725.25)]
        assert read[0].text == "Good morning."
