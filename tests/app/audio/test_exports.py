"""Transcript exports: txt, srt, vtt and json from the same segments."""

from __future__ import annotations

import json

from app.audio.exports import EXPORT_FORMATS, export_transcript
from models.types import Segment

SEGMENTS = [
    Segment(0.0, 2.5, " Good morning everyone."),
    Segment(2.5, 2.9, "  "),
    Segment(3661.25, 3663.0, "We decided to move the launch."),
]


def test_txt_has_one_line_per_spoken_segment():
    assert export_transcript(SEGMENTS, "txt") == "Good morning everyone.\nWe decided to move the launch.\n"


def test_srt_numbers_cues_and_uses_commas_in_times():
    text = export_transcript(SEGMENTS, "srt")
    assert text.startswith("1\n00:00:00,000 --> 00:00:02,500\nGood morning everyone.\n")
    assert "2\n01:01:01,250 --> 01:01:03,000\nWe decided to move the launch.\n" in text


def test_vtt_has_its_header_and_dots_in_times():
    text = export_transcript(SEGMENTS, "vtt")
    assert text.startswith("WEBVTT\n")
    assert "01:01:01.250 --> 01:01:03.000\nWe decided to move the launch." in text


def test_json_is_the_transcribe_command_s_document():
    """{"language", "duration", "segments": [{"start", "end", "text", "speaker"}]}, blank segments
    left out; speaker null when the voices were not told apart."""
    data = json.loads(export_transcript(SEGMENTS, "json", language="en", duration=3670.0))
    assert data == {
        "language": "en",
        "duration": 3670.0,
        "segments": [
            {"start": 0.0, "end": 2.5, "text": "Good morning everyone.", "speaker": None},
            {"start": 3661.25, "end": 3663.0, "text": "We decided to move the launch.", "speaker": None},
        ],
    }
    assert EXPORT_FORMATS == ("txt", "srt", "vtt", "json")
