"""The language model's public surface, shared by the real ONNX engine and test fakes.

app/ codes against these types only, so a scripted fake engine (tests) and the real one
(models/slm/engine.py) are interchangeable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GenerationConfig:
    max_new_tokens: int = 256
    temperature: float = 0.0  # 0 means greedy
    top_k: int = 0  # 0 means no top-k cut
    top_p: float = 1.0
    repetition_penalty: float = 1.0  # 1.0 means none
    no_repeat_ngram_size: int = 0  # 0 means no n-gram blocking
    seed: int | None = None
    stop_strings: tuple[str, ...] = ()
    ignore_eos: bool = False
    # Optional constraint on every step of generate() (e.g. valid JSON): called with the ids
    # generated so far, it returns a boolean array over the vocabulary (True = allowed) or None
    # (no constraint at this step). It may keep state for one generation, so give each
    # generate() call its own; generate_batch() does not take one.
    token_mask: Callable[[Sequence[int]], object] | None = None


@dataclass(frozen=True)
class TextDelta:
    """New text since the last delta; never splits a UTF-8 character."""

    text: str


@dataclass(frozen=True)
class GenerationResult:
    prompt_ids: list[int]
    ids: list[int]
    text: str
    stop_reason: str  # "eos", "stop_string", "max_new_tokens", "cancelled"
    prefill_tokens_per_s: float
    decode_tokens_per_s: float


GenerationEvent = TextDelta | GenerationResult


@dataclass(frozen=True)
class BatchDelta:
    """New text of sequence `index` of a batch (see TextDelta)."""

    index: int
    text: str


@dataclass(frozen=True)
class BatchResult:
    """Every sequence's result, in the order the suffixes were given."""

    results: tuple[GenerationResult, ...]


class Tokenizer(Protocol):
    bos_id: int | None
    eos_ids: Sequence[int]
    add_bos: bool

    def encode(self, text: str, *, parse_special: bool = True) -> list[int]:
        """Token ids of text, no BOS added."""

    def decode(self, ids: Sequence[int], *, skip_special: bool = False) -> str: ...


class LanguageModel(Protocol):
    model_id: str
    context_length: int
    tokenizer: Tokenizer

    def render_chat(self, messages: list[dict], *, add_generation_prompt: bool = True) -> str:
        """The model's own chat template applied to [{"role", "content"}, ...]."""

    def count_tokens(self, text: str) -> int: ...

    def generate(
        self,
        prompt: str | Sequence[int],
        config: GenerationConfig = GenerationConfig(),
        cancel: threading.Event | None = None,
    ) -> Iterator[GenerationEvent]:
        """Lazily yields TextDelta events, then exactly one GenerationResult last.

        A str prompt is used verbatim (BOS prepended when the model's metadata says so);
        raises ContextOverflowError (when called, before any event) when the prompt does not fit
        the context; max_new_tokens is cut to the room the context leaves.
        """
