"""A question about a discussion ("Summarize the discussion about...", "What did F think
about...") is answered from the minutes of talk where its words are said, not from three
sentences: the stretch begins where that talk begins, and asked about one speaker, it is where
that speaker talks about it. A question for a fact, or with a word nobody said, gets no
stretch."""

from __future__ import annotations

from history_helpers import add_meeting

from app.history.stretches import STRETCH_CHARS, asked_speakers
from models.types import Segment

SMALL_TALK = ["Good morning everyone.", "The coffee machine is broken again.", "Let's get started then."]
OTHER_TOPIC = "Then we went through the travel budget, the hotel rates and who books the trains."
# The words of "the parser interface" said a turn or more apart, as people talk.
DISCUSSION = [
    "Now the parser.",
    "It hands the modules a tree, and that part works.",
    "But the interface to the generator is still unclear.",
    "I would keep the interface small.",
    "The parser should not know about the generator at all.",
]


def _spoken(store, turns: list[tuple[str, str]]) -> int:
    recording = store.add_recording("Architecture")
    store.add_segments(recording, [Segment(4.0 * i, 4.0 * (i + 1), t, speaker=s) for i, (s, t) in enumerate(turns)])
    store.finish_recording(recording, duration=4.0 * len(turns))
    return recording


def test_a_discussion_is_answered_from_the_stretch_where_it_was_talked_about(store):
    lines = [*SMALL_TALK, *[OTHER_TOPIC] * 40, *DISCUSSION, *[OTHER_TOPIC] * 40]
    recording = add_meeting(store, lines, title="Architecture")
    passages = store.passages("Summarize the discussion about the parser interface")
    assert len(passages) == 1
    stretch = passages[0]
    assert stretch.item_id == recording and stretch.moments
    assert stretch.moments[0].text == "Now the parser." and stretch.start == 4.0 * lines.index("Now the parser.")
    assert all(line in stretch.text for line in DISCUSSION)
    assert sum(len(m.text) for m in stretch.moments) <= STRETCH_CHARS


def test_asked_about_a_speaker_the_stretch_is_where_they_talk_about_it(store):
    """The parser interface comes up twice; only the second time does F speak of it."""
    without_f = [("Grad C", line) for line in DISCUSSION]
    with_f = [("Grad C", DISCUSSION[0]), ("PhD F", "For me the parser interface should stay a plain tree.")]
    filler = [("Grad C", OTHER_TOPIC)] * 40
    _spoken(store, [*filler, *without_f, *filler, *with_f, *filler])
    stretch = store.passages("What did F think about the parser interface?")[0]
    assert any(m.speaker == "PhD F" and "parser interface" in m.text for m in stretch.moments)
    assert "PhD F: For me the parser interface" in stretch.text


def test_asked_about_a_speaker_who_says_it_in_their_own_words_the_stretch_is_where_they_speak(store):
    """ "What did the Professor think about controlling the size of the combinatorial input?" found
    nothing in QMSum's meeting: the Professor spoke while it was discussed but never said "size" or
    "input" himself. With no stretch where the asked speaker says the words, it is one where they
    speak during the talk about it (and still none where they are silent)."""
    talk = [
        ("Grad C", "Now the parser."),
        ("Professor B", "We should keep that part small and simple, I think."),
        ("Grad C", "It hands the modules a tree, and that part works."),
        ("Grad C", "But the interface to the generator is still unclear."),
    ]
    filler = [("Grad C", OTHER_TOPIC)] * 40
    _spoken(store, [("Elena", "Good morning everyone."), *filler, *talk, *filler])
    stretch = store.passages("What did the Professor think about the parser interface?")[0]
    assert any(m.speaker == "Professor B" and m.text == talk[1][1] for m in stretch.moments)
    assert not any(p.moments for p in store.passages("What did Elena think about the parser interface?"))


def test_speakers_are_found_by_how_a_question_names_them():
    labels = {"PhD F", "Grad C", "Grad D", "Professor B", "Elena"}
    assert asked_speakers("What did F think about the XML format?", labels) == ("PhD F",)
    assert asked_speakers("What did the Professor think about hiring Fey?", labels) == ("Professor B",)
    assert asked_speakers("What did Grad D and Elena discuss about the wizard?", labels) == ("Grad D", "Elena")
    assert asked_speakers("What did we decide about the launch?", labels) == ()


def test_a_question_for_a_fact_or_with_a_word_nobody_said_gets_no_stretch(store):
    add_meeting(store, [*SMALL_TALK, *[OTHER_TOPIC] * 20, *DISCUSSION])
    assert not any(p.moments for p in store.passages("Who owns the parser interface?"))
    assert store.passages("Summarize the discussion about the parser interface migration") == []
