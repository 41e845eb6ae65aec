"""A transcript as plain text, SubRip (.srt) or WebVTT (.vtt).

Segments are anything with start, end (seconds) and text, e.g. models.types.Segment. This is
Confide's one implementation of these formats (the speech commands can use it as well).
"""

from __future__ import annotations

from collections.abc import Iterable


def to_txt(segments: Iterable) -> str:
    lines = [" ".join(segment.text.split()) for segment in segments]
    return "\n".join(line for line in lines if line) + "\n"


def to_srt(segments: Iterable) -> str:
    cues = []
    for number, segment in enumerate(_spoken(segments), start=1):
        cues.append(f"{number}\n{_stamp(segment.start, ',')} --> {_stamp(segment.end, ',')}\n"
                    f"{' '.join(segment.text.split())}\n")
    return "\n".join(cues)


def to_vtt(segments: Iterable) -> str:
    cues = ["WEBVTT\n"]
    for segment in _spoken(segments):
        cues.append(f"{_stamp(segment.start, '.')} --> {_stamp(segment.end, '.')}\n"
                    f"{' '.join(segment.text.split())}\n")
    return "\n".join(cues)


FORMATS = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt}


def _spoken(segments: Iterable) -> list:
    return [segment for segment in segments if segment.text.strip()]


def _stamp(seconds: float, decimal_mark: str) -> str:
    millis = max(0, round(float(seconds) * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"
