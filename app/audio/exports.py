"""A transcript as txt, srt, vtt or json: pure functions of a list of segments.

txt, srt and vtt are app.history.transcript_formats (Confide's one implementation of them, also
used by `history export`); json is the `transcribe --json` document of docs/cli.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from app.history.transcript_formats import FORMATS


def transcript_json(segments: Iterable, *, language: str | None, duration: float | None) -> dict:
    return {
        "language": language,
        "duration": None if duration is None else round(float(duration), 3),
        "segments": [
            {
                "start": round(float(s.start), 3),
                "end": round(float(s.end), 3),
                "text": s.text.strip(),
                "speaker": getattr(s, "speaker", None),
            }
            for s in segments
            if s.text.strip()
        ],
    }


def to_json(segments: Iterable, *, language: str | None = None, duration: float | None = None) -> str:
    return (
        json.dumps(transcript_json(segments, language=language, duration=duration), ensure_ascii=False, indent=1) + "\n"
    )


def export_transcript(
    segments: Iterable, fmt: str, *, language: str | None = None, duration: float | None = None
) -> str:
    segments = list(segments)
    if fmt == "json":
        return to_json(segments, language=language, duration=duration)
    return FORMATS[fmt](segments)


EXPORT_FORMATS = ("txt", "srt", "vtt", "json")
