"""GGUF -> ONNX: one folder per model in the onnxruntime-genai layout.

build_from_gguf(gguf, out_dir) writes model.onnx (+ model.onnx.data), genai_config.json,
the tokenizer files and confide-build.json (how it was built, and whether exactly).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import onnx
from gguf import GGMLQuantizationType

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.builder.architectures import ARCHITECTURES
from models.slm.builder.decoder import IoNames, build_decoder
from models.slm.builder.quant import SUPPORTED, embedding_table

BUILDER_VERSION = 1
MODEL_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
DEFAULT_ACCURACY_LEVEL = 4  # int8 activations, as llama.cpp itself computes Q4 dot products


def build_from_gguf(gguf_path: Path, out_dir: Path, *, progress: Callable[[str], None] | None = None,
                    accuracy_level: int = DEFAULT_ACCURACY_LEVEL, names: IoNames = IoNames()) -> None:
    progress = progress or (lambda _m: None)
    started = time.perf_counter()
    gguf = GGUFFile(Path(gguf_path))
    arch = gguf.architecture
    if arch not in ARCHITECTURES:
        raise ModelError(f"{Path(gguf_path).name} is a '{arch}' model; Confide can convert {', '.join(sorted(ARCHITECTURES))}.")
    for tensor in gguf.tensors.values():
        if GGMLQuantizationType(tensor.tensor_type) not in SUPPORTED:
            raise ModelError(f"Tensor {tensor.name} uses the {GGUFFile.type_name(tensor)} type, "
                             "which Confide cannot convert yet.")
    spec, layer_weights, output_norm, lm_head = ARCHITECTURES[arch](gguf)
    embedding = embedding_table(gguf.tensor("token_embd.weight"))
    model = build_decoder(spec, embedding, layer_weights, output_norm, lm_head, accuracy_level=accuracy_level,
                          names=names, progress=progress)
    out_dir = Path(out_dir)
    onnx.save_model(model, str(out_dir / MODEL_FILE), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=DATA_FILE, size_threshold=1024)
    del model
    _write_genai_config(gguf, spec, out_dir, names)
    from models.slm.tokenizer import save_tokenizer_files

    save_tokenizer_files(gguf, out_dir)
    exact = arch == "llama" and all(GGUFFile.type_name(t) in ("F32", "Q4_0", "Q4_1", "Q8_0") for t in gguf.tensors.values())
    (out_dir / "confide-build.json").write_text(json.dumps({
        "builder_version": BUILDER_VERSION,
        "architecture": arch,
        "source": Path(gguf_path).name,
        "accuracy_level": accuracy_level,
        "weights_exact": exact,
        "build_seconds": round(time.perf_counter() - started, 1),
    }, indent=1))
    progress(f"built {arch} model in {time.perf_counter() - started:.1f} s")


def _write_genai_config(gguf: GGUFFile, spec, out_dir: Path, names: IoNames) -> None:
    eos = gguf.get("tokenizer.ggml.eos_token_id")
    eos_ids = [int(eos)] if eos is not None else []
    config = {
        "model": {
            "type": gguf.architecture,
            "context_length": spec.context_length,
            "vocab_size": spec.vocab,
            "bos_token_id": int(gguf.get("tokenizer.ggml.bos_token_id", 1)),
            "eos_token_id": eos_ids,
            "pad_token_id": int(gguf.get("tokenizer.ggml.padding_token_id", eos_ids[0] if eos_ids else 0)),
            "decoder": {
                "filename": MODEL_FILE,
                "head_size": spec.head_dim,
                "hidden_size": spec.hidden,
                "num_attention_heads": spec.n_heads,
                "num_hidden_layers": spec.n_layers,
                "num_key_value_heads": spec.n_kv_heads,
                "session_options": {"log_id": "confide", "provider_options": []},
                "inputs": {
                    "input_ids": names.input_ids,
                    "attention_mask": names.attention_mask,
                    "past_key_names": names.past_key,
                    "past_value_names": names.past_value,
                },
                "outputs": {
                    "logits": names.logits,
                    "present_key_names": names.present_key,
                    "present_value_names": names.present_value,
                },
            },
        },
        "search": {
            "do_sample": False,
            "max_length": spec.context_length,
            "min_length": 0,
            "num_beams": 1,
            "num_return_sequences": 1,
            "past_present_share_buffer": True,
            "repetition_penalty": 1.0,
            "temperature": 1.0,
            "top_k": 1,
            "top_p": 1.0,
        },
    }
    (out_dir / "genai_config.json").write_text(json.dumps(config, indent=1))
