"""The colour of each speaker's name in a transcript: eight hues, each in a dark shade for light
themes and a light shade for dark ones (every one at least 4.5:1 against the theme's base, the
WCAG bar for text), picked by the speaker's number so that a rename keeps the colour."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtGui import QColor

# (on a light background, on a dark background), in the order speakers are numbered: blue,
# orange, green, purple, teal, crimson, olive, magenta; neighbours differ in hue at a glance.
SHADES = (
    ("#1f5fbf", "#7fb2ff"),
    ("#a85400", "#ffb366"),
    ("#1e7a32", "#7ed68f"),
    ("#7b3fb0", "#c9a0ff"),
    ("#00727a", "#6fd6dd"),
    ("#b3263e", "#ff8fa0"),
    ("#686800", "#d6d66b"),
    ("#a3287a", "#f09ad6"),
)


def is_dark(base: QColor) -> bool:
    """A dark theme: the colour text is drawn on is darker than mid grey."""
    return base.lightnessF() < 0.5


def speaker_colour(number: int, dark: bool) -> str:
    """The name's colour of speaker ``number`` (1..), as #rrggbb; past eight the hues repeat."""
    light_shade, dark_shade = SHADES[(max(number, 1) - 1) % len(SHADES)]
    return dark_shade if dark else light_shade


def numbers_of(labels: Iterable[str | None], speakers: Sequence = ()) -> dict[str, int]:
    """Each label's speaker number: from the recording's speakers (ui.records.Speaker) when it
    has them, else in the order the labels first appear (a transcript not stored yet)."""
    numbers = {speaker.label: speaker.number for speaker in speakers}
    for label in labels:
        if label and label not in numbers:
            numbers[label] = max(numbers.values(), default=0) + 1
    return numbers
