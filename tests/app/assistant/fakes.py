"""A scripted language model with the LanguageModel protocol, for fast tests of the pipeline's
arithmetic and checks (never instead of the real-model tests).

Its tokenizer counts one token per word or punctuation mark, so token budgets are easy to
reason about; generate() refuses any prompt that, with its max_new_tokens, would not fit the
context, exactly as the real engine does, and records every prompt it was given.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from models.errors import ContextOverflowError
from models.slm.api import GenerationConfig, GenerationResult, TextDelta

TOKEN = re.compile(r"<\|[a-z_]+\|>|\w+|[^\w\s]")


class WordTokenizer:
    bos_id = None
    eos_ids = (0,)
    add_bos = False

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.words: list[str] = ["<eos>"]

    def encode(self, text: str, *, parse_special: bool = True) -> list[int]:
        ids = []
        for token in TOKEN.findall(text):
            if token not in self.vocab:
                self.vocab[token] = len(self.words)
                self.words.append(token)
            ids.append(self.vocab[token])
        return ids

    def decode(self, ids: Sequence[int], *, skip_special: bool = False) -> str:
        return " ".join(self.words[i] for i in ids)


@dataclass
class Call:
    prompt: str
    prompt_tokens: int
    config: GenerationConfig


@dataclass
class ScriptedModel:
    """respond(prompt) -> the text the 'model' writes. Everything else is bookkeeping."""

    respond: Callable[[str], str]
    context_length: int = 2048
    model_id: str = "scripted"
    calls: list[Call] = field(default_factory=list)
    on_call: Callable[[int], None] | None = None  # e.g. to set a cancel token at the n-th call

    def __post_init__(self):
        self.tokenizer = WordTokenizer()

    def render_chat(self, messages: list[dict], *, add_generation_prompt: bool = True) -> str:
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return text + ("<|im_start|>assistant\n" if add_generation_prompt else "")

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def generate(
        self, prompt, config: GenerationConfig = GenerationConfig(), cancel: threading.Event | None = None
    ) -> Iterator:
        text = prompt if isinstance(prompt, str) else self.tokenizer.decode(prompt)
        n_prompt = self.count_tokens(text)
        if n_prompt + config.max_new_tokens > self.context_length:
            raise ContextOverflowError(
                f"prompt of {n_prompt} tokens + {config.max_new_tokens} new does not fit {self.context_length}"
            )
        self.calls.append(Call(text, n_prompt, config))
        if self.on_call is not None:
            self.on_call(len(self.calls))
        if cancel is not None and cancel.is_set():
            yield GenerationResult([0] * n_prompt, [], "", "cancelled", 1.0, 1.0)
            return
        answer = self.respond(text)
        pieces = re.findall(r"\s*\S+", answer)  # each with the space before it, as BPE pieces come
        out = ""
        reason = "eos"
        for count, piece in enumerate(pieces):
            if count >= config.max_new_tokens:
                reason = "max_new_tokens"
                break
            candidate = out + piece
            stop = next((s for s in config.stop_strings if s and s in candidate), None)
            if stop is not None:
                out = candidate[: candidate.index(stop)]
                reason = "stop_string"
                break
            out = candidate
            yield TextDelta(piece)
        yield GenerationResult([0] * n_prompt, [1] * len(out.split()), out, reason, 1000.0, 100.0)


def last_user_message(prompt: str) -> str:
    """The content of the last user turn of a prompt rendered by ScriptedModel.render_chat."""
    parts = prompt.split("<|im_start|>user\n")
    return parts[-1].split("<|im_end|>")[0] if len(parts) > 1 else ""


def system_message(prompt: str) -> str:
    parts = prompt.split("<|im_start|>system\n")
    return parts[1].split("<|im_end|>")[0] if len(parts) > 1 else ""
