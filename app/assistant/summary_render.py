"""A Summary for people to read: Markdown (exports, `summarize --format md`) and plain text
(`summarize` on a terminal). The one place a summary's layout is decided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.clock import clock

if TYPE_CHECKING:
    from app.records import ActionItem, Summary


def summary_markdown(summary: Summary, *, heading: str | None = None, level: int = 1) -> str:
    """heading (default: the summary's title) at level, its sections one level below: a
    document of its own, or (heading="Summary", level=2) a part of a recording's export."""
    top, section = "#" * level, "#" * (level + 1)
    lines = [f"{top} {heading or summary.title or 'Meeting summary'}", ""]
    if summary.overview:
        lines += [summary.overview, ""]
    for title, items in (("Key points", summary.key_points), ("Decisions", summary.decisions)):
        if items:
            lines.append(f"{section} {title}")
            lines += [f"- {_stamp(item.start)}{item.text}" for item in items]
            lines.append("")
    if summary.action_items:
        lines.append(f"{section} Action items")
        for item in summary.action_items:
            extras = _extras(item, "; ", ": ")
            lines.append(f"- [ ] {_stamp(item.start)}{item.text}" + (f" ({extras})" if extras else ""))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def summary_text(summary: Summary) -> str:
    lines = [summary.title, "", summary.overview]
    for title, items in (("Key points", summary.key_points), ("Decisions", summary.decisions)):
        if items:
            lines += ["", f"{title}:"] + [f"  - {_stamp(item.start)}{item.text}" for item in items]
    if summary.action_items:
        lines += ["", "Action items:"]
        for item in summary.action_items:
            extras = _extras(item, ", ", " ")
            lines.append(f"  - {_stamp(item.start)}{item.text}" + (f" ({extras})" if extras else ""))
    return "\n".join(lines)


def _extras(item: ActionItem, between: str, after_label: str) -> str:
    return between.join(
        f"{label}{after_label}{value}" for label, value in (("owner", item.owner), ("due", item.due)) if value
    )


def _stamp(start: float | None) -> str:
    return f"[{clock(start, two_digit_minutes=True)}] " if start is not None else ""
