"""The documented fields of an onnxruntime-genai genai_config.json that the runtime follows,
so that folders Confide did not build (e.g. Phi-3's CPU int4 build) run too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.errors import ModelError


@dataclass(frozen=True)
class GenaiConfig:
    filename: str
    context_length: int
    num_layers: int
    num_kv_heads: int
    head_size: int
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
    search_defaults: dict

    @classmethod
    def read(cls, model_dir: Path) -> "GenaiConfig":
        path = Path(model_dir) / "genai_config.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            model = raw["model"]
            decoder = model["decoder"]
            inputs, outputs = decoder.get("inputs", {}), decoder.get("outputs", {})
            eos = model.get("eos_token_id", [])
            search = raw.get("search", {})
            return cls(
                filename=decoder.get("filename", "model.onnx"),
                context_length=int(model.get("context_length") or search.get("max_length") or 2048),
                num_layers=int(decoder["num_hidden_layers"]),
                num_kv_heads=int(decoder["num_key_value_heads"]),
                head_size=int(decoder["head_size"]),
                eos_ids=tuple(eos if isinstance(eos, list) else [eos]),
                bos_id=model.get("bos_token_id"),
                input_ids=inputs.get("input_ids", "input_ids"),
                attention_mask=inputs.get("attention_mask", "attention_mask"),
                position_ids=inputs.get("position_ids"),
                past_key=inputs.get("past_key_names", "past_key_values.%d.key"),
                past_value=inputs.get("past_value_names", "past_key_values.%d.value"),
                logits=outputs.get("logits", "logits"),
                present_key=outputs.get("present_key_names", "present.%d.key"),
                present_value=outputs.get("present_value_names", "present.%d.value"),
                share_buffer=bool(search.get("past_present_share_buffer", False)),
                intra_op_threads=decoder.get("session_options", {}).get("intra_op_num_threads"),
                search_defaults=search,
            )
        except FileNotFoundError:
            raise ModelError(f"{Path(model_dir).name} has no genai_config.json; it is not an ONNX model folder.") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"The genai_config.json of {Path(model_dir).name} is unreadable ({exc}).") from exc
