"""Choosing the next token from logits: greedy, temperature, top-k, top-p, repetition penalty
and no-repeat n-grams, in numpy."""

from __future__ import annotations

import numpy as np

from models.slm.api import GenerationConfig


class Sampler:
    def __init__(self, config: GenerationConfig):
        self.config = config
        self.rng = np.random.default_rng(config.seed)

    def banned_by_ngrams(self, generated: list[int]) -> list[int]:
        """Tokens that would repeat an n-gram already in the generated text."""
        n = self.config.no_repeat_ngram_size
        if n <= 0 or len(generated) < n:
            return []
        prefix = tuple(generated[len(generated) - n + 1:]) if n > 1 else ()
        banned = []
        for start in range(len(generated) - n + 1):
            if tuple(generated[start:start + n - 1]) == prefix:
                banned.append(generated[start + n - 1])
        return banned

    def choose(self, logits: np.ndarray, generated: list[int]) -> int:
        config = self.config
        logits = logits.astype(np.float32, copy=True)
        if config.repetition_penalty != 1.0 and generated:
            seen = np.unique(np.asarray(generated, dtype=np.int64))
            values = logits[seen]
            logits[seen] = np.where(values > 0, values / config.repetition_penalty, values * config.repetition_penalty)
        banned = self.banned_by_ngrams(generated)
        if banned:
            logits[banned] = -np.inf
        if config.temperature <= 0:
            return int(np.argmax(logits))
        logits = logits / config.temperature
        if 0 < config.top_k < logits.size:
            cutoff = np.partition(logits, -config.top_k)[-config.top_k]
            logits[logits < cutoff] = -np.inf
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        if config.top_p < 1.0:
            order = np.argsort(-probs)
            cumulative = np.cumsum(probs[order])
            keep = order[: int(np.searchsorted(cumulative, config.top_p) + 1)]
            mask = np.zeros_like(probs)
            mask[keep] = probs[keep]
            probs = mask / mask.sum()
        return int(self.rng.choice(probs.size, p=probs))
