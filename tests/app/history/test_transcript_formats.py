"""SubRip and WebVTT as Confide writes them (through srt and webvtt-py), read back by its own
transcript reader."""

from __future__ import annotations

import io

import webvtt

from app.assistant.transcript_input import parse_transcript
from app.history.transcript_formats import to_srt, to_txt, to_vtt
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


SPEAKERS = [
    Segment(0.0, 2.0, "Good morning.", speaker="Elena"),
    Segment(2.0, 3.5, "Morning!", speaker="Speaker 2"),
    Segment(3.5, 5.0, "Coffee first.", speaker=None),
    Segment(5.0, 6.0, "Agreed.", speaker="Tom <Ops> & Co"),
]


def test_txt_and_srt_lines_carry_the_speaker():
    """'Name: text' on each line that has a speaker; a line without one stays as it was."""
    assert to_txt(SPEAKERS) == "Elena: Good morning.\nSpeaker 2: Morning!\nCoffee first.\nTom <Ops> & Co: Agreed.\n"
    assert to_srt(SPEAKERS).startswith("1\n00:00:00,000 --> 00:00:02,000\nElena: Good morning.\n\n2\n")
    assert "\n3\n00:00:03,500 --> 00:00:05,000\nCoffee first.\n" in to_srt(SPEAKERS)


def test_vtt_cues_carry_webvtt_voice_spans():
    """A cue says who speaks with <v Name>, the name escaped; webvtt-py reads the voices back."""
    text = to_vtt(SPEAKERS)
    assert "\n00:00:00.000 --> 00:00:02.000\n<v Elena>Good morning.\n" in text
    assert "\n<v Tom &lt;Ops&gt; &amp; Co>Agreed.\n" in text
    assert "\nCoffee first.\n" in text
    captions = webvtt.from_buffer(io.StringIO(text)).captions
    assert [(c.voice, c.text) for c in captions] == [
        ("Elena", "Good morning."),
        ("Speaker 2", "Morning!"),
        (None, "Coffee first."),
        ("Tom &lt;Ops&gt; &amp; Co", "Agreed."),
    ]


def test_confide_reads_its_speakers_back():
    """Each format read back by Confide's own reader keeps who said what."""
    for text, suffix in ((to_txt(SPEAKERS), ".txt"), (to_srt(SPEAKERS), ".srt"), (to_vtt(SPEAKERS), ".vtt")):
        read = parse_transcript(text, suffix)
        assert [(s.speaker, s.text) for s in read[:3]] == [
            ("Elena", "Good morning."),
            ("Speaker 2", "Morning!"),
            (None, "Coffee first."),
        ], suffix


def test_without_speakers_nothing_changes():
    """Segments that carry no speaker are written exactly as before the speakers came."""
    plain = [Segment(0.0, 1.0, "One."), Segment(1.0, 2.0, "Two.")]
    assert to_txt(plain) == "One.\nTwo.\n"
    assert to_srt(plain) == "1\n00:00:00,000 --> 00:00:01,000\nOne.\n\n2\n00:00:01,000 --> 00:00:02,000\nTwo.\n"
    assert to_vtt(plain) == "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOne.\n\n00:00:01.000 --> 00:00:02.000\nTwo.\n"
