"""Several sequences over one shared prompt prefix, decoded together.

Decoding is memory-bound: one step reads every weight once whatever the number of rows, so three
reply drafts in one batch cost little more than one. The prefix is prefilled once, in row 0 of a
KV buffer with one row per sequence, and its keys and values are copied to the other rows; each
row's own suffix is then prefilled alone, through a batch-1 binding over that row (a view of the
same memory); every decoding step then runs all rows at once. Rows may differ in length: the
attention op takes each row's length from its attention mask.

This needs the in-place KV buffer of GroupQueryAttention (past_present_share_buffer); a model
without it is run one sequence after another, with the same results.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np
import onnxruntime as ort

from models.slm.api import BatchDelta, BatchResult, GenerationConfig, GenerationResult
from models.slm.sampling import Sampler
from models.slm.streaming import TextStream


class BatchKvCache:
    """rows KV buffers of capacity positions each, bound for one row at a time or all rows."""

    def __init__(self, session: ort.InferenceSession, config, io, rows: int, capacity: int):
        self.session, self.config, self.io = session, config, io
        self.capacity = capacity
        self.lengths = [0] * rows
        shape = (rows, config.num_kv_heads, capacity, config.head_size)
        self.arrays = [np.zeros(shape, io.cache_dtype) for _ in range(2 * config.num_layers)]
        self._logits = np.zeros((rows, 1, io.vocab_size), np.float32)
        self._all = self._binding(
            [ort.OrtValue.ortvalue_from_numpy(a) for a in self.arrays], ort.OrtValue.ortvalue_from_numpy(self._logits)
        )
        self._rows: dict[int, ort.IOBinding] = {}
        self._mask = np.zeros((rows, capacity), np.int64)

    def _binding(self, values: list, logits=None) -> ort.IOBinding:
        binding = self.session.io_binding()
        # logits first, so that they are the first of the binding's outputs
        if logits is None:
            binding.bind_output(self.config.logits)
        else:
            binding.bind_ortvalue_output(self.config.logits, logits)
        for index, value in enumerate(values):
            past, present = self.io.cache_names(index)
            binding.bind_ortvalue_input(past, value)
            binding.bind_ortvalue_output(present, value)
        return binding

    def _row_binding(self, row: int) -> ort.IOBinding:
        if row not in self._rows:
            # a slice along the first axis of a C-ordered array is contiguous: the OrtValue wraps
            # that row's memory, so the attention op appends into the shared buffer itself
            views = [ort.OrtValue.ortvalue_from_numpy(a[row : row + 1]) for a in self.arrays]
            self._rows[row] = self._binding(views)
        return self._rows[row]

    def run_row(self, row: int, ids: Sequence[int]) -> np.ndarray:
        """Feeds ids after row's cached positions, alone; the last position's logits (a copy)."""
        start, total = self.lengths[row], self.lengths[row] + len(ids)
        self._check(total)
        binding = self._row_binding(row)
        binding.bind_cpu_input(self.config.input_ids, np.asarray([ids], dtype=np.int64))
        if self.io.has_mask:
            binding.bind_cpu_input(self.config.attention_mask, np.ones((1, total), np.int64))
        if self.io.has_positions:
            binding.bind_cpu_input(self.config.position_ids, np.arange(start, total, dtype=np.int64)[None, :])
        self.session.run_with_iobinding(binding)
        self.lengths[row] = total
        logits = binding.get_outputs()[0].numpy()
        return logits.reshape(-1, logits.shape[-1])[-1].copy()

    def copy_row(self, source: int, targets: Sequence[int]) -> None:
        """Gives target rows the cached positions of source (the shared prefix)."""
        length = self.lengths[source]
        for array in self.arrays:
            array[list(targets), :, :length] = array[source : source + 1, :, :length]
        for row in targets:
            self.lengths[row] = length

    def run_all(self, tokens: Sequence[int]) -> np.ndarray:
        """One token for every row, in one step: logits [rows, vocab] (overwritten by the next call)."""
        lengths = [length + 1 for length in self.lengths]
        width = max(lengths)
        self._check(width)
        b = self._all
        b.bind_cpu_input(self.config.input_ids, np.asarray(tokens, dtype=np.int64)[:, None])
        if self.io.has_mask:
            mask = self._mask[:, :width]
            mask[:] = 0
            for row, length in enumerate(lengths):
                mask[row, :length] = 1
            b.bind_cpu_input(self.config.attention_mask, mask)
        if self.io.has_positions:
            b.bind_cpu_input(self.config.position_ids, np.asarray(self.lengths, dtype=np.int64)[:, None])
        self.session.run_with_iobinding(b)
        self.lengths = lengths
        return self._logits.reshape(len(lengths), -1)

    def _check(self, total: int) -> None:
        if total > self.capacity:
            raise ValueError(f"the KV cache holds {self.capacity} positions, {total} were asked for")


def generate_batch(
    engine,
    prefix: list[int],
    suffixes: list[list[int]],
    config: GenerationConfig,
    capacity: int,
    cancel: threading.Event | None = None,
) -> Iterator[BatchDelta | BatchResult]:
    """The decoding loop over all rows (engine: an OnnxLanguageModel; checks are the caller's).

    Each row samples with its own Sampler; with a seed, row i uses seed + i, so that sampled
    drafts differ and are each reproducible. A finished row keeps stepping with the others (its
    tokens are ignored): a batch costs about as much with three rows as with two."""
    rows = len(suffixes)
    prefill_seconds = 0.0
    cache = BatchKvCache(engine.session, engine.config, engine.io, rows, capacity)
    started = time.perf_counter()
    prefix_logits = engine.prefill_with(lambda ids: cache.run_row(0, ids), prefix, cancel)
    samplers = [
        Sampler(config if config.seed is None else replace(config, seed=config.seed + row)) for row in range(rows)
    ]
    streams = [TextStream(engine.tokenizer, config.stop_strings) for _ in range(rows)]
    generated: list[list[int]] = [[] for _ in range(rows)]
    reasons = ["cancelled"] * rows
    if prefix_logits is not None:
        cache.copy_row(0, range(1, rows))
        logits = [
            engine.prefill_with(lambda ids, row=row: cache.run_row(row, ids), suffix, cancel)
            if suffix
            else prefix_logits
            for row, suffix in enumerate(suffixes)
        ]
        max_new = config.max_new_tokens
        prefilled = not any(row is None for row in logits)
        active = list(range(rows)) if prefilled and max_new > 0 else []
        reasons = ["max_new_tokens"] * rows if prefilled else reasons
        prefill_seconds = time.perf_counter() - started
        while active:
            for row in list(active):
                token = samplers[row].choose(logits[row], generated[row])
                if token in engine.eos_ids and not config.ignore_eos:
                    reasons[row] = "eos"
                    active.remove(row)
                    continue
                generated[row].append(token)
                delta, stopped = streams[row].push(generated[row])
                if delta:
                    yield BatchDelta(row, delta)
                if stopped or len(generated[row]) >= max_new:
                    reasons[row] = "stop_string" if stopped else "max_new_tokens"
                    active.remove(row)
            if cancel is not None and cancel.is_set():
                for row in active:
                    reasons[row] = "cancelled"
                break
            if active:
                step = cache.run_all([ids[-1] if ids else 0 for ids in generated])
                logits = [step[row] for row in range(rows)]
    prefilled_at_all = prefix_logits is not None and prefill_seconds > 0
    decode_seconds = time.perf_counter() - started - prefill_seconds if prefilled_at_all else 0.0
    prompt_tokens = len(prefix) + sum(len(suffix) for suffix in suffixes)
    results = []
    for row in range(rows):
        tail = streams[row].finish()
        if tail:
            yield BatchDelta(row, tail)
        steps = max(0, len(generated[row]) - 1)
        results.append(
            GenerationResult(
                prompt_ids=prefix + list(suffixes[row]),
                ids=generated[row],
                text=streams[row].text,
                stop_reason=reasons[row],
                # the batch's figures: prompt tokens actually computed, and each sequence's own pace
                prefill_tokens_per_s=prompt_tokens / prefill_seconds if prefilled_at_all else 0.0,
                decode_tokens_per_s=steps / decode_seconds if decode_seconds > 0 and steps else 0.0,
            )
        )
    yield BatchResult(tuple(results))
