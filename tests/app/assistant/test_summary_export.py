"""The Summary's JSON (docs/cli.md) and Markdown export."""

from __future__ import annotations

from app.assistant.summary_render import summary_markdown
from app.records import ActionItem, Summary, SummaryItem

SUMMARY = Summary(
    title="Printer replacement",
    overview="The team agreed to replace the printer.",
    key_points=(SummaryItem("The printer keeps jamming", 12.0), SummaryItem("A new one costs 300 euros", 3725.5)),
    decisions=(SummaryItem("Replace the printer.", 40.0),),
    action_items=(
        ActionItem("Anna will ask facilities", "Anna", "on Monday", 61.0),
        ActionItem("Someone should check the warranty", None, None, None),
    ),
)


def test_json_has_exactly_the_documented_shape():
    """title, overview, key_points/decisions [{text, start}], action_items [{text, owner, due, start}]."""
    data = SUMMARY.to_json()
    assert list(data) == ["title", "overview", "key_points", "decisions", "action_items"]
    assert data["key_points"][1] == {"text": "A new one costs 300 euros", "start": 3725.5}
    assert data["action_items"] == [
        {"text": "Anna will ask facilities", "owner": "Anna", "due": "on Monday", "start": 61.0},
        {"text": "Someone should check the warranty", "owner": None, "due": None, "start": None},
    ]
    assert Summary.from_json(data) == SUMMARY


def test_markdown_export_shows_times_owners_and_due_dates():
    """Headings per part; each item with its [mm:ss] or [h:mm:ss]; action items as a checklist."""
    markdown = summary_markdown(SUMMARY)
    assert markdown.startswith("# Printer replacement\n\nThe team agreed to replace the printer.\n")
    assert "## Key points\n- [00:12] The printer keeps jamming\n- [1:02:05] A new one costs 300 euros\n" in markdown
    assert "## Decisions\n- [00:40] Replace the printer.\n" in markdown
    assert "- [ ] [01:01] Anna will ask facilities (owner: Anna; due: on Monday)\n" in markdown
    assert "- [ ] Someone should check the warranty\n" in markdown


def test_plain_text_is_every_sentence_a_reader_reads():
    """What the benchmark scores: overview, points, decisions, actions; each a sentence."""
    assert SUMMARY.to_plain_text().split("\n") == [
        "The team agreed to replace the printer.",
        "The printer keeps jamming.",
        "A new one costs 300 euros.",
        "Replace the printer.",
        "Anna will ask facilities.",
        "Someone should check the warranty.",
    ]


def test_a_summary_tells_when_another_says_the_same():
    """same_as: the same items, spacing aside (as the history stores them), is the same summary;
    one word or one time different, or no summary at all, is not."""
    from app.records import ActionItem, Summary, SummaryItem

    summary = Summary(
        "Launch",
        "We moved the launch. ",
        (SummaryItem("Testing is late ", 6.5),),
        (),
        (ActionItem("Update the budget.", "Anna", "by Friday", 13.0),),
    )
    stored = Summary.from_json(summary.to_json() | {"overview": "We moved the launch."})
    assert summary.same_as(stored) and stored.same_as(summary)
    assert not summary.same_as(None)
    assert not summary.same_as(Summary.from_json(summary.to_json() | {"title": "Launch plan"}))
    moved = summary.to_json()
    moved["key_points"][0]["start"] = 7.0
    assert not summary.same_as(Summary.from_json(moved))
