"""A small, realistic history (one meeting with its summary, one conversation with drafts),
written through the real HistoryStore: what the screenshots show."""

from __future__ import annotations

from pathlib import Path

from fake_engine import _write_tone

from app.history import HistoryStore
from app.history.records import NewConversation
from app.paths import DataDir
from app.records import ActionItem, Summary, SummaryItem, Turn
from models.types import Segment

MEETING = [
    (0.0, "Anna", "Good morning everyone, let's go through the launch plan for the new website."),
    (6.5, "Ben", "Testing is not finished, so I suggest we move the launch from February to March."),
    (13.0, "Anna", "Agreed, we move the launch to March the fourth."),
    (18.2, "Chloe", "The designers need two more weeks for the mobile layout."),
    (24.0, "Anna", "Then I will update the budget by Friday and share it with the team."),
    (31.5, "Ben", "I can write the press release once the date is fixed."),
    (37.0, "Chloe", "Let's also check the accessibility audit before the launch."),
    (43.4, "Anna", "Good, Chloe owns the audit. Let's meet again next Tuesday."),
]

SUMMARY = Summary(
    title="Website launch moves to March",
    overview="The team reviewed the website launch. Testing and the mobile layout need more time, "
    "so the launch moves to March; the budget, press release and accessibility audit have owners.",
    key_points=(
        SummaryItem("Testing is not finished yet.", 6.5),
        SummaryItem("The mobile layout needs two more weeks of design work.", 18.2),
        SummaryItem("An accessibility audit is planned before the launch.", 37.0),
    ),
    decisions=(SummaryItem("The launch moves from February to March the fourth.", 13.0),),
    action_items=(
        ActionItem("Update the budget and share it with the team.", "Anna", "by Friday", 24.0),
        ActionItem("Write the press release once the date is fixed.", "Ben", None, 31.5),
        ActionItem("Run the accessibility audit.", "Chloe", None, 43.4),
    ),
)

CHAT = (
    "Anna: Hi! Are we still on for lunch on Friday?\n"
    "Me: I think so, let me check my calendar.\n"
    "Anna: Great. Could we make it 12:30 instead of 12? I have a call until noon."
)

DRAFTS = (
    "12:30 works for me, see you on Friday!",
    "Sorry, Friday doesn't work after all. Could we do Monday instead?",
    "Sure, 12:30 is fine. Same place as last time?",
)


def write_demo_history(data_root: Path) -> dict:
    data_dir = DataDir(Path(data_root)).ensure()
    audio = data_dir.recordings / "launch-meeting.wav"
    audio.parent.mkdir(mode=0o700, exist_ok=True)
    _write_tone(audio, 50.0)
    with HistoryStore.for_data_dir(data_dir) as store:
        recording = store.add_recording(None, audio_file=audio, duration=50.0, language="en")
        ends = [start for start, _, _ in MEETING[1:]] + [50.0]
        store.add_segments(
            recording, [Segment(start, end, f"{text}") for (start, _, text), end in zip(MEETING, ends, strict=True)]
        )
        store.finish_recording(recording, duration=50.0)
        store.save_summary(recording, SUMMARY)
        turns = (
            Turn("Anna", "Hi! Are we still on for lunch on Friday?"),
            Turn("Me", "I think so, let me check my calendar."),
            Turn("Anna", "Great. Could we make it 12:30 instead of 12? I have a call until noon."),
        )
        conversation = store.add_conversation(NewConversation(CHAT, turns, "Me"))
        draft_ids = store.add_drafts(conversation, DRAFTS, tone="friendly", length="short")
        store.pick_draft(draft_ids[0])
    return {"recording": recording, "conversation": conversation}
