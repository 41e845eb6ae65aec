"""Valid JSON while it is generated: llguidance turns a JSON schema into a grammar and, at each
step, into the set of tokens that keep the text valid; the engine's sampler keeps only those
(GenerationConfig.token_mask). A model that would ramble still writes parseable JSON of the
schema's shape, and bounded arrays and strings (maxItems, maxLength) make it end.

llguidance reads the model's own tokenizer (tokenizer.json in its folder), so the mask is in
the engine's token ids. Building that tokenizer takes a second or two: it is built once per
model folder and kept.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

TOKENIZER_FILE = "tokenizer.json"
GENAI_CONFIG = "genai_config.json"


@lru_cache(maxsize=4)
def _ll_tokenizer(folder: str, eos_ids: tuple[int, ...]):
    import llguidance

    path = Path(folder)
    try:
        vocab_size = int(json.loads((path / GENAI_CONFIG).read_text())["model"]["vocab_size"])
    except (OSError, ValueError, KeyError, TypeError):
        vocab_size = None  # the tokenizer's own size; the sampler masks logits past it
    return llguidance.LLTokenizer(
        (path / TOKENIZER_FILE).read_text(encoding="utf-8"), n_vocab=vocab_size, eos_token=list(eos_ids)
    )


_build_lock = threading.Lock()


def can_constrain(model) -> bool:
    """Whether the model has a folder with a tokenizer.json that llguidance can read."""
    folder = getattr(model, "model_dir", None)
    return folder is not None and (Path(folder) / TOKENIZER_FILE).is_file()


class JsonMask:
    """The token mask of one generation: call it with the ids generated so far (the sampler
    does), get the tokens that keep the text a prefix of a JSON document of the schema. Once
    the document is complete only the end-of-text tokens are allowed."""

    def __init__(self, tokenizer, grammar: str):
        import llguidance

        self.matcher = llguidance.LLMatcher(tokenizer, grammar, log_level=0)
        if self.matcher.is_error():
            raise ValueError(f"the JSON schema did not compile: {self.matcher.get_error()}")
        self.vocab_size = tokenizer.vocab_size
        self.consumed = 0
        # Two masks of one grammar allow the same tokens after the same ids: with greedy
        # decoding, the same prompt gets the same answer (app.assistant.prompt_memory).
        self.memo_key = ("json-grammar", grammar)

    @property
    def failed(self) -> str:
        """Why the constraint broke ('' while it holds)."""
        return self.matcher.get_error() if self.matcher.is_error() else ""

    def __call__(self, generated: Sequence[int]) -> np.ndarray | None:
        for token in generated[self.consumed :]:
            self.matcher.consume_token(int(token))
        self.consumed = len(generated)
        if self.matcher.is_error():
            return None  # the caller's JSON parse tells it the text is not what it asked for
        bits = np.frombuffer(self.matcher.compute_bitmask(), dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little")[: self.vocab_size].astype(bool)


class JsonSchemaConstraint:
    """Masks for one JSON schema on one model: `new_mask()` for every generation."""

    def __init__(self, model, schema: dict):
        import llguidance

        eos_ids = tuple(sorted(int(i) for i in getattr(model, "eos_ids", None) or model.tokenizer.eos_ids))
        with _build_lock:  # two workers asking at once build the tokenizer once
            self.tokenizer = _ll_tokenizer(str(Path(model.model_dir).resolve()), eos_ids)
        # Compact JSON (no free whitespace): a small model cannot pad it with endless newlines.
        self.grammar = llguidance.LLMatcher.grammar_from_json_schema(schema, defaults={"whitespace_flexible": False})
        error = llguidance.LLMatcher.validate_grammar(self.grammar, self.tokenizer)
        if error and not error.startswith("WARNING"):
            raise ValueError(f"the JSON schema did not compile: {error}")

    def new_mask(self) -> JsonMask:
        return JsonMask(self.tokenizer, self.grammar)


def json_constraint(model, schema: dict) -> JsonSchemaConstraint | None:
    """The constraint for schema on model, or None when the model has no tokenizer.json (a
    scripted test model: its answers are parsed and checked like any other)."""
    if not can_constrain(model):
        return None
    return JsonSchemaConstraint(model, schema)
