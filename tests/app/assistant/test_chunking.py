"""Utterances and chunks: the arithmetic that keeps every prompt inside the context window."""

from __future__ import annotations

import time

import pytest
from fakes import ScriptedModel

from app.assistant import prompts
from app.assistant.chunking import chunk_token_budget, prepare_utterances, split_into_chunks
from app.assistant.summarize import SummaryOptions, plan_chunks
from app.assistant.transcript_input import TranscriptSegment
from models.errors import ContextOverflowError


def meeting(n: int, words_per_line: int = 12) -> list[TranscriptSegment]:
    speakers = ["Anna", "Ben", "Chloe"]
    return [
        TranscriptSegment(
            float(i * 5),
            float(i * 5 + 4),
            " ".join(f"word{i}_{k}" for k in range(words_per_line)) + ".",
            speakers[i % 3],
        )
        for i in range(n)
    ]


def test_utterances_merge_one_speakers_run_and_drop_fillers():
    """Consecutive segments of one speaker are joined (keeping the first start), fillers and
    stutters are removed, and bare acknowledgements are dropped."""
    segments = [
        TranscriptSegment(0.0, 1.0, "Um so the the budget is tight.", "A"),
        TranscriptSegment(1.0, 2.0, "uh we need to cut costs.", "A"),
        TranscriptSegment(2.0, 3.0, "Yeah. Okay.", "B"),
        TranscriptSegment(3.0, 4.0, "What about marketing?", "C"),
    ]
    utterances = prepare_utterances(segments)
    assert [(u.segment_index, u.start, u.speaker, u.text) for u in utterances] == [
        (0, 0.0, "A", "So the budget is tight. We need to cut costs."),
        (3, 3.0, "C", "What about marketing?"),
    ]


def test_a_sentence_carried_on_in_the_next_segment_is_not_capitalized_mid_way():
    """Whisper (and AMI) cut sentences into segments, each capitalized: joined, 'then I'll put
    the minutes in the project folder,' + 'And then we can all work.' reads ', and then'; a
    new sentence, 'I' and names keep their capitals."""
    segments = [
        TranscriptSegment(0.0, 1.0, "then I'll put the minutes in the project folder,", "A"),
        TranscriptSegment(1.0, 2.0, "And then we can all work", "A"),
        TranscriptSegment(2.0, 3.0, "I think", "A"),
        TranscriptSegment(3.0, 4.0, "Priya has the slides.", "A"),
        TranscriptSegment(4.0, 5.0, "So that is it.", "A"),
    ]
    (utterance,) = prepare_utterances(segments)
    assert utterance.text == (
        "Then I'll put the minutes in the project folder, and then we can all work, I think, "
        "Priya has the slides. So that is it."
    )


def test_only_acknowledgements_still_give_utterances():
    """A transcript of nothing but 'okay' is not turned into nothing."""
    utterances = prepare_utterances(
        [TranscriptSegment(None, None, "Okay.", "A"), TranscriptSegment(None, None, "Yeah.", "B")]
    )
    assert [u.text for u in utterances] == ["Okay.", "Yeah."]


@pytest.mark.parametrize("context", [256, 512, 2048, 8192])
def test_every_chunk_prompt_fits_the_context(context):
    """prompt + opening + chunk + room for the answer <= context, for small and large windows,
    and the chunks hold every utterance once, in order."""
    model = ScriptedModel(lambda prompt: "", context_length=context)
    options = SummaryOptions()
    utterances = prepare_utterances(meeting(300))
    chunks = plan_chunks(model, utterances, options)
    for chunk in chunks:
        prompt = model.render_chat(prompts.chunk_notes(chunk.text)) + prompts.MEETING.notes_opening
        assert model.count_tokens(prompt) + options.note_tokens <= context
        assert chunk.tokens == model.count_tokens(chunk.text)
    assert [u.index for c in chunks for u in c.utterances] == [u.index for u in utterances]


def test_chunks_are_about_the_same_size():
    """Sizes are balanced: no tiny last chunk after several full ones."""
    model = ScriptedModel(lambda prompt: "")
    utterances = prepare_utterances(meeting(100))
    chunks = split_into_chunks(utterances, model.count_tokens, 400)
    sizes = [c.tokens for c in chunks]
    assert len(chunks) >= 4 and min(sizes) >= 0.6 * max(sizes)


def test_a_growing_transcript_keeps_its_earlier_chunks():
    """Chunks are filled in order: as a meeting goes on, every chunk but the last two keeps its
    bounds (what the model said about them can be remembered while recording)."""
    model = ScriptedModel(lambda prompt: "")
    whole = prepare_utterances(meeting(100))
    final = split_into_chunks(whole, model.count_tokens, 400)
    for said in (40, 60, 80):
        so_far = split_into_chunks(whole[:said], model.count_tokens, 400)
        assert [c.text for c in so_far[:-2]] == [c.text for c in final[: len(so_far) - 2]]


def test_a_word_cut_off_and_said_again_is_said_once():
    """A cut-off "th that" is "that", and so is a start tried twice ("w w we", QMSum's Grad D), an
    article given up at a pause ("The, uh One of"; "the, uh, data" keeps it) and a phrase begun
    again ("the Bayes the Bayes - nets The Bayes - nets"); a real short word before a longer one
    ("in into") stays, and so does a letter ("A, B or C")."""
    segments = [
        TranscriptSegment(0.0, 4.0, "OK so, th {pause} that, we probably won't do this early on."),
        TranscriptSegment(4.0, 8.0, "We put it in into the box, wh what do you mean?", "B"),
        TranscriptSegment(8.0, 12.0, "Ultimately we may w w we regard this as an exercise.", "C"),
        TranscriptSegment(12.0, 16.0, "The, uh One of the things is a, an API for the, uh, data. A, B or C.", "D"),
        TranscriptSegment(16.0, 20.0, "No the Bayes the Bayes - nets The Bayes - nets will be specific.", "E"),
    ]
    texts = [u.text for u in prepare_utterances(segments)]
    assert texts == [
        "OK so, that, we probably won't do this early on.",
        "We put it in into the box, what do you mean?",
        "Ultimately we may we regard this as an exercise.",
        "One of the things is an API for the data. A, B or C.",
        "No the Bayes - nets will be specific.",
    ]


def test_a_short_word_of_another_language_is_no_cut_off_word():
    """French "de demain", German "da damit", Spanish "si simplemente": a word, then a longer
    one that starts with it; each says something ("of tomorrow", "if simply") and stays."""
    said = ["Je parle de demain.", "Ich bin da damit fertig.", "Lo lograremos, si simplemente vamos."]
    segments = [TranscriptSegment(4.0 * i, 4.0 * i + 4.0, text, "A") for i, text in enumerate(said)]
    assert [u.text for u in prepare_utterances(segments)] == [" ".join(said)]


def test_an_utterance_longer_than_a_chunk_is_cut_with_its_start_time():
    """One speaker talking for pages is split by sentences (and a sentence by words), every
    piece keeping the utterance's start time."""
    model = ScriptedModel(lambda prompt: "")
    long_text = " ".join(f"This is sentence {i} of a long monologue about the roadmap." for i in range(60))
    long_text += " " + " ".join(f"w{i}" for i in range(500))  # and one sentence with no end
    utterances = prepare_utterances([TranscriptSegment(42.0, 900.0, long_text, "Dana")])
    chunks = split_into_chunks(utterances, model.count_tokens, 120)
    assert len(chunks) > 5
    assert all(c.tokens <= 120 and all(u.start == 42.0 for u in c.utterances) for c in chunks)


def test_a_context_too_small_for_any_chunk_is_a_clear_error():
    """When prompt and answer leave no room, the user is told to pick a bigger model."""
    with pytest.raises(ContextOverflowError, match="too small"):
        chunk_token_budget(context_length=300, prompt_tokens=200, output_tokens=90, preferred=1024)
    assert chunk_token_budget(8192, 300, 90, preferred=1024) == 1024
    assert chunk_token_budget(1000, 300, 90, preferred=1024) == 1000 - 300 - 90 - 16


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("Good morning everyone, we decided to move the launch.", "We decided to move the launch."),
        ("Hi all. Let's start with the budget.", "Let's start with the budget."),
        ("Hello, the printer is broken again.", "The printer is broken again."),
        ("Morning guys", ""),
        ("Hello Kitty sells well in Japan.", "Hello Kitty sells well in Japan."),
        ("Welcome back everyone, so where were we?", "So where were we?"),
    ],
)
def test_a_greeting_is_no_part_of_what_was_said(said, read):
    """A meeting's opening greeting says nothing of it: it would otherwise open a key point or
    become the title ("Good morning everyone"); a greeting alone leaves nothing to summarize. A
    word that only looks like one ("Hello Kitty") stays."""
    utterances = prepare_utterances(
        [TranscriptSegment(0.0, 2.0, said, "Anna"), TranscriptSegment(2.0, 4.0, "Yes.", "Ben")]
    )
    assert [u.text for u in utterances if u.speaker == "Anna"] == ([read] if read else [])


def test_a_contraction_is_no_cut_off_word():
    """The clean-up drops a cut-off start of a word ("th that" -> "that"), never the end of a
    contraction before a word that begins the same: "let's say" read "let'say", "we're really"
    "we'really" in every key point copied from such a line."""
    said = "Let's say it's strange, we're really late and I'd do it, th that is all."
    utterances = prepare_utterances([TranscriptSegment(0.0, 4.0, said, "Anna")])
    assert utterances[0].text == "Let's say it's strange, we're really late and I'd do it, that is all."


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # AMI TS3011b: the decision read "... because it's not feasible, it's not w."
        ("because it's not uh f uh feasible,", "Because it's not feasible"),
        ("it's not uh w", ""),
        ("We should, I think it w", "We should"),
        ("The top goal of this m", ""),
        ("That's it, count me in, we're at the UK office.", "That's it, count me in, we're at the UK office."),
        ("We go with plan B", "We go with plan B"),
        ("Das weiß ich nicht, oder weißt du", "Das weiß ich nicht, oder weißt du"),
        ("Bueno, on y va", "Bueno, on y va"),
    ],
)
def test_a_clause_broken_off_in_a_piece_of_a_word_is_dropped(said, read):
    """A clause that ends in a piece of a word the speaker broke off says nothing (a key point
    or decision copied from it ends "it's not w."): it goes; a clause that ends in a short real
    word ("in", "UK", "B"), of another language ("du", "va") or in a contraction ("That's") stays."""
    utterances = prepare_utterances(
        [TranscriptSegment(0.0, 2.0, said, "Anna"), TranscriptSegment(2.0, 4.0, "Yes.", "Ben")]
    )
    assert [u.text for u in utterances if u.speaker == "Anna"] == ([read] if read else [])


def test_a_backchannel_after_ones_own_words_is_no_part_of_them():
    """AMI TS3011b's action item read "We can decide the next meeting. Yep.": a speaker's "Yep."
    after their own sentence goes; said on its own between others' words it is dropped as before."""
    segments = [
        TranscriptSegment(0.0, 2.0, "We can decide the next meeting.", "A"),
        TranscriptSegment(2.0, 3.0, "Yep.", "A"),
        TranscriptSegment(3.0, 5.0, "and then we send the notes around", "A"),
        TranscriptSegment(5.0, 6.0, "Okay.", "B"),
    ]
    assert [u.text for u in prepare_utterances(segments)] == [
        "We can decide the next meeting. And then we send the notes around"
    ]


def test_a_long_line_without_punctuation_is_cleaned_in_linear_time():
    """Pasted text is untrusted: 50,000 characters without a stop are cleaned in well under a
    second (the clean-up once tried its broken-off-clause pattern from every character: about
    100 s here)."""
    line = ("we talked about the plan and the budget and " * 1200)[:50_000]
    started = time.perf_counter()
    utterances = prepare_utterances([TranscriptSegment(0.0, 60.0, line, "Anna")])
    assert time.perf_counter() - started < 10
    assert utterances[0].text.startswith("We talked about the plan")
