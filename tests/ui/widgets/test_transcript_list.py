"""The transcript's speakers: each name in a colour of its own, the same on every line of theirs
and through a rename; no names when one person spoke; shades that read on light and dark themes."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette

from models.types import Segment
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, SELECTED_TEXT_ROLE
from ui.widgets.speaker_palette import SHADES
from ui.widgets.transcript_list import TranscriptList

COLOUR = re.compile(r"<b style='color: (#[0-9a-f]{6})'>([^<]*):</b>")


def names_and_colours(transcript) -> list[tuple[str, str]]:
    """(name, colour) of each line, from the rich text the delegate paints."""
    found = []
    for row in range(transcript.count()):
        match = COLOUR.search(transcript.item(row).data(RICH_TEXT_ROLE))
        found.append((match.group(2), match.group(1)) if match else (None, None))
    return found


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [QColor(hex_colour).redF(), QColor(hex_colour).greenF(), QColor(hex_colour).blueF()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_speaker_s_name_has_a_colour_of_its_own_on_every_line(window, store_meeting):
    """Three speakers: every line starts with its speaker's name, in one colour per speaker
    that no other speaker has; a selected line paints the name in the highlight's own colour."""
    window.open_recording(store_meeting())
    transcript = window.recording_view.transcript
    lines = names_and_colours(transcript)
    assert [name for name, _ in lines] == ["Speaker 1", "Speaker 2", "Speaker 3", "Speaker 1", "Speaker 2"]
    colour = dict(lines)
    assert all(colour[name] == shade for name, shade in lines) and len(set(colour.values())) == 3
    assert transcript.item(1).text() == "0:04   Speaker 2: The printing costs went up again this quarter."
    assert "<b>Speaker 2:</b>" in transcript.item(1).data(SELECTED_TEXT_ROLE)
    assert "3 speakers" in window.recording_view.meta.text()


def test_a_recording_with_one_speaker_shows_no_names(window, store_meeting):
    """One voice all through: the lines are the words alone, not "Speaker 1:" on each."""
    window.open_recording(store_meeting(speakers=("Speaker 1",)))
    transcript = window.recording_view.transcript
    assert transcript.count() == 5 and not transcript.speaker_shown()
    assert transcript.item(0).text() == "0:00   Good morning, let us start with the budget for the spring campaign."
    assert all("Speaker" not in transcript.item(row).data(RICH_TEXT_ROLE) for row in range(5))


def test_the_names_appear_once_a_second_voice_speaks(qtbot):
    """A transcript streaming in shows no name while one person speaks; the first line of a
    second voice names every line, earlier ones included."""
    transcript = TranscriptList()
    qtbot.addWidget(transcript)
    transcript.add_segment(Segment(0.0, 2.0, "Hello there.", speaker="Speaker 1"))
    transcript.add_segment(Segment(2.0, 4.0, "Shall we start?", speaker="Speaker 1"))
    assert [name for name, _ in names_and_colours(transcript)] == [None, None]
    transcript.add_segment(Segment(4.0, 6.0, "Yes, please.", speaker="Speaker 2"))
    assert [name for name, _ in names_and_colours(transcript)] == ["Speaker 1", "Speaker 1", "Speaker 2"]


def test_every_shade_reads_on_light_and_dark_themes_and_follows_the_theme(qtbot):
    """Each speaker's shade is at least 4.5:1 (WCAG AA) against a light and a dark base; a dark
    palette gives the transcript the light shades."""
    for on_light, on_dark in SHADES:
        assert contrast(on_light, "#f0f0f0") >= 4.5 and contrast(on_light, "#ffffff") >= 4.5
        assert contrast(on_dark, "#303030") >= 4.5 and contrast(on_dark, "#1e1e1e") >= 4.5
    transcript = TranscriptList()
    qtbot.addWidget(transcript)
    transcript.set_segments([Segment(0.0, 2.0, "Hi.", speaker="Ann"), Segment(2.0, 4.0, "Hello.", speaker="Bo")])
    assert [colour for _, colour in names_and_colours(transcript)] == [SHADES[0][0], SHADES[1][0]]
    dark = QPalette(transcript.palette())
    dark.setColor(QPalette.Base, QColor("#202020"))
    transcript.setPalette(dark)
    assert [colour for _, colour in names_and_colours(transcript)] == [SHADES[0][1], SHADES[1][1]]
