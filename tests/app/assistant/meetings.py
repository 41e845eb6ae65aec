"""Realistic meeting transcripts for the assistant's tests (invented for them)."""

from __future__ import annotations

from app.assistant.transcript_input import TranscriptSegment

# A weekly launch sync of four people: commitments with due days, one said as "October will",
# one decision to move the launch date. Days and months are everywhere; only four are people.
LAUNCH_SYNC = (
    ("Priya", "Good morning everyone, I'm Priya, and this is our weekly launch sync."),
    ("Marcus", "Morning. The app store build passed review yesterday."),
    ("Dana", "The help desk is ready, but we still need the updated FAQ for the new plans."),
    ("Priya", "Leo, where are we with the release notice?"),
    ("Leo", "The draft is done. I will update the release notice by Friday."),
    ("Priya", "Good. Marcus, can you prepare the demo video for the press kit?"),
    ("Marcus", "Sure, I'll have the demo video ready by Wednesday."),
    ("Dana", "On Monday the payment provider told us the refund flow needs another week of testing."),
    ("Priya", "Then I think we have to move the launch."),
    ("Marcus", "Agreed, launching with a broken refund flow is a bad idea."),
    ("Priya", "So we decided to move the launch date from October 3 to October 17."),
    ("Dana", "I will send the updated FAQ to the support team by Thursday."),
    ("Leo", "October will be busy, so the announcement should stay short."),
    ("Priya", "Fine. I will send the report on the new date to the board by Wednesday."),
    ("Leo", "Friday is also when the newsletter goes out, so I'll add the new date there too."),
    ("Dana", "Marcus, could you check the refund tests with the payment provider?"),
    ("Marcus", "Yes, I can do that on Tuesday."),
    ("Priya", "Great, thanks everyone, see you next week."),
)
# What each one said they would do in the first person (a word of it that any wording keeps).
FIRST_PERSON_ITEMS = {"Leo": "release notice", "Marcus": "demo video", "Dana": "FAQ", "Priya": "report"}


def launch_sync(labelled: bool = True, labels: dict[str, str] | None = None) -> list[TranscriptSegment]:
    """The meeting as timed segments: with the speakers' names as labels, with other labels
    (labels={"Priya": "Speaker 1", ...}), or without labels, as a transcript of one microphone."""
    segments = []
    for index, (speaker, text) in enumerate(LAUNCH_SYNC):
        label = (labels or {}).get(speaker, speaker) if labelled else None
        segments.append(TranscriptSegment(index * 6.0, index * 6.0 + 5.0, text, label))
    return segments
