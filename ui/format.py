"""How times, sizes and durations read in the window."""

from __future__ import annotations

import math

from app.clock import clock

__all__ = ["clock", "counted", "eta_from_fraction", "human_size", "time_left"]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """1 -> "1 line", 3 -> "3 lines" (plural: for nouns that do not just take an s)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def time_left(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    if seconds < 10:
        return "a few seconds left"
    if seconds < 60:
        return f"about {int(round(seconds / 5.0) * 5)} s left"
    minutes = seconds / 60.0
    if minutes < 90:
        return f"about {int(round(minutes))} min left"
    return f"about {minutes / 60.0:.1f} h left"


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1000.0
    return f"{value:.1f} GB"


def eta_from_fraction(fraction: float | None, elapsed: float) -> float | None:
    """Time left by straight-line extrapolation, once there is enough to go on."""
    if fraction is None or fraction <= 0.02 or elapsed < 1.0:
        return None
    return max(0.0, elapsed * (1.0 - fraction) / fraction)
