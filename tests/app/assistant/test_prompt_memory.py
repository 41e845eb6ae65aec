"""The model's memory of its answers: the same prompt with the same settings is answered again
without the model; only answers certain to repeat are kept; it is bounded."""

from __future__ import annotations

import threading

import pytest
from fakes import ScriptedModel

from app.assistant.generation import ask, guarded
from app.assistant.prompt_memory import PromptMemory, RememberingModel, remembering
from models.errors import ContextOverflowError


def counting_model() -> ScriptedModel:
    return ScriptedModel(lambda prompt: f"Answer number {len(model.calls)}.")


model: ScriptedModel


@pytest.fixture(autouse=True)
def fresh_model():
    global model
    model = counting_model()


def test_the_same_question_is_answered_from_memory():
    remembered = remembering(model)
    first = ask(remembered, "What was decided?", guarded(20))
    again = ask(remembered, "What was decided?", guarded(20))
    assert first.text == again.text == "Answer number 1." and len(model.calls) == 1
    assert remembering(model).memory is remembered.memory  # one memory per loaded model
    assert ask(remembered, "What was decided?", guarded(21)).text == "Answer number 2."  # other settings
    assert ask(remembered, "Who owns it?", guarded(20)).text == "Answer number 3."


def test_answers_that_may_differ_are_not_kept():
    remembered = remembering(model)
    for config in (guarded(20, temperature=0.7), guarded(20, token_mask=lambda ids: None)):
        ask(remembered, "Draft a reply", config)
        ask(remembered, "Draft a reply", config)
    assert len(model.calls) == 4
    ask(remembered, "Draft a reply", guarded(20, temperature=0.7, seed=3))
    ask(remembered, "Draft a reply", guarded(20, temperature=0.7, seed=3))  # a seed makes it repeat
    assert len(model.calls) == 5


def test_a_cancelled_answer_is_not_kept():
    cancel = threading.Event()
    cancel.set()
    remembered = remembering(model)
    assert ask(remembered, "What was decided?", guarded(20), cancel).cancelled
    assert ask(remembered, "What was decided?", guarded(20)).text == "Answer number 2."


def test_a_prompt_too_long_fails_as_the_model_does_and_nothing_is_kept():
    remembered = remembering(model)
    with pytest.raises(ContextOverflowError):
        list(remembered.generate("word " * 3000, guarded(20)))
    assert len(remembered.memory) == 0


def test_the_memory_is_bounded_and_forgets_the_oldest():
    remembered = RememberingModel(model, PromptMemory(entries=2))
    for question in ("one?", "two?", "three?"):
        ask(remembered, question, guarded(20))
    assert len(remembered.memory) == 2
    ask(remembered, "three?", guarded(20))
    ask(remembered, "one?", guarded(20))
    assert len(model.calls) == 4  # "one?" was forgotten, "three?" was not


def test_the_memory_goes_with_its_model():
    import gc

    from app.assistant import prompt_memory

    global model
    ask(remembering(model), "What was decided?", guarded(20))
    key = id(model)
    assert key in prompt_memory._MEMORIES
    model = None
    gc.collect()
    assert key not in prompt_memory._MEMORIES


def test_a_mask_that_says_what_it_allows_is_remembered_by_it():
    """A JSON mask stands in by its grammar (memo_key): the same grammar is remembered, another
    is asked again; a mask that does not say is never remembered."""

    class Mask:
        def __init__(self, grammar):
            self.memo_key = ("json-grammar", grammar)

        def __call__(self, ids):
            return None

    remembered = remembering(model)
    ask(remembered, "Extract the items", guarded(20, token_mask=Mask("A")))
    ask(remembered, "Extract the items", guarded(20, token_mask=Mask("A")))
    assert len(model.calls) == 1
    ask(remembered, "Extract the items", guarded(20, token_mask=Mask("B")))
    assert len(model.calls) == 2
