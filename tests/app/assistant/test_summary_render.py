"""The one summary renderer: Markdown as a document or as part of an export, and plain text."""

from __future__ import annotations

from app.assistant.summary_render import summary_markdown, summary_text
from app.records import ActionItem, Summary, SummaryItem

SUMMARY = Summary(
    title="Printer replacement",
    overview="The team agreed to replace the printer.",
    key_points=(SummaryItem("The printer keeps jamming", 12.0),),
    decisions=(SummaryItem("Replace the printer.", None),),
    action_items=(ActionItem("Anna will ask facilities", "Anna", "on Monday", 3725.0),),
)


def test_inside_an_export_the_sections_sit_one_level_below_the_heading():
    """heading="Summary" at level 2 (a recording's export): ### sections, same items."""
    markdown = summary_markdown(SUMMARY, heading="Summary", level=2)
    assert markdown.startswith("## Summary\n\nThe team agreed to replace the printer.\n")
    assert "### Key points\n- [00:12] The printer keeps jamming\n" in markdown
    assert "### Action items\n- [ ] [1:02:05] Anna will ask facilities (owner: Anna; due: on Monday)\n" in markdown
    assert "Printer replacement" not in markdown


def test_plain_text_for_a_terminal():
    """Title, overview, then indented items with their times, owner and due date."""
    assert summary_text(SUMMARY).split("\n") == [
        "Printer replacement",
        "",
        "The team agreed to replace the printer.",
        "",
        "Key points:",
        "  - [00:12] The printer keeps jamming",
        "",
        "Decisions:",
        "  - Replace the printer.",
        "",
        "Action items:",
        "  - [1:02:05] Anna will ask facilities (owner Anna, due on Monday)",
    ]


def test_an_untitled_summary_has_a_heading_all_the_same():
    assert summary_markdown(Summary(title="", overview="")).startswith("# Meeting summary\n")
