"""The language model runtime over ONNX Runtime: prefill in pieces with a cancel check between them,
decode with a KV cache sized per request (kv_cache.py), sampling (sampling.py), stop tokens and
stop strings, UTF-8-safe streaming (streaming.py), and a cancel token checked between tokens;
several continuations of one prompt decoded in one batch (batch.py).

It runs any folder in the onnxruntime-genai layout: names, sizes and options come from its
genai_config.json (genai_config.py), not from what Confide's own builder writes. The loop is
Confide's own rather than onnxruntime-genai's: no speed to win (measured), and each step does
what Confide decides (cancel between prefill pieces, the JSON mask with the loop guard, the
shared-prefix batch); docs/engine.md gives the reasons.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnxruntime as ort

from models.cpu import physical_cores
from models.errors import ContextOverflowError, ModelError
from models.slm.api import BatchDelta, BatchResult, GenerationConfig, GenerationEvent, GenerationResult, TextDelta
from models.slm.build_info import build_is_current
from models.slm.chat_template import ChatTemplate
from models.slm.genai_config import GenaiConfig
from models.slm.kv_cache import DecoderIo, KvCache
from models.slm.sampling import Sampler
from models.slm.streaming import TextStream
from models.slm.tokenizer import load_tokenizer

PREFILL_PIECE = 256  # tokens per prefill step: large enough to be fast, small enough to cancel quickly
CACHE_GRANULE = 256  # KV buffers are sized to prompt + max new tokens, rounded up to this


class OnnxLanguageModel:
    def __init__(self, model_dir: Path, *, threads: int | None = None, model_id: str | None = None):
        self.model_dir = Path(model_dir)
        self.model_id = model_id or self.model_dir.name
        self.config = GenaiConfig.read(self.model_dir)
        self.context_length = self.config.context_length
        self.threads = threads or self.config.intra_op_threads or physical_cores()
        model_path = self.model_dir / self.config.filename
        if not model_path.is_file():
            raise ModelError(f"{self.model_dir.name} has no {self.config.filename}; install or import the model again.")
        try:
            self.session = ort.InferenceSession(
                str(model_path), self._session_options(), providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/NoSuchFile types
            raise ModelError(
                f"ONNX Runtime cannot load {self.model_dir.name} ({str(exc).strip()[:200]}); "
                "install or import the model again."
            ) from exc
        self.io = DecoderIo(self.session, self.config)
        self.tokenizer = load_tokenizer(self.model_dir)
        self.template = ChatTemplate.from_model_dir(self.model_dir, literal_texts=self.tokenizer.special_texts)
        self.eos_ids = set(self.config.eos_ids) | set(self.tokenizer.eos_ids)
        # One buffer for past and present needs an attention op that appends in place.
        self.share_buffer = self.config.share_buffer and self._appends_in_place()

    def _session_options(self) -> ort.SessionOptions:
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Worker threads spin briefly between the many small nodes of a decoding step instead of
        # sleeping and being woken again for each one.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1")
        # Weights are repacked for the int8 kernels one at a time (onnxruntime's default), not on
        # the intra-op threads (session.prepack.enable_parallel): that loads Qwen2.5 1.5B 0.7 s
        # sooner but holds more weights twice at once, and its peak memory rose 2.1 -> 3.0 GB.
        return options

    def _appends_in_place(self) -> bool:
        """Whether attention writes each step's keys and values into the cache buffer itself
        (GroupQueryAttention). Confide's builder always uses it, so only another folder's graph is
        read: importing onnx for that took a second of a model's load on a 2-core AMD EPYC."""
        if build_is_current(self.model_dir):
            return True
        import onnx

        try:
            graph = onnx.load(str(self.model_dir / self.config.filename), load_external_data=False).graph
        except Exception:  # onnxruntime loaded it, so it is valid; just assume the general case
            return False
        return any(node.op_type == "GroupQueryAttention" for node in graph.node)

    @classmethod
    def load(cls, model_dir: Path, *, threads: int | None = None, model_id: str | None = None) -> OnnxLanguageModel:
        return cls(model_dir, threads=threads, model_id=model_id)

    # --- text ------------------------------------------------------------------------------

    def render_chat(self, messages: list[dict], *, add_generation_prompt: bool = True) -> str:
        return self.template.render(messages, add_generation_prompt=add_generation_prompt)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def prompt_ids(self, prompt: str | Sequence[int]) -> list[int]:
        """Ids as given, or the text's ids with a BOS first when the model's metadata says so."""
        if not isinstance(prompt, str):
            return [int(i) for i in prompt]
        ids = self.tokenizer.encode(prompt)
        bos = self.tokenizer.bos_id
        if self.tokenizer.add_bos and bos is not None and ids[:1] != [bos]:
            ids = [int(bos)] + ids
        return ids

    def default_generation(self) -> GenerationConfig:
        """The model folder's own search defaults (genai_config.json)."""
        return self.config.default_generation()

    # --- running the graph -----------------------------------------------------------------

    def new_cache(self, capacity: int) -> KvCache:
        return KvCache(self.session, self.config, capacity, self.share_buffer, self.io)

    def prefill(self, cache: KvCache, ids: Sequence[int], cancel: threading.Event | None = None) -> np.ndarray | None:
        """Feeds ids in pieces, checking cancel between them; the last position's logits (or None)."""
        return self.prefill_with(cache.run, ids, cancel)

    @staticmethod
    def prefill_with(
        run: Callable[[list[int]], np.ndarray], ids: Sequence[int], cancel: threading.Event | None = None
    ) -> np.ndarray | None:
        logits = None
        for start in range(0, len(ids), PREFILL_PIECE):
            if cancel is not None and cancel.is_set():
                return None
            logits = run(list(ids[start : start + PREFILL_PIECE]))
        return logits

    def last_logits(self, prompt: str | Sequence[int]) -> np.ndarray:
        """The next-token logits after the prompt (for checks against other implementations)."""
        ids = self.prompt_ids(prompt)
        self._check_fits(ids, 0)
        logits = self.prefill(self.new_cache(_round_up(len(ids), self.context_length)), ids)
        if logits is None:  # no cancel was given: the prompt had no tokens
            raise ModelError("An empty prompt has no next-token logits.")
        return logits.copy()

    def _check_fits(self, ids: list[int], max_new_tokens: int) -> None:
        if not ids:
            raise ModelError("The prompt is empty; give the model some text.")
        if len(ids) >= self.context_length:
            raise ContextOverflowError(
                f"The prompt is {len(ids)} tokens long but the model's context holds {self.context_length}; shorten it."
            )

    def generate(
        self,
        prompt: str | Sequence[int],
        config: GenerationConfig = GenerationConfig(),
        cancel: threading.Event | None = None,
    ) -> Iterator[GenerationEvent]:
        ids = self.prompt_ids(prompt)
        self._check_fits(ids, config.max_new_tokens)  # before the first yield: the caller sees it at once
        return self._generate(ids, config, cancel)

    def _generate(self, ids: list[int], config: GenerationConfig, cancel) -> Iterator[GenerationEvent]:
        max_new = max(0, min(config.max_new_tokens, self.context_length - len(ids)))
        cache = self.new_cache(_round_up(len(ids) + max_new, self.context_length))
        sampler = Sampler(config)
        stream = TextStream(self.tokenizer, config.stop_strings)
        started = time.perf_counter()
        logits = self.prefill(cache, ids, cancel)
        prefill_seconds = time.perf_counter() - started
        generated: list[int] = []
        reason = "cancelled" if logits is None else "max_new_tokens"
        decode_started = time.perf_counter()
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
            if len(generated) < max_new:
                logits = cache.run([token])
        decode_seconds = time.perf_counter() - decode_started
        tail = stream.finish()
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

    def generate_batch(
        self,
        prefix: str | Sequence[int],
        suffixes: Sequence[str | Sequence[int]],
        config: GenerationConfig = GenerationConfig(),
        cancel: threading.Event | None = None,
    ) -> Iterator[BatchDelta | BatchResult]:
        """Several continuations of one prompt prefix, each after its own suffix (which may be
        empty), decoded in one batch (batch.py): BatchDelta events, then one BatchResult.

        The prefix is treated as generate() treats a prompt (BOS when the model wants one); a str
        suffix is encoded on its own, so end the prefix where a token ends (after a special
        token or a newline). Raises, before the first event, as generate() does."""
        from models.slm.batch import generate_batch

        prefix_ids = self.prompt_ids(prefix)
        suffix_ids = [self.tokenizer.encode(s) if isinstance(s, str) else [int(i) for i in s] for s in suffixes]
        if not suffix_ids:
            raise ValueError("generate_batch needs at least one suffix (an empty one continues the prefix)")
        if config.token_mask is not None:  # one mask's state cannot follow several rows
            raise ValueError("generate_batch takes no token_mask; constrain single generations")
        longest = max(len(prefix_ids) + len(s) for s in suffix_ids)
        self._check_fits([0] * longest, config.max_new_tokens)
        max_new = max(0, min(config.max_new_tokens, self.context_length - longest))
        config = replace(config, max_new_tokens=max_new)
        if not self.share_buffer:
            return self._one_after_another(prefix_ids, suffix_ids, config, cancel)
        return generate_batch(
            self, prefix_ids, suffix_ids, config, _round_up(longest + max_new, self.context_length), cancel
        )

    def _one_after_another(self, prefix_ids, suffix_ids, config, cancel) -> Iterator[BatchDelta | BatchResult]:
        results = []
        for row, suffix in enumerate(suffix_ids):
            seeded = config if config.seed is None else replace(config, seed=config.seed + row)  # as batch.py does
            for event in self._generate(prefix_ids + suffix, seeded, cancel):
                if isinstance(event, TextDelta):
                    yield BatchDelta(row, event.text)
                else:
                    results.append(event)
        yield BatchResult(tuple(results))


def _round_up(length: int, limit: int) -> int:
    return min(limit, -(-max(length, 1) // CACHE_GRANULE) * CACHE_GRANULE)
