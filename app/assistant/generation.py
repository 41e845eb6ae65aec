"""One call to the language model: messages in, text out, with the loop guards always on; and
several continuations of one prompt decoded together (ask_batch)."""

from __future__ import annotations

import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace

from models.slm.api import BatchDelta, BatchResult, GenerationConfig, GenerationResult, LanguageModel

# Small models loop. These settings are the first guard; grounding.strip_repetition the second.
GUARDED = GenerationConfig(max_new_tokens=96, temperature=0.0, repetition_penalty=1.15, no_repeat_ngram_size=4)


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int
    new_tokens: int
    cancelled: bool
    stop_reason: str = "eos"


def guarded(max_new_tokens: int, **changes) -> GenerationConfig:
    return replace(GUARDED, max_new_tokens=max_new_tokens, **changes)


def prompt_tokens(model: LanguageModel, messages: list[dict]) -> int:
    return model.count_tokens(model.render_chat(messages))


def fits(model: LanguageModel, messages: list[dict], max_new_tokens: int) -> bool:
    return prompt_tokens(model, messages) + max_new_tokens <= model.context_length


def ask(
    model: LanguageModel,
    messages: list[dict] | str,
    config: GenerationConfig,
    cancel: threading.Event | None = None,
    opening: str = "",
) -> Answer:
    """Runs the model to the end (or the cancel) and returns its whole answer.

    A str is a prompt already rendered (used verbatim). opening is put in the model's mouth:
    the answer starts with it (a small model then writes a summary, not a copy of the input),
    and the returned text includes it.
    """
    prompt = messages if isinstance(messages, str) else model.render_chat(messages)
    prompt += opening
    result: GenerationResult | None = None
    for event in model.generate(prompt, config, cancel):
        if isinstance(event, GenerationResult):
            result = event
    if result is None:  # the protocol promises a result; a broken engine is a bug, not a user error
        raise RuntimeError("the language model ended without a result")
    cancelled = result.stop_reason == "cancelled" or bool(cancel is not None and cancel.is_set())
    text = result.text if not opening else opening + result.text
    return Answer(text.strip(), len(result.prompt_ids), len(result.ids), cancelled, result.stop_reason)


def ask_batch_streaming(
    model: LanguageModel,
    prompt: str,
    openings: Sequence[str],
    config: GenerationConfig,
    cancel: threading.Event | None = None,
) -> Generator[tuple[int, str], None, list[Answer]]:
    """One answer per opening, each continuing the rendered prompt after its opening (the
    answers do not include the openings). An engine with generate_batch decodes them as one
    batch: the shared prompt is prefilled once and every step serves all rows (decoding is
    memory-bound, so three answers cost little more than one). Another engine (an imported
    folder without the in-place cache, the test fakes) answers them one after another, with
    the same seeds: row i samples with config.seed + i, as the batch does.

    Yields (row, new text) as the rows are written (the batch's own deltas; one row after another
    on an engine without batches) and returns the answers.

    The prompt must end where a token ends (a chat prompt ends with the assistant's header and
    a newline), because the engine encodes each opening on its own."""
    batch = getattr(model, "generate_batch", None)
    if batch is None:
        answers = []
        for row, opening in enumerate(openings):
            if cancel is not None and cancel.is_set():
                answers.append(Answer("", 0, 0, True, "cancelled"))
                continue
            seeded = config if config.seed is None else replace(config, seed=config.seed + row)
            answers.append(ask(model, prompt + opening, seeded, cancel))
            yield row, answers[-1].text
        return answers
    outcome: BatchResult | None = None
    for event in batch(prompt, list(openings), config, cancel):
        if isinstance(event, BatchResult):
            outcome = event
        elif isinstance(event, BatchDelta):
            yield event.index, event.text
    if outcome is None or len(outcome.results) != len(openings):
        raise RuntimeError("the language model's batch ended without a result for every row")
    cancelled = bool(cancel is not None and cancel.is_set())
    return [
        Answer(
            result.text.strip(),
            len(result.prompt_ids),
            len(result.ids),
            cancelled or result.stop_reason == "cancelled",
            result.stop_reason,
        )
        for result in outcome.results
    ]


def ask_batch(
    model: LanguageModel,
    prompt: str,
    openings: Sequence[str],
    config: GenerationConfig,
    cancel: threading.Event | None = None,
) -> list[Answer]:
    """ask_batch_streaming's answers, without the text as it comes."""
    steps = ask_batch_streaming(model, prompt, openings, config, cancel)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
