"""The language model runtime over ONNX Runtime: prefill in pieces, decode with a KV cache that
is one fixed-size buffer per request (past and present bound to the same memory), sampling,
stop tokens and strings, UTF-8-safe streaming, and a cancel token checked between steps."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import onnxruntime as ort

from models.errors import ContextOverflowError, ModelError
from models.slm.api import GenerationConfig, GenerationEvent, GenerationResult, TextDelta
from models.slm.chat_template import ChatTemplate
from models.slm.genai_config import GenaiConfig
from models.slm.sampling import Sampler
from models.slm.tokenizer import load_tokenizer

PREFILL_PIECE = 256  # tokens per prefill step: large enough to be fast, small enough to cancel quickly
CACHE_GRANULE = 256  # KV buffers are sized to prompt + max new tokens, rounded up to this


def default_threads() -> int:
    try:
        import psutil

        return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
    except ImportError:
        return max(1, os.cpu_count() or 1)


class _KvCache:
    """Past/present tensors of one request, in the layout the model's inputs declare."""

    def __init__(self, config: GenaiConfig, capacity: int, share_buffer: bool):
        self.share = share_buffer
        shape_past = (1, config.num_kv_heads, capacity if share_buffer else 0, config.head_size)
        self.past = [ort.OrtValue.ortvalue_from_numpy(np.zeros(shape_past, np.float32))
                     for _ in range(2 * config.num_layers)]


class OnnxLanguageModel:
    def __init__(self, model_dir: Path, *, threads: int | None = None, model_id: str | None = None):
        self.model_dir = Path(model_dir)
        self.model_id = model_id or self.model_dir.name
        self.config = GenaiConfig.read(self.model_dir)
        self.context_length = self.config.context_length
        self.threads = threads or self.config.intra_op_threads or default_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        model_path = self.model_dir / self.config.filename
        if not model_path.is_file():
            raise ModelError(f"{self.model_dir.name} has no {self.config.filename}; import the model again.")
        try:
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelError(f"ONNX Runtime cannot load {self.model_dir.name} ({exc}).") from exc
        self.tokenizer = load_tokenizer(self.model_dir)
        self.template = ChatTemplate.from_model_dir(self.model_dir)
        self.eos_ids = set(self.config.eos_ids) | set(self.tokenizer.eos_ids)
        names = {i.name for i in self.session.get_inputs()}
        self._has_mask = self.config.attention_mask in names
        self._has_positions = bool(self.config.position_ids) and self.config.position_ids in names
        # Sharing one buffer needs an attention op that writes into it in place (GroupQueryAttention).
        ops = {node_type for node_type in self._op_types()}
        self._share_buffer = self.config.share_buffer and "GroupQueryAttention" in ops

    def _op_types(self):
        try:
            import onnx

            model = onnx.load(str(self.model_dir / self.config.filename), load_external_data=False)
            return {node.op_type for node in model.graph.node}
        except Exception:  # a model onnx cannot parse still ran in onnxruntime: assume no sharing
            return set()

    @classmethod
    def load(cls, model_dir: Path, *, threads: int | None = None, model_id: str | None = None) -> "OnnxLanguageModel":
        return cls(model_dir, threads=threads, model_id=model_id)

    # --- text ------------------------------------------------------------------------------

    def render_chat(self, messages: list[dict], *, add_generation_prompt: bool = True) -> str:
        return self.template.render(messages, add_generation_prompt=add_generation_prompt)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def prompt_ids(self, prompt: str | Sequence[int]) -> list[int]:
        if not isinstance(prompt, str):
            return [int(i) for i in prompt]
        ids = self.tokenizer.encode(prompt)
        if self.tokenizer.add_bos and self.tokenizer.bos_id is not None and ids[:1] != [self.tokenizer.bos_id]:
            ids = [int(self.tokenizer.bos_id)] + ids
        return ids

    # --- running the graph -----------------------------------------------------------------

    def _start(self, capacity: int):
        cache = _KvCache(self.config, capacity, self._share_buffer)
        binding = self.session.io_binding()
        binding.bind_output(self.config.logits)  # bound first, so it is always the first output
        for layer in range(self.config.num_layers):
            for slot, (past_name, present_name) in enumerate(((self.config.past_key, self.config.present_key),
                                                              (self.config.past_value, self.config.present_value))):
                value = cache.past[2 * layer + slot]
                binding.bind_ortvalue_input(past_name % layer, value)
                if cache.share:
                    binding.bind_ortvalue_output(present_name % layer, value)
                else:
                    binding.bind_output(present_name % layer)
        return cache, binding

    def _step(self, cache: _KvCache, binding, ids: list[int], total: int, mask: np.ndarray) -> np.ndarray:
        binding.bind_cpu_input(self.config.input_ids, np.asarray([ids], dtype=np.int64))
        if self._has_mask:
            binding.bind_cpu_input(self.config.attention_mask, mask[:, :total])
        if self._has_positions:
            binding.bind_cpu_input(self.config.position_ids,
                                   np.arange(total - len(ids), total, dtype=np.int64)[None, :])
        self.session.run_with_iobinding(binding)
        outputs = binding.get_outputs()
        logits = outputs[0].numpy()
        if not cache.share:
            # A growing cache: this step's presents are the next step's pasts.
            binding.clear_binding_outputs()
            binding.bind_output(self.config.logits)
            for index, value in enumerate(outputs[1:]):
                cache.past[index] = value
                layer, slot = divmod(index, 2)
                past = (self.config.past_key if slot == 0 else self.config.past_value) % layer
                present = (self.config.present_key if slot == 0 else self.config.present_value) % layer
                binding.bind_ortvalue_input(past, value)
                binding.bind_output(present)
        return logits.reshape(-1, logits.shape[-1])[-1]

    def _prefill(self, cache, binding, ids: list[int], mask: np.ndarray, cancel) -> np.ndarray | None:
        logits = None
        for start in range(0, len(ids), PREFILL_PIECE):
            if cancel is not None and cancel.is_set():
                return None
            piece = ids[start:start + PREFILL_PIECE]
            logits = self._step(cache, binding, piece, start + len(piece), mask)
        return logits

    def last_logits(self, prompt: str | Sequence[int]) -> np.ndarray:
        """The next-token logits after the prompt (for checks against other implementations)."""
        ids = self.prompt_ids(prompt)
        cache, binding = self._start(_round_up(len(ids), self.context_length))
        mask = np.ones((1, _round_up(len(ids), self.context_length)), np.int64)
        return self._prefill(cache, binding, ids, mask, None)

    def generate(self, prompt: str | Sequence[int], config: GenerationConfig = GenerationConfig(),
                 cancel: threading.Event | None = None) -> Iterator[GenerationEvent]:
        ids = self.prompt_ids(prompt)
        if not ids:
            raise ModelError("The prompt is empty; give the model some text.")
        if len(ids) >= self.context_length:
            raise ContextOverflowError(
                f"The prompt is {len(ids)} tokens long but the model's context holds {self.context_length}; "
                "shorten it.")
        max_new = max(0, min(config.max_new_tokens, self.context_length - len(ids)))
        capacity = _round_up(len(ids) + max_new, self.context_length)
        cache, binding = self._start(capacity)
        mask = np.ones((1, capacity), np.int64)
        sampler = Sampler(config)
        started = time.perf_counter()
        logits = self._prefill(cache, binding, ids, mask, cancel)
        prefill_seconds = time.perf_counter() - started
        stream = _TextStream(self.tokenizer, config.stop_strings)
        generated: list[int] = []
        reason = "max_new_tokens"
        decode_started = time.perf_counter()
        if logits is None:
            reason = "cancelled"
        while logits is not None and len(generated) < max_new:
            token = sampler.choose(logits, generated)
            if token in self.eos_ids and not config.ignore_eos:
                reason = "eos"
                break
            generated.append(token)
            delta, stopped = stream.push(generated)
            if delta:
                yield TextDelta(delta)
            if stopped:
                reason = "stop_string"
                break
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            if len(generated) >= max_new:
                break
            logits = self._step(cache, binding, [token], len(ids) + len(generated), mask)
        decode_seconds = time.perf_counter() - decode_started
        tail = stream.finish(generated)
        if tail:
            yield TextDelta(tail)
        steps = max(0, len(generated) - 1)  # the first token came from the prefill's logits
        yield GenerationResult(
            prompt_ids=ids,
            ids=generated,
            text=stream.text,
            stop_reason=reason,
            prefill_tokens_per_s=len(ids) / prefill_seconds if prefill_seconds > 0 else 0.0,
            decode_tokens_per_s=steps / decode_seconds if decode_seconds > 0 and steps else 0.0,
        )


def _round_up(length: int, limit: int) -> int:
    return min(limit, -(-max(length, 1) // CACHE_GRANULE) * CACHE_GRANULE)


class _TextStream:
    """Turns a growing list of ids into text deltas that never split a character and never show
    the start of a stop string before it is known whether it completes."""

    def __init__(self, tokenizer, stop_strings: tuple[str, ...]):
        self.tokenizer = tokenizer
        self.stop_strings = tuple(s for s in stop_strings if s)
        self.hold = max((len(s) for s in self.stop_strings), default=1) - 1
        self.text = ""
        self.emitted = 0
        self.stopped = False

    def push(self, ids: list[int]) -> tuple[str, bool]:
        text = self.tokenizer.decode(ids)
        for stop in self.stop_strings:
            at = text.find(stop)
            if at != -1:
                self.text = text[:at]
                self.stopped = True
                return self._take(len(self.text)), True
        self.text = text
        safe = len(text) - self.hold
        while safe > self.emitted and text[safe - 1] == "\ufffd":
            safe -= 1  # an incomplete UTF-8 sequence: wait for the rest of the character
        return self._take(safe), False

    def finish(self, ids: list[int]) -> str:
        if not self.stopped and ids:
            # A character cut off by the token limit is dropped rather than shown broken.
            self.text = self.tokenizer.decode(ids).rstrip("\ufffd")
        return self._take(len(self.text))

    def _take(self, end: int) -> str:
        if end <= self.emitted:
            return ""
        delta = self.text[self.emitted:end]
        self.emitted = end
        return delta
