"""Seconds as a clock reading: Confide's one way of writing a time into a recording."""

from __future__ import annotations

import math


def clock(seconds: float | None, *, two_digit_minutes: bool = False) -> str:
    """12.3 -> "0:12", 3725 -> "1:02:05"; None or not a number -> "" (text without times).

    two_digit_minutes: "00:12", the [mm:ss] stamps of Markdown exports and summaries (the
    form transcripts pasted from other tools use, which Confide reads back)."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}" if two_digit_minutes else f"{minutes}:{secs:02d}"
