"""A transcript as plain text, SubRip (.srt) or WebVTT (.vtt).

Segments are anything with start, end (seconds) and text, e.g. models.types.Segment; one whose
speaker is known is written "Name: text" (a WebVTT cue: a voice span, "<v Name>text"). This is
Confide's one writer of these formats (`transcribe --format` and `history export` both use
it). The cues are composed by `srt` and `webvtt-py`; the output is byte for byte what
Confide wrote before it used them (tests/app/history/test_backup_and_exports.py).

Reading subtitles stays in app/assistant/transcript_input.py, whose parser is more forgiving
than both libraries: `srt` reads "0:00:01.5" as 1.005 s and "00:01,000" as a minute, where
people's files mean 1.5 s and one second.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import srt
import webvtt
from webvtt.models import Timestamp


def to_txt(segments: Iterable) -> str:
    lines = [labelled(segment) for segment in _spoken(segments)]
    return "\n".join(lines) + "\n"


def to_srt(segments: Iterable) -> str:
    cues = [
        srt.Subtitle(number, _delta(segment.start), _delta(segment.end), labelled(segment))
        for number, segment in enumerate(_spoken(segments), start=1)
    ]
    # srt ends the last cue with a blank line too; Confide's files never had it
    return srt.compose(cues, reindex=False)[:-1] if cues else ""


def to_vtt(segments: Iterable) -> str:
    document = webvtt.WebVTT()
    for segment in _spoken(segments):
        # "-->" would end the cue text for a reader (webvtt-py refuses it); "&gt;" is the spec's escape
        text = _one_line(segment.text).replace("-->", "--&gt;")
        speaker = _speaker(segment)
        if speaker:
            # WebVTT's voice span: players show the name, and readers (Confide's too) take it as the speaker
            text = f"<v {_escape(speaker)}>{text}"
        caption = webvtt.Caption(text=text)
        caption.start_time, caption.end_time = _stamp(segment.start), _stamp(segment.end)
        document.captions.append(caption)
    return document.content


FORMATS = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt}


def labelled(segment) -> str:
    """A segment on one line, "Name: text" when its speaker is known."""
    text = _one_line(segment.text)
    speaker = _speaker(segment)
    return f"{speaker}: {text}" if speaker else text


def _speaker(segment) -> str | None:
    return getattr(segment, "speaker", None) or None


def _escape(annotation: str) -> str:
    """A voice span's name ends at '>' and may hold character references: escaped as the spec says."""
    return annotation.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _spoken(segments: Iterable) -> list:
    return [segment for segment in segments if segment.text.strip()]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _stamp(seconds: float) -> Timestamp:
    """webvtt-py's rounding to the millisecond (half up, as written) for both formats, so that
    the .srt and the .vtt of one transcript agree to the millisecond."""
    return Timestamp.from_seconds(max(0.0, float(seconds)))


def _delta(seconds: float) -> timedelta:
    return timedelta(milliseconds=_stamp(seconds).in_milliseconds())
