"""The three reply drafts are decoded as one batch over their shared prompt (scripted engine that
can batch; the real engine's batch is in test_assistant_real_model.py): the rounds, their
openings, temperatures and seeds, cancel, and the one-after-another path for engines without
a batch."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field, replace

from fakes import ScriptedModel

from app.assistant.conversation_parse import parse_conversation
from app.assistant.generation import ask_batch, guarded
from app.assistant.replies import ReplyTask, draft_replies, run_replies
from app.assistant.reply_intents import opening_plan
from app.tasks.events import Done, DraftReady, DraftTyping
from models.slm.api import BatchDelta, BatchResult, GenerationConfig, GenerationResult

CHAT = (
    "Anna: Are we still on for dinner tonight?\nBen: Yes! 7pm at Luigi's\nAnna: Great. Can you book a table for four?"
)


@dataclass
class Batch:
    prefix: str
    suffixes: list[str]
    config: GenerationConfig


@dataclass
class BatchingModel(ScriptedModel):
    """A scripted engine with generate_batch: each row is answered as generate() would answer
    prefix + suffix (row i sampled with seed + i, as the real batch does); every batch is kept,
    and generate() calls made outside a batch are counted."""

    batches: list[Batch] = field(default_factory=list)
    single_calls: int = 0
    _in_batch: bool = False

    def generate(self, prompt, config=GenerationConfig(), cancel=None):
        if not self._in_batch:
            self.single_calls += 1
        return super().generate(prompt, config, cancel)

    def generate_batch(self, prefix, suffixes, config=GenerationConfig(), cancel=None):
        self.batches.append(Batch(prefix, list(suffixes), config))
        results = []
        self._in_batch = True
        try:
            for row, suffix in enumerate(suffixes):
                seeded = config if config.seed is None else replace(config, seed=config.seed + row)
                events = list(super().generate(prefix + suffix, seeded, cancel))
                results.append(events[-1])
        finally:
            self._in_batch = False
        for row, result in enumerate(results):
            yield BatchDelta(row, result.text)
        yield BatchResult(tuple(results))


def test_the_three_first_drafts_are_one_batch_over_one_prompt():
    """Three good answers: one generate_batch call, no single generation; its prefix is the
    rendered chat, its rows are the model's own draft (no opening) and the plan's first two
    openings of other intents, decoded greedily; the drafts come back in row order."""
    answers = {
        "": "I'll call Luigi's now and book it.",
        "Sure, I can book a table": " at seven, see you all there.",
        "Sorry, I can't book a table": " right now, they do not answer.",
    }
    model = BatchingModel(lambda prompt: answers[prompt.rsplit("<|im_start|>assistant\n", 1)[-1]])
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")))
    assert len(model.batches) == 1 and model.single_calls == 0
    batch = model.batches[0]
    assert batch.prefix.endswith("<|im_start|>assistant\n") and "book a table for four?" in batch.prefix
    # The question about Ben's own doing is answered in its words first (reply_intents.echo_openings).
    plan = opening_plan("friendly", "question", "Great. Can you book a table for four?")
    assert batch.suffixes == ["", "Sure, I can book a table", "Sorry, I can't book a table"] == [""] + plan[:2]
    assert batch.config.temperature == 0.0
    assert [d.text for d in replies.drafts] == [
        "I'll call Luigi's now and book it.",
        "Sure, I can book a table at seven, see you all there.",
        "Sorry, I can't book a table right now, they do not answer.",
    ]


def test_refused_drafts_are_tried_again_in_a_sampled_round_with_the_next_openings():
    """A model that only repeats itself fills one draft per round of three: the second round is
    sampled, its openings are the plan's next ones (none already used), and its rows each have
    their own seed; the last draft comes from the fallback sentences."""
    model = BatchingModel(lambda prompt: " Sounds good, I will book the table for four at Luigi's.")
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")))
    assert len(replies.drafts) == 3 and len(model.batches) == 2 and model.single_calls == 0
    first, second = model.batches
    assert second.config.temperature > 0 and second.config.seed == 3
    assert len(second.suffixes) == 3 and not set(second.suffixes) & set(first.suffixes)
    seeds = [c.config.seed for c in model.calls[3:]]
    assert seeds == [3, 4, 5]


def test_regenerate_batches_sampled_rows_with_a_seed_each():
    """Regenerate: every row is sampled, row i with the round's seed + i, so the three differ
    and each can be replayed; the round starts from other openings than the first drafts."""
    answers = itertools.cycle(
        [
            "Sure, I will book the table for four at Luigi's right now.",
            "Sorry, I cannot call them before six tonight.",
            "Let me check whether they still have a free table.",
        ]
    )
    model = BatchingModel(lambda prompt: next(answers))
    run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"), fresh=True, seed=1000))
    batch = model.batches[0]
    assert batch.config.temperature > 0 and batch.config.seed == 1000
    assert [c.config.seed for c in model.calls[:3]] == [1000, 1001, 1002]
    assert batch.suffixes[0] == "" and batch.suffixes[1:] != ["Sure, I can book a table", "Sorry, I can't book a table"]


def test_cancel_during_the_batch_ends_without_a_result():
    """The token set while the batch runs: no draft, no Done, no second round."""
    cancel = threading.Event()
    model = BatchingModel(lambda prompt: " Sure, see you there.", on_call=lambda n: cancel.set())
    events = list(draft_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")), cancel))
    assert len(model.batches) == 1 and not any(isinstance(e, (Done, DraftReady)) for e in events)


def test_an_engine_without_a_batch_answers_one_row_after_another_with_the_same_seeds():
    """ask_batch on an engine without generate_batch: one generation per opening, each after
    the shared prompt and its opening, row i sampled with seed + i; a cancel stops the rest."""
    model = ScriptedModel(lambda prompt: " fine")
    config = guarded(10, temperature=0.8, seed=40)
    answers = ask_batch(model, "<|im_start|>assistant\n", ["", "Sure!", "No,"], config)
    assert [a.text for a in answers] == ["fine"] * 3
    assert [c.prompt for c in model.calls] == [
        "<|im_start|>assistant\n",
        "<|im_start|>assistant\nSure!",
        "<|im_start|>assistant\nNo,",
    ]
    assert [c.config.seed for c in model.calls] == [40, 41, 42]
    cancel = threading.Event()
    stopping = ScriptedModel(lambda prompt: " fine", on_call=lambda n: cancel.set())
    answers = ask_batch(stopping, "<|im_start|>assistant\n", ["", "Sure!", "No,"], config, cancel)
    assert len(stopping.calls) == 1 and all(a.cancelled for a in answers)


def test_a_batch_result_becomes_one_answer_per_row():
    """The engine's BatchResult, row by row: text stripped, token counts, stop reasons."""

    class OneBatch:
        def generate_batch(self, prefix, suffixes, config, cancel=None):
            yield BatchDelta(0, " hi")
            yield BatchResult(
                (
                    GenerationResult([1, 2], [5], " hi", "eos", 1.0, 1.0),
                    GenerationResult([1, 2, 3], [6, 7], " there ", "max_new_tokens", 1.0, 1.0),
                )
            )

    answers = ask_batch(OneBatch(), "p", ["", "x"], GenerationConfig())
    assert [(a.text, a.prompt_tokens, a.new_tokens, a.stop_reason, a.cancelled) for a in answers] == [
        ("hi", 2, 1, "eos", False),
        ("there", 3, 2, "max_new_tokens", False),
    ]


@dataclass
class WordByWordModel(BatchingModel):
    """Its rows arrive a word at a time, interleaved, as the real batch's steps do."""

    def generate_batch(self, prefix, suffixes, config=GenerationConfig(), cancel=None):
        events = list(super().generate_batch(prefix, suffixes, config, cancel))
        deltas, result = events[:-1], events[-1]
        pieces = [[f" {word}" if n else word for n, word in enumerate(d.text.split())] for d in deltas]
        for step in itertools.zip_longest(*pieces):
            for row, piece in enumerate(step):
                if piece is not None:
                    yield BatchDelta(row, piece)
        yield result


def test_the_first_draft_is_shown_as_it_is_written_before_any_is_ready():
    """The model's own draft (row 0) comes as DraftTyping events, growing, without its
    "Ben:" label, from its second word on, all before the first DraftReady; then the drafts as
    before."""
    answers = {
        "": "Ben: I'll call Luigi's now and book it.",
        "Sure, I can book a table": " at seven, see you all there.",
        "Sorry, I can't book a table": " right now, they do not answer.",
    }
    model = WordByWordModel(lambda prompt: answers[prompt.rsplit("<|im_start|>assistant\n", 1)[-1]])
    events = list(draft_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"))))
    typed = [e.text for e in events if isinstance(e, DraftTyping)]
    first_ready = next(i for i, e in enumerate(events) if isinstance(e, DraftReady))
    assert max(i for i, e in enumerate(events) if isinstance(e, DraftTyping)) < first_ready
    assert typed[0] == "I'll call" and typed[-1] == "I'll call Luigi's now and book it."
    assert all(a in b for a, b in zip(typed, typed[1:], strict=False))  # it only grows
    assert [e.text for e in events if isinstance(e, DraftReady)][0] == "I'll call Luigi's now and book it."


def test_a_later_round_types_nothing_once_a_draft_is_shown():
    model = WordByWordModel(lambda prompt: " Sounds good, I will book the table for four at Luigi's.")
    events = list(draft_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"))))
    first_ready = next(i for i, e in enumerate(events) if isinstance(e, DraftReady))
    assert not any(isinstance(e, DraftTyping) for e in events[first_ready:])
