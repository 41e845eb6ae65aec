"""The documented fields of an onnxruntime-genai genai_config.json that the runtime follows,
so that folders Confide did not build (e.g. Phi-3's CPU int4 build) run too:
model.context_length, model.eos_token_id (an id or a list), model.bos_token_id,
model.vocab_size, model.decoder.{filename, num_hidden_layers, num_key_value_heads, head_size,
inputs.*, outputs.*, session_options.intra_op_num_threads}, and search.{max_length,
past_present_share_buffer, do_sample, temperature, top_k, top_p, repetition_penalty}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import ModelError
from models.slm.api import GenerationConfig

# What a folder may ask of the runtime (a folder is untrusted input: its numbers size the KV
# cache, name files and set thread counts). The KV cache is sized per request, so a long
# context costs nothing until it is used.
MAX_CONTEXT = 1 << 20
MAX_LAYERS = 512
MAX_HEADS = 1024
MAX_HEAD_SIZE = 1 << 12
MAX_VOCAB = 1 << 21
MAX_THREADS = 256


@dataclass(frozen=True)
class GenaiConfig:
    filename: str
    context_length: int
    num_layers: int
    num_kv_heads: int
    head_size: int
    vocab_size: int
    eos_ids: tuple[int, ...]
    bos_id: int | None
    input_ids: str
    attention_mask: str | None
    position_ids: str | None
    past_key: str
    past_value: str
    logits: str
    present_key: str
    present_value: str
    share_buffer: bool
    intra_op_threads: int | None
    search: dict = field(default_factory=dict)

    @classmethod
    def read(cls, model_dir: Path) -> GenaiConfig:
        path = Path(model_dir) / "genai_config.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            model = raw["model"]
            decoder = model["decoder"]
            inputs, outputs = decoder.get("inputs", {}), decoder.get("outputs", {})
            eos = model.get("eos_token_id", [])
            search = raw.get("search", {})
            context = int(model.get("context_length") or search.get("max_length") or 2048)
            config = cls(
                filename=decoder.get("filename", "model.onnx"),
                context_length=min(context, int(search.get("max_length") or context)),
                num_layers=int(decoder["num_hidden_layers"]),
                num_kv_heads=int(decoder["num_key_value_heads"]),
                head_size=int(decoder["head_size"]),
                vocab_size=int(model.get("vocab_size") or 0),
                eos_ids=tuple(int(i) for i in (eos if isinstance(eos, list) else [eos])),
                bos_id=model.get("bos_token_id"),
                input_ids=inputs.get("input_ids", "input_ids"),
                attention_mask=inputs.get("attention_mask", "attention_mask"),
                position_ids=inputs.get("position_ids", "position_ids"),
                past_key=inputs.get("past_key_names", "past_key_values.%d.key"),
                past_value=inputs.get("past_value_names", "past_key_values.%d.value"),
                logits=outputs.get("logits", "logits"),
                present_key=outputs.get("present_key_names", "present.%d.key"),
                present_value=outputs.get("present_value_names", "present.%d.value"),
                share_buffer=bool(search.get("past_present_share_buffer", False)),
                intra_op_threads=(decoder.get("session_options") or {}).get("intra_op_num_threads"),
                search=search,
            )
        except FileNotFoundError:
            raise ModelError(
                f"{Path(model_dir).name} has no genai_config.json; it is not an ONNX model folder."
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            raise ModelError(
                f"The genai_config.json of {Path(model_dir).name} is unreadable ({str(exc)[:100]})."
            ) from exc
        return config.checked(model_dir)

    def checked(self, model_dir: Path) -> GenaiConfig:
        """self, or a ModelError naming the first value no runnable folder has."""
        where = f"The genai_config.json of {Path(model_dir).name}"
        ranges = {
            "model.context_length": (self.context_length, 1, MAX_CONTEXT),
            "model.decoder.num_hidden_layers": (self.num_layers, 1, MAX_LAYERS),
            "model.decoder.num_key_value_heads": (self.num_kv_heads, 1, MAX_HEADS),
            "model.decoder.head_size": (self.head_size, 1, MAX_HEAD_SIZE),
            "model.vocab_size": (self.vocab_size, 0, MAX_VOCAB),
        }
        if self.intra_op_threads is not None:
            ranges["session_options.intra_op_num_threads"] = (self.intra_op_threads, 0, MAX_THREADS)
        for key, (value, low, high) in ranges.items():
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ModelError(f"{where} has {key} = {value!r}; a model Confide can run has {low} to {high}.")
        if not all(0 <= i < (self.vocab_size or MAX_VOCAB) for i in self.eos_ids):
            raise ModelError(f"{where} has an eos_token_id outside the vocabulary.")
        if (
            not isinstance(self.filename, str)
            or Path(self.filename).name != self.filename
            or self.filename in ("", ".", "..")
        ):
            raise ModelError(
                f"{where} has model.decoder.filename = {self.filename!r}; it must name a file in the folder."
            )
        names = (
            self.input_ids,
            self.attention_mask,
            self.position_ids,
            self.past_key,
            self.past_value,
            self.logits,
            self.present_key,
            self.present_value,
        )
        if not all(name is None or isinstance(name, str) for name in names):
            raise ModelError(f"{where} has an input or output name that is not text.")
        try:
            self.default_generation()
        except (TypeError, ValueError, OverflowError):
            raise ModelError(
                f"{where} has a search value (temperature, top_k, top_p, repetition_penalty) that is not a number."
            ) from None
        return self

    def default_generation(self) -> GenerationConfig:
        """The folder's own search defaults (greedy unless it says do_sample)."""
        s = self.search
        sampling = bool(s.get("do_sample", False))
        return GenerationConfig(
            temperature=float(s.get("temperature", 1.0)) if sampling else 0.0,
            top_k=int(s.get("top_k", 0)) if sampling else 0,
            top_p=float(s.get("top_p", 1.0)) if sampling else 1.0,
            repetition_penalty=float(s.get("repetition_penalty", 1.0)),
        )
