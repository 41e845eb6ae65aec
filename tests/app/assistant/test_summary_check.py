"""The one check every note, overview sentence and rewritten item passes: a clause added to a
true one says only what the transcript does, or the note keeps its true beginning alone."""

from __future__ import annotations

from app.assistant.grounding import NameBook
from app.assistant.summary_check import checked_sentences

TRANSCRIPT = (
    "A: We're going to draw an animal on the whiteboard with this pen, in different line widths.\n"
    "B: A remote control for the television, that's our product.\n"
    "C: It should be easy to use, with big buttons and a bright colour.\n"
)


def _checked(answer: str) -> list[str]:
    return checked_sentences(answer, TRANSCRIPT, NameBook([], [TRANSCRIPT]))


def test_an_invented_clause_is_cut_and_the_true_beginning_kept():
    """TS3003a's notes with SmolLM2: "The team discussed the idea of a remote control for
    television, which is now available on demand." passed (six of its seven words are said):
    the clause that the model added says what nobody did."""
    assert _checked(
        "The team discussed the idea of a remote control for television, which is now available on demand."
    ) == ["The team discussed the idea of a remote control for television."]
    assert _checked(
        "They discussed the different line widths for drawing an animal, and suggested using a pen instead of paper."
    ) == ["They discussed the different line widths for drawing an animal."]


def test_a_purpose_added_without_a_comma_is_a_clause_checked_on_its_own():
    """The launch sync with SmolLM2: "... to the support team next week so they can prepare their
    refund tests before the holiday period ends." (no holiday was said) passed as a whole."""
    assert _checked(
        "The team discussed a remote control for the television so they can draw animals before the holiday ends."
    ) == ["The team discussed a remote control for the television."]
    said = "The team discussed a remote control for the television so it can be easy to use."
    assert _checked(said) == [said]


def test_a_clause_that_says_what_was_said_stays():
    note = "The team discussed a remote control for the television, with big buttons and a bright colour."
    assert _checked(note) == [note]


def test_a_concession_without_its_main_clause_is_no_sentence():
    """SmolLM2 on AMI ES2002d: "The team emphasized that while they're not completely disagreeing
    about what's best for teamwork." Its main clause never came; with one it stays."""
    assert _checked("The team emphasized that while the buttons are big, the colour should be bright.") == [
        "The team emphasized that while the buttons are big, the colour should be bright."
    ]
    assert _checked("The team emphasized that while the buttons should be big and easy to use.") == []


def test_words_in_quotation_marks_are_words_that_were_said():
    """SmolLM2 answering what Grad C thought (QMSum): "He suggests using a new plan based on the
    idea of "creating a blueprint"." where he said "we already have sort of a nice blueprint":
    quotation marks claim the very words, so they must be in the transcript as written."""
    assert _checked('The team wants a remote control with "big buttons and a bright colour".') == [
        'The team wants a remote control with "big buttons and a bright colour".'
    ]
    assert _checked("The team wants a remote control with “large buttons”, easy to use.") == []
