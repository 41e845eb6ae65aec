"""A number, weekday or month in a summary stays with what it was said about (anchoring.py):
grounding finds each word in the transcript, this checks they were said together."""

from __future__ import annotations

import pytest
from fakes import ScriptedModel, last_user_message

from app.assistant.anchoring import anchored
from app.assistant.summarize import run_summary
from app.assistant.transcript_input import TranscriptSegment

LAUNCH = (
    ("Priya", "The payment provider says the refund flow needs another week of testing."),
    ("Marcus", "Then we should not launch on October 3 with a broken refund flow."),
    ("Priya", "Agreed. We decided to move the launch from October 3 to October 17."),
    ("Leo", "I will update the release notice by Friday."),
    ("Dana", "I will send the updated FAQ to the support team by Thursday."),
    ("Priya", "And I will tell the board about the new date on Monday."),
)
LAUNCH_TEXT = "\n".join(f"{who}: {said}" for who, said in LAUNCH)
WRONG = (
    "The team discussed a new release date for the payment provider's refund flow, "
    "which was confirmed to be October 17."
)


@pytest.mark.parametrize(
    ("sentence", "holds"),
    [
        (WRONG, False),  # SmolLM2's note on this meeting: October 17 was the launch's date
        ("The refund flow will be ready on October 17.", False),
        ("Dana will send the FAQ to the support team by Friday.", False),  # Friday was Leo's notice
        ("The team decided to move the launch from October 3 to October 17.", True),
        ("The new date is October 17.", True),  # nothing but "a date" to keep company with
        ("The launch moved to October 17 because the refund flow needs more testing.", True),
        ("Leo will update the release notice by Friday.", True),
        ("The refund flow needs another week of testing.", True),  # no number, nothing to check
    ],
)
def test_a_number_or_day_keeps_the_company_it_was_said_in(sentence, holds):
    assert anchored(sentence, LAUNCH_TEXT) is holds


def test_a_note_that_puts_a_date_on_the_wrong_thing_keeps_only_its_true_beginning():
    """The key point keeps "... the payment provider's refund flow" and drops the clause that
    gave the refund flow the launch's date."""
    segments = [TranscriptSegment(i * 5.0, i * 5.0 + 4, said, who) for i, (who, said) in enumerate(LAUNCH)]

    def model(prompt: str) -> str:
        user = last_user_message(prompt)
        if "Transcript:" in user:  # the notes, begun for the model ("... talked about")
            return " " + WRONG[len("The team discussed ") :]
        if "Meeting:" in user:
            return "Refund flow and launch date"
        return "The team will move the launch."

    points = [p.text for p in run_summary(ScriptedModel(model), segments).key_points]
    assert points == ["The team discussed a new release date for the payment provider's refund flow."]
