"""Regenerate: sampled drafts with a fresh seed, the same tone and length, and never a draft
already shown for the conversation (scripted model; the real model is in
test_assistant_real_model.py)."""

from __future__ import annotations

import itertools

from fakes import ScriptedModel, system_message

from app.assistant.conversation_parse import parse_conversation
from app.assistant.replies import ReplyTask, run_replies
from app.assistant.text_tools import words

CHAT = (
    "Anna: Are we still on for dinner tonight?\nBen: Yes! 7pm at Luigi's\nAnna: Great. Can you book a table for four?"
)
ANSWERS = [
    "Sure, I will book the table for four at Luigi's right now.",
    "Sorry, I cannot call them before six tonight.",
    "Let me check whether they still have a free table.",
    "No problem, I booked a window table for the four of us.",
    "Oh, maybe we should ask for a table on the terrace instead?",
    "Great idea, I will phone Luigi's after work and confirm.",
]


def test_regenerate_samples_and_never_repeats_a_shown_draft():
    """The first drafts are greedy; Regenerate samples (temperature above 0, a seed per try)
    with the same tone and length hints, and a model that offers the shown drafts again (also
    in other case and punctuation) gets them refused: three new drafts come back."""
    conversation = parse_conversation(CHAT, me="Ben")
    first_model = ScriptedModel(lambda prompt, answers=itertools.cycle(ANSWERS[:3]): next(answers))  # noqa: B008 (one cycle per model)
    first = run_replies(first_model, ReplyTask(conversation, "formal", "medium"))
    assert all(c.config.temperature == 0.0 for c in first_model.calls[:3])
    shown = tuple(d.text for d in first.drafts)

    repeats = [a.upper().replace(",", "") for a in ANSWERS[:3]] + ANSWERS
    model = ScriptedModel(lambda prompt, answers=itertools.cycle(repeats): next(answers))  # noqa: B008 (one cycle per model)
    again = run_replies(model, ReplyTask(conversation, "formal", "medium", fresh=True, shown=shown))
    texts = [d.text for d in again.drafts]
    assert len(texts) == 3
    assert not {tuple(words(t)) for t in texts} & {tuple(words(s)) for s in shown}, (texts, shown)
    assert all(c.config.temperature > 0 for c in model.calls)
    assert len({c.config.seed for c in model.calls}) == len(model.calls)
    assert all(
        "polite and formal" in system_message(c.prompt) and "Two or three sentences" in system_message(c.prompt)
        for c in model.calls
    )
    assert all(c.config.max_new_tokens == first_model.calls[0].config.max_new_tokens for c in model.calls)


def test_each_regenerate_has_its_own_seed():
    """Two Regenerates without a given seed draw different seeds (a restart does not replay one)."""
    conversation = parse_conversation(CHAT, me="Ben")
    seeds = []
    for _ in range(2):
        model = ScriptedModel(lambda prompt, answers=itertools.cycle(ANSWERS): next(answers))  # noqa: B008 (one cycle per model)
        run_replies(model, ReplyTask(conversation, fresh=True))
        seeds.append(model.calls[0].config.seed)
    assert None not in seeds and seeds[0] != seeds[1]


def test_shown_fallbacks_are_not_offered_again():
    """A model whose every answer is refused falls back to plain sentences, but not to the
    ones already shown: the second round's fallbacks are other sentences, or fewer drafts."""
    conversation = parse_conversation(CHAT, me="Ben")
    useless = ScriptedModel(lambda prompt: "[Your answer here]")
    first = run_replies(useless, ReplyTask(conversation))
    assert all(not d.from_model for d in first.drafts)
    shown = tuple(d.text for d in first.drafts)
    again = run_replies(useless, ReplyTask(conversation, fresh=True, shown=shown))
    assert not {d.text for d in again.drafts} & set(shown)
