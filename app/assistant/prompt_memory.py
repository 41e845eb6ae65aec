"""What a language model already answered, given again for the same prompt and settings.

A summary made while a meeting is still being recorded asks the model about the parts that
are finished; the summary made at Stop asks the same questions about them again, word for
word. Greedy decoding (or a fixed seed) gives the same answer to the same prompt, so those
answers are remembered, by model, and the summary at Stop only has to ask about what is new.

Only answers that are certain to repeat are kept: no sampling without a seed, no token mask
unless it says what it allows (a `memo_key`, as the JSON constraint's grammar), no cancelled
answer. The memory is bounded and lives as long as the loaded model does.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace

from models.slm.api import GenerationConfig, GenerationResult, LanguageModel, TextDelta

ENTRIES = 256  # answers kept per model: a two-hour meeting asks well under a hundred (at most ~20 MB)


class PromptMemory:
    def __init__(self, entries: int = ENTRIES):
        self._answers: OrderedDict[tuple, GenerationResult] = OrderedDict()
        self._entries = entries
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple) -> GenerationResult | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: tuple, result: GenerationResult) -> None:
        with self._lock:
            self._answers[key] = result
            self._answers.move_to_end(key)
            while len(self._answers) > self._entries:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)


# By the model object's identity (a model need not be hashable); an entry goes with its model.
_MEMORIES: dict[int, PromptMemory] = {}
_MEMORIES_LOCK = threading.Lock()


def memory_of(model: LanguageModel) -> PromptMemory:
    """The memory of this loaded model (a new model, or the same one loaded again, starts empty)."""
    with _MEMORIES_LOCK:
        memory = _MEMORIES.get(id(model))
        if memory is None:
            memory = _MEMORIES[id(model)] = PromptMemory()
            weakref.finalize(model, _forget, id(model))
        return memory


def _forget(model_id: int) -> None:
    with _MEMORIES_LOCK:
        _MEMORIES.pop(model_id, None)


class RememberingModel:
    """The model, answering from its memory when it has answered this exact question before;
    everything but generate() is the model's own."""

    def __init__(self, model: LanguageModel, memory: PromptMemory):
        self.model = model
        self.memory = memory

    def __getattr__(self, name: str):
        return getattr(self.model, name)

    def generate(
        self,
        prompt,
        config: GenerationConfig = GenerationConfig(),
        cancel: threading.Event | None = None,
    ) -> Iterator:
        key = _key(prompt, config)
        remembered = self.memory.get(key) if key is not None else None
        if remembered is not None:
            return iter([TextDelta(remembered.text), remembered] if remembered.text else [remembered])
        events = self.model.generate(prompt, config, cancel)  # raises here on a prompt too long
        return events if key is None else self._kept(events, key)

    def _kept(self, events: Iterator, key: tuple) -> Iterator:
        result = None
        for event in events:
            if isinstance(event, GenerationResult):
                result = event
            yield event
        if result is not None and result.stop_reason != "cancelled":
            self.memory.put(key, result)


def remembering(model: LanguageModel) -> LanguageModel:
    if isinstance(model, RememberingModel):
        return model
    return RememberingModel(model, memory_of(model))


def _key(prompt, config: GenerationConfig) -> tuple | None:
    if config.temperature > 0 and config.seed is None:
        return None
    mask = None
    if config.token_mask is not None:  # a mask holds state: it stands in by what it allows, if it says
        mask = getattr(config.token_mask, "memo_key", None)
        if mask is None:
            return None
        config = replace(config, token_mask=None)
    try:
        hash((config, mask))
    except TypeError:  # a field that is a list: not a settings value that can be compared
        return None
    return (prompt if isinstance(prompt, str) else tuple(prompt), config, mask)
