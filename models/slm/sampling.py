"""Choosing the next token from logits: greedy, temperature, top-k, top-p, repetition penalty
and no-repeat n-grams, in numpy; and an optional token mask (GenerationConfig.token_mask) that
keeps only the tokens a constraint allows (valid JSON, for instance)."""

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
        prefix = tuple(generated[len(generated) - n + 1 :]) if n > 1 else ()
        banned = []
        for start in range(len(generated) - n + 1):
            if tuple(generated[start : start + n - 1]) == prefix:
                banned.append(generated[start + n - 1])
        return banned

    def choose(self, logits: np.ndarray, generated: list[int]) -> int:
        config = self.config
        logits = logits.astype(np.float32, copy=True)
        if config.repetition_penalty != 1.0 and generated:
            seen = np.unique(np.asarray(generated, dtype=np.int64))
            values = logits[seen]
            logits[seen] = np.where(values > 0, values / config.repetition_penalty, values * config.repetition_penalty)
        if config.token_mask is not None:
            logits = self.masked(logits, config.token_mask(generated))
        banned = self.banned_by_ngrams(generated)
        if banned and config.token_mask is None:
            logits[banned] = -np.inf
        elif banned:
            # The mask wins over the loop guard: when it allows only banned tokens (a JSON key
            # that repeats an n-gram), they stay rather than leaving nothing to choose.
            guarded = logits.copy()
            guarded[banned] = -np.inf
            if np.isfinite(guarded).any():
                logits = guarded
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

    @staticmethod
    def masked(logits: np.ndarray, allowed) -> np.ndarray:
        """logits with every token the mask does not allow at -inf (None: all allowed)."""
        if allowed is None:
            return logits
        allowed = np.asarray(allowed, dtype=bool)[: logits.size]
        if allowed.size < logits.size:  # logits past the mask's vocabulary: no such tokens
            allowed = np.concatenate([allowed, np.zeros(logits.size - allowed.size, dtype=bool)])
        if not allowed.any():
            return logits  # a constraint that allows nothing has failed; its caller checks the text
        return np.where(allowed, logits, np.float32(-np.inf)).astype(np.float32, copy=False)
