"""One request's KV cache and the io binding that feeds it to the decoder graph.

Two layouts, chosen by what the model can do:
- shared (past_present_share_buffer, with GroupQueryAttention): one fixed-size buffer per layer
  and kind, sized for the whole request, bound as both past input and present output, so that
  the attention op appends in place and nothing is copied or reallocated between steps;
- growing (any other attention): each step's present outputs become the next step's pasts.
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from models.errors import ModelError
from models.slm.genai_config import GenaiConfig


class KvCache:
    def __init__(self, session: ort.InferenceSession, config: GenaiConfig, capacity: int, shared: bool, io: DecoderIo):
        self.session, self.config, self.io = session, config, io
        self.shared = shared
        self.capacity = capacity
        self.length = 0  # positions already in the cache
        self.mask = np.ones((1, capacity), np.int64)
        self.binding = session.io_binding()
        # Bound first so that it stays the first output; the presents follow in slot order.
        self.binding.bind_output(config.logits)
        past_length = capacity if shared else 0
        shape = (1, config.num_kv_heads, past_length, config.head_size)
        self.values = [
            ort.OrtValue.ortvalue_from_numpy(np.zeros(shape, io.cache_dtype)) for _ in range(2 * config.num_layers)
        ]
        for index, value in enumerate(self.values):
            past, present = io.cache_names(index)
            self.binding.bind_ortvalue_input(past, value)
            if shared:
                self.binding.bind_ortvalue_output(present, value)
            else:
                self.binding.bind_output(present)
        # A fixed buffer for single-token steps: decoding allocates nothing for its logits.
        self._step_logits = np.zeros((1, 1, io.vocab_size), np.float32)
        self._step_logits_value = ort.OrtValue.ortvalue_from_numpy(self._step_logits)
        self._logits_bound_to_buffer = False

    def run(self, ids: list[int]) -> np.ndarray:
        """Feeds ids after what is cached; returns the logits of the last position (a view that the
        next call overwrites: copy it to keep it)."""
        total = self.length + len(ids)
        if total > self.capacity:
            raise ValueError(f"the KV cache holds {self.capacity} positions, {total} were asked for")
        b = self.binding
        b.bind_cpu_input(self.config.input_ids, np.asarray([ids], dtype=np.int64))
        if self.io.has_mask:
            b.bind_cpu_input(self.config.attention_mask, self.mask[:, :total])
        if self.io.has_positions:
            b.bind_cpu_input(self.config.position_ids, np.arange(self.length, total, dtype=np.int64)[None, :])
        single = len(ids) == 1 or self.io.last_logits_only
        if single != self._logits_bound_to_buffer:
            if single:
                b.bind_ortvalue_output(self.config.logits, self._step_logits_value)
            else:
                b.bind_output(self.config.logits)
            self._logits_bound_to_buffer = single
        self.session.run_with_iobinding(b)
        self.length = total
        if not self.shared:
            self._carry_presents_over()
        if single:
            return self._step_logits.reshape(-1)
        logits = self.binding.get_outputs()[0].numpy()
        return logits.reshape(-1, logits.shape[-1])[-1]

    def _carry_presents_over(self) -> None:
        outputs = self.binding.get_outputs()
        for index in range(len(self.values)):
            past, present = self.io.cache_names(index)
            value = outputs[1 + index]
            self.values[index] = value
            self.binding.bind_ortvalue_input(past, value)
            self.binding.bind_output(present)


class DecoderIo:
    """What the session's inputs and outputs are called and look like (from genai_config.json)."""

    def __init__(self, session: ort.InferenceSession, config: GenaiConfig):
        self.config = config
        inputs = {i.name: i for i in session.get_inputs()}
        outputs = {o.name: o for o in session.get_outputs()}
        missing = [n for n in [config.input_ids, config.past_key % 0, config.past_value % 0] if n not in inputs]
        missing += [n for n in [config.logits, config.present_key % 0, config.present_value % 0] if n not in outputs]
        if missing:
            raise ModelError(
                f"The model has no input or output named {missing[0]} that its genai_config.json names; "
                "the folder does not belong together."
            )
        self.has_mask = bool(config.attention_mask) and config.attention_mask in inputs
        self.has_positions = bool(config.position_ids) and config.position_ids in inputs
        kv_type = inputs[config.past_key % 0].type
        self.cache_dtype = np.float16 if "float16" in kv_type else np.float32
        logits_shape = outputs[config.logits].shape
        self.vocab_size = int(logits_shape[-1]) if isinstance(logits_shape[-1], int) else config.vocab_size
        # A graph that computes only the last position's logits declares [batch, 1, vocab].
        self.last_logits_only = len(logits_shape) == 3 and logits_shape[1] == 1

    def cache_names(self, index: int) -> tuple[str, str]:
        """(past input, present output) of cache slot index (2 * layer + 0 for keys, + 1 for values)."""
        layer, slot = divmod(index, 2)
        c = self.config
        if slot == 0:
            return c.past_key % layer, c.present_key % layer
        return c.past_value % layer, c.present_value % layer
