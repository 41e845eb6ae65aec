"""An answer from the history says only what its cited passages say: a sentence with a name,
number or date they do not hold is dropped; with nothing left, the passage that holds the
whole question is quoted as said, else the answer is "not found". (A scripted model: the real
one is tests/app/tasks/test_ask.py.)"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from fakes import ScriptedModel

from app.assistant.ask_history import NOT_FOUND, AskTask, answer_question, check_answer
from app.errors import AppError
from app.history.retrieval import Passage
from app.history.stretches import Moment
from app.tasks.events import AnswerSoFar, Done

REPORT = Passage(
    1,
    "recording",
    "transcript",
    "Launch sync",
    "2026-11-30T09:00:00Z",
    20.0,
    "First the launch date. Elena will send the login report on Thursday. Marcus takes the press release.",
    "Elena will send the login report on Thursday.",
    1.0,
)
HIRING = Passage(
    2,
    "recording",
    "transcript",
    "Team planning",
    "2026-11-29T09:00:00Z",
    8.0,
    "About hiring. We decided to hire two engineers in the spring.",
    "We decided to hire two engineers in the spring.",
    0.7,
)


def _answer(text: str, passages=(REPORT, HIRING), question: str = "When is Elena sending the login report?"):
    model = ScriptedModel(lambda prompt: text)
    events = list(answer_question(model, AskTask(question), list(passages)))
    assert isinstance(events[-1], Done)
    return events[-1].result, model


def test_a_supported_answer_is_kept_with_the_passage_it_cites():
    answer, model = _answer("Elena will send the login report on Thursday [1].")
    assert answer.text == "Elena will send the login report on Thursday."
    assert [(c.item_id, c.start, c.text) for c in answer.citations] == [(1, 20.0, REPORT.quote)]
    assert not answer.quoted
    prompt = model.calls[0].prompt
    assert "[1] From “Launch sync”, at 0:20:" in prompt and "[2] From “Team planning”" in prompt


def test_a_sentence_the_passages_do_not_back_is_dropped():
    """A wrong day, an invented person: gone; the sentence that holds up stays, cited."""
    answer, _ = _answer(
        "Elena will send the login report on Friday [1]. Priya will send the login report too [1]. "
        "The team decided to hire two engineers in the spring [2]."
    )
    assert answer.text == "The team decided to hire two engineers in the spring."
    assert [c.item_id for c in answer.citations] == [2]


def test_with_nothing_left_the_passage_holding_the_whole_question_is_quoted():
    answer, _ = _answer("Not found.")
    assert answer.quoted and answer.text == "“Launch sync”, 0:20: “Elena will send the login report on Thursday.”"
    assert [c.item_id for c in answer.citations] == [1]


def test_with_nothing_left_and_no_passage_holding_the_question_it_is_not_found():
    answer, _ = _answer("The office dog is called Rex [2].", passages=(HIRING,), question="Who hires engineers?")
    assert answer.text == NOT_FOUND and answer.citations == () and not answer.found


def test_citations_out_of_range_fall_back_to_the_passage_that_supports_it():
    answer = check_answer("q", "We decided to hire two engineers in the spring [7].", [REPORT, HIRING])
    assert [c.item_id for c in answer.citations] == [2]


def test_passages_are_cut_to_the_context_best_first():
    model = ScriptedModel(lambda prompt: "Not found.", context_length=230)
    many = [REPORT] + [HIRING] * 10
    list(answer_question(model, AskTask("When is Elena sending the login report?"), many))
    prompt = model.calls[0].prompt
    assert "[1] From “Launch sync”" in prompt and "[11]" not in prompt


def test_an_empty_or_huge_question_is_one_clear_sentence():
    model = ScriptedModel(lambda prompt: "")
    for question in ("", "   ", "why " * 200):
        with pytest.raises(AppError):
            list(answer_question(model, AskTask(question), [REPORT]))


def test_cancel_stops_without_an_answer():
    cancel = threading.Event()
    model = ScriptedModel(lambda prompt: "Elena will send it [1].", on_call=lambda n: cancel.set())
    events = list(answer_question(model, AskTask("When is the report?"), [REPORT], cancel))
    assert not any(isinstance(e, Done) for e in events)


def test_the_answer_streams_sentence_by_sentence_only_once_checked():
    """Each sentence is shown once the next has begun and its check passed, with the passage
    its marker (after the full stop, too) names; the invented one never appears, not even for
    a moment; Done carries the whole checked answer."""
    text = (
        "Elena will send the login report on Thursday. [1] Bob will send it on Monday [1]. "
        "We decided to hire two engineers [2]. That is all."
    )
    model = ScriptedModel(lambda prompt: text)
    events = list(answer_question(model, AskTask("When is Elena sending the login report?"), [REPORT, HIRING]))
    shown = [event.answer for event in events if isinstance(event, AnswerSoFar)]
    assert [a.text for a in shown] == [
        "Elena will send the login report on Thursday.",
        "Elena will send the login report on Thursday. We decided to hire two engineers.",
    ]
    assert [c.item_id for c in shown[0].citations] == [1] and [c.item_id for c in shown[1].citations] == [1, 2]
    assert events[-1].result.text == shown[-1].text


def test_an_answer_reads_without_the_uhs_of_speech():
    """What the model copied from speech, or the passage quoted, is shown without fillers and
    stutters; the citation keeps the words as said."""
    said = Passage(
        3, "recording", "transcript", "Pricing", "2026-11-30T09:00:00Z", 64.0,
        "Um as you can see, we decided on a price of twenty five Euros. uh the the price is fine.",
        "Um as you can see, we decided on a price of twenty five Euros.",
        1.0,
    )  # fmt: skip
    answer, _ = _answer("Um as you can see, we decided on a price of twenty five Euros [1].", (said,), "price?")
    assert answer.text == "As you can see, we decided on a price of twenty five Euros."
    quoted, _ = _answer("Not found.", (said,), "What price did we decide?")
    assert (
        quoted.quoted
        and quoted.text == "“Pricing”, 1:04: “As you can see, we decided on a price of twenty five Euros.”"
    )
    assert quoted.citations[0].text == said.quote


def test_a_quoted_passage_says_who_spoke_once():
    """A quote of one person's talk names them beside where it was said, as a stretch's quote
    does; a turn that said nothing once cleaned ("Grad D: uh") is no label left in the quote."""
    talk = "PhD A: the generation module is one level. Grad D: uh PhD A: and the parser is the other."
    said = Passage(4, "recording", "transcript", "SmartKom", "2026-11-30T09:00:00Z", 608.0, talk, talk, 1.0)
    quoted, _ = _answer("Not found.", (said,), "What are the generation module and the parser?")
    assert quoted.text == (
        "“SmartKom”, 10:08, PhD A: “The generation module is one level. and the parser is the other.”"
    )
    both = replace(
        said, text=talk.replace("Grad D: uh", "Grad D: yes"), quote=talk.replace("Grad D: uh", "Grad D: yes")
    )
    quoted, _ = _answer("Not found.", (both,), "What are the generation module and the parser?")
    assert quoted.text.endswith(
        "“PhD A: the generation module is one level. Grad D: yes PhD A: and the parser is the other.”"
    )


def test_a_sentence_whose_tail_the_passage_does_not_back_keeps_its_true_beginning():
    """SmolLM2, asked what the Professor thought about the size of the input, wrote a true
    clause and an invented one ("..., and he suggested a more precise approach"): the answer
    keeps the clause its passage says, cited, instead of "not found"."""
    answer, _ = _answer(
        "The team decided to hire two engineers in the spring, and Priya will pay a referral bonus [2].",
        question="What did we decide about hiring?",
    )
    assert answer.text == "The team decided to hire two engineers in the spring."
    assert [c.item_id for c in answer.citations] == [2] and not answer.quoted


@pytest.mark.parametrize(
    "said",
    [
        "Where else could Elena send the login report [1]?",  # a question is no answer
        "Elena thought about the login report [1].",  # the question said back
        "Elena discussed the login report in detail [1].",  # the question said back, with a word that says nothing
        "Elena will send the login report on [1].",  # left hanging
        "Elena said that by sending the login report on Thursday [1].",  # what she said was cut away
    ],
)
def test_what_is_no_answer_is_not_one_even_when_its_passage_says_its_words(said):
    """SmolLM2's answers over the QMSum meetings included "So where else you could store your
    data?", "The Professor thought about hiring Fey." and "... the subject intention in.": each
    copied its passage's words, none answered."""
    answer, _ = _answer(said, passages=(REPORT,), question="What did Elena think about the login report?")
    assert answer.text != said.replace(" [1]", "") and not (answer.found and not answer.quoted)


def test_speaker_labels_are_no_answer_to_a_question_about_what():
    """Qwen 0.5B answered "What were the modules for the SmartKom?" with "The SmartKom modules are
    Grad D and Grad B.": every word is in its passage ("PhD A: ... Grad D: ..."), but the labels say
    who spoke, not what the modules are. Asked who, a label is the answer."""
    talk = Passage(
        4, "recording", "transcript", "SmartKom", "2026-11-27T09:00:00Z", 600.0,
        "PhD A: in SmartKom the two levels are the generation module and the parser module. Grad D: and Grad B: right.",
        "PhD A: the two levels are the generation module and the parser module.", 1.0,
    )  # fmt: skip
    answer, _ = _answer(
        "The SmartKom modules are Grad D and Grad B [1].", (talk,), "What were the modules for SmartKom?"
    )
    assert not answer.text.startswith("The SmartKom modules are Grad D")
    answer, _ = _answer("The parser module was described by PhD A [1].", (talk,), "Who described the parser module?")
    assert answer.text == "The parser module was described by PhD A." and not answer.quoted


# A stretch of talk (app.history.stretches), as retrieval gives it for a question about a discussion.
TALK = (
    Moment(300.0, "Grad C", "Now the parser."),
    Moment(304.0, "PhD F", "It hands the modules a tree, and that part works."),
    Moment(308.0, "Grad C", "But the interface to the generator is still unclear."),
    Moment(312.0, "PhD F", "I would keep the interface small."),
)
STRETCH = Passage(
    3,
    "recording",
    "transcript",
    "Architecture",
    "2026-11-28T09:00:00Z",
    300.0,
    "\n".join(f"{m.speaker}: {m.text}" for m in TALK),
    TALK[0].text,
    0.8,
    TALK,
)


def test_an_answer_about_a_discussion_cites_the_moment_each_sentence_rests_on():
    """The answer is begun for the model as a summary of what F thought (a small model then sums
    up rather than copies); an invented person's sentence goes."""
    answer, model = _answer(
        " the parser hands the modules a tree. F would keep the interface to the generator small. "
        "Priya will rewrite the parser by March.",
        passages=(STRETCH,),
        question="What did F think about the parser interface?",
    )
    assert answer.text == (
        "F thought that the parser hands the modules a tree. F would keep the interface to the generator small."
    )
    assert [c.start for c in answer.citations] == [304.0, 312.0]
    prompt = model.calls[0].prompt
    assert "Part of the transcript of “Architecture”, from 5:00 to 5:12" in prompt and "PhD F: I would keep" in prompt
    assert prompt.endswith("F thought that")


def test_with_nothing_left_of_an_answer_about_a_discussion_its_moment_is_quoted():
    """The turn that says most of the question, the first of equals (what Grad C said of the
    interface), or asked about F, F's own."""
    answer, _ = _answer("Not found.", passages=(STRETCH,), question="Summarize the discussion about the interface")
    assert answer.quoted and answer.citations[0].start == 308.0
    assert answer.text == "“Architecture”, 5:08, Grad C: “But the interface to the generator is still unclear.”"
    answer, _ = _answer("Not found.", passages=(STRETCH,), question="What did F think about the interface?")
    assert answer.text == "“Architecture”, 5:12, PhD F: “I would keep the interface small.”"
    # Grad C says more of it, but the question is what F thought.
    question = "What did F think about the interface to the generator?"
    answer, _ = _answer("Not found.", passages=(STRETCH,), question=question)
    assert answer.text == "“Architecture”, 5:12, PhD F: “I would keep the interface small.”"


def test_a_long_turn_is_quoted_from_where_it_says_the_question():
    talk = "We went through the hotel rates and the trains again, and the travel budget too. " * 8
    long_turn = Moment(400.0, "PhD F", talk + "The parser interface should stay a plain tree. That keeps it simple.")
    stretch = replace(STRETCH, moments=(long_turn,), text=f"PhD F: {long_turn.text}", start=400.0)
    answer, _ = _answer("Not found.", passages=(stretch,), question="What did F think about the parser interface?")
    assert (
        answer.text
        == "“Architecture”, 6:40, PhD F: “The parser interface should stay a plain tree. That keeps it simple.”"
    )


def test_asked_about_someone_who_never_says_its_words_their_fullest_words_are_quoted():
    """Asked what the Professor thought of the input's size, the stretch is one where he spoke of it
    in words of his own: his turn that says most, from its fullest sentences, not "OK, sorry"."""
    filler = "OK, sorry. Too quick for me. " * 20
    said = filler + "We could add rules that say every landmark type gets its own picture action. Right."
    moments = (
        Moment(900.0, "Professor B", "OK, I am sorry."),
        Moment(904.0, "Grad D", "The input size grows with every combination we add."),
        Moment(908.0, "Professor B", said),
    )
    stretch = replace(STRETCH, moments=moments, text="\n".join(f"{m.speaker}: {m.text}" for m in moments))
    question = "What did the Professor think about the size of the input?"
    answer, _ = _answer("Not found.", passages=(stretch,), question=question)
    assert answer.text == (
        "“Architecture”, 15:08, Professor B: “We could add rules that say every landmark type gets its own "
        "picture action. Right.”"
    )


def test_a_quote_does_not_end_on_the_word_its_turn_broke_off_after():
    """QMSum's "... where there really is a well-defined interface. and" is quoted without its
    last "and": a quote that ends on it reads as cut short."""
    talk = "PhD A: that does not contradict an architecture with a well-defined interface. and"
    said = Passage(5, "recording", "transcript", "SmartKom", "2026-11-30T09:00:00Z", 600.0, talk, talk, 1.0)
    quoted, _ = _answer("Not found.", (said,), "What about an architecture with a well-defined interface?")
    assert quoted.text == (
        "“SmartKom”, 10:00, PhD A: “That does not contradict an architecture with a well-defined interface.”"
    )
    moment = Moment(600.0, "PhD A", "That does not contradict an architecture with a well-defined interface. and")
    stretch = replace(STRETCH, moments=(moment,), text=f"PhD A: {moment.text}", start=600.0)
    quoted, _ = _answer("Not found.", (stretch,), "Summarize the discussion about the interface")
    assert quoted.text.endswith("PhD A: “That does not contradict an architecture with a well-defined interface.”")
